"""The Digits page's drawing pad in a real Chromium: a mouse drag and a touch drag paint, each stroke reaches
Python once, and what the page then says (the prediction, the bars, the 64 grey levels, the true label of a
copied test digit) is what nnlib computes for the pixels the pad sent and the canvas shows.

The pixels the pad sent are read from the one rerun request (a BackMsg on the websocket) the stroke causes;
what the canvas shows is read from its pixels. Fixtures and server helpers: tests/e2e/conftest.py."""

import json
import re

import numpy as np
from conftest import assert_no_exception
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from test_learn_pages_e2e import PAGES, WAIT, open_page, settle

from ui.core.learn import digits

TITLE, LAST_TEXT = PAGES[1][1:]
PAD = ".nnpg-digits canvas.pad"
# every cell's grey level as the canvas draws it (0 white .. 16 near-black), read at the cell's centre
CANVAS_LEVELS = """(canvas) => {
  const ctx = canvas.getContext("2d"), cell = canvas.width / 8, out = [];
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++)
    out.push(ctx.getImageData(Math.floor((c + 0.5) * cell), Math.floor((r + 0.5) * cell), 1, 1).data[0]);
  return out;
}"""


def frames_sent(page) -> list[BackMsg]:
    """Every message the page sends the server from now on (register before page.goto)."""
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(BackMsg.FromString(payload))))
    return sent


def stroke_sent(message: BackMsg) -> list | None:
    """The pad's "stroke" trigger value in a rerun request, or None."""
    for widget in message.rerun_script.widget_states.widgets:
        if widget.HasField("json_trigger_value"):
            for event in json.loads(widget.json_trigger_value):
                if event.get("event") == "stroke":
                    return event["value"]
    return None


def levels_on_screen(page) -> np.ndarray:
    """The 8x8 grey levels the page prints as what the model reads."""
    text = page.locator('[data-testid="stCode"]').last.inner_text()
    return np.array([[int(v) for v in line.split()] for line in text.strip().splitlines()])


def levels_on_canvas(page) -> np.ndarray:
    red = np.array(page.locator(PAD).evaluate(CANVAS_LEVELS), dtype=float)
    return np.rint((255 - red) * digits.MAX_INK / 238).astype(int).reshape(8, 8)


def cell_point(box: dict, col: float, row: float) -> tuple[float, float]:
    """Page coordinates of a point given in cells (col, row), inside the pad's 1 px border."""
    side = (box["width"] - 2) / 8
    return box["x"] + 1 + col * side, box["y"] + 1 + row * side


def mouse_stroke(page, path: list[tuple[float, float]], button: str = "left") -> None:
    box = page.locator(PAD).bounding_box()
    page.mouse.move(*cell_point(box, *path[0]))
    page.mouse.down(button=button)
    for col, row in path[1:]:
        page.mouse.move(*cell_point(box, col, row), steps=12)
    page.mouse.up(button=button)


def after_stroke(page, sent: list, before_text: str, n_before: int) -> list[int]:
    """Waits for the page to show the stroke; returns the pixels of the one rerun request the stroke sent."""
    expect(page.locator('[data-testid="stCode"]').last).not_to_have_text(before_text, timeout=WAIT)
    settle(page, LAST_TEXT)
    page.wait_for_timeout(500)  # lets Playwright deliver the frame events
    messages = sent[n_before:]
    assert len(messages) == 1, f"one stroke, one message to the server: {len(messages)} sent"
    rerun = messages[0].rerun_script
    assert rerun.fragment_id, "the stroke reran the whole page, not just the drawing section"
    pixels = stroke_sent(messages[0])
    assert pixels is not None, f"the rerun request carries no stroke: {messages[0]}"
    return pixels


def trained_like_the_page() -> tuple:
    config = digits.DigitsConfig()  # the page's defaults
    split = digits.load_split(config.standardize)
    model = digits.build_model(config)
    digits.fit(model, split, config)
    return model, split


def train_in_browser(page, app_url: str) -> None:
    open_page(page, f"{app_url}/digits", TITLE, LAST_TEXT)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Validation accuracy", exact=True)).to_be_visible(timeout=WAIT)
    settle(page, LAST_TEXT)
    page.locator(PAD).scroll_into_view_if_needed()


def test_a_mouse_stroke_paints_and_the_prediction_is_nnlibs_for_the_pixels_sent(page, app_url):
    sent = frames_sent(page)
    train_in_browser(page, app_url)
    model, split = trained_like_the_page()
    accuracy = f"{digits.evaluate(model, split).accuracy:.1%}"
    expect(page.get_by_text(accuracy, exact=True)).to_be_visible()  # the page trained this same model

    before, n_before = page.locator('[data-testid="stCode"]').last.inner_text(), len(sent)
    mouse_stroke(page, [(1.0, 1.5), (6.5, 1.5), (3.5, 6.5)])  # a "7", in one stroke
    pixels = np.array(after_stroke(page, sent, before, n_before)).reshape(8, 8)

    shown = levels_on_screen(page)
    np.testing.assert_array_equal(shown, pixels)  # the model reads what the pad sent
    np.testing.assert_array_equal(levels_on_canvas(page), pixels)  # and the canvas shows it
    assert (pixels[1, 1:7] >= 8).all(), pixels  # the top bar of the 7 is inked
    assert not pixels[4:, :2].any() and not pixels[4:, 6:].any(), pixels  # beside the stem: blank
    assert ((pixels > 0) & (pixels < 16)).any(), pixels  # a soft brush: grey edges

    probs = digits.predict_drawn(model, split, pixels)
    answer = f"The model reads {probs.argmax()} ({probs.max():.0%} sure)."
    expect(page.get_by_text(answer, exact=True)).to_be_visible()
    bars = page.locator('[data-testid="stPlotlyChart"] .bartext').all_text_contents()[-10:]
    assert bars == [f"{p:.0%}" for p in probs]

    # the right button erases along its stroke, and so does the Erase brush; again one message each
    before, n_before = page.locator('[data-testid="stCode"]').last.inner_text(), len(sent)
    mouse_stroke(page, [(3.5, 1.5), (6.5, 1.5)], button="right")
    erased = np.array(after_stroke(page, sent, before, n_before)).reshape(8, 8)
    assert (erased[1, 4:7] < pixels[1, 4:7]).all() and (erased[1, :2] == pixels[1, :2]).all(), erased
    np.testing.assert_array_equal(levels_on_canvas(page), erased)
    page.get_by_role("button", name="Erase").click()
    before, n_before = page.locator('[data-testid="stCode"]').last.inner_text(), len(sent)
    mouse_stroke(page, [(3.5, 4.5), (3.5, 6.5)])
    erased_stem = np.array(after_stroke(page, sent, before, n_before)).reshape(8, 8)
    assert erased_stem[5:7].sum() < erased[5:7].sum() and (erased_stem[:3] == erased[:3]).all(), erased_stem

    page.get_by_role("button", name="Clear").click()
    expect(page.locator('[data-testid="stCode"]').last).to_have_text(re.compile(r"^[\s0]+$"), timeout=WAIT)
    settle(page, LAST_TEXT)
    assert not levels_on_canvas(page).any()
    expect(page.get_by_text("The drawing pad sent", exact=False)).to_have_count(0)  # no stale trigger
    assert_no_exception(page)


def test_a_touch_drag_paints_instead_of_scrolling(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)  # a phone
    page = context.new_page()
    try:
        sent = frames_sent(page)
        open_page(page, f"{app_url}/digits", TITLE, LAST_TEXT)
        pad = page.locator(PAD)
        pad.scroll_into_view_if_needed()
        pad.evaluate("(c) => { window.padPointers = []; c.addEventListener('pointerdown', "
                     "(e) => window.padPointers.push(e.pointerType)); }")
        scrolled = "() => [...document.querySelectorAll('*')].map((e) => e.scrollTop)"
        scroll_before = page.evaluate(scrolled)
        box = pad.bounding_box()

        before, n_before = page.locator('[data-testid="stCode"]').last.inner_text(), len(sent)
        cdp = context.new_cdp_session(page)  # a finger dragging down column 3, as the touchscreen sends it
        for kind, row in [("touchStart", 0.5)] + [("touchMove", r / 4) for r in range(3, 31)]:
            x, y = cell_point(box, 3.5, row)
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        pixels = np.array(after_stroke(page, sent, before, n_before)).reshape(8, 8)
        assert (pixels[:, 3] >= 8).all(), pixels  # the whole column, not just where the finger landed
        assert not pixels[:, :2].any() and not pixels[:, 5:].any(), pixels
        assert page.evaluate(scrolled) == scroll_before, "the drag scrolled the page"

        before, n_before = page.locator('[data-testid="stCode"]').last.inner_text(), len(sent)
        page.touchscreen.tap(*cell_point(box, 6.5, 6.5))
        tapped = np.array(after_stroke(page, sent, before, n_before)).reshape(8, 8)
        assert tapped[6, 6] > 0 and (tapped[:, 3] == pixels[:, 3]).all(), tapped
        np.testing.assert_array_equal(levels_on_screen(page), tapped)
        np.testing.assert_array_equal(levels_on_canvas(page), tapped)
        assert page.evaluate("window.padPointers") == ["touch", "touch"]
        assert_no_exception(page)
    finally:
        context.close()


def test_copy_a_test_digit_shows_its_true_label_beside_the_prediction(page, app_url):
    train_in_browser(page, app_url)
    model, split = trained_like_the_page()
    for index in range(2):
        page.get_by_role("button", name="Copy a test digit").click()
        image, label = digits.validation_digit(index)
        assert label == split.y_val[index]
        probs = digits.predict_drawn(model, split, image)
        answer = (f"The model reads {probs.argmax()} ({probs.max():.0%} sure); true label: {label} "
                  f"(test digit {index + 1}).")
        expect(page.get_by_text(answer, exact=True)).to_be_visible(timeout=WAIT)
        settle(page, LAST_TEXT)
        np.testing.assert_array_equal(levels_on_screen(page), image)
        np.testing.assert_array_equal(levels_on_canvas(page), image)
    assert_no_exception(page)


def test_hostile_pad_values_get_a_message_and_never_an_exception(page, app_url):
    open_page(page, f"{app_url}/digits", TITLE, LAST_TEXT)
    page.get_by_role("button", name="Copy a test digit").click()
    image, _ = digits.validation_digit(0)
    expect(page.get_by_text("True label:", exact=False)).to_be_visible(timeout=WAIT)
    settle(page, LAST_TEXT)
    root = page.locator(".nnpg-digits")
    hostile = [  # (what a tampered pad sends, as JavaScript; the start of what the page must say)
        ("(r) => { r.state.pixels.fill(9); r.state.send('stroke', Array(63).fill(9)); }",
         "The drawing pad sent 63 values, expected 64"),
        ("(r) => r.state.send('stroke', Array(64).fill(NaN))", "The drawing pad sent null at pixel 1"),
        ("(r) => r.state.send('stroke', {pixels: 1})", "The drawing pad sent an object"),
        ("(r) => r.state.send('stroke', Array(64).fill('16'))", "The drawing pad sent text at pixel 1"),
    ]
    for script, message in hostile:
        root.evaluate(script)
        expect(page.get_by_text(message, exact=False)).to_be_visible(timeout=WAIT)
        settle(page, LAST_TEXT)
        assert_no_exception(page)
        np.testing.assert_array_equal(levels_on_screen(page), image)  # the drawing is kept
        np.testing.assert_array_equal(levels_on_canvas(page), image)  # and the pad shows it again
    root.evaluate("(r) => r.state.send('stroke', Array(32).fill(99).concat(Array(32).fill(-4)))")
    expect(page.get_by_text("The drawing pad sent 64 values outside 0..16; clamped to the nearest end.")
           ).to_be_visible(timeout=WAIT)
    settle(page, LAST_TEXT)
    clamped = np.array([16] * 32 + [0] * 32).reshape(8, 8)
    np.testing.assert_array_equal(levels_on_screen(page), clamped)
    np.testing.assert_array_equal(levels_on_canvas(page), clamped)
    page.get_by_role("button", name="Clear").click()  # the message goes with the drawing it was about
    expect(page.get_by_text("The drawing pad sent", exact=False)).to_have_count(0, timeout=WAIT)
    assert_no_exception(page)
