"""The Compare and Sweeps pages and the Playground's time-travel panel, driven through AppTest."""

import json
import re
import threading

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import APP
from ui.core import limits
from ui.core import sweep as sw
from ui.web import state
from ui.web.experiments import compare as compare_page
from ui.web.experiments import sweep as sweep_page

TIMEOUT = 60


def open_page(page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- Compare ---------------------------------------------------------------------------------------------------
def compare_view(at: AppTest) -> dict:
    """What the compare view was sent on the last run: heading epoch, curves and table in one payload."""
    view = next(e for e in at.get("bidi_component") if e.key == "cmp_view")
    return json.loads(view.proto.bytes)


def table_column(view: dict, name: str) -> list[str]:
    k = view["table"]["columns"].index(name)
    return [row[k] for row in view["table"]["rows"]]


def test_compare_renders_steps_and_plays_in_lockstep():
    at = open_page("pages/compare.py", {"samples": "100"})
    assert at.title[0].value == "Compare runs"
    comparison = at.session_state[compare_page.CMP]
    playground = at.session_state[state.RUN]
    assert len(comparison.runs) == 3 and comparison.epoch == 0
    assert comparison.data is playground.data  # the Playground's own arrays
    assert np.shares_memory(comparison.runs[2].data.X_train, playground.data.X_train)
    assert {r.config.seed for r in comparison.runs} == {playground.config.seed}

    click(at, "Step")
    assert [r.epoch for r in comparison.runs] == [1, 1, 1]
    click(at, "Play")
    at.run()  # another tick
    epochs = [r.epoch for r in comparison.runs]
    assert epochs[0] > 1 and len(set(epochs)) == 1
    click(at, "Pause")
    paused = comparison.epoch
    at.run()
    assert comparison.epoch == paused
    view = compare_view(at)
    assert view["epoch"] == paused and table_column(view, "epoch") == [f"{paused:,}"] * 3
    assert any(b.label == "Download results (CSV)" for b in at.get("download_button"))


def test_while_playing_the_heading_the_curves_and_the_table_show_the_same_epoch():
    at = open_page("pages/compare.py", {"samples": "100"})
    click(at, "Play")
    comparison = at.session_state[compare_page.CMP]
    seen = []
    for _ in range(12):
        at.run()
        view = compare_view(at)
        seen.append((view["epoch"], view["epochs"][-1], table_column(view, "epoch")))
        assert view["epoch"] == comparison.epoch  # nothing trained after the frame was taken
    assert seen[-1][0] > seen[0][0] > 0, seen  # it played
    assert all(curves == heading and table == [f"{heading:,}"] * 3 for heading, curves, table in seen), seen


def test_compare_without_a_playground_run_keeps_its_runs_across_reruns():
    at = open_page(query={"samples": "100"})
    del at.session_state[state.RUN]  # as if the session had opened the Compare page directly
    at.switch_page("pages/compare.py").run()
    comparison = at.session_state[compare_page.CMP]
    click(at, "Step")
    click(at, "Step")
    assert at.session_state[compare_page.CMP] is comparison and comparison.epoch == 2


def test_changing_a_run_setting_restarts_all_runs_and_fewer_runs_can_be_compared():
    at = open_page("pages/compare.py", {"samples": "100"})
    click(at, "Step")
    at.selectbox(key=compare_page._field_key(0, "optimizer")).set_value("rmsprop").run()
    comparison = at.session_state[compare_page.CMP]
    assert comparison.epoch == 0 and comparison.runs[0].config.optimizer == "rmsprop"
    assert any("restarted" in i.value for i in at.info)
    at.segmented_control(key=compare_page.CMP_COUNT).set_value(2).run()
    assert not at.exception
    assert len(at.session_state[compare_page.CMP].runs) == 2


# --- Sweeps ----------------------------------------------------------------------------------------------------
def start_lr_sweep(count: int, epochs: int) -> AppTest:
    at = open_page("pages/sweep.py", {"samples": "100"})
    at.number_input(key=sweep_page.SW_EPOCHS).set_value(epochs).run()
    at.number_input(key=sweep_page.SW_LR_COUNT).set_value(count).run()
    return click(at, "Run sweep")


def test_a_small_sweep_runs_to_the_end_and_shows_its_results():
    at = start_lr_sweep(count=3, epochs=4)
    assert any(f"{limits.MAX_SWEEP_RUNS} runs" in c.value for c in at.caption)  # the cap is on the page
    job = at.session_state[sweep_page.SW_JOB]
    for _ in range(5):
        if job.finished:
            break
        at.run()
    assert not at.exception and job.status == "done" and len(job.results) == 3
    table = at.dataframe[0].value
    assert len(table) == 3 and {"learning rate", "test loss", "test accuracy"} <= set(table.columns)
    assert len(at.get("plotly_chart")) == 2
    assert any("Done: 3 runs" in p.proto.text for p in at.get("progress"))


def test_results_of_other_settings_say_so():
    at = start_lr_sweep(count=2, epochs=3)
    for _ in range(4):
        at.run()
    assert at.session_state[sweep_page.SW_JOB].status == "done"
    assert not any("changed since this sweep ran" in i.value for i in at.info)
    at.number_input(key=sweep_page.SW_EPOCHS).set_value(4).run()
    assert any("settings above changed since this sweep ran" in i.value for i in at.info)
    click(at, "Run sweep")
    assert not any("changed since this sweep ran" in i.value for i in at.info)


def test_cancel_stops_a_sweep_between_runs():
    at = start_lr_sweep(count=4, epochs=3)
    job = at.session_state[sweep_page.SW_JOB]
    done = len(job.results)
    assert 1 <= done < 4
    click(at, "Cancel")
    at.run()
    at.run()
    assert job.status == "cancelled" and len(job.results) == done
    assert any(f"Cancelled after {done} of 4" in p.proto.text for p in at.get("progress"))
    assert sweep_on_screen(at) == (done, done, done)


def sweep_on_screen(at: AppTest) -> tuple[int, int, int]:
    """(runs the progress message counts, rows in the results table, curves in the loss-curve chart)."""
    message = next(p.proto.text for p in at.get("progress"))
    said = int(re.search(r"(?:after|Done:) (\d+)", message).group(1))
    curves = next(c for c in at.get("plotly_chart") if c.key == "sw_curves")
    return said, len(at.dataframe[0].value), len(json.loads(curves.proto.spec)["data"])


def test_a_cancel_during_a_run_drops_that_run_and_the_page_never_changes_after(held_sweep_run):
    """The user's case: Cancel is clicked while a run trains in another script thread (an earlier tick);
    that run ends after the page said "Cancelled after n". It must not become n + 1."""
    at = start_lr_sweep(count=6, epochs=3)
    job = at.session_state[sweep_page.SW_JOB]
    inside, release = held_sweep_run
    in_flight = threading.Thread(target=job.run_next)  # the earlier tick's thread, inside its run
    in_flight.start()
    assert inside.wait(30)
    click(at, "Cancel")
    said = sweep_on_screen(at)
    assert said[0] == said[1] == said[2] >= 1, said  # message, table and curves agree
    release.set()
    in_flight.join(30)
    for _ in range(2):
        at.run()
        assert sweep_on_screen(at) == said  # and stay so after the dropped run ended
    assert job.status == "cancelled" and len(job.results) == said[0]


def test_the_summary_never_celebrates_a_chance_level_sweep(monkeypatch):
    """Every run ends at the majority-class share of the test set: that is chance, not learning."""
    at = open_page("pages/sweep.py", {"samples": "100"})
    y_test = at.session_state[state.RUN].data.y_test
    chance = np.bincount(y_test).max() / len(y_test)

    def chance_level(config, data, epochs):
        return {"epochs": epochs, "train_loss": 0.69, "test_loss": 0.69 + config.learning_rate / 100,
                "train_score": chance, "test_score": chance, "diverged": False, "seconds": 0.01,
                "loss_curve": [0.7, 0.69]}

    monkeypatch.setattr(sw, "train_one", chance_level)
    at.number_input(key=sweep_page.SW_LR_COUNT).set_value(3).run()
    click(at, "Run sweep")
    for _ in range(5):
        at.run()
    assert at.session_state[sweep_page.SW_JOB].status == "done"
    assert not at.success, [s.value for s in at.success]
    assert any("No run learned beyond chance" in w.value and f"{chance:.3f}" in w.value for w in at.warning)


def test_the_summary_names_the_best_score_and_the_lowest_loss(monkeypatch):
    at = open_page("pages/sweep.py", {"samples": "100"})
    scores = {0.001: (0.60, 0.30), 0.0316: (0.95, 0.40), 1.0: (0.85, 0.20)}  # learning rate: (accuracy, loss)

    def fixed(config, data, epochs):
        accuracy, loss = scores[config.learning_rate]
        return {"epochs": epochs, "train_loss": loss, "test_loss": loss, "train_score": accuracy,
                "test_score": accuracy, "diverged": False, "seconds": 0.01, "loss_curve": [1.0, loss]}

    monkeypatch.setattr(sw, "train_one", fixed)
    at.select_slider(key=sweep_page.SW_LR_RANGE).set_value((0.001, 1.0)).run()
    at.number_input(key=sweep_page.SW_LR_COUNT).set_value(3).run()
    click(at, "Run sweep")
    for _ in range(5):
        at.run()
    text = at.success[0].value
    assert text.startswith("Best test accuracy: run 2 (learning rate 0.0316): 0.950"), text
    assert "Lowest test loss: run 3 (learning rate 1): 0.2" in text
    # the table writes the learning rate as the summary does (its own 4 decimals showed 0.00496 as 0.005)
    table = at.dataframe[0]
    assert table.value["learning rate"].tolist() == [0.001, 0.0316, 1.0]
    columns = json.loads(table.proto.columns)
    formats = {name: c["type_config"]["format"] for name, c in columns.items() if "type_config" in c}
    assert formats["learning rate"] == "plain"
    assert formats["test loss"] == "%.4g" and formats["test accuracy"] == "%.4f"  # a loss of 3e-6 is not "0.0000"


def test_a_diverged_run_shows_dashes_not_none_in_the_table(monkeypatch):
    at = open_page("pages/sweep.py", {"samples": "100"})

    def one_diverges(config, data, epochs):
        gone = config.learning_rate > 1
        value = float("nan") if gone else 0.5
        return {"epochs": 4 if gone else epochs, "train_loss": value, "test_loss": value, "train_score": value,
                "test_score": value, "diverged": gone, "seconds": 0.01, "loss_curve": [1.0, 0.5]}

    monkeypatch.setattr(sw, "train_one", one_diverges)
    at.number_input(key=sweep_page.SW_LR_COUNT).set_value(2).run()
    click(at, "Run sweep")
    for _ in range(4):
        at.run()
    table = at.dataframe[0]
    assert table.value["test loss"].isna().tolist() == [False, True]  # the number is missing, and sorts last
    assert table.proto.placeholder == "–"  # what the browser draws in a cell with no number ("None" by default)
    assert any("(–; it sorts last)" in c.value for c in at.caption)


def test_a_grid_over_the_cap_is_cut_and_says_so():
    at = open_page("pages/sweep.py")
    at.segmented_control(key=sweep_page.SW_MODE).set_value(sweep_page.GRID_MODE).run()
    at.multiselect(key="sw_values_learning_rate").set_value([0.001, 0.003, 0.01, 0.03, 0.1, 0.3]).run()
    at.multiselect(key="sw_values_units").set_value([1, 2, 3, 4, 6, 8]).run()
    assert not at.exception
    assert any("36 runs asked" in w.value for w in at.warning)
    assert any("20 runs ×" in c.value for c in at.caption)


# --- Time travel -----------------------------------------------------------------------------------------------
def test_time_travel_scrubs_without_touching_the_run_and_resumes():
    at = open_page(query={"samples": "100"})
    for _ in range(4):
        click(at, "Step")
    run = at.session_state[state.RUN]
    assert run.epoch == 4
    at.session_state[state.TIME_TRAVEL_OPEN] = True
    at.run()
    slider = at.slider(key=state.TIME_TRAVEL_EPOCH)
    assert (slider.min, slider.max, slider.value) == (0, 4, 4)  # linear: the thumb's place is the epoch's
    live = run.model.get_weights()
    slider.set_value(2).run()
    assert not at.exception
    assert all(np.array_equal(a, b) for a, b in zip(run.model.get_weights(), live))  # scrubbing is read-only
    assert any("Epoch 2 of 4" in c.value for c in at.caption)
    click(at, "Resume from here")
    run = at.session_state[state.RUN]
    assert run.epoch == 2 and len(run.history.loss) == 2
    assert all(np.array_equal(a, b) for a, b in zip(run.model.get_weights(), run.snapshots.at(2).weights))
    click(at, "Step")
    assert run.epoch == 3


def has_scrubber(at: AppTest) -> bool:
    return any(s.key == state.TIME_TRAVEL_EPOCH for s in at.get("slider"))


def test_time_travel_is_hidden_while_playing_and_before_training():
    at = open_page(query={"samples": "100"})
    at.session_state[state.TIME_TRAVEL_OPEN] = True
    at.run()
    assert not has_scrubber(at)  # epoch 0: nothing to go back to
    click(at, "Play")
    assert not has_scrubber(at)
    click(at, "Pause")
    assert has_scrubber(at)
    assert at.slider(key=state.TIME_TRAVEL_EPOCH).value == at.session_state[state.RUN].epoch
