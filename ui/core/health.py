"""Training health and the network's inner geometry, in plain NumPy (no Streamlit, no Plotly).

Definitions the page shows (and the tests check on hand-set weights):
  dead       a ReLU unit whose output is 0 on EVERY training point (its pre-activation is never > 0):
             no gradient reaches its weights, so it cannot come back to life.
  saturated  a sigmoid or tanh unit that sits in a flat end of its curve on at least SATURATED_SHARE
             (90%) of the training points: tanh |a| > 0.97; sigmoid a < 0.03 or a > 0.97. There the
             slope is below ~0.06 (tanh) or ~0.03 (sigmoid), so the unit passes on almost no gradient.
  Other activations are never counted as dead or saturated (leaky ReLU, ELU, GELU, swish and softplus
  keep a gradient on both sides; linear has no flat part).
A layer is "mostly" dead or saturated when at least half its units are; the page then gives a hint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlib import datasets
from ui.core.data import features

TANH_LIMIT = 0.97  # |a| above this is in tanh's flat tails
SIGMOID_LOW, SIGMOID_HIGH = 0.03, 0.97
SATURATED_SHARE = 0.9  # a unit is saturated when this share of training points is in a flat tail
MOSTLY = 0.5  # a layer with at least this share of dead or saturated units gets a hint
WIDE_INPUT = 3.0  # an input reaching further than this from 0 can saturate a first layer by itself
VANISHING_RATIO = 1 / 20  # first-layer / output-layer gradient norm below this: vanishing gradients
EXPLODING_RATIO = 20.0
EXPLODING_MIN_NORM = 1.0  # ...and the first layer's gradient norm above this: a tiny one is convergence, not that


# --- dead and saturated units ------------------------------------------------------------------------------
def dead_units(a: np.ndarray) -> np.ndarray:
    """a: (n_samples, units) outputs of a ReLU layer -> (units,) bool: zero on every sample."""
    return np.all(a <= 0.0, axis=0)


def in_flat_tail(activation: str, a: np.ndarray) -> np.ndarray | None:
    """Element-wise: is ``a`` in a flat tail of ``activation``? None for activations without one."""
    if activation == "tanh":
        return np.abs(a) > TANH_LIMIT
    if activation == "sigmoid":
        return (a < SIGMOID_LOW) | (a > SIGMOID_HIGH)
    return None


def saturated_units(activation: str, a: np.ndarray) -> np.ndarray | None:
    """a: (n_samples, units) -> (units,) bool: in a flat tail on >= SATURATED_SHARE of the samples.
    None for activations that do not saturate."""
    tail = in_flat_tail(activation, a)
    return None if tail is None else tail.mean(axis=0) >= SATURATED_SHARE


@dataclass(frozen=True)
class LayerHealth:
    layer: int  # 1-based hidden-layer number
    activation: str
    units: int
    dead: int | None  # None: not a ReLU layer
    saturated: int | None  # None: not a sigmoid / tanh layer
    grad_norm: float  # ||dLoss/dW|| over all training data, now

    @property
    def dead_fraction(self) -> float | None:
        return None if self.dead is None else self.dead / self.units

    @property
    def saturated_fraction(self) -> float | None:
        return None if self.saturated is None else self.saturated / self.units


def layer_health(activation_names: list[str], outputs: list[np.ndarray], grad_norms: list[float]) -> list[LayerHealth]:
    """One LayerHealth per hidden Dense layer. outputs[i]: (n_samples, units) of hidden layer i on the
    training data; grad_norms[i]: its weight-gradient norm (``Sequential.gradient_norms``)."""
    if not (len(activation_names) == len(outputs) <= len(grad_norms)):
        raise ValueError(f"need an activation name, an output and a gradient norm per hidden layer, received "
                         f"{len(activation_names)}, {len(outputs)} and {len(grad_norms)}")
    rows = []
    for i, (name, a) in enumerate(zip(activation_names, outputs)):
        dead = int(dead_units(a).sum()) if name == "relu" else None
        sat = saturated_units(name, a)
        rows.append(LayerHealth(i + 1, name, a.shape[1], dead, None if sat is None else int(sat.sum()),
                                float(grad_norms[i])))
    return rows


def health_rows(health: list[LayerHealth]) -> list[dict]:
    """The health table as rows of display strings ("–" where a measure does not apply)."""
    def share(count, h):
        return "–" if count is None else f"{count} of {h.units} ({count / h.units:.0%})"
    return [{"layer": f"Layer {h.layer}", "activation": h.activation, "dead ReLU units": share(h.dead, h),
             "saturated units": share(h.saturated, h),
             "‖dLoss/dW‖ now": f"{h.grad_norm:.3g}" if np.isfinite(h.grad_norm) else "not finite"} for h in health]


def widest_input(inputs: np.ndarray, names) -> tuple[str, float] | None:
    """The input feature (its label) reaching furthest from 0 on ``inputs`` (n, features), and how far."""
    if inputs.size == 0:
        return None
    reach = np.abs(inputs).max(axis=0)
    j = int(np.argmax(reach))
    return features.label(names[j]), float(reach[j])


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


def hints(health: list[LayerHealth], grad_norms: list[float], widest: tuple[str, float] | None = None) -> list[str]:
    """Short plain-words hints for layers that are mostly dead or saturated, for gradients that are all 0,
    and for gradients that shrink or grow a lot from the output back to the first layer.
    ``grad_norms``: every Dense layer's gradient norm, output last; ``widest``: from widest_input, so a
    saturated first layer can name the input that drives it there."""
    out = []
    for h in health:
        if h.dead_fraction is not None and h.dead_fraction >= MOSTLY:
            out.append(f"Layer {h.layer}: {h.dead} of {h.units} ReLU units are dead: they output 0 on every "
                       "training point, so no gradient reaches them and they never recover. A lower learning "
                       "rate, He initialization or leaky_relu usually prevents this.")
        if h.saturated_fraction is not None and h.saturated_fraction >= MOSTLY:
            big = widest if h.layer == 1 and widest and widest[1] > WIDE_INPUT else None
            remedies = ["smaller initial weights", "a lower learning rate"]
            remedies += [f"fewer input features ({big[0]} reaches {big[1]:.0f})"] if big else []
            out.append(f"Layer {h.layer}: {h.saturated} of {h.units} {h.activation} units are saturated: stuck "
                       f"in the flat ends of the curve on at least {SATURATED_SHARE:.0%} of the training points, "
                       f"where the slope is almost 0, so they barely learn. {_either(remedies).capitalize()} help.")
    if grad_norms and all(g == 0 for g in grad_norms):
        out.append("Every weight gradient is 0: nothing learns, whatever the learning rate. The units pass no "
                   "gradient back (dead ReLUs, or every unit saturated); press Reset, and try a lower learning "
                   "rate or leaky_relu.")
    ratio = gradient_ratio(grad_norms)
    if ratio is not None and ratio < VANISHING_RATIO:
        out.append(f"Vanishing gradients: layer 1's weight gradient is about {1 / ratio:,.0f}× smaller than the "
                   "output layer's, so the first layers hardly change. ReLU-family activations or fewer layers help.")
    elif ratio is not None and ratio > EXPLODING_RATIO and grad_norms[0] > EXPLODING_MIN_NORM:
        out.append(f"Exploding gradients: layer 1's weight gradient is about {ratio:,.0f}× larger than the output "
                   "layer's; training may jump around or diverge. Try a lower learning rate or smaller initial "
                   "weights.")
    return out


def gradient_ratio(grad_norms: list[float]) -> float | None:
    """First-layer / output-layer weight-gradient norm; None with no hidden layer or no usable numbers."""
    if len(grad_norms) < 2:
        return None
    first, last = grad_norms[0], grad_norms[-1]
    if not (np.isfinite(first) and np.isfinite(last)) or last <= 0:
        return None
    return first / last


FORWARD_CHUNK = 512  # rows per forward pass; see dense_outputs


def dense_outputs(model, x: np.ndarray, chunk: int = FORWARD_CHUNK) -> list[np.ndarray]:
    """Each Dense layer's activation for inputs x (n, features), inference mode: [(n, units), ...].

    Runs in chunks of ``chunk`` rows: OpenBLAS multi-threads a product once rows·fan_in·units reaches
    262,144, and on a busy 2-core machine a threaded (4096, 16) @ (16, 16) took ~35 ms instead of 0.15 ms.
    512 rows keep every product of a 16-wide network single-threaded."""
    parts = [[out["a"] for out in model.layer_outputs(x[i:i + chunk]) if out["kind"] == "Dense"]
             for i in range(0, max(len(x), 1), chunk)]
    return [np.concatenate(layer) for layer in zip(*parts)]


def working_units(model, outputs: list[np.ndarray]) -> list[np.ndarray]:
    """``dense_outputs`` without the switched-off units (Dense.unit_mask): held at 0 on purpose, they are not
    dead, and a layer with half its units off is no less healthy."""
    dense = [layer for layer in model.layers if layer.kind == "Dense"]
    return [a if layer.unit_mask is None else a[:, layer.unit_mask.astype(bool)] for layer, a in zip(dense, outputs)]


# --- the hidden-space view ---------------------------------------------------------------------------------
def grid_polylines(n_lines: int = 13, samples: int = 41) -> np.ndarray:
    """Lines across the input plane: n_lines with x1 fixed (vertical), then n_lines with x2 fixed
    (horizontal), each sampled at ``samples`` points: (2·n_lines, samples, 2)."""
    low, high = datasets.DOMAIN
    fixed = np.linspace(low, high, n_lines)
    along = np.linspace(low, high, samples)
    vertical = np.stack([np.column_stack([np.full(samples, v), along]) for v in fixed])
    horizontal = np.stack([np.column_stack([along, np.full(samples, v)]) for v in fixed])
    return np.concatenate([vertical, horizontal])


def hidden_coordinates(model, feature_names, dense_index: int, units: tuple[int, int], points: np.ndarray):
    """Map raw 2-D points (..., 2) through the network to the activations of two neurons of Dense layer
    ``dense_index``: (..., 2). The caller holds the run's lock."""
    flat = np.asarray(points, dtype=float).reshape(-1, 2)
    a = dense_outputs(model, features.expand(flat, feature_names))[dense_index]
    return a[:, list(units)].reshape(*np.shape(points)[:-1], 2)


# --- weight histograms (over the run's snapshots, ui/core/snapshots.py) -----------------------------------
def histograms(samples: list[np.ndarray], bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Histograms of several weight arrays on shared bins, symmetric around 0: (counts (len, bins), edges)."""
    limit = max((float(np.nan_to_num(np.abs(s)).max()) for s in samples if np.size(s)), default=1.0)
    edges = np.linspace(-limit, limit, bins + 1) if limit > 0 else np.linspace(-1, 1, bins + 1)
    counts = np.array([np.histogram(np.nan_to_num(np.ravel(s)), bins=edges)[0] for s in samples])
    return counts, edges
