"""Learning-rate schedules with Keras 3's names, arguments, defaults and formulas.

A schedule maps an optimizer step to a learning rate; an optimizer given one as its ``learning_rate``
evaluates it at the step count before each update (so the first update uses step 0), as Keras does:

    lr = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    model.compile(optimizer=nnlib.optimizers.SGD(learning_rate=lr), loss="mse")

Beyond Keras: a NumPy array of steps gives an array of rates (to draw a schedule's curve), and a Python
number gives a Python float. Rates are float64 (Keras computes in float32, so its last digits differ).
Arguments are checked more strictly than in Keras: a number that would give a negative, infinite or NaN
rate is refused when the schedule is built.
"""

from __future__ import annotations

import math

import numpy as np

_REAL = (int, float, np.integer, np.floating)


class LearningRateSchedule:
    """The base class. Subclass it and implement ``__call__(step)``; implement ``get_config()`` too if
    the schedule should be saved with a model (``from_config`` then defaults to ``cls(**config)``)."""

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override "
                                  "`__call__(self, step)`.")

    def get_config(self) -> dict:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override "
                                  "`get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)

    def __repr__(self) -> str:
        try:
            config = self.get_config()
        except NotImplementedError:  # a user's schedule need not be serializable to be shown
            return f"{type(self).__name__}()"
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}"
                         for k, v in config.items() if k != "name")
        return f"{type(self).__name__}({args})"


class _VectorisedSchedule(LearningRateSchedule):
    """The built-ins: ``_rates`` maps a float64 array of steps to rates; a scalar step gives a float."""

    def __call__(self, step):
        rates = self._rates(_steps(step))
        return float(rates) if np.ndim(rates) == 0 else rates

    def _rates(self, steps: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class _DecayPerStep(_VectorisedSchedule):
    """What ExponentialDecay and InverseTimeDecay share: their arguments, and the exponent or ratio
    ``step / decay_steps``, floored with ``staircase``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        self.initial_learning_rate = _number("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _number("decay_steps", decay_steps, positive=True)
        self.decay_rate = _number("decay_rate", decay_rate)
        self.staircase = _flag("staircase", staircase)
        self.name = _name(name)

    def _progress(self, steps):
        p = steps / self.decay_steps
        return np.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_DecayPerStep):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; ``staircase`` floors the exponent."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def _rates(self, steps):
        return self.initial_learning_rate * self.decay_rate ** self._progress(steps)


class PiecewiseConstantDecay(_VectorisedSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <=
    boundaries[i]``, ``values[-1]`` after the last boundary (a step equal to a boundary keeps the value
    before it, as in Keras)."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = _list("boundaries", boundaries), _list("values", values)
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. Received: "
                             f"boundaries={boundaries} of length {len(boundaries)}, and values={values} "
                             f"of length {len(values)}.")
        self.boundaries = [_number(f"boundaries[{i}]", b, signed=True) for i, b in enumerate(boundaries)]
        self.values = [_number(f"values[{i}]", v) for i, v in enumerate(values)]
        if not self.boundaries or any(a >= b for a, b in zip(self.boundaries, self.boundaries[1:])):
            raise ValueError("Argument `boundaries` must hold at least one step, in strictly increasing order. "
                             f"Received: boundaries={self.boundaries}")
        self.name = _name(name)

    def _rates(self, steps):
        # side="left" gives the interval i with boundaries[i-1] < step <= boundaries[i]
        return np.asarray(self.values, dtype=np.float64)[np.searchsorted(self.boundaries, steps, side="left")]

    def get_config(self):
        return {"boundaries": list(self.boundaries), "values": list(self.values), "name": self.name}


class PolynomialDecay(_VectorisedSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``:
    ``(initial - end) * (1 - step / decay_steps) ** power + end``, then ``end``. With ``cycle``,
    ``decay_steps`` becomes the first multiple of itself >= step (so a multiple of it gives ``end``)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self.initial_learning_rate = _number("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _number("decay_steps", decay_steps, positive=True)
        self.end_learning_rate = _number("end_learning_rate", end_learning_rate)
        self.power = _number("power", power)
        self.cycle = _flag("cycle", cycle)
        self.name = _name(name)

    def _rates(self, steps):
        if self.cycle:
            # Keras: step 0 counts as the first cycle, not as a zero-length one
            decay_steps = self.decay_steps * np.where(steps == 0, 1.0, np.ceil(steps / self.decay_steps))
        else:
            steps, decay_steps = np.minimum(steps, self.decay_steps), self.decay_steps
        p = steps / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - p)**self.power + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(_DecayPerStep):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; ``staircase`` floors the ratio."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def _rates(self, steps):
        return self.initial_learning_rate / (1 + self.decay_rate * self._progress(steps))


class CosineDecay(_VectorisedSchedule):
    """Cosine decay from a start rate to ``alpha`` times it over ``decay_steps``, then flat.

    Without ``warmup_target`` the decay starts from ``initial_learning_rate`` at step 0 (and
    ``warmup_steps`` is ignored, as in Keras). With it, the rate first climbs linearly from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then decays from
    ``warmup_target``.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = _number("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _number("decay_steps", decay_steps, positive=True)
        self.alpha = _number("alpha", alpha)
        self.name = _name(name)
        self.warmup_target = None if warmup_target is None else _number("warmup_target", warmup_target)
        self.warmup_steps = _number("warmup_steps", warmup_steps)

    def _decayed(self, steps, start_rate):
        cosine = 0.5 * (1.0 + np.cos(np.pi * (steps / self.decay_steps)))
        return start_rate * ((1 - self.alpha) * cosine + self.alpha)

    def _rates(self, steps):
        if self.warmup_target is None:
            return self._decayed(np.minimum(steps, self.decay_steps), self.initial_learning_rate)
        steps = np.minimum(steps, self.decay_steps + self.warmup_steps)
        rates = self._decayed(steps - self.warmup_steps, self.warmup_target)
        if self.warmup_steps == 0:  # Keras then decays from warmup_target at once
            return rates
        warming = (self.warmup_target - self.initial_learning_rate) * (steps / self.warmup_steps)
        return np.where(steps < self.warmup_steps, warming + self.initial_learning_rate, rates)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(_VectorisedSchedule):
    """SGDR: cosine decay over ``first_decay_steps``, then a warm restart; period i lasts
    ``first_decay_steps * t_mul**i`` steps and starts at ``initial_learning_rate * m_mul**i``. The floor
    ``alpha * initial_learning_rate`` is not scaled by ``m_mul`` (Keras' rule)."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        self.initial_learning_rate = _number("initial_learning_rate", initial_learning_rate)
        self.first_decay_steps = _number("first_decay_steps", first_decay_steps, positive=True)
        self.t_mul = _number("t_mul", t_mul, positive=True)
        self.m_mul = _number("m_mul", m_mul)
        self.alpha = _number("alpha", alpha)
        self.name = _name(name)

    def _restart_and_fraction(self, fraction):
        """Which period a step is in (0, 1, ...) and how far through it, from the step in first periods."""
        if self.t_mul == 1.0:
            restart = np.floor(fraction)
            return restart, fraction - restart
        # periods 0..i-1 last (1 - t_mul**i) / (1 - t_mul) first periods: solve for i
        restart = np.floor(np.log(1.0 - fraction * (1.0 - self.t_mul)) / np.log(self.t_mul))
        # at a step that starts a period the log can round to either side: a restart begins exactly there
        restart = restart + (fraction >= self._finished(restart + 1)) - (fraction < self._finished(restart))
        return restart, (fraction - self._finished(restart)) / self.t_mul**restart

    def _finished(self, periods):
        """How long the first ``periods`` periods last together, in first periods."""
        return (1.0 - self.t_mul**periods) / (1.0 - self.t_mul)

    def _rates(self, steps):
        restart, fraction = self._restart_and_fraction(steps / self.first_decay_steps)
        cosine = 0.5 * self.m_mul**restart * (1.0 + np.cos(np.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


SCHEDULES: dict[str, type[LearningRateSchedule]] = {cls.__name__: cls for cls in (
    ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": {...}}``, JSON-ready for the built-ins."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise ValueError(f"serialize needs a LearningRateSchedule, received {learning_rate_schedule!r}")
    return {"class_name": type(learning_rate_schedule).__name__, "config": learning_rate_schedule.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule ``serialize`` described. Only the built-ins and the ``LearningRateSchedule`` subclasses
    in ``custom_objects`` (name -> class, checked first) can be built; nothing is imported or evaluated.
    Keras' extra keys (``module``, ``registered_name``) are ignored."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise ValueError(f"a schedule config must be a dict {{'class_name': ..., 'config': {{...}}}}, "
                         f"received {config!r}")
    known = {**SCHEDULES, **(custom_objects or {})}
    cls = known.get(config.get("class_name")) if isinstance(config.get("class_name"), str) else None
    if not (isinstance(cls, type) and issubclass(cls, LearningRateSchedule)):
        raise ValueError(f"unknown learning rate schedule {config.get('class_name')!r}; choose one of "
                         f"{sorted(map(str, known))} (pass your own classes in custom_objects)")
    try:
        return cls.from_config(dict(config["config"]))
    except TypeError as err:  # unexpected or missing arguments
        raise ValueError(f"bad {cls.__name__} config {config['config']!r}: {err}") from None


# --- argument checks: Keras' wording, "Argument `x` must be ... Received: x=..." ---------------------------

def _steps(step) -> np.ndarray:
    steps = np.asarray(step)
    if steps.dtype.kind not in "iuf" or not np.isfinite(steps).all() or (steps < 0).any():
        raise ValueError(f"a learning rate schedule needs a step count >= 0 (a number or an array of them), "
                         f"received step={step!r}")
    return steps.astype(np.float64, copy=False)


def _number(name: str, value, *, positive: bool = False, signed: bool = False) -> int | float:
    """``value`` as a plain int or float (JSON-ready), finite and >= 0 (> 0 if ``positive``; any sign if
    ``signed``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _REAL):
        raise ValueError(f"Argument `{name}` must be a number. Received: {name}={value!r}")
    number = int(value) if isinstance(value, (int, np.integer)) else float(value)
    try:
        finite = math.isfinite(float(number))
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise ValueError(f"Argument `{name}` must be a finite number. Received: {name}={value!r}")
    if (positive and number <= 0) or (not signed and number < 0):
        raise ValueError(f"Argument `{name}` must be {'> 0' if positive else '>= 0'}. Received: {name}={value!r}")
    return number


def _list(name: str, value) -> list:
    if not (isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim == 1)):
        raise ValueError(f"Argument `{name}` must be a list of numbers. Received: {name}={value!r}")
    return list(value)


def _flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"Argument `{name}` must be True or False. Received: {name}={value!r}")
    return bool(value)


def _name(value) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"Argument `name` must be a string. Received: name={value!r}")
    return value
