"""The network in the live view, in real Chromium: every node's heatmap is what nnlib computes, coloured by the
rules of ui/render/network_view.py; the whole view fits the first screen on a laptop and a desktop, and a
phone's width; while playing the neurons and the boundary change together, Pause stops all of it, and a
neuron's tile is nnlib's output for the epoch in the bar; + / − and a click on an input change the network."""

import base64
import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import LIVE_ROOT, epoch_on_screen, mount, wait_for_app, wait_for_epoch
from playwright.sync_api import expect

import nnlib
from ui.core import health
from ui.core.config import DEFAULT
from ui.core.data import features
from ui.core.run import History, PlaygroundRun, grid_points, make_data
from ui.render import charts, network_view

CASES = {  # name: (features, [(units, activation), ...], kind, classes)
    "binary, three features": (("x1", "x2", "x1sq"), [(5, "relu"), (4, "tanh"), (1, "sigmoid")], "binary", 2),
    "4 classes": (("x1", "x2"), [(3, "elu")] * 2 + [(4, "softmax")], "multiclass", 4),
    "regression, big network": (("x1", "x2", "sinx1"), [(16, "tanh")] * 5 + [(1, "linear")], "regression",
                                1),
    "no hidden layer": (("x1sq", "x2sq"), [(1, "sigmoid")], "binary", 2),
}
TILES = """(root) => { const s = root.state, out = {};
  for (const [key, tile] of Object.entries(s.tiles)) out[key] = Array.from(tile.getContext('2d')
    .getImageData(0, 0, tile.width, tile.height).data);
  return {tiles: out, scale: s.values.scale, res: s.values.res, epoch: s.epoch,
          layers: s.values.layers.map((a) => Array.from(a, (v) => (Number.isFinite(v) ? v : null))),
          params: btoa(String.fromCharCode(...new Uint8Array(s.params.buffer)))}; }"""


def model_for(feature_names, layers, seed: int = 4):
    model = nnlib.Sequential([nnlib.Dense(units, activation=act) for units, act in layers], seed=seed)
    model.build((None, len(feature_names)))
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.standard_normal(w.shape) for w in model.get_weights()])
    return model


def view_payload(model, feature_names, kind, n_classes) -> dict:
    data = make_data(DEFAULT)
    dense = [layer for layer in model.layers if layer.kind == "Dense"]
    net = charts.plane_net(model, feature_names, kind, n_classes, 40)
    net["diagram"] = network_view.diagram(feature_names, [d.units for d in dense],
                                          [d.activation.name for d in dense], kind)
    return charts.live_view_payload(frames=[charts.frame(7, model, [("Epoch", "7")])], net=net, data=data,
                                    history=History(), score_label="accuracy")


def expected_tiles(model, feature_names, kind, n_classes, res) -> dict[str, np.ndarray]:
    """Every node's tile as nnlib and network_view.tile_rgb make it: "column,row" -> (res², 3) uint8."""
    points = grid_points(res)
    every = features.expand(points, list(features.FEATURES))
    outputs = health.dense_outputs(model, features.expand(points, feature_names))
    scale = network_view.activation_scale(outputs[:-1])
    tiles = {f"0,{r}": network_view.tile_rgb(every[:, r], "input", kind, scale, r, n_classes)
             for r in range(every.shape[1])}
    for layer, out in enumerate(outputs, 1):
        column = "output" if layer == len(outputs) else "hidden"
        for unit in range(out.shape[1]):
            tiles[f"{layer},{unit}"] = network_view.tile_rgb(out[:, unit], column, kind, scale, unit, n_classes)
    return {key: rgb.round().astype(np.uint8) for key, rgb in tiles.items()}, scale


def rgb_of(rgba: list[int]) -> np.ndarray:
    return np.array(rgba, dtype=np.uint8).reshape(-1, 4)[:, :3]


def assert_same_picture(seen: list[int], expected: np.ndarray, node: str) -> None:
    """The tile's colours are the rule's, to the unit: the browser's sums differ from NumPy's in the last bit
    (1e-16), which can tip a channel that lands on .5 to the next integer, and nothing more."""
    diff = np.abs(rgb_of(seen).astype(int) - expected.astype(int))
    assert diff.max() <= 1 and (diff > 0).mean() < 0.005, f"node {node}: {diff.max()}, {(diff > 0).sum()} channels"


def assert_same_values(seen: list[list], outputs: list[np.ndarray]) -> None:
    for layer, (js, py) in enumerate(zip(seen, outputs), 1):
        np.testing.assert_allclose(np.array(js, dtype=float).reshape(py.shape), py, rtol=1e-12, atol=1e-12,
                                   err_msg=f"layer {layer}")


@pytest.fixture
def blank(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_content("<html><body style='margin:0'></body></html>")
    yield page
    context.close()


@pytest.mark.parametrize("name", CASES)
def test_every_node_heatmap_equals_nnlib_pixel_by_pixel(blank, name):
    feature_names, layers, kind, n_classes = CASES[name]
    model = model_for(feature_names, layers)
    mount(blank, "liveview", view_payload(model, feature_names, kind, n_classes), "nnpg-live")
    seen = blank.evaluate(f"() => ({TILES})(document.querySelector('.nnpg-live'))")
    expected, scale = expected_tiles(model, feature_names, kind, n_classes, seen["res"])
    assert seen["scale"] == scale
    assert sorted(seen["tiles"]) == sorted(expected)  # a tile for every feature, neuron and output
    assert_same_values(seen["layers"], health.dense_outputs(model, features.expand(grid_points(seen["res"]),
                                                                                  feature_names)))
    for key, rgb in expected.items():
        assert_same_picture(seen["tiles"][key], rgb, key)
    assert len(np.unique(rgb_of(seen["tiles"]["1,0"]), axis=0)) > 5  # a picture, not one flat colour


# --- in the app ----------------------------------------------------------------------------------------------
def live_root(page, script: str):
    return page.evaluate(f"() => ({script})(({LIVE_ROOT})())")


def open_playground(browser, app_url, width, height, touch=False, query=""):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app_url}/{query}")
    wait_for_app(page)
    page.locator(".nnpg-live .bar [data-label=Epoch]").wait_for()
    page.wait_for_timeout(500)
    return context, page


PARTS = (".bar", "canvas.diagram", "canvas.plane", "canvas.curves")


@pytest.mark.parametrize("width, height", [(1280, 720), (1400, 1000)])
def test_the_whole_view_is_in_the_first_screen(browser, app_url, width, height):
    context, page = open_playground(browser, app_url, width, height)
    try:
        for part in PARTS:
            box = page.locator(f".nnpg-live {part}").first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (part, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, (part, box)
        assert page.evaluate("window.scrollY") == 0
        assert page.get_by_role("button", name="Play", exact=True).bounding_box()["y"] < height
    finally:
        context.close()


def test_on_a_phone_the_plane_comes_first_then_the_network_and_a_tap_shows_a_neurons_values(browser, app_url):
    context, page = open_playground(browser, app_url, 390, 844, touch=True)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        plane, diagram = (page.locator(f".nnpg-live canvas.{c}").bounding_box() for c in ("plane", "diagram"))
        assert plane["y"] < 844 and plane["y"] + plane["height"] <= diagram["y"]
        assert_apart([b.bounding_box() for b in page.locator(".nnpg-live button[data-act]").all()])
        x, y = live_root(page, "(root) => { const n = root.state.layout.byColumn[1][0]; return [n.x, n.y]; }")
        page.locator(".nnpg-live canvas.diagram").tap(position={"x": x, "y": y})
        expect(page.locator(".nnpg-live .ntip")).to_contain_text("layer 1, neuron 1")
    finally:
        context.close()


def assert_apart(boxes: list[dict]) -> None:
    """No two of the diagram's buttons overlap: each can be tapped on its own."""
    assert len(boxes) >= 6  # layers - and +, the matrices switch, - and + for each of the two hidden layers
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                     a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
            assert apart, f"overlapping buttons: {a} and {b}"


def default_run_at(epoch: int) -> PlaygroundRun:
    run = PlaygroundRun(DEFAULT, make_data(DEFAULT))
    while run.epoch < epoch:
        run.train(epoch - run.epoch)
    return run


def test_playing_moves_neurons_and_boundary_together_and_pause_stops_them_all(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_epoch(page, 40)
    plane = "(root) => root.querySelector('canvas.plane').toDataURL()"
    first, first_plane = live_root(page, TILES), live_root(page, plane)
    wait_for_epoch(page, first["epoch"] + 40)
    second, second_plane = live_root(page, TILES), live_root(page, plane)
    assert second["tiles"]["1,0"] != first["tiles"]["1,0"] and second_plane != first_plane
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused, paused_plane = live_root(page, TILES), live_root(page, plane)
    page.wait_for_timeout(1500)
    assert live_root(page, TILES) == paused and live_root(page, plane) == paused_plane  # nothing moves
    epoch = epoch_on_screen(page)
    assert paused["epoch"] == epoch
    # the tiles on screen are nnlib's outputs of the weights at the epoch in the bar, trained here again
    run = default_run_at(epoch)
    sent = np.frombuffer(base64.b64decode(paused["params"]), dtype="<f8")
    np.testing.assert_array_equal(sent, np.frombuffer(base64.b64decode(charts.model_params(run.model)), dtype="<f8"))
    expected, _ = expected_tiles(run.model, DEFAULT.features, "binary", 2, paused["res"])
    assert_same_values(paused["layers"], health.dense_outputs(
        run.model, features.expand(grid_points(paused["res"]), DEFAULT.features)))
    for key in ("1,0", "2,1", "3,0"):
        assert_same_picture(paused["tiles"][key], expected[key], key)


def hidden_sizes(page) -> list[int]:
    return live_root(page, "(root) => root.state.data.net.diagram.columns.filter((c) => c.kind === 'hidden')"
                           ".map((c) => c.labels.length)")


def test_plus_minus_and_a_click_on_an_input_change_the_network(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".nnpg-live .bar [data-label=Epoch]").wait_for()
    assert hidden_sizes(page) == list(DEFAULT.layers)
    page.locator(".nnpg-live button[data-act='units-plus-0']").click()
    page.locator(".nnpg-live button[data-act='units-plus-0']").click()  # before the server answered the first
    page.wait_for_function(f"() => ({LIVE_ROOT})().state.data.net.diagram.columns[1].labels.length === 6")
    page.locator(".nnpg-live button[data-act='layers-plus']").click()
    page.wait_for_function(f"() => ({LIVE_ROOT})().state.data.net.diagram.columns.length === 5")
    assert hidden_sizes(page) == [6, 2, 2]
    expect(page.get_by_role("spinbutton", name="Hidden layers")).to_have_value("3")
    x, y = live_root(page, "(root) => { const n = root.state.layout.byColumn[0][2]; return [n.x, n.y]; }")  # X₁²
    page.locator(".nnpg-live canvas.diagram").click(position={"x": x, "y": y})
    page.wait_for_function(f"() => ({LIVE_ROOT})().state.data.net.features.includes('x1sq')")
    expect(page.locator('[data-testid="stSidebar"]').get_by_role("checkbox", name="X₁²", exact=True)).to_be_checked()
    assert "layers=6%2C2%2C2" in page.url or "layers=6,2,2" in page.url  # a shared link carries the change
    json.dumps(live_root(page, "(root) => root.state.data.net"))


PLANE = """(root) => ({off: root.state.data.net.diagram.off, epoch: root.state.epoch,
  hidden: Array.from(root.state.outputs[0]), output: Array.from(root.state.outputs[root.state.outputs.length - 1])})"""


def plane_of_nnlib(config) -> np.ndarray:
    """The plane nnlib computes for ``config`` at epoch 0 (the view's grid: the default 100 x 100)."""
    return PlaygroundRun(config, make_data(config)).grid_output()[:, 0]


def test_a_switched_off_neuron_is_blank_and_the_plane_is_nnlibs_without_it(page, app_url):
    page.goto(f"{app_url}/?off=1.2")
    wait_for_app(page)
    page.locator(".nnpg-live .bar [data-label=Epoch]").wait_for()
    seen = live_root(page, PLANE)
    assert seen["off"] == [[1, 1]] and seen["epoch"] == 0
    hidden = np.array(seen["hidden"]).reshape(-1, DEFAULT.layers[0])
    assert not hidden[:, 1].any() and hidden[:, 0].any()  # its heatmap is blank: the output held at 0
    off = replace(DEFAULT, off=("1.2",))
    np.testing.assert_allclose(seen["output"], plane_of_nnlib(off), rtol=1e-9, atol=1e-12)
    assert not np.allclose(seen["output"], plane_of_nnlib(DEFAULT))  # and that is not the whole network's
    x, y = live_root(page, "(root) => { const n = root.state.layout.byColumn[1][0]; return [n.x, n.y]; }")
    page.locator(".nnpg-live canvas.diagram").click(position={"x": x, "y": y}, modifiers=["Shift"])
    page.wait_for_function(f"() => ({LIVE_ROOT})().state.data.net.diagram.off.length === 2")
    both = replace(DEFAULT, off=("1.1", "1.2"))
    np.testing.assert_allclose(live_root(page, PLANE)["output"], plane_of_nnlib(both), rtol=1e-9, atol=1e-12)
    assert "off=1.1%2C1.2" in page.url or "off=1.1,1.2" in page.url  # a shared link starts as crippled


def test_the_picked_neurons_value_shows_where_the_pointer_is_on_the_plane(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".nnpg-live .bar [data-label=Epoch]").wait_for()
    x, y = live_root(page, "(root) => { const n = root.state.layout.byColumn[1][2]; return [n.x, n.y]; }")
    page.locator(".nnpg-live canvas.diagram").click(position={"x": x, "y": y})  # layer 1, neuron 3
    page.wait_for_function(f"() => String(({LIVE_ROOT})().state.data.net.diagram.selected) === '1,2'")
    box = live_root(page, "(root) => root.state.planeBox")
    res = live_root(page, "(root) => root.state.data.net.resolution")
    col, row = 30, 60  # the grid cell the pointer goes to: its centre, so a pixel's rounding stays inside it
    fx, fy = (col + 0.5) / res, (row + 0.5) / res
    page.locator(".nnpg-live canvas.plane").hover(position={"x": box["m"] + fx * box["w"], "y": 8 + fy * box["w"]})
    tip = page.locator(".nnpg-live .ptip")
    expect(tip).to_contain_text("layer 1, neuron 3: a = ")
    run = PlaygroundRun(DEFAULT, make_data(DEFAULT))  # epoch 0: the weights on screen
    assert len(run.grid) == res * res
    expected = health.dense_outputs(run.model, run.grid_inputs)[0][row * res + col, 2]
    shown = float(tip.inner_text().split("layer 1, neuron 3: a = ")[1].split()[0])
    assert shown == pytest.approx(expected, rel=1e-3, abs=1e-4)


def test_editing_the_output_bias_moves_the_boundary_as_nnlib_predicts(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".nnpg-live .bar [data-label=Epoch]").wait_for()
    before = live_root(page, PLANE)["output"]
    x, y = live_root(page, "(root) => { const n = root.state.layout.byColumn[3][0]; return [n.x, n.y]; }")
    page.locator(".nnpg-live canvas.diagram").click(position={"x": x, "y": y})  # the output neuron
    expect(page.get_by_text("a = sigmoid(")).to_be_visible()  # its formula, with its numbers
    box = page.get_by_label("New value")
    box.fill("2")
    box.press("Enter")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_function(f"() => ({LIVE_ROOT})().state.layers[2].b[0] === 2")
    run = PlaygroundRun(DEFAULT, make_data(DEFAULT))  # epoch 0: the weights on screen, the bias set to 2
    run.model.layers[-1].b[0] = 2.0
    seen = live_root(page, PLANE)["output"]
    np.testing.assert_allclose(seen, run.grid_output()[:, 0], rtol=1e-9, atol=1e-12)
    assert np.mean(seen) > np.mean(before)  # a larger bias: more of the plane is class 1


def plus_or_minus(value: float) -> str:
    return " − " if value < 0 else " + "


def test_the_neuron_tab_shows_its_formula_and_its_switch_off_button_masks_it(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".nnpg-live .bar [data-label=Epoch]").wait_for()
    x, y = live_root(page, "(root) => { const n = root.state.layout.byColumn[1][0]; return [n.x, n.y]; }")
    page.locator(".nnpg-live canvas.diagram").click(position={"x": x, "y": y})  # layer 1, neuron 1
    run = PlaygroundRun(DEFAULT, make_data(DEFAULT))  # epoch 0: the weights on screen
    W, b = run.model.layers[0].W, run.model.layers[0].b
    w1, w2, bias = W[0, 0], W[1, 0], b[0]
    formula = (f"a = tanh({'−' if w1 < 0 else ''}{abs(w1):.2f}·X₁{plus_or_minus(w2)}{abs(w2):.2f}·X₂"
               f"{plus_or_minus(bias)}{abs(bias):.2f})")  # written out here, not by the app's function
    expect(page.locator("[data-testid='stCode']")).to_contain_text(formula)
    page.get_by_role("button", name="Switch off").click()
    page.wait_for_function(f"() => ({LIVE_ROOT})().state.data.net.diagram.off.length === 1")
    assert live_root(page, PLANE)["off"] == [[1, 0]]
    off = replace(DEFAULT, off=("1.1",))
    np.testing.assert_allclose(live_root(page, PLANE)["output"], plane_of_nnlib(off), rtol=1e-9, atol=1e-12)
    expect(page.get_by_role("button", name="Switch on")).to_be_visible()  # and back, from the same place
