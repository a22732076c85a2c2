"""The network diagram's data, drawn by ui/web/components/network.js. Pure NumPy: no Streamlit here.

Each node shows a small heatmap: its activation over the input plane, on a coarse grid. All heatmaps
travel as ONE PNG, and as values, not colours: every pixel of a heatmap becomes a level in
0..2·LEVELS (LEVELS = zero), and three nodes share each RGB pixel (node k in channel k % 3 of slot
k // 3; slots are stacked top to bottom). Smooth value maps compress ~3x better than coloured tiles.
The canvas turns levels into colours with the lookup table sent alongside, so Python alone decides
the colours. Weights and biases travel as short lists of rounded numbers; the canvas draws the links
(colour = sign, width = |w|) and a bias bar under each node, and shows exact values on hover.

What a level means (one diverging map, as the rest of the app: orange < 0 < blue):
  inputs  each feature over the plane, scaled by its own largest |value| (x1 spans ±6, x1² 0..36)
  hidden  the activation on ONE scale shared by every hidden neuron: ±``scale`` (clipped), where
          ``scale`` is a round number (1, 2, 5, 10, ...) at or above a typical neuron's largest |a|
  output  as the main view: binary 2p-1 (orange = class 0, blue = class 1); regression the value
          (clipped to ±1); multi-class each class's probability p, drawn as that class's colour
          (level LEVELS + p·LEVELS: white at p = 0, the class colour at p = 1)
"""

from __future__ import annotations

import numpy as np

from ui.core.data import features
from ui.core.run import grid_points
from ui.render import charts
from ui.render.png import png_data_uri

LEVELS = 16  # value levels per sign in the node heatmaps (33 in all)
LARGE_RESOLUTION = 48  # the inspected neuron's big heatmap (drawn ~250 px wide, smoothed)
LARGE_LEVELS = 128
SMALL_NETWORK_NODES = 64  # up to this many nodes, 24 x 24 heatmaps; above it 16 x 16 (they are drawn smaller)
SCALE_STEPS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)


def resolution_for(n_nodes: int) -> int:
    """Heatmap size per node: 24 x 24 points for small networks, 16 x 16 for big ones (smaller nodes)."""
    return 24 if n_nodes <= SMALL_NETWORK_NODES else 16


def drawing_points(resolution: int) -> np.ndarray:
    """Pixel centres of a coarse grid over the plane, row 0 at the top: (resolution², 2)."""
    return grid_points(resolution)


# --- colours -----------------------------------------------------------------------------------------------
def diverging_rgb(t: np.ndarray) -> np.ndarray:
    """t (any shape, nominally in [-1, 1], clipped) -> RGB floats of shape t.shape + (3,): orange at -1,
    the app's neutral grey at 0, blue at +1."""
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=float)), -1.0, 1.0)[..., None]
    neutral, orange, blue = (np.array(c, dtype=float) for c in (charts.NEUTRAL, charts.ORANGE, charts.BLUE))
    return np.where(t < 0, neutral + (orange - neutral) * -t, neutral + (blue - neutral) * t)


def class_rgb(p: np.ndarray, colour) -> np.ndarray:
    """p in [0, 1] (any shape) -> RGB floats: white at 0, ``colour`` at 1."""
    p = np.clip(np.nan_to_num(np.asarray(p, dtype=float)), 0.0, 1.0)[..., None]
    return 255.0 + (np.asarray(colour, dtype=float) - 255.0) * p


def diverging_lut(levels: int = LEVELS) -> list[str]:
    """The colour of each level 0..2·levels as hex: level i stands for t = (i - levels) / levels."""
    t = (np.arange(2 * levels + 1) - levels) / levels
    return [charts.hex_colour(c) for c in diverging_rgb(t).round().astype(int)]


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


def input_ranges(grid_inputs: np.ndarray) -> np.ndarray:
    """Largest |value| of each input feature over the plane (never 0): (n_features,)."""
    return np.maximum(np.abs(grid_inputs).max(axis=0), 1e-12)


def signed_values(grid_inputs: np.ndarray, activations: list[np.ndarray], kind: str, scale: float,
                  ranges: np.ndarray) -> list[np.ndarray]:
    """Every diagram column as t in [-1, 1] (multi-class outputs: p in [0, 1]), before quantizing:
    [inputs (n, k), hidden (n, units)..., output (n, units)]. ``activations``: each Dense layer's output
    on the same n points, hidden layers first."""
    out = activations[-1]
    t_out = {"binary": 2.0 * out - 1.0, "regression": out}.get(kind, out)
    return [grid_inputs / ranges, *(a / scale for a in activations[:-1]), t_out]


def to_levels(t: np.ndarray, levels: int = LEVELS) -> np.ndarray:
    """t in [-1, 1] (clipped; NaN -> 0) -> uint8 level in 0..2·levels, where ``levels`` means zero."""
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=float)), -1.0, 1.0)
    return (np.round(t * levels) + levels).astype(np.uint8)


# --- the packed image --------------------------------------------------------------------------------------
def pack_tiles(level_maps: np.ndarray, resolution: int) -> np.ndarray:
    """(n_points, n_nodes) uint8 levels, n_points = resolution² -> (slots·resolution, resolution, 3) uint8:
    node k's heatmap in channel k % 3 of slot k // 3 (slot s = image rows s·res ... (s+1)·res - 1)."""
    n_points, n_nodes = level_maps.shape
    if n_points != resolution * resolution:
        raise ValueError(f"pack_tiles needs resolution² = {resolution * resolution} rows, received {n_points}")
    slots = max(1, -(-n_nodes // 3))
    padded = np.zeros((slots * 3, resolution, resolution), dtype=np.uint8)
    padded[:n_nodes] = level_maps.T.reshape(n_nodes, resolution, resolution)
    return np.ascontiguousarray(padded.reshape(slots, 3, resolution, resolution).transpose(0, 2, 3, 1)
                                .reshape(slots * resolution, resolution, 3))


def unpack_tiles(image: np.ndarray, n_nodes: int) -> np.ndarray:
    """The inverse of ``pack_tiles``: (slots·res, res, 3) -> (n_nodes, res, res) levels (what the canvas does)."""
    res = image.shape[1]
    slots = image.shape[0] // res
    tiles = image.reshape(slots, res, res, 3).transpose(0, 3, 1, 2).reshape(slots * 3, res, res)
    return tiles[:n_nodes]


# --- the payload -------------------------------------------------------------------------------------------
def _rounded(values, digits: int) -> list:
    """Rounded for the payload; a NaN becomes null (JSON has no NaN), which the view shows as "no value"."""
    rounded = np.round(np.clip(np.asarray(values, dtype=float), -1e9, 1e9), digits)
    return np.where(np.isnan(rounded), None, rounded).tolist()


def column_titles(feature_names, activation_names: list[str], units: list[int]) -> list[dict]:
    """Title, subtitle and per-node labels of each diagram column: inputs, hidden layers, output."""
    cols = [{"title": "Inputs", "subtitle": f"{len(feature_names)} features", "kind": "input",
             "labels": [features.label(n) for n in feature_names]}]
    for i, (act, n) in enumerate(zip(activation_names[:-1], units[:-1]), 1):
        cols.append({"title": f"Layer {i}", "subtitle": f"{n} × {act}", "kind": "hidden",
                     "labels": [f"layer {i}, neuron {j + 1}" for j in range(n)]})
    out = units[-1]
    cols.append({"title": "Output", "subtitle": activation_names[-1], "kind": "output",
                 "labels": [f"output {j + 1}" if out > 1 else "output" for j in range(out)]})
    return cols


def legend_lines(kind: str, scale: float, hidden: bool = True) -> list[str]:
    """What the colours mean, in plain words (drawn under the diagram)."""
    output = {"binary": "output: P(class 1) as in the main view (orange = class 0, blue = class 1)",
              "regression": "output: the predicted value (clipped to ±1)",
              "multiclass": "output: each class's probability in that class's colour"}[kind]
    shared = (f"Hidden neurons share one scale: ±{scale:g} (orange < 0 < blue; a typical neuron's range, larger "
              "values clip). " if hidden else "")
    return [f"Node colour = activation over the plane. {shared}Inputs: each scaled to its own range; {output}.",
            "Links: blue w > 0, orange w < 0, thicker = larger |w|. Bar under a node: its bias. "
            "Hover for values; click a node to inspect it."]


def diagram_payload(*, feature_names, weights: list[np.ndarray], biases: list[np.ndarray],
                    activation_names: list[str], grid_inputs: np.ndarray, activations: list[np.ndarray],
                    kind: str, n_classes: int, selected: tuple[int, int] | None = None, large: dict | None = None,
                    digits: int = 3, frame: int = 0) -> dict:
    """Everything the diagram draws, JSON-ready.

    weights[i]: (fan_in, units) of Dense layer i; biases[i]: (units,); activation_names[i]: its activation.
    grid_inputs: (res², n_features) features of ``drawing_points(res)``; activations[i]: (res², units) Dense
    layer i's output there. ``selected``: (column, row) of the inspected node, column 0 being the inputs;
    ``large``: that node's big heatmap (``large_view``). ``digits``: decimals sent for weights and biases.
    ``frame`` lets the canvas skip a repaint when nothing changed.
    """
    if not (len(weights) == len(biases) == len(activations) == len(activation_names)) or not weights:
        raise ValueError(f"need a weight matrix, bias, activation name and output per Dense layer, received "
                         f"{len(weights)}, {len(biases)}, {len(activation_names)} and {len(activations)}")
    resolution = int(round(np.sqrt(len(grid_inputs))))
    if resolution * resolution != len(grid_inputs):
        raise ValueError(f"grid_inputs must hold resolution² rows, received {len(grid_inputs)}")
    scale = activation_scale(activations[:-1])
    values = signed_values(grid_inputs, activations, kind, scale, input_ranges(grid_inputs))
    levels = to_levels(np.concatenate(values, axis=1))
    units = [w.shape[1] for w in weights]
    cols = column_titles(feature_names, activation_names, units)
    for col, raw in zip(cols, [grid_inputs, *activations]):
        col["range"] = _rounded(np.column_stack([raw.min(axis=0), raw.max(axis=0)]), 3)
    for col, b in zip(cols[1:], biases):
        col["bias"] = _rounded(b, digits)
    wmax = max(float(np.nan_to_num(np.abs(w)).max()) for w in weights)
    bmax = max((float(np.nan_to_num(np.abs(b)).max()) for b in biases if b.size), default=0.0)
    return {
        "frame": int(frame), "image": png_data_uri(pack_tiles(levels, resolution)), "resolution": resolution,
        "levels": LEVELS, "lut": diverging_lut(LEVELS), "columns": cols,
        "weights": [_rounded(w, digits) for w in weights], "wmax": max(wmax, 1e-9), "bmax": max(bmax, 1e-9),
        "scale": scale, "output_kind": kind,
        "class_colours": [charts.hex_colour(c) for c in charts.class_colours(n_classes)],
        "selected": list(selected) if selected is not None else None, "large": large,
        "legend": legend_lines(kind, scale, hidden=len(weights) > 1),
    }


def large_view(t: np.ndarray, raw: np.ndarray, title: str, colour=None, note: str = "") -> dict:
    """The inspected node's big heatmap as an RGB PNG. t: (res²,) its value on the diagram's scale
    (``signed_values``) over ``drawing_points(res)``; raw: (res²,) the activation itself; ``colour``: a class
    colour for a multi-class output (t is then p in [0, 1])."""
    res = int(round(np.sqrt(len(t))))
    steps = np.round(np.asarray(t, dtype=float) * LARGE_LEVELS) / LARGE_LEVELS
    rgb = diverging_rgb(steps) if colour is None else class_rgb(steps, colour)
    return {"image": png_data_uri(rgb.reshape(res, res, 3).round().astype(np.uint8)), "title": title,
            "min": round(float(np.nan_to_num(np.nanmin(raw))), 4),
            "max": round(float(np.nan_to_num(np.nanmax(raw))), 4), "note": note}


def inspected_view(grid_inputs: np.ndarray, activations: list[np.ndarray], kind: str, n_classes: int,
                   column: int, unit: int, title: str) -> dict:
    """``large_view`` of node (column, unit), column 1 being the first Dense layer, on a finer grid:
    grid_inputs (res², features) and activations[i] (res², units) as for ``diagram_payload``. A hidden
    neuron is coloured on its own range ±max|a| (so its shape always shows, however small it is); an
    output node as in the diagram."""
    raw = activations[column - 1][:, unit]
    if column < len(activations):
        peak = float(np.nanmax(np.where(np.isfinite(raw), np.abs(raw), np.nan), initial=0.0))
        return large_view(raw / max(peak, 1e-12), raw, title, note=f"colours: this neuron's own range, ±{peak:.3g}")
    t = signed_values(grid_inputs, activations, kind, 1.0, input_ranges(grid_inputs))[-1][:, unit]
    colour = charts.class_colours(n_classes)[unit] if kind == "multiclass" else None
    return large_view(t, raw, title, colour, note="colours: as the output node")
