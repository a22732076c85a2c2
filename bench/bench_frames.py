"""Frame rate of the live Playground in headless Chromium: frames/s, epochs/s shown, bytes per frame, and
the first render.

Starts `streamlit run app.py` as a user would, opens the Playground in Debian's Chromium, presses Play
and watches for --seconds:
  frames/s       frames a user sees per second: each animation frame, a later epoch in the live view's bar
                 than the one before counts one (a frame replaced before the screen showed it does not)
  epochs/s       how fast the epoch in the bar advances
  kB/frame       websocket bytes from the server per drawn frame
  server CPU     the server process's CPU time per drawn frame, and apart from it its runs' training, as
                 the server counts them (/nnpg/stats: the training threads' own CPU time)
  first render   until the live view is mounted, from the navigation and from the server's answer: for
                 the first visitor of the fresh server, then for --visits new visitors (a fresh browser
                 each, one after another)

    python bench/bench_frames.py [--seconds 10] [--visits 5] [--query "dataset=spiral&layers=8,8,8"]
                                 [--inside [TAB]] [--app DIR]

--app DIR serves another checkout's app.py (for an A/B against an earlier commit: `git worktree add DIR REV`).

--inside opens the "Inside the network" panel (collapsed by default) on TAB (default: Neuron) first.
The network diagram is part of the live view itself: every frame repaints it with the plane.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

from conftest import CHROMIUM, CHROMIUM_ARGS, SHOWN_EPOCH, free_port, start_server, stop_server  # noqa: E402
from first_render import VIEWPORT, first_render, new_visitor, report  # noqa: E402

# Count the frames a user sees: each animation frame, the epoch in the live view's bar; a later epoch than
# the last one seen is a new frame (a frame replaced before the screen showed it is not counted).
WATCHER_JS = """
() => {
  const shown = (SHOWN_EPOCH);
  window.__frames = 0; window.__epochs = [];
  const hook = () => {
    const value = shown();
    const last = window.__epochs[window.__epochs.length - 1];
    if (value >= 0 && (!last || value > last[1])) {
      if (last) window.__frames += 1;
      window.__epochs.push([performance.now(), value]);
    }
    requestAnimationFrame(hook);
  };
  hook();
}
""".replace("SHOWN_EPOCH", SHOWN_EPOCH)


def open_inside(page, tab: str) -> None:
    page.get_by_text("Inside the network").click()
    page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(1000)


def server_cpu(base_url: str, pid: int) -> tuple[float, float]:
    """The server process's CPU seconds so far (from /proc): all of it, and its runs' training as the server
    counts it (ui/web/stats.py; NaN for an app from before /nnpg/stats, an A/B's base)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    try:
        with urllib.request.urlopen(f"{base_url}/nnpg/stats", timeout=10) as response:
            return total, json.load(response)["training_cpu_seconds"]
    except (urllib.error.HTTPError, json.JSONDecodeError):  # an older app answers with its page, or 404
        return total, math.nan


def measure(url: str, seconds: float, browser, server: tuple[str, int],
            inside: str | None = None) -> tuple[dict, tuple[float, float]]:
    received = {"bytes": 0}

    def on_ws(ws):
        ws.on("framereceived", lambda payload: received.__setitem__("bytes", received["bytes"] + len(payload)))

    page = browser.new_page(viewport=VIEWPORT)
    page.on("websocket", on_ws)
    first_visit = first_render(page, url)
    if inside:
        open_inside(page, inside)
    page.evaluate(WATCHER_JS)
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(1500)  # let the loop settle
    frames0, bytes0, cpu0 = page.evaluate("window.__frames"), received["bytes"], server_cpu(*server)
    epochs0 = page.evaluate("window.__epochs.slice(-1)[0]")
    page.wait_for_timeout(seconds * 1000)
    frames1, bytes1, cpu1 = page.evaluate("window.__frames"), received["bytes"], server_cpu(*server)
    epochs1 = page.evaluate("window.__epochs.slice(-1)[0]")
    if page.get_by_role("button", name="Pause").count():
        page.get_by_role("button", name="Pause").click()
    frames = frames1 - frames0
    shown_seconds = (epochs1[0] - epochs0[0]) / 1000 or seconds
    results = {
        "frames/s": f"{frames / seconds:.2f}",
        "epochs/s shown": f"{(epochs1[1] - epochs0[1]) / shown_seconds:.1f}",
        "kB/frame (websocket)": f"{(bytes1 - bytes0) / 1000 / max(frames, 1):.1f}",
        "server CPU ms/frame": [(after - before) * 1000 / max(frames, 1) for before, after in zip(cpu0, cpu1)],
    }
    return results, first_visit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--visits", type=int, default=5, help="new visitors whose first render is timed")
    parser.add_argument("--query", default="", help="URL query for the Playground (default configuration if empty)")
    parser.add_argument("--inside", nargs="?", const="Neuron", default=None, metavar="TAB",
                        help="open the Inside-the-network panel on this tab first (default tab: Neuron)")
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout whose app.py is served")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port, root=args.app)
    try:
        with sync_playwright() as pw:
            base = f"http://127.0.0.1:{port}"
            url = f"{base}/" + (f"?{args.query}" if args.query else "")
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            results, first_visit = measure(url, args.seconds, browser, (base, server.pid), args.inside)
            browser.close()
            visits = []
            for _ in range(args.visits):
                time.sleep(1)
                visits.append(new_visitor(pw, CHROMIUM, CHROMIUM_ARGS, url))
    finally:
        stop_server(server)
    cpu, training = results.pop("server CPU ms/frame")
    results["server CPU ms/frame"] = f"{cpu:.1f} (training {training:.1f}, the rest {cpu - training:.1f})"
    results["first render, fresh server"] = report([first_visit])
    if visits:
        results["first render, new visitors"] = report(visits)
    panel = f", Inside the network open on {args.inside}" if args.inside else ""
    app = "" if args.app == ROOT else f", app of {args.app}"
    print(f"Playground live loop, {args.seconds:g} s in headless Chromium ({args.query or 'default configuration'}"
          f"{panel}{app})")
    for key, value in results.items():
        print(f"  {key:30s}{value}")


if __name__ == "__main__":
    main()
