"""Faults a public demo meets, on a real server (the suite's, started by conftest), through Streamlit's own
protocol (bench/protocol_user.py): a user who vanishes in the middle of a tick leaves no run locked and the
server serving, and a burst of simultaneous page loads is answered, every one of them."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from protocol_user import ProtocolUser  # noqa: E402

from tests.ui.helpers import run_coroutine  # noqa: E402

BURST = 50


def stats(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/nnpg/stats?collect=1", timeout=30) as answer:
        return json.loads(answer.read())


class Vanishing(ProtocolUser):
    """Plays a few ticks, then asks for one more and drops the connection at once: no close frame, no goodbye."""

    async def _tick(self, ws, fragment_id: str) -> None:
        await asyncio.sleep(1.5)
        await ws.send(self._rerun(fragment_id=fragment_id))
        ws.transport.abort()


def test_a_user_who_vanishes_mid_tick_leaves_no_run_locked(app_url):
    before = stats(app_url)
    user = Vanishing(app_url)
    visit = run_coroutine(user.run(10))
    assert user.playing and visit.error.startswith("ConnectionClosed"), visit.error  # it did vanish, playing
    deadline = time.monotonic() + 10
    while stats(app_url)["runs_locked"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stats(app_url)["runs_locked"] == 0
    assert stats(app_url)["threads"] <= before["threads"] + 2  # the vanished session's script thread ended
    after = run_coroutine(ProtocolUser(app_url).run(4))  # and the server serves the next user as before
    assert after.error is None and len(after.frames) > 10


def test_a_burst_of_page_loads_is_answered_every_one(app_url):
    async def burst():
        users = [ProtocolUser(app_url) for _ in range(BURST)]
        return await asyncio.gather(*(u.run(60, stop_at_first_frame=True) for u in users))

    visits = run_coroutine(burst())
    assert [v.error for v in visits if v.error] == []
    assert all(v.first_response is not None for v in visits), "a page load got no live view"
