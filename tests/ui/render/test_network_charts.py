"""The Plotly figures of "Inside the network" (ui/render/network_charts.py), each validated by Plotly: the
weight matrices with their histograms, the hidden space, and the gradient flow, also as the page builds it
(Gradients & health tab): what its axes show for a run whose gradients are all 0, before any epoch, and after one.

Issue 14: spiral, SGD, learning rate 10, ReLU, three Steps gave all-zero gradients and two blank log
charts; at epoch 0 the "over epochs" axis ran from -1 to 6."""


import numpy as np
import plotly.graph_objects as go
import pytest

from tests.ui.helpers import playground_run
from ui.core.run import PlaygroundRun
from ui.render import network_charts
from ui.web.playground import inside


def dead_relu_run(steps: int) -> PlaygroundRun:
    """The issue's run: ReLU units that die at once, so no gradient reaches any weight."""
    run = playground_run(dataset="spiral", optimizer="sgd", learning_rate=10.0, activations=("relu", "relu"))
    for _ in range(steps):
        run.train(1)  # what the Step button does (ui/web/state.py:step)
    return run


def page_figure(run: PlaygroundRun) -> go.Figure:
    """The figure the tab shows (ui/web/playground/inside.py:_health), validated by Plotly."""
    fig, _rows, _hints = inside._health(run)
    return go.Figure(fig.to_dict())


def valid(fig) -> go.Figure:
    """Plotly's full validation of a figure built without it."""
    return go.Figure(fig.to_dict())


def notes(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_all_zero_gradients_are_drawn_at_zero_on_a_linear_axis_and_said_in_words():
    run = dead_relu_run(steps=3)
    assert all(v == 0 for row in run.history.grad_norms for v in row)  # the premise: every gradient is 0
    fig = page_figure(run)
    bars = next(t for t in fig.data if t.type == "bar")
    lines = [t for t in fig.data if t.type == "scatter"]
    assert list(bars.y) == [0, 0, 0]  # three bars at 0, not three gaps
    assert [list(t.y) for t in lines] == [[0, 0, 0]] * 3
    for axis in (fig.layout.yaxis, fig.layout.yaxis2):
        assert axis.type == "linear" and tuple(axis.range) == (0, 1)
    assert network_charts.ALL_ZERO_NOTE in notes(fig)
    assert tuple(fig.layout.xaxis2.range) == (0, 3)


def test_epoch_axis_starts_at_zero_before_any_epoch_and_says_none_ran():
    fig = page_figure(dead_relu_run(steps=0))
    low, high = fig.layout.xaxis2.range
    assert low == 0 and high >= 1
    assert network_charts.NO_EPOCH_NOTE in notes(fig)


def test_one_epoch_is_drawn_as_a_marker_since_a_line_through_one_point_is_invisible():
    fig = go.Figure(network_charts.gradient_flow_figure([[0.1, 0.5]], [0.1, 0.5]).to_dict())
    lines = [t for t in fig.data if t.type == "scatter"]
    assert all("markers" in t.mode for t in lines) and [list(t.y) for t in lines] == [[0.1], [0.5]]
    assert tuple(fig.layout.xaxis2.range) == (0, 1)


def test_positive_gradients_keep_the_log_axes_and_name_a_zero_layer():
    fig = go.Figure(network_charts.gradient_flow_figure([[1e-4, 0.2], [2e-4, 0.3]], [0.0, 0.3]).to_dict())
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert network_charts.ALL_ZERO_NOTE not in notes(fig)
    assert any("= 0" in n and "Layer 1" in n for n in notes(fig))  # its bar cannot show on a log axis


def test_overflowed_gradients_are_named_not_left_blank():
    fig = go.Figure(network_charts.gradient_flow_figure([[np.inf, np.nan]], [np.nan, np.inf]).to_dict())
    assert network_charts.NOT_FINITE_NOTE in notes(fig)


def test_weights_figure_is_valid_with_one_symmetric_scale_and_labelled_shapes(make_run):
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
