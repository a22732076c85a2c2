"""Weight initializers: ``init(shape, rng) -> array``.

Strings name the Keras defaults; the parametrised ones (``random_normal``, ``random_uniform``) are also
classes so that a page can set their spread.
"""

from __future__ import annotations

import numpy as np

from nnlib._registry import from_config, lookup


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


class Initializer:
    name = "initializer"

    def __call__(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.name}({args})" if args else self.name


class _VarianceScaling(Initializer):
    """Keras' variance-scaling family: var = scale / fan, drawn uniform or (truncated-free) normal."""

    scale = 1.0
    mode = "fan_avg"
    uniform = True

    def __call__(self, shape, rng):
        fan_in, fan_out = _fans(shape)
        fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        var = self.scale / max(fan, 1.0)
        if self.uniform:
            limit = np.sqrt(3.0 * var)
            return rng.uniform(-limit, limit, size=shape)
        return rng.normal(0.0, np.sqrt(var), size=shape)


class GlorotUniform(_VarianceScaling):
    name = "glorot_uniform"


class GlorotNormal(_VarianceScaling):
    name = "glorot_normal"
    uniform = False


class HeUniform(_VarianceScaling):
    name = "he_uniform"
    scale, mode = 2.0, "fan_in"


class HeNormal(_VarianceScaling):
    name = "he_normal"
    scale, mode, uniform = 2.0, "fan_in", False


class LecunNormal(_VarianceScaling):
    name = "lecun_normal"
    mode, uniform = "fan_in", False


class RandomNormal(Initializer):
    name = "random_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        if not stddev >= 0:
            raise ValueError(f"random_normal needs stddev >= 0, received stddev={stddev}")
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, rng):
        return rng.normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev}


class RandomUniform(Initializer):
    name = "random_uniform"

    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        if not minval <= maxval:
            raise ValueError(f"random_uniform needs minval <= maxval, received {minval} > {maxval}")
        self.minval, self.maxval = float(minval), float(maxval)

    def __call__(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval}


class Constant(Initializer):
    name = "constant"

    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def __call__(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class Zeros(Constant):
    """All zeros; allowed for weights too, so the symmetry problem can be shown."""

    name = "zeros"

    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    name = "ones"

    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


INITIALIZERS = {
    cls.name: cls
    for cls in (GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunNormal, RandomNormal, RandomUniform,
                Constant, Zeros, Ones)
}


def get(init: str | Initializer | dict) -> Initializer:
    """An initializer from a name, a ``{"name": ..., **config}`` dict, or an Initializer returned as is."""
    if isinstance(init, Initializer):
        return init
    if isinstance(init, dict):
        config = dict(init)
        return from_config("initializer", lookup("initializer", INITIALIZERS, config.pop("name", None)), config)
    return lookup("initializer", INITIALIZERS, init)()


def serialize(init: Initializer) -> dict:
    return {"name": init.name, **init.get_config()}


# Lower-case callables, so ``nnlib.initializers.random_normal(stddev=0.5)`` reads like the docs.
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_normal, random_normal, random_uniform, zeros = LecunNormal, RandomNormal, RandomUniform, Zeros
