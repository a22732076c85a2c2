"""Many users at once: N headless Chromium pages each playing the default Playground on one server.

Measures, over --seconds after a warm-up:
  frames/s per session   live-view repaints (window.nnpgLiveFrames) per page, min / median, before the
                         newcomers (steady) and from the first one's arrival to the end (playing sessions
                         give way while a page loads: ui/core/pacing.py)
  epochs/s per session   how fast each page's Epoch metric advances, median (the same two spans)
  server CPU             the Streamlit process's CPU time per wall second (1.0 = one core)
  memory per session     (server RSS with N sessions - RSS before any) / N
  newcomer first render  --newcomers pages opened one after another during the load, each in a browser of
                         its own: navigation (and the server's answer) to the live view mounted

On this machine the sessions' browsers share the server's 2 cores; on a real deployment they run on
other people's computers. --clients-idle runs them under SCHED_IDLE (chrt --idle), so they only get CPU
the server and the newcomer leave: the closest one machine comes to that. (nice does not do it: Chromium
resets its renderers' niceness.) The newcomers' own browsers always run at normal priority.

    python bench/bench_load.py [--sessions 8] [--seconds 15] [--newcomers 4] [--clients-idle]
                              [--app DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from bench_frames import WATCHER_JS  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS, SHOWN_EPOCH, free_port, start_server, stop_server  # noqa: E402
from first_render import first_render, new_visitor, report  # noqa: E402

# Every real user has their own foreground browser; in one headless Chromium all but one page would be a
# background tab whose timers are throttled to ~1/s, so switch that throttling off.
FOREGROUND_ARGS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                   "--disable-backgrounding-occluded-windows"]
EPOCH_JS = SHOWN_EPOCH  # the epoch in the live view's bar

def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def idle_chromium(folder: str) -> str:
    """A Chromium executable (a wrapper script in ``folder``) that runs under the SCHED_IDLE policy."""
    wrapper = Path(folder) / "chromium-idle"
    wrapper.write_text(f'#!/bin/sh\nexec chrt --idle 0 {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def open_playing(browser, url: str):
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    page.set_default_timeout(120_000)
    first_render(page, url)
    page.evaluate(WATCHER_JS)
    page.get_by_role("button", name="Play").click()
    return page


def rates(start, end, seconds: float) -> tuple[list[float], list[float]]:
    """Frames/s and epochs/s of each page between two samples."""
    return ([(b[0] - a[0]) / seconds for a, b in zip(start, end)],
            [(b[1] - a[1]) / seconds for a, b in zip(start, end)])


def sample(pages) -> list[tuple[int, int]]:
    return [(p.evaluate("window.__frames"), p.evaluate(EPOCH_JS)) for p in pages]  # frames seen, epoch shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--newcomers", type=int, default=4, help="pages opened one after another during the load")
    parser.add_argument("--clients-idle", action="store_true", help="run the sessions' browser under SCHED_IDLE")
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout whose app.py is served (for an A/B)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port, root=args.app)
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as folder:
            clients = idle_chromium(folder) if args.clients_idle else CHROMIUM
            browser = pw.chromium.launch(executable_path=clients, headless=True, args=CHROMIUM_ARGS + FOREGROUND_ARGS)
            rss_idle = rss_mb(server.pid)
            pages = [open_playing(browser, url) for _ in range(args.sessions)]
            time.sleep(3)  # warm-up
            before, cpu0, t0 = sample(pages), cpu_seconds(server.pid), time.perf_counter()
            time.sleep(args.seconds / 2)
            middle, t_mid = sample(pages), time.perf_counter()
            newcomers = []
            for _ in range(args.newcomers):
                # Someone else, with a browser of their own (not a tab queued behind eight busy ones).
                newcomers.append(new_visitor(pw, CHROMIUM, CHROMIUM_ARGS, url))
                time.sleep(2)
            time.sleep(max(0.0, args.seconds / 2 - (time.perf_counter() - t_mid)))
            after, cpu1, t1 = sample(pages), cpu_seconds(server.pid), time.perf_counter()
            rss_loaded = rss_mb(server.pid)
            browser.close()
    finally:
        stop_server(server)
    steady, arrival = rates(before, middle, t_mid - t0), rates(middle, after, t1 - t_mid)
    clients = "their browser under SCHED_IDLE" if args.clients_idle else "their browser on the same 2 cores"
    print(f"{args.sessions} sessions playing the default Playground for {t1 - t0:.1f} s ({clients})")
    for label, (fps, eps) in (("steady", steady), ("newcomer arriving", arrival)):
        print(f"  frames/s per session    min {min(fps):.2f}  median {statistics.median(fps):.2f}  ({label})")
        print(f"  epochs/s per session    median {statistics.median(eps):.1f}  ({label})")
    print(f"  server CPU              {(cpu1 - cpu0) / (t1 - t0):.2f} cores")
    print(f"  memory per session      {(rss_loaded - rss_idle) / args.sessions:.1f} MB "
          f"(server RSS {rss_idle:.0f} MB idle, {rss_loaded:.0f} MB loaded)")
    if newcomers:
        print(f"  newcomer first render   {' '.join(f'{v[0]:.2f}' for v in newcomers)} s: {report(newcomers)}")


if __name__ == "__main__":
    main()
