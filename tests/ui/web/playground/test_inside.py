"""Inside the network: the page's gradient and weight-histogram views of a run, the inspected neuron, and the
panel on the Playground page through AppTest. The diagram itself is the live view's (tests/ui/web/playground/
test_live.py, tests/e2e/test_diagram_in_browser.py); health on its own: tests/ui/core/test_health.py; the
Plotly builders: tests/ui/render/test_network_charts.py."""

import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import APP, TIMEOUT, click
from ui.core import health, snapshots
from ui.core.config import HIDDEN_ACTIVATIONS
from ui.render import network_charts
from ui.web import state
from ui.web.playground import inside


# ====================================================================================================
# The page's views of the run: gradient norms and weight histograms
# ====================================================================================================
def test_gradient_norms_shown_equal_nnlib_loss_and_gradients(make_run):
    run = make_run(layers=(5, 3), activations=("sigmoid", "relu"))
    run.train(3)
    fig, rows, _ = inside._health(run)
    _, grads = run.model.loss_and_gradients(run.inputs_train, run.targets_train)
    expected = [np.linalg.norm(g) for g in grads if g.ndim == 2]
    bars = next(t for t in fig.to_dict()["data"] if t["type"] == "bar")
    np.testing.assert_allclose(bars["y"], expected, rtol=1e-3)
    assert [r["‖dLoss/dW‖ now"] for r in rows] == [f"{v:.3g}" for v in expected[:-1]]
    lines = [t for t in fig.to_dict()["data"] if t["type"] == "scatter"]
    np.testing.assert_allclose([t["y"][-1] for t in lines], run.history.grad_norms[-1], rtol=1e-3)


def test_weight_histograms_read_the_runs_snapshots_however_often_the_panel_drew(make_run):
    """They come from the run's one snapshot store, filled by training itself: a run trained while the
    panel never drew still shows its first and latest epochs and two between."""
    run = make_run(layers=(4,), activations=("tanh",))
    run.train(30)
    fig = go.Figure(inside._weights_figure(run).to_dict())  # validated by Plotly
    assert sorted({t.name for t in fig.data if t.type == "scatter"}) == ["epoch 0", "epoch 10", "epoch 20", "epoch 30"]
    now = [layer.W for layer in run.model.layers if layer.kind == "Dense"]
    for i, w in enumerate(now):
        outlines = [t for t in fig.data if t.type == "scatter" and t.xaxis == f"x{2 * i + 2}"]
        samples = [snapshots.kernels(run.model, run.snapshots.at(e))[i] for e in (0, 10, 20, 30)]
        counts, _ = health.histograms([*samples, w])
        assert [list(t.y) for t in outlines] == counts[:-1].tolist()  # each outline: that epoch's W


# ====================================================================================================
# The panel on the Playground page (AppTest)
# ====================================================================================================
def open_panel(query: dict, tab: str = "Neuron") -> AppTest:
    """The Playground with this URL query, the panel open on ``tab``, after its first run."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.session_state[state.INSIDE_OPEN] = True
    return show_tab(at, tab)


def show_tab(at: AppTest, tab: str) -> AppTest:
    at.session_state[state.INSIDE_TAB] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def view(at: AppTest, key: str = state.LIVE_VIEW) -> dict:
    element = next(e for e in at.get("bidi_component") if e.key == key)
    return json.loads(element.proto.bytes)  # the view's data is JSON in bytes (ui/web/canvas.py)


def kernels_sent(payload: dict) -> list[np.ndarray]:
    """The Dense kernels of the payload's last frame, decoded as the view decodes them."""
    params = np.frombuffer(base64.b64decode(payload["frames"][-1]["params"]), dtype="<f8")
    net, fan_in, offset, out = payload["net"], len(payload["net"]["features"]), 0, []
    for layer in net["layers"]:
        out.append(params[offset:offset + fan_in * layer["units"]].reshape(fan_in, layer["units"]))
        offset += fan_in * layer["units"] + layer["units"]
        fan_in = layer["units"]
    return out


def chart(at: AppTest, key: str) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if key in c.proto.id)


ACTIVATIONS = [a for a in HIDDEN_ACTIVATIONS]
ARCHITECTURES = {
    "no hidden layer": {"layers": "none"},
    "one hidden layer, multi-class": {"layers": "3", "activations": "relu", "dataset": "blobs"},
    f"six layers: {', '.join(ACTIVATIONS[:6])}": {"layers": "6,5,4,4,3,2", "activations": ",".join(ACTIVATIONS[:6])},
    f"layers of {', '.join(ACTIVATIONS[6:])}, regression": {
        "layers": ",".join("3" * len(ACTIVATIONS[6:])), "activations": ",".join(ACTIVATIONS[6:]), "dataset": "sine"},
}


def test_every_hidden_activation_is_covered_below():
    assert set(ACTIVATIONS) == {a for q in ARCHITECTURES.values() for a in q.get("activations", "").split(",") if a}


@pytest.mark.parametrize("query", ARCHITECTURES.values(), ids=ARCHITECTURES.keys())
def test_every_tab_renders_for_the_architecture(query):
    at = open_panel(query)
    run = at.session_state[state.RUN]
    n_dense = len(run.config.layers) + 1
    columns = view(at)["net"]["diagram"]["columns"]
    assert len(columns) == n_dense + 1 and [len(c["labels"]) for c in columns[1:-1]] == list(run.config.layers)
    assert "| into this neuron | value |" in incoming_markdown(at)
    click(at, "Step")
    show_tab(at, "Weights")
    assert len([t for t in chart(at, "weights")["data"] if t["type"] == "heatmap"]) == n_dense
    show_tab(at, "Gradients & health")
    assert len(chart(at, "gradients")["data"][0]["y"]) == n_dense
    show_tab(at, "Hidden space")
    if n_dense == 1:
        assert "no hidden layer" in at.info[0].value
    else:
        assert chart(at, "space")["layout"]["xaxis"]["title"]["text"] == "layer 1, neuron 1"


def first_layer_norm_after_steps(activation: str, steps: int = 3) -> tuple[float, AppTest]:
    at = open_panel({"layers": "8,8,8,8,8,8", "activations": ",".join([activation] * 6)}, tab="Gradients & health")
    for _ in range(steps):
        click(at, "Step")
    bars = chart(at, "gradients")["data"][0]["y"]
    return bars[0] / bars[-1], at


def test_deep_sigmoid_network_shows_vanishing_gradients_and_relu_does_not():
    sigmoid, at_sigmoid = first_layer_norm_after_steps("sigmoid")
    relu, at_relu = first_layer_norm_after_steps("relu")
    assert sigmoid < health.VANISHING_RATIO < relu
    assert sigmoid < relu / 10
    assert any("Vanishing" in w.value for w in at_sigmoid.warning)
    assert not any("Vanishing" in w.value for w in at_relu.warning)
    # the history behind the "over epochs" lines says the same
    first, last = np.array(at_sigmoid.session_state[state.RUN].history.grad_norms)[:, [0, -1]].T
    assert np.all(first < last / 10)


def test_the_neuron_table_redraws_every_other_tick_while_playing_and_on_every_rerun_when_paused():
    at = open_panel({"layers": "3"})
    click(at, "Play")
    seen = []
    for _ in range(6):
        seen.append((at.session_state[state.LIVE_FRAME], incoming_markdown(at)))
        at.run()
    changed = [frame for (frame, table), (_, before) in zip(seen[1:], seen) if table != before]
    assert changed and all(frame % inside.TABLE_EVERY == 0 for frame in changed)
    click(at, "Pause")
    run = at.session_state[state.RUN]
    bias = float([layer for layer in run.model.layers if layer.kind == "Dense"][0].b[0])
    assert f"| bias | {bias:.4f} |" in incoming_markdown(at)  # paused: the weights of now


def incoming_markdown(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("| into this neuron |"))


def test_a_click_on_a_neuron_selects_it_and_anything_else_is_ignored():
    assert inside.selection_from_pick([2, 1]) == (1, 1)  # column 2 = Dense layer 2
    for bad in (None, [0, 1], [1], ["1", 0], [1.5, 0], "x", [-1, 0]):
        assert inside.selection_from_pick(bad) is None


def test_picking_and_editing_a_weight_updates_the_model_and_the_views():
    at = open_panel({"layers": "4,2"})
    at.session_state[state.INSIDE_NEURON] = inside.selection_from_pick([2, 1])  # as a click on layer 2, neuron 2
    at.run()
    at.session_state[state.INSIDE_EDIT_TARGET] = 3  # the weight from layer 1, neuron 3 (an option only now)
    at.run()
    assert view(at)["net"]["diagram"]["selected"] == [2, 1]
    box = next(n for n in at.number_input if n.label == "New value")
    box.set_value(1.25)
    click(at, "Apply")
    run = at.session_state[state.RUN]
    dense = [layer for layer in run.model.layers if layer.kind == "Dense"]
    assert dense[1].W[2, 1] == 1.25
    assert kernels_sent(view(at))[1][2, 1] == 1.25  # the live view draws the edited weight at once
    assert "| w from layer 1, neuron 3 | 1.2500 |" in incoming_markdown(at)
    at.session_state[state.INSIDE_EDIT_TARGET] = 0
    at.run()
    next(n for n in at.number_input if n.label == "New value").set_value(-0.5)
    click(at, "Apply")
    assert dense[1].b[1] == -0.5
    assert "| bias | -0.5000 |" in incoming_markdown(at)


def test_a_run_whose_gradients_are_all_zero_shows_zeros_and_says_nothing_learns():
    """Issue 14: spiral, SGD, learning rate 10 (ReLU), three Steps: every gradient is 0 and both log charts
    were blank, the epoch axis running from -1."""
    query = {"dataset": "spiral", "optimizer": "sgd", "learning_rate": "10", "activations": "relu,relu"}
    at = open_panel(query, tab="Gradients & health")
    before = chart(at, "gradients")["layout"]
    assert before["xaxis2"]["range"][0] == 0  # epoch 0: the axis starts at 0
    for _ in range(3):
        click(at, "Step")
    fig = chart(at, "gradients")
    assert fig["data"][0]["y"] == [0, 0, 0]  # three bars at 0, not three gaps
    assert fig["layout"]["yaxis"]["type"] == "linear" and fig["layout"]["xaxis2"]["range"] == [0, 3]
    assert network_charts.ALL_ZERO_NOTE in [a["text"] for a in fig["layout"]["annotations"]]
    assert any("Every weight gradient is 0" in w.value for w in at.warning)
    assert not at.success  # "the gradient reaches the first layer" would be false


def histogram_epochs(at: AppTest) -> list[int]:
    """The epochs whose weight histograms the Weights tab draws (as outlines beside the bars for now)."""
    names = {t["name"] for t in chart(at, "weights")["data"] if t["name"].startswith("epoch ")}
    return sorted(int(name.split()[1]) for name in names)


def test_resume_from_here_drops_the_discarded_epochs_from_the_weight_histograms():
    at = open_panel({"samples": "100"}, tab="Weights")
    for _ in range(6):
        click(at, "Step")
    assert histogram_epochs(at) == [0, 2, 4, 6]
    at.session_state[state.TIME_TRAVEL_OPEN] = True
    at.run()
    at.slider(key=state.TIME_TRAVEL_EPOCH).set_value(3).run()
    click(at, "Resume from here")
    assert at.session_state[state.RUN].epoch == 3
    assert histogram_epochs(at) == [0, 1, 2, 3]  # no histogram of an epoch after the one resumed from
    click(at, "Step")
    assert histogram_epochs(at) == [0, 1, 3, 4]


def test_time_travel_draws_the_network_as_it_was_at_the_chosen_epoch():
    at = open_panel({"samples": "100", "layers": "3"})
    for _ in range(4):
        click(at, "Step")
    at.session_state[state.TIME_TRAVEL_OPEN] = True
    at.run()
    at.slider(key=state.TIME_TRAVEL_EPOCH).set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    run = at.session_state[state.RUN]
    then, now = view(at, "tt_live_view"), view(at)
    for sent, w in zip(kernels_sent(then), snapshots.kernels(run.model, run.snapshots.at(2))):
        np.testing.assert_array_equal(sent, w)  # epoch 2's weights, exactly
    assert then["frames"][-1]["epoch"] == 2 and now["frames"][-1]["epoch"] == 4
    shown = dict(then["frames"][-1]["shown"])
    assert shown["Train loss"] == f"{run.history.loss[1]:.4f}"  # the bar: epoch 2's scores, not today's
