"""One simulated Playground user that speaks Streamlit's own protocol instead of driving a browser.

What a browser does, message for message (the protobuf classes ship inside the streamlit package):
  1. GET the page (a proxy in front may set its stickiness cookie there), then open the websocket at
     /_stcore/stream with the subprotocol "streamlit", sending that cookie;
  2. send BackMsg.rerun_script with the URL's query string: the server runs the app and streams ForwardMsgs
     (new_session, the deltas that draw each element, script_finished);
  3. press Play: the same message with the Play button's WidgetState trigger set;
  4. keep the live fragment ticking: the server announces it with ForwardMsg.auto_rerun (interval, fragment
     id) and, like the browser's timer, the user sends a fragment rerun every interval;
  5. count the frames in each live-view payload (the bidi component's bytes) as they arrive, then leave.

Only loopback addresses are ever targeted (``check_loopback``): this is a load generator.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

LIVE_VIEW = "nnpg_live_view"  # the live view's component name (ui/web/playground/live.py)
PLAY = "Play"


def check_loopback(url: str) -> None:
    """Refuse any target that is not this machine."""
    host = urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"refusing to load {host!r}: the load generator only targets loopback addresses")


def live_frames(element) -> list[dict] | None:
    """The frames in a live-view element (its payload's "frames"), or None for any other element."""
    if element.WhichOneof("type") != "bidi_component" or not element.bidi_component.component_name.endswith(LIVE_VIEW):
        return None
    return json.loads(element.bidi_component.bytes or b"{}").get("frames", [])


def frames_received(raw: bytes) -> int:
    """How many live-view frames one websocket message from the server carries (what a browser receives)."""
    msg = ForwardMsg()
    msg.ParseFromString(raw)
    frames = live_frames(msg.delta.new_element) if msg.WhichOneof("type") == "delta" else None
    return len(frames or [])


@dataclass
class Visit:
    """What one simulated user saw."""

    first_response: float | None = None  # seconds from the GET to the first live-view payload
    frames: list[float] = field(default_factory=list)  # arrival time (monotonic) of every frame received
    epochs: list[tuple[float, int]] = field(default_factory=list)  # (arrival, last frame's epoch) per payload
    error: str | None = None

    def frames_per_second(self, start: float, end: float) -> float:
        return sum(start <= t < end for t in self.frames) / max(end - start, 1e-9)


class ProtocolUser:
    def __init__(self, base_url: str, query: str = ""):
        check_loopback(base_url)
        self.base, self.query = base_url.rstrip("/"), query.lstrip("?")
        self.visit = Visit()
        self.play_id: str | None = None
        self.page_hash = ""
        self.fragments: dict[str, float] = {}  # fragment id -> interval, while it auto-reruns
        self.playing = False

    def _cookie(self) -> str:
        """GET the page as a browser does first; returns the Cookie header its answer asks for (a proxy's)."""
        with urllib.request.urlopen(f"{self.base}/?{self.query}", timeout=30) as answer:
            cookies = answer.headers.get_all("Set-Cookie") or []
        return "; ".join(c.split(";", 1)[0] for c in cookies)

    def _rerun(self, widget_id: str | None = None, fragment_id: str = "") -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        if widget_id:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = widget_id, True
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        return msg.SerializeToString()

    async def run(self, seconds: float, started: float | None = None, stop_at_first_frame: bool = False) -> Visit:
        """Open the Playground, press Play, play for ``seconds``, leave (or leave once the first live-view payload
        is in). Never raises: errors go in the Visit."""
        started = time.monotonic() if started is None else started
        self.stop_at_first_frame = stop_at_first_frame
        try:
            cookie = await asyncio.to_thread(self._cookie)
            ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
            headers = {"Origin": self.base, **({"Cookie": cookie} if cookie else {})}
            async with websockets.connect(ws_url, subprotocols=["streamlit"], additional_headers=headers,
                                          max_size=None, open_timeout=30) as ws:
                await ws.send(self._rerun())
                await self._session(ws, started, started + seconds)
        except Exception as err:  # a benchmark reports a failed visit, it does not stop the others
            self.visit.error = f"{type(err).__name__}: {err}"
        return self.visit

    async def _session(self, ws, started: float, until: float) -> None:
        timers = []
        try:
            while time.monotonic() < until:
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=max(0.05, until - time.monotonic()))
                except TimeoutError:
                    break
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if self.stop_at_first_frame and self.visit.first_response is not None:
                    break
                if kind == "new_session":
                    self.page_hash = msg.new_session.page_script_hash
                elif kind == "delta":
                    self._delta(msg.delta, started)
                elif kind == "auto_rerun" and msg.auto_rerun.fragment_id not in self.fragments:
                    self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
                    timers.append(asyncio.create_task(self._tick(ws, msg.auto_rerun.fragment_id)))
                elif kind == "stop_auto_rerun":
                    for fid in msg.stop_auto_rerun.fragment_ids:
                        self.fragments.pop(fid, None)
                elif kind == "script_finished" and self.play_id and not self.playing:
                    self.playing = True
                    await ws.send(self._rerun(widget_id=self.play_id))
        finally:
            for timer in timers:
                timer.cancel()

    def _delta(self, delta, started: float) -> None:
        element = delta.new_element
        if element.WhichOneof("type") == "button" and element.button.label == PLAY and not element.button.disabled:
            self.play_id = element.button.id
        frames = live_frames(element)
        if frames is None:
            return
        now = time.monotonic()
        if self.visit.first_response is None:
            self.visit.first_response = now - started
        if self.playing and frames:
            self.visit.frames.extend([now] * len(frames))
            self.visit.epochs.append((now, frames[-1]["epoch"]))

    async def _tick(self, ws, fragment_id: str) -> None:
        """The browser's fragment timer: a rerun of the fragment every interval, while it auto-reruns."""
        while fragment_id in self.fragments:
            await asyncio.sleep(self.fragments[fragment_id])
            if fragment_id in self.fragments:
                await ws.send(self._rerun(fragment_id=fragment_id))
