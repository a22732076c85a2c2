"""A room of strangers without browsers: N simulated users (bench/protocol_user.py speaks Streamlit's
websocket protocol) each open the Playground, press Play and count the frames they receive.

One process (the default), or --replicas N Streamlit processes behind Debian's nginx, which this benchmark
starts itself (sticky by a cookie nginx sets on the first page load, websocket upgrade; DEPLOY.md's config).

Measures, per session count, over --seconds after the last user has joined and a warm-up:
  frames/s per session   frames received (the frames inside each live-view payload), min / median
  server CPU per frame   the server processes' CPU time over the window / every frame received
  server cores           that CPU time per wall second (1.0 = one core)
  memory per session     (server RSS with N sessions - RSS before any) / N, summed over replicas
  newcomer response      --newcomers users arriving one after another during the load: from the page GET to
                         the first live-view payload (no browser rendering in it)
An asyncio runner rather than Locust: a user is one long-lived websocket with a timer (the fragment's
auto-rerun) and a frame counter, which asyncio runs by the hundred in one process; Locust's custom-client
model is built around request/response timings and gevent, which would add a second event loop to bridge.

    python bench/bench_sessions.py [--sessions 8 16 32 64] [--seconds 15] [--replicas 0] [--newcomers 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import cpu_seconds, rss_mb  # noqa: E402
from conftest import free_port, start_server, stop_server  # noqa: E402
from protocol_user import ProtocolUser  # noqa: E402
from replicas import Deployment  # noqa: E402

MAX_SESSIONS = 200  # bounded: this is a benchmark on one machine, not a stress tool
JOIN_SPACING = 0.05  # seconds between users joining (a burst is bench_soak's job)
WARM_UP = 3.0


async def measure(url: str, sessions: int, seconds: float, newcomers: int, pids, query: str) -> dict:
    users = [ProtocolUser(url, query) for _ in range(sessions)]
    rss_before = sum(map(rss_mb, pids()))
    start = time.monotonic()
    window_start = start + sessions * JOIN_SPACING + WARM_UP
    window_end = window_start + seconds
    tasks = []
    for user in users:
        tasks.append(asyncio.create_task(user.run(window_end - time.monotonic() + 0.5)))
        await asyncio.sleep(JOIN_SPACING)
    await asyncio.sleep(max(0.0, window_start - time.monotonic()))
    cpu_start, window_start = sum(map(cpu_seconds, pids())), time.monotonic()
    responses = await _newcomers(url, newcomers, seconds, query)
    await asyncio.sleep(max(0.0, window_end - time.monotonic()))
    cpu, window_end = sum(map(cpu_seconds, pids())) - cpu_start, time.monotonic()
    rss_during = sum(map(rss_mb, pids()))
    visits = await asyncio.gather(*tasks)
    rates = [v.frames_per_second(window_start, window_end) for v in visits]
    span = window_end - window_start
    frames = sum(rates) * span
    return {"sessions": sessions, "errors": [v.error for v in visits if v.error], "min": min(rates),
            "median": statistics.median(rates), "cpu_ms_per_frame": 1000 * cpu / frames if frames else float("nan"),
            "cores": cpu / span, "mb_per_session": (rss_during - rss_before) / sessions, "newcomers": responses}


async def _newcomers(url: str, count: int, seconds: float, query: str) -> list[float]:
    """Users arriving one after another, spread over the window; each leaves once its first frame is in."""
    responses = []
    for _ in range(count):
        arrived = time.monotonic()
        visit = await ProtocolUser(url, query).run(10.0, stop_at_first_frame=True)
        responses.append(visit.first_response if visit.first_response is not None else float("nan"))
        await asyncio.sleep(max(0.0, seconds / (count + 1) - (time.monotonic() - arrived)))
    return responses


def report(result: dict) -> str:
    news = [r for r in result["newcomers"] if r == r]
    newcomer = f"median {statistics.median(news):.2f} s, max {max(news):.2f} s" if news else "none"
    errors = f", {len(result['errors'])} failed: {result['errors'][0]}" if result["errors"] else ""
    return (f"{result['sessions']:>4} sessions  frames/s min {result['min']:5.1f} median {result['median']:5.1f}  "
            f"CPU {result['cpu_ms_per_frame']:5.1f} ms/frame ({result['cores']:.2f} cores)  "
            f"{result['mb_per_session']:5.1f} MB/session  newcomer first response {newcomer}{errors}")


def against_browser(seconds: float) -> str:
    """One session in Chromium (frames received over its websocket, frames painted), then one protocol user on
    the same server: the generator counts what a browser receives."""
    from bench_frames import WATCHER_JS
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from first_render import VIEWPORT, first_render
    from playwright.sync_api import sync_playwright
    from protocol_user import frames_received

    with serving(0) as (url, _):
        with sync_playwright() as pw:  # its own event loop: the protocol user's asyncio runs after it
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page, received = browser.new_page(viewport=VIEWPORT), [0]
            page.on("websocket", lambda ws: ws.on("framereceived", lambda raw: received.__setitem__(
                0, received[0] + (frames_received(raw) if isinstance(raw, bytes) else 0))))
            first_render(page, url)
            page.evaluate(WATCHER_JS)
            page.get_by_role("button", name="Play").click()
            page.wait_for_timeout(WARM_UP * 1000)
            painted0, received0 = page.evaluate("window.__frames"), received[0]
            page.wait_for_timeout(seconds * 1000)
            painted, got = page.evaluate("window.__frames") - painted0, received[0] - received0
            browser.close()
        user = ProtocolUser(url)
        visit = asyncio.run(user.run(WARM_UP + seconds + 1))
        start = visit.frames[0] + WARM_UP if visit.frames else 0.0
        protocol = visit.frames_per_second(start, start + seconds)
    return (f"one session, {seconds:g} s: Chromium received {got / seconds:.1f} frames/s and painted "
            f"{painted / seconds:.1f}; the protocol user received {protocol:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 8, 16, 32, 64])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--replicas", type=int, default=0, help="Streamlit processes behind nginx (0: one, direct)")
    parser.add_argument("--newcomers", type=int, default=3)
    parser.add_argument("--query", default="", help="URL query for the Playground (default configuration if empty)")
    parser.add_argument("--against-browser", action="store_true", help="only compare one session with Chromium's")
    args = parser.parse_args()
    if args.against_browser:
        print(against_browser(args.seconds))
        return
    if max(args.sessions) > MAX_SESSIONS or min(args.sessions) < 1:
        raise SystemExit(f"--sessions must be 1 to {MAX_SESSIONS}")
    where = f"{args.replicas} processes behind nginx" if args.replicas else "one process"
    print(f"Playground sessions over Streamlit's protocol, {args.seconds:g} s each, {where}")
    for sessions in args.sessions:  # a fresh server for each count, so memory and warm caches start alike
        with serving(args.replicas) as (url, pids):
            print(report(asyncio.run(measure(url, sessions, args.seconds, args.newcomers, pids, args.query))),
                  flush=True)


class serving:
    """One Streamlit process on a free port, or a Deployment of replicas behind nginx: (url, pids)."""

    def __init__(self, replicas: int):
        self.replicas = replicas

    def __enter__(self):
        if self.replicas:
            self.deployment = Deployment(self.replicas).start()
            return self.deployment.url, self.deployment.pids
        port = free_port()
        self.server = start_server(port)
        return f"http://127.0.0.1:{port}", lambda: [self.server.pid]

    def __exit__(self, *exc):
        if self.replicas:
            self.deployment.stop()
        else:
            stop_server(self.server)


if __name__ == "__main__":
    main()
