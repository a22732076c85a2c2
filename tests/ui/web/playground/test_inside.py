"""Inside the network: the diagram payload checked against nnlib computing the same thing, the page's
gradient and weight-histogram views of a run, and the panel on the Playground page through AppTest.
Health on its own: tests/ui/core/test_health.py; the Plotly builders: tests/ui/render/test_network_charts.py."""

import base64
import json
import struct
import zlib

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import APP, TIMEOUT, click
from ui.core import health, snapshots
from ui.core.config import HIDDEN_ACTIVATIONS
from ui.core.data import features
from ui.core.run import PlaygroundRun
from ui.render import charts, network_charts, network_view
from ui.web import state
from ui.web.playground import inside

ALL_FEATURES = tuple(features.FEATURES)
L = network_view.LEVELS


# --- helpers -----------------------------------------------------------------------------------------------
def decode_png(uri: str) -> np.ndarray:
    """Decode our own encoder's output (8-bit RGB, filters 0 and 2) back to (h, w, 3) uint8."""
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(raw):
        (length,), kind = struct.unpack(">I", raw[pos:pos + 4]), raw[pos + 4:pos + 8]
        body = raw[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            assert body[8:10] == b"\x08\x02", "8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + 3 * width)
    out = np.zeros((height, 3 * width), dtype=np.uint8)
    for i, row in enumerate(rows):
        assert row[0] in (0, 2)
        out[i] = row[1:] if row[0] == 0 or i == 0 else (row[1:].astype(int) + out[i - 1]) % 256
    return out.reshape(height, width, 3)


def payload_for(run: PlaygroundRun, digits: int = 2) -> dict:
    """The diagram as the page and time travel build it, with no neuron inspected."""
    return inside.network_payload(run.model, run, digits=digits)


# ====================================================================================================
# The diagram payload
# ====================================================================================================
def test_levels_are_symmetric_around_zero_and_clipped():
    t = np.array([-3.0, -1.0, -0.5, -0.01, 0.0, 0.01, 0.5, 1.0, 3.0, np.nan])
    levels = network_view.to_levels(t).astype(int)
    assert levels.tolist() == [0, 0, L // 2, L, L, L, L + L // 2, 2 * L, 2 * L, L]
    np.testing.assert_array_equal(network_view.to_levels(-t[:-1]).astype(int), 2 * L - levels[:-1])


def test_colour_table_runs_orange_neutral_blue_with_equal_steps_each_side():
    lut = network_view.diverging_lut()
    assert len(lut) == 2 * L + 1
    ends = (charts.ORANGE, charts.NEUTRAL, charts.BLUE)
    assert (lut[0], lut[L], lut[-1]) == tuple(charts.hex_colour(c) for c in ends)
    t = np.linspace(0, 1, 11)[:, None]
    orange, neutral, blue = (np.array(c, float) for c in ends)
    np.testing.assert_allclose(network_view.diverging_rgb(t[:, 0]) - neutral, t * (blue - neutral))
    np.testing.assert_allclose(network_view.diverging_rgb(-t[:, 0]) - neutral, t * (orange - neutral))


def test_hidden_scale_is_a_round_number_that_a_few_huge_neurons_do_not_set():
    assert network_view.activation_scale([np.tanh(np.linspace(-5, 5, 100))[:, None]]) == 1.0
    assert network_view.activation_scale([np.linspace(0, 7, 1000)[:, None]]) == 10.0
    peaks = np.array([[0.5, 0.8, 0.9, 100.0]])  # one neuron reaching 100 among three below 1
    assert network_view.activation_scale([peaks * np.linspace(0, 1, 50)[:, None]]) == 1.0
    assert network_view.activation_scale([peaks[:, :2], peaks[:, 2:]]) == 1.0  # across layers too
    assert network_view.activation_scale([]) == 1.0
    assert network_view.activation_scale([np.full((4, 2), np.nan)]) == network_view.SCALE_STEPS[-1]


def test_pack_and_unpack_tiles_round_trip_through_the_png():
    rng = np.random.default_rng(0)
    res, nodes = 6, 7
    levels = rng.integers(0, 2 * L + 1, size=(res * res, nodes)).astype(np.uint8)
    image = network_view.pack_tiles(levels, res)
    assert image.shape == (3 * res, res, 3)  # 7 nodes -> 3 slots of 3 channels
    decoded = decode_png(network_view.png_data_uri(image))
    np.testing.assert_array_equal(decoded, image)
    tiles = network_view.unpack_tiles(decoded, nodes)
    np.testing.assert_array_equal(tiles, levels.T.reshape(nodes, res, res))
    # node 4 sits in channel 1 of slot 1
    np.testing.assert_array_equal(image[res:2 * res, :, 1], levels[:, 4].reshape(res, res))


def test_diagram_payload_describes_the_network_and_its_heatmaps(make_run):
    run = make_run()  # 2 inputs, 4 and 2 tanh neurons, a sigmoid output
    run.train(5)
    p = payload_for(run, digits=4)
    assert [c["kind"] for c in p["columns"]] == ["input", "hidden", "hidden", "output"]
    assert [len(c["labels"]) for c in p["columns"]] == [2, 4, 2, 1]
    dense = [layer for layer in run.model.layers if layer.kind == "Dense"]
    for sent, layer in zip(p["weights"], dense):
        np.testing.assert_allclose(sent, layer.W, atol=5e-5)
    for col, layer in zip(p["columns"][1:], dense):
        np.testing.assert_allclose(col["bias"], layer.b, atol=5e-5)
    assert p["wmax"] == pytest.approx(max(np.abs(layer.W).max() for layer in dense))
    res = p["resolution"]
    assert res == 24
    tiles = network_view.unpack_tiles(decode_png(p["image"]), 9)
    points = network_view.drawing_points(res)
    # input X1 over the plane, scaled by its own range: orange on the left, blue on the right
    np.testing.assert_array_equal(tiles[0].ravel(), network_view.to_levels(points[:, 0] / np.abs(points[:, 0]).max()))
    # hidden neuron 3 of layer 1 = tanh(x W + b) on the shared scale (1 for tanh)
    a = np.tanh(features.expand(points, run.config.features) @ dense[0].W + dense[0].b)
    np.testing.assert_array_equal(tiles[2 + 2].ravel(), network_view.to_levels(a[:, 2]))
    # the output as the main view shows it: 2p - 1
    out = run.model.predict(features.expand(points, run.config.features))[:, 0]
    np.testing.assert_array_equal(tiles[8].ravel(), network_view.to_levels(2 * out - 1))
    json.dumps(p, allow_nan=False)


def test_largest_network_payload_stays_under_budget(make_run):
    run = make_run(dataset="spiral", features=ALL_FEATURES, layers=(16,) * 6, activations=("tanh",) * 6)
    run.train(20)
    p = payload_for(run, digits=2)  # what is sent while playing
    size = len(json.dumps(p, allow_nan=False))
    assert p["resolution"] == 16 and len(p["columns"]) == 8
    assert size < 40_000, f"payload {size} bytes"
    assert len(p["image"]) < 26_000


def test_multiclass_outputs_use_class_probabilities(make_run):
    run = make_run(dataset="blobs", classes=4, layers=(5,), activations=("relu",))
    p = payload_for(run)
    tiles = network_view.unpack_tiles(decode_png(p["image"]), 2 + 5 + 4)
    outputs = tiles[-4:].astype(int)
    assert outputs.min() >= L and outputs.max() <= 2 * L  # p in [0, 1] -> the upper half
    assert len(p["class_colours"]) == 4 and p["output_kind"] == "multiclass"


def test_a_diverged_network_still_gives_valid_json(make_run):
    run = make_run(layers=(3,), activations=("relu",))
    weights = run.model.get_weights()
    weights[0][0, 0], weights[1][1] = np.nan, np.inf
    run.model.set_weights(weights)
    payload = payload_for(run)
    json.dumps(payload, allow_nan=False)
    assert payload["weights"][0][0][0] is None  # "no value", not the 0 it used to read
    assert payload["columns"][2]["bias"][0] is not None  # the output's bias is still a number


def test_inspected_view_shows_a_hidden_neuron_on_its_own_range_and_an_output_as_the_diagram(make_run):
    run = make_run(layers=(3,), activations=("relu",))
    x = features.expand(network_view.drawing_points(8), run.config.features)
    acts = health.dense_outputs(run.model, x)
    a = acts[0][:, 2]
    view = network_view.inspected_view(x, acts, "binary", 2, 1, 2, "Layer 1, neuron 3")
    expected = network_view.diverging_rgb(np.round(a / np.abs(a).max() * 128) / 128).round().reshape(8, 8, 3)
    np.testing.assert_array_equal(decode_png(view["image"]), expected)
    assert view["max"] == pytest.approx(a.max(), abs=1e-4) and "own range" in view["note"]
    out = network_view.inspected_view(x, acts, "binary", 2, 2, 0, "Output")
    p = acts[1][:, 0]
    expected = network_view.diverging_rgb(np.round((2 * p - 1) * 128) / 128).round().reshape(8, 8, 3)
    np.testing.assert_array_equal(decode_png(out["image"]), expected)


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
def open_panel(query: dict, tab: str = "Network") -> AppTest:
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


def diagram(at: AppTest, key: str = state.INSIDE_NETWORK) -> dict:
    element = next(e for e in at.get("bidi_component") if e.key == key)
    return json.loads(element.proto.bytes)  # the view's data is JSON in bytes (ui/web/canvas.py)


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
    p = diagram(at)
    assert len(p["columns"]) == n_dense + 1 and p["large"]["title"].startswith("Layer 1" if n_dense > 1 else "Output")
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


def test_diagram_redraws_every_other_tick_while_playing_and_on_every_rerun_when_paused():
    at = open_panel({})
    click(at, "Play")
    sent = {}
    for _ in range(7):
        sent[at.session_state[state.LIVE_FRAME]] = diagram(at)
        at.run()
    full = sorted(frame for frame, p in sent.items() if p != inside.KEEP)
    assert full and all(frame % inside.DIAGRAM_EVERY == 0 for frame in full)  # recomputed every 2nd tick only
    assert all(sent[frame]["frame"] == frame for frame in full)  # ... with what that frame saw
    assert len(sent) - len(full) >= 3  # in between (3 of any 7 ticks at least), the constant "keep" payload
    click(at, "Pause")
    before = diagram(at)["frame"]
    at.run()
    assert diagram(at)["frame"] == at.session_state[state.LIVE_FRAME] > before


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
    assert diagram(at)["selected"] == [2, 1]
    box = next(n for n in at.number_input if n.label == "New value")
    box.set_value(1.25)
    click(at, "Apply")
    run = at.session_state[state.RUN]
    dense = [layer for layer in run.model.layers if layer.kind == "Dense"]
    assert dense[1].W[2, 1] == 1.25
    assert diagram(at)["weights"][1][2][1] == 1.25
    assert "| w from layer 1, neuron 3 | 1.2500 |" in incoming_markdown(at)
    at.session_state[state.INSIDE_EDIT_TARGET] = 0
    at.run()
    next(n for n in at.number_input if n.label == "New value").set_value(-0.5)
    click(at, "Apply")
    assert dense[1].b[1] == -0.5 and diagram(at)["columns"][2]["bias"][1] == -0.5
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
    at.session_state[state.TIME_TRAVEL_DIAGRAM] = True
    at.run()
    at.slider(key=state.TIME_TRAVEL_EPOCH).set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    run = at.session_state[state.RUN]
    then, now = diagram(at, "tt_network"), diagram(at)
    for sent, w in zip(then["weights"], snapshots.kernels(run.model, run.snapshots.at(2))):
        np.testing.assert_allclose(sent, w, atol=5e-5)  # epoch 2's weights, to 4 decimals
    assert then["selected"] is None and then["large"] is None  # nothing inspected there
    assert now["selected"] == [1, 0] and then["image"] != now["image"]  # the live diagram shows epoch 4
