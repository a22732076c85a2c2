"""Pure chart builders: the output image and the live view's payload."""

import base64
import json

import numpy as np
import pytest

from ui.core.config import Config
from ui.core.run import History, make_data
from ui.render import charts


def test_binary_output_maps_probability_to_orange_neutral_blue():
    out = np.array([[0.0], [0.5], [1.0], [0.75]])
    rgb = charts.output_rgb(out, "binary", resolution=2)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[0, 0]) == charts.ORANGE
    assert tuple(rgb[0, 1]) == charts.NEUTRAL
    assert tuple(rgb[1, 0]) == charts.BLUE
    halfway = (np.array(charts.NEUTRAL) + np.array(charts.BLUE)) / 2
    np.testing.assert_allclose(rgb[1, 1], halfway, atol=1)


def test_discretize_gives_pure_class_colours():
    rgb = charts.output_rgb(np.array([[0.4], [0.6], [0.1], [0.9]]), "binary", 2, discretize=True)
    assert {tuple(c) for c in rgb.reshape(-1, 3)} == {charts.ORANGE, charts.BLUE}


def test_multiclass_colour_is_the_winner_and_paler_when_unsure():
    sure = np.array([[0.0, 1.0, 0.0]])
    unsure = np.array([[0.3, 0.4, 0.3]])
    rgb = charts.output_rgb(np.vstack([sure, unsure, sure, unsure]), "multiclass", 2)
    winner = np.array(charts.class_colours(3)[1])
    np.testing.assert_allclose(rgb[0, 0], winner, atol=1)
    assert rgb[0, 1].astype(int).sum() > rgb[0, 0].astype(int).sum()  # paler = closer to white
    flat = charts.output_rgb(np.vstack([sure, unsure, sure, unsure]), "multiclass", 2, discretize=True)
    np.testing.assert_allclose(flat[0, 1], winner, atol=1)


def test_regression_is_clipped_to_the_colour_range():
    rgb = charts.output_rgb(np.array([[-5.0], [0.0], [5.0], [1.0]]), "regression", 2)
    assert tuple(rgb[0, 0]) == charts.ORANGE and tuple(rgb[1, 0]) == charts.BLUE == tuple(rgb[1, 1])


@pytest.mark.parametrize("n", [0, 5, 300, 301, 5000])
def test_thin_keeps_at_most_max_points_and_the_last(n):
    epochs, values = charts.thin(list(range(n)), 300)
    assert len(epochs) == len(values) <= 300
    if n:
        assert epochs[-1] == n and values[-1] == n - 1 and epochs[0] == 1


def payload(dataset="circle", epochs=0, **kwargs):
    data = make_data(Config(dataset=dataset))
    history = History()
    for e in range(epochs):
        history.epoch.append(e + 1)
        history.loss.append(1.0 / (e + 1))
        history.val_loss.append(float("nan") if e == epochs - 1 else 1.2 / (e + 1))
        history.score.append(0.5)
        history.val_score.append(0.5)
    frames = [{"epoch": epochs, "params": "AAAA", "shown": []}]
    return data, charts.live_view_payload(frames=frames, net={}, data=data, history=history,
                                          score_label="accuracy", **kwargs)


def test_payload_points_carry_each_class_colour():
    data, p = payload()
    train = p["points"][0]
    assert len(train["x"]) == len(train["y"]) == len(train["c"]) == len(data.y_train)
    assert train["c"] == data.y_train.tolist()
    assert train["colours"] == ["#f59322", "#0877bd"]
    assert len(p["points"]) == 1
    _, with_test = payload(show_test=True)
    assert len(with_test["points"]) == 2 and with_test["points"][1]["outline"] == "#000000"


def test_payload_curves_are_thinned_and_non_finite_becomes_null():
    _, p = payload(epochs=1000, max_points=100)
    assert len(p["epochs"]) <= 100 and p["epochs"][-1] == 1000
    for series in p["series"]:
        assert len(series["values"]) == len(p["epochs"])
    test_loss = next(s for s in p["series"] if s["name"] == "test loss")
    assert test_loss["values"][-1] is None
    json.dumps(p, allow_nan=False)  # strict JSON: what the browser receives


def test_regression_points_use_a_colour_ramp():
    data, p = payload(dataset="plane")
    train = p["points"][0]
    assert len(train["colours"]) == charts.REGRESSION_STEPS
    assert min(train["c"]) >= 0 and max(train["c"]) < charts.REGRESSION_STEPS
    highest = int(np.argmax(data.y_train))
    assert train["c"][highest] >= charts.REGRESSION_STEPS // 2


def test_payload_stays_small_for_the_largest_sample():
    data = make_data(Config(samples=2000, train_pct=90))
    history = History(loss=[0.5] * 20000, val_loss=[0.5] * 20000, score=[0.9] * 20000, val_score=[0.9] * 20000)
    p = charts.live_view_payload(frames=[], net={}, data=data, history=history, score_label="accuracy",
                                show_test=True)
    assert len(json.dumps(p)) < 60_000


def test_a_frame_carries_the_exact_weights_and_the_bars_numbers(make_run):
    run = make_run()
    run.train(3)
    f = charts.frame(run.epoch, run.model, [("Epoch", "3"), ("Train loss", "0.5000")])
    params = np.frombuffer(base64.b64decode(f["params"]), dtype="<f8")
    dense = [layer for layer in run.model.layers if layer.kind == "Dense"]
    np.testing.assert_array_equal(params, np.concatenate([np.r_[d.W.ravel(), d.b] for d in dense]))
    assert f["epoch"] == 3 and f["shown"] == [["Epoch", "3"], ["Train loss", "0.5000"]]


def test_payload_carries_every_frame_of_a_tick_oldest_first():
    data = make_data(Config())
    history = History(loss=[1.0] * 12, val_loss=[1.0] * 12, score=[0.5] * 12, val_score=[0.5] * 12)
    frames = [{"epoch": e, "params": str(e), "shown": []} for e in (4, 8, 12)]
    bundled = charts.live_view_payload(frames=frames, net={}, frame_seconds=0.3, data=data, history=history,
                                       score_label="accuracy")
    assert [f["epoch"] for f in bundled["frames"]] == [4, 8, 12] and bundled["frame_ms"] == 300
    assert bundled["epochs"][-1] == 12  # the curves run to the newest frame; the view cuts them per frame


def test_payload_curves_stop_at_the_shortest_series():
    data = make_data(Config())
    history = History(loss=[1.0] * 10, val_loss=[1.0] * 9, score=[0.5] * 10, val_score=[0.5] * 9)
    p = charts.live_view_payload(frames=[], net={}, data=data, history=history, score_label="accuracy")
    assert len(p["epochs"]) == 9 and all(len(s["values"]) == 9 for s in p["series"])


@pytest.mark.parametrize("kind, output", [
    ("binary", np.array([[np.nan], [0.9]])),
    ("regression", np.array([[np.inf], [0.9]])),
    ("multiclass", np.array([[np.nan, 0.2, 0.3], [0.1, 0.1, 0.8]])),
])
def test_a_non_finite_output_is_painted_as_no_value_not_as_a_class(kind, output):
    """A diverged model's NaN used to come out solid blue, as if it predicted class 1 everywhere."""
    rgb = charts.output_rgb(np.vstack([output, output]), kind, resolution=2)
    assert tuple(rgb[0, 0]) == charts.NO_VALUE
    assert tuple(rgb[0, 1]) != charts.NO_VALUE


def test_curves_keep_five_significant_digits_so_tiny_losses_reach_a_log_axis():
    """Rounding to 5 decimals sent every loss below 5e-6 as 0 (issue 14: log scale drew nothing)."""
    assert charts._series([1.234567e-11, 0.5, float("nan")], np.arange(3)) == [1.2346e-11, 0.5, None]


def test_a_costly_network_gets_a_coarser_plane_and_the_default_the_full_one(make_run):
    default = make_run()
    deep = make_run(dataset="spiral", layers=(16,) * 6, activations=("tanh",) * 6)
    assert charts.plane_resolution(default.model, 2, 100) == 100
    assert charts.plane_resolution(deep.model, 2, 100) == 50
