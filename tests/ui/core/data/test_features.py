"""Input feature expansion: hand-computed values, order, errors, and speed on the drawing grid."""

import re
import time

import numpy as np
import pytest

from ui.core.data.features import CODE, DEFAULT_FEATURES, FEATURES, expand, label

X = np.array([[1.0, 2.0], [0.0, -1.0]])


def test_registry_order_and_labels():
    assert list(FEATURES) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2", "cosx1", "cosx2"]
    labels = [FEATURES[n][0] for n in ("x1", "x2", "x1sq", "x2sq", "x1x2")]
    assert labels == ["X₁", "X₂", "X₁²", "X₂²", "X₁X₂"]
    assert label("sinx1") == "sin(X₁)" and label("cosx2") == "cos(X₂)"
    assert DEFAULT_FEATURES == ("x1", "x2")


def test_every_feature_on_hand_computed_values():
    out = expand(X, list(FEATURES))
    expected = np.array([
        [1, 2, 1, 4, 2, np.sin(1), np.sin(2), np.cos(1), np.cos(2)],
        [0, -1, 0, 1, 0, 0, np.sin(-1), 1, np.cos(-1)],
    ])
    assert out.shape == (2, 9) and out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)


def test_columns_follow_the_given_order():
    np.testing.assert_array_equal(expand(X, ["x2", "x1"]), [[2, 1], [-1, 0]])
    np.testing.assert_array_equal(expand(X, ("x1x2", "x2sq", "x1")), [[2, 4, 1], [0, 1, 0]])


def test_values_stay_raw_over_the_domain():
    out = expand([[-6, 6]], ["x1sq", "x2sq", "x1x2"])
    np.testing.assert_array_equal(out, [[36, 36, -36]])


def test_integer_input_and_no_mutation():
    Xi = np.array([[3, -2]])
    np.testing.assert_array_equal(expand(Xi, ["x1sq", "x1x2"]), [[9.0, -6.0]])
    X_copy = X.copy()
    expand(X, list(FEATURES))
    np.testing.assert_array_equal(X, X_copy)


def test_fast_on_the_drawing_grid():
    g = np.linspace(-6, 6, 100)
    grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    names = list(FEATURES)
    out = expand(grid, names)
    np.testing.assert_allclose(out[:, 5], np.sin(grid[:, 0]))
    best = min(_timed(lambda: expand(grid, names)) for _ in range(5))
    assert best < 0.02, f"expand on a 100x100 grid took {best * 1e3:.1f} ms"


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_empty_names():
    with pytest.raises(ValueError, match=r"names must not be empty; choose from \['x1'"):
        expand(X, [])


def test_unknown_name_lists_choices():
    with pytest.raises(ValueError, match=r"unknown feature 'x3'; choose one of \[.*'x1'.*\]"):
        expand(X, ["x1", "x3"])
    with pytest.raises(ValueError, match=r"unknown feature 7"):
        expand(X, ["x1", 7])


def test_duplicate_names():
    with pytest.raises(ValueError, match=r"duplicate feature 'x1' in names=\['x1', 'x2', 'x1'\]"):
        expand(X, ["x1", "x2", "x1"])


def test_a_single_string_is_not_a_list_of_names():
    with pytest.raises(ValueError, match=r"names must be a list of feature names .*received 'x1'"):
        expand(X, "x1")


@pytest.mark.parametrize("bad", [np.zeros(4), np.zeros((3, 3)), np.zeros((2, 2, 2)), [["a", "b"]]])
def test_x_must_be_numeric_n_by_2(bad):
    shape = re.escape(str(np.asarray(bad).shape))
    expected = r"expand needs numeric X of shape \(n, 2\), received shape " + shape
    with pytest.raises(ValueError, match=expected):
        expand(bad, ["x1"])


def test_the_code_expressions_compute_exactly_the_feature_columns():
    """Exported scripts (nnlib and Keras) compute the features from features.CODE; the Playground from FEATURES."""
    X = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    for name, expression in CODE.items():
        value = eval(expression, {"np": np, "X": X})  # noqa: S307  our own fixed expressions
        np.testing.assert_array_equal(value, expand(X, [name])[:, 0], err_msg=name)
    assert list(CODE) == list(FEATURES)
