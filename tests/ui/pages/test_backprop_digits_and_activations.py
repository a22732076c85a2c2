"""The Learn pages in AppTest (Backprop, Digits, Activation explorer), and the pure helpers behind them.

Assertions read what the page shows (the figures' data, the tables) or what it keeps in session state,
and compare it with nnlib computing the same thing independently.
"""

import base64
import dataclasses
import importlib.util
import json
import sys

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnlib import activations as nn_activations
from tests.ui.helpers import APP
from ui.core.learn import activations as activation_lab
from ui.core.learn import backprop as walk
from ui.core.learn import digits
from ui.web.learn import backprop as backprop_page
from ui.web.learn import digits as digits_page


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at: AppTest, key_part: str) -> dict:
    """The Plotly figure (as JSON) of the chart whose element id contains ``key_part``."""
    for chart in at.get("plotly_chart"):
        if key_part in chart.proto.id:
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no chart with {key_part!r}; ids: {[c.proto.id for c in at.get('plotly_chart')]}")


def array(value) -> np.ndarray:
    """Plotly JSON arrays may be typed ({"dtype", "bdata", "shape"}) or plain lists."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = [int(s) for s in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value, dtype=float)


def trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


# ====================================================================================================
# Backprop, step by step
# ====================================================================================================
def test_backprop_steps_through_all_eight_stages_and_back():
    at = open_page("pages/backprop.py")
    assert at.title[0].value == "Backprop, step by step"
    seen = [at.subheader[0].value]
    assert at.button(key="backprop_prev").proto.disabled
    for _ in range(len(walk.STAGES) - 1):
        at.button(key="backprop_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        seen.append(at.subheader[0].value)
        assert at.latex and at.code, "every stage shows its equation and its code"
    assert seen == [f"Stage {i + 1} of 8: {s.title}" for i, s in enumerate(walk.STAGES)]
    assert at.button(key="backprop_next").proto.disabled
    assert at.session_state[backprop_page.BACKPROP_STAGE] == 7
    at.button(key="backprop_prev").click().run()
    assert at.subheader[0].value.startswith("Stage 7 of 8")


def test_backprop_stage_callback_is_idempotent_and_clamped():
    at = open_page("pages/backprop.py")
    # two clicks rendered from the same page both carry "go to stage 2": the second changes nothing
    next_button = at.button(key="backprop_next")
    next_button.click().run()
    assert at.session_state[backprop_page.BACKPROP_STAGE] == 1
    at.session_state[backprop_page.BACKPROP_STAGE] = 42  # whatever lands in state, the page clamps it
    at.run()
    assert not at.exception
    assert at.subheader[0].value.startswith("Stage 8 of 8")


def test_backprop_page_shows_nnlibs_numbers():
    """Stage 1 and 2 heatmaps hold exactly nnlib's layer_outputs; the gradient table holds
    loss_and_gradients, for the page's default seed."""
    at = open_page("pages/backprop.py")
    config = at.session_state[backprop_page.BACKPROP_CONFIG]
    model = walk.build_model(config.hidden, 0.1, config.seed)
    X, y = walk.make_batch(config)
    hidden, output = model.layer_outputs(X)
    fig = figure(at, "backprop_panels")
    np.testing.assert_allclose(array(trace(fig, "X")["z"]), X, rtol=1e-12)
    np.testing.assert_allclose(array(trace(fig, "z1")["z"]), hidden["z"], rtol=1e-12)
    np.testing.assert_allclose(array(trace(fig, "a1 = relu(z1)")["z"]), hidden["a"], rtol=1e-12)
    at.button(key="backprop_next").click().run()
    fig = figure(at, "backprop_panels")
    np.testing.assert_allclose(array(trace(fig, "p = softmax(z2)")["z"]), output["a"], rtol=1e-12)

    _, grads = model.loss_and_gradients(X, y)
    table = at.dataframe[0].value
    np.testing.assert_allclose(table["backprop"].to_numpy(), np.concatenate([g.ravel() for g in grads]),
                               rtol=1e-10, atol=1e-14)
    assert table["relative error"].max() < 1e-6


def test_apply_update_equals_train_on_batch_and_the_walk_continues():
    at = open_page("pages/backprop.py")
    at.select_slider(key="backprop_lr").set_value(0.3).run()
    for _ in range(7):
        at.button(key="backprop_next").click().run()
    config = at.session_state[backprop_page.BACKPROP_CONFIG]
    model = walk.build_model(config.hidden, 0.3, config.seed)
    X, y = walk.make_batch(config)
    loss_before = model.train_on_batch(X, y)
    loss_after = model.loss_and_gradients(X, y)[0]

    apply = at.button(key="backprop_apply")
    apply.click().run()
    assert not at.exception
    for mine, theirs in zip(at.session_state[backprop_page.BACKPROP_WEIGHTS], model.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)
    (before, after, lr), = at.session_state[backprop_page.BACKPROP_UPDATES]
    assert (before, lr) == (pytest.approx(loss_before, rel=1e-12), 0.3)
    assert after == pytest.approx(loss_after, rel=1e-12)
    assert at.subheader[0].value.startswith("Stage 1 of 8")  # back to the start, from the new weights
    assert f"{before:.4f}" in at.success[0].value and f"{after:.4f}" in at.success[0].value

    # a second update from the new weights: still nnlib's second step
    model.train_on_batch(X, y)
    for _ in range(7):
        at.button(key="backprop_next").click().run()
    at.button(key="backprop_apply").click().run()
    assert len(at.session_state[backprop_page.BACKPROP_UPDATES]) == 2
    for mine, theirs in zip(at.session_state[backprop_page.BACKPROP_WEIGHTS], model.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


def test_a_stale_apply_click_does_nothing():
    """The button carries the update count it was drawn with; if an update happened since (a double
    click), the click changes nothing."""
    at = open_page("pages/backprop.py")
    at.session_state[backprop_page.BACKPROP_STAGE] = 7
    at.run()
    weights = at.session_state[backprop_page.BACKPROP_WEIGHTS]
    at.session_state[backprop_page.BACKPROP_UPDATES] = [(1.0, 0.9, 0.1)]  # as if the first click already landed
    at.button(key="backprop_apply").click().run()
    assert not at.exception
    assert len(at.session_state[backprop_page.BACKPROP_UPDATES]) == 1
    assert at.session_state[backprop_page.BACKPROP_WEIGHTS] is weights


def test_a_module_reload_does_not_restart_the_walk():
    """Streamlit re-imports every app module when any source file changes; the config kept in session
    state is then an instance of the old class. The walk must carry on, not start over."""
    at = open_page("pages/backprop.py")
    at.button(key="backprop_next").click().run()
    at.button(key="backprop_next").click().run()
    spec = importlib.util.spec_from_file_location("backprop_walk_before_reload", walk.__file__)
    old_module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old_module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(old_module)
    finally:
        del sys.modules[spec.name]
    current = at.session_state[backprop_page.BACKPROP_CONFIG]
    stale = old_module.WalkConfig(**dataclasses.asdict(current))
    assert stale != current  # the trap: dataclass == also compares the class
    at.session_state[backprop_page.BACKPROP_CONFIG] = stale
    at.run()
    assert not at.exception
    assert at.subheader[0].value.startswith("Stage 3 of 8")


def test_changing_the_network_resets_but_the_learning_rate_keeps_the_weights():
    at = open_page("pages/backprop.py")
    for _ in range(7):
        at.button(key="backprop_next").click().run()
    at.button(key="backprop_apply").click().run()
    moved = at.session_state[backprop_page.BACKPROP_WEIGHTS]
    at.select_slider(key="backprop_lr").set_value(0.01).run()
    assert at.session_state[backprop_page.BACKPROP_WEIGHTS] is moved
    at.slider(key="backprop_hidden").set_value(5).run()
    assert not at.exception
    W1 = at.session_state[backprop_page.BACKPROP_WEIGHTS][0]
    assert W1.shape == (2, 5) and at.session_state[backprop_page.BACKPROP_UPDATES] == []
    at.button(key="backprop_reset").click().run()
    np.testing.assert_array_equal(at.session_state[backprop_page.BACKPROP_WEIGHTS][0], W1)


# ====================================================================================================
# Digits
# ====================================================================================================
def test_confusion_matrix_and_precision_recall_by_hand():
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 1])
    cm = digits.confusion_matrix(y_true, y_pred, n_classes=3)
    assert cm.tolist() == [[1, 1, 0], [1, 2, 0], [0, 1, 0]]
    assert cm.sum() == len(y_true)
    pr = digits.precision_recall(cm)
    np.testing.assert_allclose(pr["precision"][:2], [1 / 2, 2 / 4])
    np.testing.assert_allclose(pr["recall"], [1 / 2, 2 / 3, 0.0])
    assert np.isnan(pr["precision"][2])  # never predicted
    assert pr["support"].tolist() == [2, 3, 1]
    with pytest.raises(ValueError, match="class ids 0..2"):
        digits.confusion_matrix(np.array([0, 3]), np.array([0, 0]), n_classes=3)


def test_split_is_stratified_75_25_and_scaled_from_training_only():
    split = digits.load_split(True)
    assert len(split.y_train) + len(split.y_val) == 1797
    assert len(split.y_val) == 451
    counts = np.bincount(split.y_val, minlength=10) / np.bincount(split.y_train, minlength=10)
    assert np.all(np.abs(counts - 1 / 3) < 0.02)
    np.testing.assert_allclose(split.prepare(split.X_train).mean(axis=0), 0, atol=1e-12)
    raw = digits.load_split(False)
    np.testing.assert_array_equal(raw.prepare(raw.X_val), raw.X_val)
    np.testing.assert_array_equal(raw.X_val, split.X_val)


def test_the_code_shown_trains_exactly_what_the_page_trains():
    config = digits.DigitsConfig(hidden=16, dropout=0.1, optimizer="rmsprop", learning_rate=0.003, epochs=2,
                                 batch_size=64)
    code = digits.model_code(config)
    assert "Dense(16, activation='relu', input_shape=(64,))" in code and "Dropout(0.1)" in code
    assert "RMSprop(learning_rate=0.003)" in code and "epochs=2, batch_size=64" in code
    ns = {}
    exec(code.replace("validation_data=(X_test, y_test))", "validation_data=(X_test, y_test), verbose=0)"),  # noqa: S102
         ns)
    split = digits.load_split(True)
    model = digits.build_model(config)
    history = digits.fit(model, split, config)
    assert ns["history"].history == history.history
    for a, b in zip(ns["model"].get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    no_dropout = digits.model_code(digits.DigitsConfig(dropout=0.0, standardize=False))
    assert "Dropout(" not in no_dropout and "scale" not in no_dropout


def test_the_tutorial_defaults_reach_94_percent_in_10_epochs():
    config = digits.DigitsConfig()
    assert (config.hidden, config.dropout, config.optimizer, config.learning_rate, config.epochs,
            config.batch_size) == (64, 0.2, "adam", 0.001, 10, 32)
    split = digits.load_split(config.standardize)
    model = digits.build_model(config)
    history = digits.fit(model, split, config)
    results = digits.evaluate(model, split)
    assert results.accuracy >= 0.94
    assert results.accuracy == pytest.approx(history.history["val_accuracy"][-1])
    assert results.n_val == len(split.y_val)
    assert len(results.wrong) == results.n_val - np.trace(results.confusion)


def test_first_layer_images_are_the_kernel_columns():
    model = digits.build_model(digits.DigitsConfig(hidden=128))
    model.predict(np.zeros((1, 64)))  # builds it
    images = digits.first_layer_images(model, limit=64)
    assert images.shape == (64, 8, 8)
    np.testing.assert_array_equal(images[5].ravel(), model.layers[0].W[:, 5])


def train_on_page(epochs: int = 2) -> AppTest:
    at = open_page("pages/digits.py")
    assert "Dense(64, activation='relu', input_shape=(64,))" in at.code[0].value
    at.slider(key="digits_epochs").set_value(epochs).run()
    assert f"epochs={epochs}," in at.code[0].value  # the code follows the controls
    at.button(key="digits_train").click().run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_digits_trains_on_the_page_and_keeps_its_results():
    at = train_on_page(epochs=2)
    state = at.session_state
    results, model = state[digits_page.DIGITS_RESULTS], state[digits_page.DIGITS_MODEL]
    split = digits.load_split(True)
    assert state[digits_page.DIGITS_TRAINED_CONFIG].epochs == 2
    assert len(state[digits_page.DIGITS_HISTORY]["val_accuracy"]) == 2
    assert results.confusion.sum() == len(split.y_val) == 451
    cm_fig = figure(at, "digits_confusion")
    assert array(cm_fig["data"][0]["z"]).sum() == 451
    np.testing.assert_array_equal(results.predicted, model.predict(split.prepare(split.X_val)).argmax(axis=1))
    table = at.dataframe[0].value
    assert table["images"].sum() == 451 and list(table["digit"]) == list(range(10))
    assert any(m.label == "Validation accuracy" for m in at.metric)

    # reruns (another widget, a rerun) keep the very same model and results
    at.button(key="digits_copy").click().run()
    at.run()
    assert at.session_state[digits_page.DIGITS_MODEL] is model
    assert at.session_state[digits_page.DIGITS_RESULTS] is results
    # changing a control does not retrain or drop the results either
    at.slider(key="digits_epochs").set_value(3).run()
    assert at.session_state[digits_page.DIGITS_MODEL] is model
    assert any("controls changed" in c.value for c in at.caption)


def pad_data(at: AppTest) -> dict:
    """What the page sends the drawing pad: {pixels, version} (JSON in bytes, ui/web/canvas.py)."""
    element = next(e for e in at.get("bidi_component") if e.key == digits_page.DIGITS_PAD)
    return json.loads(element.proto.bytes)


def grey_levels_shown(at: AppTest) -> np.ndarray:
    """The 8x8 numbers the page prints under the prediction."""
    return np.array([[int(v) for v in line.split()] for line in at.code[-1].value.splitlines()])


PAD_KEYS = (digits_page.DIGITS_PIXELS, digits_page.DIGITS_PAD_VERSION, digits_page.DIGITS_PAD_PROBLEM,
            digits_page.DIGITS_COPIED)


def stroke(at: AppTest, value) -> None:
    """As the pad's stroke callback does (``digits_page.receive_stroke``), then the rerun. AppTest cannot send a
    component's trigger, and its session state has no ``get``/``pop``: the keys go through a dict."""
    state = {key: at.session_state[key] for key in PAD_KEYS if key in at.session_state}
    digits_page.receive_stroke(state, value)
    for key in PAD_KEYS:
        if key in state:
            at.session_state[key] = state[key]
        elif key in at.session_state:
            del at.session_state[key]
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_drawn_digit_goes_through_the_same_model():
    at = train_on_page(epochs=1)
    one = np.zeros((8, 8), dtype=int)
    one[1:7, 4], one[1, 3], one[6, 3:6] = 16, 9, 12  # a "1" with grey levels, as the pad would send it
    stroke(at, one.ravel().tolist())
    model = at.session_state[digits_page.DIGITS_MODEL]
    split = digits.load_split(True)
    expected = model.predict((one.reshape(1, 64) / 16 - split.mean) / split.scale)[0]
    shown = array(figure(at, "digits_drawn_probs")["data"][0]["y"])
    np.testing.assert_allclose(shown, expected, rtol=1e-12)
    assert shown.sum() == pytest.approx(1.0)
    reads = next(m.value for m in at.markdown if m.value.startswith("The model reads"))
    assert reads == f"The model reads **{expected.argmax()}** ({expected.max():.0%} sure)."
    np.testing.assert_array_equal(grey_levels_shown(at), one)
    assert pad_data(at)["pixels"] == one.ravel().tolist()  # the pad keeps showing what the model reads

    at.button(key="digits_clear").click().run()
    assert pad_data(at)["pixels"] == [0] * 64
    assert not grey_levels_shown(at).any()


def test_copying_a_test_digit_shows_its_grey_levels_and_its_true_label():
    at = train_on_page(epochs=1)
    split = digits.load_split(True)
    model = at.session_state[digits_page.DIGITS_MODEL]
    for index in range(2):  # each click takes the next validation image
        version = pad_data(at)["version"]
        at.button(key="digits_copy").click().run()
        image = np.rint(split.X_val[index] * 16).astype(int)
        assert pad_data(at) == {"pixels": image.tolist(), "version": version + 1}
        np.testing.assert_array_equal(grey_levels_shown(at), image.reshape(8, 8))
        probs = model.predict(split.prepare(split.X_val[index:index + 1]))[0]
        reads = next(m.value for m in at.markdown if m.value.startswith("The model reads"))
        assert reads == (f"The model reads **{probs.argmax()}** ({probs.max():.0%} sure); "
                         f"true label: **{split.y_val[index]}** (test digit {index + 1}).")
    # a stroke on top makes it the user's drawing: the label no longer applies
    edited = (image + np.eye(64, dtype=int)[0] * 16).tolist()
    stroke(at, edited)
    assert not any("true label" in m.value for m in at.markdown)


def test_a_hostile_pad_value_is_rejected_with_a_message_and_the_pad_is_reset():
    at = train_on_page(epochs=1)
    at.button(key="digits_copy").click().run()
    before = pad_data(at)
    stroke(at, [1, 2, 3])
    assert [w.value for w in at.warning] == [
        "The drawing pad sent 3 values, expected 64 (8×8); the drawing is kept as it was."]
    after = pad_data(at)
    assert after["pixels"] == before["pixels"] and after["version"] == before["version"] + 1  # the pad redraws
    stroke(at, [99] * 32 + [-5] * 32)
    assert [w.value for w in at.warning] == ["The drawing pad sent 64 values outside 0..16; clamped to the "
                                             "nearest end."]
    np.testing.assert_array_equal(grey_levels_shown(at).ravel(), [16] * 32 + [0] * 32)
    stroke(at, [0] * 64)  # a good stroke clears the message
    assert not at.warning


def test_digits_before_training_invites_to_train():
    at = open_page("pages/digits.py")
    assert digits_page.DIGITS_MODEL not in at.session_state
    assert any("Train" in i.value for i in at.info)
    assert not at.get("plotly_chart")


# ====================================================================================================
# Activation explorer
# ====================================================================================================
X_GRID = np.linspace(-6, 6, 601)


@pytest.mark.parametrize("name", nn_activations.names())
def test_derivative_curve_matches_finite_differences(name):
    f, df = activation_lab.activation_curves(name, X_GRID)
    h = 1e-6
    up = activation_lab.activation_curves(name, X_GRID + h)[0]
    down = activation_lab.activation_curves(name, X_GRID - h)[0]
    numeric = (up - down) / (2 * h)
    away_from_kinks = np.abs(X_GRID) > 1e-3  # relu-likes have a corner at 0
    np.testing.assert_allclose(df[away_from_kinks], numeric[away_from_kinks], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", [n for n in nn_activations.names() if n != "softmax"])
def test_curves_are_nnlibs_forward_and_derivative(name):
    act = nn_activations.get(name)
    f, df = activation_lab.activation_curves(name, X_GRID)
    z = X_GRID[:, None]
    np.testing.assert_array_equal(f, act.forward(z)[:, 0])
    np.testing.assert_allclose(df, act.derivative(z, act.forward(z))[:, 0], rtol=1e-12, atol=1e-15)


def test_softmax_curve_is_the_first_component_on_x_and_zero():
    f, df = activation_lab.activation_curves("softmax", X_GRID)
    s = 1 / (1 + np.exp(-X_GRID))
    np.testing.assert_allclose(f, s, rtol=1e-12)
    np.testing.assert_allclose(df, s * (1 - s), rtol=1e-9, atol=1e-15)


def test_derivative_check_catches_a_wrong_derivative():
    """Negative control: a sigmoid slope off by a factor of 2 must fail the same comparison."""
    f, df = activation_lab.activation_curves("sigmoid", X_GRID)
    numeric = np.gradient(f, X_GRID)
    assert not np.allclose(2 * df, numeric, rtol=1e-3, atol=1e-5)


def test_low_slope_intervals():
    x = np.linspace(-6, 6, 1201)
    _, d = activation_lab.activation_curves("sigmoid", x)
    (lo1, hi1), (lo2, hi2) = activation_lab.low_slope_intervals(x, d)
    assert lo1 == -6 and hi2 == 6 and -2.95 < hi1 < -2.85 and 2.85 < lo2 < 2.95
    assert activation_lab.low_slope_intervals(x, np.ones_like(x)) == []
    _, d = activation_lab.activation_curves("relu", x)
    assert activation_lab.low_slope_intervals(x, d) == [(-6.0, 0.0)]


def test_depth_experiment_uses_nnlib_and_shows_vanishing_gradients():
    result = activation_lab.depth_experiment("sigmoid", 8, ["glorot_uniform"], seed=0)
    norms = result.grad_norms["glorot_uniform"]
    assert len(norms) == 8 and len(result.spreads["glorot_uniform"]) == 8
    assert norms[0] < norms[-1] / 20  # sigmoid: the first layer hears almost nothing
    relu = activation_lab.depth_experiment("relu", 8, ["he_normal", "random_normal"], seed=0).grad_norms
    # too small a spread starves every layer; He keeps the first layer's gradient near the last one's
    assert max(relu["random_normal"]) < min(relu["he_normal"]) / 1e4
    assert 0.1 < relu["he_normal"][0] / relu["he_normal"][-1] < 10
    again = activation_lab.depth_experiment("sigmoid", 8, ["glorot_uniform"], seed=0).grad_norms["glorot_uniform"]
    assert again == norms
    with pytest.raises(ValueError, match="depth=11"):
        activation_lab.depth_experiment("relu", 11, ["he_normal"])


def test_every_activation_has_a_note():
    assert set(nn_activations.names()) <= set(activation_lab.ACTIVATION_NOTES)


def test_activation_page_renders_every_activation():
    at = open_page("pages/activations.py")
    assert at.title[0].value == "Activation explorer"
    x = np.linspace(-6.0, 6.0, 601)
    for name in nn_activations.names():
        at.selectbox(key="activations_name").set_value(name).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        fig = figure(at, "activations_curve")
        _, df = activation_lab.activation_curves(name, x)
        np.testing.assert_allclose(array(trace(fig, f"{name}′(x)")["y"]), df, rtol=1e-12, atol=1e-15)


def test_activation_page_depth_controls():
    at = open_page("pages/activations.py")
    at.selectbox(key="activations_depth_activation").set_value("tanh").run()
    at.slider(key="activations_depth").set_value(10).run()
    at.multiselect(key="activations_inits").set_value(list(activation_lab.DEPTH_INITIALIZERS)).run()
    assert not at.exception
    fig = figure(at, "activations_grad_norms")
    assert len(fig["data"]) == len(activation_lab.DEPTH_INITIALIZERS)
    expected = activation_lab.depth_experiment("tanh", 10, ["he_normal"], seed=0).grad_norms["he_normal"]
    np.testing.assert_allclose(array(trace(fig, "he_normal")["y"]), expected, rtol=1e-12)
    at.multiselect(key="activations_inits").set_value([]).run()
    assert not at.exception and any("at least one" in i.value for i in at.info)
