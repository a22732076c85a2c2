"""Browser tests: a real `streamlit run app.py` server driven by Debian's Chromium through Playwright.

Under CI=true a missing browser fails the run; elsewhere the browser tests are skipped with a reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT = 60


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _need_browser() -> None:
    have = Path(CHROMIUM).exists() or shutil.which(CHROMIUM)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        have = False
    if not have:
        message = f"browser tests need Chromium at {CHROMIUM} and the playwright package"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: this is a failure, not a skip)", pytrace=False)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, extra_env: dict | None = None, root: Path = ROOT) -> subprocess.Popen:
    """Start the app (of the checkout at ``root``) as a user would; returns once /_stcore/health answers."""
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, **(extra_env or {})}
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{proc.stdout.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not answer /_stcore/health in time")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url():
    _need_browser()
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a fresh server's first page can take several seconds on 2 cores

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has rendered the page and finished its first run: a page's title, or the
    Playground's live view with its first frame."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1, .nnpg-live .bar .item', timeout=30_000)


# The epoch in the Playground's bar as a user reads it; -1 before the first frame. The view lives in a
# component's shadow root, out of document.querySelector's reach, so the host is looked up (and kept).
LIVE_ROOT = """() => {
  const find = () => [...document.querySelectorAll('*')]
    .find((el) => el.shadowRoot && el.shadowRoot.querySelector('.nnpg-live'));
  if (!window.__nnpgHost || !window.__nnpgHost.isConnected) window.__nnpgHost = find();
  const host = window.__nnpgHost;
  return host ? host.shadowRoot.querySelector('.nnpg-live') : document.querySelector('.nnpg-live'); }"""
SHOWN_EPOCH = f"""() => {{
  const root = ({LIVE_ROOT})(), item = root && root.querySelector('.bar [data-label=Epoch] b');
  return item ? parseInt(item.textContent.replace(/,/g, ''), 10) : -1; }}"""


SECTION_OF = {"Playground": "Explore", "Lessons": "Explore", "Compare runs": "Experiment", "Sweeps": "Experiment",
              "Backprop, step by step": "Learn", "Digits (the tutorial's model)": "Learn",
              "Activation explorer": "Learn"}


def navigate(page, title: str) -> None:
    """Go to page ``title`` as a user does: its section in the top bar, then its link."""
    page.locator('[data-testid="stTopNavSection"]', has_text=SECTION_OF[title]).click()
    page.locator('[data-testid="stTopNavDropdownLink"]', has_text=title).click()


def epoch_on_screen(page) -> int:
    return page.evaluate(SHOWN_EPOCH)


def wait_for_epoch(page, at_least: int, timeout: float = 30_000) -> None:
    page.wait_for_function(f"({SHOWN_EPOCH})() >= {at_least}", timeout=timeout)


def assert_no_exception(page) -> None:
    count = page.locator('[data-testid="stException"]').count()
    assert count == 0, page.locator('[data-testid="stException"]').first.inner_text()


# Load a view's script as ui/web/canvas.py builds it and mount it with `data`, as Streamlit would, on a blank page.
MOUNT = """async ([js, data]) => {
  const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
  const view = await import(url);
  const parent = document.createElement("div");
  parent.style.width = Math.min(1200, window.innerWidth) + "px";  // as Streamlit's main column on this screen
  document.body.appendChild(parent);
  view.default({ parentElement: parent, data, setTriggerValue: () => {} });
  window.nnpgRepaint = (next) => view.default({ parentElement: parent, data: next, setTriggerValue: () => {} });
}"""


def mount(page, asset: str, payload: dict, css_class: str) -> None:
    import json

    from ui.web.canvas import ASSETS, view_script

    page.add_style_tag(content=(ASSETS / f"{asset}.css").read_text())
    page.evaluate(MOUNT, [view_script(asset), json.loads(json.dumps(payload, default=list))])
    page.wait_for_selector(f".{css_class} canvas")


# Every fillText and clearRect on a canvas, in CSS pixels: canvas.nnpgTexts holds what its last paint drew
# (sized() clears the whole canvas first). Rotated texts (the axis titles) are marked and skipped.
RECORD_TEXTS = """() => {
  const proto = CanvasRenderingContext2D.prototype, fill = proto.fillText, clear = proto.clearRect;
  proto.clearRect = function (...args) { this.canvas.nnpgTexts = []; return clear.apply(this, args); };
  proto.fillText = function (text, x, y, ...rest) {
    const t = this.getTransform(), ratio = window.devicePixelRatio || 1, width = this.measureText(text).width;
    const left = this.textAlign === "right" ? x - width : this.textAlign === "center" ? x - width / 2 : x;
    (this.canvas.nnpgTexts = this.canvas.nnpgTexts || []).push({ text: String(text), left: left + t.e / ratio,
      right: left + width + t.e / ratio, y: y + t.f / ratio, rotated: t.b !== 0 });
    return fill.call(this, text, x, y, ...rest);
  };
}"""
