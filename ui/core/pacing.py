"""Fair shares of one server between the sessions that are playing at the same time.

Every live tick reports the CPU time its work took; when others are playing too, the session rests for
about that long times the number of others before its next frame. A lone session never waits. With
many, each gets an equal slice and frames slow down for everyone, instead of some sessions (and
newcomers loading the page) being starved by the busiest. Only timestamps are shared between
sessions here, never their data.

Each tick costs the browser far more than drawing one frame does (Streamlit re-renders its page for every
script run: ~60 ms, against 5-10 ms to paint a frame in headless Chromium), so a tick carries several
frames, which the browser plays back spaced over the tick: FRAMES_PER_TICK at the intended pace, up to
MAX_FRAMES_PER_TICK when ticks come slowly, so the view keeps moving for everyone instead of jumping once
a second.

While someone opens a page (their browser is fetching the app's static files) and others are playing,
every playing session rests the longest rest, so the newcomer's page gets the CPU first. Its ticks still
carry their frames (ten at one tick a second), so no one drops below a few frames/s meanwhile
(bench/bench_load.py --newcomers measures both sides).
"""

from __future__ import annotations

import threading
import time

FRAME_SECONDS = 0.035  # the pace the live view aims for: 28.6 frames/s, so a user sees at least 25 (a few are lost)
# The Playground's fragment reruns this often and each rerun carries FRAMES_PER_TICK frames: a script run
# costs the browser ~30 ms whatever it draws, while a frame is its weights (the view computes the plane
# from them) and paints in ~15 ms (8 frames a tick instead of 4: 21 instead of 26 ms of the browser's main
# thread per frame). Slower ticks carry more frames.
FRAMES_PER_TICK = 8
TICK_INTERVAL_SECONDS = FRAMES_PER_TICK * FRAME_SECONDS
MAX_FRAMES_PER_TICK = 10  # frames bundled into one slow tick, at most
# Training time per frame at most: a busy server or a big network trains fewer epochs per frame. Well under
# a frame's time, because the thread that sends every session's frames needs the same GIL: with training
# taking all of it (6 x 16 on the spiral, 5 ms an epoch here) frames stalled for seconds.
FRAME_TRAIN_SECONDS = 0.6 * FRAME_SECONDS
COMPARE_TICK_INTERVAL_SECONDS = 0.08  # the Compare page's fragment reruns this often; a busy server drops some
COMPARE_TICK_TRAIN_SECONDS = 0.15  # training time per Compare tick at most, all runs together

ACTIVE_WINDOW_SECONDS = 2.0  # a session that ticked this recently counts as playing
HEADROOM = 1.25  # rest a little longer than a strict share, so page loads find the CPU free
MAX_REST_SECONDS = 1.0  # a click waits for the rest to end: never longer than this (reached with ~8+ playing)
PAGE_LOAD_SECONDS = 2.0  # a page counts as loading until this long after its browser's last static-file fetch


class Pacer:
    def __init__(self):
        self._last_tick: dict[str, float] = {}
        self._lock = threading.Lock()
        self._page_load = float("-inf")

    def note_page_load(self, now: float | None = None) -> None:
        """A browser fetched one of the app's static files: someone is opening a page."""
        self._page_load = time.monotonic() if now is None else now

    def page_loading(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) - self._page_load < PAGE_LOAD_SECONDS

    def playing(self, now: float) -> int:
        return sum(1 for t in self._last_tick.values() if now - t < ACTIVE_WINDOW_SECONDS)

    def rest_after(self, session: str, work_seconds: float, now: float | None = None) -> float:
        """Record a tick that used ``work_seconds`` of CPU for ``session``; return how long it should rest."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._last_tick[session] = now
            for key in [k for k, t in self._last_tick.items() if now - t > 10 * ACTIVE_WINDOW_SECONDS]:
                del self._last_tick[key]
            others = self.playing(now) - 1
        if others and self.page_loading(now):
            return MAX_REST_SECONDS  # the newcomer first: a blank page is worse than a slower animation
        return min(MAX_REST_SECONDS, HEADROOM * work_seconds * others)


def smooth(previous: float | None, value: float, weight: float = 0.3) -> float:
    """An exponential moving average: ``value`` counts for ``weight`` of the result."""
    return value if previous is None else (1 - weight) * previous + weight * value


def frames_per_tick(tick_seconds: float | None) -> int:
    """Frames one tick should carry when ticks come every ``tick_seconds`` (None: not measured yet, so the
    intended interval): one per FRAME_SECONDS of the gap, so FRAMES_PER_TICK at the intended pace, 1 to
    MAX_FRAMES_PER_TICK."""
    frames = round((tick_seconds or TICK_INTERVAL_SECONDS) / FRAME_SECONDS)
    return max(1, min(MAX_FRAMES_PER_TICK, frames))


PACER = Pacer()  # one per server process


class PageLoads:
    """ASGI middleware (app.py) that tells the pacer when a browser fetches the app's static files.

    A newcomer's browser fetches ~120 of them, in waves, before and while it renders its first page, and
    it needs the CPU the playing sessions would take.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and "/static/" in scope["path"]:
            PACER.note_page_load()
        await self.app(scope, receive, send)
