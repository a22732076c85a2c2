"""The Playground's widgets -> one frozen Config. Widget keys are the Config's field names prefixed
with "w_", so the URL, the widgets and the Config map onto each other one to one."""

from __future__ import annotations

import random

import streamlit as st

from nnlib import datasets
from ui.core import config as cfg
from ui.core import lessons, limits
from ui.core.config import Config
from ui.core.data import csv_files, drawn, features
from ui.web import state
from ui.web.playground import training
from ui.web.playground.widgets import changed, classroom, control, maybe_control
from ui.web.state import act_key, feature_key, units_key, widget_key

VIEW_SETTINGS = ("show_test", "discretize", "log_loss")  # toggles above the view (live.view_options)
SEEDED_RUNS = 2  # the seeding run, and the next one: Streamlit drops a finished run's unsent messages


SCALARS = ("dataset", "classes", "noise", "train_pct", "samples", "batch_size", "dropout", "init", "loss",
           "optimizer", "learning_rate", "regularization", "reg_rate", "epochs_per_frame", "seed", "data_seed",
           "off", "frozen", "schedule", "schedule_epochs", "stop_loss", "stop_score", "stop_epochs", "early_stopping",
           "patience", "restore_best", *VIEW_SETTINGS)
OPERATIONS = ("off", "frozen")  # neuron surgery: no widget of their own, set from the diagram and the Neuron tab


def seed_widgets(config: Config) -> None:
    """Put ``config`` into the widgets' session-state slots (before the widgets are drawn)."""
    ss = st.session_state
    for name in SCALARS:
        ss[widget_key(name)] = getattr(config, name)
    ss[state.N_LAYERS] = len(config.layers)
    for i in range(limits.MAX_HIDDEN_LAYERS):
        ss[units_key(i)] = config.layers[i] if i < len(config.layers) else 4
        ss[act_key(i)] = config.activations[i] if i < len(config.activations) else "tanh"
    for name in features.FEATURES:
        ss[feature_key(name)] = name in config.features
    ss[state.SEEDED] = SEEDED_RUNS


def read_url_once() -> None:
    """On a session's first run, load the settings, lesson and instructor settings from the URL (with notices
    for what was unusable); later, a lesson picked on the Lessons page."""
    if not st.session_state.get(state.URL_READ):
        params = st.query_params.to_dict()
        kind, notices = _drawing_from_link(params.pop("points", None))
        config, room, more = lessons.from_url(params, upload_kind=kind)
        notices += more
        seed_widgets(config)
        st.session_state[state.CLASSROOM] = room
        for notice in notices:
            state.notify(notice)
        st.session_state[state.URL_READ] = True
        state.LOOP.touch()
    elif _widgets_dropped() and state.CONFIG in st.session_state:
        seed_widgets(st.session_state[state.CONFIG])  # back from another page
    name = st.session_state.pop(state.PENDING_LESSON, None)
    if name in lessons.LESSONS:
        seed_widgets(lessons.LESSONS[name].config)
        st.session_state[state.CLASSROOM] = lessons.Classroom(name, classroom().hide)
        state.LOOP.touch()


def _drawing_from_link(text) -> tuple[str | None, list[str]]:
    """A link's points= as the session's drawn set: its kind of problem, or None (with why) if unusable."""
    if text is None:
        return None, []
    try:
        if len(text) > limits.DRAW_LINK_MAX_CHARS:
            raise ValueError("it is too long")
        X, y, kind = drawn.decode(text, limits.UPLOAD_MIN_ROWS, limits.DRAW_LINK_MAX_POINTS)
    except ValueError as why:
        return None, [f"Ignored URL parameter points: {why}."]
    names = () if kind == "regression" else tuple(map(str, range(int(y.max()) + 1)))
    use_drawing(csv_files.CsvTable(X, y, kind, names, ()))
    return kind, []


def use_drawing(table: csv_files.CsvTable) -> None:
    """Make ``table`` the session's drawn set and the data, and the link's points= when it fits."""
    ss = st.session_state
    ss[state.DRAWINGS] = ss.get(state.DRAWINGS, 0) + 1
    ss[state.UPLOAD], ss[state.UPLOAD_ID] = table, f"drawing {ss[state.DRAWINGS]}"
    ss[state.UPLOAD_NAME] = state.DRAWING_NAME
    ss[widget_key("dataset")] = cfg.UPLOAD
    ss.pop(state.DRAWING_LINK, None)
    if len(table.y) <= limits.DRAW_LINK_MAX_POINTS:
        ss[state.DRAWING_LINK] = drawn.encode(table.X, table.y, table.kind)


def _widgets_dropped() -> bool:
    """Streamlit drops the state of widgets a run did not draw, so a visit to another page empties them; a
    checkbox whose state is gone would come back unchecked, so every widget of the setup counts."""
    ss = st.session_state
    keys = [widget_key(n) for n in SCALARS] + [feature_key(n) for n in features.FEATURES]
    keys += [k for i in range(int(ss.get(state.N_LAYERS, 0))) for k in (units_key(i), act_key(i))]
    return any(k not in ss for k in keys + [state.N_LAYERS])


def write_url(config: Config) -> None:
    """Mirror the settings into the URL so that the address bar is always a shareable link."""
    wanted = lessons.to_url(config, classroom())
    if config.dataset == cfg.UPLOAD and state.DRAWING_LINK in st.session_state:
        wanted["points"] = st.session_state[state.DRAWING_LINK]  # the drawing itself rides in the link
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def notices_box() -> None:
    """Every notice (URL problems, clamped values, upload notes) in one box, which the user can dismiss."""
    notices = st.session_state.get(state.NOTICES, []) + _upload_notes()
    if not notices:
        return
    with st.container(horizontal=True, vertical_alignment="top"):
        st.warning("\n".join(f"- {n}" for n in notices) if len(notices) > 1 else notices[0], width="stretch")
        st.button("Dismiss", key="pg_dismiss_notices", on_click=_dismiss_notices, type="tertiary",
                  icon=":material/close:")


def _upload_notes() -> list[str]:
    """The notes on an uploaded CSV (rescaled, labels numbered) hold while it is the data: a change of another
    setting does not clear them, only Dismiss or the next upload does."""
    ss = st.session_state
    table = ss.get(state.UPLOAD)
    if table is None or ss.get(widget_key("dataset")) != cfg.UPLOAD:
        return []
    return [] if ss.get(state.UPLOAD_NOTES_DISMISSED) == ss.get(state.UPLOAD_ID) else list(table.notes)


def _dismiss_notices() -> None:
    st.session_state.pop(state.NOTICES, None)
    st.session_state[state.UPLOAD_NOTES_DISMISSED] = st.session_state.get(state.UPLOAD_ID)


def _clamp_widget(key: str, low, high) -> None:
    """Keep a stored widget value inside the widget's current bounds (they can move)."""
    value = st.session_state.get(key)
    if value is not None:
        st.session_state[key] = min(max(value, low), high)


def _regenerate() -> None:
    """New points, the same initial weights' seed, as TensorFlow Playground's Regenerate."""
    ss = st.session_state
    ss[widget_key("data_seed")] = random.randint(1, 99_999)
    changed()
    state.notify(f"New data drawn (data seed {ss[widget_key('data_seed')]}); the initial weights keep seed "
                 f"{ss.get(widget_key('seed'), cfg.DEFAULT.seed)}.")


def _seeded_run_done() -> None:
    """Every control was drawn with its seeded value in this run; count it."""
    left = st.session_state.get(state.SEEDED, 0) - 1
    if left > 0:
        st.session_state[state.SEEDED] = left
    else:
        st.session_state.pop(state.SEEDED, None)


def _header(label: str, group: str, effect: str) -> None:
    """A section's header, and what a change of its settings does to the run's weights."""
    if not classroom().hides_group(group):
        st.header(label)
        st.caption(effect)


def sidebar() -> Config:
    """Draw every control; return the Config they describe (clamped again, whatever was injected). The settings
    a learner changes while watching come first (beside the view), then the setup: data, features, network."""
    with st.sidebar:
        if classroom().lock:
            st.caption(classroom().lock_caption)
        watching = st.container()
        _header("Data", "data", "A change starts afresh: new points, fresh weights.")
        data = _data_controls()
        points = state.data_for(Config(**data, seed=int(st.session_state.get(widget_key("seed"), cfg.DEFAULT.seed))))
        _header("Features", "features", "A change starts afresh from the seed.")
        chosen = _feature_controls()
        _header("Network", "network", "A change starts afresh from the seed.")
        network = _network_controls(len(chosen))
        _header("Schedule and stopping", "stopping", "Changes keep the weights.")
        stopping = training.schedule_and_stop_controls(points.kind)
        with st.container():
            _header("More training settings", "training", "A change starts afresh.")
            more = training.more_training_controls(data["dataset"], points.kind)
    with watching:
        _header("Training", "training", "Changes keep the weights (but a new activation starts afresh).")
        trained = training.training_controls(len(points.y_train))
    _seeded_run_done()
    view = {name: bool(st.session_state.get(widget_key(name), False)) for name in VIEW_SETTINGS}
    operated = {name: tuple(st.session_state.get(widget_key(name), ())) for name in OPERATIONS}
    config = Config(**data, features=chosen, **network, **trained, **stopping, **more, **view, **operated)
    # one clamp path for URLs and widgets alike
    config, notices = cfg.from_query(cfg.to_query(config), upload_kind=state.upload_kind(),
                                     train_size=len(points.y_train))
    for notice in notices:
        state.notify(notice)
    for name in OPERATIONS:  # a neuron the network lost stays gone when the layer grows again
        st.session_state[widget_key(name)] = getattr(config, name)
    return config


def _data_controls() -> dict:
    table = st.session_state.get(state.UPLOAD)
    names = list(cfg.DATASET_NAMES) + ([cfg.UPLOAD] if table is not None else [])
    if st.session_state.get(widget_key("dataset")) not in names:
        st.session_state[widget_key("dataset")] = cfg.DEFAULT.dataset
    labels = {name: f"{name} ({datasets.DATASETS[name].kind})" for name in cfg.DATASET_NAMES}
    drawing = st.session_state.get(state.UPLOAD_NAME) == state.DRAWING_NAME
    labels[cfg.UPLOAD] = state.DRAWING_NAME if drawing else "your CSV"
    dataset = control(st.selectbox, "dataset", "Dataset", names, key=widget_key("dataset"), format_func=labels.get,
                       on_change=changed)
    uploaded = dataset == cfg.UPLOAD
    if not classroom().is_hidden("dataset"):
        st.caption(f"{len(table.y)} rows from {st.session_state.get(state.UPLOAD_NAME, 'your file')}" if uploaded
                   else datasets.DATASETS[dataset].description)
    classes = maybe_control(uploaded or dataset != "blobs", st.slider, "classes", "Classes", 3, 6)
    noise = maybe_control(uploaded, st.slider, "noise", "Noise", 0.0, datasets.MAX_NOISE, step=0.05)
    train_pct = control(st.slider, "train_pct", "Training data (%)", 10, 90, step=5, key=widget_key("train_pct"),
                         on_change=changed)
    samples = maybe_control(uploaded, st.slider, "samples", "Samples", limits.MIN_SAMPLES,
                                 limits.MAX_SAMPLES, step=50)
    room = classroom()
    if not room.is_hidden("data_seed"):
        st.button("Regenerate", on_click=_regenerate, disabled=room.is_locked("data_seed"),
                  help="Draw new data; the initial weights keep their seed (Seed, under Training).")
    if not (room.is_hidden("dataset") or room.is_locked("dataset")):
        _upload_controls()
    data_seed = int(st.session_state.get(widget_key("data_seed"), cfg.DEFAULT.data_seed))
    return dict(dataset=dataset, classes=classes, noise=noise, train_pct=train_pct, samples=samples,
                data_seed=data_seed)


def _upload_controls() -> None:
    st.file_uploader("Upload CSV (columns x1, x2, label)", type=["csv", "txt"], key=widget_key("csv"),
                     on_change=_read_upload)
    if st.session_state.get(state.UPLOAD_ERROR):
        st.error(st.session_state[state.UPLOAD_ERROR])


def _read_upload() -> None:
    """A callback, so the dataset widget can still be switched to the upload before it is drawn.
    A rejected file leaves the current data and run untouched."""
    upload = st.session_state.get(widget_key("csv"))
    st.session_state.pop(state.UPLOAD_ERROR, None)
    st.session_state.pop(state.NOTICES, None)  # about what came before
    st.session_state[state.UPLOAD_NOTES_DISMISSED] = st.session_state.get(state.UPLOAD_ID)  # a new attempt
    if upload is None:
        return
    try:
        table = csv_files.read_csv_table(upload, max_rows=limits.UPLOAD_MAX_ROWS, max_bytes=limits.UPLOAD_MAX_BYTES)
        if len(table.y) < limits.UPLOAD_MIN_ROWS:
            raise ValueError(f"it has {len(table.y)} data rows; the Playground needs at least "
                             f"{limits.UPLOAD_MIN_ROWS} to split them into training and test points")
    except ValueError as err:
        st.session_state[state.UPLOAD_ERROR] = f"That CSV could not be used: {err}"
        return
    st.session_state[state.UPLOAD], st.session_state[state.UPLOAD_ID] = table, upload.file_id
    st.session_state[state.UPLOAD_NAME] = upload.name[:60]
    st.session_state.pop(state.DRAWING_LINK, None)  # a file is no drawing: a link cannot carry it
    st.session_state[widget_key("dataset")] = cfg.UPLOAD
    changed()


def _feature_controls() -> tuple[str, ...]:
    cols = st.columns(3)
    chosen = []
    for i, (name, (label, _)) in enumerate(features.FEATURES.items()):
        if control(cols[i % 3].checkbox, "features", label, key=feature_key(name), on_change=changed):
            chosen.append(name)
    if not chosen:
        st.warning("Pick at least one input feature; using X₁ and X₂ meanwhile.")
        return cfg.DEFAULT.features
    return tuple(chosen)


def _network_controls(n_inputs: int) -> dict:
    n_layers = control(st.number_input, "layers", "Hidden layers", 0, limits.MAX_HIDDEN_LAYERS, step=1,
                        key=state.N_LAYERS, on_change=changed)
    layers, acts = [], []
    room = classroom()
    shown = not (room.is_hidden("layers") and room.is_hidden("activations"))
    for i in range(int(n_layers)):
        left, right = st.columns([1, 1]) if shown else (st, st)  # no empty columns for hidden controls
        _clamp_widget(units_key(i), 1, limits.MAX_NEURONS)
        layers.append(control(left.number_input, "layers", f"Layer {i + 1} neurons", 1, limits.MAX_NEURONS,
                               step=1, key=units_key(i), on_change=changed))
        acts.append(control(right.selectbox, "activations", f"Layer {i + 1} activation", cfg.HIDDEN_ACTIVATIONS,
                             key=act_key(i), on_change=changed))
    dropout = control(st.slider, "dropout", "Dropout", 0.0, 0.9, step=0.05, key=widget_key("dropout"),
                       on_change=changed)
    init = control(st.selectbox, "init", "Weight initializer", cfg.INITIALIZERS, key=widget_key("init"),
                    on_change=changed)
    return dict(layers=tuple(int(u) for u in layers), activations=tuple(acts), dropout=dropout, init=init)
