"""The Learn pages in a real Chromium: each loads with its title and no exception, and the main action of
each (step a stage, train) works in the browser. Fixtures and server helpers: tests/e2e/conftest.py."""

import pytest
from conftest import assert_no_exception, free_port, start_server, stop_server
from playwright.sync_api import expect

from ui.core.learn import digits

# path, title, and a text the script draws near its end: once it shows, the run has arrived
PAGES = [
    ("backprop", "Backprop, step by step", "Largest relative error"),
    ("digits", "Digits: the tutorial's model, on nnlib", "grey levels the model reads"),
    ("activations", "Activation explorer", "Each line is a fresh nnlib model"),
]
RUNNING = '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'
WAIT = 60_000  # ms for every expectation: a busy 2-core CI box can take a while to draw a whole page


def settle(page, last_text: str) -> None:
    """Wait until the run has drawn the page's last text and no script run is in progress. (The status
    widget as a whole can stay up for another reason: a 'source file changed' prompt.)"""
    expect(page.get_by_text(last_text, exact=False).first).to_be_visible(timeout=WAIT)
    page.wait_for_selector(RUNNING, state="detached", timeout=WAIT)


def open_page(page, url: str, title: str, last_text: str) -> None:
    page.goto(url)
    expect(page.locator("h1", has_text=title)).to_be_visible(timeout=WAIT)
    settle(page, last_text)


@pytest.mark.parametrize(("path", "title", "last_text"), PAGES, ids=[p[0] for p in PAGES])
def test_page_loads_with_its_title_and_no_exception(page, app_url, path, title, last_text):
    open_page(page, f"{app_url}/{path}", title, last_text)
    # the first page of a cold server also waits for the Plotly bundle: give it the actions' 30 s
    expect(page.locator('[data-testid="stPlotlyChart"], [data-testid="stCode"]').first).to_be_visible(timeout=WAIT)
    assert_no_exception(page)


def test_backprop_next_stage_in_the_browser(page, app_url):
    open_page(page, f"{app_url}/backprop", *PAGES[0][1:])
    expect(page.get_by_text("Stage 1 of 8", exact=False)).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Next stage").click()
    expect(page.get_by_text("Stage 2 of 8", exact=False)).to_be_visible(timeout=WAIT)
    settle(page, PAGES[0][2])
    assert_no_exception(page)


def test_digits_trains_in_the_browser(page, app_url):
    open_page(page, f"{app_url}/digits", *PAGES[1][1:])
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Validation accuracy", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("What the first layer looks for")).to_be_visible(timeout=WAIT)
    settle(page, PAGES[1][2])
    # the numbers shown are those of nnlib training the page's defaults (the code shown, run here)
    config = digits.DigitsConfig()
    split = digits.load_split(config.standardize)
    model = digits.build_model(config)
    digits.fit(model, split, config)
    results = digits.evaluate(model, split)
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Validation accuracy")).to_contain_text(f"{results.accuracy:.1%}")
    expect(metrics.filter(has_text="Misclassified")).to_contain_text(f"{len(results.wrong)} of 451")
    assert_no_exception(page)


def test_a_deep_link_to_a_fresh_server_runs_through_app_py(browser):
    port = free_port()
    proc = start_server(port)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"http://127.0.0.1:{port}/backprop", *PAGES[0][1:])
        nav = page.locator('[data-testid="stTopNav"]')
        expect(nav.get_by_text("Learn")).to_be_visible(timeout=15_000)  # app.py's navigation
        page.close()
    finally:
        stop_server(proc)
