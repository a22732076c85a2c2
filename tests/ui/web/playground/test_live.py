"""The live view's pure helpers (ui/web/playground/live.py)."""

import math

import pytest

from ui.web.playground import live


@pytest.mark.parametrize("value, shown", [(0.12345, "0.1235"), (math.nan, "NaN"), (math.inf, "∞"), (-math.inf, "−∞")])
def test_a_metric_tile_says_what_the_number_is(value, shown):
    """An overflowed loss is infinite, not "not a number" (the walk-through saw NaN for an infinite loss)."""
    assert live.fmt(value) == shown
