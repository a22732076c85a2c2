"""Pure chart builders: arrays in, Plotly figures (or RGB images) out. Nothing here calls Streamlit.

The live Playground view is one figure: the output over the input plane as a PNG background image
(a few kB, instead of 10,000 JSON numbers), the points on top, and the loss and score curves beside it.
Colours are colour-blind safe: orange/blue for two classes (as TensorFlow Playground) and the
Okabe-Ito palette for more.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlib.datasets import DOMAIN
from ui.png import png_data_uri

ORANGE, BLUE, NEUTRAL = (245, 147, 34), (8, 119, 189), (232, 234, 235)
OKABE_ITO = ((230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178), (213, 94, 0),
             (204, 121, 167), (120, 120, 120), (0, 0, 0), (153, 153, 51))
TRAIN_COLOUR, TEST_COLOUR = "#1f3b57", "#d1495b"


def fast_figure(traces: list[dict], layout: dict) -> go.Figure:
    """A Figure from plain dicts without Plotly's per-property validation, which costs ~30 ms a frame
    for this layout. The unit tests validate every builder's output instead."""
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _rounded(values, digits: int) -> list[float]:
    """Short JSON: plain lists of rounded numbers (Plotly would send numpy arrays as base64 float64)."""
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
    """
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
    return rgb.reshape(resolution, resolution, 3).round().astype(np.uint8)


# --- the points --------------------------------------------------------------------------------------------
def _points_traces(X: np.ndarray, y: np.ndarray, kind: str, n_classes: int, outline: str, name: str,
                   hover: bool) -> list[dict]:
    common = dict(type="scatter", mode="markers", xaxis="x", yaxis="y", showlegend=False,
                  hoverinfo="x+y+name" if hover else "skip")
    marker = dict(size=6, line=dict(width=1, color=outline))
    if kind == "regression":
        colours = [hex_colour(c) for c in _diverging(np.asarray(y, dtype=float)).round().astype(int)]
        return [dict(common, x=_rounded(X[:, 0], 2), y=_rounded(X[:, 1], 2), name=name,
                     marker=dict(marker, color=colours))]
    return [dict(common, x=_rounded(X[y == label, 0], 2), y=_rounded(X[y == label, 1], 2),
                 name=f"{name}, class {label}", marker=dict(marker, color=hex_colour(colour)))
            for label, colour in enumerate(class_colours(n_classes))]


# --- the curves --------------------------------------------------------------------------------------------
def thin(values: list[float], max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) with at most ``max_points`` points: evenly spaced, always ending at the last."""
    n = len(values)
    if n <= max_points:
        idx = np.arange(n)
    else:
        idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return idx + 1, np.asarray(values, dtype=float)[idx]


def _curve(values, max_points: int, name: str, colour: str, dash: str, axes: tuple[str, str], hover: bool) -> dict:
    x, y = thin(values, max_points)
    y = np.where(np.isfinite(y), y, np.nan)  # JSON has no inf; a gap says "diverged"
    return dict(type="scatter", x=x.tolist(), y=[None if np.isnan(v) else v for v in _rounded(y, 5)], name=name,
                mode="lines", line=dict(color=colour, dash=dash, width=2), xaxis=axes[0], yaxis=axes[1],
                hoverinfo="x+y+name" if hover else "skip")


def playground_figure(*, image_uri: str, data, history, score_label: str, log_loss: bool = False,
                      show_test: bool = False, live: bool = False, max_points: int = 300,
                      height: int = 460) -> go.Figure:
    """The Playground's main view: output image + points (left), loss and score curves (right).

    ``data``: a ui.run.Data; ``history``: a ui.run.History. ``live`` drops hover from every trace, which
    makes each redraw cheaper while training plays.
    """
    hover = not live
    traces = _points_traces(data.X_train, data.y_train, data.kind, data.n_classes, "white", "train", hover)
    if show_test:
        traces += _points_traces(data.X_test, data.y_test, data.kind, data.n_classes, "black", "test", hover)
    traces += [
        _curve(history.loss, max_points, "train loss", TRAIN_COLOUR, "solid", ("x2", "y2"), hover),
        _curve(history.val_loss, max_points, "test loss", TEST_COLOUR, "dash", ("x2", "y2"), hover),
        _curve(history.score, max_points, f"train {score_label}", TRAIN_COLOUR, "solid", ("x3", "y3"), hover),
        _curve(history.val_score, max_points, f"test {score_label}", TEST_COLOUR, "dash", ("x3", "y3"), hover),
    ]
    low, high = DOMAIN
    layout = dict(
        height=height, margin=dict(l=40, r=10, t=30, b=35), showlegend=False, uirevision="playground",
        hovermode="x unified" if hover else False, plot_bgcolor="white",
        images=[dict(source=image_uri, xref="x", yref="y", x=low, y=high, sizex=high - low, sizey=high - low,
                     sizing="stretch", layer="below")],
        xaxis=dict(domain=[0.0, 0.5], range=[low, high], constrain="domain", title=dict(text="X₁"),
                   zeroline=False, showgrid=False),
        yaxis=dict(domain=[0.0, 1.0], range=[low, high], scaleanchor="x", title=dict(text="X₂"), zeroline=False,
                   showgrid=False),
        xaxis2=dict(domain=[0.6, 1.0], anchor="y2", matches="x3", showticklabels=False),
        yaxis2=dict(domain=[0.56, 1.0], anchor="x2", type="log" if log_loss else "linear", title=dict(text="loss")),
        xaxis3=dict(domain=[0.6, 1.0], anchor="y3", title=dict(text="epoch")),
        yaxis3=dict(domain=[0.0, 0.44], anchor="x3", title=dict(text=score_label)),
        annotations=[_legend_note()],
    )
    if score_label == "accuracy":
        layout["yaxis3"]["range"] = [0, 1.02]
    return fast_figure(traces, layout)


# --- the live view's payload (drawn by ui/components/liveview.js) ------------------------------------------
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


def _series(values, max_points: int) -> list:
    _, y = thin(values, max_points)
    return [round(v, 5) if np.isfinite(v) else None for v in y.tolist()]


def live_view_payload(*, image_uri: str, data, history, score_label: str, log_loss: bool = False,
                      show_test: bool = False, discretize: bool = False, hover: bool = True,
                      max_points: int = 300, height: int = 440) -> dict:
    """Everything the live view draws, as JSON-ready data: the output image, the points, the curves.

    ``data``: a ui.run.Data; ``history``: a ui.run.History. Curves are thinned to ``max_points``.
    """
    points = [_points_payload(data.X_train, data.y_train, data.kind, data.n_classes, "#ffffff")]
    if show_test:
        points.append(_points_payload(data.X_test, data.y_test, data.kind, data.n_classes, "#000000"))
    epochs, _ = thin(history.loss, max_points)
    series = [
        {"name": "train loss", "panel": "loss", "colour": TRAIN_COLOUR, "dash": False, "values": history.loss},
        {"name": "test loss", "panel": "loss", "colour": TEST_COLOUR, "dash": True, "values": history.val_loss},
        {"name": f"train {score_label}", "panel": "score", "colour": TRAIN_COLOUR, "dash": False,
         "values": history.score},
        {"name": f"test {score_label}", "panel": "score", "colour": TEST_COLOUR, "dash": True,
         "values": history.val_score},
    ]
    for s in series:
        s["values"] = _series(s["values"], max_points)
    return {
        "image": image_uri, "domain": list(DOMAIN), "points": points, "epochs": epochs.tolist(), "series": series,
        "log_loss": bool(log_loss), "score_label": score_label, "discretize": bool(discretize),
        "score_range": [0, 1] if score_label == "accuracy" else None, "hover": bool(hover), "height": height,
        "xlabel": "X₁ (horizontal) · X₂ (vertical)",
    }


def _legend_note() -> dict:
    return dict(text=f"<span style='color:{TRAIN_COLOUR}'>━ train</span>   "
                     f"<span style='color:{TEST_COLOUR}'>╍ test</span>",
                xref="paper", yref="paper", x=1.0, y=1.06, showarrow=False, xanchor="right")


def boundary_figure(output: np.ndarray, data, resolution: int, *, discretize: bool = False,
                    show_test: bool = False) -> go.Figure:
    """A still picture of the output over the plane with the points (for exports and comparisons)."""
    uri = png_data_uri(output_rgb(output, data.kind, resolution, discretize))
    from ui.run import History  # local: run imports nnlib only, charts stays importable alone

    fig = playground_figure(image_uri=uri, data=data, history=History(), score_label="", show_test=show_test)
    fig.update_layout(xaxis=dict(domain=[0, 1]), xaxis2=dict(visible=False), yaxis2=dict(visible=False),
                      xaxis3=dict(visible=False), yaxis3=dict(visible=False), annotations=[])
    return fig
