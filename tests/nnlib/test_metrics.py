"""Metrics against scikit-learn and hand-worked counts, accumulated over batches as Keras does, and the
regularization losses a model reports (Keras' model.losses)."""

import numpy as np
import pytest
from sklearn import metrics as sk

import nnlib
from nnlib.metrics import (
    F1Score,
    Precision,
    R2Score,
    Recall,
    RootMeanSquaredError,
    confusion_matrix,
    precision_recall_f1,
    r2_score,
)


@pytest.mark.parametrize("seed", range(3))
def test_r2_score_matches_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=40)
    a = y + rng.normal(scale=0.5, size=40)
    assert r2_score(y, a[:, None]) == pytest.approx(sk.r2_score(y, a))


def test_r2_score_hand_worked():
    y = np.array([1.0, 2.0, 3.0])
    assert r2_score(y, y) == 1.0
    assert r2_score(y, np.full(3, 2.0)) == 0.0  # the mean predicts nothing
    assert r2_score(y, np.array([3.0, 2.0, 1.0])) == -3.0  # SS_res 8 over SS_tot 2
    assert r2_score(np.array([5.0, 5.0]), np.array([1.0, 2.0])) == 0.0  # constant target: Keras' 0


def batches(metric, y, a, size):
    metric.reset_state()
    for i in range(0, len(y), size):
        metric.update_state(y[i:i + size], a[i:i + size])
    return metric.result()


def test_rmse_is_the_root_of_the_whole_mean_not_a_mean_of_roots():
    y, a = np.zeros((4, 1)), np.array([[1.0], [1.0], [3.0], [3.0]])
    # squared errors 1, 1, 9, 9: mean 5. Per-batch roots would be 1 and 3, their mean 2.
    assert batches(RootMeanSquaredError(), y, a, 2) == pytest.approx(np.sqrt(5.0))


def test_r2_over_batches_is_the_whole_sets_r2():
    rng = np.random.default_rng(4)
    y = rng.normal(size=(30, 2))
    a = y + rng.normal(scale=0.7, size=(30, 2))
    assert batches(R2Score(), y, a, 7) == pytest.approx(sk.r2_score(y, a))
    assert batches(R2Score(class_aggregation=None), y, a, 7) == pytest.approx(
        sk.r2_score(y, a, multioutput="raw_values"))
    assert batches(R2Score(class_aggregation="variance_weighted_average"), y, a, 7) == pytest.approx(
        sk.r2_score(y, a, multioutput="variance_weighted"))


def test_precision_and_recall_hand_worked():
    y = np.array([1, 1, 0, 0, 1])
    a = np.array([[0.9], [0.4], [0.6], [0.7], [0.8]])  # above 0.5: 1 0 1 1 1
    # true positives rows 0 and 4, false positives rows 2 and 3, a false negative row 1
    assert batches(Precision(), y, a, 2) == pytest.approx(2 / 4)
    assert batches(Recall(), y, a, 2) == pytest.approx(2 / 3)
    assert batches(Precision(thresholds=0.75), y, a, 5) == pytest.approx(1.0)  # rows 0 and 4 only
    assert Precision()(np.zeros(3), np.zeros((3, 1))) == 0.0  # nothing predicted positive: 0, not NaN


def test_precision_of_one_class_of_a_softmax_output():
    y = np.array([0, 1, 2, 1])
    a = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4]])
    # column 1 above 0.5 in rows 1 and 2; row 1 is class 1, row 2 is not
    assert batches(Precision(class_id=1), y, a, 4) == pytest.approx(0.5)
    assert batches(Recall(class_id=1), y, a, 4) == pytest.approx(0.5)  # class 1 rows: 1 (found), 3 (missed)


def classification(seed, n=60, k=3):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    scores = rng.random((n, k)) + 0.8 * np.eye(k)[y]
    return y, scores / scores.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(3))
def test_confusion_matrix_and_per_class_scores_match_scikit_learn(seed):
    y, a = classification(seed)
    predicted = a.argmax(axis=1)
    matrix = confusion_matrix(y, a)
    assert matrix.tolist() == sk.confusion_matrix(y, predicted).tolist()
    assert matrix.sum() == len(y)
    precision, recall, f1, _ = sk.precision_recall_fscore_support(y, predicted, zero_division=0)
    scores = precision_recall_f1(matrix)
    assert scores["precision"] == pytest.approx(precision)
    assert scores["recall"] == pytest.approx(recall)
    assert scores["f1"] == pytest.approx(f1)


def test_confusion_matrix_of_one_probability_per_row_and_of_labels():
    y = np.array([0, 1, 1, 0])
    assert confusion_matrix(y, np.array([[0.2], [0.9], [0.4], [0.6]])).tolist() == [[1, 1], [1, 1]]
    assert confusion_matrix(y, np.array([0, 1, 1, 1]), num_classes=3).tolist() == [[1, 1, 0], [0, 2, 0], [0, 0, 0]]
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), num_classes=2)
    with pytest.raises(ValueError, match="as many predictions as labels"):
        confusion_matrix(np.array([0, 1]), np.array([0]))


def test_a_class_never_predicted_scores_zero():
    scores = precision_recall_f1(np.array([[2, 0], [1, 0]]))
    assert scores["precision"].tolist() == [2 / 3, 0.0] and scores["recall"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f1_score_matches_scikit_learn_over_batches(average):
    y, a = classification(5)
    expected = sk.f1_score(y, a.argmax(axis=1), average=average)
    assert batches(F1Score(average=average), y, a, 16) == pytest.approx(expected, abs=1e-6)


def regression_model(metrics, seed=0):
    model = nnlib.Sequential([nnlib.Dense(4, "tanh", input_shape=(1,)), nnlib.Dense(1)], seed=seed)
    model.compile(optimizer=nnlib.optimizers.SGD(learning_rate=0.0), loss="mse", metrics=metrics)
    return model


def test_fit_reports_the_epochs_r2_and_rmse_not_a_mean_of_batches():
    """With a learning rate of 0 the weights stay put, so the epoch's figures must be evaluate's."""
    x = np.linspace(-2, 2, 50)[:, None]
    y = np.sin(2 * x[:, 0])
    model = regression_model(["r2_score", "root_mean_squared_error", "mae"])
    logs = model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0).history
    predicted = model.predict(x)[:, 0]
    assert logs["r2_score"][0] == pytest.approx(sk.r2_score(y, predicted))
    assert logs["root_mean_squared_error"][0] == pytest.approx(np.sqrt(sk.mean_squared_error(y, predicted)))
    assert logs["mae"][0] == pytest.approx(sk.mean_absolute_error(y, predicted))
    assert model.evaluate(x, y, return_dict=True)["r2_score"] == pytest.approx(logs["r2_score"][0])


def test_classification_metrics_by_keras_names_in_compile():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    model = nnlib.Sequential([nnlib.Dense(3, "softmax", input_shape=(2,))], seed=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "precision", "recall", "f1_score", F1Score(average="macro", name="f1")])
    history = model.fit(x, y, epochs=2, validation_data=(x, y), verbose=0)
    assert {"accuracy", "precision", "recall", "f1_score", "f1", "val_f1"} <= set(history.history)
    logs = model.evaluate(x, y, return_dict=True)
    predicted = model.predict(x).argmax(axis=1)
    assert logs["f1_score"] == pytest.approx(sk.f1_score(y, predicted, average=None, labels=[0, 1, 2],
                                                         zero_division=0), abs=1e-6)
    assert logs["f1"] == pytest.approx(np.mean(logs["f1_score"]))


def test_metric_objects_survive_the_model_config():
    model = regression_model(["mae", R2Score(num_regressors=1, name="adjusted_r2")])
    rebuilt = nnlib.Sequential.from_config(model.to_config())
    assert rebuilt.to_config()["compile"]["metrics"] == model.to_config()["compile"]["metrics"]
    assert rebuilt.metric_names[1].num_regressors == 1 and rebuilt.metric_names[1].name == "adjusted_r2"


@pytest.mark.parametrize("make, message", [
    (lambda: regression_model(["rmse_please"]), r"unknown metric 'rmse_please'; choose one of .*root_mean"),
    (lambda: F1Score(average="mean"), r"F1Score average must be None, 'micro', 'macro' or 'weighted'"),
    (lambda: Precision(thresholds=2), r"Precision thresholds must be one number in \[0, 1\], received 2"),
    (lambda: R2Score(num_regressors=-1), r"R2Score num_regressors must be an int >= 0, received -1"),
    (lambda: nnlib.metrics.deserialize({"class_name": "Eval", "config": {}}), r"unknown metric class 'Eval'"),
])
def test_bad_metric_arguments_say_what_was_received(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_model_losses_are_the_penalties_evaluate_adds():
    reg = nnlib.regularizers.get({"l2": 0.1})
    model = nnlib.Sequential([nnlib.Dense(3, "tanh", input_shape=(2,), kernel_regularizer=reg),
                              nnlib.Dense(1, "sigmoid", kernel_regularizer=reg)], seed=1)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    W1, _, W2, _ = model.get_weights()
    assert model.losses == pytest.approx([0.1 * np.sum(W1**2), 0.1 * np.sum(W2**2)])
    x, y = np.ones((4, 2)), np.array([0, 1, 0, 1])
    p = model.predict(x)[:, 0]
    data_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.evaluate(x, y) == pytest.approx(data_loss + sum(model.losses))
    plain = nnlib.Sequential([nnlib.Dense(1, input_shape=(2,))])
    assert plain.losses == []
