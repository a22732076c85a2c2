"""Metrics against scikit-learn, and the regularization losses a model reports (Keras' model.losses)."""

import numpy as np
import pytest
from sklearn.metrics import r2_score as sk_r2

import nnlib
from nnlib.metrics import r2_score


@pytest.mark.parametrize("seed", range(3))
def test_r2_score_matches_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=40)
    a = y + rng.normal(scale=0.5, size=40)
    assert r2_score(a[:, None], y) == pytest.approx(sk_r2(y, a))


def test_r2_score_hand_worked():
    y = np.array([1.0, 2.0, 3.0])
    assert r2_score(y, y) == 1.0
    assert r2_score(np.full(3, 2.0), y) == 0.0  # the mean predicts nothing
    assert r2_score(np.array([3.0, 2.0, 1.0]), y) == -3.0  # SS_res 8 over SS_tot 2
    assert r2_score(np.array([1.0, 2.0]), np.array([5.0, 5.0])) == 0.0  # constant target


def test_r2_score_in_compile_and_evaluate():
    model = nnlib.Sequential([nnlib.Dense(1, input_shape=(1,))], seed=0)
    model.compile(optimizer="sgd", loss="mse", metrics=["r2_score"])
    x = np.linspace(-1, 1, 20)[:, None]
    logs = model.evaluate(x, 2 * x[:, 0], return_dict=True)
    assert logs["r2_score"] == pytest.approx(sk_r2(2 * x[:, 0], model.predict(x)[:, 0]))


def test_model_losses_are_the_penalties_evaluate_adds():
    reg = nnlib.regularizers.get({"l2": 0.1})
    model = nnlib.Sequential([nnlib.Dense(3, "tanh", input_shape=(2,), kernel_regularizer=reg),
                              nnlib.Dense(1, "sigmoid", kernel_regularizer=reg)], seed=1)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    W1, _, W2, _ = model.get_weights()
    assert model.losses == pytest.approx([0.1 * np.sum(W1**2), 0.1 * np.sum(W2**2)])
    x, y = np.ones((4, 2)), np.array([0, 1, 0, 1])
    p = model.predict(x)[:, 0]
    data_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.evaluate(x, y) == pytest.approx(data_loss + sum(model.losses))
    plain = nnlib.Sequential([nnlib.Dense(1, input_shape=(2,))])
    assert plain.losses == []
