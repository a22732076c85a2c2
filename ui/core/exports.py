"""Export and import for the Playground. Pure: builders take values and return text or bytes; no Streamlit.

Exports: the configuration as JSON, the training history as CSV, a standalone nnlib script that replays the
run, and the same network as Keras code. The data CSV is ``ui.core.data.csv_files.to_csv`` of the training rows
followed by the test rows; the model file is ``nnlib.model_to_bytes``.

Imports treat every file as hostile: no pickle, no eval, sizes capped before parsing, and every problem is
an ``ImportRejected`` whose message says what was wrong. A configuration goes through ui/core/config.py's
``from_query``, the same clamp as a URL, so every limit holds.

A model file (.npz) carries a network and its weights but neither the data nor the Playground settings, so
it must match the Playground's current network (inputs, Dense sizes and activations). To restore a whole
run, import its configuration JSON first, then its model.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields

import numpy as np

import nnlib
from nnlib import datasets
from ui.core import config as cfg
from ui.core import limits
from ui.core import spec as network
from ui.core.config import Config
from ui.core.data import csv_files, features
from ui.core.run import Data, History
from ui.core.training import schedules

FORMAT = "nnlib-playground-config"
VERSION = 1
MAX_CONFIG_BYTES = 20_000
MAX_MODEL_BYTES = limits.UPLOAD_MAX_BYTES
HISTORY_COLUMNS = ("epoch", "loss", "val_loss", "score", "val_score")
DATA_FILE = "playground-data.csv"


class ImportRejected(ValueError):
    """A file that cannot be imported; the message says why, in words for the user."""


# --- configuration JSON ------------------------------------------------------------------------------------
def config_to_dict(config: Config) -> dict:
    """The JSON document for ``config``: {"format", "version", "config": {field: value}}."""
    values = {f.name: list(v) if isinstance(v := getattr(config, f.name), tuple) else v for f in fields(Config)}
    return {"format": FORMAT, "version": VERSION, "config": values}


def config_to_json(config: Config) -> str:
    return json.dumps(config_to_dict(config), indent=2) + "\n"


def _kind(name: str) -> str:
    """What JSON type a Config field takes: "str", "int", "float", "str list" or "int list"."""
    default = getattr(cfg.DEFAULT, name)
    if isinstance(default, tuple):
        return "int list" if name == "layers" else "str list"
    return {str: "str", int: "int", float: "float", bool: "bool"}[type(default)]


_CHOICES = {
    "dataset": cfg.DATASET_NAMES, "init": cfg.INITIALIZERS, "loss": tuple(cfg.LOSSES),
    "optimizer": tuple(cfg.OPTIMIZERS), "regularization": tuple(cfg.REGULARIZATIONS),
    "activations": cfg.HIDDEN_ACTIVATIONS, "features": tuple(features.FEATURES),
}


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_field(name: str, value) -> None:
    kind = _kind(name)
    ok = {"str": isinstance(value, str), "int": _is_int(value), "bool": isinstance(value, bool),
          "float": (_is_int(value) or isinstance(value, float)),
          "str list": isinstance(value, list) and all(isinstance(v, str) for v in value),
          "int list": isinstance(value, list) and all(_is_int(v) for v in value)}[kind]
    if not ok:
        article = "a list of" if kind.endswith("list") else "a"
        wanted = {"str": "string", "int": "whole number", "float": "number", "bool": "true or false",
                  "str list": "strings",
                  "int list": "whole numbers"}[kind]
        raise ImportRejected(f"config.{name} must be {article} {wanted}, found {_describe(value)}")
    if name == "dataset" and value == "upload":
        raise ImportRejected("config.dataset is 'upload': the run used your own CSV, which a configuration "
                             "file does not carry. Upload the CSV in the sidebar instead.")
    if name in _CHOICES:
        for item in value if isinstance(value, list) else [value]:
            if item not in _CHOICES[name]:
                raise ImportRejected(f"config.{name}: {_describe(item)} is not one of {', '.join(_CHOICES[name])}")


def _describe(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ImportRejected(f"the key {repeated[0]!r} appears twice")
    return dict(pairs)


def _reject_constant(name):
    raise ImportRejected(f"{name} is not allowed in a configuration file")


def config_from_json(data: bytes | str) -> tuple[Config, list[str]]:
    """Read a configuration file strictly. Returns the Config and notices for values that were brought
    inside the Playground's limits; raises ImportRejected for anything else that is wrong."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ImportRejected(f"the file has {len(raw):,} bytes; a configuration file has at most "
                             f"{MAX_CONFIG_BYTES:,}")
    try:
        doc = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_duplicates,
                         parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ImportRejected("the file is not UTF-8 text, so it is not a configuration JSON") from None
    except (json.JSONDecodeError, RecursionError) as err:
        raise ImportRejected(f"the file is not valid JSON ({str(err)[:80]})") from None
    if not isinstance(doc, dict):
        raise ImportRejected(f"the file must hold a JSON object, found {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ImportRejected(f"format is {_describe(doc.get('format'))}, expected {FORMAT!r}")
    if doc.get("version") != VERSION or not _is_int(doc.get("version")):
        raise ImportRejected(f"version {_describe(doc.get('version'))} is not supported; this Playground reads "
                             f"version {VERSION}")
    extra = sorted(set(doc) - {"format", "version", "config"})
    if extra:
        raise ImportRejected(f"unexpected top-level key {extra[0]!r}; expected format, version and config")
    values = doc.get("config")
    if not isinstance(values, dict):
        raise ImportRejected("the file has no 'config' object")
    known = [f.name for f in fields(Config)]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ImportRejected(f"config.{unknown[0][:30]} is not a Playground setting")
    for name, value in values.items():
        _check_field(name, value)
    if "layers" in values and "activations" in values and len(values["layers"]) != len(values["activations"]):
        raise ImportRejected(f"config.activations has {len(values['activations'])} entries but config.layers "
                             f"has {len(values['layers'])}")
    return cfg.from_query({name: _query_text(name, value) for name, value in values.items()})


def _query_text(name: str, value) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value)) if value or name != "layers" else "none"
    return repr(value) if isinstance(value, float) else str(value)


# --- history CSV ------------------------------------------------------------------------------------------
def history_to_csv(history: History) -> str:
    """One row per epoch: epoch, loss, val_loss, score, val_score (score: accuracy, or R² for regression).
    Floats in full precision; a non-finite value is written as nan, inf or -inf."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    columns = [getattr(history, name) for name in HISTORY_COLUMNS]
    for row in zip(*columns):
        writer.writerow([int(row[0]), *(repr(float(v)) for v in row[1:])])
    return out.getvalue()


def history_from_csv(text: str) -> dict[str, list]:
    """``history_to_csv``'s output back as {column: values}."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != HISTORY_COLUMNS:
        raise ValueError(f"a history CSV starts with the header {','.join(HISTORY_COLUMNS)}")
    table = {name: [] for name in HISTORY_COLUMNS}
    for row in rows[1:]:
        table["epoch"].append(int(row[0]))
        for name, cell in zip(HISTORY_COLUMNS[1:], row[1:]):
            table[name].append(float(cell))
    return table


def data_to_csv(data: Data) -> str:
    """The training rows, then the test rows, as x1,x2,label."""
    return csv_files.to_csv(np.vstack([data.X_train, data.X_test]), np.concatenate([data.y_train, data.y_test]))


# --- model file -------------------------------------------------------------------------------------------
def architecture(model: nnlib.Sequential) -> tuple:
    """What weights depend on: the input count and each Dense layer's units and activation."""
    dense = tuple((layer.units, layer.activation.name) for layer in model.layers if isinstance(layer, nnlib.Dense))
    return (model.input_dim, dense)


def model_weights_from_bytes(data: bytes, current: nnlib.Sequential) -> list[np.ndarray]:
    """The weights in an nnlib model file, checked to fit ``current``'s network. Never unpickles."""
    if len(data) > MAX_MODEL_BYTES:
        raise ImportRejected(f"the model file has {len(data):,} bytes; the limit is {MAX_MODEL_BYTES:,}")
    try:
        loaded = nnlib.load_model(bytes(data))
    except ValueError as err:
        raise ImportRejected(f"that is not a usable nnlib model file: {err}") from None
    if architecture(loaded) != architecture(current):
        raise ImportRejected(f"the file holds {loaded!r}, but the Playground's network is {current!r}. Set the "
                             "same features, layers and activations (or import the run's configuration JSON "
                             "first), then import the model again.")
    return loaded.get_weights()


# --- code export ------------------------------------------------------------------------------------------


def _summary(config: Config, data: Data) -> str:
    hidden = " -> ".join(f"{u} {a}" for u, a in zip(config.layers, config.activations)) or "no hidden layer"
    return (f"{config.dataset} ({data.kind}), features {', '.join(config.features)}, {hidden}, "
            f"{cfg.OPTIMIZERS[config.optimizer]} at learning rate {config.learning_rate:g}")


def nnlib_script(config: Config, data: Data, epochs: int) -> str:
    """A standalone script that rebuilds the run's data, network and optimizer, trains ``epochs`` epochs
    exactly as the Playground does (same seed, batch size and order of random draws), and prints the final
    training loss. The network comes from the same spec as the Playground's model (ui/core/spec.py)."""
    spec = network.network_spec(config, data.kind, data.n_classes)
    seed = config.seed
    data_seed = "DATA_SEED" if config.points_seed != seed else "SEED"
    multi_mse = data.kind == "multiclass" and spec.loss == "mse"
    lines = [
        '"""Replays a NumPy Neural Playground run with nnlib.',
        "",
        f"Setup: {_summary(config, data)}.",
        f"Exported at epoch {epochs}. Run it where `import nnlib` works: python playground_run.py",
        "It prints the final training loss, the same number as the Playground's last Train loss, as long as",
        "the training settings were not changed during the run.",
        '"""',
        "",
        "import numpy as np",
        "",
        "import nnlib",
        *(["from nnlib import datasets"] if config.dataset in datasets.DATASETS else []),
        "",
        f"SEED = {seed}",
        *([f"DATA_SEED = {config.points_seed}"] if config.points_seed != seed else []),
        f"EPOCHS = {epochs}",
        "",
    ]
    lines += _nnlib_data(config, data, data_seed)
    lines += [
        "",
        f"def expand(X):  # the input features: {', '.join(config.features)}",
        f"    return np.column_stack([{', '.join(features.CODE[name] for name in config.features)}])",
        "",
        "inputs_train, inputs_test = expand(X_train), expand(X_test)",
    ]
    if multi_mse:
        lines += [f"y_train, y_test = np.eye({data.n_classes})[y_train], np.eye({data.n_classes})[y_test]"
                  "  # MSE compares one-hot rows"]
    lines += [
        "",
        "# The network, built and initialized in the Playground's order",
        *_nnlib_network(spec),
        f"model.build(({len(config.features)},))",
        "print(model)",
        *_nnlib_fit(config, data),
        "# The Playground's losses: the final weights' data loss, without the regularization penalty",
        "penalty = sum(model.losses)",
        "train = model.evaluate(inputs_train, y_train, return_dict=True)",
        "test = model.evaluate(inputs_test, y_test, return_dict=True)",
        "if EPOCHS:",
        "    print(f\"epochs: {len(history.epoch)}  test loss: {test['loss'] - penalty!r}\")",
        "    print(f\"final loss: {train['loss'] - penalty!r}\")",
        "",
    ]
    return "\n".join(lines)


def _nnlib_fit(config: Config, data: Data) -> list[str]:
    """The schedule, if any (the Playground sets the rate once per epoch: Keras' LearningRateScheduler), and fit."""
    scheduled = schedules.schedule_code(config.schedule, config.learning_rate, config.schedule_epochs,
                                        "nnlib.optimizers.")
    callbacks = ", callbacks=[nnlib.callbacks.LearningRateScheduler(lambda epoch: float(SCHEDULE(epoch)))]"
    return [*scheduled, "",
            f"history = model.fit(inputs_train, y_train, epochs=EPOCHS, "
            f"batch_size={min(config.batch_size, len(data.y_train))}, verbose=0{callbacks if scheduled else ''})"]


def _nnlib_data(config: Config, data: Data, data_seed: str) -> list[str]:
    """The script's lines that make X_train, X_test, y_train, y_test: the generator, or the data CSV."""
    if config.dataset in datasets.DATASETS:
        classes = f", classes={config.classes}" if config.dataset == "blobs" else ""
        return [
            "# The data: the same points and the same train/test split as the Playground",
            f"X, y = datasets.generate({config.dataset!r}, {config.samples}, noise={config.noise!r}, "
            f"seed={data_seed}{classes})",
            f"X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, 1 - {config.train_pct} / 100, "
            f"seed={data_seed})",
        ]
    return [
        f"# The data: your CSV as the Playground's 'Data (CSV)' download ({DATA_FILE}), training rows first",
        f"table = np.loadtxt({DATA_FILE!r}, delimiter=',', skiprows=1, ndmin=2)  # x1, x2, label",
        "X, y = table[:, :2], table[:, 2]" + ("" if data.kind == "regression" else ".astype(int)"),
        f"N_TRAIN = {len(data.y_train)}",
        "X_train, X_test, y_train, y_test = X[:N_TRAIN], X[N_TRAIN:], y[:N_TRAIN], y[N_TRAIN:]",
    ]


def _nnlib_network(spec: network.NetworkSpec) -> list[str]:
    reg = f"nnlib.regularizers.get({dict([spec.regularizer])!r})" if spec.regularizer else "None"
    lines, width = [f"INIT = {spec.initializer!r}", f"REG = {reg}", "model = nnlib.Sequential(["], spec.n_inputs
    for layer in spec.layers:
        if layer.kind == "Dropout":
            lines.append(f"    nnlib.Dropout({layer.rate!r}),")
            continue
        lines.append(f"    nnlib.Dense({layer.units}, {layer.activation!r}, kernel_initializer=INIT, "
                     f"kernel_regularizer=REG, input_shape=({width},)),")
        width = layer.units
    return [*lines, "], seed=SEED)",
            f"model.compile(optimizer={network.optimizer_code(spec, 'nnlib.optimizers.')}, loss={spec.loss!r}, "
            f"metrics=[{spec.metric!r}])"]


def _keras_initializer(spec: network.NetworkSpec) -> str:
    if isinstance(spec.initializer, str):
        return repr(spec.initializer)
    return (f"tf.keras.initializers.RandomUniform(minval={spec.initializer['minval']!r}, "
            f"maxval={spec.initializer['maxval']!r})")


def _keras_network(spec: network.NetworkSpec) -> list[str]:
    name, rate = spec.regularizer or (None, None)
    reg = f"tf.keras.regularizers.{name.upper()}({rate!r})" if name else "None"
    lines = [f"INIT = {_keras_initializer(spec)}", f"REG = {reg}", "model = tf.keras.Sequential([",
             f"    tf.keras.Input(shape=({spec.n_inputs},)),"]
    for layer in spec.layers:
        lines.append(f"    tf.keras.layers.Dropout({layer.rate!r})," if layer.kind == "Dropout" else
                     f"    tf.keras.layers.Dense({layer.units}, activation={layer.activation!r}, "
                     "kernel_initializer=INIT, kernel_regularizer=REG),")
    metric = f"[{spec.metric!r}]"  # Keras 3 knows "r2_score" as R2Score
    return [*lines, "])",
            f"model.compile(optimizer={network.optimizer_code(spec, 'tf.keras.optimizers.', 'learning_rate')},",
            f"              loss={spec.loss!r}, metrics={metric})"]


def keras_code(config: Config, data: Data, epochs: int) -> str:
    """The same network in tf.keras, reading the Playground's data CSV. Keras draws its own initial weights
    and batches, so its numbers will be close to the Playground's but not equal."""
    spec = network.network_spec(config, data.kind, data.n_classes)
    columns = ", ".join(features.CODE[name] for name in config.features)
    label_type = "float" if data.kind == "regression" else "int"
    lines = [
        '"""The NumPy Neural Playground network in Keras (tf.keras).',
        "",
        f"Setup: {_summary(config, data)}.",
        f"Data: the Playground's 'Data (CSV)' download ({DATA_FILE}); the first {len(data.y_train)} rows are the",
        "training set, the rest the test set. Keras draws its own initial weights and batches, so the numbers",
        "will be close to the Playground's, not equal.",
        '"""',
        "",
        "import numpy as np",
        "import tensorflow as tf",
        "",
        f"N_TRAIN = {len(data.y_train)}",
        f"table = np.loadtxt({DATA_FILE!r}, delimiter=',', skiprows=1, ndmin=2)",
        f"X, y = table[:, :2], table[:, 2].astype({label_type})",
        f"inputs = np.column_stack([{columns}])  # features: {', '.join(config.features)}",
        "x_train, x_test, y_train, y_test = inputs[:N_TRAIN], inputs[N_TRAIN:], y[:N_TRAIN], y[N_TRAIN:]",
    ]
    if data.kind == "multiclass" and spec.loss == "mse":
        lines.append(f"y_train, y_test = np.eye({data.n_classes})[y_train], np.eye({data.n_classes})[y_test]")
    lines += [
        "",
        *_keras_network(spec),
        "model.summary()",
        *schedules.schedule_code(config.schedule, config.learning_rate, config.schedule_epochs, "tf.keras.optimizers."),
        *_keras_callbacks(config),
        f"model.fit(x_train, y_train, epochs={max(epochs, 1)}, batch_size={config.batch_size}, "
        "validation_data=(x_test, y_test), callbacks=callbacks)",
        "",
    ]
    return "\n".join(lines)


def _keras_callbacks(config: Config) -> list[str]:
    """The schedule and early stopping as Keras callbacks (the loss and score targets and the epoch budget have
    no Keras callback: the epochs trained say where the run stopped)."""
    callbacks = []
    if config.schedule != "constant":
        callbacks.append("tf.keras.callbacks.LearningRateScheduler(lambda epoch: float(SCHEDULE(epoch)))")
    if config.early_stopping:
        callbacks.append(f"tf.keras.callbacks.EarlyStopping(monitor='val_loss', patience={config.patience}, "
                         f"restore_best_weights={config.restore_best})")
    return ["callbacks = [" + ", ".join(callbacks) + "]"]

