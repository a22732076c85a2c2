"""Input features built from the two coordinates, as in TensorFlow Playground.

Values are kept raw, as TF Playground feeds them: x1 and x2 range over the drawing domain (-6, 6), so
x1sq reaches 36 and sin/cos stay in [-1, 1]. The app applies the same ``expand`` to its drawing grid,
so training and drawing agree. ``expand`` runs on a 100x100 grid every frame: one vectorised NumPy
operation per column, no loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Feature = Callable[[np.ndarray], np.ndarray]  # X (n, 2) -> column (n,)

# short name -> (display label, function); the order is the order a page lists them in
FEATURES: dict[str, tuple[str, Feature]] = {
    "x1": ("X₁", lambda X: X[:, 0]),
    "x2": ("X₂", lambda X: X[:, 1]),
    "x1sq": ("X₁²", lambda X: X[:, 0] ** 2),
    "x2sq": ("X₂²", lambda X: X[:, 1] ** 2),
    "x1x2": ("X₁X₂", lambda X: X[:, 0] * X[:, 1]),
    "sinx1": ("sin(X₁)", lambda X: np.sin(X[:, 0])),
    "sinx2": ("sin(X₂)", lambda X: np.sin(X[:, 1])),
    "cosx1": ("cos(X₁)", lambda X: np.cos(X[:, 0])),
    "cosx2": ("cos(X₂)", lambda X: np.cos(X[:, 1])),
}
CODE = {  # the same columns as NumPy expressions, for exported code (tests/ui/core/data/test_features.py: equal)
    "x1": "X[:, 0]", "x2": "X[:, 1]", "x1sq": "X[:, 0] ** 2", "x2sq": "X[:, 1] ** 2", "x1x2": "X[:, 0] * X[:, 1]",
    "sinx1": "np.sin(X[:, 0])", "sinx2": "np.sin(X[:, 1])", "cosx1": "np.cos(X[:, 0])", "cosx2": "np.cos(X[:, 1])",
}
DEFAULT_FEATURES = ("x1", "x2")


def lookup(kind: str, registry: dict, name: str):
    """``registry[name]`` (any case), or a ValueError that lists the choices, as nnlib's registries say it."""
    try:
        return registry[name.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown {kind} {name!r}; choose one of {sorted(registry)}") from None


def label(name: str) -> str:
    """The display label of a feature, e.g. "x1sq" -> "X₁²"."""
    return lookup("feature", FEATURES, name)[0]


def _check_names(names: Sequence[str]) -> list[str]:
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise ValueError(f"names must be a list of feature names such as ['x1', 'x2'], received {names!r}")
    names = list(names)
    if not names:
        raise ValueError(f"names must not be empty; choose from {list(FEATURES)}")
    for name in names:
        lookup("feature", FEATURES, name)
    keys = [name.lower() for name in names]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"duplicate feature {repeated[0]!r} in names={list(names)!r}")
    return keys


def expand(X, names: Sequence[str]) -> np.ndarray:
    """X: (n, 2) points -> (n, len(names)) float64, one column per feature name, in the given order."""
    keys = _check_names(names)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2 or X.dtype.kind not in "iuf":
        raise ValueError(f"expand needs numeric X of shape (n, 2), received shape {X.shape} dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    out = np.empty((len(X), len(keys)))
    for j, key in enumerate(keys):
        out[:, j] = FEATURES[key][1](X)
    return out
