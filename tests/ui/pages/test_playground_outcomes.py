"""What a Playground user asked for is what they get: uploads become the data, the numbers on screen are
those of the weights on screen, a setting the user picked is the one used (or the page says why not).

Every number checked here is recomputed independently, from the run's weights with plain NumPy.
"""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import bar, click, open_app, run_of
from ui.core.data import features
from ui.web import state


def metric(at: AppTest, label: str) -> str:
    return bar(at)[label]


def caption_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def notices(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)


def upload(at: AppTest, text: str, name: str = "mine.csv") -> AppTest:
    at.file_uploader(key="w_csv").upload(name, text.encode(), "text/csv").run()
    assert not at.exception, at.exception
    return at


def rows_csv(n: int, label=lambda i: i % 2, scale: float = 1.0) -> str:
    rng = np.random.default_rng(1)
    points = rng.uniform(-5, 5, size=(n, 2)) * scale
    return "x1,x2,label\n" + "".join(f"{a},{b},{label(i)}\n" for i, (a, b) in enumerate(points))


# --- bug 1: the upload is the data ------------------------------------------------------------------------
@pytest.mark.parametrize("label, kind", [
    (lambda i: i % 2, "binary"),
    (lambda i: ("cat", "dog", "emu")[i % 3], "multiclass"),
    (lambda i: round(np.sin(i) * 0.9, 3), "regression"),
])
def test_an_uploaded_csv_becomes_the_data_on_the_plane(label, kind):
    at = upload(open_app(), rows_csv(300, label))
    data = run_of(at).data
    assert data.kind == kind
    assert len(data.y_train) + len(data.y_test) == 300
    assert f"{len(data.y_train)} training and {len(data.y_test)} test points" in caption_text(at)
    assert "Ignored URL parameter" not in notices(at)
    click(at, "Step")
    assert metric(at, "Epoch") == "1"
    assert len(run_of(at).data.y_train) + len(run_of(at).data.y_test) == 300  # a step keeps the upload


def test_out_of_range_coordinates_are_rescaled_and_used():
    at = upload(open_app(), rows_csv(300, scale=100.0))
    data = run_of(at).data
    assert len(data.y_train) + len(data.y_test) == 300
    assert np.abs(np.vstack([data.X_train, data.X_test])).max() <= 6.0
    assert "rescaled" in notices(at)


def test_a_broken_upload_changes_nothing_and_says_why():
    at = upload(open_app(), rows_csv(300))
    before = run_of(at).data
    upload(at, "x1,x2,label\n1,2,0\n3,oops,1\n", name="broken.csv")
    assert "oops" in " ".join(e.value for e in at.error)
    assert run_of(at).data is before


def test_several_uploads_in_a_row_keep_the_feature_choice():
    at = open_app({"features": "x1,x2,x1x2"})
    for i in range(4):
        upload(at, rows_csv(100 + 50 * i), name=f"set{i}.csv")
        assert run_of(at).config.features == ("x1", "x2", "x1x2")
        assert len(run_of(at).data.y_train) + len(run_of(at).data.y_test) == 100 + 50 * i
    assert "Pick at least one input feature" not in notices(at)


# --- bugs 2 and 3: the numbers are those of the weights shown ---------------------------------------------
def independent_scores(run) -> tuple[float, float, float, float]:
    """Binary cross-entropy and accuracy of the run's weights, forward pass written out in NumPy."""
    weights = run.model.get_weights()
    acts = [*run.config.activations, "sigmoid"]
    fns = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}

    def logit(x):
        for (W, b), act in zip(zip(weights[::2], weights[1::2]), acts):
            z = x @ W + b
            x = fns[act](z)
        return z[:, 0]

    out = []
    for X, y in ((run.data.X_train, run.data.y_train), (run.data.X_test, run.data.y_test)):
        z = logit(features.expand(X, run.config.features))
        cross_entropy = np.mean(np.logaddexp(0, z) - y * z)  # -log sigmoid, from the logit (no clipping)
        out.append((float(cross_entropy), float(np.mean((z > 0) == y))))
    return out[0][0], out[1][0], out[0][1], out[1][1]


def shown(at: AppTest) -> tuple[float, ...]:
    return tuple(float(metric(at, label)) for label in ("Train loss", "Test loss", "Train accuracy",
                                                        "Test accuracy"))


def test_the_metrics_shown_are_the_data_loss_and_accuracy_of_the_weights_shown():
    """The issue's setup: dropout 0.2 and L2 0.01 on the circle. Train figures used to be running averages
    with dropout on, and the test loss included the L2 penalty."""
    at = open_app({"features": "x1,x2,x1sq,x2sq,x1x2,sinx1", "layers": "6,8,8", "activations": "tanh",
                   "optimizer": "adam", "learning_rate": "0.1", "batch_size": "1", "dropout": "0.2",
                   "regularization": "l2", "reg_rate": "0.01", "samples": "100"})
    for _ in range(3):
        click(at, "Step")
    expected = independent_scores(run_of(at))
    np.testing.assert_allclose(shown(at), expected, atol=6e-4)
    assert float(metric(at, "L2 penalty")) > 0


def test_moons_at_epoch_one_shows_scores_of_the_same_weights():
    at = open_app({"dataset": "moons", "layers": "4", "activations": "tanh"})
    click(at, "Step")
    np.testing.assert_allclose(shown(at), independent_scores(run_of(at)), atol=6e-4)


def test_a_weight_edit_updates_the_metrics_at_once():
    at = open_app({"features": "x1sq,x2sq", "layers": "none", "learning_rate": "0.3"})
    for _ in range(5):
        click(at, "Step")
    run = run_of(at)
    with run.lock:
        weights = run.model.get_weights()
        weights[0][0, 0] = -8.0  # the weight from X1 squared, as the edit
        run.model.set_weights(weights)
    at.run()
    np.testing.assert_allclose(shown(at), independent_scores(run), atol=6e-4)


# --- bug 4: the divergence message names the rate that diverged -------------------------------------------
def test_the_divergence_message_quotes_the_rate_that_diverged():
    at = open_app({"dataset": "plane", "learning_rate": "10"})
    click(at, "Play")
    for _ in range(10):
        if run_of(at).diverged:
            break
        at.run()
    assert run_of(at).diverged
    at.select_slider(key="w_learning_rate").set_value(0.01).run()
    message = " ".join(e.value for e in at.error)
    assert "learning rate 10 " in message and "Try 1 " in message, message
    assert "0.01" not in message
    run = run_of(at)
    grey = not np.isfinite(run.grid_output()).all()  # here the outputs overflow the loss, not themselves
    assert ("The plane is grey" in message) == grey, (grey, message)
    assert not grey  # this case: the sentence must be absent
    health = " ".join(w.value for w in at.warning)
    assert "saturated" not in health and "dead" not in health, health  # a diverged network has no health to tell


# --- bug 5: the loss the user sees is the loss used ---------------------------------------------------------
def test_only_losses_that_fit_the_problem_are_offered():
    at = open_app()
    assert not any("MAE" in o for o in at.selectbox(key="w_loss").options)
    at = open_app({"dataset": "plane"})
    assert not any("Cross-entropy" in o for o in at.selectbox(key="w_loss").options)


def test_a_loss_that_does_not_fit_says_what_is_used_instead():
    at = open_app({"dataset": "plane", "loss": "crossentropy"})
    assert run_of(at).model.loss.name == "mse"
    assert "crossentropy" in notices(at).replace("-", "").lower() and "MSE" in notices(at)
    assert at.selectbox(key="w_loss").value == "auto"


def test_switching_to_a_set_where_the_loss_does_not_fit_says_so():
    at = open_app({"dataset": "plane", "loss": "mae"})
    assert run_of(at).model.loss.name == "mae"
    at.selectbox(key="w_dataset").set_value("circle").run()
    assert run_of(at).model.loss.name == "binary_crossentropy"
    assert "MAE" in notices(at)


def test_the_caption_names_the_loss_in_the_widget():
    at = open_app({"loss": "mse"})
    assert run_of(at).model.loss.name == "mse"
    assert "loss: mse" in caption_text(at)
    assert state.RUN in at.session_state


def test_a_shared_link_with_a_seed_trains_on_its_own_points():
    at = open_app({"dataset": "xor", "seed": "5"})
    first = run_of(at)
    click(at, "Step")
    assert run_of(at) is first and metric(at, "Epoch") == "1"
    assert "re-initialized" not in notices(at)


def test_a_second_upload_of_another_size_keeps_the_batch_size():
    """The batch slider's end moves with the training set's size; the chosen batch must not fall to 1."""
    at = upload(open_app({"batch_size": "10"}), rows_csv(300))
    assert run_of(at).config.batch_size == 10
    upload(at, rows_csv(200), "smaller.csv")
    at.run()
    assert run_of(at).config.batch_size == 10
    assert at.slider(key="w_batch_size").value == 10


# --- bug 11: notices are gathered, dismissible, and never stale -------------------------------------------
def test_url_notices_are_one_box_that_can_be_dismissed():
    at = open_app({"layers": "abc", "noise": "NaN", "dataset": "nope", "seed": "-5", "lock": "maybe"})
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert all(word in text for word in ("layers", "noise", "dataset", "seed = -5", "lock")), text
    click(at, "Dismiss")
    assert len(at.warning) == 0


def test_a_failed_upload_clears_the_notes_of_the_previous_one():
    at = upload(open_app(), rows_csv(300, scale=100.0))
    assert "rescaled" in notices(at)
    upload(at, "x1,x2,label\n1,2,0\n3,oops,1\n", name="broken.csv")
    assert "rescaled" not in notices(at)


def test_upload_notes_stay_while_that_upload_is_the_data():
    """A change of a setting fires its on_change, which clears the notices about the last change; the notes on
    the data still hold. (Seen in Chromium: the browser re-sends the loss option's old label after uploads in a
    row, which fires the loss widget's on_change, and the "rescaled" note vanished.)"""
    at = upload(upload(open_app(), rows_csv(300, label=lambda i: i / 300)), rows_csv(300, scale=100.0), "far.csv")
    assert "rescaled" in notices(at)
    at.selectbox(key="w_loss").select("crossentropy").run()
    at.run()
    assert "rescaled" in notices(at)
    click(at, "Dismiss")
    assert "rescaled" not in notices(at)
    upload(at, rows_csv(300, scale=100.0), "far-again.csv")
    assert "rescaled" in notices(at)  # a new file, its own notes

# --- bug 9: a NaN output is shown as no value, and said --------------------------------------------------
def test_a_model_that_outputs_nan_says_the_plane_is_grey():
    at = open_app()
    run = run_of(at)
    with run.lock:
        run.model.set_weights([np.full_like(w, np.nan) for w in run.model.get_weights()])
    at.run()
    assert "grey where the network's output is no longer a number" in " ".join(e.value for e in at.error)
    assert metric(at, "Train loss") == "NaN"


# --- small things: view toggles in the link, Regenerate, hidden groups ------------------------------------
def test_the_view_toggles_travel_in_the_link_and_keep_the_weights():
    at = open_app({"show_test": "1", "log_loss": "1"})
    config = run_of(at).config
    assert config.show_test and config.log_loss and not config.discretize
    assert at.toggle(key="w_show_test").value and at.toggle(key="w_log_loss").value
    click(at, "Step")
    run = run_of(at)
    at.toggle(key="w_discretize").set_value(True).run()
    assert run_of(at) is run and run.epoch == 1  # a view setting never restarts training
    assert at.query_params["discretize"] == "1" and at.query_params["show_test"] == "1"


def test_regenerate_draws_new_points_and_keeps_the_initial_weights_seed():
    at = open_app({"seed": "7"})
    before = run_of(at)
    click(at, "Regenerate")
    after = run_of(at)
    assert not np.array_equal(before.data.X_train, after.data.X_train)
    for a, b in zip(before.snapshots.at(0).weights, after.model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the same initial weights
    assert after.config.seed == 7 and after.config.data_seed > 0
    assert "initial weights keep seed 7" in notices(at)
    assert at.query_params["data_seed"] == str(after.config.data_seed)  # the link reproduces the new points


def test_a_link_with_a_data_seed_reproduces_the_points():
    first = run_of(open_app({"seed": "7", "data_seed": "123"}))
    again = run_of(open_app({"seed": "7", "data_seed": "123"}))
    np.testing.assert_array_equal(first.data.X_train, again.data.X_train)
    plain = run_of(open_app({"seed": "7"}))
    assert not np.array_equal(first.data.X_train, plain.data.X_train)


def test_a_hidden_network_group_leaves_no_empty_rows_in_the_sidebar():
    at = open_app({"hide": "network", "layers": "4,4,4"})
    assert len(at.sidebar.columns) == 3  # only the features' three columns
    assert run_of(at).config.layers == (4, 4, 4)


def test_a_dead_network_says_so_in_the_main_view():
    """The issue's setup: spiral, SGD at rate 10, ReLU; after a few Steps the units are dead."""
    at = open_app({"dataset": "spiral", "learning_rate": "10", "activations": "relu", "layers": "4,2"})
    for _ in range(3):
        click(at, "Step")
    text = " ".join(w.value for w in at.warning)
    assert "ReLU units are dead" in text or "Every weight gradient is 0" in text, text
    assert "Inside the network" in text


def test_a_healthy_network_shows_no_health_warning():
    at = open_app()
    click(at, "Step")
    assert not any("Inside the network" in w.value for w in at.warning)


def test_a_csv_too_small_to_split_is_refused_and_changes_nothing():
    at = open_app()
    before = run_of(at).data
    upload(at, "x1,x2,label\n1,2,0\n3,4,1\n", name="tiny.csv")
    assert "needs at least 10" in " ".join(e.value for e in at.error)
    assert run_of(at).data is before
    click(at, "Step")
    assert metric(at, "Epoch") == "1"

