"""Training health in plain NumPy (ui/core/health.py): dead and saturated units on hand-set weights, the
hints, the hidden-space mapping and the chunked forward pass, against nnlib computing the same thing."""


import numpy as np

import nnlib
from ui.core import health
from ui.core.config import Config
from ui.core.data import features
from ui.core.run import PlaygroundRun, grid_points, make_data


def layer_model(activation: str, W, b) -> nnlib.Sequential:
    W = np.asarray(W, float)
    model = nnlib.Sequential([nnlib.Dense(W.shape[1], activation, input_shape=(W.shape[0],)),
                              nnlib.Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    weights = model.get_weights()
    weights[0], weights[1] = W, np.asarray(b, float)
    model.set_weights(weights)
    return model


def test_dead_relu_units_are_the_ones_never_active_on_the_data():
    x = np.random.default_rng(1).uniform(0.1, 2.0, size=(50, 2))  # positive inputs only
    # unit 1: negative weights -> z < 0 everywhere (dead); unit 2: alive; unit 3: negative bias too large (dead);
    # unit 4: active on a few points only (alive)
    W = [[-1.0, 1.0, 0.5, 1.0], [-1.0, 1.0, 0.5, 0.0]]
    b = [0.0, 0.0, -10.0, -1.8]
    model = layer_model("relu", W, b)
    a = health.dense_outputs(model, x)[0]
    assert health.dead_units(a).tolist() == [True, False, True, False]
    (h,) = health.layer_health(["relu"], [a], [0.5, 0.5])
    assert (h.dead, h.dead_fraction, h.saturated) == (2, 0.5, None)
    assert any("2 of 4 ReLU units are dead" in hint for hint in health.hints([h], [0.5, 0.5]))
    assert health.health_rows([h])[0]["dead ReLU units"] == "2 of 4 (50%)"


def test_saturated_units_need_the_flat_tail_on_most_points():
    x = np.concatenate([np.full((9, 1), 3.0), np.full((1, 1), 0.01)])  # 90% far from 0, 10% near 0
    x8 = np.concatenate([np.full((8, 1), 3.0), np.full((2, 1), 0.01)])  # 80% far from 0
    W, b = [[10.0, 0.1]], [0.0, 0.0]  # unit 1 steep, unit 2 gentle
    for activation in ("tanh", "sigmoid"):
        model = layer_model(activation, W, b)
        assert health.saturated_units(activation, health.dense_outputs(model, x)[0]).tolist() == [True, False]
        assert health.saturated_units(activation, health.dense_outputs(model, x8)[0]).tolist() == [False, False]
    assert health.saturated_units("relu", np.ones((3, 2))) is None
    a = np.array([[0.02, 0.5], [0.98, 0.5], [0.5, 0.99]])
    assert health.in_flat_tail("sigmoid", a).tolist() == [[True, False], [True, False], [False, True]]


def test_a_saturation_hint_names_only_an_input_the_network_has(make_run):
    (h,) = health.layer_health(["tanh"], [np.full((10, 2), 0.999)], [0.5, 0.5])  # both units saturated
    plain = make_run(features=("x1", "x2"))
    widest = health.widest_input(plain.inputs_train, plain.config.features)
    assert widest[0] in ("X₁", "X₂") and 4 < widest[1] <= 6  # the circle spans about -5 to 5
    hint = health.hints([h], [0.5, 0.5], widest)[0]
    assert "2 of 2 tanh units are saturated" in hint and "²" not in hint and f"reaches {widest[1]:.0f}" in hint
    squares = make_run(features=("x1", "x1sq"))
    assert health.widest_input(squares.inputs_train, squares.config.features)[0] == "X₁²"
    calm = health.hints([h], [0.5, 0.5], ("X₁", 1.0))[0]  # inputs near 0 are no reason to drop any
    assert "input features" not in calm and calm.endswith("Smaller initial weights or a lower learning rate help.")


def test_hints_name_vanishing_and_exploding_gradients_only_when_they_happen():
    assert any("Vanishing" in h for h in health.hints([], [1e-4, 1e-3, 1e-2]))
    assert any("Exploding" in h for h in health.hints([], [1e2, 1.0, 1.0]))
    assert health.hints([], [0.5, 1.0, 0.8]) == []
    assert health.hints([], [1.0]) == []  # no hidden layer: nothing to compare
    assert health.hints([], [np.nan, 1.0]) == []
    # converged: the output layer's gradient is nearly 0, so any ratio is large; nothing explodes (walk-through)
    assert health.hints([], [4e-3, 1e-3, 1e-4]) == []


def test_hidden_coordinates_are_the_layer_outputs_of_the_mapped_points(make_run):
    run = make_run(layers=(4, 3), activations=("tanh", "relu"))
    lines = health.grid_polylines(5, 9)
    assert lines.shape == (10, 9, 2)
    assert np.all(lines[:5, :, 0] == lines[:5, :1, 0]) and np.all(lines[5:, :, 1] == lines[5:, :1, 1])
    mapped = health.hidden_coordinates(run.model, run.config.features, 1, (2, 0), lines)
    assert mapped.shape == (10, 9, 2)
    a = run.model.layer_outputs(features.expand(lines.reshape(-1, 2), run.config.features))[1]["a"]
    np.testing.assert_allclose(mapped.reshape(-1, 2), a[:, [2, 0]])


def test_chunked_forward_equals_one_pass(make_run):
    run = make_run(layers=(6, 5), activations=("elu", "swish"))
    x = features.expand(grid_points(40), run.config.features)  # 1600 rows, several chunks
    for chunked, whole in zip(health.dense_outputs(run.model, x, chunk=512),
                              [o["a"] for o in run.model.layer_outputs(x) if o["kind"] == "Dense"]):
        np.testing.assert_allclose(chunked, whole)


def test_switched_off_units_are_not_counted_as_dead():
    config = Config(layers=(4, 2), activations=("relu", "relu"), off=("1.1", "1.2"))
    run = PlaygroundRun(config, make_data(config))
    outputs = health.dense_outputs(run.model, run.inputs_train)
    assert not outputs[0][:, :2].any()  # held at 0: to a plain count, two dead ReLU units
    working = health.working_units(run.model, outputs)
    assert working[0].shape[1] == 2 and working[1].shape[1] == 2
    rows = health.layer_health(["relu", "relu"], working[:-1], [1.0, 1.0, 1.0])
    assert rows[0].units == 2 and rows[0].dead == int(health.dead_units(outputs[0][:, 2:]).sum())
