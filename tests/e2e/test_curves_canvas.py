"""What the canvas views draw, in real Chromium but without a server: each view's script (shared.js in
front, as ui/web/canvas.py sends it) is mounted on a blank page with a payload from the Python builders, and
the test reads the texts it drew (every fillText, with its left and right edge) and its pixels.

Issue 14: the rightmost epoch label was clipped ("20000" read "2000"); a diverged R² labelled its axis
"1e285"; a log loss axis that had no positive value said nothing; confidently classified points turned
into white rings on their own colour; the diagram's legend read "< 0 · 0 · > 0"."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import RECORD_TEXTS, mount

import nnlib
from ui.core.config import DEFAULT
from ui.core.run import History, make_data
from ui.render import charts, network_view


@pytest.fixture
def blank(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_content("<html><body style='margin:0'></body></html>")
    page.evaluate(f"({RECORD_TEXTS})()")
    yield page
    context.close()


def texts(page, selector: str) -> tuple[list[dict], float]:
    """The texts the canvas drew in its last paint, and its width in CSS pixels."""
    return page.evaluate("""(sel) => { const c = document.querySelector(sel);
        return [c.nnpgTexts.filter((t) => !t.rotated), c.width / (window.devicePixelRatio || 1)]; }""", selector)


def constant_model(output: float):
    """A model whose output is ``output`` everywhere on the plane: no hidden layer, zero weights, that bias."""
    model = nnlib.Sequential([nnlib.Dense(1, activation="linear")])
    model.build((None, 2))
    model.set_weights([np.zeros((2, 1)), np.array([output])])
    return model


def live_payload(epochs: int, *, kind: str = "binary", loss=None, score=None, log_loss=False, output=0.0) -> dict:
    """The Playground's live-view payload (ui/render/charts.py) for a run of ``epochs`` epochs; ``loss`` and
    ``score`` (callables epoch -> value) replace the curves' values after thinning, exactly as given. The plane
    is the "regression" picture of a constant ``output`` in [-1, 1]: -1 orange, 0 neutral, 1 blue."""
    dataset = "plane" if kind == "regression" else "gauss"
    data = make_data(replace(DEFAULT, dataset=dataset))
    ones = [0.5] * epochs
    history = History(epoch=list(range(1, epochs + 1)), loss=ones, val_loss=ones, score=ones, val_score=ones)
    model = constant_model(output)
    net = charts.plane_net(model, ("x1", "x2"), "regression", 2, 4)
    net["diagram"] = network_view.diagram(("x1", "x2"), [1], ["linear"], "regression")
    payload = charts.live_view_payload(frames=[charts.frame(epochs, model, [("Epoch", str(epochs))])], net=net,
                                       data=data,
                                       history=history,
                                       score_label="R²" if kind == "regression" else "accuracy", log_loss=log_loss,
                                       max_points=300)
    for s in payload["series"]:
        curve = loss if s["panel"] == "loss" else score
        if curve is not None:
            s["values"] = [curve(e) for e in payload["epochs"]]
    return payload


def labels_left_of(drawn: list[dict], x: float, top: float, bottom: float) -> list[str]:
    """The y-axis labels of the panel whose left edge is at ``x`` (drawn right-aligned at x - 4)."""
    return [t["text"] for t in drawn if abs(t["right"] - (x - 4)) < 0.5 and top <= t["y"] <= bottom]


LOSS_PANEL, SCORE_PANEL = (0, 150), (150, 440)  # the curves' two panels, top and bottom, at this page's size


# --- the epoch axis --------------------------------------------------------------------------------------
@pytest.mark.parametrize("epochs", [20000, 1053])
def test_the_last_epoch_label_is_drawn_whole_inside_the_canvas(blank, epochs):
    mount(blank, "liveview", live_payload(epochs), "nnpg-live")
    drawn, width = texts(blank, ".nnpg-live canvas.curves")
    last = [t for t in drawn if t["text"] == str(epochs)]
    assert len(last) == 1, [t["text"] for t in drawn]
    assert 0 <= last[0]["left"] and last[0]["right"] <= width, (last[0], width)
    first = next(t for t in drawn if t["text"] == "1")
    assert first["left"] >= 0


def test_after_one_epoch_the_epoch_axis_reads_1_once(blank):
    mount(blank, "liveview", live_payload(1), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    bottom = max(t["y"] for t in drawn)
    assert sorted(t["text"] for t in drawn if t["y"] == bottom) == ["1", "epoch"], drawn


# --- the loss axis ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, ticks", [(0.6931, ["0", "0.4", "0.8"]), (0.28, ["0", "0.15", "0.3"]),
                                          (2.4, ["0", "1.5", "3"]), (7e-4, ["0", "4e-4", "8e-4"])])
def test_a_linear_loss_axis_runs_from_0_to_a_round_number(blank, value, ticks):
    """After one Step the loss axis read 0 / 0.597 / 1.19; its top is now the next round number."""
    mount(blank, "liveview", live_payload(3, loss=lambda e: value if e == 3 else value / 2), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    assert labels_left_of(drawn, 62, *LOSS_PANEL) == ticks


def test_log_loss_axis_follows_the_data_down_to_1e_minus_11(blank):
    # the run: 5e-6 at epoch 1, then one decade every ~40 epochs down to 1e-11; some exact zeros
    loss = lambda e: 0.0 if e % 50 == 0 else 5e-6 * 10 ** (-(e - 1) / 40)  # noqa: E731
    mount(blank, "liveview", live_payload(300, loss=loss, log_loss=True), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    values = [float(t) for t in labels_left_of(drawn, 62, *LOSS_PANEL)]
    assert min(values) <= 1.1e-11 and max(values) >= 5e-6, values
    low, high = blank.evaluate("document.querySelector('.nnpg-live').state.panels.loss.range")
    assert low <= np.log10(1e-11) and high >= np.log10(5e-6)


def test_a_log_loss_axis_with_nothing_above_zero_says_so(blank):
    mount(blank, "liveview", live_payload(40, loss=lambda e: 0.0, log_loss=True), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    assert any("nothing to draw on a log scale" in t["text"] for t in drawn), [t["text"] for t in drawn]


@pytest.mark.parametrize("loss, log", [(lambda e: 7e-6 * 10.0 ** (-4 * e), True),
                                       (lambda e: 3.15e253 if e == 40 else 0.5, False)],
                         ids=["log, down to 1e-165", "linear, a loss that blew up to 3e253"])
def test_y_labels_stay_clear_of_the_axis_title(blank, loss, log):
    """The rotated title "loss" sits left of x = 16 (its baseline at x = 12)."""
    mount(blank, "liveview", live_payload(40, loss=loss, log_loss=log), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    labels = [t for t in drawn if abs(t["right"] - 58) < 0.5]
    assert len(labels) == 6 and min(t["left"] for t in labels) >= 16, [(t["text"], t["left"]) for t in labels]


# --- the score axis --------------------------------------------------------------------------------------
def test_a_diverged_r2_axis_tops_at_1_floors_at_minus_1_and_says_what_is_off_the_chart(blank):
    # R² of the plane dataset at learning rate 3: -5e44 at epoch 1, -1e285 by epoch 6, then not finite
    score = lambda e: None if e > 6 else -5 * 10 ** (44 + 48 * (e - 1))  # noqa: E731
    mount(blank, "liveview", live_payload(7, kind="regression", score=score), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    labels = labels_left_of(drawn, 62, *SCORE_PANEL)
    assert labels == ["-1", "0", "1"], labels
    assert any("below -1 are off the chart" in t["text"] for t in drawn), [t["text"] for t in drawn]


def test_an_r2_that_stays_between_0_and_1_gets_the_axis_0_to_1_and_no_note(blank):
    mount(blank, "liveview", live_payload(30, kind="regression", score=lambda e: 0.2 + e / 100), "nnpg-live")
    drawn, _ = texts(blank, ".nnpg-live canvas.curves")
    assert labels_left_of(drawn, 62, *SCORE_PANEL) == ["0", "0.5", "1"]
    assert not any("off the chart" in t["text"] for t in drawn)


# --- the points on the plane -----------------------------------------------------------------------------
def relative_luminance(rgb) -> float:
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


def contrast(a, b) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("colour", [charts.ORANGE, charts.BLUE], ids=["orange", "blue"])
def test_a_point_on_a_background_of_its_own_colour_has_an_outline_of_3_to_1_contrast(blank, colour):
    """WCAG's 3:1 for a graphic object: a white ring on saturated orange is 2.3:1 and read as a hollow ring."""
    payload = live_payload(10, output=1.0 if colour == charts.BLUE else -1.0)
    c = charts.class_colours(2).index(colour)
    payload["points"][0].update(x=[0.0], y=[0.0], c=[c])  # one point of that class, in the middle
    mount(blank, "liveview", payload, "nnpg-live")
    blank.wait_for_timeout(100)
    ring = blank.evaluate("""() => {
        const c = document.querySelector('.nnpg-live canvas.plane'), ctx = c.getContext('2d');
        const ratio = window.devicePixelRatio || 1, size = c.width / ratio, m = 34, w = size - m - 8;
        const cx = (m + w / 2) * ratio, cy = (8 + w / 2) * ratio, out = [];
        for (let r = 0; r <= 8 * ratio; r += 0.5) {   // along a ray from the centre, past the point
          const p = ctx.getImageData(Math.round(cx + r), Math.round(cy), 1, 1).data;
          out.push([p[0], p[1], p[2]]);
        }
        return out;
    }""")
    assert np.allclose(ring[-1], colour, atol=3), "the background far from the point is the class colour"
    best = max(contrast(p, colour) for p in ring)
    assert best >= 3.0, (best, ring)


# --- the live view on a phone --------------------------------------------------------------------------
@pytest.mark.parametrize("width, stacked", [(390, True), (1400, False)])
def test_on_a_phone_the_plane_comes_first_and_nothing_is_wider_than_the_screen(browser, width, stacked):
    """The curves canvas used to be at least 520 px wide, and ran off a 390 px phone screen."""
    context = browser.new_context(viewport={"width": width, "height": 844}, has_touch=stacked)
    page = context.new_page()
    page.set_content("<html><body style='margin:0'></body></html>")
    page.evaluate(f"({RECORD_TEXTS})()")
    try:
        mount(page, "liveview", live_payload(30), "nnpg-live")
        boxes = {name: page.locator(f".nnpg-live canvas.{name}").bounding_box()
                 for name in ("plane", "curves", "diagram")}
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes.values()), boxes
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        plane, curves, diagram = boxes["plane"], boxes["curves"], boxes["diagram"]
        if stacked:  # the plane, then the network, then the curves
            assert plane["y"] + plane["height"] <= diagram["y"] < diagram["y"] + diagram["height"] <= curves["y"]
            assert plane["width"] > 0.8 * width
        else:  # the network on the left; the plane, and under it the curves, on the right
            assert diagram["x"] + diagram["width"] <= plane["x"] == curves["x"]
            assert plane["y"] + plane["height"] <= curves["y"]
    finally:
        context.close()


# --- the value under the pointer, live -----------------------------------------------------------------------
def test_the_value_under_the_pointer_follows_the_frames_while_it_stays_put(blank):
    """TensorFlow Playground's hover freezes while training; ours reads each new frame (and works by tap)."""
    mount(blank, "liveview", live_payload(10, kind="regression", output=0.25), "nnpg-live")
    plane = blank.locator(".nnpg-live canvas.plane").bounding_box()
    blank.mouse.move(plane["x"] + plane["width"] * 0.6, plane["y"] + plane["height"] * 0.3)
    tip = blank.locator(".nnpg-live .ptip")
    assert "prediction = 0.250" in tip.inner_text()
    blank.evaluate("(next) => window.nnpgRepaint(next)",
                   json.loads(json.dumps(live_payload(20, kind="regression", output=-0.5), default=list)))
    assert "prediction = -0.500" in tip.inner_text()  # the next frame, the pointer not moved
    blank.mouse.move(2, 2)  # off the plane's square
    assert not tip.is_visible()
