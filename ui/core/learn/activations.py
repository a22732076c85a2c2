"""The Activation explorer's numbers: each activation's curve and slope, and how a signal and its gradient fare
through a deep stack of one activation under several initializers. Pure nnlib: no Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlib import Dense, Sequential
from nnlib import activations as _activations

SLOPE_THRESHOLD = 0.05
DEPTH_INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                      "random_normal", "random_uniform")
DEFAULT_INITIALIZERS = ("glorot_uniform", "he_normal", "lecun_normal", "random_normal")
INITIALIZER_LABELS = {"random_normal": "random_normal (σ = 0.05)", "random_uniform": "random_uniform (±0.05)"}


def activation_curves(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) on a grid, both from nnlib: f from ``forward``, f' from ``backward`` with an upstream
    gradient of 1 (exactly what a layer multiplies the incoming gradient by).

    softmax works on vectors, so it gets the vector [x, 0]: f is its first component (which equals
    sigmoid(x)) and f' the derivative of that component with respect to x.
    """
    act = _activations.get(name)
    x = np.asarray(x, dtype=float)
    if act.name == "softmax":
        z = np.column_stack([x, np.zeros_like(x)])
        upstream = np.zeros_like(z)
        upstream[:, 0] = 1.0
    else:
        z = x[:, None].copy()
        upstream = np.ones_like(z)
    a = act.forward(z)
    return a[:, 0].copy(), act.backward(upstream, z, a)[:, 0].copy()


def low_slope_intervals(x: np.ndarray, slope: np.ndarray, threshold: float = SLOPE_THRESHOLD) -> list[tuple]:
    """The stretches of the grid where |slope| < threshold, as (first x, last x) pairs."""
    flat = np.abs(np.asarray(slope)) < threshold
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(int), [0]])))
    pairs = zip(edges[::2], edges[1::2], strict=True)
    return [(float(x[start]), float(x[stop - 1])) for start, stop in pairs]


@dataclass(frozen=True)
class DepthResult:
    grad_norms: dict[str, list[float]]  # initializer -> ‖dL/dW‖ per layer, layer 1 next to the input
    spreads: dict[str, list[float]]     # initializer -> std of each layer's output


def depth_experiment(activation: str, depth: int, initializers, width: int = 32, n: int = 256,
                     seed: int = 0) -> DepthResult:
    """At initialization, how big is each layer's kernel gradient? Computed with nnlib, not a formula.

    A stack of ``depth`` Dense(width, activation) layers per initializer, random normal inputs (n, width)
    and targets, mean squared error; ``Sequential.gradient_norms`` gives ‖dL/dW‖ layer by layer and
    ``layer_outputs`` the spread of the signal on the way forward.
    """
    if not 1 <= depth <= 10:
        raise ValueError(f"depth must be in 1..10, received depth={depth!r}")
    rng = np.random.default_rng(seed)
    X, T = rng.standard_normal((n, width)), rng.standard_normal((n, width))
    grad_norms, spreads = {}, {}
    for init in initializers:
        model = Sequential([Dense(width, activation=activation, kernel_initializer=init, input_shape=(width,))
                            for _ in range(depth)], seed=seed)
        model.compile(optimizer="sgd", loss="mse")
        grad_norms[init] = model.gradient_norms(X, T)
        spreads[init] = [float(out["a"].std()) for out in model.layer_outputs(X)]
    return DepthResult(grad_norms, spreads)


ACTIVATION_NOTES = {
    "linear": "The identity: slope 1 everywhere, so it never saturates, but a stack of linear layers is "
              "still one linear map. It is the usual output for regression.",
    "relu": "Zero for negative inputs, the input itself for positive ones. The slope is exactly 0 on the "
            "left (shaded): a unit stuck there passes no gradient back. That is not saturation towards a "
            "limit, but it blocks learning just as well, and a unit that is negative for every input is a "
            "dead ReLU.",
    "leaky_relu": "ReLU with a small slope (0.01) on the left instead of 0, so a negative unit still lets a "
                  "trickle of gradient through and can recover. The trickle is below the threshold, hence "
                  "the shading.",
    "elu": "Like ReLU on the right; on the left it bends smoothly towards −1. Far left it saturates: the "
           "slope e^x fades to zero.",
    "gelu": "A smooth ReLU used in transformers: x times the probability that a standard normal is below x "
            "(nnlib uses the tanh approximation). It dips slightly below zero, so its slope is briefly "
            "negative, and it flattens out far to the left.",
    "swish": "x · sigmoid(x): smooth, slightly negative for negative inputs, close to x for large ones. Like "
             "GELU it flattens far to the left.",
    "softplus": "log(1 + e^x), a smooth ReLU. Its slope is exactly sigmoid(x): near 1 on the right, fading "
                "to 0 on the left, where it saturates.",
    "sigmoid": "Squashes every input into (0, 1). The slope is at most 0.25 (at 0), and beyond about ±3 it "
               "is almost zero: the unit saturates, and a gradient passing through it is multiplied by "
               "almost nothing.",
    "tanh": "Squashes into (−1, 1) and is centred on zero, with slope 1 at the origin. It saturates beyond "
            "about ±2, sooner than sigmoid in x but from a higher peak slope.",
    "softmax": "Softmax maps a whole vector to probabilities, so it has no single f(x). Shown here: the "
               "first output for the input [x, 0], which is exactly sigmoid(x), and its slope with respect "
               "to x (a diagonal entry of softmax's Jacobian). It saturates the same way, once one score "
               "dominates.",
}


