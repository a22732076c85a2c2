"""Shared by the app's tests: a ready PlaygroundRun, and AppTest helpers for the page tests."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.web import state

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 60


def playground_run(**changes) -> PlaygroundRun:
    """A fresh run (epoch 0) of the default setup with ``changes``, as the Playground would make it."""
    config = replace(DEFAULT, **changes)
    return PlaygroundRun(config, make_data(config))


def run_coroutine(coroutine):
    """Run ``coroutine`` to its end on a thread of its own: other tests may leave an event loop running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def open_app(query: dict | None = None) -> AppTest:
    """The app as a new visitor with this URL query sees it, after its first run (the Playground)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def bar(at: AppTest) -> dict[str, str]:
    """The live view's bar as the user sees it once its last frame is on screen: label -> value."""
    view = next(e for e in at.get("bidi_component") if e.key == state.LIVE_VIEW)
    return dict(json.loads(view.proto.bytes)["frames"][-1]["shown"])


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def run_of(at: AppTest):
    """The session's PlaygroundRun."""
    return at.session_state[state.RUN]
