"""Learning-rate schedules against Keras 3's documented formulas, worked out by hand; optimizers that
follow them step by step; their configs through JSON, to_config and save/load; and argument checks that
are always a ValueError saying what was received."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnlib
from nnlib import Dense, Sequential
from nnlib.optimizers import SGD, Adam, AdamW, RMSprop, schedules
from nnlib.optimizers.schedules import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
)

SETTINGS = settings(max_examples=60, deadline=None)
PI = math.pi


def values_at(schedule, steps):
    return [schedule(s) for s in steps]


# --- each schedule at chosen steps, against Keras' formula by hand ---------------------------------------

def test_exponential_decay():
    # 0.1 * 0.5 ** (step / 10)
    s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert values_at(s, [0, 5, 10, 25]) == pytest.approx([0.1, 0.1 * 0.5**0.5, 0.05, 0.1 * 0.5**2.5], rel=1e-15)
    stairs = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)  # exponent floor(step / 10)
    assert values_at(stairs, [0, 9, 10, 19, 20, 35]) == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], rel=1e-15)


def test_piecewise_constant_decay_keeps_the_earlier_value_at_a_boundary():
    # Keras' docstring: 1.0 for step <= 100000, 0.5 for step <= 110000, then 0.1
    s = PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])
    assert values_at(s, [0, 99999, 100000, 100001, 110000, 110001, 10**9]) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    one = PiecewiseConstantDecay([3], [0.4, 0.2])
    assert values_at(one, [0, 3, 3.5, 4]) == [0.4, 0.4, 0.2, 0.2]


def test_inverse_time_decay():
    # 0.1 / (1 + 0.5 * step / 1)
    s = InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    assert values_at(s, [0, 1, 2, 4, 10]) == pytest.approx([0.1, 0.1 / 1.5, 0.05, 0.1 / 3, 0.1 / 6], rel=1e-15)
    stairs = InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)  # floor(step / 10)
    assert values_at(stairs, [0, 9, 10, 19, 20]) == pytest.approx([0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5, 0.05], rel=1e-15)


def test_polynomial_decay():
    # Keras' docstring example: 0.1 -> 0.01 over 10000 steps with power 0.5, then flat
    s = PolynomialDecay(0.1, 10000, 0.01, power=0.5)
    assert values_at(s, [0, 2500, 5000, 10000, 20000]) == pytest.approx(
        [0.1, 0.09 * 0.75**0.5 + 0.01, 0.09 * 0.5**0.5 + 0.01, 0.01, 0.01], rel=1e-14)
    linear = PolynomialDecay(1.0, 10)  # end_learning_rate defaults to 0.0001, power to 1
    assert values_at(linear, [0, 5, 10, 11]) == pytest.approx([1.0, 0.9999 * 0.5 + 0.0001, 0.0001, 0.0001], rel=1e-14)


def test_polynomial_decay_with_cycle_stretches_to_the_next_multiple():
    s = PolynomialDecay(1.0, 10, 0.0, cycle=True)
    # decay_steps -> 10 * ceil(step / 10), and 10 at step 0; so a multiple of 10 gives end_learning_rate
    steps = [0, 5, 10, 11, 15, 20, 21, 30]
    assert values_at(s, steps) == pytest.approx([1.0, 0.5, 0.0, 1 - 11 / 20, 0.25, 0.0, 1 - 21 / 30, 0.0],
                                                rel=1e-14, abs=1e-15)
    squared = PolynomialDecay(0.5, 4, 0.1, power=2.0, cycle=True)
    assert squared(6) == pytest.approx(0.4 * (1 - 6 / 8) ** 2 + 0.1, rel=1e-14)


def test_cosine_decay():
    s = CosineDecay(1.0, 10)
    assert values_at(s, [0, 5, 10, 15]) == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-15)
    assert s(2) == pytest.approx(0.5 * (1 + math.cos(PI * 0.2)), rel=1e-15)
    floored = CosineDecay(2.0, 10, alpha=0.1)  # 2 * (0.9 * cosine + 0.1)
    assert values_at(floored, [0, 5, 10, 99]) == pytest.approx([2.0, 2 * (0.9 * 0.5 + 0.1), 0.2, 0.2], rel=1e-14)


def test_cosine_decay_warms_up_linearly_then_decays_from_the_target():
    s = CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    assert values_at(s, [0, 1, 2, 3]) == pytest.approx([0.0, 0.25, 0.5, 0.75], rel=1e-15)
    # step 4 starts the decay at warmup_target; 5 steps into a 10-step decay is halfway
    assert values_at(s, [4, 9, 14, 40]) == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-15)
    assert s(6) == pytest.approx(0.5 * (1 + math.cos(PI * 0.2)), rel=1e-15)
    from_above = CosineDecay(0.1, 10, alpha=0.2, warmup_target=0.5, warmup_steps=4)
    assert from_above(2) == pytest.approx(0.1 + 0.4 * 0.5, rel=1e-15)
    assert from_above(99) == pytest.approx(0.2 * 0.5, rel=1e-14)  # alpha is a fraction of the target


def test_cosine_decay_warmup_edge_cases_follow_keras():
    # no warmup_target: warmup_steps is ignored and the decay starts at step 0
    assert values_at(CosineDecay(1.0, 10, warmup_steps=5), [0, 5]) == pytest.approx([1.0, 0.5], rel=1e-15)
    # a target with no warmup steps: the decay starts from the target, initial_learning_rate is unused
    assert values_at(CosineDecay(0.1, 10, warmup_target=1.0), [0, 5]) == pytest.approx([1.0, 0.5], rel=1e-15)


def test_cosine_decay_restarts_across_restarts_with_t_mul_and_m_mul():
    # periods [0, 10), [10, 30), [30, 70): each twice as long, and starting at half the last start
    s = CosineDecayRestarts(1.0, 10, t_mul=2.0, m_mul=0.5)
    assert values_at(s, [0, 5, 10, 20, 30, 50]) == pytest.approx([1.0, 0.5, 0.5, 0.25, 0.25, 0.125], rel=1e-14)
    assert s(9) == pytest.approx(0.5 * (1 + math.cos(PI * 0.9)), rel=1e-14)
    assert s(29) == pytest.approx(0.25 * (1 + math.cos(PI * 19 / 20)), rel=1e-12)
    assert s(31) == pytest.approx(0.125 * (1 + math.cos(PI / 40)), rel=1e-14)
    # alpha's floor is not scaled by m_mul: 0.9 * cosine + 0.1
    floored = CosineDecayRestarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    assert values_at(floored, [0, 20, 50]) == pytest.approx([1.0, 0.9 * 0.25 + 0.1, 0.9 * 0.125 + 0.1], rel=1e-14)
    equal_periods = CosineDecayRestarts(1.0, 10, t_mul=1.0, m_mul=0.5)
    assert values_at(equal_periods, [9.99, 10, 15, 20, 25]) == pytest.approx(
        [0.5 * (1 + math.cos(PI * 0.999)), 0.5, 0.25, 0.25, 0.125], rel=1e-12)


def test_cosine_decay_restarts_defaults_double_each_period():
    s = CosineDecayRestarts(0.1, 4)  # t_mul=2, m_mul=1, alpha=0: periods [0, 4), [4, 12), [12, 28)
    assert values_at(s, [2, 4, 8, 12, 20]) == pytest.approx([0.05, 0.1, 0.05, 0.1, 0.05], rel=1e-14)


def by_restart_loop(step, first, t_mul, m_mul, alpha):
    """SGDR by walking the periods one at a time (the reference in Keras' own tests)."""
    length, factor = first, 1.0
    while step >= length:
        step, length, factor = step - length, length * t_mul, factor * m_mul
    return (1 - alpha) * factor * 0.5 * (1 + math.cos(PI * step / length)) + alpha


@SETTINGS
@given(st.integers(1, 40), st.sampled_from([1.0, 1.5, 2.0, 3.0]), st.floats(0.1, 1.0), st.floats(0.0, 0.5),
       st.integers(0, 2000))
def test_cosine_decay_restarts_equals_walking_the_periods(first, t_mul, m_mul, alpha, step):
    s = CosineDecayRestarts(1.0, first, t_mul=t_mul, m_mul=m_mul, alpha=alpha)
    assert s(step) == pytest.approx(by_restart_loop(step, first, t_mul, m_mul, alpha), rel=1e-9, abs=1e-12)


def test_a_restart_step_starts_the_new_period_even_where_the_log_rounds_down():
    # 16 + 24 + 36 + 54 + 81 = 211: step 211 starts period 5 (log(13.1875 * 0.5 + 1) / log(1.5) rounds to 4.99...)
    s = CosineDecayRestarts(1.0, 16, t_mul=1.5, m_mul=0.5)
    assert s(211) == pytest.approx(0.5**5, rel=1e-12)
    assert s(210) == pytest.approx(0.5**4 * 0.5 * (1 + math.cos(PI * 80 / 81)), rel=1e-9)


# --- arrays of steps ---------------------------------------------------------------------------------------

EVERY_SCHEDULE = [
    ExponentialDecay(0.1, 7, 0.6), ExponentialDecay(0.1, 7, 0.6, staircase=True),
    PiecewiseConstantDecay([5, 20, 21], [0.3, 0.2, 0.1, 0.05]), InverseTimeDecay(0.2, 3, 0.7, staircase=True),
    PolynomialDecay(0.1, 13, 0.01, power=1.5), PolynomialDecay(0.1, 13, cycle=True),
    CosineDecay(0.1, 30, alpha=0.1), CosineDecay(0.01, 30, warmup_target=0.1, warmup_steps=9),
    CosineDecayRestarts(0.1, 6, t_mul=1.5, m_mul=0.8, alpha=0.05), CosineDecayRestarts(0.1, 6, t_mul=1.0),
]


@pytest.mark.parametrize("schedule", EVERY_SCHEDULE, ids=repr)
def test_an_array_of_steps_gives_the_scalar_values(schedule):
    steps = np.arange(80)
    curve = schedule(steps)
    assert isinstance(curve, np.ndarray) and curve.shape == (80,) and curve.dtype == np.float64
    np.testing.assert_array_equal(curve, [schedule(int(s)) for s in steps])
    np.testing.assert_array_equal(schedule(steps.reshape(8, 10)), curve.reshape(8, 10))
    np.testing.assert_array_equal(schedule(steps.astype(float) + 0.5), [schedule(s + 0.5) for s in range(80)])
    assert all(type(schedule(s)) is float for s in (3, 3.0, np.int64(3), np.float32(3)))
    assert np.isfinite(curve).all() and (curve >= 0).all()


# --- optimizers with a schedule ---------------------------------------------------------------------------

HALVING = [0.1, 0.05, 0.025, 0.0125]  # ExponentialDecay(0.1, 1, 0.5) at steps 0, 1, 2, 3


def random_problem(steps=4, seed=0):
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    return start, [[rng.normal(size=p.shape) for p in start] for _ in range(steps)]


def run(optimizer, start, grads):
    params = [p.copy() for p in start]
    for g in grads:
        optimizer.apply(params, g)
    return params


def test_sgd_follows_the_schedule_from_step_0():
    start, grads = random_problem()
    params = run(SGD(ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)), start, grads)
    expected = [p.copy() for p in start]
    for rate, gs in zip(HALVING, grads):
        expected = [p - rate * g for p, g in zip(expected, gs)]
    for got, want in zip(params, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


def test_sgd_with_momentum_and_a_piecewise_schedule():
    start, grads = random_problem()
    schedule = PiecewiseConstantDecay([1, 2], [0.2, 0.1, 0.05])  # steps 0, 1 -> 0.2; 2 -> 0.1; 3 -> 0.05
    params = run(SGD(schedule, momentum=0.9), start, grads)
    p, v = [s.copy() for s in start], [np.zeros_like(s) for s in start]
    for rate, gs in zip([0.2, 0.2, 0.1, 0.05], grads):
        v = [0.9 * vi - rate * g for vi, g in zip(v, gs)]
        p = [pi + vi for pi, vi in zip(p, v)]
    for got, want in zip(params, p, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_adam_uses_the_scheduled_rate_with_its_bias_corrections():
    start, grads = random_problem()
    params = run(Adam(ExponentialDecay(0.1, 1, 0.5), beta_1=0.8, beta_2=0.95), start, grads)
    p = [s.copy() for s in start]
    m, v = [np.zeros_like(s) for s in start], [np.zeros_like(s) for s in start]
    for t, (rate, gs) in enumerate(zip(HALVING, grads), start=1):  # the rate of step t - 1, corrections of step t
        alpha = rate * math.sqrt(1 - 0.95**t) / (1 - 0.8**t)
        m = [0.8 * mi + 0.2 * g for mi, g in zip(m, gs)]
        v = [0.95 * vi + 0.05 * g * g for vi, g in zip(v, gs)]
        p = [pi - alpha * mi / (np.sqrt(vi) + 1e-7) for pi, mi, vi in zip(p, m, v)]
    for got, want in zip(params, p, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make", [lambda lr: SGD(lr, momentum=0.5, nesterov=True), lambda lr: RMSprop(lr),
                                  lambda lr: Adam(lr), lambda lr: AdamW(lr, weight_decay=0.3)],
                         ids=["nesterov", "rmsprop", "adam", "adamw"])
def test_a_schedule_is_the_same_as_setting_each_rate_before_its_step(make):
    start, grads = random_problem(steps=5)
    rates = [0.05, 0.01, 0.2, 0.001, 0.3]
    by_hand = make(rates[0])
    params = [p.copy() for p in start]
    for rate, g in zip(rates, grads):
        by_hand.learning_rate = rate
        by_hand.apply(params, g)
    scheduled = run(make(PiecewiseConstantDecay([0, 1, 2, 3], rates)), start, grads)
    for got, want in zip(scheduled, params, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_model_trained_with_a_schedule_matches_keras_own_numbers():
    """Keras' test_fit_lr_correctness (learning_rate_schedule_test.py): its losses, in float32."""
    model = Sequential([Dense(2, kernel_initializer="ones", bias_initializer="ones", input_shape=(2,))])
    optimizer = Adam(learning_rate=ExponentialDecay(initial_learning_rate=0.05, decay_steps=1, decay_rate=0.9))
    model.compile(optimizer=optimizer, loss="mse")
    x = np.arange(32, dtype=float).reshape((16, 2))
    history = model.fit(x, x, epochs=3, batch_size=4, shuffle=False, verbose=0)
    assert optimizer.iterations == 4 * 3
    np.testing.assert_allclose(history.history["loss"], [230.79457092285156, 128.30319213867188, 79.33648681640625],
                               rtol=5e-5)


def test_reading_learning_rate_gives_the_rate_of_the_next_update():
    schedule = ExponentialDecay(0.1, 1, 0.5)
    optimizer = SGD(schedule)
    params = [np.zeros(2)]
    seen = []
    for _ in range(4):
        seen.append(optimizer.learning_rate)
        optimizer.apply(params, [np.ones(2)])
    assert seen == pytest.approx(HALVING, rel=1e-15) and type(seen[0]) is float
    assert optimizer.learning_rate == pytest.approx(0.1 * 0.5**4, rel=1e-15)
    optimizer.reset()  # the step count goes back to 0, and the schedule with it
    assert optimizer.learning_rate == 0.1


def test_the_setter_follows_keras():
    optimizer = SGD(ExponentialDecay(0.1, 1, 0.5), momentum=0.9)
    with pytest.raises(TypeError, match=r"created with a `LearningRateSchedule`.*hence its learning rate is not "
                                        r"settable.*instantiate the optimizer with a float `learning_rate`"):
        optimizer.learning_rate = 0.01
    optimizer.learning_rate = PiecewiseConstantDecay([5], [0.3, 0.1])  # a schedule replaces a schedule
    assert optimizer.learning_rate == 0.3
    floating = SGD(0.1, momentum=0.9)
    params = [np.zeros(2)]
    floating.apply(params, [np.ones(2)])
    floating.learning_rate = 0.01  # a float stays settable, and the velocity stays
    assert floating.learning_rate == 0.01
    floating.learning_rate = InverseTimeDecay(1.0, 1, 1.0)  # a schedule is settable, read at the current step
    assert floating.learning_rate == 0.5
    floating.apply(params, [np.ones(2)])  # v = 0.9 * -0.1 - 0.5 = -0.59
    np.testing.assert_allclose(params[0], [-0.1 - 0.59] * 2, rtol=1e-15)
    with pytest.raises(ValueError, match="learning_rate must be >= 0, received -1.0"):
        SGD(0.1).learning_rate = -1.0


class Spiky(LearningRateSchedule):
    """A user's schedule: ``rates[step]``, to give chosen values (bad ones too) at chosen steps."""

    def __init__(self, rates):
        self.rates = rates

    def __call__(self, step):
        return self.rates[step]

    def get_config(self):
        return {"rates": self.rates}


@pytest.mark.parametrize("bad, shown", [(float("nan"), "nan"), (float("inf"), "inf"), (-0.01, "-0.01")])
def test_a_rate_that_is_not_finite_and_non_negative_stops_at_that_step(bad, shown):
    optimizer = SGD(Spiky([0.1, 0.1, bad]))
    params = [np.zeros(2)]
    optimizer.apply(params, [np.ones(2)])
    optimizer.apply(params, [np.ones(2)])
    with pytest.raises(ValueError, match=rf"Spiky\(.*\) gave learning_rate={shown} at step 2; a learning rate must "
                                         r"be a finite number >= 0"):
        optimizer.apply(params, [np.ones(2)])
    np.testing.assert_array_equal(params[0], [-0.2, -0.2])  # nothing moved
    assert optimizer.iterations == 2


def test_a_built_in_that_overflows_is_caught_and_a_zero_rate_is_legal():
    growing = SGD(ExponentialDecay(10.0, decay_steps=1, decay_rate=1e308))  # 1e309 at step 1
    params = [np.ones(1)]
    growing.apply(params, [np.zeros(1)])
    with pytest.raises(ValueError, match=r"ExponentialDecay.*gave learning_rate=inf at step 1"), \
            np.errstate(over="ignore"):
        growing.apply(params, [np.zeros(1)])
    stopped = SGD(Spiky([0.0, 0.0]))
    params = [np.ones(2)]
    stopped.apply(params, [np.ones(2)])
    np.testing.assert_array_equal(params[0], [1.0, 1.0])


@pytest.mark.parametrize("returned", ["0.1", [0.1, 0.2], None, np.array([0.1])])
def test_a_schedule_must_return_one_number(returned):
    with pytest.raises(ValueError, match=r"must return a number, returned .* at step 0"):
        SGD(Spiky([returned])).apply([np.zeros(1)], [np.ones(1)])


def test_repr_shows_the_schedule():
    assert repr(SGD(ExponentialDecay(0.1, 10, 0.5), momentum=0.9)) == (
        "SGD(learning_rate=ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, "
        "staircase=False), momentum=0.9, nesterov=False)")

    class Bare(LearningRateSchedule):  # no get_config: not serializable, still shown
        def __call__(self, step):
            return 0.1

    assert repr(Adam(Bare())) == "Adam(learning_rate=Bare(), beta_1=0.9, beta_2=0.999, epsilon=1e-07)"
    assert repr(PiecewiseConstantDecay([10], [0.1, 0.01])) == \
        "PiecewiseConstantDecay(boundaries=[10], values=[0.1, 0.01])"
    with pytest.raises(NotImplementedError, match="'Bare' must override `get_config"):
        Adam(Bare()).get_config()
    with pytest.raises(NotImplementedError, match="must override `__call__"):
        LearningRateSchedule()(0)


# --- serialization -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", EVERY_SCHEDULE, ids=repr)
def test_serialize_and_deserialize_round_trip_through_json(schedule):
    config = schedules.serialize(schedule)
    assert set(config) == {"class_name", "config"} and config["class_name"] == type(schedule).__name__
    again = schedules.deserialize(json.loads(json.dumps(config)))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    np.testing.assert_array_equal(again(np.arange(50)), schedule(np.arange(50)))


def test_deserialize_reads_keras_configs():
    # the docstring example of keras.optimizers.schedules.deserialize, and Keras' serialize output
    s = schedules.deserialize({"class_name": "PolynomialDecay", "config": {
        "cycle": False, "decay_steps": 10000, "end_learning_rate": 0.01, "initial_learning_rate": 0.1,
        "name": None, "power": 0.5}})
    assert s(5000) == pytest.approx(0.09 * 0.5**0.5 + 0.01, rel=1e-14)
    keras_shaped = {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay", "registered_name": None,
                    "config": {"initial_learning_rate": 0.1, "decay_steps": 100000, "decay_rate": 0.96,
                               "staircase": True, "name": "ExponentialDecay"}}
    assert schedules.deserialize(keras_shaped).get_config() == keras_shaped["config"]


def test_a_users_schedule_deserializes_only_through_custom_objects():
    config = schedules.serialize(Spiky([0.3, 0.2]))
    assert config == {"class_name": "Spiky", "config": {"rates": [0.3, 0.2]}}
    with pytest.raises(ValueError, match=r"unknown learning rate schedule 'Spiky'; choose one of \[.*'CosineDecay'.*"
                                         r"custom_objects"):
        schedules.deserialize(config)
    again = schedules.deserialize(config, custom_objects={"Spiky": Spiky})
    assert isinstance(again, Spiky) and again(1) == 0.2
    with pytest.raises(ValueError, match="unknown learning rate schedule 'Spiky'"):
        schedules.deserialize(config, custom_objects={"Spiky": dict})  # not a schedule class


@pytest.mark.parametrize("config, match", [
    ("ExponentialDecay", r"must be a dict \{'class_name'"),
    ({"class_name": "ExponentialDecay"}, r"must be a dict"),
    ({"class_name": "ExponentialDecay", "config": [0.1, 10, 0.5]}, r"must be a dict"),
    ({"class_name": "os.system", "config": {}}, r"unknown learning rate schedule 'os.system'"),
    ({"class_name": "__import__", "config": {}}, r"unknown learning rate schedule '__import__'"),
    ({"class_name": 7, "config": {}}, r"unknown learning rate schedule 7"),
    ({"class_name": "LearningRateSchedule", "config": {}}, r"unknown learning rate schedule"),
    ({"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1}}, r"bad ExponentialDecay config"),
    ({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 5, "eval": "1"}},
     r"bad CosineDecay config .*'eval'"),
    ({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": -5}},
     r"Argument `decay_steps` must be > 0. Received: decay_steps=-5"),
])
def test_a_bad_schedule_config_is_a_value_error(config, match):
    with pytest.raises(ValueError, match=match):
        schedules.deserialize(config)


def test_serialize_needs_a_schedule():
    with pytest.raises(ValueError, match="serialize needs a LearningRateSchedule, received 0.1"):
        schedules.serialize(0.1)


SCHEDULED_OPTIMIZERS = [
    SGD(ExponentialDecay(0.1, 10, 0.5, staircase=True), momentum=0.9),
    Adam(CosineDecay(0.0, 100, alpha=0.1, warmup_target=0.01, warmup_steps=10), beta_2=0.99),
    RMSprop(PiecewiseConstantDecay([10, 20], [0.01, 0.005, 0.001])),
    AdamW(CosineDecayRestarts(0.01, 20, m_mul=0.9), weight_decay=0.01),
]


@pytest.mark.parametrize("optimizer", SCHEDULED_OPTIMIZERS, ids=lambda o: type(o).__name__)
def test_an_optimizer_config_holds_the_serialized_schedule(optimizer):
    config = nnlib.optimizers.serialize(optimizer)
    assert config["learning_rate"] == schedules.serialize(optimizer._schedule)
    again = nnlib.optimizers.get(json.loads(json.dumps(config)))
    assert type(again) is type(optimizer) and again.get_config() == optimizer.get_config()
    assert repr(again) == repr(optimizer)


def test_an_optimizer_with_a_users_schedule_needs_custom_objects():
    config = nnlib.optimizers.serialize(SGD(Spiky([0.3])))
    with pytest.raises(ValueError, match="unknown learning rate schedule 'Spiky'"):
        nnlib.optimizers.get(config)
    again = nnlib.optimizers.deserialize(config, custom_objects={"Spiky": Spiky})
    assert isinstance(again._schedule, Spiky) and again.learning_rate == 0.3


def scheduled_model(optimizer):
    model = Sequential([Dense(4, "tanh", input_shape=(3,)), Dense(1, "sigmoid")], seed=3)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    return model


@pytest.mark.parametrize("optimizer", SCHEDULED_OPTIMIZERS, ids=lambda o: type(o).__name__)
def test_a_model_compiled_with_a_schedule_round_trips(optimizer, tmp_path):
    model = scheduled_model(optimizer)
    config = model.to_config()
    assert json.loads(json.dumps(config)) == config
    assert config["compile"]["optimizer"]["learning_rate"]["class_name"] == type(optimizer._schedule).__name__
    assert Sequential.from_config(config).to_config() == config
    path = tmp_path / "scheduled.npz"
    model.save(path)
    loaded = nnlib.load_model(path)
    assert loaded.to_config() == config and repr(loaded.optimizer) == repr(model.optimizer)
    np.testing.assert_array_equal(loaded.optimizer._schedule(np.arange(40)), optimizer._schedule(np.arange(40)))


def test_a_saved_schedule_trains_on_the_same_rates_after_loading():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 3)), rng.integers(0, 2, (12, 1)).astype(float)
    model = scheduled_model(SGD(PiecewiseConstantDecay([1], [0.5, 0.05])))
    loaded = nnlib.load_model(nnlib.model_to_bytes(model))
    for m in (model, loaded):
        m.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# --- argument checks: always a ValueError that names the argument and what was received ----------------

VALID = {
    ExponentialDecay: dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
    InverseTimeDecay: dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
    PolynomialDecay: dict(initial_learning_rate=0.1, decay_steps=10),
    CosineDecay: dict(initial_learning_rate=0.1, decay_steps=10),
    CosineDecayRestarts: dict(initial_learning_rate=0.1, first_decay_steps=10),
}
# (class, argument, must it be > 0 rather than >= 0)
NUMBERS = [(cls, arg, arg.endswith("decay_steps") or arg == "t_mul") for cls, args in [
    (ExponentialDecay, ["initial_learning_rate", "decay_steps", "decay_rate"]),
    (InverseTimeDecay, ["initial_learning_rate", "decay_steps", "decay_rate"]),
    (PolynomialDecay, ["initial_learning_rate", "decay_steps", "end_learning_rate", "power"]),
    (CosineDecay, ["initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"]),
    (CosineDecayRestarts, ["initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha"]),
] for arg in args]
NOT_NUMBERS = st.one_of(st.text(max_size=4), st.booleans(), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=2), st.integers(), max_size=1), st.just(object()),
                        st.sampled_from([float("nan"), float("inf"), -float("inf"), 10**400]))
NEGATIVE = st.one_of(st.integers(max_value=-1), st.floats(max_value=-1e-300, allow_infinity=False))


@pytest.mark.parametrize("cls, arg, positive", NUMBERS, ids=lambda v: getattr(v, "__name__", str(v)))
@SETTINGS
@given(data=st.data())
def test_a_bad_number_is_a_value_error_naming_it(cls, arg, positive, data):
    bad = data.draw(st.one_of(NOT_NUMBERS, NEGATIVE, st.just(0) if positive else NEGATIVE))
    with pytest.raises(ValueError, match=rf"Argument `{arg}` must be .*Received: {arg}="):
        cls(**{**VALID[cls], arg: bad})


@pytest.mark.parametrize("cls", [ExponentialDecay, InverseTimeDecay, PolynomialDecay, CosineDecay])
def test_bad_decay_steps_use_keras_words(cls):
    with pytest.raises(ValueError, match=r"^Argument `decay_steps` must be > 0. Received: decay_steps=0$"):
        cls(**{**VALID[cls], "decay_steps": 0})
    with pytest.raises(ValueError, match=r"^Argument `first_decay_steps` must be > 0. Received: first_decay_steps=-2"):
        CosineDecayRestarts(0.1, -2)


@pytest.mark.parametrize("cls, flag", [(ExponentialDecay, "staircase"), (InverseTimeDecay, "staircase"),
                                       (PolynomialDecay, "cycle")])
@SETTINGS
@given(bad=st.one_of(st.integers(), st.text(max_size=5), st.none(), st.floats()))
def test_a_flag_must_be_a_bool(cls, flag, bad):
    with pytest.raises(ValueError, match=rf"Argument `{flag}` must be True or False. Received: {flag}="):
        cls(**{**VALID[cls], flag: bad})


@SETTINGS
@given(st.lists(st.integers(0, 1000), max_size=6), st.lists(st.floats(0, 1), max_size=6))
def test_mismatched_boundaries_and_values(boundaries, values):
    if len(boundaries) == len(values) - 1:
        values = values + [0.5]
    with pytest.raises(ValueError, match=r"The length of boundaries should be 1 less than the length of values. "
                                         rf"Received: boundaries=.* of length {len(boundaries)}, and values=.* "
                                         rf"of length {len(values)}\."):
        PiecewiseConstantDecay(boundaries, values)


@SETTINGS
@given(st.lists(st.integers(0, 50), min_size=2, max_size=5))
def test_boundaries_must_increase(boundaries):
    if all(a < b for a, b in zip(boundaries, boundaries[1:])):
        boundaries = boundaries + [boundaries[-1]]
    with pytest.raises(ValueError, match=r"Argument `boundaries` must hold at least one step, in strictly "
                                         r"increasing order. Received: boundaries="):
        PiecewiseConstantDecay(boundaries, [0.1] * (len(boundaries) + 1))


@SETTINGS
@given(data=st.data())
def test_bad_boundaries_or_values_are_value_errors(data):
    which = data.draw(st.sampled_from(["boundaries", "values"]))
    entries = {"boundaries": [1, 2], "values": [0.3, 0.2, 0.1]}
    if data.draw(st.booleans()):  # not a list at all
        entries[which] = data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=3), st.just({1: 2})))
        match = rf"Argument `{which}` must be a list of numbers"
    else:  # a list with one bad entry (values must also be >= 0)
        bad = data.draw(NOT_NUMBERS if which == "boundaries" else st.one_of(NOT_NUMBERS, NEGATIVE))
        entries[which] = [*entries[which][:-1], bad]
        match = rf"Argument `{which}\[\d\]` must be .*Received: {which}\[\d\]="
    with pytest.raises(ValueError, match=match):
        PiecewiseConstantDecay(**entries)


def test_a_piecewise_schedule_needs_a_boundary_and_a_name_is_a_string():
    with pytest.raises(ValueError, match=r"at least one step.*Received: boundaries=\[\]"):
        PiecewiseConstantDecay([], [0.1])
    with pytest.raises(ValueError, match=r"Argument `name` must be a string. Received: name=3"):
        ExponentialDecay(0.1, 10, 0.9, name=3)


@SETTINGS
@given(bad=st.one_of(NEGATIVE, st.text(max_size=3), st.none(), st.booleans(),
                     st.sampled_from([float("nan"), float("inf"), [1, -1], np.array([0, -2])])))
def test_a_bad_step_is_a_value_error(bad):
    with pytest.raises(ValueError, match=r"needs a step count >= 0 .*received step="):
        CosineDecay(0.1, 10)(bad)


@SETTINGS
@given(st.floats(0, 10), st.integers(1, 10**4), st.floats(0, 1), st.floats(0, 1), st.floats(0, 3), st.booleans(),
       st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_valid_built_ins_give_finite_non_negative_rates(lr, steps, rate, fraction, power, flag, at):
    built = [ExponentialDecay(lr, steps, rate, flag), InverseTimeDecay(lr, steps, rate, flag),
             PolynomialDecay(lr, steps, lr * fraction, power, flag), CosineDecay(lr, steps, fraction),
             CosineDecay(lr * fraction, steps, fraction, warmup_target=lr, warmup_steps=steps // 2),
             CosineDecayRestarts(lr, steps, 1 + power, fraction, fraction),
             PiecewiseConstantDecay([steps], [lr, lr * fraction])]
    for schedule in built:
        rates = schedule(np.array(at))
        assert np.isfinite(rates).all() and (rates >= 0).all(), schedule
