"""Lessons, instructor settings and Export / import, driven through Streamlit's AppTest (no browser)."""

import json
from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import nnlib
from tests.ui.helpers import bar, open_app, run_of
from ui.core import exports
from ui.core.config import Config
from ui.core.lessons import LESSONS, LOCK_CAPTION
from ui.core.run import PlaygroundRun, make_data
from ui.web import state


def banner(at: AppTest) -> str:
    return next((m.value for m in at.markdown if m.value.startswith(":material/school: **Lesson:")), "")


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def widget_keys(at: AppTest) -> set[str]:
    kinds = (at.selectbox, at.slider, at.select_slider, at.number_input, at.checkbox)
    return {w.key for kind in kinds for w in kind if w.key}


# --- the Lessons page ----------------------------------------------------------------------------------------
def test_the_lessons_page_shows_a_card_and_a_button_per_lesson():
    at = open_app()
    at.switch_page("pages/lessons.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Lessons"
    assert {b.key for b in at.button} >= {f"lesson_{name}" for name in LESSONS}
    text = " ".join(m.value for m in at.markdown)
    for lesson in LESSONS.values():
        assert lesson.title in text and lesson.goal in text


@pytest.mark.parametrize("name", ["overfitting", "features_vs_depth"])
def test_a_lesson_button_opens_the_playground_with_the_lessons_config(name):
    at = open_app()
    at.switch_page("pages/lessons.py").run()
    at.button(key=f"lesson_{name}").click().run()
    assert not at.exception, at.exception
    assert any(e.key == state.LIVE_VIEW for e in at.get("bidi_component"))  # the Playground's live view
    assert run_of(at).config == LESSONS[name].config
    assert LESSONS[name].title in banner(at)
    assert at.query_params["lesson"] == name
    at.run()  # and it stays
    assert run_of(at).config == LESSONS[name].config


def test_a_lesson_survives_a_visit_to_another_page():
    at = open_app({"lesson": "adam_vs_sgd"})
    at.switch_page("pages/lessons.py").run()
    assert any("in progress" in m.value for m in at.markdown)
    at.switch_page("pages/playground.py").run()
    assert not at.exception, at.exception
    assert run_of(at).config == LESSONS["adam_vs_sgd"].config
    assert "Adam against plain SGD" in banner(at)


# --- ?lesson= ---------------------------------------------------------------------------------------------
def test_the_lesson_url_loads_the_lesson_and_shows_the_banner():
    lesson = LESSONS["xor_needs_hidden_layer"]
    at = open_app({"lesson": "xor_needs_hidden_layer"})
    assert run_of(at).config == lesson.config
    assert lesson.title in banner(at)
    text = " ".join(m.value for m in at.markdown)
    assert lesson.goal in text and lesson.notice in text and lesson.question in text
    assert at.query_params == {"lesson": "xor_needs_hidden_layer"}


def test_url_parameters_on_top_of_a_lesson_win_and_stay_in_the_url():
    at = open_app({"lesson": "overfitting", "regularization": "l2", "reg_rate": "0.01"})
    assert run_of(at).config == LESSONS["overfitting"].solution
    assert at.query_params == {"lesson": "overfitting", "regularization": "l2", "reg_rate": "0.01"}


def test_an_unknown_lesson_gives_a_notice_and_the_default_playground():
    at = open_app({"lesson": "nope"})
    assert any("There is no lesson called 'nope'" in w.value for w in at.warning)
    assert run_of(at).config == Config()
    assert banner(at) == ""


def test_the_banner_buttons_load_the_solution_restart_and_leave():
    lesson = LESSONS["learning_rate_too_low"]
    at = open_app({"lesson": "learning_rate_too_low"})
    button(at, "Show a solution").click().run()
    assert run_of(at).config == lesson.solution
    button(at, "Step").click().run()
    assert run_of(at).epoch == 1
    button(at, "Restart lesson").click().run()
    assert run_of(at).config == lesson.config and run_of(at).epoch == 0
    button(at, "Leave lesson").click().run()
    assert not at.exception, at.exception
    assert banner(at) == "" and "lesson" not in at.query_params
    assert run_of(at).config == lesson.config  # the settings stay


def test_show_a_solution_says_what_it_changed():
    at = open_app({"lesson": "learning_rate_too_high"})
    button(at, "Show a solution").click().run()
    assert any("Loaded a solution: learning_rate 3 → 0.3." in w.value for w in at.warning)


def test_the_goal_is_confirmed_at_the_epoch_it_was_reached():
    at = open_app({"lesson": "features_vs_depth"})
    for _ in range(40):
        button(at, "Step").click().run()
        if any("Goal reached" in s.value for s in at.success):
            break
    run = run_of(at)
    first = next(e for e, v in zip(run.history.epoch, run.history.val_score) if v > 0.95)
    assert [s.value for s in at.success if "Goal reached" in s.value] == [
        f"Goal reached at epoch {first}: {LESSONS['features_vs_depth'].goal}"]


def test_no_goal_is_confirmed_when_the_setup_breaks_its_condition():
    at = open_app({"lesson": "features_vs_depth", "layers": "8"})
    for _ in range(30):
        button(at, "Step").click().run()
    assert run_of(at).history.val_score[-1] > 0.95
    assert not any("Goal reached" in s.value for s in at.success)


# --- hide= and lock= --------------------------------------------------------------------------------------
def test_hide_removes_the_widget_and_keeps_the_value_from_the_url():
    at = open_app({"hide": "learning_rate", "learning_rate": "0.3"})
    assert "w_learning_rate" not in {s.key for s in at.select_slider}
    assert "w_optimizer" in widget_keys(at)
    assert run_of(at).config.learning_rate == 0.3
    button(at, "Step").click().run()
    at.run()
    assert run_of(at).config.learning_rate == 0.3
    assert at.query_params["hide"] == "learning_rate" and at.query_params["learning_rate"] == "0.3"


def test_hiding_groups_removes_their_widgets_and_headers_and_the_lesson_still_applies():
    at = open_app({"lesson": "spiral_needs_depth", "hide": "network,training"})
    keys = widget_keys(at)
    assert not keys & {"w_n_layers", "w_units_0", "w_act_0", "w_dropout", "w_init", "w_optimizer",
                       "w_learning_rate", "w_batch_size", "w_seed"}
    assert "w_dataset" in keys
    assert {h.value for h in at.header} == {"Data", "Features", "Schedule and stopping"}  # stopping is its own group
    assert run_of(at).config == LESSONS["spiral_needs_depth"].config
    at.run()
    assert run_of(at).config == LESSONS["spiral_needs_depth"].config


def test_hide_with_garbage_gives_a_notice():
    at = open_app({"hide": "learning_rate,<b>x</b>"})
    assert any("hide: ignored" in w.value for w in at.warning)
    assert "w_learning_rate" not in widget_keys(at)


def test_lock_disables_the_lesson_controls_and_says_so():
    lesson = LESSONS["overfitting"]
    at = open_app({"lesson": "overfitting", "lock": "1"})
    assert run_of(at).config == lesson.config
    assert at.selectbox(key="w_optimizer").disabled and at.select_slider(key="w_learning_rate").disabled
    assert at.number_input(key="w_n_layers").disabled and at.checkbox(key="w_feat_x1").disabled
    assert not at.slider(key="w_epochs_per_frame").disabled  # speed stays free
    assert any(LOCK_CAPTION in c.value for c in at.caption)
    labels = {b.label for b in at.button}
    assert "Restart lesson" in labels and not labels & {"Show a solution", "Leave lesson"}
    assert button(at, "Regenerate").disabled
    at.switch_page("pages/lessons.py").run()
    assert all(b.disabled for b in at.button if b.key and b.key.startswith("lesson_"))


def test_a_locked_lesson_can_still_be_solved():
    """Too high a learning rate, locked: the rate is the learner's to change, the rest stays as set."""
    at = open_app({"lesson": "learning_rate_too_high", "lock": "1"})
    assert not at.select_slider(key="w_learning_rate").disabled
    assert at.selectbox(key="w_dataset").disabled and at.selectbox(key="w_optimizer").disabled
    assert any("Yours to change: learning rate." in c.value for c in at.caption)
    at.select_slider(key="w_learning_rate").set_value(0.3).run()
    assert run_of(at).config == replace(LESSONS["learning_rate_too_high"].config, learning_rate=0.3)


def test_lock_without_a_lesson_gives_a_notice_and_locks_nothing():
    at = open_app({"lock": "1"})
    assert any("lock=1 only works together with lesson=NAME" in w.value for w in at.warning)
    assert not at.selectbox(key="w_optimizer").disabled


# --- Export / import ----------------------------------------------------------------------------------------
def open_export(query: dict | None = None) -> AppTest:
    at = open_app(query)
    at.session_state[state.EXPORT_OPEN] = True
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_export_panel_offers_every_download_and_both_codes():
    at = open_export()
    labels = {b.label for b in at.get("download_button")}
    assert {"Configuration (JSON)", "Model (.npz)", "History (CSV)", "Data (CSV)", "Download the script",
            "Download the Keras code"} <= labels
    code = [c.value for c in at.code]
    assert any("nnlib.Sequential([" in c and "EPOCHS = 0" in c for c in code)
    assert any("tf.keras.Sequential([" in c for c in code)
    assert any("replays this run exactly" in c.value for c in at.caption)


def test_the_export_notes_when_the_script_cannot_replay_the_run():
    at = open_export()
    button(at, "Step").click().run()
    at.select_slider(key="w_learning_rate").set_value(0.1).run()
    assert any("will not match this run exactly" in c.value for c in at.caption)


def test_hide_export_removes_the_panel():
    at = open_export({"hide": "export"})
    assert not at.get("download_button") or "Model (.npz)" not in {b.label for b in at.get("download_button")}
    assert not at.get("expander") or all("Export" not in e.label for e in at.get("expander"))


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=state.IMPORT_FILE).set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def test_importing_a_config_sets_every_control():
    at = open_export()
    wanted = LESSONS["regression_bumps"].config
    upload(at, "mine.json", exports.config_to_json(wanted).encode())
    assert run_of(at).config == wanted
    assert any("Loaded the settings from mine.json" in s.value for s in at.success)
    at.run()
    assert run_of(at).config == wanted


def test_importing_a_model_restores_its_weights():
    at = open_export()
    other = PlaygroundRun(replace(Config(), seed=5), make_data(Config()))
    other.train(20)
    upload(at, "model.npz", nnlib.model_to_bytes(other.model))
    for a, b in zip(run_of(at).model.get_weights(), other.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert run_of(at).epoch == 0
    assert any("Loaded the weights from model.npz" in s.value for s in at.success)
    assert any("its weights came from the file model.npz" in c.value for c in at.caption)
    scores = run_of(at).scores()  # the imported model's metrics show at once, before any step
    tiles = bar(at)
    assert tiles["Test accuracy"] == f"{scores.val_score:.4f}" and tiles["Train loss"] == f"{scores.loss:.4f}"
    assert scores.val_score > 0.6  # trained weights, not the fresh ones


def _doc(**changes) -> bytes:
    return json.dumps({"format": "nnlib-playground-config", "version": 1, "config": {}, **changes}).encode()


REJECTED = [
    ("bad.json", b"{not json", "not valid JSON"),
    ("format.json", _doc(format="other"), "format is \"other\""),
    ("version.json", _doc(version=9), "version 9 is not supported"),
    ("types.json", _doc(config={"layers": "4,2"}), "config.layers must be a list of whole numbers"),
    ("large.json", b" " * 20_001 + b"{}", "at most 20,000"),
    ("junk.npz", b"not a zip", "not an .npz archive"),
    ("shapes.npz", None, "but the Playground's network is"),
    ("pickle.npz", None, "allow_pickle=False"),
]


def _model_file(name: str) -> bytes:
    import io

    if name == "shapes.npz":
        return nnlib.model_to_bytes(PlaygroundRun(Config(layers=(3,), activations=("relu",)),
                                                  make_data(Config())).model)
    buffer = io.BytesIO()
    np.savez(buffer, config=np.array([{"evil": 1}], dtype=object))
    return buffer.getvalue()


def test_every_rejected_import_says_why_and_changes_nothing():
    at = open_export({"lesson": "xor_needs_hidden_layer"})
    button(at, "Step").click().run()
    run, config = run_of(at), run_of(at).config
    weights = [w.copy() for w in run.model.get_weights()]
    for name, data, message in REJECTED:
        upload(at, name, data if data is not None else _model_file(name))
        errors = [e.value for e in at.error]
        assert any(f"{name} was not imported, and nothing changed" in e and message in e for e in errors), \
            (name, errors)
        assert run_of(at) is run and run.epoch == 1 and run.config == config, name
        for a, b in zip(weights, run.model.get_weights()):
            np.testing.assert_array_equal(a, b, err_msg=name)
        assert at.session_state[state.CLASSROOM].lesson == "xor_needs_hidden_layer"
        assert "Lesson: XOR needs a hidden layer" in banner(at)


def test_import_is_disabled_under_a_lock():
    at = open_export({"lesson": "overfitting", "lock": "1"})
    assert at.file_uploader(key=state.IMPORT_FILE).disabled
