"""The one loop controller of every page that trains (the Playground, Compare): Play, Pause, Step, Reset, a
stop that says why, and the idle pause. Callbacks set values, never toggle, so a repeated event changes
nothing; a page's fragment ticks only while its loop plays."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.core import limits

IDLE_REASON = f"Paused after {limits.IDLE_PAUSE_SECONDS // 60} minutes without interaction. Press Play to go on."


class Loop:
    """One page's training loop, kept in session state under ``prefix``.

    target: the session key of what trains (a PlaygroundRun, a Comparison)
    finished(target): nothing can train any more (diverged, at the epoch cap), so Play is refused
    step(target): train one epoch under the target's lock, waiting for a tick in progress, never beside it
    restart(): store a fresh target at epoch 0
    """

    def __init__(self, prefix: str, target: str, *, finished: Callable[[Any], bool], step: Callable[[Any], None],
                 restart: Callable[[], None]):
        self.PLAYING = f"{prefix}_playing"  # bool: the loop trains while True
        self.STATUS = f"{prefix}_status"  # a sentence saying why training stopped by itself, or absent
        self.LAST_ACTION = f"{prefix}_last_action"  # time.monotonic() of the last user action (idle pause)
        self.target, self._finished, self._step, self._restart = target, finished, step, restart

    @property
    def playing(self) -> bool:
        return bool(st.session_state.get(self.PLAYING, False))

    def touch(self) -> None:
        """Record a user action: the idle timer restarts."""
        st.session_state[self.LAST_ACTION] = time.monotonic()

    def idle_seconds(self) -> float:
        return time.monotonic() - st.session_state.get(self.LAST_ACTION, time.monotonic())

    def play(self) -> None:
        target = st.session_state.get(self.target)
        if target is not None and self._finished(target):
            return
        st.session_state[self.PLAYING] = True
        self.clear_status()
        self.touch()

    def pause(self) -> None:
        st.session_state[self.PLAYING] = False
        self.touch()

    def step(self) -> None:
        st.session_state[self.PLAYING] = False
        target = st.session_state.get(self.target)
        if target is not None:
            self._step(target)
        self.touch()

    def reset(self) -> None:
        st.session_state[self.PLAYING] = False
        self.clear_status()
        self._restart()
        self.touch()

    def halt(self) -> None:
        """Stop playing because the user loaded or rewound something: no reason to show, the idle timer restarts."""
        st.session_state[self.PLAYING] = False
        self.clear_status()
        self.touch()

    def clear_status(self) -> None:
        st.session_state.pop(self.STATUS, None)

    @property
    def status(self) -> str | None:
        """Why training stopped by itself, until the next Play or Reset."""
        return st.session_state.get(self.STATUS)

    def stop(self, reason: str) -> None:
        """Stop playing by itself and say why; inside a tick, so rerun the whole app: a full rerun re-declares
        the fragment without its timer."""
        st.session_state[self.PLAYING] = False
        st.session_state[self.STATUS] = reason
        st.rerun()

    def stop_if_idle(self, idle_seconds: float | None = None) -> None:
        """Stop after IDLE_PAUSE_SECONDS without a user action (``idle_seconds``: as measured by the caller)."""
        idle = self.idle_seconds() if idle_seconds is None else idle_seconds
        if idle > limits.IDLE_PAUSE_SECONDS:
            self.stop(IDLE_REASON)

    def buttons(self, row, *, key: str, step_help: str, reset_help: str) -> None:
        """Play, Pause, Step and Reset: side by side in ``row`` (a horizontal container), or one per column
        when ``row`` is a list of four columns, filling each."""
        cells, width = (row, "stretch") if isinstance(row, list) else ([row] * 4, "content")
        target = st.session_state.get(self.target)
        done = target is not None and self._finished(target)  # the status above says why
        cells[0].button("Play", key=f"{key}_play", on_click=self.play, type="primary", disabled=self.playing or done,
                        width=width)
        cells[1].button("Pause", key=f"{key}_pause", on_click=self.pause, disabled=not self.playing, width=width)
        cells[2].button("Step", key=f"{key}_step", on_click=self.step, help=step_help, width=width, disabled=done)
        cells[3].button("Reset", key=f"{key}_reset", on_click=self.reset, help=reset_help, width=width)

    def fragment(self, tick: Callable[[], None], every: float) -> None:
        """Run ``tick`` as a fragment that reruns every ``every`` seconds while playing, once otherwise."""
        st.fragment(tick, run_every=every if self.playing else None)()
