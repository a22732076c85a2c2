"""The Playground's Export / import panel: the config, model, history and data as files, the run as nnlib
and Keras code, and imports that change everything or nothing. The pure parts live in ui/core/exports.py."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import nnlib
from ui.core import exports, lessons
from ui.core.run import PlaygroundRun
from ui.web import state
from ui.web.playground import controls


# --- Export / import ----------------------------------------------------------------------------------------
def export_panel(run: PlaygroundRun) -> None:
    """Downloads (config, model, history, data), the run as nnlib and Keras code, and the import uploader.
    Its content runs only while the expander is open."""
    if controls.classroom().is_hidden(lessons.EXPORT):
        return
    exact = _replayable(run)
    box = st.expander("Export / import", key=state.EXPORT_OPEN, on_change="rerun", icon=":material/inventory_2:")
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
    restored = run.weights_from
    if restored and exact is None:  # the weights on screen are those after that many epochs
        note += f" (early stopping put back the weights of epoch {restored:,}: the nnlib script trains that many)"
    if state.LOOP.playing:
        note += " (press Pause to bring it up to date)"
    if exact is None:
        note += ". The script replays this run exactly: it prints the same final training loss."
    else:
        note += f". The script will not match this run exactly: {exact}."
    st.caption(note)
    nnlib_tab, keras_tab = st.tabs(["nnlib script", "Keras (tf.keras)"])
    with nnlib_tab:
        script = exports.nnlib_script(run.config, run.data, restored or epoch)
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
    if run.restores and (len(run.restores) > 1 or run.weights_from is None):
        stop, put_back = run.restores[0]
        return f"early stopping put back the weights of epoch {put_back:,} at epoch {stop:,}, and training went on"
    settings = run.config.numbers()
    seen = st.session_state.get(state.REPLAY)
    if seen is None or seen[0] is not run:
        seen = (run, settings, run.epoch == 0)
    elif seen[1] != settings:
        seen = (run, settings, seen[2] and run.epoch == 0)
    st.session_state[state.REPLAY] = seen
    return None if seen[2] else "a training setting changed after training had started"


def _import_controls() -> None:
    room = controls.classroom()
    st.file_uploader(
        "Restore a configuration (.json) or a model (.npz)", type=["json", "npz"], key=state.IMPORT_FILE,
        on_change=_import_file, disabled=room.lock,
        help=f"A configuration file (at most {exports.MAX_CONFIG_BYTES // 1000} kB) sets every control. A model "
             "file must match the current network; import its configuration first to restore a whole run.")
    if room.lock:
        st.caption(room.lock_caption)
    message = st.session_state.get(state.IMPORT_MESSAGE)
    if message:
        (st.success if message[0] == "success" else st.error)(message[1])


def _import_file() -> None:
    """A callback: validate the upload fully, then change the settings or the run at once, or nothing."""
    upload = st.session_state.get(state.IMPORT_FILE)
    st.session_state.pop(state.IMPORT_MESSAGE, None)
    if upload is None or controls.classroom().lock:
        return
    name = upload.name[:60]
    data = upload.getvalue()
    try:
        is_model = name.lower().endswith(".npz") or (not name.lower().endswith(".json") and data[:2] == b"PK")
        text = _import_model(data, name) if is_model else _import_config(data, name)
    except exports.ImportRejected as err:
        st.session_state[state.IMPORT_MESSAGE] = ("error", f"{name} was not imported, and nothing changed: {err}")
        return
    st.session_state[state.IMPORT_MESSAGE] = ("success", text)


def _import_config(data: bytes, name: str) -> str:
    config, notes = exports.config_from_json(data)
    controls.seed_widgets(config)
    room = controls.classroom()
    st.session_state[state.CLASSROOM] = replace(room, lesson=None)
    st.session_state.pop(state.NOTICES, None)
    state.LOOP.halt()
    adjusted = f" Adjusted to the Playground's limits: {' '.join(notes)}" if notes else ""
    return f"Loaded the settings from {name}.{adjusted}"


def _import_model(data: bytes, name: str) -> str:
    current: PlaygroundRun = st.session_state[state.RUN]
    weights = exports.model_weights_from_bytes(data, current.model)
    fresh = state.new_run(current.config)
    fresh.model.set_weights(weights)
    fresh.imported_from = name
    st.session_state[state.RUN] = fresh
    state.LOOP.halt()
    return f"Loaded the weights from {name}; the epoch counter starts again at 0."
