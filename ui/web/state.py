"""Session-state keys for the Playground, the one place that decides when a run starts afresh, and the
Playground's loop (ui/web/loop.py: Play, Pause, Step, Reset, the idle pause; keys "pg_playing", ...)."""

from __future__ import annotations

import dataclasses

import streamlit as st

from ui.core.config import UPLOAD as UPLOAD_DATASET
from ui.core.config import Config
from ui.core.run import Data, PlaygroundRun, make_data
from ui.web.loop import Loop

RUN = "pg_run"  # the PlaygroundRun of this session
CONFIG = "pg_config"  # the Config the last full run used
NOTICES = "pg_notices"  # list[str]: URL problems, resets; shown until the next change
UPLOAD = "pg_upload"  # ui.core.data.csv_files.CsvTable of the user's CSV, or absent
UPLOAD_ID = "pg_upload_id"  # which uploaded file UPLOAD came from
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


# --- run controls: the one loop controller (ui/web/loop.py), for the Playground's run -----------------------
def _train_one_epoch(run: PlaygroundRun) -> None:
    with run.lock:  # waits for a tick in progress
        run.train(1)


def _restart() -> None:
    config = st.session_state.get(CONFIG)
    if config is not None:
        st.session_state[RUN] = new_run(config)


LOOP = Loop("pg", RUN, finished=lambda run: run.diverged or run.at_cap, step=_train_one_epoch, restart=_restart)


def same_config(stored, current) -> bool:
    """Equal field by field. Not ``==``: when any source file changes, Streamlit re-imports every module
    of the app, and a config kept in session state from before is an instance of the old class, which a
    dataclass ``==`` would call different (and the page would start over)."""
    return stored is not None and dataclasses.astuple(stored) == dataclasses.astuple(current)


