"""Fixtures shared by the app's tests."""

import pytest

from tests.ui.helpers import playground_run


@pytest.fixture
def make_run():
    """``make_run(dataset="xor", layers=(3,))``: a fresh PlaygroundRun of the default setup with those changes."""
    return playground_run


@pytest.fixture
def run(make_run):
    """A ready run of the default setup, at epoch 0."""
    return make_run()
