"""Single steps on numbers small enough to check on paper. Every expected number below was worked out by
hand (the arithmetic is in the comments), not copied from nnlib's output."""

import math

import numpy as np
import pytest

from nnlib import Dense, Sequential
from nnlib.optimizers import SGD


def one_neuron(activation=None, W=((0.5,), (-1.0,)), b=(0.1,), optimizer=None, loss="mse"):
    model = Sequential([Dense(1, activation, input_shape=(len(W),))])
    model.set_weights([np.array(W), np.array(b)])
    model.compile(optimizer=optimizer or SGD(learning_rate=0.1), loss=loss)
    return model


def test_one_sgd_step_linear_mse():
    # x = [1, 2], W = [0.5, -1], b = 0.1, y = 0
    # z = 1*0.5 + 2*(-1) + 0.1 = -1.4;  a = z (linear)
    # loss = (a - y)^2 = 1.96
    # dL/da = 2 (a - y) / n = 2 * (-1.4) / 1 = -2.8 = dL/dz
    # dL/dW = x^T dz = [1 * -2.8, 2 * -2.8] = [-2.8, -5.6];  dL/db = -2.8
    # SGD, lr 0.1: W = [0.5 + 0.28, -1 + 0.56] = [0.78, -0.44];  b = 0.1 + 0.28 = 0.38
    # afterwards: a = 0.78 - 0.88 + 0.38 = 0.28, loss = 0.0784
    model = one_neuron()
    x, y = np.array([[1.0, 2.0]]), np.array([[0.0]])

    np.testing.assert_allclose(model.predict(x), [[-1.4]], rtol=1e-12)
    loss, (dW, db) = model.loss_and_gradients(x, y)
    assert loss == pytest.approx(1.96, rel=1e-12)
    np.testing.assert_allclose(dW, [[-2.8], [-5.6]], rtol=1e-12)
    np.testing.assert_allclose(db, [-2.8], rtol=1e-12)

    assert model.train_on_batch(x, y) == pytest.approx(1.96, rel=1e-12)  # the loss before the step
    W, b = model.get_weights()
    np.testing.assert_allclose(W, [[0.78], [-0.44]], rtol=1e-12)
    np.testing.assert_allclose(b, [0.38], rtol=1e-12)
    assert model.evaluate(x, y) == pytest.approx(0.0784, rel=1e-10)


def test_two_samples_average_over_the_batch():
    # same neuron, x = [[1, 2], [0, 1]], y = [0, 1]
    # z = [-1.4, 0*0.5 + 1*(-1) + 0.1] = [-1.4, -0.9];  residuals r = z - y = [-1.4, -1.9]
    # loss = (1.96 + 3.61) / 2 = 2.785
    # dz = 2 r / 2 = [-1.4, -1.9]
    # dW = x^T dz = [1*-1.4 + 0*-1.9, 2*-1.4 + 1*-1.9] = [-1.4, -4.7];  db = -3.3
    model = one_neuron()
    loss, (dW, db) = model.loss_and_gradients([[1, 2], [0, 1]], [0, 1])
    assert loss == pytest.approx(2.785, rel=1e-12)
    np.testing.assert_allclose(dW, [[-1.4], [-4.7]], rtol=1e-12)
    np.testing.assert_allclose(db, [-3.3], rtol=1e-12)


def test_sigmoid_bce_step_is_prediction_minus_target():
    # x = [2], W = [0], b = 0, y = 1: z = 0, a = sigmoid(0) = 0.5
    # loss = -ln(0.5) = ln 2;  dz = a - y = -0.5;  dW = 2 * -0.5 = -1;  db = -0.5
    # SGD lr 0.1: W = 0.1, b = 0.05
    model = one_neuron("sigmoid", W=((0.0,),), b=(0.0,), loss="binary_crossentropy")
    loss, (dW, db) = model.loss_and_gradients([[2.0]], [1])
    assert loss == pytest.approx(math.log(2), rel=1e-12)
    np.testing.assert_allclose(dW, [[-1.0]], rtol=1e-12)
    np.testing.assert_allclose(db, [-0.5], rtol=1e-12)
    model.train_on_batch([[2.0]], [1])
    np.testing.assert_allclose(model.get_weights()[0], [[0.1]], rtol=1e-12)
    np.testing.assert_allclose(model.get_weights()[1], [0.05], rtol=1e-12)


def test_l2_penalty_in_loss_and_step():
    # W = [0.5, -1], L2 strength 0.1 on the kernel only: penalty = 0.1 * (0.25 + 1) = 0.125
    # loss = 1.96 + 0.125 = 2.085;  dW = [-2.8, -5.6] + 2 * 0.1 * [0.5, -1] = [-2.7, -5.8]
    model = Sequential([Dense(1, input_shape=(2,), kernel_regularizer={"l2": 0.1})])
    model.set_weights([np.array([[0.5], [-1.0]]), np.array([0.1])])
    model.compile(optimizer=SGD(0.1), loss="mse")
    loss, (dW, db) = model.loss_and_gradients([[1.0, 2.0]], [0.0])
    assert loss == pytest.approx(2.085, rel=1e-12)
    np.testing.assert_allclose(dW, [[-2.7], [-5.8]], rtol=1e-12)
    np.testing.assert_allclose(db, [-2.8], rtol=1e-12)


def test_momentum_two_steps():
    # the first neuron with SGD(lr 0.1, momentum 0.5), on the same sample twice.
    # step 1: g = [-2.8, -5.6 | -2.8]; v = -0.1 g = [0.28, 0.56 | 0.28]; W = [0.78, -0.44], b = 0.38
    # step 2: z = 0.28 (see above), g = 2 * 0.28 * [1, 2 | 1] = [0.56, 1.12 | 0.56]
    #         v = 0.5 v - 0.1 g = [0.14 - 0.056, 0.28 - 0.112 | 0.14 - 0.056] = [0.084, 0.168 | 0.084]
    #         W = [0.78 + 0.084, -0.44 + 0.168] = [0.864, -0.272];  b = 0.38 + 0.084 = 0.464
    model = one_neuron(optimizer=SGD(learning_rate=0.1, momentum=0.5))
    x, y = np.array([[1.0, 2.0]]), np.array([[0.0]])
    model.train_on_batch(x, y)
    assert model.train_on_batch(x, y) == pytest.approx(0.28**2, rel=1e-12)
    W, b = model.get_weights()
    np.testing.assert_allclose(W, [[0.864], [-0.272]], rtol=1e-12)
    np.testing.assert_allclose(b, [0.464], rtol=1e-12)
