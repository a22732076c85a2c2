"""Two replicas behind nginx (bench/replicas.py, DEPLOY.md's recipe), used through Chromium: each browser stays
on its replica across reloads, killing one replica leaves the other's session playing, and the user of the
killed one is told and gets a working page, with the link's setup, on reload.

Needs Debian's nginx: skipped with the reason where it is missing, a failure under CI=true (.ci/run installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import epoch_on_screen, wait_for_app, wait_for_epoch
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

QUERY = "?dataset=xor&learning_rate=0.1"


@pytest.fixture(scope="module")
def deployment():
    from replicas import NGINX, Deployment

    if not shutil.which(NGINX):
        message = "the replica tests need Debian's nginx (apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a failure, not a skip)", pytrace=False)
        pytest.skip(message)
    started = Deployment(2).start()
    yield started
    started.stop()


def replica_of(page) -> str:
    """Which replica answers this browser (its cookie decides): the stats route names its process."""
    return json.loads(page.evaluate("fetch('/nnpg/stats').then((r) => r.text())"))["replica"]


def browsers_on_both_replicas(browser, url: str):
    """New users (each with a browser of their own, so their own cookie) until two sit on different replicas."""
    seen = {}
    for _ in range(12):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url + QUERY)
        wait_for_app(page)
        name = replica_of(page)
        if name in seen:
            context.close()
            continue
        seen[name] = page
        if len(seen) == 2:
            return list(seen.values())
    pytest.fail("12 new users all landed on one replica: the proxy is not spreading sessions")


def test_sessions_stick_to_their_replica_and_survive_the_other_ones_death(browser, deployment):
    first, second = browsers_on_both_replicas(browser, deployment.url)
    names = [replica_of(first), replica_of(second)]
    for page in (first, second):  # a reload is a new websocket: it must reach the same replica
        page.reload()
        wait_for_app(page)
    assert [replica_of(first), replica_of(second)] == names
    for page in (first, second):
        page.get_by_role("button", name="Play", exact=True).click()
        wait_for_epoch(page, 20)
    victim = next(i for i, port in enumerate(deployment.ports) if _serves(deployment, port, names[1]))
    deployment.kill(victim)
    before = epoch_on_screen(first)
    wait_for_epoch(first, before + 50)  # the survivor's session plays on
    # the page reconnects by itself, through the proxy to the live replica, and says what happened
    expect(second.get_by_text("The server that held this session went away")).to_be_visible(timeout=30_000)
    assert replica_of(second) == names[0]
    expect(second.locator(".nnpg-live .bar")).to_contain_text("Epoch 0")
    second.reload()  # and a reload works as well, with the link's setup
    wait_for_app(second)
    assert replica_of(second) == names[0]
    expect(second.locator('[data-testid="stSidebar"]')).to_contain_text("Class 1 where x1·x2 > 0")  # xor's setup
    second.get_by_role("button", name="Step").click()
    expect(second.locator(".nnpg-live .bar")).to_contain_text("Epoch 1")


def _serves(deployment, port: int, name: str) -> bool:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/nnpg/stats", timeout=5) as answer:
        return json.loads(answer.read())["replica"] == name
