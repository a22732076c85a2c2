"""Exports (config JSON, history CSV, data CSV, nnlib script, Keras code) and strict imports."""

import ast
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import nnlib
from nnlib import datasets
from ui.core import exports
from ui.core.config import Config
from ui.core.data import csv_files
from ui.core.exports import ImportRejected
from ui.core.lessons import LESSONS
from ui.core.run import PlaygroundRun, make_data

ROOT = Path(__file__).resolve().parents[3]


def trained(config: Config, *frames: int, uploaded=None) -> PlaygroundRun:
    """A run trained in frames, as the live loop trains it."""
    run = PlaygroundRun(config, make_data(config, uploaded))
    for epochs in frames:
        run.train(epochs)
    return run


# --- configuration JSON -----------------------------------------------------------------------------------
@pytest.mark.parametrize("config", [
    Config(), Config(layers=(), activations=()), Config(dataset="blobs", classes=5, features=("x1sq", "sinx2")),
    *(lesson.config for lesson in LESSONS.values()),
], ids=lambda c: f"{c.dataset}-{len(c.layers)}")
def test_config_json_round_trips(config):
    text = exports.config_to_json(config)
    doc = json.loads(text)
    assert (doc["format"], doc["version"]) == ("nnlib-playground-config", 1)
    assert doc["config"]["layers"] == list(config.layers)
    assert exports.config_from_json(text) == (config, [])
    assert exports.config_from_json(text.encode("utf-8-sig")) == (config, [])  # with a BOM too


def test_a_partial_config_takes_defaults_and_out_of_range_values_are_clamped_with_a_notice():
    doc = {"format": "nnlib-playground-config", "version": 1,
           "config": {"dataset": "xor", "samples": 10, "learning_rate": 0.05, "layers": []}}
    config, notices = exports.config_from_json(json.dumps(doc))
    assert (config.dataset, config.samples, config.learning_rate, config.layers) == ("xor", 50, 0.03, ())
    assert any("samples" in n for n in notices) and any("learning_rate" in n for n in notices)


def _doc(**config) -> dict:
    return {"format": "nnlib-playground-config", "version": 1, "config": config}


REJECTED_CONFIGS = {
    "bad json": (b'{"format": "nnlib-playground-config", ', "not valid JSON"),
    "not utf-8": (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    "a list": (b"[1, 2]", "must hold a JSON object, found list"),
    "wrong format": (json.dumps({**_doc(), "format": "keras"}),
                     "format is \"keras\", expected 'nnlib-playground-config'"),
    "no format": (json.dumps({"version": 1, "config": {}}), "format is null"),
    "wrong version": (json.dumps({**_doc(), "version": 2}), "version 2 is not supported"),
    "version as text": (json.dumps({**_doc(), "version": "1"}), 'version "1" is not supported'),
    "version as bool": (json.dumps({**_doc(), "version": True}), "version true is not supported"),
    "no config": (json.dumps({"format": "nnlib-playground-config", "version": 1}), "has no 'config' object"),
    "extra key": (json.dumps({**_doc(), "pickle": "x"}), "unexpected top-level key 'pickle'"),
    "unknown setting": (json.dumps(_doc(depth=3)), "config.depth is not a Playground setting"),
    "rate as text": (json.dumps(_doc(learning_rate="0.1")), 'config.learning_rate must be a number, found "0.1"'),
    "rate as bool": (json.dumps(_doc(learning_rate=True)), "config.learning_rate must be a number, found true"),
    "fractional samples": (json.dumps(_doc(samples=500.5)), "config.samples must be a whole number, found 500.5"),
    "layers as text": (json.dumps(_doc(layers="4,2")), 'config.layers must be a list of whole numbers, found "4,2"'),
    "layer as text": (json.dumps(_doc(layers=[4, "x"])), "config.layers must be a list of whole numbers"),
    "features as text": (json.dumps(_doc(features="x1")), "config.features must be a list of strings"),
    "unknown dataset": (json.dumps(_doc(dataset="moon")), 'config.dataset: "moon" is not one of circle'),
    "unknown activation": (json.dumps(_doc(layers=[4], activations=["tanhh"])), 'config.activations: "tanhh"'),
    "uploaded data": (json.dumps(_doc(dataset="upload")), "the run used your own CSV"),
    "activations mismatch": (json.dumps(_doc(layers=[4, 2], activations=["tanh"])),
                             "config.activations has 1 entries but config.layers has 2"),
    "NaN": ('{"format": "nnlib-playground-config", "version": 1, "config": {"noise": NaN}}', "NaN is not allowed"),
    "duplicate key": ('{"format": "nnlib-playground-config", "version": 1, "version": 1, "config": {}}',
                      "the key 'version' appears twice"),
    "deep nesting": ("[" * 5000 + "]" * 5000, "not valid JSON"),
    "too large": (json.dumps({**_doc(), "padding": "x" * 20_000}), "a configuration file has at most 20,000"),
}


@pytest.mark.parametrize("case", REJECTED_CONFIGS)
def test_a_bad_config_file_is_rejected_with_a_message_that_says_why(case):
    data, message = REJECTED_CONFIGS[case]
    with pytest.raises(ImportRejected) as info:
        exports.config_from_json(data)
    assert message in str(info.value)


# --- history and data CSV ---------------------------------------------------------------------------------
@pytest.mark.parametrize("config, frames", [
    (Config(), (8, 3)),
    (Config(dataset="sine", layers=(6,), activations=("relu",)), (5,)),  # regression: score is R²
    (Config(dataset="plane", learning_rate=10.0), (30,)),  # diverges: inf and nan
])
def test_history_csv_round_trips(config, frames):
    run = trained(config, *frames)
    table = exports.history_from_csv(exports.history_to_csv(run.history))
    assert list(table) == ["epoch", "loss", "val_loss", "score", "val_score"]
    assert table["epoch"] == run.history.epoch
    for name in ("loss", "val_loss", "score", "val_score"):
        np.testing.assert_array_equal(table[name], getattr(run.history, name))  # exact, nan == nan


def test_history_csv_reader_rejects_another_csv():
    with pytest.raises(ValueError, match="header epoch,loss"):
        exports.history_from_csv("x1,x2,label\n1,2,0\n")


def test_the_data_csv_holds_the_training_rows_then_the_test_rows():
    run = trained(Config(dataset="spiral3", noise=0.3))
    X, y, kind = csv_files.load_csv(exports.data_to_csv(run.data).encode())
    d = run.data
    np.testing.assert_array_equal(X, np.vstack([d.X_train, d.X_test]))
    np.testing.assert_array_equal(y, np.concatenate([d.y_train, d.y_test]))
    assert kind == "multiclass"


# --- the generated nnlib script replays the run --------------------------------------------------------------
def run_script(source: str, cwd: Path) -> dict[str, str]:
    path = cwd / "playground_run.py"
    path.write_text(source)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(path)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if line.startswith("final loss"))
    return {"final loss": lines.get("final loss"), "stdout": done.stdout}


SCRIPT_CASES = {
    "default, frames of 8": (Config(), (8, 8, 1)),
    "adam, dropout, l2, 3 classes": (Config(dataset="spiral3", noise=0.2, layers=(8, 6), activations=("relu", "elu"),
                                            dropout=0.2, optimizer="adam", learning_rate=0.01, regularization="l2",
                                            reg_rate=0.003, batch_size=16, seed=42), (8, 5)),
    "blobs, mse one-hot, momentum, random_uniform": (Config(dataset="blobs", classes=4, loss="mse",
                                                            optimizer="momentum", init="random_uniform",
                                                            features=("x1", "x2", "x1x2")), (4, 4)),
    "regression, rmsprop, l1, 70% train": (Config(dataset="multigauss", train_pct=70, noise=0.1,
                                                  features=("x1sq", "sinx1", "cosx2"), layers=(5,),
                                                  activations=("softplus",), optimizer="rmsprop",
                                                  learning_rate=0.003, regularization="l1", reg_rate=0.001,
                                                  samples=300), (6,)),
    "no hidden layer, zeros": (LESSONS["zero_init_symmetry"].config, (3,)),
    "diverged": (Config(dataset="plane", learning_rate=10.0), (20,)),
    "step decay every 5 epochs": (Config(schedule="step", schedule_epochs=5), (8, 8)),
    "cosine, adam": (Config(schedule="cosine", schedule_epochs=10, optimizer="adam"), (7, 7)),
    "cyclic, regression": (Config(dataset="sine", schedule="cyclic", schedule_epochs=6), (9, 4)),
}


@pytest.mark.parametrize("case", SCRIPT_CASES)
def test_the_exported_script_reproduces_the_runs_final_loss(case, tmp_path):
    config, frames = SCRIPT_CASES[case]
    run = trained(config, *frames)
    out = run_script(exports.nnlib_script(config, run.data, run.epoch), tmp_path)
    assert repr(run.model) in out["stdout"]
    assert np.isclose(float(out["final loss"]), run.history.loss[-1], rtol=1e-12, equal_nan=True), out["stdout"]


def test_the_script_of_a_run_that_early_stopping_restored_replays_the_restored_weights(tmp_path):
    config = Config(noise=0.5, optimizer="adam", learning_rate=0.3, early_stopping=True, patience=3)
    run = trained(config, 8)
    while run.train(8):
        pass
    restored = run.stopped.restored_epoch
    assert restored is not None and restored < run.epoch
    out = run_script(exports.nnlib_script(config, run.data, restored), tmp_path)
    assert np.isclose(float(out["final loss"]), run.latest_scores().loss, rtol=1e-12)


def test_the_exported_script_replays_an_uploaded_csv(tmp_path):
    X, y = datasets.generate("moons", 120, 0.2, seed=3)
    config = Config(dataset="upload", samples=120, train_pct=60, optimizer="adam")
    run = trained(config, 7, uploaded=(X, y, "binary"))
    (tmp_path / exports.DATA_FILE).write_text(exports.data_to_csv(run.data))
    out = run_script(exports.nnlib_script(config, run.data, run.epoch), tmp_path)
    assert np.isclose(float(out["final loss"]), run.history.loss[-1], rtol=1e-12)


def test_a_script_with_other_settings_does_not_match(tmp_path):
    """Negative control: the comparison above can fail."""
    config, frames = SCRIPT_CASES["default, frames of 8"]
    run = trained(config, *frames)
    other = exports.nnlib_script(replace(config, seed=1), run.data, run.epoch)
    assert not np.isclose(float(run_script(other, tmp_path)["final loss"]), run.history.loss[-1], rtol=1e-9)


# --- Keras code ---------------------------------------------------------------------------------------------
def test_the_keras_code_parses_and_names_the_right_layers():
    config = Config(dataset="spiral3", layers=(8, 6), activations=("relu", "tanh"), dropout=0.1, init="he_normal",
                    optimizer="adam", regularization="l2", reg_rate=0.01, features=("x1", "x2", "sinx1"))
    run = trained(config, 2)
    code = exports.keras_code(config, run.data, run.epoch)
    tree = ast.parse(code)
    assert "import tensorflow as tf" in code and "import nnlib" not in code
    calls = [ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert calls.count("tf.keras.layers.Dense") == 3 and calls.count("tf.keras.layers.Dropout") == 2
    assert "tf.keras.layers.Dense(8, activation='relu'" in code
    assert "tf.keras.layers.Dense(3, activation='softmax'" in code
    assert "tf.keras.Input(shape=(3,))" in code and "tf.keras.regularizers.L2(0.01)" in code
    assert "Adam(learning_rate=0.03)" in code and "loss='sparse_categorical_crossentropy'" in code
    assert f"N_TRAIN = {len(run.data.y_train)}" in code and "epochs=2" in code


@pytest.mark.parametrize("config, expected", [
    (Config(schedule="step", schedule_epochs=5, early_stopping=True, patience=3),
     ["SCHEDULE = tf.keras.optimizers.schedules.ExponentialDecay(0.03, decay_steps=5, decay_rate=0.5, staircase=True)",
      "tf.keras.callbacks.LearningRateScheduler(lambda epoch: float(SCHEDULE(epoch)))",
      "tf.keras.callbacks.EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)",
      "callbacks=callbacks"]),
    (Config(dataset="sine", schedule="cyclic", schedule_epochs=50), ["def SCHEDULE(epoch):", "metrics=['r2_score']"]),
    (Config(dataset="sine", init="random_uniform"), ["Dense(1, activation='linear'", "loss='mse'",
                                                      "RandomUniform(minval=-0.5, maxval=0.5)", "astype(float)"]),
    (Config(layers=(), activations=(), optimizer="momentum"), ["Dense(1, activation='sigmoid'",
                                                                "SGD(learning_rate=0.03, momentum=0.9)"]),
])
def test_the_keras_code_for_other_problems(config, expected):
    code = exports.keras_code(config, make_data(config), 0)
    ast.parse(code)
    for text in expected:
        assert text in code


# --- model files ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def current():
    return trained(Config(), 3)


def test_a_matching_model_file_gives_its_weights(current):
    other = trained(replace(current.config, seed=9), 5)
    weights = exports.model_weights_from_bytes(nnlib.model_to_bytes(other.model), current.model)
    for a, b in zip(weights, other.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _wrong_shapes() -> bytes:
    """A genuine nnlib file whose config matches the current network, with one array of the wrong shape."""
    model = trained(Config(), 0).model
    header = json.dumps({"format": "nnlib.Sequential", "version": 1, "model": model.to_config()})
    weights = model.get_weights()
    weights[0] = np.zeros((3, 4))
    return npz_bytes(config=np.array(header), **{f"weight_{i}": w for i, w in enumerate(weights)})


def _other_version() -> bytes:
    model = trained(Config(), 0).model
    header = json.dumps({"format": "nnlib.Sequential", "version": 7, "model": model.to_config()})
    return npz_bytes(config=np.array(header), **{f"weight_{i}": w for i, w in enumerate(model.get_weights())})


REJECTED_MODELS = {
    "not a zip": (lambda: b"this is not a zip file at all", "it is not an .npz archive"),
    "an empty zip": (lambda: _zip({}), "it has no 'config' entry"),
    "another architecture": (lambda: nnlib.model_to_bytes(trained(Config(layers=(3,), activations=("relu",))).model),
                             "the file holds Sequential([Dense(2→3, relu), Dense(3→1, sigmoid)]), but the "
                             "Playground's network is Sequential([Dense(2→4, tanh)"),
    "other features": (lambda: nnlib.model_to_bytes(trained(Config(features=("x1", "x2", "x1sq"))).model),
                       "Dense(3→4, tanh)"),
    "wrong shapes": (_wrong_shapes, "weight_0 has shape (3, 4), but the model config needs (2, 4)"),
    "other version": (_other_version, "unsupported nnlib model version 7"),
    "pickle": (lambda: npz_bytes(config=np.array([{"x": 1}], dtype=object)), "allow_pickle=False"),
    "too large": (lambda: b"PK" + b"\0" * (exports.MAX_MODEL_BYTES + 1), "the limit is 2,000,000"),
}


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("case", REJECTED_MODELS)
def test_a_bad_model_file_is_rejected_with_a_message_and_the_model_is_untouched(case, current):
    make, message = REJECTED_MODELS[case]
    before = current.model.get_weights()
    with pytest.raises(ImportRejected) as info:
        exports.model_weights_from_bytes(make(), current.model)
    assert message in str(info.value)
    for a, b in zip(before, current.model.get_weights()):
        np.testing.assert_array_equal(a, b)
