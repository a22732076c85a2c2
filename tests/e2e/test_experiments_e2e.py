"""The Compare and Sweeps pages in a real Chromium (fixtures and helpers: tests/e2e/conftest.py)."""

import re
import time

from conftest import assert_no_exception, navigate, wait_for_app
from playwright.sync_api import expect

# What the compare view shows, read in one go: the epoch heading, the last epoch its curves were drawn to,
# and the results table (each cell's text).
READ_COMPARE = """root => ({
  heading: root.querySelector('h4.epoch').textContent,
  curves: Number(root.dataset.curvesEpoch),
  columns: [...root.querySelectorAll('.results th')].map(th => th.textContent),
  rows: [...root.querySelectorAll('.results tbody tr')].map(tr => [...tr.children].map(td => td.textContent)),
})"""


def compare_screen(page) -> dict:
    seen = page.locator(".nnpg-cmp").evaluate(READ_COMPARE)
    seen["epoch"] = int(re.sub(r"\D", "", seen["heading"]))
    return seen


def wait_for_compare_epoch(page, at_least: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while compare_screen(page)["epoch"] < at_least:
        assert time.monotonic() < deadline, f"the compare heading never reached epoch {at_least}"
        page.wait_for_timeout(100)


def test_compare_page_plays_every_run_and_pause_stops(page, app_url):
    page.goto(f"{app_url}/compare")
    wait_for_app(page)
    expect(page.locator("h1", has_text="Compare runs")).to_be_visible()
    page.locator(".nnpg-cmp canvas.planes").wait_for()
    expect(page.locator(".nnpg-cmp h4.epoch")).to_have_text("Epoch 0")
    frames = page.evaluate("() => window.nnpgCompareFrames || 0")

    page.get_by_role("button", name="Play").click()
    wait_for_compare_epoch(page, 5)
    assert page.evaluate("() => window.nnpgCompareFrames") > frames

    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused = compare_screen(page)["epoch"]
    page.wait_for_timeout(1500)
    assert compare_screen(page)["epoch"] == paused
    assert_no_exception(page)


def test_compare_heading_curves_and_table_show_one_epoch_while_playing(page, app_url):
    page.goto(f"{app_url}/compare")
    wait_for_app(page)
    page.locator(".nnpg-cmp canvas.planes").wait_for()
    fresh = compare_screen(page)
    cells = [cell for row in fresh["rows"] for cell in row]
    assert "–" in cells and not {"None", "nan", "NaN", ""} & set(cells), fresh["rows"]  # epoch 0: no numbers yet

    page.get_by_role("button", name="Play").click()
    samples = []
    for _ in range(15):
        page.wait_for_timeout(250)
        samples.append(compare_screen(page))
    page.get_by_role("button", name="Pause").click()
    epochs = [s["epoch"] for s in samples]
    assert epochs[-1] > epochs[0], epochs  # it played while we looked
    for seen in samples:
        table_epochs = [row[seen["columns"].index("epoch")] for row in seen["rows"]]
        assert seen["curves"] == seen["epoch"], seen
        assert table_epochs == [f"{seen['epoch']:,}"] * len(seen["rows"]), seen
        assert not {"None", "nan", "NaN"} & {cell for row in seen["rows"] for cell in row}, seen
    assert_no_exception(page)


def set_number(page, label: str, value: str) -> None:
    box = page.get_by_label(label)
    box.fill(value)
    box.press("Enter")
    page.wait_for_timeout(800)


def test_sweep_page_runs_a_tiny_sweep(page, app_url):
    page.goto(f"{app_url}/sweep")
    wait_for_app(page)
    expect(page.locator("h1", has_text="Sweeps")).to_be_visible()
    expect(page.get_by_text("Public-demo limits")).to_be_visible()
    set_number(page, "Epochs per run", "5")
    set_number(page, "How many learning rates (log-spaced)", "2")
    expect(page.get_by_text("2 runs × 5 epochs")).to_be_visible()
    page.get_by_role("button", name="Run sweep").click()
    expect(page.get_by_text("Done: 2 runs.")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=30_000)
    assert_no_exception(page)


RUNS_DONE_AT_LEAST = r"""n => {
  const bar = document.querySelector('[data-testid="stProgress"]');
  const done = bar && /\((\d+) done\)/.exec(bar.innerText);
  return done && Number(done[1]) >= n;
}"""


def sweep_screen(page) -> tuple[int, int, int]:
    """(runs the message counts, rows in the results table, curves in the loss-curve chart)."""
    message = page.get_by_text(re.compile(r"^Cancelled after \d+ of \d+ runs\.$")).inner_text()
    rows = page.locator('[data-testid="stDataFrame"] tbody tr[role="row"]').count()
    curves = page.locator(".js-plotly-plot").nth(1).evaluate("chart => chart.data.length")
    return int(re.search(r"after (\d+)", message).group(1)), rows, curves


def test_a_sweep_cancel_is_final_and_message_table_and_curves_agree(page, app_url):
    page.goto(f"{app_url}/sweep")
    wait_for_app(page)
    set_number(page, "Epochs per run", "500")
    set_number(page, "How many learning rates (log-spaced)", "24")
    expect(page.get_by_text("24 runs × 500 epochs")).to_be_visible()
    page.get_by_role("button", name="Run sweep").click()
    page.wait_for_function(RUNS_DONE_AT_LEAST, arg=2, timeout=60_000)
    page.get_by_role("button", name="Cancel").click()  # while a run trains: they follow each other
    expect(page.get_by_text(re.compile(r"^Cancelled after"))).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    first = sweep_screen(page)
    assert first[0] == first[1] == first[2] >= 1, first
    page.wait_for_timeout(5000)  # longer than a run: a run that was in flight has ended by now
    assert sweep_screen(page) == first
    assert_no_exception(page)


def test_a_diverged_regression_run_leaves_both_axes_readable(page, app_url):
    """Run C at learning rate 10 on the plane (regression) blows up: its loss climbs to ~1e278 and its R²
    falls to ~-1e279 before it diverges. The loss axis must fit the runs still training and the R² axis
    stay at -1..1, each saying that the diverged run leaves the chart (before: 0..2e278 and -1e279..7e277,
    every other curve a flat line)."""
    page.goto(f"{app_url}/?dataset=plane&samples=100")
    wait_for_app(page)
    navigate(page, "Compare runs")
    page.locator(".nnpg-cmp canvas.planes").wait_for()
    page.get_by_text("Change what each run does").click()
    page.get_by_role("combobox", name="Learning rate").nth(2).click()
    page.keyboard.type("10")  # the list is virtualized: 10, its last option, may not be rendered until filtered
    page.get_by_role("option", name="10", exact=True).click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Play").click()
    deadline = time.monotonic() + 60
    while "diverged" not in compare_screen(page)["rows"][2][-1]:
        assert time.monotonic() < deadline, compare_screen(page)["rows"]
        page.wait_for_timeout(200)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1000)
    panels, lowest = page.locator(".nnpg-cmp").evaluate("""root => [root.state.panels, Math.min(...root.state
      .data.series.filter(s => s.name === 'C train R²').flatMap(s => s.values).filter(v => v !== null))]""")
    assert lowest < -1e6  # run C's R² really did blow up before it diverged
    score, loss = panels["score"], panels["loss"]
    assert score["range"] == [-1, 1] and score["note"] == "values below -1 are off the chart", score
    assert loss["range"][1] < 10 and loss["note"] == "diverged runs leave the chart at the top", loss
    assert_no_exception(page)
