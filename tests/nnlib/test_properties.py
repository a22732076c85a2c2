"""Hypothesis properties: shapes for random architectures, softmax and sigmoid stability, losses finite
and non-negative for extreme inputs, config and save/load round trips."""

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nnlib
from nnlib import Activation, Dense, Dropout, Sequential
from nnlib import activations as A
from nnlib import losses as L

SETTINGS = settings(max_examples=40, deadline=None)
ACTIVATIONS = A.names()


@st.composite
def architectures(draw):
    """(input width, layers) with 1-4 Dense layers, optional Dropout and Activation layers between."""
    n_in = draw(st.integers(1, 5))
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        layers.append(Dense(draw(st.integers(1, 6)), draw(st.sampled_from(ACTIVATIONS)),
                            use_bias=draw(st.booleans())))
        extra = draw(st.sampled_from(["none", "dropout", "activation"]))
        if extra == "dropout":
            layers.append(Dropout(draw(st.floats(0.0, 0.9))))
        elif extra == "activation":
            layers.append(Activation(draw(st.sampled_from(ACTIVATIONS))))
    return n_in, layers


@SETTINGS
@given(architectures(), st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_shapes_for_random_architectures(arch, n, seed):
    n_in, layers = arch
    model = Sequential(layers, seed=seed)
    x = np.random.default_rng(seed).normal(size=(n, n_in))
    out = model.predict(x)
    widths, dim, expected_params = [], n_in, 0
    for layer in layers:
        if isinstance(layer, Dense):
            expected_params += dim * layer.units + (layer.units if layer.use_bias else 0)
            dim = layer.units
        widths.append(dim)
    assert out.shape == (n, widths[-1]) and np.isfinite(out).all()
    outputs = model.layer_outputs(x)
    assert [o["a"].shape for o in outputs] == [(n, w) for w in widths]
    assert [o["z"].shape for o in outputs] == [(n, w) for w in widths]
    np.testing.assert_array_equal(outputs[-1]["a"], out)
    assert model.count_params() == expected_params == sum(w.size for w in model.get_weights())
    assert len(model.summary(print_fn=lambda s: None).splitlines()) == len(layers) + 6


@SETTINGS
@given(architectures(), st.integers(0, 2**32 - 1))
def test_config_and_file_round_trips(arch, seed):
    n_in, layers = arch
    model = Sequential(layers, seed=seed)
    model.build((n_in,))
    config = model.to_config()
    assert Sequential.from_config(config).to_config() == config
    loaded = nnlib.load_model(nnlib.model_to_bytes(model))
    x = np.random.default_rng(seed).normal(size=(3, n_in))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


huge = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=huge))
def test_softmax_rows_are_distributions_even_for_huge_logits(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = A.get("softmax")(z)
    assert np.isfinite(p).all() and (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    rows = np.arange(len(z))
    np.testing.assert_array_equal(p[rows, z.argmax(axis=1)], p.max(axis=1))  # the biggest logit wins
    shifted = A.get("softmax")(z[np.abs(z).max(axis=1) < 1e6] + 1000.0)  # shift invariance
    np.testing.assert_allclose(shifted, p[np.abs(z).max(axis=1) < 1e6], rtol=1e-9, atol=1e-300)


@SETTINGS
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1000, 1000)))
def test_sigmoid_is_stable_and_symmetric(z):
    z = z.reshape(1, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, s_neg = A.get("sigmoid")(z), A.get("sigmoid")(-z)
    assert ((s >= 0) & (s <= 1)).all()
    np.testing.assert_allclose(s + s_neg, 1.0, rtol=0, atol=1e-15)
    # absolute accuracy (nnlib's 0.5 * (1 + tanh(z / 2)) form trades relative accuracy far left for speed)
    np.testing.assert_allclose(s[np.abs(z) < 30], 1 / (1 + np.exp(-z[np.abs(z) < 30])), rtol=1e-12, atol=1e-15)


probabilities = st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 1.0), st.floats(0.0, 1e-300))


@SETTINGS
@given(st.integers(1, 6), st.integers(2, 5), st.data())
def test_cross_entropies_finite_and_non_negative_at_extreme_probabilities(n, k, data):
    rows = data.draw(arrays(np.float64, (n, k), elements=probabilities))
    labels = data.draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    onehot = np.eye(k)[labels]
    bits = data.draw(arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 1.0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, a, y in (("binary_crossentropy", rows, bits), ("categorical_crossentropy", rows, onehot),
                           ("sparse_categorical_crossentropy", rows, labels)):
            value, grad = L.get(name).value_and_grad(a, y)
            assert np.isfinite(value) and value >= 0, name
            assert np.isfinite(grad).all(), name


@SETTINGS
@given(st.integers(1, 6), st.integers(2, 5), st.data())
def test_fused_losses_finite_and_non_negative_for_extreme_logits(n, k, data):
    z = data.draw(arrays(np.float64, (n, k), elements=st.floats(-1e4, 1e4)))
    labels = data.draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    bits = data.draw(arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 1.0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, s = A.get("softmax")(z), A.get("sigmoid")(z)
        for name, a, y in (("sparse_categorical_crossentropy", p, labels),
                           ("categorical_crossentropy", p, np.eye(k)[labels]),
                           ("binary_crossentropy", s, bits)):
            value, dz = L.get(name).value_and_dz(z, a, y)
            assert np.isfinite(value) and value >= 0, name
            assert np.isfinite(dz).all() and np.abs(dz).max() <= 1.0, name


@SETTINGS
@given(arrays(np.float64, (4, 2), elements=st.floats(-1e6, 1e6)),
       arrays(np.float64, (4, 2), elements=st.floats(-1e6, 1e6)))
def test_regression_losses_non_negative_and_zero_only_at_the_target(a, y):
    for name in ("mse", "mae"):
        value, _ = L.get(name).value_and_grad(a, y)
        assert value >= 0 and np.isfinite(value)
        if np.array_equal(a, y):
            assert value == 0
        elif np.abs(a - y).max() > 1e-150:  # smaller gaps may square to 0 in float64
            assert value > 0


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from(["binary_crossentropy", "sparse_categorical_crossentropy"]))
def test_a_saturated_model_still_reports_finite_losses(seed, loss):
    rng = np.random.default_rng(seed)
    units, out = (1, "sigmoid") if loss == "binary_crossentropy" else (3, "softmax")
    model = Sequential([Dense(4, "relu", input_shape=(2,)), Dense(units, out)], seed=seed)
    model.compile(optimizer="sgd", loss=loss)
    model.set_weights([w * 1e3 for w in model.get_weights()])
    x, y = rng.normal(size=(6, 2)), rng.integers(0, max(units, 2), 6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grads = model.loss_and_gradients(x, y)
        assert np.isfinite(value) and value >= 0 and value == model.evaluate(x, y)
        assert all(np.isfinite(g).all() for g in grads)
