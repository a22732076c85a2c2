"""Optimizers with Keras' update rules. ``apply(params, grads)`` updates the arrays in place.

The model hands an optimizer one flat parameter vector and one flat gradient vector (every layer's
weights are views into them), so an update is a handful of vectorised operations whatever the depth.
``learning_rate`` is a number, which can be changed between steps without losing the optimizer's state,
or a ``schedules.LearningRateSchedule``, evaluated at the step count before each update (as in Keras).
"""

from __future__ import annotations

import math

import numpy as np

from nnlib._registry import from_config, lookup
from nnlib.optimizers import schedules
from nnlib.optimizers.schedules import LearningRateSchedule

# Keras' own words (keras/src/optimizers/base_optimizer.py)
SCHEDULE_NOT_SETTABLE = ("This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                         "constructor argument, hence its learning rate is not settable. If you need the learning "
                         "rate to be settable, you should instantiate the optimizer with a float `learning_rate` "
                         "argument.")


def _check_rate(name: str, value: float, *, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, received {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (upper is not None and value >= upper):
        bound = f" and < {upper}" if upper is not None else ""
        raise ValueError(f"{name} must be >= 0{bound}, received {value}")
    return value


def _scheduled_rate(schedule: LearningRateSchedule, step: int) -> float:
    """``schedule(step)`` as a float; a rate that is not a finite number >= 0 stops training (0 is legal)."""
    value = schedule(step)
    rate = np.asarray(value)
    if rate.shape != () or rate.dtype.kind not in "iuf":
        raise ValueError(f"learning rate schedule {schedule!r} must return a number, "
                         f"returned {value!r} at step {step}")
    rate = float(rate)
    if not math.isfinite(rate) or rate < 0:
        raise ValueError(f"learning rate schedule {schedule!r} gave learning_rate={rate} at step {step}; "
                         "a learning rate must be a finite number >= 0")
    return rate


class Optimizer:
    """Subclasses implement ``_update`` with the rate ``self._update_rate`` and their settings in
    ``_settings()``."""

    name = "optimizer"

    def __init__(self, learning_rate: float | LearningRateSchedule):
        self._schedule: LearningRateSchedule | None = None
        self.learning_rate = learning_rate
        self.iterations = 0
        self._slots: dict[str, list[np.ndarray]] = {}

    @property
    def learning_rate(self) -> float:
        """The rate the next update will use: the number given, or the schedule at the current step count."""
        return self._rate if self._schedule is None else _scheduled_rate(self._schedule, self.iterations)

    @learning_rate.setter
    def learning_rate(self, value: float | LearningRateSchedule) -> None:
        if isinstance(value, LearningRateSchedule):
            self._schedule = value
        elif self._schedule is not None:
            raise TypeError(SCHEDULE_NOT_SETTABLE)
        else:
            self._rate = _check_rate("learning_rate", value)

    def _slot(self, key: str, params: list[np.ndarray]) -> list[np.ndarray]:
        """Per-parameter state (momentum, moments), created zero on first use."""
        if key not in self._slots or any(s.shape != p.shape for s, p in zip(self._slots[key], params)):
            self._slots[key] = [np.zeros_like(p) for p in params]
        return self._slots[key]

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        # once per update, not per array; a schedule sees the step count before it (Keras: the first is step 0)
        self._update_rate = self._rate if self._schedule is None else _scheduled_rate(self._schedule, self.iterations)
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g, params)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray, params: list[np.ndarray]) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget momentum and moments (the step count too)."""
        self.iterations = 0
        self._slots.clear()

    def _settings(self) -> dict:
        """Every constructor argument but ``learning_rate``."""
        return {}

    def get_config(self) -> dict:
        """JSON-ready; a schedule is stored as ``schedules.serialize`` gives it, as Keras does."""
        rate = self._rate if self._schedule is None else schedules.serialize(self._schedule)
        return {"learning_rate": rate, **self._settings()}

    def __repr__(self) -> str:
        rate = self._rate if self._schedule is None else self._schedule  # shown even if it cannot be serialized
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in {"learning_rate": rate, **self._settings()}.items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    name = "sgd"

    def __init__(self, learning_rate: float | LearningRateSchedule = 0.01, momentum: float = 0.0,
                 nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = _check_rate("momentum", momentum, upper=1.0)
        self.nesterov = bool(nesterov)

    def _update(self, i, p, g, params):
        if not self.momentum:
            p -= self._update_rate * g
            return
        v = self._slot("velocity", params)[i]
        v *= self.momentum
        v -= self._update_rate * g
        if self.nesterov:
            p += self.momentum * v - self._update_rate * g
        else:
            p += v

    def _settings(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    name = "rmsprop"

    def __init__(self, learning_rate: float | LearningRateSchedule = 0.001, rho: float = 0.9,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.rho = _check_rate("rho", rho, upper=1.0)
        self.epsilon = _check_rate("epsilon", epsilon)

    def _update(self, i, p, g, params):
        v = self._slot("velocity", params)[i]
        v *= self.rho
        v += (1.0 - self.rho) * g * g
        p -= self._update_rate * g / np.sqrt(v + self.epsilon)

    def _settings(self):
        return {"rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    name = "adam"

    def __init__(self, learning_rate: float | LearningRateSchedule = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_rate("beta_1", beta_1, upper=1.0)
        self.beta_2 = _check_rate("beta_2", beta_2, upper=1.0)
        self.epsilon = _check_rate("epsilon", epsilon)

    def _update(self, i, p, g, params):
        m, v, tmp = (self._slot(key, params)[i] for key in ("m", "v", "scratch"))
        t = self.iterations
        # Keras folds both bias corrections into the step size
        alpha = self._update_rate * np.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
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

    def _settings(self):
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class AdamW(Adam):
    """Adam with decoupled weight decay: p -= lr * weight_decay * p before each Adam step."""

    name = "adamw"

    def __init__(self, learning_rate: float | LearningRateSchedule = 0.001, weight_decay: float = 0.004,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = _check_rate("weight_decay", weight_decay)

    def _update(self, i, p, g, params):
        p -= (self._update_rate * self.weight_decay) * p
        super()._update(i, p, g, params)

    def _settings(self):
        return {**super()._settings(), "weight_decay": self.weight_decay}


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, RMSprop, Adam, AdamW)}


def get(optimizer: str | Optimizer | dict) -> Optimizer:
    """An optimizer from a name (Keras defaults), a ``{"name": ..., **config}`` dict, or as is."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, dict):
        return deserialize(optimizer)
    return lookup("optimizer", OPTIMIZERS, optimizer)()


def serialize(optimizer: Optimizer) -> dict:
    return {"name": optimizer.name, **optimizer.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer ``serialize`` described; a schedule in it may be one of ``custom_objects``."""
    config = dict(config)
    cls = lookup("optimizer", OPTIMIZERS, config.pop("name", None))
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
    return from_config("optimizer", cls, config)
