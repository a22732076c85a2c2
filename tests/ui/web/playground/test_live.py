"""The live view's pure helpers (ui/web/playground/live.py)."""

import math
from dataclasses import replace

import pytest
import streamlit as st

from ui.core import lessons, limits
from ui.core.config import DEFAULT
from ui.core.data import features
from ui.core.run import make_data
from ui.web import state
from ui.web.playground import clicks, controls, live
from ui.web.state import widget_key


@pytest.mark.parametrize("value, shown", [(0.12345, "0.1235"), (math.nan, "NaN"), (math.inf, "∞"), (-math.inf, "−∞")])
def test_a_metric_tile_says_what_the_number_is(value, shown):
    """An overflowed loss is infinite, not "not a number" (the walk-through saw NaN for an infinite loss)."""
    assert live.fmt(value) == shown


# --- clicks on the diagram (the view's "action" trigger) ----------------------------------------------------
@pytest.fixture
def session(monkeypatch):
    """A session holding the default setup's widgets (two hidden layers of 4 and 2 tanh units, x1 and x2 on),
    as the callback finds it; the click goes into the live view's state as the component puts it there."""
    ss = {}
    monkeypatch.setattr(st, "session_state", ss)
    controls.seed_widgets(DEFAULT)

    def click(*action):
        ss[state.LIVE_VIEW] = {"action": list(action)}
        live.diagram_action()
        return ss
    return click


def hidden_units(ss) -> list[int]:
    return [ss[state.units_key(i)] for i in range(ss[state.N_LAYERS])]


def active_features(ss) -> list[str]:
    return [name for name in features.FEATURES if ss[state.feature_key(name)]]


def test_plus_and_minus_on_the_diagram_set_the_hidden_layers(session):
    ss = session("network", [4, 3])
    assert hidden_units(ss) == [4, 3]
    ss = session("network", [4, 3, 3])  # a new layer, with the activation of the one before it
    assert hidden_units(ss) == [4, 3, 3] and ss[state.act_key(2)] == ss[state.act_key(1)]
    ss = session("network", [])
    assert ss[state.N_LAYERS] == 0
    ss = session("network", [99, 0])  # clamped to the limits, like any other input
    assert hidden_units(ss) == [limits.MAX_NEURONS, 1]


def test_a_click_on_an_input_switches_the_features(session):
    ss = session("features", ["x1", "x2", "x1sq"])
    assert active_features(ss) == ["x1", "x2", "x1sq"]


def test_a_click_on_a_neuron_opens_it_in_the_neuron_tab(session):
    ss = session("pick", 2, 1)
    assert ss[state.INSIDE_NEURON] == (1, 1) and ss[state.INSIDE_OPEN] and ss[state.INSIDE_TAB] == "Neuron"


@pytest.mark.parametrize("action", [
    [], ["network", [4] * (limits.MAX_HIDDEN_LAYERS + 1)], ["network", ["4"]], ["network", [4.5]], ["network"],
    ["features", []], ["features", ["x9"]], ["features", "x1"], ["pick", "a", 0], ["pick", 0, 0], ["nonsense", 1],
    ["key"], ["key", "toggle"], ["key", ["play"]], ["key", {"play": 1}], ["key", "play", "pause"],
    ["off", "1.2"], ["off", ["1.x"]], ["off", [1.2]], ["frozen", ["0.1"]], ["off", ["1.1"] * 200], ["surgery", []],
])
def test_a_malformed_click_changes_nothing(session, action):
    before = dict(session("pick", -5, -5))  # nothing at all, as a start
    after = session(*action) if action else session()
    assert {k: v for k, v in after.items() if k != state.LIVE_VIEW} == \
           {k: v for k, v in before.items() if k != state.LIVE_VIEW}


def test_a_locked_lessons_network_stays_as_it_is(session):
    ss = session()
    ss[state.CLASSROOM] = lessons.Classroom("learning_rate_too_high", (), lock=True)
    before = hidden_units(ss), active_features(ss)
    session("network", [8, 8])
    session("features", ["x1"])
    assert (hidden_units(ss), active_features(ss)) == before
    assert any("keeps its network" in n for n in ss[state.NOTICES])


def test_every_frame_of_a_tick_shows_the_scores_of_its_own_weights(make_run):
    run = make_run()
    frames = []
    for _ in range(3):
        run.train(4)
        frames.append(dict(live.shown(run, run.epoch, run.latest_scores())))
        assert frames[-1]["Train loss"] == live.fmt(run.scores().loss)  # the History's entry is these weights'
        assert frames[-1]["Test accuracy"] == live.fmt(run.scores().val_score)
    assert [f["Epoch"] for f in frames] == ["4", "8", "12"]


def test_a_change_of_setup_asks_for_the_whole_page_and_a_pick_does_not(session):
    assert session("network", [3]).pop(state.SETUP_CHANGED)
    assert state.SETUP_CHANGED not in session("pick", 1, 0)
    assert state.SETUP_CHANGED not in session("network", ["3"])  # refused: nothing to redraw


def test_the_keys_play_pause_and_ask_for_the_whole_page(session):
    ss = session("key", "play")
    assert ss[state.LOOP.PLAYING] and ss.pop(state.SETUP_CHANGED)
    ss = session("key", "play")  # a repeat changes nothing
    assert ss[state.LOOP.PLAYING]
    ss = session("key", "pause")
    assert not ss[state.LOOP.PLAYING] and ss.pop(state.SETUP_CHANGED)


def test_shift_and_alt_clicks_switch_neurons_off_and_freeze_them(session):
    ss = session("off", ["1.2", "2.1"])
    assert ss[widget_key("off")] == ("1.2", "2.1") and ss.pop(state.SETUP_CHANGED)
    ss = session("frozen", ["1.1"])
    assert ss[widget_key("frozen")] == ("1.1",) and ss[widget_key("off")] == ("1.2", "2.1")
    ss = session("off", [])
    assert ss[widget_key("off")] == ()


def test_a_locked_lesson_keeps_its_neurons(session):
    ss = session()
    ss[state.CLASSROOM] = lessons.Classroom("learning_rate_too_high", (), lock=True)
    session("off", ["1.1"])
    assert ss.get(widget_key("off"), ()) == () and any("keeps its neurons" in n for n in ss[state.NOTICES])


# --- the point tool on the plane -------------------------------------------------------------------------------
RING = [[round(4 * math.cos(a), 2), round(4 * math.sin(a), 2), i % 2] for i, a in enumerate(range(12))]


def test_a_drawn_set_becomes_the_data_and_the_run_keeps_its_weights(session):
    ss = session()
    assert clicks.set_drawn_points(RING, "binary", 2)
    table = ss[state.UPLOAD]
    assert len(table.y) == 12 and table.kind == "binary" and ss[widget_key("dataset")] == "upload"
    assert ss[state.DRAWN] and ss[state.UPLOAD_ID] == "drawing 1"
    assert clicks.set_drawn_points(RING[:-1], "binary", 2) and ss[state.UPLOAD_ID] == "drawing 2"


@pytest.mark.parametrize("points", [
    "x", [[1, 2]], [[1, 2, 3, 4]], [[1, "2", 0]], [[1, 2, True]], [[math.nan, 0, 1]] * 12, [[0, 0, 2]] * 12,
    [[0, 0, -1]] * 12, [[0, 0, 0.5]] * 12, [[0, 0, 1]] * 1001,
])
def test_a_malformed_drawing_or_a_class_the_problem_lacks_is_refused(session, points):
    ss = session()
    assert not clicks.set_drawn_points(points, "binary", 2)
    assert state.UPLOAD not in ss and state.DRAWN not in ss


def test_too_few_points_are_refused_with_a_reason(session):
    ss = session()
    assert not clicks.set_drawn_points(RING[:5], "binary", 2)
    assert any("at least 10 points" in n for n in ss[state.NOTICES]) and state.UPLOAD not in ss


def test_drawn_regression_targets_are_clipped_and_points_kept_on_the_plane():
    table = clicks.drawn_table([[9.0, -9.0, 3.0]] * 10 + [[0.0, 0.0, -0.5]], "regression", 1)
    assert table.X.max() == 6.0 and table.X.min() == -6.0 and table.y.max() == 1.0 and table.y.min() == -0.5


@pytest.mark.parametrize("text, why", [
    ("1b" + "A" * 2000, "too long"), ("1bAAAAA", "cut short"), ("1b" + "AAAA" * 301, "holds 301 points"),
    ("1b" + "AAAA" * 5, "holds 5 points"),
])
def test_a_links_oversized_or_broken_drawing_is_refused_and_changes_nothing(session, text, why):
    ss = session()
    kind, notices = controls._drawing_from_link(text)
    assert kind is None and why in notices[0] and state.UPLOAD not in ss


def test_a_binary_drawing_of_one_class_still_takes_the_other(session):
    """A walk-through found it: 12 points of class 0 made a problem of one class, and class 1 was refused."""
    ss = session()
    one_class = [[p[0], p[1], 0] for p in RING]
    assert clicks.set_drawn_points(one_class, "binary", 2)
    table = ss[state.UPLOAD]
    data = make_data(replace(DEFAULT, dataset="upload"), (table.X, table.y, table.kind))
    assert data.n_classes == 1 and clicks.drawable_classes(data) == 2
    assert clicks.set_drawn_points(one_class + [[0.0, 0.0, 1]], "binary", clicks.drawable_classes(data))
