"""Pure figure builders for the Learn pages: arrays in, Plotly figures out. Nothing here calls Streamlit.

Signed values use one diverging scale everywhere: orange below zero, white at zero, blue above (the
Playground's class colours). Matrices are drawn with their numbers written in the cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

ORANGE, BLUE, INK, GREY = "#f59322", "#0877bd", "#1f3b57", "#9aa5b1"
TRAIN_COLOUR, VAL_COLOUR = "#1f3b57", "#d1495b"
DIVERGING = [[0.0, ORANGE], [0.5, "#ffffff"], [1.0, BLUE]]
SEQUENTIAL = [[0.0, "#ffffff"], [1.0, BLUE]]
INK_SCALE = [[0.0, "#ffffff"], [1.0, "#111111"]]  # digit images: 0 white, 1 black
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#f0e442")
CELL_PX = 34  # height of one matrix row


def _short(v: float) -> str:
    if v == 0:
        return "0"
    if 0.01 <= abs(v) < 1000:
        return f"{v:.3g}"
    mantissa, exponent = f"{v:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"  # "-7.2e-4", narrower than "-0.000723"


def number_text(values: np.ndarray) -> np.ndarray:
    """Short labels for matrix cells: three significant digits from 0.01 to 1000, a compact power of
    ten outside, plain 0 for exact zeros. Hover shows full precision."""
    return np.vectorize(_short, otypes=[str])(np.asarray(values, dtype=float))


def _margin(**kw) -> dict:
    return {"l": 10, "r": 10, "t": 40, "b": 10, **kw}


# --- backprop: labelled matrices ---------------------------------------------------------------------------
def panels_figure(panels: Sequence, gap: float = 0.05) -> go.Figure:
    """Matrices side by side, each a heatmap with its numbers in the cells and its name above.

    panels: objects with ``name``, ``values`` (2-D), ``rows`` and ``cols`` (labels). Each panel's width
    follows its number of columns and its height its number of rows, so a cell is the same size in every
    panel. Colours are scaled per panel, symmetric around zero.
    """
    if not panels:
        raise ValueError("panels_figure needs at least one panel")
    widths = np.array([p.values.shape[1] + 0.8 for p in panels], dtype=float)  # +0.8 leaves room for labels
    usable = 1.0 - gap * (len(panels) - 1)
    max_rows = max(p.values.shape[0] for p in panels)
    fig = go.Figure()
    left = 0.0
    for i, (panel, w) in enumerate(zip(panels, widths, strict=True), start=1):
        values = np.asarray(panel.values, dtype=float)
        right = min(left + usable * w / widths.sum(), 1.0)  # min: rounding must not leave [0, 1]
        span = float(np.abs(values).max()) or 1.0
        fig.add_trace(go.Heatmap(
            z=values, x=list(panel.cols), y=list(panel.rows), text=number_text(values),
            texttemplate="%{text}", colorscale=DIVERGING, zmin=-span, zmax=span, showscale=False,
            xgap=1, ygap=1, name=panel.name,
            hovertemplate=f"{panel.name}<br>%{{y}} · %{{x}}: %{{z:.6g}}<extra></extra>",
            xaxis=f"x{i}", yaxis=f"y{i}"))
        top_fraction = values.shape[0] / max_rows
        # type="category": plotly would otherwise read labels such as "#1" as the number 1
        fig.update_layout({
            f"xaxis{i}": {"domain": [left, right], "anchor": f"y{i}", "side": "top", "type": "category",
                          "tickfont": {"size": 12}, "ticks": "", "fixedrange": True, "showgrid": False,
                          "title": {"text": f"<b>{panel.name}</b>", "font": {"size": 14}, "standoff": 6}},
            f"yaxis{i}": {"domain": [1.0 - top_fraction, 1.0], "anchor": f"x{i}", "autorange": "reversed",
                          "type": "category", "tickfont": {"size": 12}, "ticks": "", "fixedrange": True,
                          "showgrid": False},
        })
        left = right + gap
    fig.update_layout(height=90 + CELL_PX * max_rows, margin=_margin(t=80), plot_bgcolor="white",
                      font={"size": 13})
    return fig


# --- activations -------------------------------------------------------------------------------------------
def activation_figure(x: np.ndarray, f: np.ndarray, df: np.ndarray, regions: Sequence[tuple[float, float]],
                      name: str) -> go.Figure:
    """f(x) and f'(x) on one chart; ``regions`` (lo, hi) are shaded as places where the slope is small."""
    fig = go.Figure()
    for lo, hi in regions:
        fig.add_vrect(x0=lo, x1=hi, fillcolor=GREY, opacity=0.18, line_width=0, layer="below")
    fig.add_trace(go.Scatter(x=x, y=f, name=f"{name}(x)", line={"color": BLUE, "width": 3}))
    fig.add_trace(go.Scatter(x=x, y=df, name=f"{name}′(x)",
                             line={"color": ORANGE, "width": 3, "dash": "dash"}))
    if regions:  # a legend entry for the shading
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="|f′| < threshold (shaded)",
                                 marker={"size": 12, "color": GREY, "symbol": "square", "opacity": 0.5}))
    fig.update_layout(height=380, margin=_margin(t=30), xaxis_title="x", hovermode="x unified",
                      legend={"orientation": "h", "y": 1.08, "x": 0}, plot_bgcolor="white")
    fig.update_xaxes(zeroline=True, zerolinecolor="#ccc", gridcolor="#eee")
    fig.update_yaxes(zeroline=True, zerolinecolor="#ccc", gridcolor="#eee")
    return fig


def layer_lines_figure(series: dict[str, Sequence[float]], title: str, y_title: str) -> go.Figure:
    """One line per name over layers 1..depth, log y. Non-positive values (log undefined) are left out."""
    fig = go.Figure()
    positive = np.array([v for values in series.values() for v in values if v > 0], dtype=float)
    decades = np.log10(positive.max() / positive.min()) if positive.size else 0.0
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        shown = np.where(values > 0, values, np.nan)
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=shown, name=name, mode="lines+markers",
                                 line={"color": PALETTE[i % len(PALETTE)], "width": 2.5}))
    fig.update_layout(title={"text": title, "font": {"size": 15}}, height=360, margin=_margin(t=60),
                      xaxis={"title": "layer (1 = next to the input)", "dtick": 1}, plot_bgcolor="white",
                      yaxis={"title": y_title, "type": "log", "exponentformat": "power", "gridcolor": "#eee",
                             # within a decade or two, plotly labels 2, 3, ... 9: keep only 2 and 5
                             **({"dtick": "D2", "tickformat": ".2~g"} if decades < 2 else {})},
                      legend={"orientation": "h", "y": -0.25, "x": 0})
    return fig


# --- digits ------------------------------------------------------------------------------------------------
def history_figure(history: dict[str, Sequence[float]], epochs: int | None = None) -> go.Figure:
    """Loss and accuracy per epoch, training and validation, as two side-by-side charts.

    history: Keras-style keys ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` (any may be missing).
    epochs: fixes the x range while training is still running.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=("loss", "accuracy"), horizontal_spacing=0.1)
    for col, metric in enumerate(("loss", "accuracy"), start=1):
        lines = ((metric, "training", TRAIN_COLOUR), (f"val_{metric}", "validation", VAL_COLOUR))
        for key, label, colour in lines:
            values = history.get(key) or []
            fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=list(values), name=label,
                                     mode="lines+markers", line={"color": colour}, legendgroup=label,
                                     showlegend=col == 1), row=1, col=col)
    if epochs:
        fig.update_xaxes(range=[0.5, epochs + 0.5])
    fig.update_xaxes(title_text="epoch", gridcolor="#eee")
    fig.update_yaxes(gridcolor="#eee")
    fig.update_layout(height=300, margin=_margin(t=40), plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.3, "x": 0})
    return fig


def confusion_figure(cm: np.ndarray, labels: Sequence[str] | None = None) -> go.Figure:
    """Counts: rows are the true class, columns the predicted class; the diagonal is correct."""
    cm = np.asarray(cm)
    labels = [str(i) for i in range(len(cm))] if labels is None else list(labels)
    fig = go.Figure(go.Heatmap(
        z=cm, x=labels, y=labels, text=cm.astype(str), texttemplate="%{text}", colorscale=SEQUENTIAL,
        showscale=False, xgap=1, ygap=1,
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_layout(height=430, margin=_margin(t=30), plot_bgcolor="white",
                      xaxis={"title": "predicted", "side": "top", "type": "category", "fixedrange": True},
                      yaxis={"title": "true", "autorange": "reversed", "type": "category",
                             "fixedrange": True})
    fig.update_xaxes(scaleanchor="y", constrain="domain")
    return fig


def tile_images(images: np.ndarray, cols: int, gap: int = 1) -> np.ndarray:
    """(k, h, w) images -> one (rows·(h+gap)-gap, cols·(w+gap)-gap) array, NaN in the gaps and the unused
    cells. Row-major: image i goes to tile (i // cols, i % cols)."""
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"tile_images needs a non-empty (k, h, w) stack, received shape {images.shape}")
    if cols < 1:
        raise ValueError(f"tile_images needs cols >= 1, received cols={cols}")
    k, h, w = images.shape
    cols = min(cols, k)
    rows = -(-k // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
    return out


def image_grid_figure(images: np.ndarray, titles: Sequence[str], cols: int, signed: bool = False,
                      tile_px: int = 80) -> go.Figure:
    """Many small images as ONE heatmap trace (tiled with gaps), a short title above each.

    signed=False: ink images in [0, 1], white to black. signed=True: weights, on the diverging scale
    centred at zero.
    """
    images = np.asarray(images, dtype=float)
    if len(titles) != len(images):
        raise ValueError(f"image_grid_figure needs one title per image, "
                         f"received {len(titles)} for {len(images)}")
    gap = 3 if titles else 1  # room for a title above every row of images
    grid = tile_images(images, cols, gap=gap)
    k, h, w = images.shape
    cols = min(cols, k)
    rows = -(-k // cols)
    if signed:
        span = float(np.nanmax(np.abs(grid))) or 1.0
        style = {"colorscale": DIVERGING, "zmin": -span, "zmax": span}
    else:
        style = {"colorscale": INK_SCALE, "zmin": 0.0, "zmax": 1.0}
    fig = go.Figure(go.Heatmap(z=grid, showscale=False, hoverinfo="skip", **style))
    for i, title in enumerate(titles):
        r, c = divmod(i, cols)
        fig.add_annotation(text=title, x=c * (w + gap) + (w - 1) / 2, y=r * (h + gap) - 0.5, yanchor="bottom",
                           showarrow=False, font={"size": 10})
    hidden = {"visible": False, "fixedrange": True}
    # grey behind the tiles, so each image's own white margin still shows where the image ends
    fig.update_layout(height=int(rows * tile_px * 1.3) + 30, width=None, margin=_margin(t=20),
                      plot_bgcolor="#e6e8eb", xaxis={**hidden, "scaleanchor": "y", "constrain": "domain"},
                      yaxis={**hidden, "autorange": "reversed", "range": None})
    return fig


def probability_figure(probs: np.ndarray, labels: Sequence[str] | None = None) -> go.Figure:
    """One bar per class; the most likely class is highlighted."""
    probs = np.asarray(probs, dtype=float).ravel()
    labels = [str(i) for i in range(len(probs))] if labels is None else list(labels)
    colours = [BLUE if i == int(np.argmax(probs)) else GREY for i in range(len(probs))]
    fig = go.Figure(go.Bar(x=labels, y=probs, marker_color=colours, text=[f"{p:.0%}" for p in probs],
                           textposition="outside", hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(height=300, margin=_margin(t=20), plot_bgcolor="white",
                      xaxis={"title": "digit", "type": "category", "fixedrange": True},
                      yaxis={"title": "probability", "range": [0, 1.12], "fixedrange": True,
                             "gridcolor": "#eee"})
    return fig
