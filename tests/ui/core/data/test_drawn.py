"""A drawn set in a link (ui/core/data/drawn.py): exact round trips, and any text refused with a reason."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.core.data import drawn


@pytest.mark.parametrize("kind, labels", [("binary", [0, 1]), ("multiclass", [0, 1, 2, 3, 4, 5]),
                                          ("regression", None)])
def test_a_drawn_set_comes_back_from_its_link_exactly(kind, labels):
    rng = np.random.default_rng(3)
    X = drawn.snap(rng.uniform(-6, 6, size=(300, 2)))
    y = np.round(rng.uniform(-1, 1, 300), 2) if labels is None else rng.choice(labels, 300)
    text = drawn.encode(X, y, kind)
    assert len(text) <= 1202 and text.startswith("1" + drawn.KINDS[kind])
    X2, y2, kind2 = drawn.decode(text, 10, 300)
    assert kind2 == kind and np.array_equal(X2, X) and np.array_equal(y2, y)


def test_snap_puts_points_on_the_links_grid_inside_the_plane():
    np.testing.assert_array_equal(drawn.snap(np.array([0.024, 0.026, -7.0, 6.2, 1.0 / 3])),
                                  [0.0, 0.05, -6.0, 6.0, 0.35])


@pytest.mark.parametrize("text, why", [
    ("", "not a drawn set"), ("2bAAAA", "not a drawn set"), ("1xAAAA", "not a drawn set"),
    ("1b AAA", "not a drawn set"), ("1bAAAAA", "cut short"), ("1b" + "AAAA" * 3, "holds 3 points"),
    ("1b" + "AAAA" * 12 + "AB", "cut short"), ("1b" + "8QAA" * 12, "outside the plane"),
    ("1b" + "AAAC" * 12, "label"),
    ("1m" + "AAAG" * 12, "label"), ("1r" + "AADJ" * 12, "label"),
])
def test_a_broken_link_says_what_is_wrong(text, why):
    with pytest.raises(ValueError, match=why):
        drawn.decode(text, 10, 300)


@given(st.text(max_size=60))
def test_any_text_is_a_drawn_set_or_a_clear_refusal(text):
    try:
        X, y, kind = drawn.decode(text, 1, 300)
    except ValueError:
        return
    assert X.shape == (len(y), 2) and np.abs(X).max() <= 6 and kind in drawn.KINDS
