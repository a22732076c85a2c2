"""An upload that lands while the Playground, back from another page, is still drawing its sidebar must
leave the feature checkboxes as they were.

Back from another page, ``controls.read_url_once`` re-seeds every widget from the last Config (Streamlit
dropped their state on the other page). If a rerun request (here: an upload) reaches the server before
that run has drawn the feature checkboxes, Streamlit stops the run for the rerun, and the next run draws
the checkboxes without telling the browser their seeded values: the browser, which forgot them on the
other page, shows them unchecked, and sends "unchecked" with the next interaction ("Pick at least one input
feature"). Every other re-seeded control falls back to its widget default the same way (sliders to their
minimum, no hidden layers). On an idle server the window is a few milliseconds; a busy server widens it.
The first test widens it the same way, with a server whose Playground takes a second between its uploader
and its checkboxes; the second hits it on the real server, sending the browser's own "back to the
Playground" request a second time, a few milliseconds after the first (as a double click would).
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT, SERVER_START_TIMEOUT, assert_no_exception, free_port, navigate, stop_server, wait_for_app
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg

SLOW_SECONDS = 1.0
# `streamlit run app.py` in one process, after making ui.controls._feature_controls wait: a busy server.
SLOW_SERVER = f"""
import sys, time
sys.path.insert(0, ".")
from ui.web.playground import controls
draw = controls._feature_controls
def slow_feature_controls():
    time.sleep({SLOW_SECONDS})
    return draw()
controls._feature_controls = slow_feature_controls
from streamlit.web import cli
sys.argv = ["streamlit", "run", "app.py", "--server.port", sys.argv[1], "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]
sys.exit(cli.main())
"""
RUNNING = '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'
WAIT = 60_000


@pytest.fixture(scope="module")
def slow_app_url():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_SERVER, str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{proc.stdout.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("streamlit did not answer /_stcore/health in time") from None
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


def csv(rows: int) -> bytes:
    return ("x1,x2,label\n" + "".join(f"{i % 20 - 10},{i // 20 - 7},{i % 2}\n" for i in range(rows))).encode()


def upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content})


def settle(page, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible(timeout=WAIT)
    page.wait_for_selector(RUNNING, state="detached", timeout=WAIT)


def feature_box(page, label: str):
    return page.locator('[data-testid="stSidebar"]').get_by_role("checkbox", name=label, exact=True)


def test_an_upload_during_the_first_run_back_from_another_page_keeps_the_features(page, slow_app_url):
    page.goto(slow_app_url)
    wait_for_app(page)
    settle(page, "Problem:")
    expect(feature_box(page, "X₁")).to_be_checked()

    navigate(page, "Lessons")
    expect(page.locator("h1", has_text="Lessons")).to_be_visible(timeout=WAIT)
    page.wait_for_selector(RUNNING, state="detached", timeout=WAIT)

    navigate(page, "Playground")
    # The uploader is drawn before the feature checkboxes: upload as soon as it is there.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached", timeout=WAIT)
    upload(page, "first.csv", csv(120))
    settle(page, "120 rows from first.csv")
    expect(feature_box(page, "X₁")).to_be_checked()
    expect(feature_box(page, "X₂")).to_be_checked()

    upload(page, "second.csv", csv(140))  # the next upload in a row sends the checkboxes' values
    settle(page, "140 rows from second.csv")
    expect(feature_box(page, "X₁")).to_be_checked()
    expect(feature_box(page, "X₂")).to_be_checked()
    expect(page.get_by_text("Pick at least one input feature")).to_have_count(0)
    assert_no_exception(page)


def test_a_second_request_during_the_first_run_back_from_another_page_keeps_the_features(page, app_url):
    again = {"after_ms": None}

    def relay(ws):  # the browser's websocket, passed through; one rerun request can be sent twice
        server = ws.connect_to_server()

        def from_browser(message):
            server.send(message)
            rerun = isinstance(message, bytes) and BackMsg.FromString(message).WhichOneof("type") == "rerun_script"
            if rerun and again["after_ms"] is not None:
                delay_ms, again["after_ms"] = again["after_ms"], None
                end = time.perf_counter() + delay_ms / 1000
                while time.perf_counter() < end:
                    pass
                server.send(message)

        ws.on_message(from_browser)
        server.on_message(ws.send)

    page.route_web_socket("**/_stcore/stream", relay)
    page.goto(app_url)
    wait_for_app(page)
    settle(page, "Problem:")
    for after_ms in [x / 2 for x in range(2, 20)] * 2:  # the window is a few ms, some ms after the request
        navigate(page, "Lessons")
        expect(page.locator("h1", has_text="Lessons")).to_be_visible(timeout=WAIT)
        page.wait_for_selector(RUNNING, state="detached", timeout=WAIT)
        again["after_ms"] = after_ms
        navigate(page, "Playground")
        settle(page, "Problem:")
        expect(feature_box(page, "X₁"), f"second request {after_ms} ms later").to_be_checked(timeout=5000)
        expect(feature_box(page, "X₂"), f"second request {after_ms} ms later").to_be_checked(timeout=5000)
    assert_no_exception(page)
