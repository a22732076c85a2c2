"""Time travel's store (ui/core/snapshots.py): what it keeps, within its budget, and going back to a snapshot."""

from dataclasses import replace

import numpy as np
import pytest

import nnlib
from nnlib.callbacks import Callback
from ui.core import limits, snapshots
from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.core.snapshots import SnapshotStore

SMALL = replace(DEFAULT, samples=120, layers=(4, 2), activations=("tanh", "tanh"))


def weights_equal(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.fixture(scope="module")
def data():
    return make_data(SMALL)


def test_each_snapshot_equals_the_weights_at_its_epoch(data):
    run = PlaygroundRun(SMALL, data)
    by_hand = {0: run.model.get_weights()}
    for epoch in range(1, 31):
        run.train(1)
        by_hand[epoch] = run.model.get_weights()
    assert run.snapshots.epochs == list(range(31))  # every epoch of the first 50 is kept
    for epoch, weights in by_hand.items():
        assert weights_equal(run.snapshots.at(epoch).weights, weights), epoch
    assert not weights_equal(by_hand[0], by_hand[30])  # training moved them: the comparison can fail
    assert not weights_equal(run.snapshots.at(29).weights, by_hand[30])


class _Recorder(Callback):
    def __init__(self, store: SnapshotStore):
        self.store, self.peak = store, 0

    def on_epoch_end(self, epoch, logs=None):
        self.store.capture(epoch + 1, self.model)
        self.peak = max(self.peak, self.store.nbytes)


def test_twenty_thousand_epochs_of_a_tiny_model_stay_within_the_budget():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [-1, 0], [0, -1], [1, -1]], dtype=float)
    y = (X.sum(axis=1) > 0.5).astype(float)
    model = nnlib.Sequential([nnlib.Dense(3, "tanh", input_shape=(2,)), nnlib.Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer=nnlib.optimizers.SGD(0.1), loss="binary_crossentropy")
    model.build((2,))
    one = snapshots.OVERHEAD_BYTES + sum(w.nbytes for w in model.get_weights())
    budget = 40 * one  # less than the first 50 epochs alone: the store has to thin
    store = SnapshotStore(budget)
    first = model.get_weights()
    store.capture(0, model)
    recorder = _Recorder(store)
    model.fit(X, y, epochs=20_000, batch_size=8, verbose=0, callbacks=[recorder])
    assert recorder.peak <= budget and store.nbytes <= budget
    assert store.nbytes == sum(snapshots.OVERHEAD_BYTES + sum(w.nbytes for w in store.at(e).weights)
                               for e in store.epochs)  # the count is honest
    assert store.epochs[0] == 0 and weights_equal(store.at(0).weights, first)
    assert store.epochs[-1] == 20_000 and weights_equal(store.latest.weights, model.get_weights())
    assert len(store) >= 10  # spread over the run, not just the two ends
    gaps = np.diff(store.epochs[1:-1])
    assert gaps[-1] > 10 * gaps[0]  # thinned geometrically: far apart late, close together early


def test_the_default_rule_keeps_the_first_50_epochs_then_spaces_them_out():
    weights = [np.zeros((2, 4)), np.zeros(4), np.zeros((4, 1)), np.zeros(1)]
    store = SnapshotStore(limits.SNAPSHOT_BUDGET_BYTES)
    for epoch in range(20_001):
        store.record(epoch, weights)
    kept = store.epochs
    assert kept[:51] == list(range(51))
    assert kept[-1] == 20_000
    later = np.array(kept[51:-1], dtype=float)
    ratios = later[1:] / later[:-1]
    assert np.all(ratios >= 1 + snapshots.GROWTH - 1e-9)  # each kept epoch at least 5 % after the last
    assert 150 <= len(store) <= 200 and store.nbytes <= limits.SNAPSHOT_BUDGET_BYTES


def test_recording_an_earlier_epoch_forgets_the_later_ones():
    store = SnapshotStore(10**6)
    for epoch in range(11):
        store.record(epoch, [np.full(3, float(epoch))])
    store.record(5, [np.full(3, -1.0)])
    assert store.epochs == [0, 1, 2, 3, 4, 5]
    assert store.at(5).weights[0][0] == -1.0
    with pytest.raises(ValueError, match="budget_bytes"):
        SnapshotStore(0)


def test_a_snapshot_is_a_read_only_copy():
    w = np.ones(3)
    store = SnapshotStore(10**6)
    store.record(0, [w])
    w[0] = 5.0
    assert store.at(0).weights[0][0] == 1.0
    with pytest.raises(ValueError):
        store.at(0).weights[0][0] = 2.0


def test_model_at_leaves_the_live_model_alone(data):
    run = PlaygroundRun(SMALL, data)
    run.train(10)
    before = run.model.get_weights()
    clone = snapshots.model_at(run.model, run.snapshots.at(2))
    assert weights_equal(clone.get_weights(), run.snapshots.at(2).weights)
    assert not np.allclose(clone.predict(run.grid_inputs), run.model.predict(run.grid_inputs))
    assert weights_equal(run.model.get_weights(), before)


def test_rewind_cuts_the_history_and_training_repeats_exactly(data):
    run = PlaygroundRun(SMALL, data)  # plain SGD: no optimizer state to lose
    run.train(40)
    losses, end = list(run.history.loss), run.model.get_weights()
    assert snapshots.rewind(run, 20) == 20
    assert run.epoch == 20 and run.history.loss == losses[:20] and len(run.history.val_score) == 20
    assert run.snapshots.epochs[-1] == 20 and run.model.optimizer.iterations == 0
    assert weights_equal(run.model.get_weights(), run.snapshots.at(20).weights)
    run.train(20)
    assert run.history.loss == losses and run.history.epoch == list(range(1, 41))
    assert weights_equal(run.model.get_weights(), end)


def test_rewind_with_adam_resets_its_moments_and_is_reproducible(data):
    config = replace(SMALL, optimizer="adam", learning_rate=0.01, dropout=0.1)
    run = PlaygroundRun(config, data)
    run.train(30)
    snapshots.rewind(run, 10)
    assert run.model.optimizer.iterations == 0 and not run.model.optimizer._slots
    run.train(10)
    first = list(run.history.loss)
    snapshots.rewind(run, 10)
    run.train(10)
    assert run.history.loss == first  # resuming from the same moment twice gives the same future


# --- the few snapshots the weight histograms draw ---------------------------------------------------------------
def test_spread_picks_a_few_snapshots_over_the_run_the_first_and_the_latest_included():
    """What the weight histograms of "Inside the network" draw (they had a store of their own before)."""
    one = snapshots.OVERHEAD_BYTES + np.full((2, 2), 0.0).nbytes
    store = SnapshotStore(budget_bytes=12 * one, keep_all=4)
    for epoch in range(200):
        store.record(epoch, [np.full((2, 2), float(epoch))])
    assert len(store) <= 12 and store.epochs[0] == 0 and store.epochs[-1] == 199  # few, over the whole run
    assert store.epochs == sorted(store.epochs) and max(np.diff(store.epochs)) > 1
    picks = store.spread(4)
    assert len(picks) == 4 and picks[0].epoch == 0 and picks[-1] is store.latest
    assert picks[-1].weights[0][0, 0] == store.epochs[-1]
    assert [p.epoch for p in picks] == [store.at(e).epoch for e in (0, 66, 133, 199)]  # evenly over the epochs
    assert all(p.weights[0][0, 0] == p.epoch for p in picks)


def test_spread_of_a_short_run_takes_each_snapshot_once():
    store = SnapshotStore(10**6)
    assert store.spread(4) == []
    for epoch in range(3):
        store.record(epoch, [np.full(2, float(epoch))])
    assert [s.epoch for s in store.spread(4)] == [0, 1, 2]
    assert [s.epoch for s in store.spread(2)] == [0, 2]
    with pytest.raises(ValueError, match="count >= 2"):
        store.spread(1)


def test_kernels_are_each_dense_layers_weights_at_the_snapshot(data):
    run = PlaygroundRun(replace(SMALL, dropout=0.1), data)  # Dropout layers hold no weights between the Dense ones
    before = [layer.W.copy() for layer in run.model.layers if layer.kind == "Dense"]
    run.train(3)
    now = [layer.W for layer in run.model.layers if layer.kind == "Dense"]
    assert [w.shape for w in snapshots.kernels(run.model, run.snapshots.at(3))] == [(2, 4), (4, 2), (2, 1)]
    assert weights_equal(snapshots.kernels(run.model, run.snapshots.at(3)), now)
    assert weights_equal(snapshots.kernels(run.model, run.snapshots.at(0)), before)
    assert not weights_equal(before, now)


def test_after_a_rewind_the_spread_holds_no_later_epoch(data):
    run = PlaygroundRun(SMALL, data)
    run.train(40)
    assert run.snapshots.spread(4)[-1].epoch == 40
    snapshots.rewind(run, 12)
    assert [s.epoch for s in run.snapshots.spread(4)] == [0, 4, 8, 12]
