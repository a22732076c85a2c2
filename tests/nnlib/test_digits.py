"""The UCI 8x8 digits shipped in nnlib/data: offline, shapes, range, labels, and how the file was made."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlib.datasets import DIGITS_PATH, load_digits

ROOT = Path(__file__).resolve().parents[2]
COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # per digit 0..9, from the file


def test_flat_shapes_dtypes_and_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # raw values were integers 0..16


def test_images_match_the_flat_rows():
    X, y = load_digits()
    images, y2 = load_digits(images=True)
    assert images.shape == (1797, 8, 8) and images.dtype == np.float64
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(y, y2)


def test_label_counts():
    _, y = load_digits()
    assert np.bincount(y).tolist() == COUNTS
    assert all(174 <= c <= 183 for c in COUNTS)


def test_first_sample_is_the_zero_from_the_source_file():
    X, y = load_digits()
    assert y[0] == 0
    np.testing.assert_array_equal(X[0, :16] * 16, [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0])


def test_every_call_returns_fresh_arrays():
    X, y = load_digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0.0 and y2.min() == 0


def test_file_is_small_uint8_and_needs_no_pickle():
    assert DIGITS_PATH == ROOT / "nnlib" / "data" / "digits.npz"
    assert DIGITS_PATH.stat().st_size < 100_000
    with np.load(DIGITS_PATH, allow_pickle=False) as data:
        assert sorted(data.files) == ["labels", "pixels"]
        assert data["pixels"].dtype == np.uint8 and data["labels"].dtype == np.uint8


def test_loads_offline_without_scikit_learn():
    code = (
        "import sys; sys.modules['sklearn'] = None\n"  # any import of sklearn now fails
        "from nnlib.datasets import load_digits\n"
        "X, y = load_digits(); assert X.shape == (1797, 64), X.shape\n"
        "loaded = {name.split('.')[0] for name, module in sys.modules.items() if module}\n"
        "banned = {'sklearn', 'pandas', 'streamlit', 'plotly'} & loaded\n"
        "assert not banned, banned\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr


def _extract_module():
    path = ROOT / "nnlib" / "data" / "extract_digits.py"
    spec = importlib.util.spec_from_file_location("extract_digits", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_file_matches_what_the_extract_script_reads():
    extract = _extract_module()
    source = extract.sklearn_csv() if importlib.util.find_spec("sklearn") else None
    if source is None or not source.is_file():
        pytest.skip("scikit-learn's digits.csv.gz is not installed here")
    pixels, labels = extract.read_digits(source)
    X, y = load_digits()
    np.testing.assert_array_equal(pixels / 16.0, X)
    np.testing.assert_array_equal(labels, y)
