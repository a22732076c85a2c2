"""Losses. Every value is a mean over the batch, and every gradient is of that mean.

A loss that pairs with an output activation (sigmoid + binary cross-entropy, softmax + categorical
cross-entropy) also offers ``value_and_dz``: the loss and its gradient with respect to the output
layer's pre-activation z, computed from z directly. That fused gradient is the famous
``prediction - target`` (over the batch size), and computing the value from z with log-sum-exp
means log(0) never happens.
"""

from __future__ import annotations

import functools

import numpy as np

from nnlib._registry import lookup

EPSILON = 1e-7  # Keras' clip for probabilities when a loss only sees probabilities


_TINY = 1e-300


@functools.lru_cache(maxsize=8)
def _arange(m: int) -> np.ndarray:
    rows = np.arange(m)
    rows.flags.writeable = False
    return rows


def _logsumexp(z: np.ndarray) -> np.ndarray:
    zmax = z.max(axis=-1, keepdims=True)
    return zmax + np.log(np.exp(z - zmax).sum(axis=-1, keepdims=True))


def _finite_float_targets(y, n_outputs: int, loss: str) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1 and n_outputs == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[1] != n_outputs:
        raise ValueError(f"{loss} needs targets of shape (n, {n_outputs}) to match the model's output, "
                         f"received shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError(f"{loss} targets contain NaN or inf (first at row {int(np.argmin(np.isfinite(y).all(1)))})")
    return y


class Loss:
    name = "loss"
    fused_activation: str | None = None  # the output activation whose gradient folds into this loss

    def prepare_targets(self, y, n_outputs: int) -> np.ndarray:
        """Check and convert targets once per ``fit``, so the training loop never re-validates."""
        return _finite_float_targets(y, n_outputs, self.name)

    def value_and_grad(self, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and dL/da for predictions a: (batch, outputs)."""
        raise NotImplementedError

    def value_and_dz(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and dL/dz when the output activation is ``fused_activation``."""
        raise NotImplementedError

    def fused_value(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        """The loss exactly as ``value_and_dz`` computes it (from z, so never clipped): evaluate uses it
        too, so the reported loss is the function whose gradient training follows."""
        raise NotImplementedError

    def value(self, a: np.ndarray, y: np.ndarray) -> float:
        return self.value_and_grad(a, y)[0]

    def __repr__(self) -> str:
        return self.name


class MeanSquaredError(Loss):
    name = "mse"

    def value_and_grad(self, a, y):
        diff = a - y
        return float(np.mean(diff * diff)), diff * (2.0 / diff.size)


class MeanAbsoluteError(Loss):
    name = "mae"

    def value_and_grad(self, a, y):
        diff = a - y
        return float(np.mean(np.abs(diff))), np.sign(diff) / diff.size


class BinaryCrossentropy(Loss):
    """Targets are 0/1 (or probabilities in [0, 1]); one sigmoid output per target column."""

    name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def prepare_targets(self, y, n_outputs):
        y = _finite_float_targets(y, n_outputs, self.name)
        if y.size and (y.min() < 0 or y.max() > 1):
            raise ValueError(f"binary_crossentropy needs targets in [0, 1], received values from "
                             f"{y.min():g} to {y.max():g}")
        return y

    def value_and_grad(self, a, y):
        p = np.clip(a, EPSILON, 1 - EPSILON)
        value = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        return float(value), (p - y) / (p * (1 - p)) / y.size

    def fused_value(self, z, a, y):
        # -[y log s(z) + (1-y) log(1-s(z))] = log(1 + e^z) - z*y, and logaddexp never overflows
        return float(np.mean(np.logaddexp(0.0, z) - z * y))

    def value_and_dz(self, z, a, y):
        return self.fused_value(z, a, y), (a - y) / y.size


class CategoricalCrossentropy(Loss):
    """Targets are one-hot rows (or probability rows) over the output classes."""

    name = "categorical_crossentropy"
    fused_activation = "softmax"

    def prepare_targets(self, y, n_outputs):
        y = _finite_float_targets(y, n_outputs, self.name)
        if y.size and (y.min() < 0 or not np.allclose(y.sum(axis=1), 1.0)):
            raise ValueError("categorical_crossentropy needs one-hot target rows that sum to 1; for "
                             "integer labels use sparse_categorical_crossentropy")
        return y

    def value_and_grad(self, a, y):
        p = np.clip(a, EPSILON, 1.0)
        m = len(y)
        return float(-np.sum(y * np.log(p)) / m), -y / p / m

    def fused_value(self, z, a, y):
        return float(np.sum(y * (_logsumexp(z) - z)) / len(y))

    def value_and_dz(self, z, a, y):
        return self.fused_value(z, a, y), (a - y) / len(y)


class SparseCategoricalCrossentropy(Loss):
    """Targets are integer class ids 0..k-1, shape (batch,) or (batch, 1)."""

    name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def prepare_targets(self, y, n_outputs):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"sparse_categorical_crossentropy needs integer labels of shape (n,), "
                             f"received shape {y.shape}")
        if y.dtype.kind == "f":
            if not np.isfinite(y).all() or not np.all(y == np.round(y)):
                raise ValueError("sparse_categorical_crossentropy needs whole-number labels, received "
                                 "fractional, NaN or inf values")
        elif y.dtype.kind not in "iub":
            raise ValueError(f"sparse_categorical_crossentropy needs integer labels, received dtype {y.dtype}")
        labels = y.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= n_outputs):
            raise ValueError(f"labels must be in 0..{n_outputs - 1} for a model with {n_outputs} outputs, "
                             f"received values from {labels.min()} to {labels.max()}")
        return labels

    def value_and_grad(self, a, y):
        m = len(y)
        rows = np.arange(m)
        picked = np.clip(a[rows, y], EPSILON, 1.0)
        grad = np.zeros_like(a)
        grad[rows, y] = -1.0 / picked / m
        return float(-np.log(picked).sum() / m), grad

    def fused_value(self, z, a, y):
        m = len(y)
        rows = _arange(m)
        picked = a[rows, y]
        if picked.min() > _TINY:  # log of the softmax itself is exact here, and cheaper
            return float(-np.log(picked).sum() / m)
        return float(np.sum(_logsumexp(z)[:, 0] - z[rows, y]) / m)  # some probability underflowed

    def value_and_dz(self, z, a, y):
        m = len(y)
        rows = _arange(m)
        dz = a.copy()
        dz[rows, y] -= 1.0
        dz *= 1.0 / m
        return self.fused_value(z, a, y), dz


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy,
                SparseCategoricalCrossentropy)
}
LOSSES.update({"mean_squared_error": MeanSquaredError, "mean_absolute_error": MeanAbsoluteError})


def get(loss: str | Loss) -> Loss:
    if isinstance(loss, Loss):
        return loss
    return lookup("loss", LOSSES, loss)()
