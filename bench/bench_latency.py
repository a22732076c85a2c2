"""How long a change takes to show on the Playground, in headless Chromium: from the click to the live view
showing the new setup (polled at every animation frame).

  step            Step: the bar shows the next epoch
  neuron + / −    a click on + or − over layer 1 in the diagram: the diagram draws the server's new network
  input on / off  a click on the X₁² input node: the diagram draws it switched
  activation      "Activation (every hidden layer)" in the sidebar set to another: the diagram says so
  page switch     Lessons -> Playground in the top bar: the live view's first frame

    python bench/bench_latency.py [--repeats 6] [--app DIR]

Targets (issue 16): a control change within 0.3 s, a page switch within 0.8 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

from conftest import CHROMIUM, CHROMIUM_ARGS, LIVE_ROOT, SHOWN_EPOCH, free_port, navigate, start_server, stop_server  # noqa: E402

UNITS_JS = f"() => ({LIVE_ROOT})().state.data.net.diagram.columns[1].labels.length"
FEATURES_JS = f"() => ({LIVE_ROOT})().state.data.net.features.length"
ACTIVATION_JS = f"() => ({LIVE_ROOT})().state.data.net.diagram.columns[1].subtitle"


def timed(page, act, condition: str) -> float:
    """Seconds from ``act()`` to ``condition`` (a JS expression) holding on an animation frame."""
    start = time.perf_counter()
    act()
    page.wait_for_function(condition, polling="raf", timeout=30_000)
    return time.perf_counter() - start


def node_position(page, column: int, row: int) -> dict:
    x, y = page.evaluate(f"() => {{ const n = ({LIVE_ROOT})().state.layout.byColumn[{column}][{row}]; "
                         "return [n.x, n.y]; }")
    return {"x": x, "y": y}


def measure(page, repeats: int) -> dict[str, list[float]]:
    out = {name: [] for name in ("step", "neuron + / −", "input on / off", "activation", "page switch")}
    diagram = page.locator(".nnpg-live canvas.diagram")
    for i in range(repeats):
        epoch = page.evaluate(SHOWN_EPOCH)
        out["step"].append(timed(page, lambda: page.get_by_role("button", name="Step").click(),
                                 f"({SHOWN_EPOCH})() === {epoch + 1}"))
        units, sign = page.evaluate(UNITS_JS), "plus" if i % 2 == 0 else "minus"
        button = page.locator(f".nnpg-live button[data-act='units-{sign}-0']")
        wanted = units + (1 if sign == "plus" else -1)
        out["neuron + / −"].append(timed(page, button.click, f"({UNITS_JS})() === {wanted}"))
        count = page.evaluate(FEATURES_JS)
        click_input = partial(diagram.click, position=node_position(page, 0, 2))
        out["input on / off"].append(timed(page, click_input, f"({FEATURES_JS})() !== {count}"))
        target = "relu" if i % 2 == 0 else "tanh"
        page.get_by_role("combobox", name="Activation (every hidden layer)").click()
        option = page.get_by_role("option", name=target, exact=True)
        out["activation"].append(timed(page, option.click, f"({ACTIVATION_JS})().endsWith('{target}')"))
        navigate(page, "Lessons")
        page.locator("h1", has_text="Lessons").wait_for()
        page.locator('[data-testid="stTopNavSection"]', has_text="Explore").click()
        link = page.locator('[data-testid="stTopNavDropdownLink"]', has_text="Playground")
        out["page switch"].append(timed(page, link.click, f"({SHOWN_EPOCH})() >= 0"))
        page.wait_for_timeout(300)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout whose app.py is served")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port, root=args.app)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function(f"({SHOWN_EPOCH})() >= 0", timeout=60_000)
            page.wait_for_timeout(1000)
            results = measure(page, args.repeats)
            browser.close()
    finally:
        stop_server(server)
    print(f"Playground, from the click to the view showing it ({args.repeats} times each, 1280 x 720)")
    for name, seconds in results.items():
        print(f"  {name:16s} median {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s")


if __name__ == "__main__":
    main()
