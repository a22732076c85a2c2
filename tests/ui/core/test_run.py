"""A Playground run without Streamlit: data, model, training, settings that keep or reset weights."""

from dataclasses import replace

import numpy as np
import pytest

from ui.core import limits, pacing
from ui.core.config import Config
from ui.core.data import features
from ui.core.run import build_model, grid_points, make_data
from ui.core.spec import loss_name


def test_same_seed_same_data_weights_and_history(make_run):
    a, b = make_run(seed=3), make_run(seed=3)
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    a.train(5)
    b.train(5)
    assert a.history.loss == b.history.loss


def test_another_seed_gives_other_data_and_weights(make_run):
    a, b = make_run(seed=3), make_run(seed=4)
    assert not np.array_equal(a.data.X_train, b.data.X_train)
    assert not np.array_equal(a.model.get_weights()[0], b.model.get_weights()[0])


def test_training_in_frames_equals_training_at_once(make_run):
    """Five frames of two epochs give the same history as one call of ten: the loop adds nothing."""
    a, b = make_run(), make_run()
    for _ in range(5):
        a.train(2)
    b.train(10)
    np.testing.assert_allclose(a.history.loss, b.history.loss)
    assert a.history.epoch == list(range(1, 11))


def test_default_config_learns_the_circle(make_run):
    run = make_run()
    run.train(300)
    assert run.history.val_score[-1] > 0.9


@pytest.mark.parametrize(("dataset", "kind", "loss"), [
    ("xor", "binary", "binary_crossentropy"),
    ("blobs", "multiclass", "sparse_categorical_crossentropy"),
    ("sine", "regression", "mse"),
])
def test_output_layer_and_loss_follow_the_problem(dataset, kind, loss, make_run):
    run = make_run(dataset=dataset)
    assert run.data.kind == kind
    assert run.model.loss.name == loss
    outputs = run.data.n_classes if kind == "multiclass" else 1
    assert run.grid_output().shape == (limits.GRID_RESOLUTION**2, outputs)


def test_multiclass_mse_uses_one_hot_targets(make_run):
    run = make_run(dataset="blobs", classes=4, loss="mse")
    assert run.model.loss.name == "mse"
    assert run.targets_train.shape == (len(run.data.y_train), 4)
    run.train(2)
    assert np.isfinite(run.history.loss).all()


def test_loss_choices_map_to_the_problem():
    assert loss_name(Config(loss="mae"), "binary") == "binary_crossentropy"  # MAE is for regression only
    assert loss_name(Config(loss="crossentropy"), "regression") == "mse"
    assert loss_name(Config(loss="mae"), "regression") == "mae"


def test_apply_keeps_weights_and_optimizer_state(make_run):
    run = make_run(optimizer="adam", learning_rate=0.01)
    run.train(1)
    weights, optimizer = run.model.get_weights(), run.model.optimizer
    run.apply(Config(optimizer="adam", learning_rate=0.1, regularization="l2", reg_rate=0.01))
    assert run.model.optimizer is optimizer and optimizer.learning_rate == 0.1
    assert run.model.layers[0].kernel_regularizer.l2 == 0.01
    for a, b in zip(weights, run.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    run.apply(Config(optimizer="sgd", learning_rate=0.1))
    assert run.model.optimizer.name == "sgd"
    assert run.model.layers[0].kernel_regularizer is None


def test_divergence_is_flagged_and_training_stops(make_run):
    run = make_run(dataset="plane", learning_rate=10.0, layers=(8, 8), activations=("relu", "relu"))
    for _ in range(5):
        run.train(2)
    assert run.diverged
    assert not np.isfinite(run.history.loss[-1])
    assert run.train(5) == 0


def test_the_epoch_cap_holds(monkeypatch, make_run):
    monkeypatch.setattr(limits, "MAX_EPOCHS_PER_RUN", 7)
    run = make_run()
    assert run.train(5) == 5 and run.train(5) == 2 and run.train(5) == 0
    assert run.at_cap


def test_grid_points_cover_the_domain_top_row_first():
    grid = grid_points(4)
    assert grid.shape == (16, 2)
    assert grid[0, 1] > grid[-1, 1] and grid[0, 0] < grid[3, 0]
    np.testing.assert_allclose(grid[:4, 0], [-4.5, -1.5, 1.5, 4.5])


def test_grid_uses_the_same_features_as_training(make_run):
    run = make_run(features=("x1sq", "sinx2"))
    np.testing.assert_array_equal(run.grid_inputs, features.expand(run.grid, ["x1sq", "sinx2"]))
    assert run.model.input_dim == 2


def test_zero_hidden_layers_and_dropout_build():
    model = build_model(Config(layers=(), activations=()), make_data(Config()))
    assert len(model.layers) == 1
    model = build_model(Config(dropout=0.5), make_data(Config()))
    assert [layer.kind for layer in model.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]


def test_a_slow_pace_lowers_epochs_per_frame_but_never_to_zero(make_run):
    run = make_run(epochs_per_frame=20)
    assert run.epochs_for_frame() == 20  # nothing measured yet
    run.seconds_per_epoch = pacing.FRAME_TRAIN_SECONDS / 5
    assert run.epochs_for_frame() == 5
    run.seconds_per_epoch = 10.0
    assert run.epochs_for_frame() == 1
    run.train(3)
    assert run.seconds_per_epoch is not None and run.seconds_per_epoch < 10.0


def test_the_runs_history_is_nnlibs_history_of_the_scores_of_each_epoch(make_run):
    import nnlib

    run = make_run()
    run.train(3)
    h = run.history
    assert isinstance(h, nnlib.callbacks.History)
    assert h.epoch == [1, 2, 3] and h.history["loss"] is h.loss and len(h.grad_norms) == 3
    assert h.loss[-1] == run.scores().loss  # the scores of the weights the run has now
    early = h.until(2)
    assert early.epoch == [1, 2] and early.val_score == h.val_score[:2]
    early.loss.append(9.0)
    assert len(h.loss) == 3  # a copy


def test_a_switched_off_neuron_is_the_network_without_its_outgoing_weights(make_run):
    run = make_run(off=("1.2",))
    run.train(20)
    by_hand = make_run()  # the same weights, unmasked, with the unit's row of the next kernel zeroed instead
    weights = run.model.get_weights()
    weights[2] = weights[2].copy()
    weights[2][1, :] = 0.0
    by_hand.model.set_weights(weights)
    np.testing.assert_allclose(run.grid_output(), by_hand.grid_output(), rtol=1e-12, atol=1e-15)
    assert not run.model.layer_outputs(run.inputs_train)[0]["a"][:, 1].any()


def test_switching_off_and_freezing_keep_the_weights_and_freezing_holds_them(make_run):
    run = make_run()
    run.train(10)
    before = [w.copy() for w in run.model.get_weights()]
    run.apply(replace(run.config, frozen=("1.1",), off=("2.2",)))
    for a, b in zip(before, run.model.get_weights()):
        np.testing.assert_array_equal(a, b)  # a switch is not a reset
    run.train(10)
    W1, b1 = run.model.get_weights()[:2]
    np.testing.assert_array_equal(W1[:, 0], before[0][:, 0])
    assert b1[0] == before[1][0] and not np.array_equal(W1[:, 1:], before[0][:, 1:])
    run.apply(replace(run.config, frozen=(), off=()))
    assert run.model.layers[0].trainable_mask is None and run.model.layers[1].unit_mask is None
