"""Pure chart builders: arrays in, images and JSON-ready payloads out. Nothing here calls Streamlit.

The live Playground view is drawn by a small canvas component (ui/web/components/liveview.js) from one
payload: each frame's weights (the view computes the output over the plane itself, with
ui/web/components/forward.js, and colours it as ``output_rgb`` does), the points, and the thinned loss and
score curves. Colours are colour-blind safe: orange/blue for two
classes (as TensorFlow Playground) and the Okabe-Ito palette for more.
"""

from __future__ import annotations

import base64
import math

import numpy as np

from nnlib.datasets import DOMAIN
from ui.core.training import evaluation

ORANGE, BLUE, NEUTRAL = (245, 147, 34), (8, 119, 189), (232, 234, 235)
NO_VALUE = (128, 128, 128)  # where the model's output is NaN or infinite: no prediction to paint
OKABE_ITO = ((230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178), (213, 94, 0),
             (204, 121, 167), (120, 120, 120), (0, 0, 0), (153, 153, 51))
TRAIN_COLOUR, TEST_COLOUR = "#1f3b57", "#d1495b"


def _rounded(values, digits: int) -> list[float]:
    """Short JSON: plain lists of rounded numbers."""
    return np.round(np.asarray(values, dtype=float), digits).tolist()


def hex_colour(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb))


def class_colours(n_classes: int) -> list[tuple[int, int, int]]:
    return [ORANGE, BLUE] if n_classes <= 2 else list(OKABE_ITO[:n_classes])


# --- the output over the plane ----------------------------------------------------------------------------
def _diverging(t: np.ndarray) -> np.ndarray:
    """t in [-1, 1] -> RGB float: orange at -1, neutral at 0, blue at +1. t: (n,) -> (n, 3)."""
    t = np.clip(t, -1.0, 1.0)[:, None]
    neutral, orange, blue = (np.array(c, dtype=float) for c in (NEUTRAL, ORANGE, BLUE))
    return np.where(t < 0, neutral + (orange - neutral) * -t, neutral + (blue - neutral) * t)


def output_rgb(output: np.ndarray, kind: str, resolution: int, discretize: bool = False) -> np.ndarray:
    """The model's grid output -> (resolution, resolution, 3) uint8, row 0 at the top of the plane.

    binary: P(class 1) as a diverging map; multiclass: the winning class's colour, paler where the
    model is less sure; regression: the predicted value on the same diverging map, clipped to [-1, 1].
    A pixel whose output is not finite (a diverged model) is NO_VALUE grey, not a class colour.
    """
    finite = np.isfinite(output).all(axis=1)
    output = np.where(finite[:, None], output, 0.0)
    if kind == "binary":
        t = 2.0 * output[:, 0] - 1.0
        rgb = _diverging(np.sign(t) if discretize else t)
    elif kind == "regression":
        t = output[:, 0]
        rgb = _diverging(np.sign(t) if discretize else t)
    else:
        k = output.shape[1]
        winner = output.argmax(axis=1)
        confidence = (output.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
        if discretize:
            confidence = np.ones_like(confidence)
        colours = np.array(class_colours(k), dtype=float)[winner]
        lightness = 0.15 + 0.85 * np.clip(confidence, 0.0, 1.0)[:, None]
        rgb = 255.0 + (colours - 255.0) * lightness
    rgb[~finite] = NO_VALUE
    return rgb.reshape(resolution, resolution, 3).round().astype(np.uint8)


# --- the curves --------------------------------------------------------------------------------------------
def thin_index(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` indices into ``n`` values: evenly spaced, always ending at the last."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def thin(values: list[float], max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) with at most ``max_points`` points: evenly spaced, always ending at the last."""
    idx = thin_index(len(values), max_points)
    return idx + 1, np.asarray(values, dtype=float)[idx]


# --- the live view's payload (drawn by ui/web/components/liveview.js) ------------------------------------------
REGRESSION_STEPS = 21  # colour steps for regression targets on the points


def _points_payload(X: np.ndarray, y: np.ndarray, kind: str, n_classes: int, outline: str) -> dict:
    """Points as short lists: coordinates to 2 decimals, and a colour index per point."""
    if kind == "regression":
        levels = np.linspace(-1.0, 1.0, REGRESSION_STEPS)
        colours = [hex_colour(c) for c in _diverging(levels).round().astype(int)]
        steps = np.round((np.asarray(y, dtype=float) + 1) / 2 * (REGRESSION_STEPS - 1))
        index = np.clip(steps, 0, REGRESSION_STEPS - 1)
    else:
        colours = [hex_colour(c) for c in class_colours(n_classes)]
        index = np.asarray(y)
    return {"x": _rounded(X[:, 0], 2), "y": _rounded(X[:, 1], 2), "c": index.astype(int).tolist(),
            "colours": colours, "outline": outline}


def _series(values: list[float], idx: np.ndarray) -> list:
    """The values at ``idx``, rounded, with non-finite ones as None (JSON null). Indexing the list directly:
    converting a 20,000-epoch history to an array every frame cost more than the rest of the payload."""
    picked = (values[i] for i in idx.tolist())
    return [float(f"{v:.5g}") if math.isfinite(v) else None for v in picked]  # 5 significant digits: log axes


def _dense_layers(model) -> list:
    return [layer for layer in model.layers if layer.kind == "Dense"]  # Dropout has no weights, changes nothing


def model_params(model) -> str:
    """Every Dense layer's kernel (row-major) then bias, as little-endian float64 in base64: a frame of the live
    view, exact (JSON numbers would be rounded or twice as long). Decoded by forward.js:decodeParams."""
    parts = [np.concatenate([layer.W.ravel(), layer.b if layer.b is not None else np.zeros(layer.units)])
             for layer in _dense_layers(model)]
    return base64.b64encode(np.concatenate(parts).astype("<f8").tobytes()).decode("ascii")


FULL_PLANE_MACS = 400  # up to this many multiply-adds per grid point, the view computes the plane at full size


def plane_resolution(model, n_features: int, full: int) -> int:
    """The grid the view computes the plane on: ``full`` points a side, or half that for a network whose forward
    pass is costlier per point than FULL_PLANE_MACS (6 layers of 16 take 1,328 a point: 60 ms a 100 x 100
    frame in Chromium, 15 ms at 50 x 50, drawn smoothed to the same size)."""
    fan_in, macs = n_features, 0
    for layer in _dense_layers(model):
        macs, fan_in = macs + fan_in * layer.units, layer.units
    return full if macs <= FULL_PLANE_MACS else full // 2


def plane_net(model, feature_names, kind: str, n_classes: int, resolution: int) -> dict:
    """What the view needs besides the weights to compute the plane as ``model.predict`` on the grid and to
    colour it as ``output_rgb``: the features, each Dense layer's units and activation, and the colours."""
    dense = _dense_layers(model)
    return {"features": list(feature_names), "domain": list(DOMAIN), "resolution": int(resolution), "kind": kind,
            "layers": [_layer_net(layer) for layer in dense],
            "colours": {"orange": ORANGE, "blue": BLUE, "neutral": NEUTRAL, "no_value": NO_VALUE,
                        "classes": class_colours(n_classes)}}


def _layer_net(layer) -> dict:
    """A Dense layer as the view computes it: its width, activation and switched-off units (forward.js)."""
    net = {"units": layer.units, "activation": layer.activation.name}
    if layer.unit_mask is not None:
        net["mask"] = layer.unit_mask.tolist()
    return net


def frame(epoch: int, model, shown: list[tuple[str, str]], evaluation: dict | None = None) -> dict:
    """One frame of the live view: the epoch, the weights (``model_params``), the bar's numbers for them and, for
    the evaluation panel, what they predict on each split (ui.core.run.PlaygroundRun.evaluation)."""
    frame = {"epoch": int(epoch), "params": model_params(model), "shown": [list(item) for item in shown]}
    if evaluation is not None:
        frame["eval"] = evaluation
    return frame


def live_view_payload(*, frames: list[dict], net: dict, data, history, score_label: str,
                      frame_seconds: float = 0.0, log_loss: bool = False, show_test: bool = False,
                      discretize: bool = False, max_points: int = 300, height: int = 440, fit: bool = True,
                      keys: dict | None = None, drawing: dict | None = None, marks: list[dict] | None = None,
                      evaluation: dict | None = None, session: str | None = None) -> dict:
    """Everything the live view draws, as JSON-ready data: each frame (``frame``), the network, the points, the
    curves.

    ``frames``: oldest first; the view shows them ``frame_seconds`` apart, each with the curves up to its epoch.
    ``net``: ``plane_net`` of the model, with its ``diagram`` (ui/render/network_view.py). ``data``: a
    ui.core.run.Data; ``history``: a ui.core.run.History. Curves are thinned to ``max_points``. ``fit``: size
    the view to the window's height below it (the Playground's first screen); else ``height`` tall. ``marks``:
    epochs to mark on the curves ({"epoch", "label"}); ``evaluation``: ``evaluation_payload``; ``session``: the
    server session's id (the view says when a page it shows finds itself on another one).
    """
    points = [_points_payload(data.X_train, data.y_train, data.kind, data.n_classes, "#ffffff")]
    if show_test:
        points.append(_points_payload(data.X_test, data.y_test, data.kind, data.n_classes, "#000000"))
    curves = (history.loss, history.val_loss, history.score, history.val_score)
    idx = thin_index(min(map(len, curves)), max_points)  # another thread may be mid-way through appending
    series = [
        {"name": "train loss", "panel": "loss", "colour": TRAIN_COLOUR, "dash": False, "values": history.loss},
        {"name": "test loss", "panel": "loss", "colour": TEST_COLOUR, "dash": True, "values": history.val_loss},
        {"name": f"train {score_label}", "panel": "score", "colour": TRAIN_COLOUR, "dash": False,
         "values": history.score},
        {"name": f"test {score_label}", "panel": "score", "colour": TEST_COLOUR, "dash": True,
         "values": history.val_score},
    ]
    for s in series:
        s["values"] = _series(s["values"], idx)
    return {
        "frames": frames, "net": net, "frame_ms": round(1000 * frame_seconds), "domain": list(DOMAIN),
        "points": points, "epochs": (idx + 1).tolist(), "series": series, "log_loss": bool(log_loss),
        "score_label": score_label, "discretize": bool(discretize),
        "score_range": [0, 1] if score_label == "accuracy" else None, "height": height, "fit": bool(fit),
        "keys": keys, "drawing": drawing, "marks": marks or [], "evaluation": evaluation, "session": session,
    }


def evaluation_payload(data, class_names: list[str]) -> dict:
    """What the evaluation panel needs besides each frame's predictions: the problem, the class names and every
    point's true label, train then test, packed as the predictions are (ui.core.training.evaluation)."""
    payload = {"kind": data.kind, "n_train": len(data.y_train), "n_test": len(data.y_test)}
    if data.kind != "regression":
        payload["classes"] = class_names
        payload["colours"] = [hex_colour(c) for c in class_colours(data.n_classes)]
        payload["truth"] = {"train": evaluation.pack_labels(data.y_train, data.n_classes),
                            "test": evaluation.pack_labels(data.y_test, data.n_classes)}
        payload["bits"] = evaluation.label_bits(data.n_classes)
    return payload


def drawing_payload(data, classes: int, max_points: int, free: bool = True, min_points: int = 10) -> dict:
    """What the point tool edits: every point, train and test, as [x1, x2, label] (a class, or a regression
    target to 2 decimals), and the labels it offers: the problem's ``classes``, or five targets from -1 to 1."""
    X = np.concatenate([data.X_train, data.X_test])
    y = np.concatenate([data.y_train, data.y_test])
    regression = data.kind == "regression"
    labels = _rounded(y, 2) if regression else np.asarray(y).astype(int).tolist()
    points = [[x1, x2, label] for x1, x2, label in zip(_rounded(X[:, 0], 2), _rounded(X[:, 1], 2), labels)]
    offers = [-1.0, -0.5, 0.0, 0.5, 1.0] if regression else list(range(classes))
    return {"points": points, "labels": offers, "kind": data.kind, "max": max_points, "min": min_points,
            "free": bool(free)}
