"""Hostile input through the page, as a user reaches it (AppTest, hypothesis): every upload path (the data CSV,
a configuration .json, a model .npz) with garbage, truncated, binary and oversized files, and bursts of clicks.
No exception reaches the page, and an input that is refused changes nothing in the session."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnlib
from tests.ui.helpers import open_app, run_of
from ui.core import limits
from ui.web import state

FUZZ = settings(max_examples=12, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_APP = {}


def app():
    """One session for all examples (a page run per example is what costs): each checks its own before and after."""
    if "at" not in _APP:
        at = open_app()
        at.session_state[state.EXPORT_OPEN] = True
        at.run()
        _APP["at"] = at
    return _APP["at"]


def session(at) -> tuple:
    """What a refused input must leave as it was: the run, its weights, its data and its settings."""
    run = run_of(at)
    return run, run.config, run.data, [w.copy() for w in run.model.get_weights()], run.epoch


def unchanged(before: tuple, after: tuple) -> bool:
    run, config, data, weights, epoch = before
    return (after[0] is run and after[1] == config and after[2] is data and after[4] == epoch
            and all(np.array_equal(a, b) for a, b in zip(weights, after[3])))


def csv_texts():
    """CSV-like text: real rows broken in random ways, or nothing like a CSV at all."""
    row = st.tuples(st.floats(allow_nan=True, allow_infinity=True, width=32), st.floats(width=32),
                    st.one_of(st.integers(-3, 9), st.text(max_size=4), st.floats(width=16)))
    rows = st.lists(row, max_size=40).map(lambda rs: "x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rs))
    return st.one_of(rows, rows.map(lambda t: t[: len(t) // 2]), st.text(max_size=300))


def hostile_bytes():
    return st.one_of(st.binary(max_size=2000), csv_texts().map(str.encode),
                     st.just(b"x1,x2,label\n" + b"1,2,0\n" * (limits.UPLOAD_MAX_BYTES // 6 + 10)),  # too big
                     st.just(b"\xff\xfe\x00garbage"), st.just(b"PK\x03\x04" + b"\x00" * 40))  # a zip's start only


def npz_bytes():
    """Zip archives that look like model files: wrong arrays, pickled objects, missing parts, truncation."""
    def archive(entries: dict, cut: float) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for name, payload in entries.items():
                z.writestr(name, payload)
        raw = buffer.getvalue()
        return raw[: max(4, int(len(raw) * cut))]
    arrays = st.dictionaries(st.sampled_from(["config.json", "weight_0.npy", "arr_0.npy", "../evil.npy", "x.pkl"]),
                             st.binary(max_size=200), max_size=4)
    return st.builds(archive, arrays, st.sampled_from([1.0, 1.0, 0.5]))


def upload(at, key: str, name: str, data: bytes):
    at.file_uploader(key=key).set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception


@FUZZ
@given(data=hostile_bytes(), name=st.sampled_from(["data.csv", "data.txt", "x.csv"]))
def test_a_hostile_csv_never_raises_and_a_refused_one_changes_nothing(data, name):
    at = app()
    before = session(at)
    upload(at, "w_csv", name, data)
    refused = state.UPLOAD_ERROR in at.session_state and at.session_state[state.UPLOAD_ERROR]
    if refused:
        assert unchanged(before, session(at))
        assert any("That CSV could not be used" in e.value for e in at.error)
    else:  # taken: it is the data now, every row of it within the limits
        data = run_of(at).data
        assert 0 < len(data.y_train) + len(data.y_test) <= limits.UPLOAD_MAX_ROWS


@FUZZ
@given(data=st.one_of(hostile_bytes(), st.dictionaries(st.text(max_size=12), st.one_of(
    st.integers(), st.floats(), st.text(max_size=20), st.lists(st.integers(), max_size=4)), max_size=8).map(
    lambda d: json.dumps(d).encode())))
def test_a_hostile_configuration_file_never_raises_and_a_refused_one_changes_nothing(data):
    at = app()
    before = session(at)
    upload(at, state.IMPORT_FILE, "settings.json", data)
    message = at.session_state[state.IMPORT_MESSAGE] if state.IMPORT_MESSAGE in at.session_state else None
    if message and message[0] == "error":
        assert unchanged(before, session(at)) and "nothing changed" in message[1]


@FUZZ
@given(data=st.one_of(npz_bytes(), hostile_bytes()))
def test_a_hostile_model_file_never_raises_and_a_refused_one_changes_nothing(data):
    at = app()
    before = session(at)
    upload(at, state.IMPORT_FILE, "model.npz", data)
    message = at.session_state[state.IMPORT_MESSAGE]
    assert message[0] == "error" and "nothing changed" in message[1]  # none of these is a model of this network
    assert unchanged(before, session(at))


def test_a_real_model_file_is_still_taken():
    """Positive control: the fuzzed path accepts a good file, so its refusals above are refusals."""
    at = app()
    run = run_of(at)
    upload(at, state.IMPORT_FILE, "model.npz", nnlib.model_to_bytes(run.model))
    assert at.session_state[state.IMPORT_MESSAGE][0] == "success"


@FUZZ
@given(st.lists(st.sampled_from(["Play", "Pause", "Step", "Reset"]), min_size=1, max_size=12))
def test_bursts_of_clicks_never_raise_and_leave_a_consistent_run(clicks):
    at = app()
    for label in clicks:
        button = next(b for b in at.button if b.label == label)
        if not button.disabled:
            button.click()  # several clicks, then one run: faster than the server answers
    at.run()
    assert not at.exception, at.exception
    run = run_of(at)
    assert len(run.history.loss) == run.epoch == len(run.history.epoch)
    at.session_state[state.LOOP.PLAYING] = False
