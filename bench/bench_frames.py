"""Frame rate of the live Playground in headless Chromium: frames/s, epochs/s shown, bytes per frame.

Starts `streamlit run app.py` as a user would, opens the Playground in Debian's Chromium, presses Play
and watches for --seconds:
  frames/s       repaints of the live view per second (the view counts them in window.nnpgLiveFrames)
  epochs/s       how fast the "Epoch" metric on screen advances
  kB/frame       websocket bytes from the server per drawn frame
  first render   from navigation to the first drawn figure

    python bench/bench_frames.py [--seconds 10] [--query "dataset=spiral&layers=8,8,8"] [--inside [TAB]]

--inside opens the "Inside the network" panel (collapsed by default) on TAB (default: Network) first,
and adds "diagram paints/s" (the network diagram counts them in window.nnpgNetworkFrames).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server  # noqa: E402

# Count every Plotly redraw of every chart on the page, and remember the Epoch metric's value over time.
READY_SELECTOR = ".nnpg-live canvas"

WATCHER_JS = """
() => {
  window.__frames = 0; window.__epochs = [];
  const hook = () => {
    window.__frames = window.nnpgLiveFrames || 0;
    const metric = document.querySelector('[data-testid="stMetricValue"]');
    if (metric) {
      const value = parseInt(metric.innerText.replace(/,/g, ''), 10);
      const last = window.__epochs[window.__epochs.length - 1];
      if (!last || last[1] !== value) window.__epochs.push([performance.now(), value]);
    }
    requestAnimationFrame(hook);
  };
  hook();
}
"""


def open_inside(page, tab: str) -> None:
    page.get_by_text("Inside the network").click()
    if tab == "Network":
        page.wait_for_selector(".nnpg-net canvas", timeout=60_000)
    else:
        page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(1000)


def measure(url: str, seconds: float, page, inside: str | None = None) -> dict:
    received = {"bytes": 0}

    def on_ws(ws):
        ws.on("framereceived", lambda payload: received.__setitem__("bytes", received["bytes"] + len(payload)))

    page.on("websocket", on_ws)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY_SELECTOR, timeout=60_000)
    first_render = time.perf_counter() - start
    if inside:
        open_inside(page, inside)
    page.evaluate(WATCHER_JS)
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(1500)  # let the loop settle
    frames0, bytes0 = page.evaluate("window.__frames"), received["bytes"]
    diagram0 = page.evaluate("window.nnpgNetworkFrames || 0")
    epochs0 = page.evaluate("window.__epochs.slice(-1)[0]")
    page.wait_for_timeout(seconds * 1000)
    frames1, bytes1 = page.evaluate("window.__frames"), received["bytes"]
    diagram1 = page.evaluate("window.nnpgNetworkFrames || 0")
    epochs1 = page.evaluate("window.__epochs.slice(-1)[0]")
    if page.get_by_role("button", name="Pause").count():
        page.get_by_role("button", name="Pause").click()
    frames = frames1 - frames0
    shown_seconds = (epochs1[0] - epochs0[0]) / 1000 or seconds
    results = {
        "first render (s)": first_render,
        "frames/s": frames / seconds,
        "epochs/s shown": (epochs1[1] - epochs0[1]) / shown_seconds,
        "kB/frame (websocket)": (bytes1 - bytes0) / 1000 / max(frames, 1),
    }
    if inside == "Network":
        results["diagram paints/s"] = (diagram1 - diagram0) / seconds
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--query", default="", help="URL query for the Playground (default configuration if empty)")
    parser.add_argument("--inside", nargs="?", const="Network", default=None, metavar="TAB",
                        help="open the Inside-the-network panel on this tab first (default tab: Network)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            url = f"http://127.0.0.1:{port}/" + (f"?{args.query}" if args.query else "")
            results = measure(url, args.seconds, page, args.inside)
            browser.close()
    finally:
        stop_server(server)
    panel = f", Inside the network open on {args.inside}" if args.inside else ""
    print(f"Playground live loop, {args.seconds:g} s in headless Chromium ({args.query or 'default configuration'}"
          f"{panel})")
    for key, value in results.items():
        print(f"  {key:24s}{value:8.2f}")


if __name__ == "__main__":
    main()
