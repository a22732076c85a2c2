"""The backprop walk's hand-written NumPy agrees with nnlib, with finite differences, and with paper."""

import numpy as np
import pytest

from ui.core.learn import backprop as walk

CONFIGS = [
    walk.WalkConfig("xor", 3, 4, 0),
    walk.WalkConfig("circle", 2, 2, 7),
    walk.WalkConfig("moons", 5, 8, 3),
    walk.WalkConfig("spiral", 4, 5, 11),
]
EXACT = {"rtol": 1e-12, "atol": 1e-14}


def _step(config: walk.WalkConfig, weights=None) -> walk.Step:
    X, y = walk.make_batch(config)
    return walk.forward_backward(X, y, weights or walk.initial_weights(config))


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_forward_arrays_equal_nnlib_layer_outputs(config):
    model = walk.build_model(config.hidden, 0.1, config.seed)
    X, y = walk.make_batch(config)
    step = walk.forward_backward(X, y, tuple(model.get_weights()))
    hidden, output = model.layer_outputs(X)
    np.testing.assert_allclose(step.z1, hidden["z"], **EXACT)
    np.testing.assert_allclose(step.a1, hidden["a"], **EXACT)
    np.testing.assert_allclose(step.z2, output["z"], **EXACT)
    np.testing.assert_allclose(step.p, output["a"], **EXACT)


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_loss_and_gradients_equal_nnlib(config):
    model = walk.build_model(config.hidden, 0.1, config.seed)
    X, y = walk.make_batch(config)
    step = walk.forward_backward(X, y, tuple(model.get_weights()))
    loss, grads = model.loss_and_gradients(X, y)
    assert step.loss == pytest.approx(loss, rel=1e-12)
    assert len(grads) == len(step.gradients) == 4
    for name, mine, theirs in zip(walk.PARAM_NAMES, step.gradients, grads, strict=True):
        assert mine.shape == theirs.shape, name
        np.testing.assert_allclose(mine, theirs, **EXACT, err_msg=name)


def test_initial_weights_are_nnlibs_for_the_same_seed_and_differ_across_seeds():
    config = CONFIGS[0]
    nnlib_weights = walk.build_model(3, 0.5, 0).get_weights()
    for mine, theirs in zip(walk.initial_weights(config), nnlib_weights, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    other = walk.initial_weights(walk.WalkConfig("xor", 3, 4, 1))
    assert not np.array_equal(walk.initial_weights(config)[0], other[0])


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("lr", [0.01, 0.3])
def test_updates_equal_train_on_batch_step_after_step(config, lr):
    model = walk.build_model(config.hidden, lr, config.seed)
    X, y = walk.make_batch(config)
    weights = tuple(model.get_weights())
    for _ in range(3):  # the walk continues from the new weights, as the page does
        step = walk.forward_backward(X, y, weights)
        reported = model.train_on_batch(X, y)  # returns the loss before the step
        assert step.loss == pytest.approx(reported, rel=1e-12)
        weights = walk.sgd_update(step, lr)
        for name, mine, theirs in zip(walk.PARAM_NAMES, weights, model.get_weights(), strict=True):
            np.testing.assert_allclose(mine, theirs, **EXACT, err_msg=name)


def test_update_returns_new_arrays_and_leaves_the_old_ones_alone():
    step = _step(CONFIGS[0])
    before = [w.copy() for w in step.weights]
    after = walk.sgd_update(step, 0.1)
    for old, kept, new in zip(before, step.weights, after, strict=True):
        np.testing.assert_array_equal(old, kept)
        assert new is not kept


def test_a_small_step_lowers_the_loss():
    config = CONFIGS[0]
    step = _step(config)
    X, y = walk.make_batch(config)
    assert walk.loss_of(X, y, walk.sgd_update(step, 0.01)) < step.loss


# --- a step worked on paper -------------------------------------------------------------------------------
def test_hand_worked_example():
    """x = (1, 2), class 0. W1 = I so z1 = a1 = (1, 2); W2 = diag(2, 1) so z2 = (2, 2) and p = (½, ½).
    dz2 = (-½, ½); dW2 = a1ᵀ dz2; da1 = dz2 W2ᵀ = (-1, ½); both units active, so dz1 = da1."""
    X, y = np.array([[1.0, 2.0]]), np.array([0])
    weights = (np.eye(2), np.zeros(2), np.diag([2.0, 1.0]), np.zeros(2))
    s = walk.forward_backward(X, y, weights)
    np.testing.assert_allclose(s.z1, [[1, 2]])
    np.testing.assert_allclose(s.p, [[0.5, 0.5]])
    assert s.loss == pytest.approx(np.log(2))
    np.testing.assert_allclose(s.dz2, [[-0.5, 0.5]])
    np.testing.assert_allclose(s.dW2, [[-0.5, 0.5], [-1.0, 1.0]])
    np.testing.assert_allclose(s.db2, [-0.5, 0.5])
    np.testing.assert_allclose(s.da1, [[-1.0, 0.5]])
    np.testing.assert_allclose(s.dz1, [[-1.0, 0.5]])
    np.testing.assert_allclose(s.dW1, [[-1.0, 0.5], [-2.0, 1.0]])
    np.testing.assert_allclose(s.db1, [-1.0, 0.5])
    W1, b1, W2, b2 = walk.sgd_update(s, 0.1)
    np.testing.assert_allclose(W1, [[1.1, -0.05], [0.2, 0.9]])
    np.testing.assert_allclose(b2, [0.05, -0.05])


def test_a_silent_relu_blocks_the_gradient():
    X, y = np.array([[1.0, 2.0]]), np.array([0])
    weights = (np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros(2), np.diag([2.0, 1.0]), np.zeros(2))
    s = walk.forward_backward(X, y, weights)
    assert s.a1[0, 1] == 0 and s.relu_grad[0, 1] == 0
    assert s.dz1[0, 1] == 0 and np.all(s.dW1[:, 1] == 0) and s.dW2[1].tolist() == [0.0, 0.0]


def test_gradients_are_batch_means():
    """A batch of two copies of one point gives the gradients of that point alone (nnlib averages)."""
    config = CONFIGS[0]
    X, y = walk.make_batch(config)
    weights = walk.initial_weights(config)
    one = walk.forward_backward(X[:1], y[:1], weights)
    two = walk.forward_backward(np.repeat(X[:1], 2, axis=0), np.repeat(y[:1], 2), weights)
    for a, b in zip(one.gradients, two.gradients, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# --- gradient check ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_gradient_check_agrees(config):
    rows = walk.gradient_check_rows(_step(config))
    h = config.hidden
    assert len(rows) == 2 * h + h + 2 * h + 2
    assert rows[0]["weight"] == "W1[1, 1]" and rows[-1]["weight"] == "b2[2]"
    assert max(r["relative error"] for r in rows) < 1e-6


def test_gradient_check_catches_a_wrong_gradient():
    """Negative control: drop the 1/m, or the ReLU gate, and the check must object."""
    config = walk.WalkConfig("moons", 5, 8, 3)
    step = _step(config)
    numeric = walk.numeric_gradients(step.X, step.y, step.weights)
    no_mean = step.dW2 * len(step.y)
    assert walk.relative_error(no_mean, numeric[2]).max() > 0.5
    ungated = step.X.T @ step.da1
    assert step.relu_grad.min() == 0, "this batch must have a silent unit for the control to bite"
    assert walk.relative_error(ungated, numeric[0]).max() > 1e-3


def test_relative_error():
    assert walk.relative_error(np.array(1.0), np.array(1.0)) == 0
    assert walk.relative_error(np.array(1.0), np.array(-1.0)) == 1
    assert walk.relative_error(np.array(0.0), np.array(0.0)) == 0


# --- stages -----------------------------------------------------------------------------------------------
def test_the_code_each_stage_shows_computes_the_walks_arrays():
    """Run the stages' code snippets one after another; they must rebuild every array of the step."""
    config = CONFIGS[2]
    X, y = walk.make_batch(config)
    W1, b1, W2, b2 = walk.initial_weights(config)
    s = walk.forward_backward(X, y, (W1, b1, W2, b2))
    ns = {"np": np, "X": X, "y": y, "lr": 0.3,
          "W1": W1.copy(), "b1": b1.copy(), "W2": W2.copy(), "b2": b2.copy()}
    for stage in walk.STAGES[:-1]:
        exec(stage.code, ns)  # noqa: S102 (our own constant strings)
    for name in ("z1", "a1", "z2", "p", "loss", "Y", "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"):
        np.testing.assert_allclose(ns[name], getattr(s, name), rtol=1e-12, atol=1e-15, err_msg=name)
    exec(walk.STAGES[-1].code, ns)  # noqa: S102
    for name, expected in zip(walk.PARAM_NAMES, walk.sgd_update(s, 0.3), strict=True):
        np.testing.assert_allclose(ns[name], expected, rtol=1e-12, err_msg=name)


def test_every_stage_has_its_parts_and_panels_match_the_step():
    assert len(walk.STAGES) == 8
    step = _step(CONFIGS[0])
    for stage in walk.STAGES:
        assert stage.title and stage.latex and stage.explanation
        assert len(stage.code.strip().splitlines()) == 2
        for panel in stage.panels(step, 0.1):
            assert panel.values.ndim == 2
            assert panel.values.shape == (len(panel.rows), len(panel.cols)), panel.name
    names = [p.name for p in walk.STAGES[0].panels(step, 0.1)]
    assert names[:3] == ["X", "W1", "b1"]


def test_clamp_stage():
    assert walk.clamp_stage(-3) == 0
    assert walk.clamp_stage(3) == 3
    assert walk.clamp_stage(99) == len(walk.STAGES) - 1


def test_config_rejects_out_of_range_values_and_says_what_it_got():
    with pytest.raises(ValueError, match="hidden=9"):
        walk.WalkConfig(hidden=9)
    with pytest.raises(ValueError, match="batch=1"):
        walk.WalkConfig(batch=1)
    with pytest.raises(ValueError, match="unknown dataset 'plane'"):
        walk.WalkConfig(dataset="plane")


def test_batch_is_seeded():
    a, b = walk.make_batch(CONFIGS[0]), walk.make_batch(CONFIGS[0])
    np.testing.assert_array_equal(a[0], b[0])
    c = walk.make_batch(walk.WalkConfig("xor", 3, 4, 1))
    assert not np.array_equal(a[0], c[0])
    assert a[0].shape == (4, 2) and set(np.unique(a[1])) <= {0, 1}
