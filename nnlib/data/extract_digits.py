"""Write nnlib/data/digits.npz from the copy of the UCI digits that ships with scikit-learn.

Run once, from anywhere:  python nnlib/data/extract_digits.py [path/to/digits.csv.gz]

scikit-learn is only located, never imported: its digits.csv.gz (1797 rows of 64 pixels in 0..16,
then the label) is parsed with gzip and NumPy. The npz holds uint8 ``pixels`` (1797, 64) and uint8
``labels`` (1797,), compressed, and is read back with allow_pickle=False.
"""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path

import numpy as np

OUTPUT = Path(__file__).resolve().parent / "digits.npz"
N_SAMPLES, N_PIXELS = 1797, 64


def sklearn_csv() -> Path:
    """Where the installed scikit-learn keeps digits.csv.gz (found without importing it)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("scikit-learn is not installed; pass the path to digits.csv.gz instead")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"


def read_digits(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """digits.csv.gz -> uint8 pixels (1797, 64) in 0..16 and uint8 labels (1797,) in 0..9."""
    with gzip.open(path, "rt", encoding="ascii") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if table.shape != (N_SAMPLES, N_PIXELS + 1):
        raise SystemExit(f"expected {N_SAMPLES} rows of {N_PIXELS + 1} values, found shape {table.shape}")
    pixels, labels = table[:, :N_PIXELS], table[:, N_PIXELS]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise SystemExit("pixels must be in 0..16 and labels in 0..9")
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else sklearn_csv()
    pixels, labels = read_digits(source)
    np.savez_compressed(OUTPUT, pixels=pixels, labels=labels)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes) from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
