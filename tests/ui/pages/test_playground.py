"""The Playground page, driven through Streamlit's AppTest (no browser)."""

import json
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import bar, click, open_app, run_of
from ui.core import exports, limits, pacing
from ui.core.data import csv_files
from ui.web import state


def epoch_metric(at: AppTest) -> int:
    return int(bar(at)["Epoch"].replace(",", ""))


def test_first_render_shows_epoch_zero_and_the_run_controls():
    at = open_app()
    assert epoch_metric(at) == 0
    assert {"Play", "Pause", "Step", "Reset"} <= {b.label for b in at.button}
    assert any(e.key == state.LIVE_VIEW for e in at.get("bidi_component"))  # the Playground's live view


def test_play_advances_the_epoch_and_pause_stops_it():
    at = open_app()
    click(at, "Play")
    after_play = epoch_metric(at)
    assert after_play > 0
    at.run()  # one more tick while playing
    assert epoch_metric(at) > after_play
    click(at, "Pause")
    paused = epoch_metric(at)
    at.run()
    at.run()
    assert epoch_metric(at) == paused


def test_step_trains_exactly_one_epoch():
    at = open_app()
    click(at, "Step")
    assert epoch_metric(at) == 1
    click(at, "Step")
    assert epoch_metric(at) == 2


def test_reset_returns_to_epoch_zero_with_the_same_initial_weights():
    at = open_app()
    initial = [w.copy() for w in run_of(at).model.get_weights()]
    click(at, "Step")
    click(at, "Step")
    trained = run_of(at).model.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(initial, trained))
    click(at, "Reset")
    assert epoch_metric(at) == 0
    for a, b in zip(initial, run_of(at).model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_learning_rate_change_keeps_the_weights():
    at = open_app()
    click(at, "Step")
    before = run_of(at)
    weights = [w.copy() for w in before.model.get_weights()]
    at.select_slider(key="w_learning_rate").set_value(0.1).run()
    assert not at.exception
    after = run_of(at)
    assert after is before and after.epoch == 1
    assert after.model.optimizer.learning_rate == pytest.approx(0.1)
    for a, b in zip(weights, after.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_architecture_change_resets_the_weights_and_says_so():
    at = open_app()
    click(at, "Step")
    at.number_input(key="w_units_0").set_value(6).run()
    assert not at.exception
    run = run_of(at)
    assert run.epoch == 0
    assert run.model.layers[0].units == 6
    assert any("re-initialized" in w.value for w in at.info)
    click(at, "Step")
    assert not any("re-initialized" in w.value for w in at.info)  # it said so until training went on


def test_url_parameters_load():
    at = open_app({"dataset": "spiral", "layers": "8,8,8", "activations": "relu", "learning_rate": "0.01",
                          "optimizer": "adam", "seed": "7"})
    run = run_of(at)
    assert run.config.dataset == "spiral"
    assert run.config.layers == (8, 8, 8)
    assert run.config.activations == ("relu", "relu", "relu")
    assert run.config.optimizer == "adam" and run.config.seed == 7
    assert at.selectbox(key="w_dataset").value == "spiral"
    assert not at.warning  # nothing to complain about


@pytest.mark.parametrize("query", [
    {"layers": "999,-4,abc"},
    {"learning_rate": "NaN", "noise": "1e309"},
    {"dataset": "<script>alert(1)</script>"},
    {"seed": "-1", "samples": "99999999", "batch_size": "0"},
    {"features": ",,,", "activations": "softmax,banana"},
    {"unknown": "x" * 5000},
])
def test_garbage_url_parameters_give_a_notice_not_an_exception(query):
    at = open_app(query)
    assert at.warning, "a notice should say what was ignored or clamped"
    assert epoch_metric(at) == 0
    click(at, "Step")
    assert epoch_metric(at) == 1


def test_divergence_pauses_and_explains_and_reset_recovers():
    at = open_app({"dataset": "plane", "learning_rate": "10", "layers": "8,8", "activations": "relu"})
    for _ in range(3):
        click(at, "Step")
    run = run_of(at)
    assert run.diverged
    assert any("learning rate" in e.value and "too high" in e.value for e in at.error)
    assert not at.session_state[state.LOOP.PLAYING]
    assert next(b for b in at.button if b.label == "Play").disabled  # refused while diverged: the error says why
    click(at, "Reset")
    assert not run_of(at).diverged and epoch_metric(at) == 0
    assert not at.error


def test_the_config_is_mirrored_into_the_url():
    at = open_app()
    at.selectbox(key="w_dataset").set_value("xor").run()
    assert at.query_params["dataset"] == "xor"


def test_idle_sessions_pause_by_themselves():
    at = open_app()
    click(at, "Play")
    assert at.session_state[state.LOOP.PLAYING]
    at.session_state[state.LOOP.LAST_ACTION] = time.monotonic() - limits.IDLE_PAUSE_SECONDS - 1
    at.run()
    assert not at.session_state[state.LOOP.PLAYING]
    assert any("without interaction" in i.value for i in at.info)


def test_the_data_download_reads_back_as_the_same_points():
    at = open_app()
    run = run_of(at)
    X, y, kind = csv_files.load_csv(exports.data_to_csv(run.data))
    assert kind == "binary" and len(y) == len(run.data.y_train) + len(run.data.y_test)
    np.testing.assert_array_equal(X[: len(run.data.X_train)], run.data.X_train)



@pytest.mark.parametrize(("key", "value"), [
    ("w_noise", 5.0), ("w_samples", 10**9), ("w_n_layers", 60), ("w_seed", -5), ("w_epochs_per_frame", 10**6),
    ("w_batch_size", 10**7), ("w_units_0", 10**4), ("w_dropout", 3.0),
])
def test_injected_widget_values_stay_within_the_limits(key, value):
    at = open_app()
    at.session_state[key] = value
    at.run()
    assert not at.exception
    config = run_of(at).config
    assert 0 <= config.noise <= 0.5 and limits.MIN_SAMPLES <= config.samples <= limits.MAX_SAMPLES
    assert len(config.layers) <= limits.MAX_HIDDEN_LAYERS and all(1 <= u <= limits.MAX_NEURONS for u in config.layers)
    assert 1 <= config.epochs_per_frame <= limits.MAX_EPOCHS_PER_FRAME and 0 <= config.seed <= limits.MAX_SEED
    assert 1 <= config.batch_size <= config.samples and 0 <= config.dropout <= 0.9


def live_frames(at: AppTest) -> list[dict]:
    view = next(e for e in at.get("bidi_component") if e.key == "pg_live_view")
    return json.loads(view.proto.bytes)["frames"]


def test_slow_ticks_bundle_several_frames_in_training_order():
    at = click(open_app(), "Play")
    first = [f["epoch"] for f in live_frames(at)]
    assert first == [8, 16, 24, 32, 40, 48, 56, 64]  # the intended pace: eight frames of the default 8 epochs
    slow = pacing.MAX_FRAMES_PER_TICK
    at.session_state[state.TICK_SECONDS] = slow * pacing.FRAME_SECONDS  # ticks have been coming slowly
    at.session_state[state.LAST_TICK] = time.monotonic() - slow * pacing.FRAME_SECONDS
    at.run()
    frames = live_frames(at)
    epochs = [f["epoch"] for f in frames]
    assert len(frames) == slow > len(first) and epochs == sorted(set(epochs))  # distinct moments, oldest first
    assert epochs[0] > first[-1] and epochs[-1] == epoch_metric(at)
    assert len({f["params"] for f in frames}) == slow  # the weights moved between them
