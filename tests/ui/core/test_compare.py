"""Compare runs (ui/core/compare.py and its table and view builders): shared data and seed, lockstep, results."""

import json
import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from ui.core import compare, limits
from ui.core.compare import Comparison, RunChanges
from ui.core.config import DEFAULT
from ui.core.run import History, make_data
from ui.render import experiment_charts

BASE = replace(DEFAULT, samples=120)
CHANGES = [RunChanges(), RunChanges(learning_rate=0.3), RunChanges(optimizer="adam", activation="relu")]


@pytest.fixture
def comparison() -> Comparison:
    data = make_data(BASE)
    return Comparison(compare.run_configs(BASE, CHANGES), data, base=BASE)


def test_every_run_holds_the_same_data_arrays_and_the_same_seed(comparison):
    first = comparison.runs[0].data
    for run in comparison.runs:
        assert run.data is comparison.data
        for name in ("X_train", "y_train", "X_test", "y_test"):
            assert np.shares_memory(getattr(run.data, name), getattr(first, name))
        assert run.config.seed == BASE.seed and run.config.data_key() == BASE.data_key()
    # same seed and architecture: runs A and B (only the learning rate differs) start from the same weights
    a, b, c = (run.model.get_weights() for run in comparison.runs)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert comparison.runs[2].config.activations == ("relu", "relu")


def test_runs_on_different_data_are_refused():
    configs = (BASE, replace(BASE, seed=1))
    with pytest.raises(ValueError, match="share the data"):
        Comparison(configs, make_data(BASE))
    with pytest.raises(ValueError, match="2 to 4"):
        compare.run_configs(BASE, [RunChanges()] * (limits.MAX_COMPARE_RUNS + 1))


def test_runs_train_in_lockstep(comparison):
    for tick in range(1, 4):
        assert comparison.train(3) == 3
        assert [run.epoch for run in comparison.runs] == [3 * tick] * 3
    assert comparison.epoch == 9
    histories = [run.history.loss for run in comparison.runs]
    assert histories[0] != histories[1]  # they really are different runs


def test_a_busy_run_holds_back_the_whole_tick(comparison):
    comparison.train(2)
    busy = comparison.runs[1].lock
    busy.acquire()  # another thread is inside this run
    try:
        assert comparison.train(5) == 0
        assert [run.epoch for run in comparison.runs] == [2, 2, 2]
    finally:
        busy.release()
    assert all(not run.lock.locked() for run in comparison.runs)


def test_step_waits_for_a_tick_in_progress_then_trains_every_run_one_epoch(comparison):
    busy = comparison.runs[2].lock
    busy.acquire()  # a live tick is inside this run
    release = threading.Timer(0.2, busy.release)
    release.start()
    started = time.monotonic()
    assert comparison.step() == 1  # a click on Step is not dropped, as a skipped tick is
    assert time.monotonic() - started >= 0.15
    assert [run.epoch for run in comparison.runs] == [1, 1, 1]
    assert all(not run.lock.locked() for run in comparison.runs)


def test_epochs_to_target_on_a_known_history():
    losses = [0.9, np.nan, 0.5, 0.31, 0.29, 0.1]
    assert compare.epochs_to_target(losses, 0.3) == 5
    assert compare.epochs_to_target(losses, 0.9) == 1
    assert compare.epochs_to_target(losses, 0.05) is None
    assert compare.epochs_to_target([], 1.0) is None


def test_the_table_has_one_row_per_run_with_the_right_columns(comparison):
    comparison.train(4)
    rows = compare.result_rows(comparison.frame(), target=10.0)
    table = experiment_charts.compare_table(rows, "accuracy")
    assert list(table.columns) == ["run", "changes", "epoch", "train loss", "test loss", "train accuracy",
                                   "test accuracy", "epochs to target", "seconds to target", "train seconds",
                                   "ms per epoch", "parameters", "FLOPs per epoch", "status"]
    assert list(table["run"]) == ["A", "B", "C"] and list(table["epoch"]) == [4, 4, 4]
    assert list(table["epochs to target"]) == [1.0, 1.0, 1.0]  # every loss is below 10 at once
    assert table.loc[0, "changes"] == "as the base" and "learning rate 0.3" in table.loc[1, "changes"]
    assert table.loc[0, "train loss"] == comparison.runs[0].history.loss[-1]
    assert table.to_csv(index=False).splitlines()[0].startswith("run,changes,epoch")
    run = comparison.runs[0]
    assert table.loc[0, "parameters"] == run.model.count_params()
    layers = [layer.units for layer in run.model.layers if layer.kind == "Dense"]
    # 2 inputs -> 4 -> 2 -> 1 multiply-adds a sample, 2 FLOPs each, 3 passes, every training point
    macs = sum(a * b for a, b in zip([len(run.config.features), *layers], layers))
    assert table.loc[0, "FLOPs per epoch"] == 2 * 3 * macs * len(run.data.y_train)
    assert table.loc[0, "ms per epoch"] == pytest.approx(1000 * run.train_seconds / 4, abs=1e-3)
    assert table.loc[0, "seconds to target"] == pytest.approx(run.train_seconds / 4, abs=1e-3)  # reached at epoch 1


def test_parse_layers_says_what_it_received():
    assert compare.parse_layers("8, 4") == ((8, 4), None)
    assert compare.parse_layers("") == (None, None)
    assert compare.parse_layers("none") == ((), None)
    layers, problem = compare.parse_layers("8,x")
    assert layers is None and "'8,x'" in problem
    assert compare.parse_layers(f"{limits.MAX_NEURONS + 1}")[0] is None
    config = RunChanges(layers=(3, 3, 3)).apply(BASE)
    assert config.layers == (3, 3, 3) and len(config.activations) == 3


def test_the_view_payload_shares_the_points_and_aligns_the_curves():
    data = make_data(BASE)
    short, long = History(), History()
    for h, n in ((short, 5), (long, 8)):
        for e in range(n):
            h.epoch.append(e + 1)
            for name in ("loss", "val_loss", "score", "val_score"):
                getattr(h, name).append(1.0 / (e + 1))
    payload = experiment_charts.compare_view_payload(
        names=("A", "B"), images=["data:a", "data:b"], titles=["as the base", "diverged at epoch 5"],
        diverged=[True, False], data=data, histories=[short, long], score_label="accuracy", target=0.2)
    json.dumps(payload)  # JSON-ready: no NaN, no NumPy types
    assert payload["epochs"] == list(range(1, 9)) and len(payload["points"]) == 1
    a_loss = next(s for s in payload["series"] if s["name"] == "A train loss")
    assert a_loss["values"][5:] == [None, None, None] and a_loss["values"][0] == 1.0
    assert [r["colour"] for r in payload["runs"]] == list(experiment_charts.RUN_COLOURS[:2])
    assert payload["target"] == 0.2


def _payload(comparison, target=0.1):
    return experiment_charts.compare_frame_payload(comparison.frame(), comparison.data, score_label="accuracy",
                                                   target=target, max_points=50)


def _column(payload, name):
    k = payload["table"]["columns"].index(name)
    return [row[k] for row in payload["table"]["rows"]]


def test_one_payload_shows_one_epoch_in_the_heading_the_curves_and_the_table(comparison):
    comparison.train(7)
    payload = _payload(comparison)
    assert payload["epoch"] == 7 and payload["epochs"][-1] == 7
    assert _column(payload, "epoch") == ["7", "7", "7"]
    # the table's train loss is the last point of that run's curve (4 decimals of the same number)
    curves = {s["name"]: s["values"] for s in payload["series"]}
    for name, loss in zip("ABC", _column(payload, "train loss")):
        assert float(loss) == pytest.approx(curves[f"{name} train loss"][-1], abs=1e-4)
        assert float(loss) == pytest.approx(comparison.runs["ABC".index(name)].history.loss[6], abs=1e-4)


def test_a_frame_taken_while_another_thread_trains_is_one_moment_of_every_run(comparison):
    stop = threading.Event()

    def keep_training():
        while not stop.is_set():
            comparison.train(1)

    trainer = threading.Thread(target=keep_training)
    trainer.start()
    try:
        frames = []
        for _ in range(30):
            frames.append(comparison.frame())
            time.sleep(0.003)  # let the trainer in
    finally:
        stop.set()
        trainer.join()
    assert frames[-1].epoch > frames[0].epoch  # training went on between the frames
    for frame in frames:
        assert {run.epoch for run in frame.runs} == {frame.epoch}  # no run ahead of another
        assert all(len(run.history.loss) == run.epoch for run in frame.runs)


def test_cells_without_a_number_read_a_dash_never_none_or_nan():
    config = replace(DEFAULT, dataset="plane", samples=100)
    data = make_data(config)
    comparison = Comparison(compare.run_configs(config, [RunChanges(), RunChanges(learning_rate=10.0)]), data,
                            base=config)
    fresh = _payload(comparison)["table"]
    assert fresh["rows"][0][fresh["columns"].index("train loss")] == experiment_charts.NO_VALUE  # epoch 0
    for _ in range(10):
        comparison.train(5)
    assert comparison.runs[1].diverged
    payload = _payload(comparison, target=1e-9)  # a target no run reaches
    cells = [cell for row in payload["table"]["rows"] for cell in row]
    assert not {"None", "nan", "NaN", "inf", ""} & set(cells), cells
    diverged = payload["table"]["rows"][1]
    assert [diverged[payload["table"]["columns"].index(c)] for c in ("train loss", "test accuracy")] == ["–", "–"]
    assert _column(payload, "epochs to target") == ["–", "–"]
    assert "–" in payload["table"]["note"]
    csv = experiment_charts.compare_table(compare.result_rows(comparison.frame(), 1e-9), "accuracy").to_csv()
    assert "None" not in csv and "nan" not in csv.lower()  # missing numbers are empty CSV cells


def test_a_run_whose_loss_overflowed_is_shown_as_diverged_and_stops():
    config = replace(DEFAULT, dataset="plane", samples=100)
    comparison = Comparison(compare.run_configs(config, [RunChanges(), RunChanges(learning_rate=10.0)]),
                            make_data(config), base=config)
    for _ in range(8):
        comparison.train(4)
        wild = comparison.runs[1]
        if not np.isfinite(wild.history.loss[-1]):
            break
    assert not np.isfinite(wild.history.loss[-1])
    stopped = wild.epoch
    comparison.train(4)
    assert wild.epoch == stopped and comparison.epoch == stopped + 4  # it stopped; the other run goes on
    row = compare.result_rows(comparison.frame(), 0.1)[1]
    assert row["status"] == f"diverged at epoch {stopped}" and row["train loss"] is None


def test_a_run_stuck_at_chance_is_not_called_ok():
    """Learning rate 10 on ReLUs: test accuracy 0.5 for good, and the table said "ok" (walk-through)."""
    def history(score):
        return History(epoch=list(range(1, 61)), loss=[0.7] * 60, val_loss=[0.7] * 60, score=[score] * 60,
                       val_score=[score] * 60)

    def run(name, score, epoch=60):
        return compare.RunFrame(name, BASE, epoch, history(score), np.zeros((1, 1)), False, False, 0.1)

    frame = compare.Frame(base=BASE, runs=(run("A", 0.9), run("B", 0.5), run("C", 0.5, epoch=10)))
    statuses = [r["status"] for r in compare.result_rows(frame, 0.1, chance=0.5)]
    assert statuses == ["ok", "at chance level (0.50): nothing learned", "ok"]  # C: too early to say
    assert [r["status"] for r in compare.result_rows(frame, 0.1)] == ["ok"] * 3


def test_a_tiny_loss_keeps_its_digits_in_the_curves_and_the_table():
    """Rounded to 5 decimals, a loss of 3e-7 reached the log-scale chart as 0 (not drawable) and the table
    as 0.0000."""
    data = make_data(BASE)
    h = History()
    for e, loss in enumerate((0.5, 3.2e-4, 3.1e-7)):
        h.epoch.append(e + 1)
        for name in ("loss", "val_loss"):
            getattr(h, name).append(loss)
        h.score.append(1.0)
        h.val_score.append(1.0)
    payload = experiment_charts.compare_view_payload(
        names=("A", "B"), images=["data:a", "data:b"], titles=["", ""], diverged=[False, False], data=data,
        histories=[h, h], score_label="accuracy", log_loss=True)
    assert next(s for s in payload["series"] if s["name"] == "A train loss")["values"] == [0.5, 3.2e-4, 3.1e-7]
    rows = [{"run": "A", "changes": "", "epoch": 3, "train loss": 3.1e-7, "test loss": 0.000321, "train score": 1.0,
             "test score": 0.875, "epochs to target": None, "seconds to target": None, "train seconds": 0.5,
             "ms per epoch": 166.7, "parameters": 17, "FLOPs per epoch": 27_000, "status": "ok"}]
    cells = experiment_charts.compare_cells(rows, "accuracy")["rows"][0]
    assert cells[3:7] == ["3.1e-07", "0.000321", "1.0000", "0.8750"]  # losses: 4 significant digits
