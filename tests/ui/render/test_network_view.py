"""The diagram's words and colour rules (ui/render/network_view.py). The browser follows these rules; that it
does is tests/e2e/test_diagram_in_browser.py."""

import numpy as np
import pytest

from ui.core.data import features
from ui.render import charts, network_view


def test_the_diagram_lists_every_feature_and_marks_the_active_ones():
    d = network_view.diagram(("x1", "x1sq"), [4, 2, 1], ["tanh", "relu", "sigmoid"], "binary")
    assert d["features"] == list(features.FEATURES) and [d["features"][i] for i in d["active"]] == ["x1", "x1sq"]
    assert [c["kind"] for c in d["columns"]] == ["input", "hidden", "hidden", "output"]
    assert [len(c["labels"]) for c in d["columns"]] == [9, 4, 2, 1]
    assert d["columns"][1]["subtitle"] == "4 × tanh" and d["columns"][-1]["subtitle"] == "sigmoid"
    assert d["selected"] is None and d["editable"] == {"features": True, "layers": True}


def test_the_tiles_are_smaller_for_a_big_network():
    small = network_view.diagram(("x1",), [8, 1], ["tanh", "sigmoid"], "binary")
    big = network_view.diagram(("x1",), [16] * 6 + [1], ["tanh"] * 6 + ["sigmoid"], "binary")
    assert (small["tile_resolution"], big["tile_resolution"]) == (24, 16)


def test_hidden_scale_is_a_round_number_that_a_few_huge_neurons_do_not_set():
    assert network_view.activation_scale([np.tanh(np.linspace(-5, 5, 100))[:, None]]) == 1.0
    assert network_view.activation_scale([np.linspace(0, 7, 1000)[:, None]]) == 10.0
    peaks = np.array([[0.5, 0.8, 0.9, 100.0]])  # one neuron reaching 100 among three below 1
    assert network_view.activation_scale([peaks * np.linspace(0, 1, 50)[:, None]]) == 1.0
    assert network_view.activation_scale([peaks[:, :2], peaks[:, 2:]]) == 1.0  # across layers too
    assert network_view.activation_scale([]) == 1.0
    assert network_view.activation_scale([np.full((4, 2), np.nan)]) == network_view.SCALE_STEPS[-1]


def test_colours_run_orange_neutral_blue_with_equal_steps_each_side():
    t = np.linspace(0, 1, 11)[:, None]
    orange, neutral, blue = (np.array(c, float) for c in (charts.ORANGE, charts.NEUTRAL, charts.BLUE))
    np.testing.assert_allclose(network_view.diverging_rgb(t[:, 0]) - neutral, t * (blue - neutral))
    np.testing.assert_allclose(network_view.diverging_rgb(-t[:, 0]) - neutral, t * (orange - neutral))
    np.testing.assert_allclose(network_view.diverging_rgb(np.array([-5.0, 5.0])), [orange, blue])  # clipped


@pytest.mark.parametrize("column, kind, values, expected", [
    ("input", "binary", [-6.0, 0.0, 3.0], [charts.ORANGE, charts.NEUTRAL, None]),  # scaled by its own max |v|
    ("hidden", "binary", [-2.0, 0.0, 2.0], [charts.ORANGE, charts.NEUTRAL, charts.BLUE]),  # scale 2
    ("output", "binary", [0.0, 0.5, 1.0], [charts.ORANGE, charts.NEUTRAL, charts.BLUE]),  # 2p - 1
    ("output", "regression", [-1.0, 0.0, np.nan], [charts.ORANGE, charts.NEUTRAL, charts.NO_VALUE]),
    ("output", "multiclass", [0.0, 1.0, np.inf], [(255, 255, 255), charts.class_colours(3)[1], charts.NO_VALUE]),
])
def test_each_column_colours_its_values_by_its_own_rule(column, kind, values, expected):
    rgb = network_view.tile_rgb(np.array(values), column, kind, scale=2.0, unit=1, n_classes=3)
    for got, want in zip(rgb, expected):
        if want is not None:
            np.testing.assert_allclose(got, want)
    if column == "input":
        np.testing.assert_allclose(rgb[2], network_view.diverging_rgb(0.5))  # 3 of 6


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_the_legend_names_the_output_and_leaves_the_scale_to_the_view(kind):
    words = network_view.legend(kind)
    assert "{scale}" in words and "bias" in words
