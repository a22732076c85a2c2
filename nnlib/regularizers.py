"""Weight penalties. Each adds ``penalty(W)`` to the reported loss and ``gradient(W)`` to dW."""

from __future__ import annotations

import numpy as np

from nnlib._registry import from_config, lookup


class Regularizer:
    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        for label, value in (("l1", l1), ("l2", l2)):
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            if not (numeric and np.isfinite(value) and value >= 0):
                raise ValueError(f"regularizer needs {label} >= 0 and finite, received {label}={value}")
        self.l1, self.l2 = float(l1), float(l2)

    def penalty(self, w: np.ndarray) -> float:
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(w).sum())
        if self.l2:
            total += self.l2 * float((w * w).sum())
        return total

    def gradient(self, w: np.ndarray) -> np.ndarray:
        # d|w|/dw is taken as sign(w), 0 at 0 (the subgradient Keras uses)
        g = self.l1 * np.sign(w) if self.l1 else np.zeros_like(w)
        if self.l2:
            g += 2.0 * self.l2 * w
        return g

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}

    def __repr__(self) -> str:
        if self.l1 and self.l2:
            return f"L1L2(l1={self.l1:g}, l2={self.l2:g})"
        return f"L1({self.l1:g})" if self.l1 else f"L2({self.l2:g})"


def L1(l1: float = 0.01) -> Regularizer:  # noqa: N802 (Keras' names)
    return Regularizer(l1=l1)


def L2(l2: float = 0.01) -> Regularizer:  # noqa: N802
    return Regularizer(l2=l2)


def L1L2(l1: float = 0.0, l2: float = 0.0) -> Regularizer:  # noqa: N802
    return Regularizer(l1=l1, l2=l2)


REGULARIZERS = {"l1": L1, "l2": L2, "l1l2": L1L2, "l1_l2": L1L2}


def get(reg: str | Regularizer | dict | None) -> Regularizer | None:
    """None, a Regularizer, a name with Keras' default strength, or a {"l1":..,"l2":..} config."""
    if reg is None or isinstance(reg, Regularizer):
        return reg
    if isinstance(reg, dict):
        return from_config("regularizer", Regularizer, reg)
    return lookup("regularizer", REGULARIZERS, reg)()
