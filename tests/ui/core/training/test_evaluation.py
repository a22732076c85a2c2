"""Evaluation: the packed predictions the view counts, regression scores against scikit-learn, epoch costs."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import metrics as sk

from nnlib.metrics import confusion_matrix
from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.core.training import evaluation


@given(st.integers(2, 6).flatmap(lambda k: st.tuples(st.just(k), st.lists(st.integers(0, k - 1), max_size=1200))))
def test_packed_labels_unpack_to_themselves(case):
    k, labels = case
    packed = evaluation.pack_labels(np.array(labels, dtype=int), k)
    assert evaluation.unpack_labels(packed, len(labels), k).tolist() == labels


def test_packing_is_small():
    assert len(evaluation.pack_labels(np.ones(500, dtype=int), 2)) == 84  # 63 bytes of bits, in base64
    assert evaluation.label_bits(2) == 1 and evaluation.label_bits(3) == 2 and evaluation.label_bits(6) == 3


def test_predicted_labels():
    assert evaluation.predicted_labels(np.array([[0.2], [0.7], [0.5]])).tolist() == [0, 1, 0]
    assert evaluation.predicted_labels(np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])).tolist() == [1, 0]


def test_regression_scores_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    predicted = (y + rng.normal(scale=0.3, size=50))[:, None]
    scores = evaluation.regression_scores(y, predicted)
    assert scores["rmse"] == pytest.approx(np.sqrt(sk.mean_squared_error(y, predicted[:, 0])))
    assert scores["mae"] == pytest.approx(sk.mean_absolute_error(y, predicted[:, 0]))
    assert scores["r2"] == pytest.approx(sk.r2_score(y, predicted[:, 0]))


def test_flops_per_epoch_hand_worked():
    # 2 inputs -> 4 -> 2 -> 1: 8 + 8 + 2 = 18 multiply-adds a sample; 2 FLOPs each, 3 passes, 250 points
    assert evaluation.multiply_adds(2, [4, 2, 1]) == 18
    assert evaluation.flops_per_epoch(2, [4, 2, 1], 250) == 27_000


@pytest.mark.parametrize("dataset, classes", [("circle", 3), ("blobs", 4)])
def test_the_runs_predictions_count_to_the_accuracy_it_shows(dataset, classes):
    """The counts the view draws (from the packed predictions) are nnlib's confusion matrix, and its diagonal
    is the test accuracy the bar shows."""
    config = replace(DEFAULT, dataset=dataset, classes=classes, samples=300, noise=0.3)
    run = PlaygroundRun(config, make_data(config))
    run.train(10)
    packed, k = run.evaluation(), run.data.n_classes
    for split, x, y in (("train", run.inputs_train, run.data.y_train), ("test", run.inputs_test, run.data.y_test)):
        predicted = evaluation.unpack_labels(packed[split], len(y), k)
        assert predicted.tolist() == evaluation.predicted_labels(run.model.predict(x)).tolist()
        counts = confusion_matrix(y, predicted, num_classes=k)
        score = run.scores().val_score if split == "test" else run.scores().score
        assert np.trace(counts) / len(y) == pytest.approx(score, abs=1e-12)


def test_a_regression_run_evaluates_to_json_numbers_even_diverged():
    config = replace(DEFAULT, dataset="plane", samples=100, learning_rate=10.0)
    run = PlaygroundRun(config, make_data(config))
    run.train(40)
    assert run.diverged
    assert set(run.evaluation()["test"]) == {"rmse", "mae", "r2"}
    assert all(v is None or np.isfinite(v) for v in run.evaluation()["test"].values())
