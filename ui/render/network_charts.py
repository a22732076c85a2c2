"""Pure Plotly builders for "Inside the network": weight matrices with their histograms over epochs,
gradient flow, and the hidden-space view. Arrays in, figures out; nothing here calls Streamlit.

Figures are built from plain dicts without Plotly's per-property validation (``_figure``), which costs
tens of ms for a many-subplot layout; the unit tests validate each one with ``go.Figure(fig.to_dict())``.
"""

from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from ui.core.health import histograms
from ui.render import charts
from ui.render.charts import hex_colour

DIVERGING = [[0.0, hex_colour(charts.ORANGE)], [0.5, hex_colour(charts.NEUTRAL)], [1.0, hex_colour(charts.BLUE)]]
SNAPSHOT_GREYS = ("#c8c8c8", "#969696", "#5e5e5e", "#222222")  # oldest -> latest snapshot
NOW_FILL = "rgba(8,119,189,0.30)"
GRID_X1_COLOUR, GRID_X2_COLOUR, AXIS_LINE_COLOUR = "rgba(8,119,189,0.45)", "rgba(245,147,34,0.55)", "#333333"


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """A Figure from plain dicts, unvalidated (the tests validate every builder's output)."""
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _clean(values, digits: int) -> list:
    """Rounded plain numbers (any shape), None for anything non-finite: JSON has no NaN."""
    arr = np.round(np.asarray(values, dtype=float), digits)
    return np.where(np.isfinite(arr), arr, None).tolist()


def layer_colours(n: int) -> list[str]:
    """n distinct colours from layer 1 (dark) to the output (light), on a colour-blind-safe scale."""
    if n == 1:
        return ["#31688e"]
    return plotly.colors.sample_colorscale("Viridis", [0.85 * i / (n - 1) for i in range(n)], colortype="rgb")


def layer_name(dense_index: int, n_dense: int) -> str:
    """What the page calls Dense layer ``dense_index`` of ``n_dense``: "Layer 1", "Layer 2", ..., "Output"."""
    return "Output" if dense_index == n_dense - 1 else f"Layer {dense_index + 1}"


def layer_names(n_dense: int) -> list[str]:
    return [layer_name(i, n_dense) for i in range(n_dense)]


# --- weights -----------------------------------------------------------------------------------------------
def weights_figure(weights: list[np.ndarray], source_labels: list[list[str]], snapshot_epochs: list[int],
                   snapshots: list[list[np.ndarray]], *, bins: int = 30, row_height: int = 190) -> go.Figure:
    """Per Dense layer (one row each): its weight matrix as a heatmap (rows = inputs to the layer, columns =
    its neurons; one colour scale for all layers, symmetric around 0), and beside it histograms of that
    layer's weights at a few snapshot epochs (grey = earlier, dark = latest).

    weights[i]: (fan_in, units); source_labels[i]: fan_in names; snapshots[k][i]: layer i's W at
    snapshot_epochs[k], at most 4 of them (the run's ``SnapshotStore.spread(4)``, each through
    ``snapshots.kernels``; none: only the current weights)."""
    n = len(weights)
    if len(source_labels) != n:
        raise ValueError(f"need source labels for each of the {n} layers, received {len(source_labels)}")
    limit = max(max((float(np.nan_to_num(np.abs(w)).max()) for w in weights if w.size), default=1.0), 1e-9)
    names = layer_names(n)
    traces, layout = [], dict(height=max(260, row_height * n + 60), margin=dict(l=70, r=20, t=40, b=30),
                              plot_bgcolor="white", showlegend=True, bargap=0,
                              legend=dict(orientation="h", x=1.0, xanchor="right", y=1.0, yanchor="bottom"),
                              annotations=[])
    gap = 0.35 / max(n, 1) if n > 1 else 0.0
    height = (1.0 - gap * (n - 1)) / n
    history = [[snap[i] for snap in snapshots] for i in range(n)] if snapshots else [[] for _ in range(n)]
    for i, (w, labels) in enumerate(zip(weights, source_labels)):
        top = 1.0 - i * (height + gap)
        domain = [max(top - height, 0.0), top]
        hx, hy, gx, gy = f"x{2 * i + 1}", f"y{2 * i + 1}", f"x{2 * i + 2}", f"y{2 * i + 2}"
        fan_in, units = w.shape
        traces.append(dict(
            type="heatmap", z=_clean(w, 3), x=[f"n{j + 1}" for j in range(units)], y=list(labels),
            zmin=-limit, zmax=limit, colorscale=DIVERGING, showscale=i == 0, xaxis=hx, yaxis=hy,
            colorbar=dict(title=dict(text="w"), len=min(1.0, 0.9 / n + 0.1), y=1.0, yanchor="top", x=0.45,
                          thickness=12),
            hovertemplate="from %{y} to neuron %{x}<br>w = %{z:.4f}<extra></extra>", name=names[i]))
        layout[_axis("xaxis", hx)] = dict(domain=[0.0, 0.44], anchor=hy, side="bottom", tickfont=dict(size=10))
        layout[_axis("yaxis", hy)] = dict(domain=domain, anchor=hx, autorange="reversed", tickfont=dict(size=10))
        layout["annotations"].append(dict(
            text=f"<b>{names[i]}</b>: W is {fan_in}×{units} (inputs × neurons)", xref="paper", yref="paper",
            x=0.0, y=top, xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=12)))
        traces += _histogram_traces(history[i], snapshot_epochs, w, bins, gx, gy, first_row=i == 0)
        layout[_axis("xaxis", gx)] = dict(domain=[0.6, 1.0], anchor=gy, zeroline=True, zerolinecolor="#bbb",
                                          title=dict(text="weight value") if i == n - 1 else None)
        layout[_axis("yaxis", gy)] = dict(domain=domain, anchor=gx, title=dict(text="count"), rangemode="tozero")
    return _figure(traces, layout)


def _axis(prefix: str, ref: str) -> str:
    """'x3' -> 'xaxis3'; 'x1' -> 'xaxis' (Plotly's names for the first axes)."""
    number = ref[1:]
    return prefix if number == "1" else f"{prefix}{number}"


def _histogram_traces(history: list[np.ndarray], epochs: list[int], current: np.ndarray, bins: int, xaxis: str,
                      yaxis: str, first_row: bool) -> list[dict]:
    """Step outlines of the layer's weight histogram at each snapshot (up to 4), and filled bars for now."""
    picks = list(range(len(history)))
    samples = [*history, current]
    counts, edges = histograms(samples, bins)
    centres = (edges[:-1] + edges[1:]) / 2
    greys = SNAPSHOT_GREYS[len(SNAPSHOT_GREYS) - len(picks):]
    traces = []
    for k, grey, row in zip(picks, greys, counts[:-1]):
        traces.append(dict(type="scatter", mode="lines", x=_clean(centres, 4), y=row.astype(int).tolist(),
                           line=dict(color=grey, width=1.5, shape="hvh"), xaxis=xaxis, yaxis=yaxis,
                           name=f"epoch {epochs[k]}", legendgroup=f"snap{k}", showlegend=first_row,
                           hovertemplate="w ≈ %{x:.3f}: %{y} weights<extra>epoch " + str(epochs[k]) + "</extra>"))
    traces.append(dict(type="bar", x=_clean(centres, 4), y=counts[-1].astype(int).tolist(), xaxis=xaxis,
                       yaxis=yaxis, marker=dict(color=NOW_FILL, line=dict(width=0)), name="now",
                       legendgroup="now", showlegend=first_row,
                       hovertemplate="w ≈ %{x:.3f}: %{y} weights<extra>now</extra>"))
    return traces


# --- gradient flow -----------------------------------------------------------------------------------------
ALL_ZERO_NOTE = "every gradient is 0: nothing learns"
NOT_FINITE_NOTE = "some gradients are not finite: the weights overflowed"
NO_EPOCH_NOTE = "no epoch trained yet"


def gradient_flow_figure(history: list[list[float]], current: list[float], *, max_points: int = 300,
                         height: int = 400) -> go.Figure:
    """Where the gradient goes. Left: ||dLoss/dW|| per Dense layer now, over all training data (bars, log
    scale). Right: the same per layer over epochs, from each epoch's last batch (lines, log scale).

    history[e][i]: layer i's norm at epoch e+1 (``History.grad_norms``); current[i]: norms now. A deep
    sigmoid network shows the vanishing-gradient staircase: each layer's bar far below the next one's.
    When every gradient is 0 (dead ReLUs, say) a log axis has nothing to show: both axes are then linear,
    the zeros drawn at 0 and the figure says so. The epoch axis runs from 0 to the last epoch."""
    n = len(current) or (len(history[-1]) if history else 0)
    names, colours = layer_names(n), layer_colours(n)
    rows = np.array([row for row in history if len(row) == n], dtype=float).reshape(-1, n)
    every = np.concatenate([np.asarray(current, dtype=float).ravel(), rows.ravel()])
    finite = every[np.isfinite(every)]
    log = not (finite.size and np.all(finite == 0))
    shown = _positive if log else (lambda v: _clean([v], 4)[0])
    traces = [dict(type="bar", x=names, y=[shown(v) for v in current], marker=dict(color=colours),
                   xaxis="x", yaxis="y", name="now (all training data)", showlegend=False,
                   hovertemplate="%{x}: ‖dW‖ = %{y:.3g}<extra></extra>")]
    for i in range(n):
        epochs, values = charts.thin(rows[:, i].tolist(), max_points)
        traces.append(dict(type="scatter", mode="lines" if len(epochs) > 1 else "markers", x=epochs.tolist(),
                           y=[shown(v) for v in values], line=dict(color=colours[i], width=2),
                           marker=dict(color=colours[i], size=6), xaxis="x2", yaxis="y2", name=names[i],
                           hovertemplate="epoch %{x}: ‖dW‖ = %{y:.3g}<extra>" + names[i] + "</extra>"))
    value_axis = dict(type="log", exponentformat="power") if log else dict(type="linear", range=[0, 1])
    layout = dict(
        height=height, margin=dict(l=60, r=20, t=30, b=80), plot_bgcolor="white", showlegend=True,
        legend=dict(x=0.4, xanchor="left", y=-0.22, yanchor="top", orientation="h"),
        xaxis=dict(domain=[0.0, 0.3], title=dict(text="layer (input side → output)")),
        yaxis=dict(value_axis, title=dict(text="‖dLoss/dW‖"), gridcolor="#eee"),
        xaxis2=dict(domain=[0.4, 1.0], anchor="y2", title=dict(text="epoch (last batch of each)"),
                    range=[0, max(len(rows), 1)]),
        yaxis2=dict(value_axis, anchor="x2", gridcolor="#eee"),
        annotations=[dict(text="<b>Now</b>, all training data", xref="paper", yref="paper", x=0.0, y=1.0,
                          xanchor="left", yanchor="bottom", showarrow=False),
                     dict(text="<b>Over epochs</b>", xref="paper", yref="paper", x=0.4, y=1.0, xanchor="left",
                          yanchor="bottom", showarrow=False),
                     *_gradient_notes(current, rows, log)])
    return _figure(traces, layout)


def _gradient_notes(current: list[float], rows: np.ndarray, log: bool) -> list[dict]:
    """Plain words for what the gradient axes cannot show: all zeros, overflow, zeros on a log axis, no epochs."""
    def note(text, x, y=0.5):
        return dict(text=text, xref="paper", yref="paper", x=x, y=y, xanchor="center", showarrow=False,
                    font=dict(size=13, color="#a23"), bgcolor="rgba(255,255,255,0.85)")
    now = np.asarray(current, dtype=float)
    notes = []
    if not log:
        notes.append(note(ALL_ZERO_NOTE, 0.5, 0.55))
    if not np.all(np.isfinite(now)):
        notes.append(note(NOT_FINITE_NOTE, 0.15, 0.4))
    zeros = [name for name, v in zip(layer_names(len(now)), now) if v == 0]
    if log and zeros:
        notes.append(note(f"‖dW‖ = 0 (no bar on a log axis): {', '.join(zeros)}", 0.15, 0.3))
    if not len(rows):
        notes.append(note(NO_EPOCH_NOTE, 0.7))
    return notes


def _positive(v) -> float | None:
    """A value a log axis can show, else None (a gap)."""
    v = float(v)
    return float(f"{v:.4g}") if np.isfinite(v) and v > 0 else None


# --- the hidden space ----------------------------------------------------------------------------------------
def hidden_space_figure(lines: np.ndarray, points: np.ndarray, y: np.ndarray, kind: str, n_classes: int,
                        axis_titles: tuple[str, str], *, height: int = 460) -> go.Figure:
    """The input plane as two neurons of a hidden layer see it.

    lines: (2·k, samples, 2) the mapped ``health.grid_polylines`` (x1-fixed lines first, then x2-fixed);
    points: (n, 2) the mapped training points; y their labels (or targets for regression)."""
    k = len(lines) // 2
    traces = []
    for family, colour, name in ((lines[:k], GRID_X1_COLOUR, "lines x₁ = const"),
                                 (lines[k:], GRID_X2_COLOUR, "lines x₂ = const")):
        xs, ys = _polyline_xy(family)
        traces.append(dict(type="scatter", mode="lines", x=xs, y=ys, line=dict(color=colour, width=1.2),
                           name=name, hoverinfo="skip"))
    middle = k // 2  # the lines x1 = 0 and x2 = 0 (the plane's axes), when k is odd
    xs, ys = _polyline_xy(np.stack([lines[middle], lines[k + middle]]))
    traces.append(dict(type="scatter", mode="lines", x=xs, y=ys, line=dict(color=AXIS_LINE_COLOUR, width=2),
                       name="the axes x₁ = 0, x₂ = 0", hoverinfo="skip"))
    traces += _point_traces(points, y, kind, n_classes)
    layout = dict(height=height, margin=dict(l=60, r=20, t=30, b=50), plot_bgcolor="white",
                  xaxis=dict(title=dict(text=axis_titles[0]), zeroline=True, zerolinecolor="#ddd", gridcolor="#f2f2f2"),
                  yaxis=dict(title=dict(text=axis_titles[1]), zeroline=True, zerolinecolor="#ddd", gridcolor="#f2f2f2"),
                  legend=dict(orientation="h", x=0.0, y=1.0, yanchor="bottom"))
    return _figure(traces, layout)


def _polyline_xy(lines: np.ndarray) -> tuple[list, list]:
    """Several polylines as one trace: points joined, lines separated by None."""
    xs, ys = [], []
    for line in lines:
        xs += _clean(line[:, 0], 3) + [None]
        ys += _clean(line[:, 1], 3) + [None]
    return xs, ys


def _point_traces(points: np.ndarray, y: np.ndarray, kind: str, n_classes: int) -> list[dict]:
    marker = dict(size=6, line=dict(width=1, color="white"))
    if kind == "regression":
        return [dict(type="scatter", mode="markers", x=_clean(points[:, 0], 3), y=_clean(points[:, 1], 3),
                     name="training points", marker=dict(marker, color=_clean(y, 3), colorscale=DIVERGING, cmin=-1,
                                                         cmax=1), hovertemplate="(%{x}, %{y})<extra></extra>")]
    return [dict(type="scatter", mode="markers", x=_clean(points[y == c, 0], 3), y=_clean(points[y == c, 1], 3),
                 name=f"class {c}", marker=dict(marker, color=hex_colour(colour)),
                 hovertemplate="(%{x}, %{y})<extra>class " + str(c) + "</extra>")
            for c, colour in enumerate(charts.class_colours(n_classes))]
