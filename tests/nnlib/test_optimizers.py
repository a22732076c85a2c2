"""Each optimizer against Keras' update rule written out by hand, step by step."""

import math

import numpy as np
import pytest

import nnlib
from nnlib import Dense, Sequential
from nnlib.optimizers import SGD, Adam, AdamW, RMSprop

SHAPES = [(3, 2), (2,)]


def trajectory(optimizer, steps=4, seed=0, lr_schedule=None):
    """Apply ``optimizer`` to two parameter arrays for a few steps of random gradients."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s) for s in SHAPES]
    start = [p.copy() for p in params]
    grads = [[rng.normal(size=s) for s in SHAPES] for _ in range(steps)]
    for t, g in enumerate(grads):
        if lr_schedule:
            optimizer.learning_rate = lr_schedule[t]
        optimizer.apply(params, g)
    return start, grads, params


def lrs(default, schedule, t):
    return schedule[t] if schedule else default


def sgd_by_hand(start, grads, lr, momentum=0.0, nesterov=False, schedule=None):
    p = [s.copy() for s in start]
    v = [np.zeros_like(s) for s in start]
    for t, gs in enumerate(grads):
        eta = lrs(lr, schedule, t)
        for i, g in enumerate(gs):
            v[i] = momentum * v[i] - eta * g
            p[i] = p[i] + (momentum * v[i] - eta * g if nesterov else v[i])
    return p


def rmsprop_by_hand(start, grads, lr, rho=0.9, eps=1e-7, schedule=None):
    p = [s.copy() for s in start]
    v = [np.zeros_like(s) for s in start]
    for t, gs in enumerate(grads):
        for i, g in enumerate(gs):
            v[i] = rho * v[i] + (1 - rho) * g * g
            p[i] = p[i] - lrs(lr, schedule, t) * g / np.sqrt(v[i] + eps)
    return p


def adam_by_hand(start, grads, lr, b1=0.9, b2=0.999, eps=1e-7, weight_decay=0.0, schedule=None):
    p = [s.copy() for s in start]
    m = [np.zeros_like(s) for s in start]
    v = [np.zeros_like(s) for s in start]
    for t, gs in enumerate(grads, start=1):
        eta = lrs(lr, schedule, t - 1)
        alpha = eta * math.sqrt(1 - b2**t) / (1 - b1**t)
        for i, g in enumerate(gs):
            p[i] = p[i] - eta * weight_decay * p[i]  # AdamW: decoupled decay first
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            p[i] = p[i] - alpha * m[i] / (np.sqrt(v[i]) + eps)
    return p


CASES = [
    (lambda: SGD(learning_rate=0.1), lambda s, g, sch=None: sgd_by_hand(s, g, 0.1, schedule=sch)),
    (lambda: SGD(0.05, momentum=0.9), lambda s, g, sch=None: sgd_by_hand(s, g, 0.05, 0.9, schedule=sch)),
    (lambda: SGD(0.05, momentum=0.8, nesterov=True),
     lambda s, g, sch=None: sgd_by_hand(s, g, 0.05, 0.8, nesterov=True, schedule=sch)),
    (lambda: RMSprop(learning_rate=0.01), lambda s, g, sch=None: rmsprop_by_hand(s, g, 0.01, schedule=sch)),
    (lambda: RMSprop(0.02, rho=0.5, epsilon=1e-3),
     lambda s, g, sch=None: rmsprop_by_hand(s, g, 0.02, 0.5, 1e-3, schedule=sch)),
    (lambda: Adam(learning_rate=0.01), lambda s, g, sch=None: adam_by_hand(s, g, 0.01, schedule=sch)),
    (lambda: Adam(0.02, beta_1=0.5, beta_2=0.9, epsilon=1e-3),
     lambda s, g, sch=None: adam_by_hand(s, g, 0.02, 0.5, 0.9, 1e-3, schedule=sch)),
    (lambda: AdamW(learning_rate=0.01, weight_decay=0.1),
     lambda s, g, sch=None: adam_by_hand(s, g, 0.01, weight_decay=0.1, schedule=sch)),
]
IDS = ["sgd", "momentum", "nesterov", "rmsprop", "rmsprop_custom", "adam", "adam_custom", "adamw"]


@pytest.mark.parametrize("make, by_hand", CASES, ids=IDS)
def test_steps_follow_the_keras_rule(make, by_hand):
    start, grads, params = trajectory(make())
    for got, expected in zip(params, by_hand(start, grads), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make, by_hand", CASES, ids=IDS)
def test_changing_the_learning_rate_keeps_the_state(make, by_hand):
    schedule = [0.05, 0.01, 0.2, 0.001]
    optimizer = make()
    start, grads, params = trajectory(optimizer, lr_schedule=schedule)
    for got, expected in zip(params, by_hand(start, grads, schedule), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert optimizer.iterations == 4


def test_first_adam_step_moves_each_weight_by_about_lr():
    # with bias correction, step 1 is lr * g / (|g| + eps / ...) ~ lr * sign(g)
    opt = Adam(learning_rate=0.01)
    p = [np.array([1.0, -1.0, 0.5])]
    opt.apply(p, [np.array([3.0, -0.2, 1e-3])])
    np.testing.assert_allclose(p[0], [0.99, -0.99, 0.49], rtol=1e-4)


def test_reset_forgets_momentum():
    opt = SGD(0.1, momentum=0.9)
    p = [np.zeros(2)]
    opt.apply(p, [np.ones(2)])
    opt.reset()
    assert opt.iterations == 0
    q = [np.zeros(2)]
    opt.apply(q, [np.ones(2)])
    np.testing.assert_allclose(q[0], [-0.1, -0.1])  # no velocity left over


def test_names_give_keras_defaults():
    get = nnlib.optimizers.get
    sgd = get("sgd")
    assert isinstance(sgd, SGD) and (sgd.learning_rate, sgd.momentum, sgd.nesterov) == (0.01, 0.0, False)
    rms = get("rmsprop")
    assert isinstance(rms, RMSprop) and (rms.learning_rate, rms.rho, rms.epsilon) == (0.001, 0.9, 1e-7)
    adam = get("adam")
    assert isinstance(adam, Adam) and (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == \
        (0.001, 0.9, 0.999, 1e-7)
    adamw = get("adamw")
    assert isinstance(adamw, AdamW) and adamw.learning_rate == 0.001 and adamw.weight_decay == 0.004
    assert get({"name": "sgd", "learning_rate": 0.3}).learning_rate == 0.3
    assert get(adam) is adam
    assert repr(SGD(0.1, momentum=0.5)) == "SGD(learning_rate=0.1, momentum=0.5, nesterov=False)"


@pytest.mark.parametrize("make, by_hand", CASES, ids=IDS)
def test_a_model_step_is_the_rule_applied_to_its_gradients(make, by_hand):
    """train_on_batch = the hand rule applied to loss_and_gradients, over three steps."""
    rng = np.random.default_rng(4)
    model = Sequential([Dense(4, "tanh", input_shape=(3,)), Dense(2, "softmax")], seed=1)
    model.compile(optimizer=make(), loss="categorical_crossentropy")
    start = model.get_weights()
    grads = []
    for _ in range(3):
        x, y = rng.normal(size=(6, 3)), np.eye(2)[rng.integers(0, 2, 6)]
        grads.append(model.loss_and_gradients(x, y)[1])
        model.train_on_batch(x, y)
    for got, expected in zip(model.get_weights(), by_hand(start, grads), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
