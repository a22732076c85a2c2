"""Every session-state key the Playground keeps, the one place that decides when a run starts afresh, and
the Playground's loop (ui/web/loop.py: Play, Pause, Step, Reset, the idle pause; keys "pg_playing", ...).

Keys are named here, once, so no two parts of the page can pick the same name by accident. Widgets whose
value is never read back (a chart's, a button's) keep their key where they are drawn."""

from __future__ import annotations

import dataclasses

import streamlit as st

from ui.core.config import UPLOAD as UPLOAD_DATASET
from ui.core.config import Config
from ui.core.run import Data, PlaygroundRun, make_data
from ui.web.loop import Loop

# --- the run and its data ------------------------------------------------------------------------------------
RUN = "pg_run"  # the PlaygroundRun of this session
CONFIG = "pg_config"  # the Config the last full run used
DATA = "pg_data"  # (data key, Data): the points of the current data settings, made once per change
NOTICES = "pg_notices"  # list[str]: URL problems, resets; shown until the next change
URL_READ = "pg_url_read"  # set once the session's URL has been read into the widgets
SESSION_TOKEN = "pg_session_token"  # a random id of this server session: the live view notices a new one

# --- the controls (ui/web/playground/controls.py) -------------------------------------------------------------
WIDGET_PREFIX = "w_"  # a control's key is its Config field's name behind this: URL, widget and Config map 1:1
N_LAYERS = WIDGET_PREFIX + "n_layers"
UPLOAD = "pg_upload"  # ui.core.data.csv_files.CsvTable of the user's CSV, or absent
UPLOAD_ID = "pg_upload_id"  # which uploaded file UPLOAD came from
UPLOAD_NAME = "pg_upload_name"  # the uploaded CSV's file name, for the caption
DRAWN = "pg_drawn"  # True: the next run's data is the user's drawing, edited; the run keeps its weights
DRAWINGS = "pg_drawings"  # how many times the drawn set changed: its UPLOAD_ID
DRAWING_NAME = "your drawing"  # UPLOAD_NAME of a drawn set: the dataset's name in the sidebar and caption
DRAWING_LINK = "pg_drawing_link"  # the drawn set as the link's points= (ui/core/data/drawn.py), when it fits
UPLOAD_ERROR = "pg_upload_error"  # the message for a rejected CSV, until the next upload
UPLOAD_NOTES_DISMISSED = "pg_upload_notes_dismissed"  # the UPLOAD_ID whose notes were dismissed
CLASSROOM = "pg_classroom"  # ui.core.lessons.Classroom: the lesson in progress, hidden and locked controls
PENDING_LESSON = "pg_pending_lesson"  # a lesson name picked on the Lessons page, loaded on the next run here
SEEDED = "pg_seeded"  # runs left that re-send every control's value to the browser (set by seed_widgets)


def widget_key(name: str) -> str:
    """The key of the control for Config field ``name`` (a view toggle's too: "show_test", ...)."""
    return WIDGET_PREFIX + name


def units_key(layer: int) -> str:
    return f"{WIDGET_PREFIX}units_{layer}"


def act_key(layer: int) -> str:
    return f"{WIDGET_PREFIX}act_{layer}"


def feature_key(name: str) -> str:
    return f"{WIDGET_PREFIX}feat_{name}"


# --- the live view (ui/web/playground/live.py) -----------------------------------------------------------------
PACING_ID = "pg_pacing_id"  # an opaque id for this session's share of the server
EVERY_ACTIVATION = "pg_every_activation"  # the one-activation-for-all widget (controls)
SETUP_CHANGED = "pg_setup_changed"  # a diagram click changed the setup: the next tick reruns the app
LIVE_VIEW = "pg_live_view"  # the live view; its "action" trigger: a click on the diagram
LIVE_FRAME = "pg_frame"  # ticks drawn in this session, so heavy panels can redraw every k-th tick
HEALTH = "pg_health"  # (run, epoch, hints): the last training-health check of the main view
LAST_TICK = "pg_last_tick"  # when this session last ticked
TICK_SECONDS = "pg_tick_seconds"  # the smoothed gap between its ticks

# --- Inside the network (ui/web/playground/inside.py) ----------------------------------------------------------
INSIDE_OPEN = "pg_inside_open"  # bool: the expander is open
INSIDE_TAB = "pg_inside_tab"  # label of the open tab
INSIDE_NEURON = "pg_inside_neuron"  # the inspected neuron: (Dense-layer index, unit index)
INSIDE_EDIT_TARGET = "pg_inside_edit_target"  # 0 = the bias, j + 1 = the weight from source j
INSIDE_SPACE_LAYER = "pg_inside_space_layer"  # Hidden space: the layer shown
INSIDE_SPACE_X, INSIDE_SPACE_Y = "pg_inside_space_x", "pg_inside_space_y"  # ... and its two neurons
INSIDE_VIEWS = "pg_inside_views"  # {view name: (run, inputs, value)}: the last computed views, re-sent between redraws


def inside_value_key(layer: int, unit: int, target: int, current: float | str) -> str:
    """The weight editor's box: a fresh key whenever ``current`` changes, so it starts from the value."""
    return f"pg_inside_value_{layer}_{unit}_{target}_{current!r}"


# --- Export / import (ui/web/playground/export.py) --------------------------------------------------------------
EXPORT_OPEN = "pg_export_open"  # bool: the Export / import expander is open (its content runs only then)
IMPORT_FILE = "pg_import_file"  # the import uploader
IMPORT_MESSAGE = "pg_import_message"  # ("success" | "error", text): the last import's outcome
REPLAY = "pg_replay"  # (run, training settings, exact): can the exported script replay this run exactly?

# --- Time travel (ui/web/playground/timetravel.py) --------------------------------------------------------------
TIME_TRAVEL_OPEN = "tt_open"  # bool: the expander is open
TIME_TRAVEL_EPOCH = "tt_epoch"  # the epoch the slider points at (widget)
TIME_TRAVEL_SEEN = "tt_seen"  # (run, its epoch) when the slider was last drawn: new training moves it to the latest

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
    if st.session_state.pop(DRAWN, False) and run is not None and _drawn_fits(run, config):
        with run.lock:  # points drawn or erased: train on, from the weights it has
            run.apply(config)
            run.replace_data(config, data_for(config))
    elif run is None or run.config.model_key() != config.model_key() or run.data is not data_for(config):
        trained = run is not None and run.epoch > 0
        run = new_run(config)
        run.note = RESET_NOTE if trained else None  # shown until it trains
        st.session_state[RUN] = run
    elif run.config != config:
        with run.lock:
            was_stopped = run.stopped
            run.apply(config)
        if run.stopped is not was_stopped:  # a new stop rule: the old reason no longer holds
            LOOP.clear_status()
    return run


def _drawn_fits(run: PlaygroundRun, config: Config) -> bool:
    """Whether the edited drawing fits the run's network: the same inputs and layers, the same problem."""
    data = data_for(config)
    same_output = data.kind != "multiclass" or data.n_classes == run.data.n_classes  # binary: one unit always
    return run.config.network_key() == config.network_key() and data.kind == run.data.kind and same_output


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


LOOP = Loop("pg", RUN, finished=lambda run: run.diverged or run.at_cap or run.stopped is not None,
            step=_train_one_epoch, restart=_restart)


def same_config(stored, current) -> bool:
    """Equal field by field. Not ``==``: when any source file changes, Streamlit re-imports every module
    of the app, and a config kept in session state from before is an instance of the old class, which a
    dataclass ``==`` would call different (and the page would start over)."""
    return stored is not None and dataclasses.astuple(stored) == dataclasses.astuple(current)


