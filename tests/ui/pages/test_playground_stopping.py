"""Training control on the Playground page (AppTest): stop conditions fire at their epoch and say why, early
stopping's restored weights are the ones whose numbers the bar shows, schedules set the rate the bar shows,
these settings keep the weights, and the evaluation panel's counts are nnlib's."""

import json

import numpy as np
import pytest

from nnlib.metrics import confusion_matrix
from tests.ui.helpers import bar, click, open_app, run_of
from ui.core.training import evaluation
from ui.web import state
from ui.web.playground.live import fmt


def play_until_stopped(at, ticks=60):
    click(at, "Play")
    for _ in range(ticks):
        if not at.session_state[state.LOOP.PLAYING]:
            break
        at.run()
    assert not at.session_state[state.LOOP.PLAYING], "still playing"
    return at


def play_button(at):
    return next(b for b in at.button if b.label == "Play")


def infos(at) -> list[str]:
    return [e.value for e in at.info]


def test_an_epoch_budget_stops_playing_at_its_epoch_and_says_why():
    at = play_until_stopped(open_app({"stop_epochs": "20"}))
    assert run_of(at).epoch == 20 and bar(at)["Epoch"] == "20"
    assert any("Stopped at epoch 20: the budget of 20 epochs is used up" in text for text in infos(at))
    assert play_button(at).disabled
    next(n for n in at.number_input if n.key == "w_stop_epochs").set_value(40).run()
    assert not play_button(at).disabled  # a new rule: it may train on
    play_until_stopped(at)
    assert run_of(at).epoch == 40 and any("budget of 40 epochs" in text for text in infos(at))


def test_a_test_loss_target_stops_at_the_first_epoch_below_it():
    at = play_until_stopped(open_app({"dataset": "xor", "stop_loss": "0.2"}))
    run = run_of(at)
    first = next(i + 1 for i, v in enumerate(run.history.val_loss) if v <= 0.2)
    assert run.epoch == first == run.stopped.epoch
    assert any(f"Stopped at epoch {first}: the test loss" in text for text in infos(at))
    assert float(bar(at)["Test loss"]) <= 0.2


def test_early_stopping_shows_the_restored_weights_and_their_numbers():
    at = play_until_stopped(open_app({"noise": "0.5", "optimizer": "adam", "learning_rate": "0.3",
                                      "early_stopping": "1", "patience": "3"}))
    run = run_of(at)
    best = run.stopped.restored_epoch
    assert best is not None and best < run.epoch
    shown = bar(at)
    assert shown["Weights of"] == f"epoch {best}" and shown["Epoch"] == f"{run.epoch}"
    fresh = run.scores()  # nnlib's numbers of the weights on screen
    assert shown["Test loss"] == fmt(fresh.val_loss) == fmt(run.history.val_loss[best - 1])
    assert shown["Test accuracy"] == fmt(fresh.val_score)
    assert payload(at)["marks"] == [{"epoch": best, "label": f"restored: epoch {best}"}]
    assert any(f"weights of epoch {best} are back" in text for text in infos(at))


def payload(at) -> dict:
    view = next(e for e in at.get("bidi_component") if e.key == state.LIVE_VIEW)
    return json.loads(view.proto.bytes)


def test_a_schedule_sets_the_rate_the_bar_shows_and_keeps_the_weights():
    at = open_app({"schedule": "step", "schedule_epochs": "5"})
    for _ in range(6):
        click(at, "Step")
    assert bar(at)["Rate"] == "0.015" and run_of(at).model.optimizer.learning_rate == pytest.approx(0.015)
    weights = run_of(at).model.get_weights()
    next(s for s in at.selectbox if s.key == "w_schedule").set_value("cosine").run()
    assert run_of(at).epoch == 6
    for a, b in zip(weights, run_of(at).model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert "Changes keep the weights." in [c.value for c in at.caption]


def test_a_rate_scheduled_to_nothing_says_so():
    at = open_app({"schedule": "step", "schedule_epochs": "5", "stop_epochs": "80"})
    play_until_stopped(at, ticks=80)
    assert run_of(at).rate < 0.03e-4  # halved 15 times
    assert any("the weights barely move" in w.value for w in at.warning)


@pytest.mark.parametrize("query, notice", [
    ({"stop_score": "5"}, "stop_score = 5.0 is outside 0.0…1.0; using 1.0."),
    ({"schedule": "wobbly"}, "Ignored URL parameter schedule: 'wobbly' is not one of"),
    ({"patience": "-3"}, "patience = -3 is outside 0…1000; using 0."),
    ({"schedule_epochs": "1e9"}, "schedule_epochs = 1000000000 is outside 5…5000; using 5000."),
])
def test_bad_stop_and_schedule_parameters_give_a_notice(query, notice):
    at = open_app(query)
    assert any(notice in w.value for w in at.warning), [w.value for w in at.warning]


def test_patience_zero_is_allowed_and_explained():
    at = open_app({"early_stopping": "1", "patience": "0"})
    assert any("Patience 0" in c.value for c in at.caption)
    play_until_stopped(at)
    assert run_of(at).stopped is not None


@pytest.mark.parametrize("query", [{}, {"dataset": "blobs", "classes": "4", "noise": "0.3"}])
def test_the_evaluation_counts_are_nnlibs_and_add_up_to_the_accuracy_shown(query):
    at = open_app(query)
    for _ in range(4):
        click(at, "Step")
    run, frame, ev = run_of(at), payload(at)["frames"][-1], payload(at)["evaluation"]
    k = run.data.n_classes
    for split, x, y, label in (("test", run.inputs_test, run.data.y_test, "Test accuracy"),
                               ("train", run.inputs_train, run.data.y_train, "Train accuracy")):
        predicted = evaluation.unpack_labels(frame["eval"][split], len(y), k)
        truth = evaluation.unpack_labels(ev["truth"][split], len(y), k)
        assert truth.tolist() == y.tolist()
        counts = confusion_matrix(truth, predicted, num_classes=k)
        assert counts.tolist() == confusion_matrix(y, run.model.predict(x), num_classes=k).tolist()
        assert fmt(np.trace(counts) / len(y)) == bar(at)[label]


def test_regression_frames_carry_nnlibs_rmse_mae_and_r2():
    at = open_app({"dataset": "plane"})
    click(at, "Step")
    run, scores = run_of(at), payload(at)["frames"][-1]["eval"]["test"]
    expected = evaluation.regression_scores(run.data.y_test, run.model.predict(run.inputs_test))
    assert scores == pytest.approx(expected)
    assert fmt(scores["r2"]) == bar(at)["Test R²"]


def test_a_budget_set_below_the_epoch_stops_at_once_and_a_new_rule_clears_the_old_reason():
    at = open_app()
    for _ in range(6):
        click(at, "Step")
    next(n for n in at.number_input if n.key == "w_stop_epochs").set_value(3).run()
    assert play_button(at).disabled and run_of(at).epoch == 6  # no epoch trained to find out
    assert any("Stopped at epoch 6: the budget of 3 epochs is used up" in text for text in infos(at))
    next(n for n in at.number_input if n.key == "w_stop_epochs").set_value(0).run()
    assert not play_button(at).disabled and not any("budget" in text for text in infos(at))


def test_compare_runs_ignore_the_playgrounds_stop_conditions():
    from dataclasses import replace

    from ui.core import compare
    from ui.core.config import DEFAULT

    base = replace(DEFAULT, stop_loss=0.6, stop_epochs=5)
    configs = compare.run_configs(base, [compare.RunChanges(), compare.RunChanges(learning_rate=0.3)])
    assert all(c.stop_key() == DEFAULT.stop_key() for c in configs)


def test_after_a_restore_and_more_training_the_export_no_longer_claims_to_replay():
    at = play_until_stopped(open_app({"noise": "0.5", "optimizer": "adam", "learning_rate": "0.3",
                                      "early_stopping": "1", "patience": "3"}))
    run = run_of(at)
    best = run.stopped.restored_epoch
    assert run.weights_from == best
    next(n for n in at.number_input if n.key == "w_patience").set_value(50).run()
    assert bar(at)["Weights of"] == f"epoch {best}"  # a new rule leaves the restored weights, and says whose
    click(at, "Step")
    assert run_of(at).weights_from is None and "Weights of" not in bar(at)
    at.session_state[state.EXPORT_OPEN] = True
    at.run()
    assert any("will not match this run exactly: early stopping put back the weights" in c.value for c in at.caption)
