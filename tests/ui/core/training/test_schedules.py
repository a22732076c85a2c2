"""The Playground's schedules: their rates at given epochs worked out by hand, and a run that follows them."""

import math
from dataclasses import replace

import numpy as np
import pytest

from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.core.training.schedules import SCHEDULES, curve, rate_at, rate_schedule, stalled_message


@pytest.mark.parametrize("name, epoch, expected", [
    ("constant", 500, 0.1),
    ("step", 0, 0.1), ("step", 99, 0.1), ("step", 100, 0.05), ("step", 250, 0.025),  # halves each 100 epochs
    ("exponential", 50, 0.1 * 0.5 ** 0.5), ("exponential", 200, 0.025),
    ("cosine", 0, 0.1), ("cosine", 50, 0.1 * (0.99 * 0.5 + 0.01)), ("cosine", 100, 0.001), ("cosine", 400, 0.001),
    ("cyclic", 0, 0.01), ("cyclic", 25, 0.055), ("cyclic", 50, 0.1), ("cyclic", 100, 0.01), ("cyclic", 150, 0.1),
])
def test_rates_at_epochs_worked_out_by_hand(name, epoch, expected):
    assert rate_at(name, 0.1, 100, epoch) == pytest.approx(expected, rel=1e-12)


def test_every_choice_has_a_curve_that_starts_at_its_first_rate():
    for name in SCHEDULES:
        epochs, rates = curve(name, 0.1, 100, 300)
        assert epochs[0] == 0 and epochs[-1] == 299 and len(epochs) == len(rates)
        assert rates[0] == pytest.approx(rate_at(name, 0.1, 100, 0))
        assert np.all(np.isfinite(rates)) and np.all(rates > 0)
    assert rate_schedule("constant", 0.1, 100) is None
    with pytest.raises(ValueError, match="unknown schedule 'linear'"):
        rate_schedule("linear", 0.1, 100)


def test_a_rate_that_underflows_is_said_in_words():
    assert rate_at("step", 0.1, 5, 20_000) == 0.0  # 0.1 / 2**4000 is below the smallest float
    assert "learning rate to 0" in stalled_message(0.0, 0.1)
    assert "below 1/10,000 of where it started (0.1)" in stalled_message(9e-6, 0.1)
    assert stalled_message(1e-5, 0.1) is None
    assert stalled_message(1e-12, 1e-12) is None  # nothing to say about a rate chosen that small


def run_for(**changes):
    config = replace(DEFAULT, dataset="xor", samples=200, **changes)
    return PlaygroundRun(config, make_data(config))


def test_a_run_trains_each_epoch_at_its_scheduled_rate():
    """Step decay with a 5-epoch period: the same weights as a constant rate for 5 epochs, then not, and the
    optimizer's rate is the schedule's for the epoch just trained."""
    constant, stepped = run_for(), run_for(schedule="step", schedule_epochs=5)
    constant.train(5), stepped.train(5)
    for a, b in zip(constant.model.get_weights(), stepped.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    constant.train(1), stepped.train(1)
    assert not all(np.array_equal(a, b) for a, b in zip(constant.model.get_weights(), stepped.model.get_weights()))
    stepped.train(6)
    assert stepped.epoch == 12
    assert stepped.model.optimizer.learning_rate == pytest.approx(0.03 / 4) == stepped.rate  # epoch 12: index 11
    assert math.isclose(constant.rate, 0.03)


def test_changing_the_schedule_keeps_the_weights():
    run = run_for()
    run.train(3)
    weights = run.model.get_weights()
    run.apply(replace(run.config, schedule="cosine", schedule_epochs=50))
    for a, b in zip(weights, run.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert run.epoch == 3
    run.train(26)  # a schedule chosen mid-run starts there, at the rate set: epoch 29 (index 28) is its 26th
    assert run.rate == pytest.approx(rate_at("cosine", 0.03, 50, 25)) == run.model.optimizer.learning_rate
