"""The gradient-flow figure of "Inside the network" (Gradients & health tab), as the page builds it: what
its axes show for a run whose gradients are all 0, before any epoch, and after one.

Issue 14: spiral, SGD, learning rate 10, ReLU, three Steps gave all-zero gradients and two blank log
charts; at epoch 0 the "over epochs" axis ran from -1 to 6."""

from dataclasses import replace

import numpy as np
import plotly.graph_objects as go

from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.render import network_charts
from ui.web.playground import inside


def dead_relu_run(steps: int) -> PlaygroundRun:
    """The issue's run: ReLU units that die at once, so no gradient reaches any weight."""
    config = replace(DEFAULT, dataset="spiral", optimizer="sgd", learning_rate=10.0, activations=("relu", "relu"))
    run = PlaygroundRun(config, make_data(config))
    for _ in range(steps):
        run.train(1)  # what the Step button does (ui/web/state.py:step)
    return run


def page_figure(run: PlaygroundRun) -> go.Figure:
    """The figure the tab shows (ui/web/playground/inside.py:_health), validated by Plotly."""
    fig, _rows, _hints = inside._health(run)
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
