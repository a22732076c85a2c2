"""Activation functions: f(z) and the backward rule dL/dz from dL/da.

Each activation is stateless. ``backward`` receives both z and a = f(z) so that each function can use
whichever makes its derivative cheapest (tanh and sigmoid reuse a, ReLU-like ones look at z).
"""

from __future__ import annotations

import numpy as np

from nnlib._registry import lookup

_GELU_C = np.sqrt(2.0 / np.pi)


class Activation:
    name = "activation"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def forward(self, z: np.ndarray) -> np.ndarray:  # z: (batch, units)
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Elementwise f'(z); ``a`` is f(z)."""
        raise NotImplementedError

    def backward(self, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return da * self.derivative(z, a)

    def __repr__(self) -> str:
        return self.name


class Linear(Activation):
    name = "linear"

    def forward(self, z):
        return z

    def derivative(self, z, a):
        return np.ones_like(z)

    def backward(self, da, z, a):
        return da


class Relu(Activation):
    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, da, z, a):
        return da * (z > 0)


class LeakyRelu(Activation):
    name = "leaky_relu"
    slope = 0.01

    def forward(self, z):
        return np.where(z > 0, z, self.slope * z)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.slope)


class Elu(Activation):
    name = "elu"

    def forward(self, z):
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, a + 1.0)


class Gelu(Activation):
    """The tanh approximation, as Keras' ``gelu(approximate=True)``."""

    name = "gelu"

    def forward(self, z):
        return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))

    def derivative(self, z, a):
        t = np.tanh(_GELU_C * (z + 0.044715 * z**3))
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3 * 0.044715 * z * z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # the tanh form never overflows (1 / (1 + e^-z) warns for z < -709); in place to skip allocations
    s = np.tanh(0.5 * z)
    s += 1.0
    s *= 0.5
    return s


class Swish(Activation):
    name = "swish"

    def forward(self, z):
        return z * _sigmoid(z)

    def derivative(self, z, a):
        s = _sigmoid(z)
        return s * (1.0 + z * (1.0 - s))


class Softplus(Activation):
    name = "softplus"

    def forward(self, z):
        return np.logaddexp(0.0, z)

    def derivative(self, z, a):
        return _sigmoid(z)


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, z):
        return _sigmoid(z)

    def derivative(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1.0 - a * a

    def backward(self, da, z, a):
        d = a * a
        np.subtract(1.0, d, out=d)
        d *= da
        return d


class Softmax(Activation):
    """Row-wise softmax. Its derivative is a Jacobian, so it has no elementwise ``derivative``."""

    name = "softmax"

    def forward(self, z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, z, a):
        raise ValueError("softmax has no elementwise derivative; use backward()")

    def backward(self, da, z, a):
        # J^T da for each row: a * (da - <da, a>)
        return a * (da - (da * a).sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (Linear(), Relu(), LeakyRelu(), Elu(), Gelu(), Swish(), Softplus(), Sigmoid(), Tanh(), Softmax())
}
ACTIVATIONS[None] = ACTIVATIONS["linear"]  # Keras: activation=None means linear

# Where a unit stops learning: |z| beyond this puts sigmoid/tanh slopes under ~2 %.
SATURATING = {"sigmoid": 4.0, "tanh": 2.0}


def get(activation: str | Activation | None) -> Activation:
    """An activation from its name (or None for linear), or an Activation returned as is."""
    if isinstance(activation, Activation):
        return activation
    return lookup("activation", ACTIVATIONS, activation)


def names() -> list[str]:
    """The activation names, in the order a menu should list them."""
    return [name for name in ACTIVATIONS if name is not None]
