"""The Digits page's drawing pad, Python side: what a browser may send (``digits_model.read_pad``) and what a
stroke does to the session (``digits_page.receive_stroke``).
The pad in a real browser: tests/e2e/test_digits_pad_e2e.py."""

import numpy as np
import pytest

from ui.core.learn import digits
from ui.web.learn import digits as digits_page

KEPT = "the drawing is kept as it was."


@pytest.mark.parametrize(("value", "problem"), [
    (None, f"The drawing pad sent null, not a list of 64 numbers; {KEPT}"),
    ("16" * 64, f"The drawing pad sent text, not a list of 64 numbers; {KEPT}"),
    ({"pixels": [0] * 64}, f"The drawing pad sent an object, not a list of 64 numbers; {KEPT}"),
    (7, f"The drawing pad sent a number, not a list of 64 numbers; {KEPT}"),
    ([], f"The drawing pad sent 0 values, expected 64 (8×8); {KEPT}"),
    ([0] * 63, f"The drawing pad sent 63 values, expected 64 (8×8); {KEPT}"),
    ([0] * 10_000, f"The drawing pad sent 10000 values, expected 64 (8×8); {KEPT}"),
    ([0] * 5 + [None] + [0] * 58, f"The drawing pad sent null at pixel 6, where a number 0..16 belongs; {KEPT}"),
    ([float("nan")] * 64, f"The drawing pad sent a number that is not finite at pixel 1, where a number 0..16 "
                          f"belongs; {KEPT}"),
    ([0] * 63 + [float("-inf")], f"The drawing pad sent a number that is not finite at pixel 64, where a number "
                                 f"0..16 belongs; {KEPT}"),
    ([10**400] + [0] * 63, f"The drawing pad sent a number that is not finite at pixel 1, where a number 0..16 "
                           f"belongs; {KEPT}"),  # a JSON integer too big for a float
    ([True] * 64, f"The drawing pad sent true/false at pixel 1, where a number 0..16 belongs; {KEPT}"),
    (["3"] * 64, f"The drawing pad sent text at pixel 1, where a number 0..16 belongs; {KEPT}"),
    ([[0]] * 64, f"The drawing pad sent a list at pixel 1, where a number 0..16 belongs; {KEPT}"),
], ids=["null", "text", "object", "number", "empty", "63 values", "10000 values", "a null pixel", "NaN",
        "-inf", "a huge integer", "booleans", "numbers as text", "nested lists"])
def test_a_value_that_is_not_64_numbers_is_rejected_with_what_was_wrong(value, problem):
    reading = digits.read_pad(value)
    assert reading.pixels is None
    assert reading.problem == problem


def test_out_of_range_numbers_are_clamped_and_said_so_fractions_rounded():
    value = [99, -5, 16.4, 7.6, 1e300] + [3] * 59
    reading = digits.read_pad(value)
    assert reading.problem == "The drawing pad sent 3 values outside 0..16; clamped to the nearest end."
    assert reading.pixels.dtype == np.int64 and reading.pixels.shape == (8, 8)
    np.testing.assert_array_equal(reading.pixels.ravel(), [16, 0, 16, 8, 16] + [3] * 59)
    one = digits.read_pad([-0.4] + [0] * 63)  # rounds to 0: inside the range, nothing to say
    assert one.problem is None and one.pixels[0, 0] == 0


def test_a_clean_grid_is_read_row_by_row():
    value = list(range(16)) * 4
    reading = digits.read_pad(value)
    assert reading.problem is None
    np.testing.assert_array_equal(reading.pixels, np.array(value).reshape(8, 8))
    assert reading.pixels[1, 0] == 8  # the second row starts at the 9th value
    assert not reading.pixels.flags.writeable  # kept in session state and replaced, never edited


def test_a_stroke_replaces_the_drawing_and_a_rejected_one_resets_the_pad():
    state = {}
    digits_page.receive_stroke(state, [4] * 64)
    assert (state[digits_page.DIGITS_PIXELS] == 4).all()
    assert digits_page.DIGITS_PAD_VERSION not in state  # the pad already shows this: nothing to send back
    digits_page.receive_stroke(state, [4] * 63)
    assert (state[digits_page.DIGITS_PIXELS] == 4).all()  # kept
    assert state[digits_page.DIGITS_PAD_VERSION] == 1  # the pad takes the kept drawing again
    assert state[digits_page.DIGITS_PAD_PROBLEM].startswith("The drawing pad sent 63 values")
    digits_page.receive_stroke(state, [5] * 64)
    assert digits_page.DIGITS_PAD_PROBLEM not in state and state[digits_page.DIGITS_PAD_VERSION] == 1


def test_the_true_label_stays_until_the_copied_digit_is_drawn_on():
    image, label = digits.validation_digit(3)
    split = digits.load_split(True)
    assert label == split.y_val[3]
    np.testing.assert_array_equal(image.ravel(), split.X_val[3] * 16)  # the UCI grey levels, exactly
    assert digits.validation_digit(3 + len(split.y_val))[1] == label  # wraps around
    state = {digits_page.DIGITS_PIXELS: image, digits_page.DIGITS_COPIED: (3, label)}
    digits_page.receive_stroke(state, image.ravel().tolist())  # a stroke that changed nothing (erasing on blank)
    assert state[digits_page.DIGITS_COPIED] == (3, label)
    digits_page.receive_stroke(state, [0] * 64)
    assert state[digits_page.DIGITS_COPIED] is None


def test_grey_levels_print_as_the_uci_digits_do():
    pixels = np.arange(64).reshape(8, 8) % 17
    lines = digits_page.grey_levels_text(pixels).splitlines()
    assert lines[0] == " 0  1  2  3  4  5  6  7"
    assert lines[2] == "16  0  1  2  3  4  5  6"
    assert len(lines) == 8
