"""The Compare and Sweeps pages and the Playground's time-travel panel, driven through AppTest."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from ui import experiments, limits, state, timetravel

APP = str(Path(__file__).resolve().parents[2] / "app.py")
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
def test_compare_renders_steps_and_plays_in_lockstep():
    at = open_page("pages/compare.py", {"samples": "100"})
    assert at.title[0].value == "Compare runs"
    comparison = at.session_state[experiments.CMP]
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
    table = at.dataframe[0].value
    assert len(table) == 3 and list(table["epoch"]) == [paused] * 3
    assert any(b.label == "Download results (CSV)" for b in at.get("download_button"))


def test_compare_without_a_playground_run_keeps_its_runs_across_reruns():
    at = open_page(query={"samples": "100"})
    del at.session_state[state.RUN]  # as if the session had opened the Compare page directly
    at.switch_page("pages/compare.py").run()
    comparison = at.session_state[experiments.CMP]
    click(at, "Step")
    click(at, "Step")
    assert at.session_state[experiments.CMP] is comparison and comparison.epoch == 2


def test_changing_a_run_setting_restarts_all_runs_and_fewer_runs_can_be_compared():
    at = open_page("pages/compare.py", {"samples": "100"})
    click(at, "Step")
    at.selectbox(key=experiments._field_key(0, "optimizer")).set_value("rmsprop").run()
    comparison = at.session_state[experiments.CMP]
    assert comparison.epoch == 0 and comparison.runs[0].config.optimizer == "rmsprop"
    assert any("restarted" in i.value for i in at.info)
    at.segmented_control(key=experiments.CMP_COUNT).set_value(2).run()
    assert not at.exception
    assert len(at.session_state[experiments.CMP].runs) == 2


# --- Sweeps ----------------------------------------------------------------------------------------------------
def start_lr_sweep(count: int, epochs: int) -> AppTest:
    at = open_page("pages/sweep.py", {"samples": "100"})
    at.number_input(key=experiments.SW_EPOCHS).set_value(epochs).run()
    at.number_input(key=experiments.SW_LR_COUNT).set_value(count).run()
    return click(at, "Run sweep")


def test_a_small_sweep_runs_to_the_end_and_shows_its_results():
    at = start_lr_sweep(count=3, epochs=4)
    assert any(f"{limits.MAX_SWEEP_RUNS} runs" in c.value for c in at.caption)  # the cap is on the page
    job = at.session_state[experiments.SW_JOB]
    for _ in range(5):
        if job.finished:
            break
        at.run()
    assert not at.exception and job.status == "done" and len(job.results) == 3
    table = at.dataframe[0].value
    assert len(table) == 3 and {"learning rate", "test loss", "test accuracy"} <= set(table.columns)
    assert len(at.get("plotly_chart")) == 2
    assert any("Done: 3 runs" in p.proto.text for p in at.get("progress"))


def test_cancel_stops_a_sweep_between_runs():
    at = start_lr_sweep(count=4, epochs=3)
    job = at.session_state[experiments.SW_JOB]
    done = len(job.results)
    assert 1 <= done < 4
    click(at, "Cancel")
    at.run()
    at.run()
    assert job.status == "cancelled" and len(job.results) == done
    assert any(f"Cancelled after {done} of 4" in p.proto.text for p in at.get("progress"))


def test_a_grid_over_the_cap_is_cut_and_says_so():
    at = open_page("pages/sweep.py")
    at.segmented_control(key=experiments.SW_MODE).set_value(experiments.GRID_MODE).run()
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
    at.session_state[timetravel.OPEN] = True
    at.run()
    slider = at.select_slider(key=timetravel.EPOCH)
    assert slider.options == ["0", "1", "2", "3", "4"] and slider.value == 4
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
    return any(s.key == timetravel.EPOCH for s in at.get("select_slider"))


def test_time_travel_is_hidden_while_playing_and_before_training():
    at = open_page(query={"samples": "100"})
    at.session_state[timetravel.OPEN] = True
    at.run()
    assert not has_scrubber(at)  # epoch 0: nothing to go back to
    click(at, "Play")
    assert not has_scrubber(at)
    click(at, "Pause")
    assert has_scrubber(at)
    assert at.select_slider(key=timetravel.EPOCH).value == at.session_state[state.RUN].epoch
