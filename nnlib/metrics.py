"""Metrics as batch functions ``(a, y) -> float``, averaged over an epoch weighted by batch size.

``accuracy`` means what Keras makes it mean: chosen from the loss and the output width.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlib._registry import lookup

Metric = Callable[[np.ndarray, np.ndarray], float]


def binary_accuracy(a, y):
    return float(np.mean((a > 0.5) == (y > 0.5)))


def categorical_accuracy(a, y):
    return float(np.mean(a.argmax(axis=1) == y.argmax(axis=1)))


def sparse_categorical_accuracy(a, y):
    return float(np.mean(a.argmax(axis=1) == y))


def mae(a, y):
    return float(np.mean(np.abs(a - y)))


def mse(a, y):
    diff = a - y
    return float(np.mean(diff * diff))


def r2_score(a, y):
    """The coefficient of determination over the whole set: 1 - SS_res / SS_tot (0 when y is constant, as
    scikit-learn's ``force_finite``). Computed per batch inside fit, so use it with evaluate."""
    a, y = np.ravel(a), np.ravel(y)
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - a) ** 2)) / total if total > 0 else 0.0


METRICS: dict[str, Metric] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mae": mae,
    "mean_absolute_error": mae,
    "mse": mse,
    "mean_squared_error": mse,
    "r2_score": r2_score,
}


def resolve(name: str, loss_name: str, n_outputs: int) -> Metric:
    """The metric function for ``name``; "accuracy"/"acc" picks the variant that fits the loss."""
    if isinstance(name, str) and name.lower() in ("accuracy", "acc"):
        by_loss = {"sparse_categorical_crossentropy": sparse_categorical_accuracy,
                   "categorical_crossentropy": categorical_accuracy, "binary_crossentropy": binary_accuracy}
        return by_loss.get(loss_name, binary_accuracy if n_outputs == 1 else categorical_accuracy)
    return lookup("metric", {**METRICS, "accuracy": None}, name)  # "accuracy" is handled above
