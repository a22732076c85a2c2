"""Every page survives hostile query strings: no exception, the page still renders."""

import urllib.parse

import pytest
from conftest import assert_no_exception, wait_for_app

PAGES = ["", "lessons", "compare", "sweep", "backprop", "digits", "activations"]
HOSTILE = {
    "numbers": {"layers": "99999999999999999999", "samples": "-1e308", "learning_rate": "NaN", "seed": "inf",
                "noise": "1e-400", "batch_size": "0x10", "epochs_per_frame": "-0"},
    "markup": {"dataset": "<script>alert(1)</script>", "lesson": "'; DROP TABLE--", "hide": "<img src=x onerror=1>",
               "features": "x1,<b>x2</b>", "activations": "{{7*7}}"},
    "unicode_and_length": {"dataset": "ŝpïràl🙂", "optimizer": "а" * 5000, "\u202e": "rtl", "layers": "٣,٤"},
}


def hostile_url(base: str, page: str, params: dict) -> str:
    pairs = list(params.items()) + [("layers", "1"), ("layers", "2,2")]  # repeated keys arrive as lists
    return f"{base}/{page}?{urllib.parse.urlencode(pairs)}"


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("path", PAGES)
def test_page_survives_hostile_query(page, app_url, path, kind):
    page.goto(hostile_url(app_url, path, HOSTILE[kind]))
    wait_for_app(page)
    page.wait_for_timeout(300)
    assert page.locator("[data-testid=stMainBlockContainer] h1, .nnpg-live .bar .item").first.is_visible()
    assert_no_exception(page)
    assert page.evaluate("() => window.__pwned === undefined")  # nothing we sent ran as script
