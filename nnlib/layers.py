"""Layers. A layer caches in ``forward`` what its ``backward`` needs; ``backward`` stores the
parameter gradients and returns the gradient for the layer below.

Parameters are not owned arrays: the model binds every layer's W and b (and dW, db) to views into one
flat vector, so the optimizer can update the whole network in a few vectorised operations.
"""

from __future__ import annotations

import numpy as np

from nnlib import activations as _activations
from nnlib import initializers as _initializers
from nnlib import regularizers as _regularizers


class Layer:
    kind = "layer"

    def __init__(self, name: str | None = None, input_shape=None):
        self.name = name
        self.input_shape = _as_input_shape(input_shape)
        self.input_dim: int | None = None
        self.units: int | None = None  # output width, known once built
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []

    # --- building -----------------------------------------------------------------------------------
    def output_dim(self, input_dim: int) -> int:
        return input_dim

    def param_shapes(self, input_dim: int) -> list[tuple[int, ...]]:
        return []

    def bind(self, input_dim: int, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Attach parameter and gradient views (already allocated by the model)."""
        self.input_dim, self.units = input_dim, self.output_dim(input_dim)
        self.params, self.grads = params, grads

    def initialize(self, rng: np.random.Generator) -> None:
        """Fill the bound parameters with fresh initial values."""

    @property
    def built(self) -> bool:
        return self.input_dim is not None

    # --- computing ----------------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False, rng: np.random.Generator | None = None):
        raise NotImplementedError

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    def penalty(self) -> float:
        return 0.0

    def add_penalty_gradients(self) -> None:
        pass

    def frozen_params(self) -> list[np.ndarray]:
        """For each parameter array, where training must leave it as it is (True: frozen)."""
        frozen = not getattr(self, "trainable", True)
        return [np.full(p.shape, frozen) for p in self.params]

    # --- describing ---------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name}
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape)
        return config

    def count_params(self) -> int:
        return sum(p.size for p in self.params)


def _as_input_shape(input_shape) -> tuple[int] | None:
    if input_shape is None:
        return None
    shape = (input_shape,) if isinstance(input_shape, (int, np.integer)) else tuple(input_shape)
    if len(shape) != 1 or isinstance(shape[0], bool) or not isinstance(shape[0], (int, np.integer)) or shape[0] < 1:
        raise ValueError(f"input_shape must be (features,) with features >= 1, received {input_shape!r}")
    return (int(shape[0]),)


class Dense(Layer):
    """a = activation(x @ W + b). x: (batch, fan_in), W: (fan_in, units), b: (units,).

    Beyond Keras, for neuron surgery: ``unit_mask`` (one 0/1 per unit, or None) holds a unit's output at 0,
    so nothing flows through it either way; ``trainable_mask`` (one bool per unit, or None) freezes a unit:
    training leaves its incoming weights and bias as they are. ``trainable=False`` freezes the whole layer,
    as in Keras. Both masks can be changed between training calls; a mask on an output layer whose loss is
    computed from z (sigmoid or softmax with cross-entropy) is refused by fit.
    """

    kind = "Dense"

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, input_shape=None, name: str | None = None,
                 trainable: bool = True, unit_mask=None, trainable_mask=None):
        super().__init__(name, input_shape)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"Dense needs units >= 1, received units={units!r}")
        self.units = int(units)
        self.trainable = bool(trainable)
        self.unit_mask, self.trainable_mask = unit_mask, trainable_mask
        self.activation = _activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)

    def output_dim(self, input_dim):
        return self.units

    def param_shapes(self, input_dim):
        return [(input_dim, self.units), (self.units,)] if self.use_bias else [(input_dim, self.units)]

    def initialize(self, rng):
        self.params[0][...] = self.kernel_initializer((self.input_dim, self.units), rng)
        if self.use_bias:
            self.params[1][...] = self.bias_initializer((self.units,), rng)

    @property
    def unit_mask(self) -> np.ndarray | None:
        return self._unit_mask

    @unit_mask.setter
    def unit_mask(self, mask) -> None:
        self._unit_mask = None if mask is None else self._per_unit("unit_mask", mask).astype(float)

    @property
    def trainable_mask(self) -> np.ndarray | None:
        return self._trainable_mask

    @trainable_mask.setter
    def trainable_mask(self, mask) -> None:
        self._trainable_mask = None if mask is None else self._per_unit("trainable_mask", mask)

    def _per_unit(self, name: str, mask) -> np.ndarray:
        values = np.asarray(mask)
        if values.shape != (self.units,) or not np.isin(values, (0, 1)).all():
            raise ValueError(f"Dense {name} needs one 0/1 (or bool) per unit ({self.units}), received {mask!r}")
        return values.astype(bool)

    def frozen_params(self):
        frozen = np.full(self.units, not self.trainable)
        if self.trainable_mask is not None:
            frozen |= ~self.trainable_mask
        return [np.broadcast_to(frozen, p.shape) for p in self.params]  # W's columns and b: one per unit

    @property
    def W(self) -> np.ndarray:  # noqa: N802 (the maths' name)
        return self.params[0]

    @property
    def b(self) -> np.ndarray | None:
        return self.params[1] if self.use_bias else None

    def forward(self, x, training=False, rng=None):
        z = x @ self.params[0]
        if self.use_bias:
            z += self.params[1]
        a = self.activation.forward(z)
        self._x, self._z, self._a = x, z, a
        return a if self.unit_mask is None else a * self.unit_mask

    def backward(self, grad, need_input_grad=True, grad_is_dz=False):
        """grad: dL/da (batch, units), or dL/dz when the loss already folded in the activation."""
        if self.unit_mask is not None:
            grad = grad * self.unit_mask  # an off unit's output is a constant 0: no gradient through it
        dz = grad if grad_is_dz else self.activation.backward(grad, self._z, self._a)
        np.matmul(self._x.T, dz, out=self.grads[0])
        if self.use_bias:
            dz.sum(axis=0, out=self.grads[1])
        return dz @ self.params[0].T if need_input_grad else None

    def _regularized(self):
        yield self.kernel_regularizer, 0
        if self.use_bias:
            yield self.bias_regularizer, 1

    def penalty(self):
        return sum(reg.penalty(self.params[i]) for reg, i in self._regularized() if reg is not None)

    def add_penalty_gradients(self):
        for reg, i in self._regularized():
            if reg is not None:
                self.grads[i] += reg.gradient(self.params[i])

    @property
    def has_regularizer(self) -> bool:
        return any(reg is not None for reg, _ in self._regularized())

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
            "kernel_initializer": _initializers.serialize(self.kernel_initializer),
            "bias_initializer": _initializers.serialize(self.bias_initializer),
            "kernel_regularizer": self.kernel_regularizer and self.kernel_regularizer.get_config(),
            "bias_regularizer": self.bias_regularizer and self.bias_regularizer.get_config(),
            **({} if self.trainable else {"trainable": False}),
            **({} if self.unit_mask is None else {"unit_mask": self.unit_mask.astype(int).tolist()}),
            **({} if self.trainable_mask is None else {"trainable_mask": self.trainable_mask.tolist()}),
        }

    def __repr__(self):
        size = f"{self.input_dim}→{self.units}" if self.built else f"{self.units}"
        return f"Dense({size}, {self.activation.name})"


class Dropout(Layer):
    """Inverted dropout: while training, zero each unit with probability ``rate`` and scale the rest
    by 1/(1-rate), so inference needs no change."""

    kind = "Dropout"

    def __init__(self, rate: float, name: str | None = None, input_shape=None):
        super().__init__(name, input_shape)
        if not (isinstance(rate, (int, float, np.floating)) and 0.0 <= rate < 1.0):
            raise ValueError(f"Dropout needs 0 <= rate < 1, received rate={rate!r}")
        self.rate = float(rate)

    def forward(self, x, training=False, rng=None):
        if not training or self.rate == 0.0:
            self._mask = None
            return x
        self._mask = (rng.random(x.shape) >= self.rate) / (1.0 - self.rate)
        return x * self._mask

    def backward(self, grad, need_input_grad=True):
        return grad if self._mask is None else grad * self._mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}

    def __repr__(self):
        return f"Dropout({self.rate:g})"


class Activation(Layer):
    """An activation as its own layer, as ``keras.layers.Activation``."""

    kind = "Activation"

    def __init__(self, activation, name: str | None = None, input_shape=None):
        super().__init__(name, input_shape)
        self.activation = _activations.get(activation)

    def forward(self, x, training=False, rng=None):
        a = self.activation.forward(x)
        self._z, self._a = x, a
        return a

    def backward(self, grad, need_input_grad=True, grad_is_dz=False):
        return grad if grad_is_dz else self.activation.backward(grad, self._z, self._a)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation.name}

    def __repr__(self):
        return f"Activation({self.activation.name})"


LAYERS: dict[str, type[Layer]] = {cls.kind: cls for cls in (Dense, Dropout, Activation)}
