"""The live view computes the plane in the browser from the weights it is sent (ui/web/components/forward.js).
What it computes must be what nnlib computes: every layer's output on the grid, value by value, and the
plane's colours, pixel by pixel, for every input feature, every activation and every kind of problem."""

import json

import numpy as np
import pytest

import nnlib
from ui.core import health, limits
from ui.core.config import HIDDEN_ACTIVATIONS
from ui.core.data import features
from ui.core.run import grid_points
from ui.render import charts
from ui.web.canvas import ASSETS

RES = limits.GRID_RESOLUTION
ALL_FEATURES = tuple(features.FEATURES)
HALF = len(HIDDEN_ACTIVATIONS) // 2
CASES = {  # name: (features, [(units, activation), ...], kind, classes, weight noise)
    "binary, every feature": (ALL_FEATURES, [(5, "relu"), (4, "tanh"), (1, "sigmoid")], "binary", 2, 2.0),
    "3 classes, first activations": (("x1", "x2"), [(3, a) for a in HIDDEN_ACTIVATIONS[:HALF]] + [(3, "softmax")],
                                     "multiclass", 3, 2.0),
    "6 classes, last activations": (("x1", "x2", "x1x2"),  # five squashing layers: less noise, or all is flat
                                    [(4, a) for a in HIDDEN_ACTIVATIONS[HALF:]] + [(6, "softmax")], "multiclass", 6,
                                    1.0),
    "regression": (("x1", "x2", "sinx1"), [(6, "elu"), (1, "linear")], "regression", 1, 2.0),
    "no hidden layer": (("x1sq", "x2sq"), [(1, "sigmoid")], "binary", 2, 2.0),
}


def model_for(feature_names, layers, seed: int = 3, scale: float = 2.0):
    """A model of that shape with large random weights (seeded), so every activation is pushed into its curved
    parts."""
    model = nnlib.Sequential([nnlib.Dense(units, activation=act) for units, act in layers], seed=seed)
    model.build((None, len(feature_names)))
    rng = np.random.default_rng(seed)
    model.set_weights([w + scale * rng.standard_normal(w.shape) for w in model.get_weights()])
    return model


@pytest.fixture(scope="module")
def blank(browser):
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=(ASSETS / "forward.js").read_text())
    yield page
    page.close()


def in_browser(page, model, feature_names, kind, n_classes, discretize=False):
    net = charts.plane_net(model, feature_names, kind, n_classes, RES)
    return page.evaluate("""([net, params, discretize]) => {
        const outputs = forwardGrid(net, decodeParams(params), net.resolution);
        const last = outputs[outputs.length - 1], k = net.layers[net.layers.length - 1].units;
        const rgba = new Uint8ClampedArray(last.length / k * 4);
        paintOutput(rgba, last, k, net.kind, discretize, net.colours);
        return {outputs: outputs.map((o) => Array.from(o, (v) => (Number.isFinite(v) ? v : null))),
                rgba: Array.from(rgba)};
    }""", json.loads(json.dumps([net, charts.model_params(model), discretize], default=list)))


@pytest.mark.parametrize("name", CASES)
def test_every_layer_and_every_pixel_equal_nnlib(blank, name):
    feature_names, layers, kind, n_classes, noise = CASES[name]
    model = model_for(feature_names, layers, scale=noise)
    grid = features.expand(grid_points(RES), feature_names)
    seen = in_browser(blank, model, feature_names, kind, n_classes)
    expected = health.dense_outputs(model, grid)
    assert len(seen["outputs"]) == len(expected)
    for layer, (js, py) in enumerate(zip(seen["outputs"], expected)):
        np.testing.assert_allclose(np.array(js, dtype=float).reshape(py.shape), py, rtol=1e-12, atol=1e-12,
                                   err_msg=f"layer {layer + 1}")
    rgb = np.array(seen["rgba"], dtype=np.uint8).reshape(RES, RES, 4)[..., :3]
    np.testing.assert_array_equal(rgb, charts.output_rgb(model.predict(grid), kind, RES))
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 10  # a real picture, not one flat colour


@pytest.mark.parametrize("kind, layers, n_classes", [("binary", [(3, "tanh"), (1, "sigmoid")], 2),
                                                     ("multiclass", [(3, "relu"), (4, "softmax")], 4),
                                                     ("regression", [(3, "tanh"), (1, "linear")], 1)])
def test_discretized_planes_equal_nnlib(blank, kind, layers, n_classes):
    model = model_for(("x1", "x2"), layers)
    grid = features.expand(grid_points(RES), ("x1", "x2"))
    rgb = np.array(in_browser(blank, model, ("x1", "x2"), kind, n_classes, discretize=True)["rgba"],
                   dtype=np.uint8).reshape(RES, RES, 4)[..., :3]
    np.testing.assert_array_equal(rgb, charts.output_rgb(model.predict(grid), kind, RES, discretize=True))


def test_a_weight_that_is_not_a_number_paints_the_plane_grey(blank):
    model = model_for(("x1", "x2"), [(3, "relu"), (1, "sigmoid")])
    weights = model.get_weights()
    weights[0][0, 0] = np.nan
    model.set_weights(weights)
    seen = in_browser(blank, model, ("x1", "x2"), "binary", 2)
    rgb = np.array(seen["rgba"], dtype=np.uint8).reshape(RES, RES, 4)[..., :3]
    np.testing.assert_array_equal(rgb, charts.output_rgb(model.predict(features.expand(grid_points(RES), ("x1", "x2"))),
                                                         "binary", RES))
    assert (rgb == charts.NO_VALUE).all(axis=-1).mean() > 0.4  # relu keeps the NaN where x1 is used
