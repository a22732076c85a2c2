"""Session-state keys for the Playground, and the one place that decides when a run starts afresh."""

from __future__ import annotations

import dataclasses
import time

import streamlit as st

from ui.core.config import UPLOAD as UPLOAD_DATASET
from ui.core.config import Config
from ui.core.run import Data, PlaygroundRun, make_data

RUN = "pg_run"  # the PlaygroundRun of this session
PLAYING = "pg_playing"  # bool: the live loop trains while True
CONFIG = "pg_config"  # the Config the last full run used
NOTICES = "pg_notices"  # list[str]: URL problems, resets; shown until the next change
UPLOAD = "pg_upload"  # ui.core.data.csv_files.CsvTable of the user's CSV, or absent
UPLOAD_ID = "pg_upload_id"  # which uploaded file UPLOAD came from
LAST_ACTION = "pg_last_action"  # time.monotonic() of the last user action (for the idle pause)
STATUS = "pg_status"  # a sentence saying why training stopped by itself, or absent
URL_READ = "pg_url_read"  # set once the session's URL has been read into the widgets
DATA = "pg_data"  # (data key, Data): the points of the current data settings, made once per change
RESET_NOTE = "The data, features or architecture changed, so the weights were re-initialized (epoch 0)."


def upload_kind() -> str | None:
    """The kind of problem of the user's uploaded CSV, or None before any upload."""
    table = st.session_state.get(UPLOAD)
    return None if table is None else table.kind


def data_for(config: Config) -> Data:
    """The points for ``config``'s data settings (the uploaded CSV for dataset "upload"), made once per change."""
    upload = config.dataset == UPLOAD_DATASET
    key = (config.data_key(), st.session_state.get(UPLOAD_ID) if upload else None)
    cached = st.session_state.get(DATA)
    if cached is None or cached[0] != key:
        table = st.session_state.get(UPLOAD) if upload else None
        cached = st.session_state[DATA] = (key, make_data(config, None if table is None else
                                                          (table.X, table.y, table.kind)))
    return cached[1]


def new_run(config: Config) -> PlaygroundRun:
    return PlaygroundRun(config, data_for(config))


def run_for(config: Config) -> PlaygroundRun:
    """This session's run for ``config``: the same run (with new training settings) while the data and
    architecture are unchanged, a fresh one from the config's seed otherwise."""
    run = st.session_state.get(RUN)
    st.session_state[CONFIG] = config
    if run is None or run.config.model_key() != config.model_key() or run.data is not data_for(config):
        trained = run is not None and run.epoch > 0
        run = new_run(config)
        run.note = RESET_NOTE if trained else None  # shown until it trains
        st.session_state[RUN] = run
    elif run.config != config:
        with run.lock:
            run.apply(config)
    return run


def notify(message: str) -> None:
    st.session_state.setdefault(NOTICES, [])
    if message not in st.session_state[NOTICES]:
        st.session_state[NOTICES].append(message)


def touch() -> None:
    """Record a user action: the idle timer restarts."""
    st.session_state[LAST_ACTION] = time.monotonic()


def idle_seconds() -> float:
    return time.monotonic() - st.session_state.get(LAST_ACTION, time.monotonic())


# --- run controls: callbacks set values, never toggle, so a repeated event changes nothing -----------------
def play() -> None:
    run = st.session_state.get(RUN)
    if run is not None and (run.diverged or run.at_cap):
        return
    st.session_state[PLAYING] = True
    st.session_state.pop(STATUS, None)
    touch()


def pause() -> None:
    st.session_state[PLAYING] = False
    touch()


def step() -> None:
    st.session_state[PLAYING] = False
    run = st.session_state.get(RUN)
    if run is not None:
        with run.lock:
            run.train(1)
    touch()


def reset() -> None:
    st.session_state[PLAYING] = False
    st.session_state.pop(STATUS, None)
    config = st.session_state.get(CONFIG)
    if config is not None:
        st.session_state[RUN] = new_run(config)
    touch()


def same_config(stored, current) -> bool:
    """Equal field by field. Not ``==``: when any source file changes, Streamlit re-imports every module
    of the app, and a config kept in session state from before is an instance of the old class, which a
    dataclass ``==`` would call different (and the page would start over)."""
    return stored is not None and dataclasses.astuple(stored) == dataclasses.astuple(current)


