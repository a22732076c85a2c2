"""The Compare and Sweeps pages in a real Chromium (fixtures and helpers: tests/e2e/conftest.py)."""

from conftest import assert_no_exception, wait_for_app
from playwright.sync_api import expect

EPOCH_AT_LEAST = """n => {
  const h = [...document.querySelectorAll('h4')].find(e => /^Epoch [\\d,]+$/.test(e.innerText.trim()));
  return h && parseInt(h.innerText.replace(/[^\\d]/g, '')) >= n;
}"""


def compare_epoch(page) -> int:
    text = page.locator("h4").filter(has_text="Epoch").first.inner_text()
    return int("".join(ch for ch in text if ch.isdigit()))


def test_compare_page_plays_every_run_and_pause_stops(page, app_url):
    page.goto(f"{app_url}/compare")
    wait_for_app(page)
    expect(page.locator("h1", has_text="Compare runs")).to_be_visible()
    page.locator(".nnpg-cmp canvas.planes").wait_for()
    assert compare_epoch(page) == 0
    frames = page.evaluate("() => window.nnpgCompareFrames || 0")

    page.get_by_role("button", name="Play").click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=5, timeout=30_000)
    # the canvas repaints in place (its paint can land a moment after the epoch heading)
    page.wait_for_function("n => (window.nnpgCompareFrames || 0) > n", arg=frames, timeout=30_000)
    assert page.evaluate("() => window.nnpgCompareFrames") > frames

    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused = compare_epoch(page)
    page.wait_for_timeout(1500)
    assert compare_epoch(page) == paused
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=30_000)
    assert_no_exception(page)


def test_sweep_page_runs_a_tiny_sweep(page, app_url):
    page.goto(f"{app_url}/sweep")
    wait_for_app(page)
    expect(page.locator("h1", has_text="Sweeps")).to_be_visible()
    expect(page.get_by_text("Public-demo limits")).to_be_visible()
    for label, value in (("Epochs per run", "5"), ("How many learning rates (log-spaced)", "2")):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Enter")
        page.wait_for_timeout(800)
    expect(page.get_by_text("2 runs × 5 epochs")).to_be_visible()
    page.get_by_role("button", name="Run sweep").click()
    expect(page.get_by_text("Done: 2 runs.")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=30_000)
    assert_no_exception(page)
