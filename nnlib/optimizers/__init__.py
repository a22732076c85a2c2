"""Optimizers with Keras' update rules. ``apply(params, grads)`` updates the arrays in place.

The model hands an optimizer one flat parameter vector and one flat gradient vector (every layer's
weights are views into them), so an update is a handful of vectorised operations whatever the depth.
``learning_rate`` can be changed between steps without losing the optimizer's state.
"""

from __future__ import annotations

import numpy as np

from nnlib._registry import from_config, lookup


def _check_rate(name: str, value: float, *, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, received {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (upper is not None and value >= upper):
        bound = f" and < {upper}" if upper is not None else ""
        raise ValueError(f"{name} must be >= 0{bound}, received {value}")
    return value


class Optimizer:
    name = "optimizer"

    def __init__(self, learning_rate: float):
        self.learning_rate = _check_rate("learning_rate", learning_rate)
        self.iterations = 0
        self._slots: dict[str, list[np.ndarray]] = {}

    def _slot(self, key: str, params: list[np.ndarray]) -> list[np.ndarray]:
        """Per-parameter state (momentum, moments), created zero on first use."""
        if key not in self._slots or any(s.shape != p.shape for s, p in zip(self._slots[key], params)):
            self._slots[key] = [np.zeros_like(p) for p in params]
        return self._slots[key]

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g, params)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray, params: list[np.ndarray]) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget momentum and moments (the step count too)."""
        self.iterations = 0
        self._slots.clear()

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    name = "sgd"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = _check_rate("momentum", momentum, upper=1.0)
        self.nesterov = bool(nesterov)

    def _update(self, i, p, g, params):
        if not self.momentum:
            p -= self.learning_rate * g
            return
        v = self._slot("velocity", params)[i]
        v *= self.momentum
        v -= self.learning_rate * g
        if self.nesterov:
            p += self.momentum * v - self.learning_rate * g
        else:
            p += v

    def get_config(self):
        return {"learning_rate": self.learning_rate, "momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    name = "rmsprop"

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.rho = _check_rate("rho", rho, upper=1.0)
        self.epsilon = _check_rate("epsilon", epsilon)

    def _update(self, i, p, g, params):
        v = self._slot("velocity", params)[i]
        v *= self.rho
        v += (1.0 - self.rho) * g * g
        p -= self.learning_rate * g / np.sqrt(v + self.epsilon)

    def get_config(self):
        return {"learning_rate": self.learning_rate, "rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_rate("beta_1", beta_1, upper=1.0)
        self.beta_2 = _check_rate("beta_2", beta_2, upper=1.0)
        self.epsilon = _check_rate("epsilon", epsilon)

    def _update(self, i, p, g, params):
        m, v, tmp = (self._slot(key, params)[i] for key in ("m", "v", "scratch"))
        t = self.iterations
        # Keras folds both bias corrections into the step size
        alpha = self.learning_rate * np.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        # m += (1 - b1)(g - m); v += (1 - b2)(g² - v); p -= alpha m / (sqrt(v) + eps), without temporaries
        m *= self.beta_1
        np.multiply(g, 1.0 - self.beta_1, out=tmp)
        m += tmp
        v *= self.beta_2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.beta_2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        p -= tmp

    def get_config(self):
        return {"learning_rate": self.learning_rate, "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class AdamW(Adam):
    """Adam with decoupled weight decay: p -= lr * weight_decay * p before each Adam step."""

    name = "adamw"

    def __init__(self, learning_rate: float = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = _check_rate("weight_decay", weight_decay)

    def _update(self, i, p, g, params):
        p -= (self.learning_rate * self.weight_decay) * p
        super()._update(i, p, g, params)

    def get_config(self):
        return {**super().get_config(), "weight_decay": self.weight_decay}


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, RMSprop, Adam, AdamW)}


def get(optimizer: str | Optimizer | dict) -> Optimizer:
    """An optimizer from a name (Keras defaults), a ``{"name": ..., **config}`` dict, or as is."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, dict):
        config = dict(optimizer)
        return from_config("optimizer", lookup("optimizer", OPTIMIZERS, config.pop("name", None)), config)
    return lookup("optimizer", OPTIMIZERS, optimizer)()


def serialize(optimizer: Optimizer) -> dict:
    return {"name": optimizer.name, **optimizer.get_config()}
