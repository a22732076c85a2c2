"""The network diagram of the live view: what it says in words, and the rules for its colours. Pure NumPy.

The live view (ui/web/components/liveview.js with diagram.js) draws the diagram from each frame's weights,
as it draws the plane: a heatmap per node on a TILE x TILE grid over the plane (forward.js), links coloured
by sign and sized by |w|, a bias bar under each node. The functions below are the colour rules it follows,
written once in Python for the tests to check the browser against (tests/e2e/test_diagram_in_browser.py):

  inputs  each feature over the plane, scaled by its own largest |value| (x1 spans ±6, x1² 0..36)
  hidden  the activation on ONE scale shared by every hidden neuron: ±``scale`` (clipped), where
          ``scale`` is a round number (1, 2, 5, 10, ...) at or above a typical neuron's largest |a|
  output  as the plane: binary 2p-1 (orange = class 0, blue = class 1); regression the value (clipped
          to ±1); multi-class each class's probability p, from white at p = 0 to the class colour at 1
"""

from __future__ import annotations

import numpy as np

from ui.core import limits
from ui.core.data import features
from ui.render import charts

SMALL_NETWORK_NODES = 64  # up to this many nodes, 24 x 24 heatmaps; above it 16 x 16 (they are drawn smaller)
SCALE_STEPS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)


def tile_resolution(n_nodes: int) -> int:
    """Heatmap size per node: 24 x 24 points for small networks, 16 x 16 for big ones (smaller nodes)."""
    return 24 if n_nodes <= SMALL_NETWORK_NODES else 16


# --- colours (mirrored by diagram.js; the browser test compares them pixel by pixel) ----------------------
def diverging_rgb(t: np.ndarray) -> np.ndarray:
    """t (any shape, nominally in [-1, 1], clipped) -> RGB floats of shape t.shape + (3,): orange at -1,
    the app's neutral grey at 0, blue at +1."""
    t = np.clip(np.asarray(t, dtype=float), -1.0, 1.0)[..., None]
    neutral, orange, blue = (np.array(c, dtype=float) for c in (charts.NEUTRAL, charts.ORANGE, charts.BLUE))
    return np.where(t < 0, neutral + (orange - neutral) * -t, neutral + (blue - neutral) * t)


def class_rgb(p: np.ndarray, colour) -> np.ndarray:
    """p in [0, 1] (any shape, clipped) -> RGB floats: white at 0, ``colour`` at 1."""
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)[..., None]
    return 255.0 + (np.asarray(colour, dtype=float) - 255.0) * p


def activation_scale(hidden: list[np.ndarray]) -> float:
    """The colour scale shared by every hidden neuron: the first of SCALE_STEPS at or above the median,
    over hidden neurons, of each neuron's largest |a| on the plane. A typical neuron then spans the colours
    and only the biggest clip (a few ReLU units fed x1² can reach 50 while most stay near 1).
    hidden: [(n_points, units), ...]. 1 with no hidden layer; the largest step if nothing is finite."""
    peaks = [np.nanmax(np.where(np.isfinite(a), np.abs(a), np.nan), axis=0, initial=-1.0) for a in hidden if a.size]
    if not peaks:
        return SCALE_STEPS[0]
    peaks = np.concatenate(peaks)
    peaks = peaks[peaks >= 0]
    if not peaks.size:
        return SCALE_STEPS[-1]
    top = float(np.median(peaks))
    return next((s for s in SCALE_STEPS if s >= top - 1e-9), SCALE_STEPS[-1])


def tile_rgb(values: np.ndarray, column: str, kind: str, scale: float, unit: int, n_classes: int) -> np.ndarray:
    """One node's heatmap colours: values (n,) its output over the grid -> (n, 3) RGB floats, NaN grey.
    ``column``: "input" (scaled by its own largest |value|), "hidden" (by ``scale``) or "output"."""
    finite = np.isfinite(values)
    v = np.where(finite, values, 0.0)
    if column == "output" and kind == "multiclass":
        rgb = class_rgb(v, charts.class_colours(n_classes)[unit])
    else:
        if column == "input":
            t = v / max(float(np.abs(v).max()), 1e-12)
        elif column == "hidden":
            t = v / scale
        else:
            t = 2.0 * v - 1.0 if kind == "binary" else v
        rgb = diverging_rgb(t)
    rgb[~finite] = charts.NO_VALUE
    return rgb


# --- words and structure ----------------------------------------------------------------------------------
def diagram(active_features, units: list[int], activations: list[str], kind: str, *,
            selected: tuple[int, int] | None = None, editable: dict | None = None,
            off: tuple[tuple[int, int], ...] = (), frozen: tuple[tuple[int, int], ...] = ()) -> dict:
    """What the diagram draws besides the weights: every feature (the active ones fed to the network),
    each column's title and node labels, the legend, the picked neuron and which parts a click may change.
    ``units``/``activations``: per Dense layer, output last. ``selected``: (column, row), column 0 = inputs.
    ``editable``: {"features": bool, "layers": bool}: whether the instructor left them free. ``off``,
    ``frozen``: hidden neurons switched off or frozen, as (hidden layer, neuron) from 0."""
    names = list(features.FEATURES)
    hidden = list(zip(units[:-1], activations[:-1]))
    columns = [{"title": "Inputs", "kind": "input", "labels": [features.label(n) for n in names]}]
    columns += [{"title": f"Layer {i}", "subtitle": f"{n} × {act}", "kind": "hidden",
                 "labels": [f"layer {i}, neuron {j + 1}" for j in range(n)]} for i, (n, act) in enumerate(hidden, 1)]
    out = units[-1]
    columns.append({"title": "Output", "subtitle": activations[-1], "kind": "output",
                    "labels": [f"output {j + 1}" if out > 1 else "output" for j in range(out)]})
    return {"features": names, "active": [names.index(n) for n in active_features], "columns": columns,
            "tile_resolution": tile_resolution(len(names) + sum(units)), "legend": legend(kind),
            "selected": list(selected) if selected is not None else None,
            "editable": dict(editable or {"features": True, "layers": True}),
            "off": [[layer + 1, unit] for layer, unit in off], "frozen": [[layer + 1, unit] for layer, unit in frozen],
            "limits": {"layers": limits.MAX_HIDDEN_LAYERS, "neurons": limits.MAX_NEURONS}}


def legend(kind: str) -> str:
    """What the colours mean, in plain words (under the diagram); diagram.js fills in {scale}."""
    output = {"binary": "P(class 1)", "regression": "the prediction", "multiclass": "each class's probability"}[kind]
    return (f"Orange < 0 < blue. Hidden neurons share ±{{scale}}; inputs have their own scale; output: {output}. "
            "Line width: |weight|; bar under a node: its bias. Hover a node to see it on the plane.")


def neuron_formula(activation: str, sources: list[str], weights: list[float], bias: float) -> str:
    """A neuron's arithmetic with its numbers: "a = tanh(0.42·X₁ − 1.30·X₂ + 0.10)"."""
    terms = [f"{abs(w):.2f}·{name}" for name, w in zip(sources, weights)]
    signs = ["−" if w < 0 else "+" for w in weights]
    body = (("−" if signs and signs[0] == "−" else "") + terms[0]) if terms else ""
    body += "".join(f" {sign} {term}" for sign, term in zip(signs[1:], terms[1:]))
    body += f" {'−' if bias < 0 else '+'} {abs(bias):.2f}" if terms else f"{bias:.2f}"
    return f"a = {activation}({body})"
