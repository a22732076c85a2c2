"""Losses: values against scikit-learn and textbook formulas, gradients against central differences,
the fused (prediction - target) gradients, means over the batch, and no NaN from log(0)."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_absolute_error, mean_squared_error

from nnlib import losses as L

RNG = np.random.default_rng(0)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_values_agree_with_scikit_learn():
    a, y = RNG.normal(size=(10, 3)), RNG.normal(size=(10, 3))
    assert L.get("mse").value(a, y) == pytest.approx(mean_squared_error(y, a), rel=1e-12)
    assert L.get("mae").value(a, y) == pytest.approx(mean_absolute_error(y, a), rel=1e-12)

    p, labels = softmax(RNG.normal(size=(12, 4))), RNG.integers(0, 4, 12)
    expected = log_loss(labels, p, labels=range(4))
    assert L.get("sparse_categorical_crossentropy").value(p, labels) == pytest.approx(expected, rel=1e-10)
    assert L.get("categorical_crossentropy").value(p, np.eye(4)[labels]) == pytest.approx(expected, rel=1e-10)

    q, t = sigmoid(RNG.normal(size=(15, 1))), RNG.integers(0, 2, (15, 1)).astype(float)
    assert L.get("binary_crossentropy").value(q, t) == pytest.approx(log_loss(t[:, 0], q[:, 0]), rel=1e-10)


def test_multi_output_bce_is_the_mean_over_every_entry():
    q, t = sigmoid(RNG.normal(size=(6, 3))), RNG.integers(0, 2, (6, 3)).astype(float)
    per_entry = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    assert L.get("binary_crossentropy").value(q, t) == pytest.approx(per_entry.mean(), rel=1e-12)


@pytest.mark.parametrize("name", ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_value_and_grad_gradient_by_central_differences(name):
    rng = np.random.default_rng(1)
    loss = L.get(name)
    if name in ("mse", "mae"):
        a, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    elif name == "binary_crossentropy":
        a, y = rng.uniform(0.05, 0.95, (5, 3)), rng.integers(0, 2, (5, 3)).astype(float)
    else:
        a = softmax(rng.normal(size=(5, 3)))
        labels = rng.integers(0, 3, 5)
        y = labels if name.startswith("sparse") else np.eye(3)[labels]
    _, grad = loss.value_and_grad(a, y)
    h = 1e-6
    numeric = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        plus, minus = a.copy(), a.copy()
        plus[idx] += h
        minus[idx] -= h
        numeric[idx] = (loss.value(plus, y) - loss.value(minus, y)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_fused_gradients_are_prediction_minus_target_over_the_batch():
    z = RNG.normal(size=(8, 4))
    labels = RNG.integers(0, 4, 8)
    onehot = np.eye(4)[labels]
    a = softmax(z)
    for name, y in (("categorical_crossentropy", onehot), ("sparse_categorical_crossentropy", labels)):
        value, dz = L.get(name).value_and_dz(z, a, y)
        np.testing.assert_allclose(dz, (a - onehot) / 8, rtol=1e-12)
        assert value == pytest.approx(L.get(name).value(a, y), rel=1e-12)
    zb = RNG.normal(size=(8, 2))
    tb = RNG.integers(0, 2, (8, 2)).astype(float)
    value, dz = L.get("binary_crossentropy").value_and_dz(zb, sigmoid(zb), tb)
    np.testing.assert_allclose(dz, (sigmoid(zb) - tb) / 16, rtol=1e-12)  # the mean is over 16 entries
    assert value == pytest.approx(L.get("binary_crossentropy").value(sigmoid(zb), tb), rel=1e-12)


def test_fused_gradient_is_the_derivative_of_the_fused_value():
    """d/dz of value_and_dz's value, by central differences, is its dz."""
    rng = np.random.default_rng(2)
    cases = [("binary_crossentropy", rng.normal(size=(4, 2)) * 3, rng.integers(0, 2, (4, 2)).astype(float),
              sigmoid),
             ("categorical_crossentropy", rng.normal(size=(4, 3)) * 3, np.eye(3)[rng.integers(0, 3, 4)], softmax),
             ("sparse_categorical_crossentropy", rng.normal(size=(4, 3)) * 3, rng.integers(0, 3, 4), softmax)]
    for name, z, y, act in cases:
        loss = L.get(name)
        _, dz = loss.value_and_dz(z, act(z), y)
        numeric = np.zeros_like(z)
        for idx in np.ndindex(z.shape):
            plus, minus = z.copy(), z.copy()
            plus[idx] += 1e-6
            minus[idx] -= 1e-6
            up, down = loss.value_and_dz(plus, act(plus), y)[0], loss.value_and_dz(minus, act(minus), y)[0]
            numeric[idx] = (up - down) / 2e-6
        np.testing.assert_allclose(dz, numeric, rtol=1e-6, atol=1e-9, err_msg=name)


def test_losses_are_means_over_the_batch():
    a, y = softmax(RNG.normal(size=(5, 3))), RNG.integers(0, 3, 5)
    for name, target in (("sparse_categorical_crossentropy", y), ("categorical_crossentropy", np.eye(3)[y]),
                         ("mse", np.eye(3)[y]), ("mae", np.eye(3)[y]), ("binary_crossentropy", np.eye(3)[y])):
        loss = L.get(name)
        v1, g1 = loss.value_and_grad(a, target)
        v2, g2 = loss.value_and_grad(np.concatenate([a, a]), np.concatenate([target, target]))
        assert v2 == pytest.approx(v1, rel=1e-12), name  # the batch twice: same mean
        np.testing.assert_allclose(g2[:5], g1 / 2, rtol=1e-12, err_msg=name)  # each row weighs half


def test_no_nan_from_log_zero():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, y in (("binary_crossentropy", np.array([[1.0, 0.0], [0.0, 1.0]])),
                        ("categorical_crossentropy", np.array([[1.0, 0.0], [0.0, 1.0]])),
                        ("sparse_categorical_crossentropy", np.array([0, 1]))):
            value, grad = L.get(name).value_and_grad(a, y)
            assert np.isfinite(value) and value > 10 and np.isfinite(grad).all(), name
        # the fused forms never clip: a confidently wrong logit of 800 costs about 800
        z = np.array([[800.0, -800.0]])
        value, dz = L.get("sparse_categorical_crossentropy").value_and_dz(z, softmax(z), np.array([1]))
        assert value == pytest.approx(1600.0) and np.isfinite(dz).all()
        value, dz = L.get("categorical_crossentropy").value_and_dz(z, softmax(z), np.array([[0.0, 1.0]]))
        assert value == pytest.approx(1600.0)
        zb = np.array([[-900.0], [900.0]])
        value, dz = L.get("binary_crossentropy").value_and_dz(zb, np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]]))
        assert value == pytest.approx(900.0) and np.isfinite(dz).all()


def test_registry_names_and_aliases():
    assert L.get("mean_squared_error").name == "mse" and L.get("MAE").name == "mae"
    loss = L.get("mse")
    assert L.get(loss) is loss and repr(loss) == "mse"
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; choose one of \[.*'binary_crossentropy'"):
        L.get("hinge")


def test_prepare_targets_shapes():
    assert L.get("mse").prepare_targets([1, 2, 3], 1).shape == (3, 1)
    assert L.get("sparse_categorical_crossentropy").prepare_targets(np.array([[1], [2]]), 3).tolist() == [1, 2]
    labels = L.get("sparse_categorical_crossentropy").prepare_targets(np.array([1.0, 0.0]), 2)
    assert labels.dtype == np.int64 and labels.tolist() == [1, 0]
    assert L.get("binary_crossentropy").prepare_targets(np.array([True, False]), 1).tolist() == [[1.0], [0.0]]
    soft = L.get("categorical_crossentropy").prepare_targets([[0.25, 0.75]], 2)  # probability rows are fine
    np.testing.assert_array_equal(soft, [[0.25, 0.75]])
