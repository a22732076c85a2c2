"""Pure figure builders of the Learn pages: arrays in, figures out, the numbers where they should be."""

import numpy as np
import plotly.graph_objects as go
import pytest

from ui.core.learn import backprop as walk
from ui.core.learn.backprop import Panel
from ui.render import learn_charts as charts


def _panels():
    return [Panel("X", np.array([[1.0, -2.0], [0.5, 0.0]]), ("#1", "#2"), ("x₁", "x₂")),
            Panel("b1", np.array([[0.25, -0.125, 3.0]]), ("",), ("h1", "h2", "h3"))]


def test_number_text():
    assert charts.number_text(np.array([[0.0, 1.23456, -0.000723, 0.0123, 12345.0]])).tolist() == [
        ["0", "1.23", "-7.2e-4", "0.0123", "1.2e4"]]


def test_panels_figure_has_one_heatmap_per_panel_with_its_numbers():
    fig = charts.panels_figure(_panels())
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert [t.name for t in fig.data] == ["X", "b1"]
    np.testing.assert_array_equal(fig.data[0].z, [[1.0, -2.0], [0.5, 0.0]])
    assert np.asarray(fig.data[0].text).tolist() == [["1", "-2"], ["0.5", "0"]]
    assert list(fig.data[1].x) == ["h1", "h2", "h3"]
    assert [fig.layout.xaxis.title.text, fig.layout.xaxis2.title.text] == ["<b>X</b>", "<b>b1</b>"]
    assert fig.layout.yaxis.type == "category"  # "#1" stays a label, not the number 1


def test_panels_figure_layout_side_by_side_with_equal_cells():
    fig = charts.panels_figure(_panels())
    x1, x2 = fig.layout.xaxis.domain, fig.layout.xaxis2.domain
    assert 0 <= x1[0] < x1[1] < x2[0] < x2[1] <= 1  # no overlap, left to right
    assert (x2[1] - x2[0]) > (x1[1] - x1[0])  # three columns are wider than two
    assert fig.layout.yaxis.domain == (0.0, 1.0)  # two rows: full height
    assert fig.layout.yaxis2.domain == (0.5, 1.0)  # one row: half, so cells are the same size
    assert fig.data[0].zmid is None and fig.data[0].zmin == -2 and fig.data[0].zmax == 2  # symmetric


@pytest.mark.parametrize(("hidden", "batch"), [(2, 2), (5, 8), (3, 5)])  # smallest, largest, odd
def test_panels_figure_builds_for_every_stage_and_size(hidden, batch):
    config = walk.WalkConfig("xor", hidden, batch, 0)
    step = walk.forward_backward(*walk.make_batch(config), walk.initial_weights(config))
    for stage in walk.STAGES:
        panels = stage.panels(step, 0.1)
        fig = charts.panels_figure(panels)
        assert len(fig.data) == len(panels)
        for i in range(1, len(panels) + 1):
            lo, hi = fig.layout[f"xaxis{i if i > 1 else ''}"].domain
            assert 0 <= lo < hi <= 1


def test_panels_figure_of_all_zeros_and_no_panels():
    fig = charts.panels_figure([Panel("z", np.zeros((2, 2)), ("a", "b"), ("c", "d"))])
    assert fig.data[0].zmax == 1.0
    with pytest.raises(ValueError, match="at least one panel"):
        charts.panels_figure([])


def test_activation_figure_draws_both_curves_and_shades_the_regions():
    x = np.linspace(-1, 1, 5)
    fig = charts.activation_figure(x, x * 2, np.ones(5), [(-1.0, -0.5), (0.5, 1.0)], "twice")
    names = [t.name for t in fig.data]
    assert names[:2] == ["twice(x)", "twice′(x)"]
    np.testing.assert_array_equal(fig.data[1].y, np.ones(5))
    assert [(s.x0, s.x1) for s in fig.layout.shapes] == [(-1.0, -0.5), (0.5, 1.0)]
    assert len(charts.activation_figure(x, x, x, [], "id").layout.shapes) == 0


def test_layer_lines_figure_is_log_and_drops_non_positive_values():
    fig = charts.layer_lines_figure({"a": [1e-3, 1e-2, 0.0], "b": [1.0, 2.0, 3.0]}, "t", "norm")
    assert fig.layout.yaxis.type == "log"
    assert list(fig.data[0].x) == [1, 2, 3]
    assert np.isnan(fig.data[0].y[2]) and fig.data[0].y[0] == 1e-3
    assert [t.name for t in fig.data] == ["a", "b"]
    assert fig.layout.yaxis.dtick is None  # over three decades: plotly's own ticks
    assert charts.layer_lines_figure({"a": [0.2, 0.3]}, "t", "n").layout.yaxis.dtick == "D2"


def test_history_figure_plots_train_and_validation_for_loss_and_accuracy():
    history = {"loss": [1.0, 0.5], "accuracy": [0.6, 0.8], "val_loss": [1.1, 0.6], "val_accuracy": [0.5, 0.7]}
    fig = charts.history_figure(history, epochs=5)
    assert len(fig.data) == 4
    by = {(t.name, t.xaxis): list(t.y) for t in fig.data}
    assert by[("training", "x")] == [1.0, 0.5] and by[("validation", "x2")] == [0.5, 0.7]
    assert tuple(fig.layout.xaxis.range) == (0.5, 5.5)
    assert len(charts.history_figure({}).data) == 4  # before the first epoch: empty lines, no error


def test_confusion_figure_shows_the_counts():
    cm = np.array([[5, 1], [0, 4]])
    fig = charts.confusion_figure(cm, ["a", "b"])
    np.testing.assert_array_equal(fig.data[0].z, cm)
    assert np.asarray(fig.data[0].text).tolist() == [["5", "1"], ["0", "4"]]
    assert fig.layout.yaxis.autorange == "reversed"


def test_tile_images_places_each_image_and_leaves_nan_gaps():
    images = np.arange(3 * 2 * 2, dtype=float).reshape(3, 2, 2)
    grid = charts.tile_images(images, cols=2, gap=1)
    assert grid.shape == (5, 5)
    np.testing.assert_array_equal(grid[0:2, 0:2], images[0])
    np.testing.assert_array_equal(grid[0:2, 3:5], images[1])
    np.testing.assert_array_equal(grid[3:5, 0:2], images[2])
    assert np.isnan(grid[2]).all() and np.isnan(grid[:, 2]).all() and np.isnan(grid[3:, 3:]).all()
    assert charts.tile_images(images, cols=10).shape == (2, 8)  # cols capped at the count
    with pytest.raises(ValueError, match="shape"):
        charts.tile_images(np.zeros((2, 2)), cols=2)
    with pytest.raises(ValueError, match="cols=0"):
        charts.tile_images(images, cols=0)


def test_image_grid_figure_is_one_trace_with_a_title_per_image():
    images = np.random.default_rng(0).random((12, 8, 8))
    fig = charts.image_grid_figure(images, [f"#{i}" for i in range(12)], cols=5)
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    assert [a.text for a in fig.layout.annotations] == [f"#{i}" for i in range(12)]
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0.0, 1.0)
    signed = charts.image_grid_figure(images - 0.5, ["."] * 12, cols=5, signed=True)
    assert signed.data[0].zmin == -signed.data[0].zmax
    with pytest.raises(ValueError, match="one title per image"):
        charts.image_grid_figure(images, ["a"], cols=5)


def test_probability_figure_highlights_the_winner():
    probs = np.array([0.1, 0.7, 0.2])
    fig = charts.probability_figure(probs)
    np.testing.assert_array_equal(fig.data[0].y, probs)
    colours = list(fig.data[0].marker.color)
    assert colours[1] == charts.BLUE and colours[0] == colours[2] == charts.GREY
    assert list(fig.data[0].text) == ["10%", "70%", "20%"]
