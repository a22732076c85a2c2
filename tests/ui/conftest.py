"""Fixtures shared by the app's tests."""

import threading

import pytest

from tests.ui.helpers import playground_run
from ui.core import sweep


@pytest.fixture
def make_run():
    """``make_run(dataset="xor", layers=(3,))``: a fresh PlaygroundRun of the default setup with those changes."""
    return playground_run


@pytest.fixture
def run(make_run):
    """A ready run of the default setup, at epoch 0."""
    return make_run()


@pytest.fixture
def held_sweep_run(monkeypatch):
    """Holds the next sweep run mid-training: ``inside`` is set once it trains, it ends on ``release.set()``.

    The user's race: Cancel is clicked while another script thread is inside a run."""
    real, inside, release = sweep.train_one, threading.Event(), threading.Event()

    def held_train_one(*args):
        inside.set()
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(sweep, "train_one", held_train_one)
    yield inside, release
    release.set()
