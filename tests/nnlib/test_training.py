"""fit(): convergence, seeded reproducibility, divergence, callbacks, printing, history.

EarlyStopping and the other callbacks of nnlib.callbacks: test_callbacks.py."""

import math
import warnings

import numpy as np
import pytest

import nnlib
from nnlib import Callback, Dense, Dropout, LambdaCallback, Sequential
from nnlib.optimizers import SGD, Adam


def xor(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    X = X[np.abs(X).min(axis=1) > 0.05]  # a small margin around the axes
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def circles(n=400, seed=0):
    rng = np.random.default_rng(seed)
    r = np.concatenate([rng.uniform(0, 0.4, n // 2), rng.uniform(0.6, 1.0, n - n // 2)])
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    return X, (r > 0.5).astype(int)


def small_classifier(seed=0, hidden="tanh", dropout=0.0):
    layers = [Dense(8, hidden, input_shape=(2,)), Dense(8, hidden)]
    if dropout:
        layers.insert(1, Dropout(dropout))
    model = Sequential([*layers, Dense(1, "sigmoid")], seed=seed)
    model.compile(optimizer=Adam(0.03), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def accuracy(model, X, y):
    return float(np.mean((model.predict(X)[:, 0] > 0.5) == y))


# --- learning ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [xor, circles])
def test_converges_on_xor_and_circles(make):
    X, y = make()
    model = small_classifier()
    before = accuracy(model, X, y)
    history = model.fit(X, y, epochs=60, batch_size=16, verbose=0, seed=0)
    assert accuracy(model, X, y) >= 0.97 > before
    assert history.history["accuracy"][-1] >= 0.95
    assert history.history["loss"][-1] < 0.25 * history.history["loss"][0]


def test_four_point_xor_with_plain_sgd():
    X, y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0])
    model = Sequential([Dense(4, "tanh", input_shape=(2,)), Dense(1, "sigmoid")], seed=3)
    model.compile(optimizer=SGD(learning_rate=1.0, momentum=0.9), loss="binary_crossentropy")
    model.fit(X, y, epochs=300, batch_size=4, verbose=0)
    np.testing.assert_array_equal(model.predict(X)[:, 0] > 0.5, y.astype(bool))


def test_regression_fits_a_line():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.3
    model = Sequential([Dense(1, input_shape=(3,))], seed=0)
    model.compile(optimizer=Adam(0.05), loss="mse", metrics=["mae"])
    model.fit(X, y, epochs=100, batch_size=20, verbose=0)
    W, b = model.get_weights()
    np.testing.assert_allclose(W[:, 0], [1.5, -2.0, 0.5], atol=1e-3)
    np.testing.assert_allclose(b, [0.3], atol=1e-3)


def test_epoch_loss_is_the_size_weighted_mean_of_batch_losses():
    X, y = xor(103)
    model = small_classifier()
    seen = []
    model.fit(X, y, epochs=1, batch_size=10, verbose=0, shuffle=False,
              callbacks=[LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(logs["loss"]))])
    sizes = [min(10, len(X) - s) for s in range(0, len(X), 10)]
    assert len(seen) == len(sizes) and sizes[-1] != 10
    assert model.history.history["loss"][0] == pytest.approx(np.average(seen, weights=sizes), rel=1e-12)


def test_reported_loss_is_evaluate_when_nothing_moves():
    """With learning rate 0 the epoch loss must equal evaluate() on the same data, penalties included,
    even with saturated outputs where a clipped and an exact cross-entropy differ."""
    X, y = xor(64)
    for loss, out, targets in (("binary_crossentropy", Dense(1, "sigmoid"), y),
                               ("sparse_categorical_crossentropy", Dense(2, "softmax"), y),
                               ("categorical_crossentropy", Dense(2, "softmax"), np.eye(2)[y]),
                               ("mse", Dense(1, "tanh"), y)):
        model = Sequential([Dense(6, "relu", input_shape=(2,), kernel_regularizer=nnlib.regularizers.L1L2(0.1, 0.1)),
                            out], seed=1)
        model.compile(optimizer=SGD(0.0), loss=loss)
        model.set_weights([w * 40 for w in model.get_weights()])  # saturate: probabilities below 1e-7
        history = model.fit(X, targets, epochs=1, batch_size=8, verbose=0)
        assert history.history["loss"][0] == pytest.approx(model.evaluate(X, targets), rel=1e-9), loss


# --- reproducibility ----------------------------------------------------------------------------------

def run(model_seed, fit_seed, dropout=0.25, epochs=4):
    X, y = circles(120)
    model = small_classifier(seed=model_seed, dropout=dropout)
    history = model.fit(X, y, epochs=epochs, batch_size=16, verbose=0, seed=fit_seed,
                        validation_split=0.25)
    return history, model.get_weights()


def test_same_seed_gives_identical_history_and_weights():
    (h1, w1), (h2, w2) = run(7, 11), run(7, 11)
    assert h1.history == h2.history and h1.grad_norms == h2.grad_norms
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_give_different_histories():
    base, _ = run(7, 11)
    other_init, _ = run(8, 11)
    other_order, _ = run(7, 12)
    assert other_init.history["loss"] != base.history["loss"]
    assert other_order.history["loss"] != base.history["loss"]


def test_fit_seed_governs_shuffling_and_dropout():
    """Same initial weights, differently seeded models: fit(seed=) alone decides the run."""
    X, y = circles(100)
    template = small_classifier(seed=0, dropout=0.5).get_weights()
    histories = []
    for model_seed in (1, 2):
        model = small_classifier(seed=model_seed, dropout=0.5)
        model.set_weights(template)
        histories.append(model.fit(X, y, epochs=3, batch_size=10, verbose=0, seed=5).history)
    assert histories[0] == histories[1]


def test_seed_can_be_a_generator():
    X, y = circles(60)
    losses = []
    for _ in range(2):
        model = small_classifier(seed=np.random.default_rng(3), dropout=0.2)
        losses.append(model.fit(X, y, epochs=2, verbose=0, seed=np.random.default_rng(4)).history["loss"])
    assert losses[0] == losses[1]


def test_set_random_seed_makes_unseeded_models_reproducible():
    def unseeded_run():
        model = Sequential([Dense(5, "relu", input_shape=(2,)), Dropout(0.3), Dense(1, "sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        X, y = xor(50)
        return model.get_weights(), model.fit(X, y, epochs=2, verbose=0).history["loss"]

    nnlib.set_random_seed(123)
    w1, l1 = unseeded_run()
    w1b, _ = unseeded_run()  # the root moves on: the next model differs
    nnlib.set_random_seed(123)
    w2, l2 = unseeded_run()
    nnlib.set_random_seed(124)
    w3, _ = unseeded_run()
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)
    assert l1 == l2
    assert not np.array_equal(w1[0], w1b[0]) and not np.array_equal(w1[0], w3[0])


def test_nnlib_never_touches_numpy_global_random_state():
    np.random.seed(0)
    expected = np.random.rand(3)
    np.random.seed(0)
    nnlib.set_random_seed(9)
    model = small_classifier(dropout=0.3)
    X, y = xor(40)
    model.fit(X, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(np.random.rand(3), expected)


def test_shuffle_false_ignores_the_fit_seed():
    X, y = xor(50)
    runs = [small_classifier(seed=0).fit(X, y, epochs=3, batch_size=8, shuffle=False, verbose=0, seed=s).history
            for s in (1, 2)]
    assert runs[0] == runs[1]


# --- divergence -----------------------------------------------------------------------------------------

def test_divergence_stops_quietly_and_is_flagged():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 3)), rng.normal(size=64) * 100
    model = Sequential([Dense(8, "relu", input_shape=(3,)), Dense(1)], seed=0)
    model.compile(optimizer=SGD(learning_rate=50.0), loss="mse", metrics=["mae"])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise"):
        warnings.simplefilter("error")  # not even a RuntimeWarning escapes
        history = model.fit(X, y, epochs=100, batch_size=8, verbose=0, validation_split=0.25)
    assert history.diverged and model.diverged
    assert not math.isfinite(history.history["loss"][-1])
    assert all(math.isfinite(v) for v in history.history["loss"][:-1])
    assert len(history.epoch) < 100
    lengths = {key: len(values) for key, values in history.history.items()}
    assert set(lengths) == {"loss", "mae", "val_loss", "val_mae"}
    assert set(lengths.values()) == {len(history.epoch)}
    assert len(history.grad_norms) == len(history.epoch)
    assert all(np.isfinite(w).all() for w in model.get_weights())  # the last finite weights are kept


def test_an_epoch_mean_that_overflows_is_divergence_too():
    """Every batch's loss finite (1e308 each), their weighted sum not: the epoch's loss is inf, so it diverged."""
    model = Sequential([Dense(1, input_shape=(1,))], seed=0)
    model.compile(optimizer=SGD(0.0), loss="mse")
    model.set_weights([np.array([[1e154]]), np.array([0.0])])
    X, y = np.ones((4, 1)), np.zeros(4)
    with np.errstate(over="ignore"):
        history = model.fit(X, y, epochs=3, batch_size=1, shuffle=False, verbose=0)
    assert history.history["loss"] == [math.inf] and history.diverged and model.diverged


def test_a_fresh_fit_clears_the_divergence_flag():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(32, 2)), rng.normal(size=32) * 100
    model = Sequential([Dense(4, "tanh", input_shape=(2,)), Dense(1)], seed=0)
    model.compile(optimizer=SGD(learning_rate=1e4), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.fit(X, y, epochs=50, verbose=0).diverged
    model.compile(optimizer=SGD(learning_rate=1e-3), loss="mse")
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    history = model.fit(X, y, epochs=2, verbose=0)
    assert not history.diverged and not model.diverged


def test_train_on_batch_flags_divergence_without_moving():
    model = Sequential([Dense(1, input_shape=(1,))], seed=0)
    model.compile(optimizer=SGD(1.0), loss="mse")
    model.set_weights([np.array([[1e200]]), np.array([0.0])])
    with np.errstate(over="ignore", invalid="ignore"):
        loss = model.train_on_batch([[1e200]], [0.0])
    assert not math.isfinite(loss) and model.diverged
    assert model.get_weights()[0][0, 0] == 1e200


# --- callbacks ------------------------------------------------------------------------------------------

class Recorder(Callback):
    def __init__(self):
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))
        self.last_logs = dict(logs)

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch))


def test_hooks_are_called_in_order_with_the_right_counts():
    X, y = xor(50)
    rec = Recorder()
    model = small_classifier()
    model.fit(X, y, epochs=2, batch_size=16, verbose=0, callbacks=[rec], validation_data=(X[:10], y[:10]))
    steps = math.ceil(len(X) / 16)
    keys = sorted(["loss", "accuracy", "val_loss", "val_accuracy", "grad_norms"])
    expected = [("train_begin",)]
    for epoch in range(2):
        expected.append(("epoch_begin", epoch))
        for b in range(steps):
            expected += [("batch_begin", b), ("batch_end", b)]
        expected.append(("epoch_end", epoch, keys))
    expected.append(("train_end",))
    assert rec.calls == expected
    assert rec.model is model


def test_grad_norms_in_logs_match_the_last_batch():
    """logs["grad_norms"] are the per-Dense-layer kernel-gradient norms of the epoch's last batch."""
    X, y = xor(40)
    model = small_classifier()
    model.compile(optimizer=SGD(0.0), loss="binary_crossentropy")  # lr 0: weights stay put
    rec = Recorder()
    model.fit(X, y, epochs=1, batch_size=16, shuffle=False, verbose=0, callbacks=[rec])
    last = slice(32, 40)
    expected = model.gradient_norms(X[last], y[last])
    assert len(rec.last_logs["grad_norms"]) == 3
    np.testing.assert_allclose(rec.last_logs["grad_norms"], expected, rtol=1e-12)
    assert model.history.grad_norms == [rec.last_logs["grad_norms"]]
    assert "grad_norms" not in model.history.history


def test_stop_training_from_an_epoch_hook():
    X, y = xor(30)
    model = small_classifier()

    def stop_at_two(epoch, logs):
        if epoch == 2:
            model.stop_training = True

    history = model.fit(X, y, epochs=10, verbose=0, callbacks=[LambdaCallback(on_epoch_end=stop_at_two)])
    assert history.epoch == [0, 1, 2] and not history.diverged


def test_stop_training_from_a_batch_hook_ends_the_epoch():
    X, y = xor(100)
    model = small_classifier()
    batches = []

    def stop_after_three(batch, logs):
        batches.append(batch)
        if batch == 2:
            model.stop_training = True

    history = model.fit(X, y, epochs=5, batch_size=10, verbose=0,
                        callbacks=[LambdaCallback(on_train_batch_end=stop_after_three)])
    assert batches == [0, 1, 2] and history.epoch == [0]


def test_initial_epoch_and_epoch_numbers():
    X, y = xor(30)
    history = small_classifier().fit(X, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4] and len(history.history["loss"]) == 2
    assert small_classifier().fit(X, y, epochs=0, verbose=0).epoch == []


def test_callbacks_see_the_model_and_history_is_returned_and_stored():
    X, y = xor(30)
    model = small_classifier()
    history = model.fit(X, y, epochs=2, verbose=0)
    assert model.history is history and history.params["epochs"] == 2
    assert "History(epochs=2" in repr(history)


# --- printing and validation ----------------------------------------------------------------------------

def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = xor(30)
    small_classifier().fit(X, y, epochs=3, validation_data=(X, y))
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert all("loss: " in line and "val_accuracy: " in line and "grad_norms" not in line for line in lines)
    small_classifier().fit(X, y, epochs=3, verbose=0)
    assert capsys.readouterr().out == ""


def test_validation_split_holds_out_the_last_samples():
    X, y = circles(100)
    model = small_classifier()
    history = model.fit(X, y, epochs=2, verbose=0, validation_split=0.2)
    loss, acc = model.evaluate(X[80:], y[80:])
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-12)
    assert history.history["val_accuracy"][-1] == pytest.approx(acc, rel=1e-12)
    assert history.params["steps"] == math.ceil(80 / 32)
