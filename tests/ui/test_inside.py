"""Inside the network: the pure builders (diagram payload, health, Plotly figures) checked against nnlib
computing the same thing, and the panel on the Playground page through AppTest."""

import base64
import json
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

import nnlib
from nnlib import features
from ui.core import health
from ui.core.config import DEFAULT, HIDDEN_ACTIVATIONS
from ui.core.run import PlaygroundRun, make_data
from ui.render import charts, network_charts, network_view
from ui.web import state
from ui.web.playground import inside, live

APP = str(Path(__file__).resolve().parents[2] / "app.py")
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


def make_run(**changes) -> PlaygroundRun:
    config = replace(DEFAULT, **changes)
    return PlaygroundRun(config, make_data(config))


def payload_for(run: PlaygroundRun, digits: int = 2) -> dict:
    dense = [layer for layer in run.model.layers if layer.kind == "Dense"]
    res = network_view.resolution_for(len(run.config.features) + sum(d.units for d in dense))
    grid_inputs = features.expand(network_view.drawing_points(res), run.config.features)
    return network_view.diagram_payload(
        feature_names=run.config.features, weights=[d.W for d in dense], biases=[d.b for d in dense],
        activation_names=[d.activation.name for d in dense], grid_inputs=grid_inputs,
        activations=health.dense_outputs(run.model, grid_inputs), kind=run.data.kind, n_classes=run.data.n_classes,
        digits=digits)


def valid(fig) -> go.Figure:
    """Plotly's full validation of a figure built without it."""
    return go.Figure(fig.to_dict())


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


def test_diagram_payload_describes_the_network_and_its_heatmaps():
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


def test_largest_network_payload_stays_under_budget():
    run = make_run(dataset="spiral", features=ALL_FEATURES, layers=(16,) * 6, activations=("tanh",) * 6)
    run.train(20)
    p = payload_for(run, digits=2)  # what is sent while playing
    size = len(json.dumps(p, allow_nan=False))
    assert p["resolution"] == 16 and len(p["columns"]) == 8
    assert size < 40_000, f"payload {size} bytes"
    assert len(p["image"]) < 26_000


def test_multiclass_outputs_use_class_probabilities():
    run = make_run(dataset="blobs", classes=4, layers=(5,), activations=("relu",))
    p = payload_for(run)
    tiles = network_view.unpack_tiles(decode_png(p["image"]), 2 + 5 + 4)
    outputs = tiles[-4:].astype(int)
    assert outputs.min() >= L and outputs.max() <= 2 * L  # p in [0, 1] -> the upper half
    assert len(p["class_colours"]) == 4 and p["output_kind"] == "multiclass"


def test_a_diverged_network_still_gives_valid_json():
    run = make_run(layers=(3,), activations=("relu",))
    weights = run.model.get_weights()
    weights[0][0, 0], weights[1][1] = np.nan, np.inf
    run.model.set_weights(weights)
    json.dumps(payload_for(run), allow_nan=False)


def test_inspected_view_shows_a_hidden_neuron_on_its_own_range_and_an_output_as_the_diagram():
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
# Health: dead and saturated units on hand-set weights, gradients against nnlib
# ====================================================================================================
def layer_model(activation: str, W, b) -> nnlib.Sequential:
    W = np.asarray(W, float)
    model = nnlib.Sequential([nnlib.Dense(W.shape[1], activation, input_shape=(W.shape[0],)),
                              nnlib.Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    weights = model.get_weights()
    weights[0], weights[1] = W, np.asarray(b, float)
    model.set_weights(weights)
    return model


def test_dead_relu_units_are_the_ones_never_active_on_the_data():
    x = np.random.default_rng(1).uniform(0.1, 2.0, size=(50, 2))  # positive inputs only
    # unit 1: negative weights -> z < 0 everywhere (dead); unit 2: alive; unit 3: negative bias too large (dead);
    # unit 4: active on a few points only (alive)
    W = [[-1.0, 1.0, 0.5, 1.0], [-1.0, 1.0, 0.5, 0.0]]
    b = [0.0, 0.0, -10.0, -1.8]
    model = layer_model("relu", W, b)
    a = health.dense_outputs(model, x)[0]
    assert health.dead_units(a).tolist() == [True, False, True, False]
    (h,) = health.layer_health(["relu"], [a], [0.5, 0.5])
    assert (h.dead, h.dead_fraction, h.saturated) == (2, 0.5, None)
    assert any("2 of 4 ReLU units are dead" in hint for hint in health.hints([h], [0.5, 0.5]))
    assert health.health_rows([h])[0]["dead ReLU units"] == "2 of 4 (50%)"


def test_saturated_units_need_the_flat_tail_on_most_points():
    x = np.concatenate([np.full((9, 1), 3.0), np.full((1, 1), 0.01)])  # 90% far from 0, 10% near 0
    x8 = np.concatenate([np.full((8, 1), 3.0), np.full((2, 1), 0.01)])  # 80% far from 0
    W, b = [[10.0, 0.1]], [0.0, 0.0]  # unit 1 steep, unit 2 gentle
    for activation in ("tanh", "sigmoid"):
        model = layer_model(activation, W, b)
        assert health.saturated_units(activation, health.dense_outputs(model, x)[0]).tolist() == [True, False]
        assert health.saturated_units(activation, health.dense_outputs(model, x8)[0]).tolist() == [False, False]
    assert health.saturated_units("relu", np.ones((3, 2))) is None
    a = np.array([[0.02, 0.5], [0.98, 0.5], [0.5, 0.99]])
    assert health.in_flat_tail("sigmoid", a).tolist() == [[True, False], [True, False], [False, True]]


def test_gradient_norms_shown_equal_nnlib_loss_and_gradients():
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


def test_hints_name_vanishing_and_exploding_gradients_only_when_they_happen():
    assert any("Vanishing" in h for h in health.hints([], [1e-4, 1e-3, 1e-2]))
    assert any("Exploding" in h for h in health.hints([], [1e2, 1.0, 1.0]))
    assert health.hints([], [0.5, 1.0, 0.8]) == []
    assert health.hints([], [1.0]) == []  # no hidden layer: nothing to compare
    assert health.hints([], [np.nan, 1.0]) == []


def test_weight_snapshots_stay_few_and_spread_over_the_run():
    store = health.WeightSnapshots(capacity=6)
    for epoch in range(0, 200):
        if store.due(epoch):
            store.add(epoch, [np.full((2, 2), epoch)])
    assert len(store.epochs) <= 6 and store.epochs[0] == 0 and store.epochs[-1] >= 150
    assert store.epochs == sorted(store.epochs) and store.spacing > 1
    picks = store.pick(4)
    assert len(picks) == 4 and picks[0] == 0 and picks[-1] == len(store.epochs) - 1
    assert store.weights[picks[-1]][0][0, 0] == store.epochs[-1]


def test_hidden_coordinates_are_the_layer_outputs_of_the_mapped_points():
    run = make_run(layers=(4, 3), activations=("tanh", "relu"))
    lines = health.grid_polylines(5, 9)
    assert lines.shape == (10, 9, 2)
    assert np.all(lines[:5, :, 0] == lines[:5, :1, 0]) and np.all(lines[5:, :, 1] == lines[5:, :1, 1])
    mapped = health.hidden_coordinates(run.model, run.config.features, 1, (2, 0), lines)
    assert mapped.shape == (10, 9, 2)
    a = run.model.layer_outputs(features.expand(lines.reshape(-1, 2), run.config.features))[1]["a"]
    np.testing.assert_allclose(mapped.reshape(-1, 2), a[:, [2, 0]])


def test_chunked_forward_equals_one_pass():
    run = make_run(layers=(6, 5), activations=("elu", "swish"))
    x = features.expand(network_view.drawing_points(40), run.config.features)  # 1600 rows, several chunks
    for chunked, whole in zip(health.dense_outputs(run.model, x, chunk=512),
                              [o["a"] for o in run.model.layer_outputs(x) if o["kind"] == "Dense"]):
        np.testing.assert_allclose(chunked, whole)


# ====================================================================================================
# Plotly figures
# ====================================================================================================
def test_weights_figure_is_valid_with_one_symmetric_scale_and_labelled_shapes():
    run = make_run(layers=(4, 3), activations=("tanh", "tanh"))
    weights = [w for w in run.model.get_weights() if w.ndim == 2]
    snaps = [[w * 0.5 for w in weights], weights]
    fig = valid(network_charts.weights_figure(weights, [["X₁", "X₂"], list("abcd"), list("xyz")], [0, 10], snaps))
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    limit = max(np.abs(w).max() for w in weights)
    assert len(heatmaps) == 3 and sum(bool(h.showscale) for h in heatmaps) == 1
    for h, w in zip(heatmaps, weights):
        assert h.zmin == pytest.approx(-limit) and h.zmax == pytest.approx(limit)
        assert np.array(h.z).shape == w.shape
    notes = [a.text for a in fig.layout.annotations]
    assert any("W is 2×4" in n for n in notes) and any("Output" in n and "W is 3×1" in n for n in notes)
    names = {t.name for t in fig.data if t.type == "scatter"}
    assert names == {"epoch 0", "epoch 10"}
    bars = [t for t in fig.data if t.type == "bar"]
    assert [sum(b.y) for b in bars] == [w.size for w in weights]  # every weight counted once


def test_gradient_flow_figure_is_valid_and_log_scaled():
    history = [[1e-4, 1e-2, 0.1], [2e-4, 0.0, 0.2], [np.nan, 1e-2, 0.3]]
    fig = valid(network_charts.gradient_flow_figure(history, [1e-4, 1e-2, 0.1]))
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    lines = [t for t in fig.data if t.type == "scatter"]
    assert [t.name for t in lines] == ["Layer 1", "Layer 2", "Output"]
    assert list(lines[0].y) == [1e-4, 2e-4, None] and list(lines[1].y) == [1e-2, None, 1e-2]


def test_hidden_space_figure_is_valid_for_each_kind():
    lines = np.random.default_rng(0).normal(size=(6, 5, 2))
    points = np.random.default_rng(1).normal(size=(10, 2))
    for kind, y, n in (("binary", np.arange(10) % 2, 2), ("multiclass", np.arange(10) % 3, 3),
                       ("regression", np.linspace(-1, 1, 10), 1)):
        fig = valid(network_charts.hidden_space_figure(lines, points, y, kind, n, ("a", "b")))
        assert fig.layout.xaxis.title.text == "a"
        assert sum(len([v for v in t.x if v is not None]) for t in fig.data if t.mode == "lines") == 6 * 5 + 2 * 5


# ====================================================================================================
# The panel on the Playground page (AppTest)
# ====================================================================================================
def open_panel(query: dict, tab: str = "Network") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.session_state[inside.OPEN] = True
    at.session_state[inside.TAB] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def show_tab(at: AppTest, tab: str) -> AppTest:
    at.session_state[inside.TAB] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def diagram(at: AppTest) -> dict:
    element = next(e for e in at.get("bidi_component") if e.key == inside.NETWORK)
    return json.loads(element.proto.bytes)  # the view's data is JSON in bytes (ui/web/canvas.py)


def chart(at: AppTest, key: str) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if key in c.proto.id)


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


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
        sent[at.session_state[live.FRAME]] = diagram(at)
        at.run()
    full = sorted(frame for frame, p in sent.items() if p != inside.KEEP)
    assert full and all(frame % inside.DIAGRAM_EVERY == 0 for frame in full)  # recomputed every 2nd tick only
    assert all(sent[frame]["frame"] == frame for frame in full)  # ... with what that frame saw
    assert len(sent) - len(full) >= 3  # in between (3 of any 7 ticks at least), the constant "keep" payload
    click(at, "Pause")
    before = diagram(at)["frame"]
    at.run()
    assert diagram(at)["frame"] == at.session_state[live.FRAME] > before


def incoming_markdown(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("| into this neuron |"))


def test_a_click_on_a_neuron_selects_it_and_anything_else_is_ignored():
    assert inside.selection_from_pick([2, 1]) == (1, 1)  # column 2 = Dense layer 2
    for bad in (None, [0, 1], [1], ["1", 0], [1.5, 0], "x", [-1, 0]):
        assert inside.selection_from_pick(bad) is None


def test_picking_and_editing_a_weight_updates_the_model_and_the_views():
    at = open_panel({"layers": "4,2"})
    at.session_state[inside.NEURON] = inside.selection_from_pick([2, 1])  # as a click on layer 2, neuron 2
    at.run()
    at.session_state[inside.EDIT_TARGET] = 3  # the weight from layer 1, neuron 3 (an option only now)
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
    at.session_state[inside.EDIT_TARGET] = 0
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
