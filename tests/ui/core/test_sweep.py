"""Sweeps (ui/core/sweep.py and their tables and figures): spacing, caps, cancellation, results."""

import math
import threading
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from ui.core import limits
from ui.core import sweep as sw
from ui.core.config import DEFAULT
from ui.core.run import Data, PlaygroundRun, make_data
from ui.render import experiment_charts

BASE = replace(DEFAULT, samples=100)


@pytest.fixture(scope="module")
def data():
    return make_data(BASE)


def test_log_spaced_values_have_a_constant_ratio_and_keep_both_ends():
    values = sw.log_spaced(1e-4, 1.0, 5)
    np.testing.assert_allclose(values, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    ratios = values[1:] / values[:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    np.testing.assert_allclose(sw.log_spaced(3.0, 0.03, 3), [0.03, 0.3, 3.0])  # given backwards: sorted
    assert sw.log_spaced(0.1, 1.0, 1).tolist() == [0.1]
    with pytest.raises(ValueError, match="received 0"):
        sw.log_spaced(0, 1.0, 3)


def test_an_lr_sweep_larger_than_the_cap_is_cut_with_a_notice():
    plan = sw.plan_lr_sweep(BASE, 1e-4, 10.0, 100, epochs=50)
    assert len(plan) == limits.MAX_SWEEP_RUNS
    assert any(f"{limits.MAX_SWEEP_RUNS} per sweep" in n and "100 runs" in n for n in plan.notices)
    rates = [p["learning_rate"] for p in plan.points]
    assert rates[0] == pytest.approx(1e-4) and rates[-1] == pytest.approx(10.0)
    assert [c.learning_rate for c in plan.configs] == rates
    small = sw.plan_lr_sweep(BASE, 1e-3, 1.0, 4, epochs=50)
    assert len(small) == 4 and small.notices == ()


def test_epochs_per_run_are_capped_with_a_notice():
    plan = sw.plan_lr_sweep(BASE, 0.01, 0.1, 2, epochs=10 * limits.MAX_SWEEP_EPOCHS)
    assert plan.epochs == limits.MAX_SWEEP_EPOCHS
    assert any("epochs per run" in n for n in plan.notices)


def test_a_grid_larger_than_the_cap_drops_values_and_says_which():
    lrs, units = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3], [1, 2, 3, 4, 6, 8]
    plan = sw.plan_grid(BASE, "learning_rate", lrs, "units", units, epochs=20)
    assert len(plan) <= limits.MAX_SWEEP_RUNS and len(plan) == 20  # 5 x 4: the longer list loses first
    assert plan.notices and "36 runs asked" in plan.notices[0] and "left out" in plan.notices[0]
    assert len({tuple(sorted(p.items())) for p in plan.points}) == len(plan)
    for point, config in zip(plan.points, plan.configs):
        assert config.learning_rate == point["learning_rate"]
        assert set(config.layers) == {point["units"]} and len(config.activations) == len(config.layers)
    with pytest.raises(ValueError, match="two different settings"):
        sw.plan_grid(BASE, "units", [1], "units", [2], 10)


@pytest.mark.parametrize("name", list(sw.SETTINGS))
def test_every_setting_gives_a_consistent_config_that_trains(name, data):
    value = sw.SETTINGS[name].options[-1]
    config = sw.with_setting(BASE, name, value)
    assert len(config.activations) == len(config.layers)
    run = PlaygroundRun(config, data)
    assert run.train(1) == 1


def test_a_cancel_while_a_run_trains_drops_that_run(data, held_sweep_run):
    plan = sw.plan_lr_sweep(BASE, 0.01, 1.0, 5, epochs=2)
    job = sw.SweepJob(plan, data)
    job.run_next()
    inside, release = held_sweep_run
    worker = threading.Thread(target=job.run_next)
    worker.start()
    assert inside.wait(30)
    job.cancel()  # the click, while run 2 trains
    results, status = job.results, job.status
    release.set()
    worker.join(30)
    assert (len(results), status) == (1, "cancelled")
    assert job.results is results and job.status == "cancelled"  # nothing changed after
    assert job.snapshot() == (results, "cancelled")


def test_cancelling_between_runs_keeps_every_finished_run(data):
    plan = sw.plan_lr_sweep(BASE, 0.01, 1.0, 5, epochs=3)
    job = sw.SweepJob(plan, data)
    seen = []

    def cancel_after_two(result):
        seen.append(result["run"])
        if len(job.results) == 2:
            job.cancel()

    results = sw.run_sweep(job, on_result=cancel_after_two)
    assert [r["run"] for r in results] == [1, 2] == seen
    assert job.status == "cancelled" and job.finished and job.run_next() is None
    assert all(r["epochs"] == 3 for r in results)  # the runs that ran were not cut short


def test_a_stop_callback_is_checked_between_runs_and_a_full_sweep_finishes(data):
    plan = sw.plan_lr_sweep(BASE, 0.01, 1.0, 3, epochs=2)
    job = sw.SweepJob(plan, data)
    sw.run_sweep(job, should_stop=lambda: len(job.results) >= 1)
    assert len(job.results) == 1 and job.status == "cancelled"
    done = sw.SweepJob(plan, data)
    sw.run_sweep(done)
    assert done.status == "done" and done.progress == 1.0
    assert [r["learning_rate"] for r in done.results] == [p["learning_rate"] for p in plan.points]


def _result(run, lr, loss, diverged=False):
    return {"run": run, "learning_rate": lr, "epochs": 10, "train_loss": loss, "test_loss": loss * 1.1,
            "train_score": 0.9, "test_score": 0.8, "diverged": diverged, "seconds": 0.01234,
            "loss_curve": [1.0, loss]}


def test_the_results_table_has_sortable_numeric_columns():
    plan = sw.plan_lr_sweep(BASE, 0.01, 10.0, 3, epochs=10)
    results = [_result(1, 0.01, 0.4), _result(2, 0.3, 0.1), _result(3, 10.0, math.nan, diverged=True)]
    table = experiment_charts.sweep_table(plan, results, "accuracy")
    assert list(table.columns) == ["run", "learning rate", "train loss", "test loss", "train accuracy",
                                   "test accuracy", "diverged", "epochs", "seconds"]
    for column in ("learning rate", "train loss", "test loss", "train accuracy", "test accuracy", "seconds"):
        assert table[column].dtype.kind == "f", column
    ordered = table.sort_values("test loss")
    assert list(ordered["run"]) == [2, 1, 3]  # the diverged run (NaN) sorts last


def test_the_lr_figure_has_a_log_x_axis_and_marks_diverged_runs():
    results = [_result(1, 0.01, 0.4), _result(2, 0.3, 0.1), _result(3, 10.0, math.nan, diverged=True)]
    fig = experiment_charts.lr_sweep_figure(results)
    go.Figure(fig.to_dict())  # valid Plotly
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    names = [t.name for t in fig.data]
    assert names == ["final train loss", "final test loss", "diverged"]
    assert list(fig.data[0].x) == [0.01, 0.3, 10.0] and fig.data[0].y[2] is None
    assert list(fig.data[2].x) == [10.0]
    assert experiment_charts.log_ticks([0.03, 0.4]) == [0.02, 0.05, 0.1, 0.2, 0.5]


def test_the_grid_figures_place_each_result_in_its_cell():
    plan = sw.plan_grid(BASE, "learning_rate", [0.01, 0.1], "units", [2, 4], epochs=5)
    results = [{**_result(i + 1, p["learning_rate"], 0.1 * (i + 1)), "units": p["units"]}
               for i, p in enumerate(plan.points[:3])]
    fig = experiment_charts.grid_figure(plan, results)
    go.Figure(fig.to_dict())
    z = fig.data[0].z
    assert z[0][0] == pytest.approx(0.11) and z[1][0] == pytest.approx(0.33) and z[1][1] is None  # not run yet
    lines = experiment_charts.grid_lr_figure(plan, results)
    go.Figure(lines.to_dict())
    assert [t.name for t in lines.data] == ["neurons per hidden layer 2", "neurons per hidden layer 4"]
    curves = experiment_charts.curves_figure(results, "learning_rate")
    assert len(curves.data) == 3


def test_a_diverged_run_has_no_final_numbers():
    config = replace(DEFAULT, dataset="plane", samples=100, learning_rate=10.0)
    result = sw.train_one(config, make_data(config), epochs=50)
    assert result["diverged"] and result["epochs"] < 50
    assert all(math.isnan(result[k]) for k in ("train_loss", "test_loss", "train_score", "test_score"))
    assert not math.isfinite(result["loss_curve"][-1])  # the curve keeps what happened
    # at 20 epochs the batches are still finite but the epoch's mean loss overflows: diverged all the same
    short = sw.train_one(config, make_data(config), epochs=20)
    assert not math.isfinite(short["loss_curve"][-1]) and short["diverged"] and math.isnan(short["test_loss"])
    fig = experiment_charts.curves_figure([{**result, "learning_rate": 10.0}, _result(2, 0.1, 0.2)], "learning_rate")
    assert len(fig.layout.yaxis.tickvals) <= 12  # an exploding curve does not flood the axis


def test_chance_is_the_majority_class_share_of_the_test_set_and_r2_zero_for_regression():
    def data_with(y_test, kind="binary"):
        return Data(np.zeros((len(y_test), 2)), np.asarray(y_test), np.zeros((len(y_test), 2)), np.asarray(y_test),
                    kind, 1 if kind == "regression" else 2)

    assert sw.chance_score(data_with([0, 1, 1, 1])) == 0.75
    assert sw.chance_score(data_with([0, 1] * 5)) == 0.5
    assert sw.chance_score(data_with([0.3, -0.2], kind="regression")) == 0.0


def _scored(run, lr, accuracy, loss, diverged=False):
    return {**_result(run, lr, loss, diverged), "test_score": accuracy, "test_loss": loss}


def test_the_summary_ranks_by_score_and_by_loss_and_never_praises_chance():
    plan = sw.plan_lr_sweep(BASE, 0.01, 1.0, 3, epochs=10)

    def summary(results, score="accuracy", chance=0.5):
        return experiment_charts.sweep_summary(plan, experiment_charts.sweep_table(plan, results, score), score, chance)

    kind, text = summary([_scored(1, 0.01, 0.70, 0.50), _scored(2, 0.1, 0.90, 0.60), _scored(3, 1.0, 0.80, 0.40)])
    assert kind == "success"
    assert text.startswith("Best test accuracy: run 2 (learning rate 0.1): 0.900") and "chance level 0.500" in text
    assert "Lowest test loss: run 3 (learning rate 1): 0.4 (test accuracy 0.800)" in text
    kind, text = summary([_scored(1, 0.01, 0.90, 0.30), _scored(2, 0.1, 0.80, 0.40)])
    assert kind == "success" and "It also has the lowest test loss" in text
    # the user's case: "best: lr 0.3, accuracy 0.50" on a balanced binary set
    kind, text = summary([_scored(1, 0.01, 0.50, 0.70), _scored(2, 0.3, 0.50, 0.69), _scored(3, 1.0, 0.45, 0.71)])
    assert kind == "warning" and text.startswith("No run learned beyond chance: the best test accuracy is 0.500")
    # a lower-loss run at chance is not praised either; the run above chance is the one named
    kind, text = summary([_scored(1, 0.01, 0.50, 0.10), _scored(2, 0.1, 0.65, 0.60)], chance=0.6)
    assert kind == "success" and "run 1" not in text and "run 2" in text
    kind, text = summary([_scored(1, 0.01, 0.2, 0.9), _scored(2, 0.1, -0.5, 1.2)], score="R²", chance=0.0)
    assert kind == "success" and text.startswith("Best test R²: run 1")
    kind, text = summary([_scored(1, 0.01, -0.01, 0.9), _scored(2, 0.1, 0.0, 1.2)], score="R²", chance=0.0)
    assert kind == "warning" and "No run learned beyond chance" in text and "predicting the mean" in text
    kind, text = summary([_scored(1, 0.01, math.nan, math.nan, diverged=True)])
    assert kind == "warning" and "diverged" in text
