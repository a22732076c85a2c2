"""Datasets: toy 2-D sets, a stratified train/test split, and the UCI digits.

Every 2-D set lives in one fixed domain, ``DOMAIN = (-6, 6)`` on both x1 and x2, as in TensorFlow
Playground: generated points are clipped into it.

Labels: ``y`` is int64 class ids 0..k-1 for "binary" and "multiclass" sets, float64 targets for
"regression" sets.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnlib._registry import lookup

DOMAIN = (-6.0, 6.0)
MAX_NOISE = 0.5
MIN_SAMPLES = 2
MAX_SAMPLES = 100_000
KINDS = ("binary", "multiclass", "regression")

_TAU = 2.0 * np.pi


@dataclass(frozen=True)
class DatasetInfo:
    """What a page needs to know about a generated set.

    kind: "binary" | "multiclass" | "regression".
    n_classes: class ids are 0..n_classes-1; 0 for regression (no classes; the model still has one
        output). For "blobs" it is the default (3).
    description: one line for the UI, including what ``noise`` does to this set.
    class_choices: the values ``generate(..., classes=)`` accepts; () for regression. Only "blobs"
        offers more than one.
    """

    name: str
    kind: str
    n_classes: int
    description: str
    class_choices: tuple[int, ...] = ()


def _info(name: str, kind: str, n_classes: int, description: str,
          choices: tuple[int, ...] = ()) -> DatasetInfo:
    if not choices and kind != "regression":
        choices = (n_classes,)
    return DatasetInfo(name, kind, n_classes, description, choices)


DATASETS: dict[str, DatasetInfo] = {
    "circle": _info("circle", "binary", 2,
                    "Class 1: a disc of radius 2.5; class 0: a ring from 3.5 to 5. "
                    "Noise jitters each coordinate by up to ±5·noise."),
    "xor": _info("xor", "binary", 2,
                 "Class 1 where x1·x2 > 0, class 0 where x1·x2 < 0, with a 0.3 gap along the axes. "
                 "Noise jitters each coordinate by up to ±5·noise."),
    "gauss": _info("gauss", "binary", 2,
                   "Two Gaussian clouds centred at (-2, -2) (class 0) and (2, 2) (class 1). "
                   "Noise widens them: std = 0.5 + 3·noise."),
    "spiral": _info("spiral", "binary", 2,
                    "Two interleaved spiral arms. Noise jitters each coordinate by up to ±noise."),
    "moons": _info("moons", "binary", 2,
                   "Two interleaving half circles, 1.5 apart at their closest. "
                   "Noise adds Gaussian jitter with std 1.5·noise."),
    "checkerboard": _info("checkerboard", "binary", 2,
                          "A 4x4 board of 3x3 cells over the domain; the cell colour is the class. "
                          "Noise jitters each coordinate by up to ±3·noise (half a cell at most)."),
    "blobs": _info("blobs", "multiclass", 3,
                   "3 to 6 Gaussian blobs (classes=) on a circle of radius 4. "
                   "Noise widens them: std = 0.4 + 2·noise.", (3, 4, 5, 6)),
    "spiral3": _info("spiral3", "multiclass", 3,
                     "Three interleaved spiral arms. Noise jitters each coordinate by up to ±noise."),
    "plane": _info("plane", "regression", 0,
                   "y = (x1 + x2) / 12, in [-1, 1]. Noise reads y at a point jittered by up to "
                   "±6·noise per axis."),
    "multigauss": _info("multigauss", "regression", 0,
                        "Six bumps of height ±1 (width 2) on a 3x2 grid, in [-1, 1]. Noise reads y at a "
                        "point jittered by up to ±6·noise per axis."),
    "sine": _info("sine", "regression", 0,
                  "y = sin(distance from the origin): rings, in [-1, 1]. Noise reads y at a point "
                  "jittered by up to ±6·noise per axis."),
}


def get_info(name: str) -> DatasetInfo:
    """DATASETS[name], or a ValueError that lists the choices."""
    return lookup("dataset", DATASETS, name)


# ---------------------------------------------------------------------------------------------------
# Generators. Each classification maker gets the per-class counts and returns one (count, 2) array per
# class; each regression maker gets n and returns (X, y). Every maker draws the same random numbers
# whatever the noise, so moving the noise slider moves the same points instead of drawing new ones.
# ---------------------------------------------------------------------------------------------------


def _polar(r: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(m,) radii and angles -> (m, 2) points."""
    return np.column_stack([r * np.cos(t), r * np.sin(t)])


def _jitter(points: np.ndarray, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Uniform in ±scale per coordinate. Drawn even when scale is 0, to keep the stream aligned."""
    return points + rng.uniform(-1.0, 1.0, points.shape) * scale


def _circle(counts, noise, rng):
    outer = _polar(rng.uniform(3.5, 5.0, counts[0]), rng.uniform(0.0, _TAU, counts[0]))
    inner = _polar(rng.uniform(0.0, 2.5, counts[1]), rng.uniform(0.0, _TAU, counts[1]))
    return [_jitter(p, 5.0 * noise, rng) for p in (outer, inner)]


def _xor(counts, noise, rng):
    parts = []
    for c, m in enumerate(counts):
        size = rng.uniform(0.3, 5.3, (m, 2))
        s = rng.choice([-1.0, 1.0], m)
        signs = np.column_stack([s, s if c == 1 else -s])  # class 1: same signs, class 0: opposite
        parts.append(_jitter(size * signs, 5.0 * noise, rng))
    return parts


def _gauss(counts, noise, rng):
    std = 0.5 + 3.0 * noise
    centres = np.array([(-2.0, -2.0), (2.0, 2.0)])
    return [centre + std * rng.standard_normal((m, 2)) for centre, m in zip(centres, counts, strict=True)]


def _spiral(counts, noise, rng):
    """One arm per class, turned by 1/k of a circle from the previous one; 1.75 turns out to r = 5."""
    k = len(counts)
    parts = []
    for c, m in enumerate(counts):
        u = rng.uniform(0.0, 1.0, m)  # position along the arm, random so each seed differs
        arm = _polar(5.0 * u, 1.75 * _TAU * u + _TAU * c / k)
        parts.append(_jitter(arm, noise, rng))
    return parts


def _moons(counts, noise, rng):
    t0, t1 = rng.uniform(0.0, np.pi, counts[0]), rng.uniform(0.0, np.pi, counts[1])
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    # The pair spans x in [-1, 2], y in [-0.5, 1]: centre it and scale x to [-4.5, 4.5].
    return [3.0 * (p - (0.5, 0.25)) + 1.5 * noise * rng.standard_normal(p.shape) for p in (upper, lower)]


_CELL = 3.0
_CELL_MARGIN = 0.2  # keeps noise-free points off the cell edges
_CELLS = np.array([(i, j) for i in range(4) for j in range(4)], dtype=float)


def _checkerboard(counts, noise, rng):
    parts = []
    for c, m in enumerate(counts):
        cells = _CELLS[_CELLS.sum(axis=1) % 2 == c]
        corner = DOMAIN[0] + _CELL * cells[rng.integers(0, len(cells), m)]
        points = corner + rng.uniform(_CELL_MARGIN, _CELL - _CELL_MARGIN, (m, 2))
        parts.append(_jitter(points, _CELL * noise, rng))
    return parts


def _blobs(counts, noise, rng):
    k = len(counts)
    centres = _polar(np.full(k, 4.0), np.pi / 2 + _TAU * np.arange(k) / k)
    std = 0.4 + 2.0 * noise
    return [centre + std * rng.standard_normal((m, 2)) for centre, m in zip(centres, counts, strict=True)]


def _plane(p: np.ndarray) -> np.ndarray:
    return (p[:, 0] + p[:, 1]) / 12.0


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def _multigauss(p: np.ndarray) -> np.ndarray:
    """The bump whose value is largest in magnitude wins (as in TF Playground)."""
    d = np.hypot(p[:, :1] - _BUMPS[:, 0], p[:, 1:] - _BUMPS[:, 1])  # (n, 6)
    v = _BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    return v[np.arange(len(p)), np.abs(v).argmax(axis=1)]


def _sine(p: np.ndarray) -> np.ndarray:
    return np.sin(np.hypot(p[:, 0], p[:, 1]))


def _regression(target: Callable[[np.ndarray], np.ndarray]):
    def make(n, noise, rng):
        X = rng.uniform(*DOMAIN, (n, 2))
        probe = np.clip(_jitter(X, DOMAIN[1] * noise, rng), *DOMAIN)
        return X, target(probe)

    return make


_CLASSIFIERS = {
    "circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral, "moons": _moons,
    "checkerboard": _checkerboard, "blobs": _blobs, "spiral3": _spiral,
}
_REGRESSIONS = {
    "plane": _regression(_plane), "multigauss": _regression(_multigauss), "sine": _regression(_sine),
}
assert set(_CLASSIFIERS) | set(_REGRESSIONS) == set(DATASETS)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_seed(seed: Any) -> int:
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, received {seed!r}")
    return int(seed)


def _check_classes(info: DatasetInfo, classes: Any) -> int:
    if classes is None:
        return info.n_classes
    if not _is_int(classes) or classes not in info.class_choices:
        allowed = f"one of {list(info.class_choices)}" if info.class_choices else "None (it has no classes)"
        raise ValueError(f"dataset {info.name!r} takes classes={allowed}, received classes={classes!r}")
    return int(classes)


def _balanced_counts(n: int, k: int) -> np.ndarray:
    """n split as evenly as possible among k classes, the first ones getting the remainder: (k,) int."""
    return n // k + (np.arange(k) < n % k)


def generate(name: str, n_samples: int = 500, noise: float = 0.0, seed: int = 0, *,
             classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Draw a 2-D set from DATASETS.

    n_samples: 2..100_000. Classes get exactly balanced counts (500 -> 250/250; 3 classes -> 167/167/166).
    noise: 0..0.5; what it does per set is in ``DATASETS[name].description``. It moves points (or, for
        regression, where the target is read); it never changes the counts, labels or row order.
    seed: the same seed gives identical arrays.
    classes: only "blobs" offers a choice (3..6); None means the default.
    Returns X: (n_samples, 2) float64 inside DOMAIN (clipped), rows shuffled; y: (n_samples,) int64 class
    ids 0..k-1, or float64 targets in [-1, 1] for regression.
    """
    info = get_info(name)
    if not _is_int(n_samples) or not MIN_SAMPLES <= n_samples <= MAX_SAMPLES:
        raise ValueError(f"n_samples must be an int in [{MIN_SAMPLES}, {MAX_SAMPLES}], "
                         f"received {n_samples!r}")
    if not _is_real(noise) or not 0.0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise must be a number in [0, {MAX_NOISE}], received {noise!r}")
    rng = np.random.default_rng(_check_seed(seed))
    k = _check_classes(info, classes)
    if info.kind == "regression":
        X, y = _REGRESSIONS[info.name](n_samples, float(noise), rng)
    else:
        if n_samples < k:
            raise ValueError(f"dataset {info.name!r} with {k} classes needs n_samples >= {k}, "
                             f"received {n_samples}")
        counts = _balanced_counts(n_samples, k)
        X = np.concatenate(_CLASSIFIERS[info.name](counts, float(noise), rng))
        y = np.repeat(np.arange(k, dtype=np.int64), counts)
    order = rng.permutation(n_samples)
    return np.clip(X, *DOMAIN)[order], y[order]


# ---------------------------------------------------------------------------------------------------
# Train / test split
# ---------------------------------------------------------------------------------------------------


def _n_test(m: int, ratio: float) -> int:
    """Test share of a group of m rows: rounded, but leaving at least one row on each side."""
    if m < 2:
        return 0
    return min(max(int(math.floor(m * ratio + 0.5)), 1), m - 1)


def train_test_split(X, y, test_ratio: float = 0.5, seed: int = 0):
    """Shuffle rows into a train and a test part.

    X: (n, ...) ; y: (n,). When y holds integer (or bool) class ids the split is stratified: each class
    sends round(count · test_ratio) rows to test, and at least one row to each side when it has two.
    test_ratio: strictly between 0 and 1. seed: the same seed gives the same split.
    Returns (X_train, X_test, y_train, y_test), each part in shuffled order.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim < 1 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"train_test_split needs X (n, ...) and y (n,), "
                         f"received shapes {X.shape} and {y.shape}")
    if len(y) < 2:
        raise ValueError(f"train_test_split needs at least 2 rows, received {len(y)}")
    if not _is_real(test_ratio) or not 0.0 < test_ratio < 1.0:
        raise ValueError(f"test_ratio must be a number strictly between 0 and 1, received {test_ratio!r}")
    rng = np.random.default_rng(_check_seed(seed))
    if y.dtype.kind in "iub":
        groups = [np.flatnonzero(y == c) for c in np.unique(y)]
    else:
        groups = [np.arange(len(y))]
    train, test = [], []
    for rows in groups:
        rows = rng.permutation(rows)
        k = _n_test(len(rows), float(test_ratio))
        test.append(rows[:k])
        train.append(rows[k:])
    train_rows, test_rows = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return X[train_rows], X[test_rows], y[train_rows], y[test_rows]


# ---------------------------------------------------------------------------------------------------
# UCI handwritten digits (shipped in nnlib/data, see its README)
# ---------------------------------------------------------------------------------------------------

DIGITS_PATH = Path(__file__).resolve().parent / "data" / "digits.npz"


@functools.lru_cache(maxsize=1)
def _digits_raw() -> tuple[np.ndarray, np.ndarray]:
    """uint8 pixels (1797, 64) in 0..16 and uint8 labels (1797,), read once."""
    if not DIGITS_PATH.is_file():
        raise FileNotFoundError(f"{DIGITS_PATH} is missing; recreate it with nnlib/data/extract_digits.py")
    with np.load(DIGITS_PATH, allow_pickle=False) as data:
        return data["pixels"], data["labels"]


def load_digits(*, images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 UCI handwritten digits: 1,797 samples, labels 0..9.

    Returns X: (1797, 64) float64 in [0, 1] (raw 0..16 divided by 16), or with images=True
    (1797, 8, 8); y: (1797,) int64. Fresh arrays on every call.
    """
    pixels, labels = _digits_raw()
    X = pixels.astype(np.float64) / 16.0
    return (X.reshape(-1, 8, 8) if images else X), labels.astype(np.int64)
