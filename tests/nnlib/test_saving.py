"""save / load_model and to_config / from_config: exact round trips, and a hostile file is always a
ValueError that says what was wrong (never another exception, never an unpickle)."""

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnlib
from nnlib import Activation, Dense, Dropout, Sequential
from nnlib.saving import MAX_UNCOMPRESSED_BYTES, load_model, model_to_bytes


def rich_model():
    model = Sequential([
        Dense(5, "elu", input_shape=(3,), kernel_initializer=nnlib.initializers.random_normal(stddev=0.3),
              bias_initializer=nnlib.initializers.random_uniform(-0.1, 0.2),
              kernel_regularizer=nnlib.regularizers.L1L2(0.01, 0.02), bias_regularizer="l2", name="first"),
        Dropout(0.25),
        Dense(4, "swish", use_bias=False, kernel_initializer="he_normal"),
        Activation("gelu"),
        Dense(3, "softmax", kernel_initializer="lecun_normal"),
    ], name="rich", seed=5)
    model.compile(optimizer=nnlib.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


X = np.random.default_rng(0).normal(size=(20, 3))
Y = np.random.default_rng(1).integers(0, 3, 20)


def assert_same_model(a: Sequential, b: Sequential):
    assert a.to_config() == b.to_config()
    assert repr(a) == repr(b)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        assert wa.shape == wb.shape
        np.testing.assert_array_equal(wa, wb)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


# --- round trips -----------------------------------------------------------------------------------------

def test_round_trip_through_a_path(tmp_path):
    model = rich_model()
    model.fit(X, Y, epochs=2, verbose=0)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = nnlib.load_model(path)
    assert_same_model(model, loaded)
    assert loaded.evaluate(X, Y) == model.evaluate(X, Y)
    # compile info came back: optimizer class and settings, loss, metrics
    assert type(loaded.optimizer) is nnlib.optimizers.SGD
    assert loaded.optimizer.get_config() == {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}
    assert loaded.loss.name == "sparse_categorical_crossentropy" and loaded.metric_names == ["accuracy"]
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    loaded.fit(X, Y, epochs=1, verbose=0)  # ready to train on


def test_saves_to_exactly_the_given_path(tmp_path):
    for name in ("model", "model.bin", "model.npz"):
        path = tmp_path / name
        rich_model().save(str(path))
        assert path.exists() and sorted(p.name for p in tmp_path.iterdir()).count(name) == 1
        assert_same_model(rich_model(), load_model(str(path)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "model.bin", "model.npz"]


def test_round_trip_through_bytes_and_file_objects():
    model = rich_model()
    data = model_to_bytes(model)
    assert isinstance(data, bytes) and zipfile.is_zipfile(io.BytesIO(data))
    assert_same_model(model, load_model(data))
    assert_same_model(model, load_model(bytearray(data)))
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    assert_same_model(model, load_model(buffer))


def test_uncompiled_and_lazily_built_models_round_trip():
    model = Sequential([Dense(4, "relu"), Dense(2)], seed=1)
    model.build((6,))
    loaded = load_model(model_to_bytes(model))
    assert_same_model_weights(model, loaded)
    assert loaded.loss is None and "compile" not in loaded.to_config()


def assert_same_model_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert a.to_config() == b.to_config()


def test_the_file_holds_weights_and_a_json_config():
    model = rich_model()
    with np.load(io.BytesIO(model_to_bytes(model)), allow_pickle=False) as archive:
        names = sorted(archive.files)
        config = json.loads(str(archive["config"]))
        weights = [archive[f"weight_{i}"] for i in range(len(names) - 1)]
    assert names == ["config", "weight_0", "weight_1", "weight_2", "weight_3", "weight_4"]
    assert config["format"] == "nnlib.Sequential" and config["version"] == 1
    assert config["model"] == model.to_config()
    for a, b in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_to_config_from_config_round_trip_exactly():
    model = rich_model()
    config = model.to_config()
    assert json.loads(json.dumps(config)) == config  # plain JSON data
    again = Sequential.from_config(config)
    assert again.to_config() == config
    assert Sequential.from_config(again.to_config()).to_config() == config
    # the architecture, not the weights: fresh weights from the seed
    seeded = [Sequential.from_config(config, seed=9).get_weights()[0] for _ in range(2)]
    np.testing.assert_array_equal(*seeded)
    assert not np.array_equal(seeded[0], model.get_weights()[0])
    layer = again.layers[0]
    assert layer.kernel_regularizer.l1 == 0.01 and layer.kernel_regularizer.l2 == 0.02
    assert layer.kernel_initializer.stddev == 0.3 and layer.bias_initializer.maxval == 0.2
    assert isinstance(again.optimizer, nnlib.optimizers.SGD) and again.optimizer.nesterov


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam", "adamw",
                                       nnlib.optimizers.AdamW(learning_rate=0.01, weight_decay=0.1, beta_2=0.99)])
def test_every_optimizer_config_round_trips(optimizer):
    model = Sequential([Dense(2, input_shape=(2,))])
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    config = model.to_config()
    assert Sequential.from_config(config).to_config() == config
    assert load_model(model_to_bytes(model)).optimizer.get_config() == model.optimizer.get_config()


def test_save_needs_a_built_model():
    with pytest.raises(ValueError, match="needs a built model"):
        model_to_bytes(Sequential([Dense(2)]))


# --- hostile files -----------------------------------------------------------------------------------------

def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def good_parts():
    model = rich_model()
    return {"format": "nnlib.Sequential", "version": 1, "model": model.to_config()}, model.get_weights()


def file_with(config=None, weights=None, raw_config=None, **extra) -> bytes:
    base_config, base_weights = good_parts()
    config = base_config if config is None else config
    weights = base_weights if weights is None else weights
    text = raw_config if raw_config is not None else json.dumps(config)
    return npz(config=np.array(text), **{f"weight_{i}": w for i, w in enumerate(weights)}, **extra)


def edited(edit):
    config, _ = good_parts()
    edit(config)
    return file_with(config=config)


PICKLE_LOADED = []


class Tripwire:
    """Unpickling this records it: a loader that unpickles would trip it."""

    def __init__(self):
        self.armed = True  # a non-empty state, so unpickling calls __setstate__

    def __setstate__(self, state):
        PICKLE_LOADED.append(state)


def test_a_pickled_object_array_is_refused_and_never_unpickled():
    tripwire = np.empty(1, dtype=object)
    tripwire[0] = Tripwire()
    for data in (npz(config=tripwire), file_with(weight_9=tripwire), file_with(weight_5=tripwire)):
        with pytest.raises(ValueError):
            load_model(data)
    with pytest.raises(ValueError, match=r"allow_pickle=False|pickle"):
        load_model(npz(config=tripwire))
    assert PICKLE_LOADED == []


WEIGHTS = good_parts()[1]


@pytest.mark.parametrize("data, match", [
    (b"hello, not a zip", r"not a valid nnlib model file: it is not an .npz archive"),
    (b"", r"not an .npz archive"),
    (np.random.default_rng(0).bytes(5000), r"not an .npz archive"),
    (b"PK\x03\x04" + bytes(200), r"not a valid nnlib model file"),
    (npz(weight_0=np.ones(3)), r"it has no 'config' entry"),
    (npz(config=np.arange(3)), r"'config' is not a JSON string"),
    (npz(config=np.array(["a", "b"])), r"'config' is not a JSON string"),
    (file_with(raw_config="{not json"), r"the model config is not valid JSON"),
    (file_with(raw_config="[" * 100_000), r"the model config is not valid JSON"),
    (file_with(raw_config="[1, 2]"), r"format is None, expected 'nnlib.Sequential'"),
    (file_with(config={"format": "keras", "version": 1, "model": {}}), r"format is 'keras'"),
    (edited(lambda c: c.update(version=2)), r"unsupported nnlib model version 2; this nnlib reads version 1"),
    (edited(lambda c: c.pop("version")), r"unsupported nnlib model version None"),
    (edited(lambda c: c.pop("model")), r"the model config has no 'model' section"),
    (edited(lambda c: c["model"].update(layers="dense")), r"must be a dict with a 'layers' list"),
    (edited(lambda c: c["model"]["layers"].append(7)), r"layer 5 in the config must be"),
    (edited(lambda c: c["model"]["layers"][1].update(class_name="Conv2D")),
     r"layer 1 has unknown class_name 'Conv2D'; choose one of \['Activation', 'Dense', 'Dropout'\]"),
    (edited(lambda c: c["model"]["layers"][0]["config"].update(filters=3)), r"layer 0 \(Dense\) has a bad config"),
    (edited(lambda c: c["model"]["layers"][0]["config"].update(units=-2)), r"units >= 1, received units=-2"),
    (edited(lambda c: c["model"]["layers"][0]["config"].update(activation="relu6")), r"unknown activation 'relu6'"),
    (edited(lambda c: c["model"]["layers"][0]["config"].update(kernel_initializer={"name": "zeros", "v": 1})),
     r"bad config|bad initializer config"),
    (edited(lambda c: c["model"]["layers"][0]["config"].update(kernel_regularizer={"l1": "big"})),
     r"received l1=big"),
    (edited(lambda c: c["model"]["layers"][1]["config"].update(rate=2)), r"received rate=2"),
    (edited(lambda c: c["model"].update(input_dim=2.5)), r"input shape must be \(features,\), received 2.5"),
    (edited(lambda c: c["model"].update(input_dim="3")), r"input shape must be"),
    (edited(lambda c: c["model"]["compile"].update(optimizer={"name": "sgd", "lr": 1})), r"bad optimizer config"),
    (edited(lambda c: c["model"]["compile"].update(optimizer={"name": "sgd", "learning_rate": None})),
     r"learning_rate must be a number, received None"),
    (edited(lambda c: c["model"]["compile"].update(optimizer="nadam")), r"unknown optimizer 'nadam'"),
    (edited(lambda c: c["model"]["compile"].update(loss="hinge")), r"unknown loss 'hinge'"),
    (edited(lambda c: c["model"]["compile"].update(metrics=5)), r"metrics as a list"),
    (edited(lambda c: c["model"]["compile"].update(metrics=[["accuracy"]])), r"unknown metric"),
    (edited(lambda c: c["model"].update(compile=[1])), r"'compile' in a model config must be a dict"),
    (file_with(weights=WEIGHTS[:-1]), r"the model file has 4 weight arrays, but its config needs 5"),
    (file_with(weights=[*WEIGHTS, np.ones(2)]), r"the model file has 6 weight arrays, but its config needs 5"),
    (file_with(weights=[WEIGHTS[0].T, *WEIGHTS[1:]]),
     r"weight_0 has shape \(5, 3\), but the model config needs \(3, 5\)"),
    (file_with(weights=[np.where(WEIGHTS[0] > 0, np.nan, WEIGHTS[0]), *WEIGHTS[1:]]), r"weight_0 contains NaN or inf"),
    (file_with(weights=[WEIGHTS[0], np.full(5, np.inf), *WEIGHTS[2:]]), r"weight_1 contains NaN or inf"),
    (file_with(weights=[WEIGHTS[0], np.array(["a"] * 5), *WEIGHTS[2:]]), r"weight_1 must be numeric, found dtype <U1"),
    (file_with(weights=[WEIGHTS[0], np.ones(5, bool), *WEIGHTS[2:]]), r"weight_1 must be numeric"),
    (file_with(extra_array=np.ones(2)), r"arrays must be weight_0..weight_5, found \['extra_array'"),
    (file_with(weights=WEIGHTS[1:]), r"must be weight_0|weight arrays"),
], ids=lambda v: v[:40] if isinstance(v, str) else "")
def test_malformed_files_raise_clear_value_errors(data, match):
    with pytest.raises(ValueError, match=match):
        load_model(data)


def test_a_config_without_an_input_size():
    config, _ = good_parts()
    config["model"]["input_dim"] = None
    config["model"]["layers"][0]["config"].pop("input_shape")
    with pytest.raises(ValueError, match="the model config does not say its input size"):
        load_model(file_with(config=config, weights=[]))


def test_huge_declared_layers_are_refused_before_allocating(monkeypatch):
    """A few hundred bytes of JSON must not make the loader allocate terabytes."""
    config, weights = good_parts()
    for layer in config["model"]["layers"]:
        if layer["class_name"] == "Dense":
            layer["config"]["units"] = 1_000_000
    data = file_with(config=config)
    allocations = []
    real = nnlib.models._allocate_flat
    monkeypatch.setattr(nnlib.models, "_allocate_flat", lambda shapes: allocations.append(shapes) or real(shapes))
    with pytest.raises(ValueError, match=r"weight_0 has shape \(3, 5\), but the model config needs \(3, 1000000\)"):
        load_model(data)
    assert allocations == []
    good = model_to_bytes(rich_model())
    allocations.clear()
    load_model(good)
    assert len(allocations) == 1  # the spy does see the allocation of a good file


def test_declared_size_over_the_limit_is_refused():
    data = model_to_bytes(rich_model())
    with pytest.raises(ValueError, match=r"would unpack to [\d,]+ bytes; the limit is 1,000"):
        load_model(data, max_bytes=1000)
    # a real bomb: a few hundred kB that would inflate past the default limit
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("config.npy", data[:0])
        with archive.open("weight_0.npy", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert len(buffer.getvalue()) < MAX_UNCOMPRESSED_BYTES // 100
    with pytest.raises(ValueError, match=r"would unpack to .*the limit is 64,000,000"):
        load_model(buffer.getvalue())


def test_corrupted_compressed_data_is_a_value_error():
    data = bytearray(model_to_bytes(rich_model()))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("weight_0.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 5, start + 25):
        data[k] ^= 0xFF
    with pytest.raises(ValueError, match="not a valid nnlib model file"):
        load_model(bytes(data))


def test_a_npy_header_declaring_a_gigantic_array_is_a_value_error():
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**15,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.npy", npz_member(np.array("{}")))
        archive.writestr("weight_0.npy", header.getvalue() + bytes(16))
    with pytest.raises(ValueError, match="not a valid nnlib model file"):
        load_model(buffer.getvalue())


def npz_member(array) -> bytes:
    out = io.BytesIO()
    np.save(out, array, allow_pickle=False)
    return out.getvalue()


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="No such file"):
        load_model(tmp_path / "absent.npz")


def test_truncated_files_are_value_errors():
    data = model_to_bytes(rich_model())
    for cut in (10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1):
        with pytest.raises(ValueError):
            load_model(data[:cut])


GOOD = model_to_bytes(rich_model())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(1, 255)), min_size=1, max_size=8))
def test_fuzzed_files_load_or_raise_value_error(flips):
    data = bytearray(GOOD)
    for position, mask in flips:
        data[position] ^= mask
    try:
        model = load_model(bytes(data))
    except ValueError:
        return
    assert all(np.isfinite(w).all() for w in model.get_weights())  # a flip in slack bytes: still valid
