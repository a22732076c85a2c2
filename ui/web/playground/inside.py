"""Inside the network: the Playground's second panel, drawn by the live fragment on every tick.

The network itself is drawn by the live view, every frame. This expander (collapsed at first, and then
costing nothing) holds what is one click deeper; only the open tab runs:
  Neuron              the inspected neuron (click one in the diagram): its incoming weights and bias,
                      editable while paused
  Weights             each layer's weight matrix and how its histogram moved over epochs
  Gradients & health  gradient norm per layer (now and over epochs), dead and saturated units, hints
  Hidden space        the input plane's grid lines and the data as two hidden neurons see them

Frame budget: while training plays, the neuron's table is recomputed every TABLE_EVERY-th tick of the live
loop and the Plotly charts every CHARTS_EVERY-th; in between they get their previous value: unchanged messages
that Streamlit ships as a short reference to the copy the browser already holds. When paused, every rerun
recomputes. The weight histograms read the run's one snapshot store (ui/core/snapshots.py, filled after
every epoch by the run itself), the store time travel reads too.
"""

from __future__ import annotations

import math

import streamlit as st

from ui.core import config as cfg
from ui.core import health, pacing, snapshots
from ui.core.data import features
from ui.core.run import PlaygroundRun
from ui.render import network_charts, network_view
from ui.web import state
from ui.web.playground import clicks

TABLE_EVERY = 2  # while playing, the neuron table is recomputed every 2nd tick (~3 a second)
CHARTS_EVERY = 5  # ... and the Plotly charts every 5th (~1 a second)
TABS = ("Neuron", "Weights", "Gradients & health", "Hidden space")
CHART_CONFIG = {"displayModeBar": False}


def panel(run: PlaygroundRun, frame: int, playing: bool) -> None:
    """Draw the inside-the-network views for ``run``; called from the live fragment on every tick (``frame``
    counts them)."""
    box = st.expander("Inside the network: neurons, weights, gradients, training health", key=state.INSIDE_OPEN,
                      on_change="rerun")
    if not box.open:
        return
    with box:
        tabs = st.tabs(TABS, key=state.INSIDE_TAB, on_change="rerun")
        for tab, draw in zip(tabs, (_neuron_tab, _weights_tab, _health_tab, _space_tab)):
            if tab.open:
                with tab:
                    draw(run, frame, playing)


# --- shared helpers ----------------------------------------------------------------------------------------
def _dense(model) -> list:
    return [layer for layer in model.layers if layer.kind == "Dense"]


def _seconds(ticks: int) -> str:
    """How long ``ticks`` live-loop ticks take at the intended pace, for a caption."""
    return f"{ticks * pacing.TICK_INTERVAL_SECONDS:.1f} s"


def _view(name: str, run: PlaygroundRun, frame: int, playing: bool, every: int, inputs: tuple, build):
    """The named view: rebuilt when paused, every ``every``-th tick while playing, or when its run or
    inputs changed. Otherwise the previous view, to be sent again unchanged."""
    views = st.session_state.setdefault(state.INSIDE_VIEWS, {})
    last = views.get(name)
    if playing and last is not None and last[0] is run and last[1] == inputs and frame % every:
        return last[2]
    value = build()
    views[name] = (run, inputs, value)
    return value


def _keep_in(key: str, n: int, default: int = 0) -> None:
    """Keep a selector's stored index valid for its n current options (the architecture can change)."""
    value = st.session_state.get(key)
    if not isinstance(value, int) or not 0 <= value < n:
        st.session_state[key] = max(0, min(default, n - 1))


def _sources(run: PlaygroundRun, dense_index: int, short: bool = False) -> list[str]:
    """Names of what feeds Dense layer ``dense_index``: the input features, or the previous layer's neurons."""
    if dense_index == 0:
        return [features.label(name) for name in run.config.features]
    units = _dense(run.model)[dense_index - 1].units
    return [f"L{dense_index}·n{j + 1}" if short else f"layer {dense_index}, neuron {j + 1}" for j in range(units)]


def _neuron_title(dense: list, layer: int, unit: int) -> str:
    """"Layer 1, neuron 3 (tanh)": the neuron selector's option and the big view's title."""
    return f"{network_charts.layer_name(layer, len(dense))}, neuron {unit + 1} ({dense[layer].activation.name})"


# --- Neuron: the one clicked in the diagram ------------------------------------------------------------------
def _neuron_tab(run: PlaygroundRun, frame: int, playing: bool) -> None:
    dense = _dense(run.model)
    left, right = st.columns([3, 2])
    layer, unit = _neuron_selector(left, dense)
    _neuron_details(left, right, run, layer, unit, frame, playing)


def _neuron_selector(where, dense: list) -> tuple[int, int]:
    """One selector over every (layer, neuron) pair: each selectbox costs ~1.5 ms a frame, two would cost 3."""
    options = _neurons(dense)
    if st.session_state.get(state.INSIDE_NEURON) not in options:  # also after the architecture changed
        st.session_state[state.INSIDE_NEURON] = options[0]
    return where.selectbox(
        "Inspect a neuron (or click one in the diagram)", options, key=state.INSIDE_NEURON,
        format_func=lambda o: _neuron_title(dense, *o))


def _neurons(dense: list) -> list[tuple[int, int]]:
    return [(i, j) for i, d in enumerate(dense) for j in range(d.units)]


def selected_column_row(run: PlaygroundRun) -> tuple[int, int] | None:
    """The inspected neuron as the diagram's (column, row), column 0 being the inputs; None if it is gone."""
    chosen = st.session_state.get(state.INSIDE_NEURON)
    if chosen not in _neurons(_dense(run.model)):
        return None
    return chosen[0] + 1, chosen[1]


def pick(column_row) -> None:
    """A click on a neuron in the diagram: inspect it, with the Neuron tab open."""
    chosen = selection_from_pick(column_row)
    if chosen is not None:
        st.session_state[state.INSIDE_NEURON] = chosen
        st.session_state[state.INSIDE_OPEN] = True
        st.session_state[state.INSIDE_TAB] = TABS[0]


def selection_from_pick(pick) -> tuple[int, int] | None:
    """The diagram's [column, row] of a clicked neuron -> (Dense-layer index, unit); None for an input
    node or anything malformed. Out-of-range values are clamped later by the selectors."""
    if (isinstance(pick, list) and len(pick) == 2 and all(type(v) is int for v in pick)
            and pick[0] >= 1 and pick[1] >= 0):
        return pick[0] - 1, pick[1]
    return None


def _neuron_details(table, edit, run: PlaygroundRun, layer: int, unit: int, frame: int, playing: bool) -> None:
    rows = _view("neuron_rows", run, frame, playing, TABLE_EVERY, (layer, unit), lambda: _incoming(run, layer, unit))
    with table:
        st.code(_formula(run, layer, rows), language=None, wrap_lines=True)
    # Markdown, not st.dataframe: no pandas -> Arrow conversion on every frame (~4 ms).
    with table.container(height=min(60 + 36 * len(rows), 330), border=False):
        st.markdown(incoming_table(rows))
    with edit:
        if layer < len(_dense(run.model)) - 1:
            _surgery_buttons(run, layer, unit)
        _edit_controls(run, layer, unit, rows, playing)
        if playing:
            st.caption("While playing, an edit takes effect from the next step.")


def _formula(run: PlaygroundRun, layer: int, rows: list[dict]) -> str:
    """The neuron's arithmetic with the numbers of the rows shown (bias first, then the weights)."""
    activation = _dense(run.model)[layer].activation.name
    return network_view.neuron_formula(activation, _sources(run, layer, short=True), [r["value"] for r in rows[1:]],
                                       rows[0]["value"])


def _surgery_buttons(run: PlaygroundRun, layer: int, unit: int) -> None:
    """Switch the neuron off or on, freeze or thaw it: the whole new list, so a repeated click changes nothing."""
    name = cfg.neuron_name(layer, unit)
    row = st.container(horizontal=True)
    for kind, (on_label, off_label, why) in SURGERY.items():
        chosen = getattr(run.config, kind)
        now_on = name in chosen
        target = [n for n in chosen if n != name] + ([] if now_on else [name])
        row.button(off_label if now_on else on_label, key=f"pg_inside_{kind}", help=why,
                   on_click=_operate, args=(kind, target))


SURGERY = {"off": ("Switch off", "Switch on", "Holds this neuron's output at 0; training goes on without it."),
           "frozen": ("Freeze", "Thaw", "Training leaves this neuron's incoming weights and bias as they are.")}


def _operate(kind: str, names: list[str]) -> None:
    if clicks.set_operated(kind, names):
        st.session_state[state.SETUP_CHANGED] = True


def incoming_table(rows: list[dict]) -> str:
    """The inspected neuron's bias and incoming weights as a Markdown table."""
    lines = ["| into this neuron | value |", "|:--|--:|"]
    lines += [f"| {r['into this neuron']} | {r['value']:.4f} |" for r in rows]
    return "\n".join(lines)


def _incoming(run: PlaygroundRun, layer: int, unit: int) -> list[dict]:
    """The inspected neuron's bias and incoming weights, as table rows."""
    with run.lock:
        d = _dense(run.model)[layer]
        bias, weights = float(d.b[unit]), d.W[:, unit].tolist()
    rows = [{"into this neuron": "bias", "value": bias}]
    rows += [{"into this neuron": f"w from {src}", "value": w} for src, w in zip(_sources(run, layer), weights)]
    return rows


def _edit_controls(run: PlaygroundRun, layer: int, unit: int, rows: list[dict], playing: bool) -> None:
    _keep_in(state.INSIDE_EDIT_TARGET, len(rows))
    target = st.selectbox("Edit", range(len(rows)), key=state.INSIDE_EDIT_TARGET,
                          format_func=lambda i: rows[i]["into this neuron"])
    current = rows[target]["value"]
    # Paused, the box starts from the value; playing, it keeps what is typed while the value moves on.
    value_key = state.inside_value_key(layer, unit, target, "playing" if playing else current)
    st.number_input("New value", value=float(current), step=0.1, format="%.4f", key=value_key)
    st.button("Apply", on_click=_apply_edit, args=(layer, unit, target - 1, value_key), type="primary",
              help="Writes the value into the model now; the boundary and the losses shown follow at once.")


def _apply_edit(layer: int, unit: int, source: int, value_key: str) -> None:
    """Set one weight (source >= 0) or the bias (source = -1) of a neuron. Setting, not adding: idempotent."""
    run, value = st.session_state.get(state.RUN), st.session_state.get(value_key)
    if run is None or value is None or not math.isfinite(value):
        return
    with run.lock:
        dense = _dense(run.model)
        if not (0 <= layer < len(dense) and 0 <= unit < dense[layer].units and -1 <= source < dense[layer].W.shape[0]):
            return
        if source < 0:
            dense[layer].b[unit] = value
        else:
            dense[layer].W[source, unit] = value
    state.LOOP.touch()


# --- Weights -------------------------------------------------------------------------------------------------
def _weights_tab(run: PlaygroundRun, frame: int, playing: bool) -> None:
    fig = _view("weights", run, frame, playing, CHARTS_EVERY, (), lambda: _weights_figure(run))
    st.caption("Left: each layer's weights (one colour scale for all layers, orange < 0 < blue). Right: how the "
               "layer's weight histogram moved, from the first snapshot (light grey) to now (bars). Redrawn once "
               f"every {_seconds(CHARTS_EVERY)} while playing.")
    st.plotly_chart(fig, key="pg_inside_weights_chart", config=CHART_CONFIG)


def _weights_figure(run: PlaygroundRun):
    """The weight matrices now, and their histograms at a few of the run's snapshots (one per grey)."""
    with run.lock:
        dense = _dense(run.model)
        weights = [d.W.copy() for d in dense]
        moments = run.snapshots.spread(len(network_charts.SNAPSHOT_GREYS))
        kernels = [snapshots.kernels(run.model, s) for s in moments]  # read-only copies: safe after the lock
    labels = [_sources(run, i, short=True) for i in range(len(dense))]
    return network_charts.weights_figure(weights, labels, [s.epoch for s in moments], kernels)


# --- Gradients & health --------------------------------------------------------------------------------------
def _health_tab(run: PlaygroundRun, frame: int, playing: bool) -> None:
    fig, rows, hints = _view("health", run, frame, playing, CHARTS_EVERY, (), lambda: _health(run))
    st.caption("Gradient flow: how strongly the loss pulls on each layer's weights. On a log scale a deep sigmoid "
               f"network shows a staircase, far smaller towards the input. Redrawn every {_seconds(CHARTS_EVERY)} "
               "while playing.")
    st.plotly_chart(fig, key="pg_inside_gradients_chart", config=CHART_CONFIG)
    if rows:
        st.dataframe(rows, hide_index=True)
        st.caption(f"Dead: a ReLU unit that outputs 0 on every training point. Saturated: a tanh unit with |a| > "
                   f"{health.TANH_LIMIT}, or a sigmoid unit with a < {health.SIGMOID_LOW} or a > "
                   f"{health.SIGMOID_HIGH}, on at least {health.SATURATED_SHARE:.0%} of the training points. "
                   "Empty cells: the measure does not apply to that activation.")
    for hint in hints:
        st.warning(hint)
    if rows and not hints:
        st.success("No layer is mostly dead or saturated, and the gradient reaches the first layer.")


def _health(run: PlaygroundRun):
    with run.lock:
        norms = run.model.gradient_norms(run.inputs_train, run.targets_train)
        outputs = health.working_units(run.model, health.dense_outputs(run.model, run.inputs_train))
        names = [d.activation.name for d in _dense(run.model)]
        history = [list(row) for row in run.history.grad_norms]
    layers = health.layer_health(names[:-1], outputs[:-1], norms)
    fig = network_charts.gradient_flow_figure(history, norms)
    widest = health.widest_input(run.inputs_train, run.config.features)
    return fig, health.health_rows(layers), health.hints(layers, norms, widest)


# --- Hidden space --------------------------------------------------------------------------------------------
def _space_tab(run: PlaygroundRun, frame: int, playing: bool) -> None:
    hidden = _dense(run.model)[:-1]
    if not hidden:
        st.info("This network has no hidden layer. Add one in the sidebar to see how a layer bends the plane.")
        return
    _keep_in(state.INSIDE_SPACE_LAYER, len(hidden))
    cols = st.columns(3)
    layer = cols[0].selectbox("Hidden layer", range(len(hidden)), key=state.INSIDE_SPACE_LAYER,
                              format_func=lambda i: f"Layer {i + 1} ({hidden[i].activation.name})")
    units = hidden[layer].units
    _keep_in(state.INSIDE_SPACE_X, units, 0)
    _keep_in(state.INSIDE_SPACE_Y, units, 1)
    nx = cols[1].selectbox("Horizontal axis: neuron", range(units), key=state.INSIDE_SPACE_X, format_func=_from_1)
    ny = cols[2].selectbox("Vertical axis: neuron", range(units), key=state.INSIDE_SPACE_Y, format_func=_from_1)
    fig = _view("space", run, frame, playing, CHARTS_EVERY, (layer, nx, ny), lambda: _space(run, layer, nx, ny))
    st.caption("Each grid line of the input plane (blue: x₁ fixed, orange: x₂ fixed, dark: the axes) and each "
               "training point, mapped through the network to these two neurons' activations. Straight lines "
               f"that bend and fold show how the layer reshapes space. Redrawn every {_seconds(CHARTS_EVERY)} while "
               "playing.")
    st.plotly_chart(fig, key="pg_inside_space_chart", config=CHART_CONFIG)


def _space(run: PlaygroundRun, layer: int, nx: int, ny: int):
    lines = health.grid_polylines()
    with run.lock:
        mapped = health.hidden_coordinates(run.model, run.config.features, layer, (nx, ny), lines)
        points = health.hidden_coordinates(run.model, run.config.features, layer, (nx, ny), run.data.X_train)
    titles = (f"layer {layer + 1}, neuron {nx + 1}", f"layer {layer + 1}, neuron {ny + 1}")
    return network_charts.hidden_space_figure(mapped, points, run.data.y_train, run.data.kind, run.data.n_classes,
                                              titles)


def _from_1(j: int) -> str:
    return str(j + 1)
