"""Stop conditions on real runs: each fires at the epoch its rule names and says so; early stopping's restored
weights are the best epoch's, and the numbers shown are theirs. The estimate, on curves worked out by hand."""

import math
from dataclasses import replace

import numpy as np
import pytest

from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.core.training.stopping import epochs_to_target


def run_for(**changes):
    settings = dict(dataset="circle", samples=200, noise=0.2, optimizer="adam", learning_rate=0.03)
    config = replace(DEFAULT, **{**settings, **changes})
    return PlaygroundRun(config, make_data(config))


def train_until_stopped(run, most=400):
    while run.epoch < most and run.train(7):
        pass
    return run


def first_epoch(values, holds):
    return next(i + 1 for i, v in enumerate(values) if holds(v))


def test_a_test_loss_target_stops_at_the_first_epoch_that_reaches_it():
    run = train_until_stopped(run_for(stop_loss=0.3))
    assert run.stopped is not None and run.epoch == run.stopped.epoch
    assert run.stopped.epoch == first_epoch(run.history.val_loss, lambda v: v <= 0.3)
    assert f"Stopped at epoch {run.epoch}: the test loss" in run.stopped.reason and "target 0.3" in run.stopped.reason
    assert run.train(5) == 0  # stays stopped until the rule changes
    run.apply(replace(run.config, stop_loss=0.0))
    assert run.stopped is None and run.train(5) == 5


def test_a_test_accuracy_target_stops_where_it_is_first_reached():
    run = train_until_stopped(run_for(stop_score=0.9))
    assert run.stopped.epoch == first_epoch(run.history.val_score, lambda v: v >= 0.9) == run.epoch
    assert "test accuracy" in run.stopped.reason


def test_an_epoch_budget_stops_exactly_there():
    run = run_for(stop_epochs=12)
    assert run.train(8) == 8 and run.train(8) == 4
    assert run.epoch == 12 and run.stopped.epoch == 12 and "budget of 12 epochs" in run.stopped.reason
    run.apply(replace(run.config, stop_epochs=20))  # a bigger budget trains on to it
    assert run.train(50) == 8 and run.stopped.epoch == 20


def keras_stop_epoch(losses, patience):
    """Keras 3's EarlyStopping, restated: wait counts every epoch, an improvement resets it (and is the best),
    and training stops once wait reaches patience (never at epoch 0). Returns (stop, best), from 1."""
    best, best_epoch, wait = math.inf, 0, 0
    for epoch, loss in enumerate(losses):
        wait += 1
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1
    return None, best_epoch + 1


@pytest.mark.parametrize("patience", [0, 3, 10])
def test_early_stopping_stops_where_keras_would_and_restores_the_best_weights(patience):
    # a high rate on noisy data: the test loss wobbles, so early stopping has something to do
    run = train_until_stopped(run_for(noise=0.5, learning_rate=0.3, early_stopping=True, patience=patience))
    stop, best = keras_stop_epoch(run.history.val_loss, patience)
    assert run.stopped is not None and (run.stopped.epoch, run.stopped.restored_epoch) == (stop, best)
    assert f"Early stopping at epoch {stop}" in run.stopped.reason and f"weights of epoch {best}" in run.stopped.reason
    snapshot = run.snapshots.at(best)
    assert snapshot.epoch == best
    for kept, now in zip(snapshot.weights, run.model.get_weights()):
        np.testing.assert_array_equal(kept, now)
    shown, fresh = run.latest_scores(), run.scores()  # what the bar says is what these weights score
    assert shown.val_loss == pytest.approx(fresh.val_loss, abs=1e-12) == pytest.approx(run.history.val_loss[best - 1])


def test_early_stopping_without_restore_keeps_the_last_weights():
    run = train_until_stopped(run_for(noise=0.5, learning_rate=0.3, early_stopping=True, patience=2,
                                      restore_best=False))
    assert run.stopped.restored_epoch is None
    assert run.latest_scores().val_loss == pytest.approx(run.scores().val_loss, abs=1e-12)


def test_an_unreachable_target_never_stops_and_never_raises():
    run = run_for(noise=0.5, stop_score=1.0)
    run.train(50), run.train(50)
    assert run.stopped is None
    estimate = epochs_to_target(run.history.val_score, 1.0, True, "accuracy")
    assert estimate.epochs is None and "perfect" in estimate.why_not  # no gap to carry a trend to, and it says so


def test_estimates_from_curves_worked_out_by_hand():
    t = np.arange(100)
    # loss e^(-t/100) reaches 0.1 at t = 100 ln 10 = 230.26, 131.26 epochs after the last (t = 99)
    assert epochs_to_target(np.exp(-t / 100), 0.1, False, "loss").epochs == pytest.approx(100 * math.log(10) - 99)
    # accuracy 1 - e^(-t/50) / 2 reaches 0.99 at t = 50 ln 50 = 195.6
    accuracy = 1 - 0.5 * np.exp(-t / 50)
    assert epochs_to_target(accuracy, 0.99, True, "accuracy").epochs == pytest.approx(50 * math.log(50) - 99)
    assert epochs_to_target(np.exp(-t / 100), 0.5, False, "loss").epochs == 0  # already there


def test_no_estimate_without_a_basis():
    assert epochs_to_target([1.0] * 10, 0.1, False, "loss").epochs is None  # too short
    flat = epochs_to_target(np.full(100, 0.5), 0.1, False, "loss")
    assert flat.epochs is None and "has hardly moved over the last 100 epochs" in flat.why_not
    perfect = epochs_to_target(np.linspace(0.5, 0.9, 50), 1.0, True, "accuracy")
    assert perfect.epochs is None and "is a perfect one" in perfect.why_not
    noisy = np.random.default_rng(0).uniform(0.4, 0.6, 100) * np.exp(-np.arange(100) / 5000)
    assert epochs_to_target(noisy, 0.1, False, "loss").epochs is None
    assert epochs_to_target([math.nan] * 50, 0.1, False, "loss").epochs is None
