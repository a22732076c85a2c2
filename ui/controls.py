"""The Playground's widgets -> one frozen Config. Widget keys are the Config's field names prefixed
with "w_", so the URL, the widgets and the Config map onto each other one to one."""

from __future__ import annotations

import random

import streamlit as st

from nnlib import datasets, features
from ui import config as cfg
from ui import limits, state
from ui.config import Config

PREFIX = "w_"
N_LAYERS = PREFIX + "n_layers"
UPLOAD_ERROR = "pg_upload_error"  # the message for a rejected CSV, until the next upload


def _key(name: str) -> str:
    return PREFIX + name


def _units_key(i: int) -> str:
    return f"{PREFIX}units_{i}"


def _act_key(i: int) -> str:
    return f"{PREFIX}act_{i}"


def _feature_key(name: str) -> str:
    return f"{PREFIX}feat_{name}"


SCALARS = ("dataset", "classes", "noise", "train_pct", "samples", "batch_size", "dropout", "init", "loss",
           "optimizer", "learning_rate", "regularization", "reg_rate", "epochs_per_frame", "seed")


def seed_widgets(config: Config) -> None:
    """Put ``config`` into the widgets' session-state slots (before the widgets are drawn)."""
    ss = st.session_state
    for name in SCALARS:
        ss[_key(name)] = getattr(config, name)
    ss[N_LAYERS] = len(config.layers)
    for i in range(limits.MAX_HIDDEN_LAYERS):
        ss[_units_key(i)] = config.layers[i] if i < len(config.layers) else 4
        ss[_act_key(i)] = config.activations[i] if i < len(config.activations) else "tanh"
    for name in features.FEATURES:
        ss[_feature_key(name)] = name in config.features


def read_url_once() -> None:
    """On a session's first run, load the settings from the URL (with notices for what was unusable)."""
    if st.session_state.get(state.URL_READ):
        return
    config, notices = cfg.from_query(st.query_params.to_dict())
    seed_widgets(config)
    for notice in notices:
        state.notify(notice)
    st.session_state[state.URL_READ] = True
    state.touch()


def write_url(config: Config) -> None:
    """Mirror the settings into the URL so that the address bar is always a shareable link."""
    wanted = cfg.to_query(config)
    extra = {k: v for k, v in st.query_params.to_dict().items() if k in ("lesson", "hide")}
    if st.query_params.to_dict() != {**wanted, **extra}:
        st.query_params.from_dict({**wanted, **extra})


def _changed() -> None:
    st.session_state.pop(state.NOTICES, None)
    state.touch()


def _clamp_widget(key: str, low, high) -> None:
    """Keep a stored widget value inside the widget's current bounds (they can move)."""
    value = st.session_state.get(key)
    if value is not None:
        st.session_state[key] = min(max(value, low), high)


def _regenerate() -> None:
    st.session_state[_key("seed")] = random.randint(0, 99_999)
    _changed()


def sidebar() -> Config:
    """Draw every control; return the Config they describe (clamped again, whatever was injected)."""
    with st.sidebar:
        st.header("Data")
        data = _data_controls()
        st.header("Features")
        chosen = _feature_controls()
        st.header("Network")
        network = _network_controls(len(chosen))
        st.header("Training")
        training = _training_controls(data["samples"], data["train_pct"])
    config = Config(**data, features=chosen, **network, **training)
    config, notices = cfg.from_query(cfg.to_query(config))  # one clamp path for URLs and widgets alike
    for notice in notices:
        state.notify(notice)
    return config


def _data_controls() -> dict:
    names = list(cfg.DATASET_NAMES) + (["upload"] if st.session_state.get(state.UPLOAD) is not None else [])
    if st.session_state.get(_key("dataset")) not in names:
        st.session_state[_key("dataset")] = cfg.DEFAULT.dataset
    labels = {name: f"{name} ({datasets.DATASETS[name].kind})" for name in cfg.DATASET_NAMES}
    labels["upload"] = "your CSV"
    dataset = st.selectbox("Dataset", names, key=_key("dataset"), format_func=labels.get, on_change=_changed)
    if dataset in datasets.DATASETS:
        st.caption(datasets.DATASETS[dataset].description)
    classes = st.slider("Classes", 3, 6, key=_key("classes"), on_change=_changed) if dataset == "blobs" \
        else st.session_state.get(_key("classes"), 3)
    noise = st.slider("Noise", 0.0, datasets.MAX_NOISE, step=0.05, key=_key("noise"), on_change=_changed)
    train_pct = st.slider("Training data (%)", 10, 90, step=5, key=_key("train_pct"), on_change=_changed)
    samples = st.slider("Samples", limits.MIN_SAMPLES, limits.MAX_SAMPLES, step=50, key=_key("samples"),
                        on_change=_changed)
    st.button("Regenerate", on_click=_regenerate, help="Draw new data (and new initial weights): a new seed.")
    _upload_controls()
    return dict(dataset=dataset, classes=classes, noise=noise, train_pct=train_pct, samples=samples)


def _upload_controls() -> None:
    st.file_uploader("Upload CSV (columns x1, x2, label)", type=["csv", "txt"], key=_key("csv"),
                     on_change=_read_upload)
    if st.session_state.get(UPLOAD_ERROR):
        st.error(st.session_state[UPLOAD_ERROR])


def _read_upload() -> None:
    """A callback, so the dataset widget can still be switched to the upload before it is drawn.
    A rejected file leaves the current data and run untouched."""
    upload = st.session_state.get(_key("csv"))
    st.session_state.pop(UPLOAD_ERROR, None)
    if upload is None:
        return
    try:
        table = datasets.read_csv_table(upload, max_rows=limits.UPLOAD_MAX_ROWS, max_bytes=limits.UPLOAD_MAX_BYTES)
    except ValueError as err:
        st.session_state[UPLOAD_ERROR] = f"That CSV could not be used: {err}"
        return
    st.session_state[state.UPLOAD], st.session_state[state.UPLOAD_ID] = table, upload.file_id
    st.session_state[_key("dataset")] = "upload"
    _changed()
    for note in table.notes:
        state.notify(note)


def _feature_controls() -> tuple[str, ...]:
    cols = st.columns(3)
    chosen = []
    for i, (name, (label, _)) in enumerate(features.FEATURES.items()):
        if cols[i % 3].checkbox(label, key=_feature_key(name), on_change=_changed):
            chosen.append(name)
    if not chosen:
        st.warning("Pick at least one input feature; using X₁ and X₂ meanwhile.")
        return cfg.DEFAULT.features
    return tuple(chosen)


def _network_controls(n_inputs: int) -> dict:
    n_layers = st.number_input("Hidden layers", 0, limits.MAX_HIDDEN_LAYERS, step=1, key=N_LAYERS,
                               on_change=_changed)
    layers, acts = [], []
    for i in range(int(n_layers)):
        left, right = st.columns([1, 1])
        _clamp_widget(_units_key(i), 1, limits.MAX_NEURONS)
        layers.append(left.number_input(f"Layer {i + 1} neurons", 1, limits.MAX_NEURONS, step=1,
                                        key=_units_key(i), on_change=_changed))
        acts.append(right.selectbox(f"Layer {i + 1} activation", cfg.HIDDEN_ACTIVATIONS, key=_act_key(i),
                                    on_change=_changed))
    dropout = st.slider("Dropout", 0.0, 0.9, step=0.05, key=_key("dropout"), on_change=_changed)
    init = st.selectbox("Weight initializer", cfg.INITIALIZERS, key=_key("init"), on_change=_changed)
    return dict(layers=tuple(int(u) for u in layers), activations=tuple(acts), dropout=dropout, init=init)


def _training_controls(samples: int, train_pct: int) -> dict:
    loss = st.selectbox("Loss", list(cfg.LOSSES), key=_key("loss"), format_func=cfg.LOSSES.get, on_change=_changed)
    optimizer = st.selectbox("Optimizer", list(cfg.OPTIMIZERS), key=_key("optimizer"),
                             format_func=cfg.OPTIMIZERS.get, on_change=_changed)
    lr = st.select_slider("Learning rate", cfg.LEARNING_RATES, key=_key("learning_rate"), on_change=_changed)
    regularization = st.selectbox("Regularization", list(cfg.REGULARIZATIONS), key=_key("regularization"),
                                  format_func=cfg.REGULARIZATIONS.get, on_change=_changed)
    reg_rate = st.select_slider("Regularization rate", cfg.REG_RATES, key=_key("reg_rate"), on_change=_changed)
    train_size = max(1, round(samples * train_pct / 100))
    _clamp_widget(_key("batch_size"), 1, train_size)
    batch_size = st.slider("Batch size", 1, train_size, key=_key("batch_size"), on_change=_changed)
    speed = st.slider("Epochs per frame (speed)", 1, limits.MAX_EPOCHS_PER_FRAME, key=_key("epochs_per_frame"),
                      on_change=_changed)
    seed = st.number_input("Seed", 0, limits.MAX_SEED, step=1, key=_key("seed"), on_change=_changed)
    return dict(loss=loss, optimizer=optimizer, learning_rate=lr, regularization=regularization,
                reg_rate=reg_rate, batch_size=batch_size, epochs_per_frame=speed, seed=int(seed))
