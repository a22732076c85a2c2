"""Generated 2-D sets and the train/test split: shapes, balance, domain, determinism, separability, errors."""

import numpy as np
import pytest

from nnlib.datasets import DATASETS, DOMAIN, MAX_NOISE, DatasetInfo, generate, get_info, train_test_split

NAMES = sorted(DATASETS)
CLASSIFICATION = [n for n in NAMES if DATASETS[n].kind != "regression"]
REGRESSION = [n for n in NAMES if DATASETS[n].kind == "regression"]


def expected_counts(n, k):
    counts = np.full(k, n // k)
    counts[: n % k] += 1
    return counts


# --- the registry ----------------------------------------------------------------------------------


def test_registry_lists_the_required_sets_with_their_kinds():
    kinds = {name: info.kind for name, info in DATASETS.items()}
    assert kinds == {
        "circle": "binary", "xor": "binary", "gauss": "binary", "spiral": "binary", "moons": "binary",
        "checkerboard": "binary", "blobs": "multiclass", "spiral3": "multiclass",
        "plane": "regression", "multigauss": "regression", "sine": "regression",
    }
    for name, info in DATASETS.items():
        assert isinstance(info, DatasetInfo) and info.name == name and info.description
        assert "noise" in info.description.lower()  # each set says what noise does to it


def test_registry_n_classes():
    assert {n: DATASETS[n].n_classes for n in NAMES} == {
        "blobs": 3, "checkerboard": 2, "circle": 2, "gauss": 2, "moons": 2, "multigauss": 0,
        "plane": 0, "sine": 0, "spiral": 2, "spiral3": 3, "xor": 2,
    }
    assert DATASETS["blobs"].class_choices == (3, 4, 5, 6)


def test_dataset_info_is_frozen():
    with pytest.raises(AttributeError):
        DATASETS["circle"].kind = "regression"


def test_get_info_unknown_name_lists_choices():
    with pytest.raises(ValueError, match=r"unknown dataset 'nope'.*'circle'.*'xor'"):
        get_info("nope")


# --- every set ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, MAX_NOISE])
def test_shape_dtype_and_domain(name, noise):
    X, y = generate(name, n_samples=301, noise=noise, seed=3)
    assert X.shape == (301, 2) and X.dtype == np.float64
    assert y.shape == (301,)
    assert np.isfinite(X).all()
    assert X.min() >= DOMAIN[0] and X.max() <= DOMAIN[1]


@pytest.mark.parametrize("name", NAMES)
def test_kind_matches_the_output(name):
    info = DATASETS[name]
    _, y = generate(name, n_samples=200, noise=0.2, seed=1)
    if info.kind == "regression":
        assert y.dtype == np.float64
        assert np.isfinite(y).all() and -1.0 <= y.min() and y.max() <= 1.0
        assert y.std() > 0.05
    else:
        assert y.dtype == np.int64
        np.testing.assert_array_equal(np.unique(y), np.arange(info.n_classes))
        assert (info.kind == "binary") == (info.n_classes == 2)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = generate(name, noise=0.1, seed=7)
    X2, y2 = generate(name, noise=0.1, seed=7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = generate(name, noise=0.1, seed=8)
    assert not np.allclose(np.sort(X1, axis=0), np.sort(X3, axis=0))  # other points, not just reordered
    X0, _ = generate(name, noise=0.0, seed=0)
    X9, _ = generate(name, noise=0.0, seed=9)
    assert not np.allclose(np.sort(X0, axis=0), np.sort(X9, axis=0))  # seed matters even without noise


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("noise", [0.0, MAX_NOISE])
@pytest.mark.parametrize("n", [500, 7, 1001])
def test_exact_class_balance(name, noise, n):
    k = DATASETS[name].n_classes
    _, y = generate(name, n_samples=n, noise=noise, seed=2)
    np.testing.assert_array_equal(np.bincount(y, minlength=k), expected_counts(n, k))


def test_balance_examples_from_the_spec():
    np.testing.assert_array_equal(np.bincount(generate("circle", 500)[1]), [250, 250])
    np.testing.assert_array_equal(np.bincount(generate("blobs", 500)[1]), [167, 167, 166])
    np.testing.assert_array_equal(np.bincount(generate("spiral3", 500, 0.5)[1]), [167, 167, 166])


@pytest.mark.parametrize("name", NAMES)
def test_noise_moves_points_but_keeps_labels_and_order(name):
    X0, y0 = generate(name, noise=0.0, seed=4)
    X1, y1 = generate(name, noise=MAX_NOISE, seed=4)
    if DATASETS[name].kind == "regression":
        np.testing.assert_array_equal(X0, X1)  # points stay; the target is read at a jittered point
        assert np.abs(y0 - y1).mean() > 0.05
    else:
        np.testing.assert_array_equal(y0, y1)
        assert np.abs(X0 - X1).mean() > 0.1


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_rows_are_shuffled(name):
    _, y = generate(name, n_samples=200, seed=0)
    assert np.abs(np.diff(y)).sum() > 20  # not sorted by class


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_smallest_sample_still_has_every_class(name):
    k = DATASETS[name].n_classes
    _, y = generate(name, n_samples=max(2, k), seed=0)
    np.testing.assert_array_equal(np.sort(y), np.arange(k))


# --- noise 0 is separable where it should be ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_circle_bands_do_not_overlap(seed):
    X, y = generate("circle", 1000, 0.0, seed)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 2.5 and r[y == 0].min() >= 3.5 and r.max() <= 5.0


@pytest.mark.parametrize("seed", range(3))
def test_xor_quadrants_with_a_gap_along_the_axes(seed):
    X, y = generate("xor", 1000, 0.0, seed)
    assert np.abs(X).min() >= 0.3
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    quadrants = {(a, b) for a, b in np.sign(X).astype(int)}
    assert quadrants == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


@pytest.mark.parametrize("seed", range(3))
def test_checkerboard_cells_match_labels(seed):
    X, y = generate("checkerboard", 2000, 0.0, seed)
    cells = np.floor((X - DOMAIN[0]) / 3.0).astype(int)
    np.testing.assert_array_equal(y, cells.sum(axis=1) % 2)
    assert len({tuple(c) for c in cells}) == 16  # the whole 4x4 board is used


@pytest.mark.parametrize("classes", [3, 4, 5, 6])
def test_blobs_every_point_is_nearest_its_own_centre(classes):
    X, y = generate("blobs", 600, 0.0, seed=classes, classes=classes)
    assert y.max() == classes - 1
    centres = np.array([X[y == c].mean(axis=0) for c in range(classes)])
    nearest = np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(nearest, y)
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2) + np.eye(classes) * 99
    assert gaps.min() > 3.0


@pytest.mark.parametrize("seed", range(3))
def test_gauss_clouds_sit_on_their_side_of_the_diagonal(seed):
    X, y = generate("gauss", 1000, 0.0, seed)
    np.testing.assert_array_equal(y, (X.sum(axis=1) > 0).astype(int))


def test_moons_do_not_touch_without_noise():
    X, y = generate("moons", 600, 0.0, seed=0)
    a, b = X[y == 0], X[y == 1]
    gaps = np.linalg.norm(a[:, None] - b[None], axis=2)
    assert gaps.min() > 1.0


@pytest.mark.parametrize("name", ["spiral", "spiral3"])
def test_spiral_arms_turn_around_the_origin(name):
    X, y = generate(name, 900, 0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 5.0
    for c in np.unique(y):  # each arm covers every direction
        angles = np.arctan2(X[y == c, 1], X[y == c, 0])
        assert np.histogram(angles, bins=8, range=(-np.pi, np.pi))[0].min() > 0


def test_max_noise_makes_classes_overlap():
    X, y = generate("circle", 1000, MAX_NOISE, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() > r[y == 0].min()


# --- regression targets -------------------------------------------------------------------------------


def test_plane_and_sine_targets_without_noise():
    X, y = generate("plane", 300, 0.0, seed=0)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 12)
    X, y = generate("sine", 300, 0.0, seed=0)
    np.testing.assert_allclose(y, np.sin(np.hypot(X[:, 0], X[:, 1])))


def test_multigauss_bumps_have_their_signs():
    X, y = generate("multigauss", 3000, 0.0, seed=0)
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for cx, cy, sign in bumps:
        d = np.hypot(X[:, 0] - cx, X[:, 1] - cy)
        near = d < 1.0
        assert near.sum() > 10
        np.testing.assert_allclose(y[near], sign * (1 - d[near] / 2))
    far = np.min([np.hypot(X[:, 0] - cx, X[:, 1] - cy) for cx, cy, _ in bumps], axis=0) > 2
    assert far.any() and np.all(y[far] == 0)


# --- bad arguments --------------------------------------------------------------------------------------


def test_unknown_dataset():
    with pytest.raises(ValueError, match=r"unknown dataset 'spirals'; choose one of \[.*'spiral'"):
        generate("spirals")


@pytest.mark.parametrize("noise", [-0.01, 0.51, 1, float("nan"), "0.1", None, True])
def test_bad_noise(noise):
    with pytest.raises(ValueError, match=r"noise must be a number in \[0, 0.5\], received"):
        generate("circle", noise=noise)


@pytest.mark.parametrize("n", [1, 0, -5, 100_001, 2.0, "500", None, True])
def test_bad_n_samples(n):
    with pytest.raises(ValueError, match=r"n_samples must be an int in \[2, 100000\], received " + repr(n)):
        generate("xor", n_samples=n)


def test_n_samples_limits_are_inclusive():
    assert len(generate("circle", 2)[0]) == 2
    assert len(generate("plane", 100_000)[0]) == 100_000


@pytest.mark.parametrize("seed", [-1, 1.5, None, "0"])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative int, received"):
        generate("circle", seed=seed)


@pytest.mark.parametrize("classes", [2, 7, 3.0, "4"])
def test_blobs_classes_out_of_range(classes):
    with pytest.raises(ValueError, match=r"'blobs' takes classes=one of \[3, 4, 5, 6\], received classes="):
        generate("blobs", classes=classes)


def test_classes_for_fixed_sets():
    assert generate("circle", classes=2)[1].max() == 1  # the set's own count is accepted
    with pytest.raises(ValueError, match=r"'circle' takes classes=one of \[2\], received classes=3"):
        generate("circle", classes=3)
    with pytest.raises(ValueError, match=r"'plane' takes classes=None \(it has no classes\), received"):
        generate("plane", classes=2)


def test_too_few_samples_for_the_classes():
    with pytest.raises(ValueError, match=r"with 6 classes needs n_samples >= 6, received 5"):
        generate("blobs", 5, classes=6)


# --- train_test_split -----------------------------------------------------------------------------------


def test_split_is_stratified_and_partitions_the_rows():
    _, y = generate("blobs", 500, 0.2, seed=0, classes=4)
    X = np.arange(500.0).reshape(-1, 1)  # row ids, to check the partition
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, 0.3, seed=1)
    assert len(X_tr) + len(X_te) == 500 and len(X_tr) == len(y_tr) and len(X_te) == len(y_te)
    np.testing.assert_array_equal(np.sort(np.concatenate([X_tr, X_te]).ravel()), np.arange(500))
    np.testing.assert_array_equal(y[X_tr.ravel().astype(int)], y_tr)  # rows keep their labels
    for c in range(4):
        share = (y == c).sum() * 0.3
        assert abs((y_te == c).sum() - share) <= 1


def test_split_keeps_class_shares_on_an_unbalanced_set():
    y = np.array([0] * 90 + [1] * 10)
    X = np.zeros((100, 2))
    _, _, y_tr, y_te = train_test_split(X, y, 0.2, seed=0)
    assert np.bincount(y_te).tolist() == [18, 2] and np.bincount(y_tr).tolist() == [72, 8]


def test_split_gives_each_side_every_class_when_possible():
    y = np.array([0, 0, 1, 1, 2, 2, 3])
    X = np.zeros((7, 2))
    _, _, y_tr, y_te = train_test_split(X, y, 0.05, seed=0)
    assert set(y_te) == {0, 1, 2} and set(y_tr) == {0, 1, 2, 3}  # a class of one goes to training


def test_split_regression_is_not_stratified_and_has_the_right_size():
    X, y = generate("plane", 200, 0.0, seed=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, 0.25, seed=0)
    assert len(y_te) == 50 and len(y_tr) == 150
    np.testing.assert_allclose(y_te, (X_te[:, 0] + X_te[:, 1]) / 12)


def test_split_is_deterministic_per_seed():
    X, y = generate("circle", 300, 0.1, seed=0)
    a = train_test_split(X, y, 0.5, seed=3)
    b = train_test_split(X, y, 0.5, seed=3)
    c = train_test_split(X, y, 0.5, seed=4)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[1], c[1])


def test_split_draws_test_rows_at_random_within_each_class():
    y = np.repeat([0, 1], 50)  # sorted by class, as a user's file might be
    X = np.arange(100.0).reshape(-1, 1)
    tests = [set(train_test_split(X, y, 0.2, seed=s)[1].ravel()) for s in range(3)]
    assert tests[0] != tests[1] != tests[2]
    assert tests[0] != set(range(10)) | set(range(50, 60))  # not simply the first rows of each class


@pytest.mark.parametrize("ratio", [0, 1, 0.0, 1.0, -0.2, 1.5, float("nan"), "0.5", None])
def test_split_bad_ratio(ratio):
    X, y = generate("circle", 20)
    with pytest.raises(ValueError, match=r"test_ratio must be a number strictly between 0 and 1, received"):
        train_test_split(X, y, ratio, seed=0)


def test_split_bad_shapes():
    with pytest.raises(ValueError, match=r"received shapes \(10, 2\) and \(9,\)"):
        train_test_split(np.zeros((10, 2)), np.zeros(9, dtype=int), 0.5, seed=0)
    with pytest.raises(ValueError, match=r"at least 2 rows, received 1"):
        train_test_split(np.zeros((1, 2)), np.zeros(1, dtype=int), 0.5, seed=0)
