"""Sequential's API: building, weights, looking inside, describing, metrics, and every ValueError."""

import numpy as np
import pytest

import nnlib
from nnlib import Activation, Callback, Dense, Dropout, EarlyStopping, LambdaCallback, Sequential
from nnlib.optimizers import SGD, Adam


def tanh_sigmoid(seed=0):
    model = Sequential([Dense(8, "tanh", input_shape=(2,)), Dense(1, "sigmoid")], seed=seed)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def data(n=12, d=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, 2, n)


# --- building and describing ----------------------------------------------------------------------------

def test_repr_as_the_spec_shows_it():
    assert repr(tanh_sigmoid()) == "Sequential([Dense(2→8, tanh), Dense(8→1, sigmoid)])"
    unbuilt = Sequential([Dense(8, "relu"), Dropout(0.5), Activation("softmax")])
    assert repr(unbuilt) == "Sequential([Dense(8, relu), Dropout(0.5), Activation(softmax)])"


def test_weights_in_keras_order_and_shapes():
    model = Sequential([Dense(5, "relu", input_shape=(3,)), Dropout(0.1), Dense(4, use_bias=False),
                        Dense(2, "softmax")])
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 5), (5,), (5, 4), (4, 2), (2,)]
    assert model.count_params() == 3 * 5 + 5 + 5 * 4 + 4 * 2 + 2
    assert model.count_params() == sum(w.size for w in model.get_weights())


def test_get_weights_returns_copies_and_set_weights_copies_in():
    model = tanh_sigmoid()
    weights = model.get_weights()
    weights[0][...] = 99.0
    assert not np.any(model.get_weights()[0] == 99.0)
    new = [np.full_like(w, 0.5) for w in model.get_weights()]
    model.set_weights(new)
    new[0][...] = -1.0
    assert np.all(model.get_weights()[0] == 0.5)


def test_predict_is_the_manual_forward_pass():
    model = tanh_sigmoid()
    W1, b1, W2, b2 = model.get_weights()
    x, _ = data()
    expected = 1 / (1 + np.exp(-(np.tanh(x @ W1 + b1) @ W2 + b2)))
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-12)
    np.testing.assert_allclose(model.predict(x.tolist()), expected, rtol=1e-12)  # lists are fine


def test_layer_outputs_equal_the_manual_forward_pass():
    model = Sequential([Dense(4, "relu", input_shape=(3,)), Dropout(0.5), Dense(3, "softmax"),
                        Activation("tanh")], seed=1)
    x = np.random.default_rng(0).normal(size=(6, 3))
    W1, b1, W2, b2 = model.get_weights()
    z1 = x @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    a2 = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
    outs = model.layer_outputs(x)
    assert [o["name"] for o in outs] == ["dense", "dropout", "dense_1", "activation"]
    assert [o["kind"] for o in outs] == ["Dense", "Dropout", "Dense", "Activation"]
    expected = [(z1, a1), (a1, a1), (z2, a2), (a2, np.tanh(a2))]  # Dropout is the identity at inference
    for out, (z, a) in zip(outs, expected, strict=True):
        np.testing.assert_allclose(out["z"], z, rtol=1e-12)
        np.testing.assert_allclose(out["a"], a, rtol=1e-12)
    np.testing.assert_allclose(outs[-1]["a"], model.predict(x), rtol=1e-12)


def test_summary_lists_layers_shapes_and_params(capsys):
    model = Sequential([Dense(8, "tanh", input_shape=(2,)), Dropout(0.2), Dense(1, "sigmoid")], name="demo")
    text = model.summary()
    assert capsys.readouterr().out.strip() == text.strip()
    for piece in ("demo", "dense (Dense)", "dropout (Dropout)", "dense_1 (Dense)", "(None, 8)", "(None, 1)",
                  " 24", " 9", "Total params: 33"):
        assert piece in text, piece
    lines = text.splitlines()
    assert lines.index(next(line for line in lines if "dense (Dense)" in line)) < \
        lines.index(next(line for line in lines if "dense_1 (Dense)" in line))
    printed = []
    model.summary(print_fn=printed.append)
    assert printed == [text]


def test_unbuilt_model_builds_from_data_or_build():
    model = Sequential([Dense(3, "relu"), Dense(1)], seed=0)
    assert model.count_params() == 0 and "(unbuilt)" in model.summary(print_fn=lambda s: None)
    with pytest.raises(ValueError, match="needs a built model"):
        model.get_weights()
    model.build((None, 4))  # Keras spelling
    assert [w.shape for w in model.get_weights()] == [(4, 3), (3,), (3, 1), (1,)]
    lazy = Sequential([Dense(3), Dense(1)], seed=0)
    assert lazy.predict(np.ones((2, 5))).shape == (2, 1)
    assert lazy.get_weights()[0].shape == (5, 3)


def test_add_names_layers_and_keeps_built_weights():
    model = Sequential(seed=0)
    model.add(Dense(3, "tanh", input_shape=(2,)))
    model.add(Dense(3, "tanh"))
    before = model.get_weights()
    model.add(Dense(1, name="out"))
    after = model.get_weights()
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "out"]
    for a, b in zip(before, after[:4], strict=True):
        np.testing.assert_array_equal(a, b)
    assert after[4].shape == (3, 1)


def test_zeros_initializer_for_weights_is_allowed():
    model = Sequential([Dense(3, "tanh", input_shape=(2,), kernel_initializer="zeros"), Dense(1)], seed=0)
    assert not model.get_weights()[0].any()


def test_predict_batch_size_and_chunking_do_not_change_results(monkeypatch):
    model = Sequential([Dense(6, "gelu", input_shape=(3,)), Dense(4, "softmax")], seed=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 3)) * 5, rng.integers(0, 4, 50)
    full, results = model.predict(x), model.evaluate(x, y, return_dict=True)
    for bs in (1, 7, 50, 1000):
        np.testing.assert_allclose(model.predict(x, batch_size=bs), full, rtol=1e-12)
    monkeypatch.setattr(nnlib.models, "PREDICT_CHUNK", 7)
    np.testing.assert_allclose(model.predict(x), full, rtol=1e-12)
    chunked = model.evaluate(x, y, return_dict=True)
    assert chunked["loss"] == pytest.approx(results["loss"], rel=1e-12)
    assert chunked["accuracy"] == results["accuracy"]


# --- looking inside --------------------------------------------------------------------------------------

def test_loss_and_gradients_changes_nothing():
    def trained():
        model = Sequential([Dense(6, "relu", input_shape=(2,)), Dropout(0.5), Dense(1, "sigmoid")], seed=0)
        model.compile(optimizer=Adam(0.01), loss="binary_crossentropy")
        model.fit(x, y, epochs=2, batch_size=5, verbose=0)  # the optimizer now has state
        return model

    x, y = data(20)
    model, twin = trained(), trained()
    weights, iterations = model.get_weights(), model.optimizer.iterations
    slots = {k: [s.copy() for s in v] for k, v in model.optimizer._slots.items()}
    rng_state = model.rng.bit_generator.state

    loss1, grads1 = model.loss_and_gradients(x, y)
    loss2, grads2 = model.loss_and_gradients(x, y)  # deterministic: dropout is off
    assert loss1 == loss2
    for g1, g2 in zip(grads1, grads2, strict=True):
        np.testing.assert_array_equal(g1, g2)
    for a, b in zip(model.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer.iterations == iterations and model.rng.bit_generator.state == rng_state
    for key, values in slots.items():
        for a, b in zip(model.optimizer._slots[key], values, strict=True):
            np.testing.assert_array_equal(a, b)
    # training goes on exactly as it would have without the call ...
    grads_copy = [g.copy() for g in grads1]
    h1 = model.fit(x, y, epochs=2, batch_size=5, verbose=0).history
    h2 = twin.fit(x, y, epochs=2, batch_size=5, verbose=0).history
    assert h1 == h2
    for a, b in zip(model.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    # ... and does not overwrite the gradients it returned
    for a, b in zip(grads1, grads_copy, strict=True):
        np.testing.assert_array_equal(a, b)


def test_loss_and_gradients_agrees_with_a_training_step():
    """SGD(lr) after loss_and_gradients: w - lr * g is exactly what train_on_batch does (no dropout)."""
    model = Sequential([Dense(5, "elu", input_shape=(3,), kernel_regularizer="l2"), Dense(2, "softmax")], seed=4)
    model.compile(optimizer=SGD(0.3), loss="categorical_crossentropy")
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(9, 3)), np.eye(2)[rng.integers(0, 2, 9)]
    before = model.get_weights()
    loss, grads = model.loss_and_gradients(x, y)
    assert model.train_on_batch(x, y) == pytest.approx(loss, rel=1e-12)
    for w, g, after in zip(before, grads, model.get_weights(), strict=True):
        np.testing.assert_allclose(after, w - 0.3 * g, rtol=1e-12, atol=1e-15)


def test_gradient_norms_are_the_kernel_gradient_norms():
    model = Sequential([Dense(4, "tanh", input_shape=(3,)), Dropout(0.3), Dense(3, "relu"),
                        Dense(1, "sigmoid", use_bias=False)], seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x, y = data(10, 3)
    _, grads = model.loss_and_gradients(x, y)
    kernels = [grads[0], grads[2], grads[4]]
    assert [g.shape for g in kernels] == [(3, 4), (4, 3), (3, 1)]
    np.testing.assert_allclose(model.gradient_norms(x, y), [np.sqrt((g**2).sum()) for g in kernels], rtol=1e-12)


def test_evaluate_test_on_batch_and_train_on_batch_results():
    model = Sequential([Dense(5, "tanh", input_shape=(2,)), Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy", "mae"])
    x, y = data(30)
    p = model.predict(x)[:, 0]
    acc, mae = np.mean((p > 0.5) == y), np.mean(np.abs(p - y))
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    for result in (model.evaluate(x, y), model.test_on_batch(x, y)):
        np.testing.assert_allclose(result, [bce, acc, mae], rtol=1e-10)
    assert model.evaluate(x, y, return_dict=True).keys() == {"loss", "accuracy", "mae"}
    loss, *_ = model.train_on_batch(x, y)
    assert loss == pytest.approx(bce, rel=1e-10)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    assert isinstance(model.evaluate(x, y), float) and isinstance(model.train_on_batch(x, y), float)


@pytest.mark.parametrize("loss, units, make_y, expected", [
    ("binary_crossentropy", 1, lambda p, rng: rng.integers(0, 2, len(p)),
     lambda p, y: np.mean((p[:, 0] > 0.5) == y)),
    ("binary_crossentropy", 3, lambda p, rng: rng.integers(0, 2, p.shape),  # multi-label: per entry
     lambda p, y: np.mean((p > 0.5) == y)),
    ("categorical_crossentropy", 3, lambda p, rng: np.eye(3)[rng.integers(0, 3, len(p))],
     lambda p, y: np.mean(p.argmax(1) == y.argmax(1))),
    ("sparse_categorical_crossentropy", 3, lambda p, rng: rng.integers(0, 3, len(p)),
     lambda p, y: np.mean(p.argmax(1) == y)),
    ("mse", 1, lambda p, rng: rng.integers(0, 2, len(p)), lambda p, y: np.mean((p[:, 0] > 0.5) == y)),
])
@pytest.mark.parametrize("spelling", ["accuracy", "acc", "Accuracy"])
def test_accuracy_is_chosen_from_the_loss(loss, units, make_y, expected, spelling):
    out = "softmax" if "categorical" in loss else "sigmoid"
    model = Sequential([Dense(4, "tanh", input_shape=(2,)), Dense(units, out)], seed=0)
    model.compile(optimizer="sgd", loss=loss, metrics=[spelling])
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 2))
    y = make_y(model.predict(x), rng)
    _, acc = model.evaluate(x, y)
    assert acc == pytest.approx(expected(model.predict(x), y))
    history = model.fit(x, y, epochs=1, verbose=0)
    assert set(history.history) == {"loss", spelling}


def test_names_are_case_insensitive_and_keras_aliases_work():
    model = Sequential([Dense(2, "TANH", input_shape=(2,)), Dense(1)])
    model.compile(optimizer="Adam", loss="Mean_Squared_Error", metrics=["MAE"])
    assert model.loss.name == "mse" and isinstance(model.optimizer, Adam)
    assert model.layers[0].activation.name == "tanh"


# --- every ValueError ----------------------------------------------------------------------------------

def compiled(loss="mse", units=1, out="linear"):
    model = Sequential([Dense(4, "relu", input_shape=(3,)), Dense(units, out)], seed=0)
    model.compile(optimizer="sgd", loss=loss)
    return model


X3 = np.ones((5, 3))


@pytest.mark.parametrize("make, match", [
    (lambda: Dense(2, activation="relux"), r"unknown activation 'relux'; choose one of \[.*'relu'"),
    (lambda: Dense(2, kernel_initializer="glorot"), r"unknown initializer 'glorot'; choose one of .*'he_normal'"),
    (lambda: Dense(2, bias_initializer=3), r"unknown initializer 3"),
    (lambda: Dense(2, kernel_regularizer="l3"), r"unknown regularizer 'l3'; choose one of .*'l1l2'"),
    (lambda: compiled().compile(optimizer="sgdd", loss="mse"), r"unknown optimizer 'sgdd'; choose one of .*'adamw'"),
    (lambda: compiled().compile(optimizer="sgd", loss="msee"), r"unknown loss 'msee'; choose one of .*'mae'"),
    (lambda: compiled().compile(optimizer="sgd", loss="mse", metrics=["acuracy"]),
     r"unknown metric 'acuracy'; choose one of .*'accuracy'"),
    (lambda: compiled().compile(optimizer="sgd", loss="mse", metrics="accuracy"), r"metrics as a list.*'accuracy'"),
    (lambda: compiled().compile(optimizer="sgd"), r"compile needs a loss"),
    (lambda: nnlib.optimizers.get({"name": "adam", "learning_rat": 0.1}), r"bad optimizer config.*learning_rat"),
    (lambda: nnlib.initializers.get({"name": "random_normal", "std": 1}), r"bad initializer config.*std"),
    (lambda: nnlib.regularizers.get({"l3": 1}), r"bad regularizer config.*l3"),
    (lambda: nnlib.activations.get(7), r"unknown activation 7"),
    (lambda: Dense(0), r"Dense needs units >= 1, received units=0"),
    (lambda: Dense(-3), r"received units=-3"),
    (lambda: Dense(2.5), r"received units=2.5"),
    (lambda: Dense(True), r"received units=True"),
    (lambda: Dense("8"), r"received units='8'"),
    (lambda: Dense(2, input_shape=(2, 3)), r"input_shape must be \(features,\).*\(2, 3\)"),
    (lambda: Dense(2, input_shape=0), r"input_shape must be.*received 0"),
    (lambda: Dropout(1.0), r"Dropout needs 0 <= rate < 1, received rate=1.0"),
    (lambda: Dropout(-0.1), r"received rate=-0.1"),
    (lambda: Dropout("0.2"), r"received rate='0.2'"),
    (lambda: Activation("nope"), r"unknown activation 'nope'"),
    (lambda: Sequential(["dense"]), r"needs an nnlib layer, received str"),
    (lambda: Sequential(seed=-1), r"seed must be a non-negative int.*-1"),
    (lambda: Sequential(seed="x"), r"seed must be.*'x'"),
    (lambda: nnlib.set_random_seed(-5), r"non-negative int, received -5"),
    (lambda: nnlib.set_random_seed(1.5), r"received 1.5"),
    (lambda: Sequential().build((2, 3)), r"input shape must be \(features,\)"),
    (lambda: SGD(learning_rate=-0.1), r"learning_rate must be >= 0, received -0.1"),
    (lambda: SGD(learning_rate="fast"), r"learning_rate must be a number, received 'fast'"),
    (lambda: SGD(momentum=1.0), r"momentum must be >= 0 and < 1.0, received 1.0"),
    (lambda: Adam(beta_1=1.5), r"beta_1 must be"),
    (lambda: Adam(epsilon=float("nan")), r"epsilon must be"),
    (lambda: nnlib.optimizers.RMSprop(rho=-1), r"rho must be"),
    (lambda: nnlib.optimizers.AdamW(weight_decay=-1), r"weight_decay must be"),
    (lambda: nnlib.initializers.random_normal(stddev=-1), r"stddev >= 0, received stddev=-1"),
    (lambda: nnlib.initializers.random_uniform(1, 0), r"minval <= maxval, received 1 > 0"),
    (lambda: nnlib.regularizers.L2(-0.1), r"l2 >= 0 and finite, received l2=-0.1"),
    (lambda: nnlib.regularizers.L1(float("inf")), r"l1 >= 0 and finite, received l1=inf"),
    (lambda: nnlib.regularizers.L1L2(l1="a"), r"received l1=a"),
    (lambda: LambdaCallback(on_epoch_finish=print), r"no hook 'on_epoch_finish'"),
])
def test_construction_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("call, match", [
    (lambda m: m.predict(np.ones((5, 4))), r"x must have 3 features per row.*received shape \(5, 4\)"),
    (lambda m: m.fit(np.ones((5, 2)), np.ones(5), verbose=0), r"x must have 3 features.*\(5, 2\)"),
    (lambda m: m.evaluate(np.ones((5, 4)), np.ones(5)), r"3 features per row"),
    (lambda m: m.layer_outputs(np.ones((2, 1))), r"3 features per row"),
    (lambda m: m.predict(np.ones(3)), r"x must be 2-D \(samples, features\), received shape \(3,\)"),
    (lambda m: m.predict(np.ones((2, 3, 1))), r"received shape \(2, 3, 1\)"),
    (lambda m: m.predict(np.ones((0, 3))), r"at least one row, received shape \(0, 3\)"),
    (lambda m: m.predict([["a", "b", "c"]]), r"x must be numeric, received list"),
    (lambda m: m.predict(np.where(np.eye(3) == 1, np.nan, 1.0)), r"x contains NaN or inf \(first at row 0\)"),
    (lambda m: m.fit(np.vstack([X3, [[1, np.inf, 1]]]), np.ones(6), verbose=0), r"NaN or inf \(first at row 5\)"),
    (lambda m: m.fit(X3, [1, 2, np.nan, 4, 5], verbose=0), r"mse targets contain NaN or inf \(first at row 2\)"),
    (lambda m: m.fit(X3, np.ones(4), verbose=0), r"x and y must have the same length, received 5 and \(4,\)"),
    (lambda m: m.fit(X3, np.ones((5, 2)), verbose=0), r"mse needs targets of shape \(n, 1\).*\(5, 2\)"),
    (lambda m: m.fit(X3, 1.0, verbose=0), r"same length"),
    (lambda m: m.fit(X3, np.ones(5), batch_size=0, verbose=0), r"batch_size must be a positive int, received 0"),
    (lambda m: m.fit(X3, np.ones(5), batch_size=2.5, verbose=0), r"received 2.5"),
    (lambda m: m.predict(X3, batch_size=-1), r"batch_size must be a positive int, received -1"),
    (lambda m: m.fit(X3, np.ones(5), epochs=-1, verbose=0), r"epochs must be a non-negative int, received -1"),
    (lambda m: m.fit(X3, np.ones(5), epochs=2.0, verbose=0), r"epochs must be .* received 2.0"),
    (lambda m: m.fit(X3, np.ones(5), initial_epoch=-2, verbose=0), r"initial_epoch must be"),
    (lambda m: m.fit(X3, np.ones(5), validation_split=1.0, verbose=0), r"validation_split must be between 0 and 1"),
    (lambda m: m.fit(X3, np.ones(5), validation_split=0.1, verbose=0), r"leaves an empty training or validation"),
    (lambda m: m.fit(X3, np.ones(5), validation_data=X3, verbose=0), r"validation_data must be a pair"),
    (lambda m: m.fit(X3, np.ones(5), validation_data=(np.ones((2, 2)), [1, 2]), verbose=0),
     r"validation x must have 3 features"),
    (lambda m: m.fit(X3, np.ones(5), validation_data=(np.ones((2, 3)), [1]), verbose=0),
     r"validation x and validation y must have the same length"),
    (lambda m: m.fit(X3, np.ones(5), callbacks=[print], verbose=0), r"nnlib Callback objects, received builtin"),
    (lambda m: m.fit(X3, np.ones(5), callbacks=EarlyStopping(), verbose=0),
     r"callbacks must be a list of Callback objects, received EarlyStopping"),
    (lambda m: m.set_weights(m.get_weights()[:-1]), r"set_weights needs 4 arrays, received 3"),
])
def test_call_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call(compiled())


@pytest.mark.parametrize("loss, units, out, y, match", [
    ("sparse_categorical_crossentropy", 3, "softmax", [0, 1, 2, 3, 1], r"labels must be in 0..2.*from 0 to 3"),
    ("sparse_categorical_crossentropy", 3, "softmax", [0, -1, 2, 1, 1], r"labels must be in 0..2.*from -1 to 2"),
    ("sparse_categorical_crossentropy", 3, "softmax", [0, 1.5, 2, 1, 1], r"whole-number labels"),
    ("sparse_categorical_crossentropy", 3, "softmax", ["a", "b", "c", "a", "b"], r"integer labels, received dtype"),
    ("sparse_categorical_crossentropy", 3, "softmax", np.zeros((5, 3), int), r"labels of shape \(n,\).*\(5, 3\)"),
    ("categorical_crossentropy", 3, "softmax", np.ones((5, 3)), r"one-hot target rows that sum to 1"),
    ("categorical_crossentropy", 3, "softmax", np.zeros((5, 2)), r"shape \(n, 3\).*\(5, 2\)"),
    ("binary_crossentropy", 1, "sigmoid", [0, 1, 2, 0, 1], r"targets in \[0, 1\], received values from 0 to 2"),
    ("binary_crossentropy", 1, "sigmoid", [0, 1, -1, 0, 1], r"from -1 to 1"),
])
def test_target_errors(loss, units, out, y, match):
    model = compiled(loss, units, out)
    for call in (lambda: model.fit(X3, y, verbose=0), lambda: model.evaluate(X3, y),
                 lambda: model.train_on_batch(X3, y), lambda: model.loss_and_gradients(X3, y)):
        with pytest.raises(ValueError, match=match):
            call()


@pytest.mark.parametrize("what", ["fit", "evaluate", "train_on_batch", "test_on_batch", "loss_and_gradients",
                                  "gradient_norms"])
def test_needs_compile_first(what):
    model = Sequential([Dense(1, input_shape=(3,))])
    reported = "loss_and_gradients" if what == "gradient_norms" else what
    with pytest.raises(ValueError, match=rf"call compile\(optimizer, loss\) before {reported}"):
        getattr(model, what)(X3, np.ones(5))


def test_empty_model_errors():
    with pytest.raises(ValueError, match="the model has no layers"):
        Sequential().predict(X3)


def test_set_weights_with_a_wrong_shape_changes_nothing():
    model = compiled()
    before = model.get_weights()
    bad = [np.zeros_like(w) for w in before]
    bad[2] = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"weight 2 must have shape \(4, 1\), received \(4, 2\)"):
        model.set_weights(bad)
    with pytest.raises(ValueError, match=r"could not convert|must|received"):
        model.set_weights([np.zeros_like(w) for w in before[:-1]] + [np.array(["x"])])
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_bad_metric_does_not_half_compile():
    model = compiled()
    with pytest.raises(ValueError):
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["nope"])
    assert model.loss.name == "mse" and isinstance(model.optimizer, SGD)


def test_callback_base_class_hooks_are_no_ops():
    cb = Callback()
    model = compiled()
    model.fit(X3, np.ones(5), epochs=1, verbose=0, callbacks=[cb])
    assert cb.model is model
