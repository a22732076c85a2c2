"""Workshops: the Lessons page, the lesson banner on the Playground, and the Export / import panel.

The pure parts live in ui/lessons.py (the lessons and the URL's lesson=, hide=, lock=) and ui/exports.py
(files and code). Loading a lesson goes through ui/controls.py: the Lessons page leaves the lesson's name
in ``controls.PENDING_LESSON`` and switches page, and ``controls.read_url_once`` seeds the widgets with it
before they are drawn. Callbacks here run before the script, so they may seed widgets directly.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import streamlit as st

import nnlib
from ui import controls, exports, lessons, state
from ui.lessons import LESSONS, Lesson
from ui.run import PlaygroundRun

EXPORT_OPEN = "pg_export_open"  # bool: the Export / import expander is open (its content runs only then)
IMPORT_FILE = "pg_import_file"  # the import uploader
IMPORT_MESSAGE = "pg_import_message"  # ("success" | "error", text): the last import's outcome
REPLAY = "pg_replay"  # (run, training settings, exact): can the exported script replay this run exactly?
LINK_LESSON, LINK_HIDE, LINK_LOCK = "ls_link_lesson", "ls_link_hide", "ls_link_lock"  # the link builder
PLAYGROUND = "pages/playground.py"


# --- the Lessons page ---------------------------------------------------------------------------------------
def lesson_cards() -> None:
    """One card per lesson, each with a button that opens it on the Playground."""
    room = controls.classroom()
    if room.lock:
        st.info(f"Your instructor locked this session to the lesson “{LESSONS[room.lesson].title}”.",
                icon=":material/lock:")
    columns = st.columns(2)
    for i, (name, lesson) in enumerate(LESSONS.items()):
        with columns[i % 2].container(border=True):
            _card(name, lesson, active=name == room.lesson, locked=room.lock)


def _card(name: str, lesson: Lesson, active: bool, locked: bool) -> None:
    st.markdown(f"**{lesson.title}**" + (" · *in progress*" if active else ""))
    st.markdown(f":material/target: {lesson.goal}")
    st.caption(setup_text(lesson.config))
    if st.button("Open in the Playground", key=f"lesson_{name}", type="primary" if active else "secondary",
                 disabled=locked):
        start_lesson(name)


def setup_text(config) -> str:
    """One line describing a setup: data, features, network, optimizer."""
    runs = [(len(list(group)), layer) for layer, group in itertools.groupby(zip(config.layers, config.activations))]
    hidden = " · ".join(f"{n} layers of {u} {a}" if n > 1 else f"{u} {a}" for n, (u, a) in runs) or "no hidden layer"
    feats = ", ".join(nnlib.features.label(f) for f in config.features)
    return (f"{config.dataset} · inputs {feats} · {hidden} · {config.optimizer} at learning rate "
            f"{config.learning_rate:g}")


def start_lesson(name: str) -> None:
    """Open lesson ``name`` on the Playground (called from a button, so this rerun ends here)."""
    st.session_state[controls.PENDING_LESSON] = name
    st.session_state[state.PLAYING] = False
    st.session_state.pop(state.RUN, None)  # a lesson starts from fresh weights, without a reset notice
    st.session_state.pop(state.NOTICES, None)
    st.switch_page(PLAYGROUND, query_params={"lesson": name})


def instructor_links() -> None:
    """A builder for links that open a lesson with controls hidden or locked."""
    with st.expander("For instructors: links that open a lesson, hide controls or lock them"):
        st.markdown("Add these to the Playground's address: `lesson=NAME` opens a lesson; `hide=` takes control "
                    "names or the groups `data`, `features`, `network`, `training` (and `export` for the Export "
                    "/ import panel); `lock=1` shows every setting of the lesson disabled. Hidden controls still "
                    "take their values from the lesson and the link.")
        cols = st.columns([2, 3, 1], vertical_alignment="bottom")
        lesson = cols[0].selectbox("Lesson", list(LESSONS), key=LINK_LESSON, format_func=lambda n: LESSONS[n].title)
        hide = cols[1].multiselect("Hide", list(dict.fromkeys([*lessons.GROUPS, *lessons.CONTROLS])), key=LINK_HIDE)
        lock = cols[2].checkbox("Lock", key=LINK_LOCK)
        query = lessons.to_url(LESSONS[lesson].config, lessons.Classroom(lesson, tuple(hide), lock))
        st.code("?" + "&".join(f"{k}={v}" for k, v in query.items()), language=None)


# --- the banner on the Playground -------------------------------------------------------------------------
def lesson_banner() -> None:
    """The active lesson's goal, what to notice and the question, with restart / solution / leave buttons."""
    room = controls.classroom()
    if room.lesson not in LESSONS:
        return
    lesson = LESSONS[room.lesson]
    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="center", gap="small")
        row.markdown(f":material/school: **Lesson: {lesson.title}**", width="stretch")
        row.button("Restart lesson", on_click=_restart, args=(room.lesson,), type="tertiary", icon=":material/replay:",
                   help="Back to the lesson's settings, with fresh weights.")
        if lesson.solution is not None and not room.lock:
            row.button("Show a solution", on_click=_show_solution, args=(room.lesson,), type="tertiary",
                       icon=":material/lightbulb:", help="Load settings that reach the goal.")
        if not room.lock:
            row.button("Leave lesson", on_click=_leave, type="tertiary", icon=":material/close:",
                       help="Keep the settings, drop the lesson.")
        st.markdown(f"**Goal:** {lesson.goal}  \n**Notice:** {lesson.notice}  \n**Think about:** {lesson.question}")


def _load(config) -> None:
    controls.seed_widgets(config)
    st.session_state.pop(state.NOTICES, None)
    state.touch()


def _show_solution(name: str) -> None:
    lesson = LESSONS[name]
    current = st.session_state.get(state.CONFIG, lesson.config)
    _load(lesson.solution)
    st.session_state[state.PLAYING] = False
    st.session_state.pop(state.STATUS, None)
    st.session_state.pop(state.RUN, None)  # a solution starts from fresh weights (a diverged run cannot go on)
    state.notify(f"Loaded a solution: {lessons.changes(current, lesson.solution) or 'nothing had to change'}.")


def goal_status(run: PlaygroundRun) -> None:
    """Inside the live fragment: says when the active lesson's goal is met, and at which epoch."""
    room = controls.classroom()
    if room.lesson not in LESSONS:
        return
    epoch = LESSONS[room.lesson].target.reached_at(run.history, run.config)
    if epoch is not None:
        st.success(f"Goal reached at epoch {epoch:,}: {LESSONS[room.lesson].goal}", icon=":material/flag:")


def _restart(name: str) -> None:
    _load(LESSONS[name].config)
    st.session_state[state.PLAYING] = False
    st.session_state.pop(state.STATUS, None)
    st.session_state.pop(state.RUN, None)  # run_for starts afresh from the lesson's seed


def _leave() -> None:
    room = controls.classroom()
    st.session_state[controls.CLASSROOM] = replace(room, lesson=None, lock=False)
    state.touch()


# --- Export / import ----------------------------------------------------------------------------------------
def export_panel(run: PlaygroundRun) -> None:
    """Downloads (config, model, history, data), the run as nnlib and Keras code, and the import uploader.
    Its content runs only while the expander is open."""
    if controls.classroom().is_hidden(lessons.EXPORT):
        return
    exact = _replayable(run)
    box = st.expander("Export / import", key=EXPORT_OPEN, on_change="rerun", icon=":material/inventory_2:")
    if not box.open:
        return
    with box:
        files, code, upload = st.tabs(["Download", "As code", "Import"])
        with files:
            _downloads(run)
        with code:
            _code(run, exact)
        with upload:
            _import_controls()


def _downloads(run: PlaygroundRun) -> None:
    cols = st.columns(4)
    cols[0].download_button("Configuration (JSON)", exports.config_to_json(run.config),
                            file_name="playground-config.json", mime="application/json", on_click="ignore",
                            use_container_width=True, help="Every setting; import it here to restore them.")
    cols[1].download_button("Model (.npz)", lambda: _locked(run, nnlib.model_to_bytes, run.model),
                            file_name="playground-model.npz", mime="application/octet-stream", on_click="ignore",
                            use_container_width=True, help="The network and its current weights: "
                            "nnlib.load_model reads it back.")
    cols[2].download_button("History (CSV)", lambda: _locked(run, exports.history_to_csv, run.history),
                            file_name="playground-history.csv", mime="text/csv", on_click="ignore",
                            use_container_width=True, help="epoch, loss, val_loss, score, val_score per epoch; "
                            "score is accuracy, or R² for regression.")
    cols[3].download_button("Data (CSV)", lambda: exports.data_to_csv(run.data), file_name=exports.DATA_FILE,
                            mime="text/csv", on_click="ignore", use_container_width=True,
                            help="Training rows, then test rows, as x1, x2, label.")


def _locked(run: PlaygroundRun, fn, *args):
    """``fn(*args)`` while the live loop cannot train: weights and history from one moment."""
    with run.lock:
        return fn(*args)


def _code(run: PlaygroundRun, exact: str | None) -> None:
    epoch = run.epoch
    note = f"As of epoch {epoch:,}"
    if st.session_state.get(state.PLAYING):
        note += " (press Pause to bring it up to date)"
    if exact is None:
        note += ". The script replays this run exactly: it prints the same final training loss."
    else:
        note += f". The script will not match this run exactly: {exact}."
    st.caption(note)
    nnlib_tab, keras_tab = st.tabs(["nnlib script", "Keras (tf.keras)"])
    with nnlib_tab:
        script = exports.nnlib_script(run.config, run.data, epoch)
        st.download_button("Download the script", script, file_name="playground_run.py", mime="text/x-python",
                           on_click="ignore")
        st.code(script, language="python", height=420)
    with keras_tab:
        keras = exports.keras_code(run.config, run.data, epoch)
        st.caption(f"Reads the Data (CSV) download ({exports.DATA_FILE}). Keras draws its own initial weights "
                   "and batches, so expect similar numbers, not the same ones.")
        st.download_button("Download the Keras code", keras, file_name="playground_keras.py",
                           mime="text/x-python", on_click="ignore")
        st.code(keras, language="python", height=420)


def _replayable(run: PlaygroundRun) -> str | None:
    """None when the exported script replays ``run`` exactly, else the reason it cannot. Called on every full
    rerun, so it sees every change of a training setting (speed does not count: it changes no number)."""
    if getattr(run, "imported_from", None):
        return f"its weights came from the file {run.imported_from}"
    settings = run.config.numbers()
    seen = st.session_state.get(REPLAY)
    if seen is None or seen[0] is not run:
        seen = (run, settings, run.epoch == 0)
    elif seen[1] != settings:
        seen = (run, settings, seen[2] and run.epoch == 0)
    st.session_state[REPLAY] = seen
    return None if seen[2] else "a training setting changed after training had started"


def _import_controls() -> None:
    room = controls.classroom()
    st.file_uploader(
        "Restore a configuration (.json) or a model (.npz)", type=["json", "npz"], key=IMPORT_FILE,
        on_change=_import_file, disabled=room.lock,
        help=f"A configuration file (at most {exports.MAX_CONFIG_BYTES // 1000} kB) sets every control. A model "
             "file must match the current network; import its configuration first to restore a whole run.")
    if room.lock:
        st.caption(lessons.LOCK_CAPTION)
    message = st.session_state.get(IMPORT_MESSAGE)
    if message:
        (st.success if message[0] == "success" else st.error)(message[1])


def _import_file() -> None:
    """A callback: validate the upload fully, then change the settings or the run at once, or nothing."""
    upload = st.session_state.get(IMPORT_FILE)
    st.session_state.pop(IMPORT_MESSAGE, None)
    if upload is None or controls.classroom().lock:
        return
    name = upload.name[:60]
    data = upload.getvalue()
    try:
        is_model = name.lower().endswith(".npz") or (not name.lower().endswith(".json") and data[:2] == b"PK")
        text = _import_model(data, name) if is_model else _import_config(data, name)
    except exports.ImportRejected as err:
        st.session_state[IMPORT_MESSAGE] = ("error", f"{name} was not imported, and nothing changed: {err}")
        return
    st.session_state[IMPORT_MESSAGE] = ("success", text)


def _import_config(data: bytes, name: str) -> str:
    config, notes = exports.config_from_json(data)
    controls.seed_widgets(config)
    room = controls.classroom()
    st.session_state[controls.CLASSROOM] = replace(room, lesson=None)
    st.session_state[state.PLAYING] = False
    st.session_state.pop(state.NOTICES, None)
    state.touch()
    adjusted = f" Adjusted to the Playground's limits: {' '.join(notes)}" if notes else ""
    return f"Loaded the settings from {name}.{adjusted}"


def _import_model(data: bytes, name: str) -> str:
    current: PlaygroundRun = st.session_state[state.RUN]
    weights = exports.model_weights_from_bytes(data, current.model)
    fresh = state.new_run(current.config)
    fresh.model.set_weights(weights)
    fresh.imported_from = name
    st.session_state[state.PLAYING] = False
    st.session_state.pop(state.STATUS, None)
    st.session_state[state.RUN] = fresh
    state.touch()
    return f"Loaded the weights from {name}; the epoch counter starts again at 0."
