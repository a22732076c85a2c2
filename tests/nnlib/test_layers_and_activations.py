"""Activations against their textbook formulas, derivatives against central differences, Dropout's
statistics, Dense and Activation layers, initializers' spreads, regularizers' penalties."""

import math
import warnings

import numpy as np
import pytest

import nnlib
from nnlib import Activation, Dense, Dropout, Sequential
from nnlib import activations as A

Z = np.linspace(-6, 6, 241).reshape(-1, 1) + np.array([[0.0, 0.013]])  # (241, 2), never exactly 0 in col 2


def gelu_tanh(z):
    return 0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))


REFERENCE = {  # written from the definitions, independently of nnlib
    "linear": lambda z: z,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1.0),
    "gelu": gelu_tanh,
    "swish": lambda z: z / (1 + np.exp(-z)),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
}


def test_every_spec_activation_is_registered():
    assert set(A.names()) == set(REFERENCE)
    assert A.get(None).name == "linear"
    act = A.get("tanh")
    assert A.get(act) is act and repr(act) == "tanh"


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_forward_matches_the_formula(name):
    np.testing.assert_allclose(A.get(name)(Z), REFERENCE[name](Z), rtol=1e-12, atol=1e-15)


def test_gelu_is_close_to_the_exact_erf_form():
    exact = np.array([0.5 * z * (1 + math.erf(z / math.sqrt(2))) for z in Z[:, 0]])
    np.testing.assert_allclose(A.get("gelu")(Z[:, :1])[:, 0], exact, atol=1e-3)


@pytest.mark.parametrize("name", [n for n in sorted(REFERENCE) if n != "softmax"])
def test_backward_is_the_derivative(name):
    act = A.get(name)
    z = Z[np.abs(Z).min(axis=1) > 1e-3]  # away from the kinks at 0
    h = 1e-6
    numeric = (REFERENCE[name](z + h) - REFERENCE[name](z - h)) / (2 * h)
    a = act(z)
    da = np.random.default_rng(0).normal(size=z.shape)
    np.testing.assert_allclose(act.backward(da, z, a), da * numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(act.derivative(z, a), numeric, rtol=1e-6, atol=1e-8)


def test_relu_family_at_zero_takes_the_left_slope():
    zero = np.zeros((1, 1))
    assert A.get("relu").derivative(zero, zero)[0, 0] == 0.0
    assert A.get("leaky_relu").derivative(zero, zero)[0, 0] == 0.01
    assert A.get("elu").derivative(zero, A.get("elu")(zero))[0, 0] == 1.0  # continuous there


def test_softmax_backward_is_the_jacobian_transpose_product():
    rng = np.random.default_rng(1)
    z, da = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    sm = A.get("softmax")
    a = sm(z)
    expected = np.stack([(np.diag(r) - np.outer(r, r)).T @ g for r, g in zip(a, da)])
    np.testing.assert_allclose(sm.backward(da, z, a), expected, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="no elementwise derivative"):
        sm.derivative(z, a)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_no_overflow_or_nan_at_plus_minus_1000(name):
    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    act = A.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act(z)
        g = act.backward(np.ones_like(z), z, a)
    assert np.isfinite(a).all() and np.isfinite(g).all()


def test_saturating_limits():
    z = np.array([[-1000.0, 1000.0]])
    np.testing.assert_array_equal(A.get("sigmoid")(z), [[0.0, 1.0]])
    np.testing.assert_array_equal(A.get("softplus")(z), [[0.0, 1000.0]])
    np.testing.assert_array_equal(A.get("elu")(z), [[-1.0, 1000.0]])
    np.testing.assert_array_equal(A.get("swish")(z), [[-0.0, 1000.0]])
    np.testing.assert_allclose(A.get("softmax")(z), [[0.0, 1.0]])


# --- Dropout -----------------------------------------------------------------------------------------------

def test_dropout_is_the_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(50, 8))
    layer = Dropout(0.5)
    assert layer.forward(x, training=False) is x
    model = Sequential([Dense(8, "relu", input_shape=(3,)), Dropout(0.7), Dense(2)], seed=0)
    inputs = np.random.default_rng(1).normal(size=(20, 3))
    np.testing.assert_array_equal(model.predict(inputs), model.predict(inputs))
    W1, b1, W2, b2 = model.get_weights()
    np.testing.assert_allclose(model.predict(inputs), np.maximum(inputs @ W1 + b1, 0) @ W2 + b2, rtol=1e-12)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_keep_rate_scaling_and_backward(rate):
    rng = np.random.default_rng(42)
    n = 200_000
    x = np.full((n // 100, 100), 3.0)
    layer = Dropout(rate)
    out = layer.forward(x, training=True, rng=rng)
    kept = out != 0
    keep = 1 - rate
    # binomial: 6 standard deviations is a bound that a correct layer essentially never breaks
    assert abs(kept.mean() - keep) < 6 * math.sqrt(keep * rate / n)
    np.testing.assert_allclose(out[kept], 3.0 / keep, rtol=1e-12)  # inverted scaling
    assert abs(out.mean() - 3.0) < 6 * 3.0 / keep * math.sqrt(keep * rate / n)  # expectation preserved
    grad = np.ones_like(x)
    back = layer.backward(grad)
    np.testing.assert_array_equal(back != 0, kept)  # the same mask
    np.testing.assert_allclose(back[kept], 1 / keep, rtol=1e-12)
    # a new call draws a new mask
    assert not np.array_equal(layer.forward(x, training=True, rng=rng) != 0, kept)


def test_dropout_rate_zero_and_training_variation_in_a_model():
    x = np.ones((4, 6))
    assert Dropout(0.0).forward(x, training=True, rng=np.random.default_rng(0)) is x
    model = Sequential([Dense(16, "relu", input_shape=(2,)), Dropout(0.5), Dense(1)], seed=0)
    model.compile(optimizer=nnlib.optimizers.SGD(learning_rate=0.0), loss="mse")  # weights stay put
    xb, yb = np.ones((8, 2)), np.zeros(8)
    losses = {model.train_on_batch(xb, yb) for _ in range(3)}
    assert len(losses) == 3  # each training pass draws its own mask
    assert model.test_on_batch(xb, yb) == model.evaluate(xb, yb) == model.test_on_batch(xb, yb)


# --- Dense and Activation layers -----------------------------------------------------------------------------

def test_dense_without_bias_and_config():
    layer = Dense(3, "tanh", use_bias=False, kernel_regularizer="l1", name="d")
    model = Sequential([layer], seed=0)
    model.build((4,))
    assert [w.shape for w in model.get_weights()] == [(4, 3)] and layer.b is None
    x = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(model.predict(x), np.tanh(x @ layer.W), rtol=1e-12)
    config = layer.get_config()
    assert config["units"] == 3 and config["use_bias"] is False and config["activation"] == "tanh"
    assert config["kernel_regularizer"] == {"l1": 0.01, "l2": 0.0} and config["bias_regularizer"] is None


def test_activation_layer_equals_dense_with_that_activation():
    rng = np.random.default_rng(3)
    fused = Sequential([Dense(4, "softplus", input_shape=(3,))], seed=0)
    split = Sequential([Dense(4, input_shape=(3,)), Activation("softplus")], seed=0)
    split.set_weights(fused.get_weights())
    x = rng.normal(size=(6, 3))
    np.testing.assert_allclose(split.predict(x), fused.predict(x), rtol=1e-12)
    for model in (fused, split):
        model.compile(optimizer="sgd", loss="mse")
    y = rng.normal(size=(6, 4))
    (l1, g1), (l2, g2) = fused.loss_and_gradients(x, y), split.loss_and_gradients(x, y)
    assert l1 == pytest.approx(l2, rel=1e-12)
    for a, b in zip(g1, g2, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert Activation("relu").count_params() == 0


def test_custom_activation_object_is_used():
    class Cube(A.Activation):
        name = "cube"

        def forward(self, z):
            return z**3

        def derivative(self, z, a):
            return 3 * z**2

    model = Sequential([Dense(2, Cube(), input_shape=(2,))], seed=0)
    W, b = model.get_weights()
    x = np.array([[1.0, -2.0]])
    np.testing.assert_allclose(model.predict(x), (x @ W + b) ** 3, rtol=1e-12)


# --- initializers -------------------------------------------------------------------------------------------

FAN_IN, FAN_OUT = 300, 200
SHAPE = (FAN_IN, FAN_OUT)


@pytest.mark.parametrize("name, std, limit", [
    ("glorot_uniform", math.sqrt(2 / (FAN_IN + FAN_OUT)), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ("glorot_normal", math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    ("he_uniform", math.sqrt(2 / FAN_IN), math.sqrt(6 / FAN_IN)),
    ("he_normal", math.sqrt(2 / FAN_IN), None),
    ("lecun_normal", math.sqrt(1 / FAN_IN), None),
])
def test_variance_scaling_initializers(name, std, limit):
    init = nnlib.initializers.get(name)
    w = init(SHAPE, np.random.default_rng(0))
    assert w.shape == SHAPE
    assert abs(w.mean()) < 5 * std / math.sqrt(w.size)
    assert w.std() == pytest.approx(std, rel=0.02)
    if limit is not None:
        assert -limit <= w.min() < -0.99 * limit and 0.99 * limit < w.max() <= limit
    again = init(SHAPE, np.random.default_rng(0))
    np.testing.assert_array_equal(w, again)  # the generator alone decides


def test_parametrised_and_constant_initializers():
    rng = np.random.default_rng(0)
    w = nnlib.initializers.random_normal(mean=0.5, stddev=0.2)(SHAPE, rng)
    assert w.mean() == pytest.approx(0.5, abs=0.002) and w.std() == pytest.approx(0.2, rel=0.02)
    w = nnlib.initializers.random_uniform(minval=-0.3, maxval=0.1)(SHAPE, rng)
    assert -0.3 <= w.min() < -0.299 and 0.099 < w.max() <= 0.1
    assert w.mean() == pytest.approx(-0.1, abs=0.002)
    assert not nnlib.initializers.get("zeros")(SHAPE, rng).any()
    assert (nnlib.initializers.get("ones")((3,), rng) == 1).all()
    assert (nnlib.initializers.get({"name": "constant", "value": 0.7})((2, 2), rng) == 0.7).all()
    assert nnlib.initializers.get({"name": "random_normal", "stddev": 0.5}).stddev == 0.5
    defaults = nnlib.initializers.get("random_normal")
    assert (defaults.mean, defaults.stddev) == (0.0, 0.05)


def test_dense_defaults_are_glorot_uniform_and_zero_bias():
    model = Sequential([Dense(200, input_shape=(300,))], seed=0)
    W, b = model.get_weights()
    limit = math.sqrt(6 / 500)
    assert W.min() >= -limit and W.max() <= limit and W.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)
    assert not b.any()


# --- regularizers -------------------------------------------------------------------------------------------

def test_regularizer_penalties_and_gradients():
    w = np.array([[0.5, -2.0], [0.0, 1.5]])
    l1, l2, both = nnlib.regularizers.L1(0.1), nnlib.regularizers.L2(0.2), nnlib.regularizers.L1L2(0.1, 0.2)
    assert l1.penalty(w) == pytest.approx(0.1 * 4.0)
    assert l2.penalty(w) == pytest.approx(0.2 * (0.25 + 4 + 2.25))
    assert both.penalty(w) == pytest.approx(0.4 + 0.2 * 6.5)
    np.testing.assert_allclose(l1.gradient(w), 0.1 * np.array([[1, -1], [0, 1]]))
    np.testing.assert_allclose(l2.gradient(w), 0.4 * w)
    np.testing.assert_allclose(both.gradient(w), l1.gradient(w) + l2.gradient(w))
    assert repr(l1) == "L1(0.1)" and repr(l2) == "L2(0.2)" and repr(both) == "L1L2(l1=0.1, l2=0.2)"


def test_regularizer_names_use_keras_defaults():
    get = nnlib.regularizers.get
    assert (get("l1").l1, get("l1").l2) == (0.01, 0.0)
    assert (get("l2").l1, get("l2").l2) == (0.0, 0.01)
    assert (get("l1_l2").l1, get("l1_l2").l2) == (0.0, 0.0)
    assert get(None) is None
    assert get({"l1": 0.3}).l1 == 0.3


def test_penalty_counts_in_the_loss_for_kernel_and_bias():
    model = Sequential([Dense(2, input_shape=(2,), kernel_regularizer=nnlib.regularizers.L2(0.5),
                              bias_regularizer=nnlib.regularizers.L1(0.25))])
    W, b = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([0.5, -1.5])
    model.set_weights([W, b])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.array([[1.0, 1.0]]), np.array([[0.0, 0.0]])
    out = x @ W + b  # [4.5, -0.5]
    data_loss = np.mean(out**2)
    penalty = 0.5 * (W**2).sum() + 0.25 * np.abs(b).sum()
    assert model.evaluate(x, y) == pytest.approx(data_loss + penalty, rel=1e-12)
    loss, (dW, db) = model.loss_and_gradients(x, y)
    assert loss == pytest.approx(data_loss + penalty, rel=1e-12)
    np.testing.assert_allclose(dW, x.T @ (out - y) + 2 * 0.5 * W, rtol=1e-12)  # 2(a-y)/2 = a-y
    np.testing.assert_allclose(db, (out - y)[0] + 0.25 * np.sign(b), rtol=1e-12)
