"""The tutorial "From Perceptrons to Deep Networks" (shared/reference): its hand-written 2-layer
ReLU/softmax network must agree with nnlib, and its Keras code must run unchanged on nnlib."""

from pathlib import Path

import numpy as np
import pytest

import nnlib

ROOT = Path(__file__).resolve().parents[2]


def hand_network_step(X, Y, W1, b1, W2, b2, lr):
    """The tutorial's algorithm, written out again here: forward, the fused softmax/CE backward, a step.
    Returns (loss, grads, new weights), all as plain arrays."""
    m = X.shape[0]
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    z2 = a1 @ W2 + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    out = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.sum(Y * np.log(out), axis=1))
    dz2 = out - Y  # softmax + cross-entropy
    dW2 = a1.T @ dz2 / m
    db2 = dz2.sum(axis=0) / m
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1 / m
    db1 = dz1.sum(axis=0) / m
    grads = [dW1, db1, dW2, db2]
    new = [w - lr * g for w, g in zip([W1, b1, W2, b2], grads)]
    return loss, grads, new


@pytest.fixture
def problem():
    rng = np.random.default_rng(42)
    n, d, h, k = 16, 5, 7, 3
    X = rng.normal(size=(n, d))
    Y = np.eye(k)[rng.integers(0, k, n)]
    # the tutorial draws standard normal weights and zero biases; non-zero biases make the check stronger
    weights = [rng.normal(size=(d, h)), rng.normal(scale=0.1, size=h), rng.normal(size=(h, k)),
               rng.normal(scale=0.1, size=k)]
    return X, Y, weights


def tutorial_model(weights, lr):
    d, h = weights[0].shape
    model = nnlib.Sequential([nnlib.Dense(h, activation="relu", input_shape=(d,)),
                              nnlib.Dense(weights[2].shape[1], activation="softmax")])
    model.set_weights(weights)
    model.compile(optimizer=nnlib.optimizers.SGD(learning_rate=lr), loss="categorical_crossentropy")
    return model


def test_same_loss_and_gradients_as_the_hand_written_network(problem):
    X, Y, weights = problem
    loss, grads, _ = hand_network_step(X, Y, *weights, lr=0.01)
    model = tutorial_model(weights, 0.01)
    nn_loss, nn_grads = model.loss_and_gradients(X, Y)
    assert nn_loss == pytest.approx(loss, rel=1e-12)
    for ours, theirs in zip(nn_grads, grads, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)


def test_same_weights_after_one_sgd_step(problem):
    X, Y, weights = problem
    loss, _, new = hand_network_step(X, Y, *weights, lr=0.5)
    model = tutorial_model(weights, 0.5)
    assert model.train_on_batch(X, Y) == pytest.approx(loss, rel=1e-12)
    for ours, theirs in zip(model.get_weights(), new, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)
    # sparse labels and one-hot targets give the same step
    sparse = tutorial_model(weights, 0.5)
    sparse.compile(optimizer=nnlib.optimizers.SGD(learning_rate=0.5), loss="sparse_categorical_crossentropy")
    sparse.train_on_batch(X, Y.argmax(axis=1))
    for ours, theirs in zip(sparse.get_weights(), new, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)


def test_a_full_epoch_of_minibatches_matches_the_hand_loop(problem):
    X, Y, weights = problem
    model = tutorial_model(weights, 0.1)
    model.fit(X, Y, epochs=1, batch_size=5, shuffle=False, verbose=0)  # batches of 5, 5, 5, 1
    w = weights
    for start in range(0, len(X), 5):
        _, _, w = hand_network_step(X[start:start + 5], Y[start:start + 5], *w, lr=0.1)
    for ours, theirs in zip(model.get_weights(), w, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


def digits():
    """The 8x8 digits, scaled to [0, 1]: nnlib.datasets if importable, else its .npz, else scikit-learn."""
    try:
        from nnlib.datasets import load_digits
        return load_digits()
    except ImportError:
        path = ROOT / "nnlib" / "data" / "digits.npz"
        if path.exists():
            with np.load(path, allow_pickle=False) as data:
                return data["pixels"] / 16.0, data["labels"].astype(np.int64)
        from sklearn.datasets import load_digits as sk_digits
        d = sk_digits()
        return d.data / 16.0, d.target


def test_keras_code_runs_unchanged_on_the_digits(capsys):
    X, y = digits()
    assert X.shape == (1797, 64)
    order = np.random.default_rng(0).permutation(len(X))
    cut = int(0.75 * len(X))
    X_train, y_train, X_test, y_test = X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]
    keras = nnlib
    keras.set_random_seed(1)  # as keras.utils.set_random_seed; the rest is the tutorial, verbatim

    model = keras.Sequential([
        keras.layers.Dense(64, activation='relu', input_shape=(64,)),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation='softmax')
    ])
    model.compile(optimizer='adam',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    history = model.fit(X_train, y_train, epochs=10, batch_size=32,
                        validation_data=(X_test, y_test))

    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 10 and printed[0].startswith("Epoch 1/10") and "val_accuracy" in printed[-1]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == list(range(10))
    assert history.history["val_accuracy"][-1] >= 0.94
    assert history.history["loss"][-1] < history.history["loss"][0]
    # val_accuracy is what an independent count says
    predicted = model.predict(X_test).argmax(axis=1)
    assert np.mean(predicted == y_test) == pytest.approx(history.history["val_accuracy"][-1])
    loss, acc = model.evaluate(X_test, y_test)
    assert acc == pytest.approx(history.history["val_accuracy"][-1])
    assert loss == pytest.approx(history.history["val_loss"][-1])


def test_keras_spellings():
    assert nnlib.layers.Dense is nnlib.Dense and nnlib.layers.Dropout is nnlib.Dropout
    assert nnlib.layers.Activation is nnlib.Activation
    assert isinstance(nnlib.optimizers.Adam(learning_rate=1e-3), nnlib.optimizers.Optimizer)
    for name in ("SGD", "RMSprop", "Adam", "AdamW"):
        assert hasattr(nnlib.optimizers, name)
    for name in ("L1", "L2", "L1L2"):
        assert isinstance(getattr(nnlib.regularizers, name)(), nnlib.regularizers.Regularizer)
    assert callable(nnlib.callbacks.EarlyStopping) and callable(nnlib.load_model)
    model = nnlib.Sequential()
    model.add(nnlib.layers.Dense(3, activation="tanh", input_shape=(2,)))
    model.add(nnlib.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer=nnlib.optimizers.Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    assert model.predict(np.zeros((4, 2))).shape == (4, 1)
