"""Metrics as Keras has them: objects that accumulate over batches (``update_state``) and report over
everything seen (``result``), so an epoch's RMSE, R² or precision is the whole epoch's, not a mean of
batches. ``compile(metrics=[...])`` takes Keras' names ("accuracy", "mae", "root_mean_squared_error",
"r2_score", "precision", "recall", "f1_score", or the class names) or Metric objects.

Functions take ``(y_true, y_pred)`` in Keras' order. ``confusion_matrix`` and ``precision_recall_f1`` give
the per-class picture a Playground draws; Keras leaves those to ``tf.math.confusion_matrix``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from nnlib._registry import lookup

EPSILON = 1e-7  # Keras' backend.epsilon(), in F1Score's divisions


def binary_accuracy(y_true, y_pred):
    return float(np.mean((y_pred > 0.5) == (np.reshape(y_true, y_pred.shape) > 0.5)))


def categorical_accuracy(y_true, y_pred):
    return float(np.mean(y_pred.argmax(axis=1) == y_true.argmax(axis=1)))


def sparse_categorical_accuracy(y_true, y_pred):
    return float(np.mean(y_pred.argmax(axis=1) == np.ravel(y_true)))


def mean_absolute_error(y_true, y_pred):
    return float(np.mean(np.abs(y_pred - np.reshape(y_true, y_pred.shape))))


def mean_squared_error(y_true, y_pred):
    diff = y_pred - np.reshape(y_true, y_pred.shape)
    return float(np.mean(diff * diff))


def root_mean_squared_error(y_true, y_pred):
    return float(np.sqrt(mean_squared_error(y_true, y_pred)))


def r2_score(y_true, y_pred):
    """The coefficient of determination of one set: R2Score's number for one batch."""
    metric = R2Score()
    metric.update_state(y_true, y_pred)
    return metric.result()


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """Counts (num_classes, num_classes): row i, column j = samples of class i predicted as j.

    ``y_pred`` may be labels, one probability per row (class 1 above 0.5) or a row of class scores (argmax).
    """
    true, pred = _labels(y_true), _labels(y_pred)
    if true.shape != pred.shape:
        raise ValueError(f"confusion_matrix needs as many predictions as labels, received {true.shape} and "
                         f"{pred.shape}")
    seen = int(max(true.max(initial=-1), pred.max(initial=-1))) + 1
    n = seen if num_classes is None else int(num_classes)
    if n < seen or min(true.min(initial=0), pred.min(initial=0)) < 0:
        raise ValueError(f"confusion_matrix labels must lie in [0, {n}), received labels up to {seen - 1}")
    return np.bincount(true * n + pred, minlength=n * n).reshape(n, n)


def precision_recall_f1(matrix) -> dict[str, np.ndarray]:
    """Per-class precision (of the predicted column), recall (of the true row) and F1 from a confusion
    matrix; 0 where a class was never predicted or never present, as scikit-learn's zero_division=0."""
    matrix = np.asarray(matrix, dtype=float)
    hits = np.diag(matrix)
    precision = _ratio(hits, matrix.sum(axis=0))
    recall = _ratio(hits, matrix.sum(axis=1))
    return {"precision": precision, "recall": recall, "f1": _ratio(2 * precision * recall, precision + recall)}


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    return np.divide(top, bottom, out=np.zeros_like(top, dtype=float), where=bottom > 0)


def _labels(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    y = np.ravel(y)
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):  # probabilities of class 1
        return (y > 0.5).astype(int)
    return y.astype(int)


# --- stateful metrics -------------------------------------------------------------------------------
class Metric:
    """Keras' Metric protocol: ``reset_state()``, ``update_state(y_true, y_pred)``, ``result()``."""

    def __init__(self, name: str | None = None):
        self.name = name or _snake_case(type(self).__name__)
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def update_state(self, y_true, y_pred) -> None:
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, y_true, y_pred):
        self.update_state(y_true, y_pred)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class MeanMetricWrapper(Metric):
    """The mean of a per-batch function over every sample seen (each batch weighted by its size)."""

    def __init__(self, fn: Callable, name: str | None = None):
        self.fn = fn
        super().__init__(name or fn.__name__)

    def reset_state(self):
        self.total, self.count = 0.0, 0

    def update_state(self, y_true, y_pred):
        n = len(y_pred)
        self.total += self.fn(y_true, y_pred) * n
        self.count += n

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_absolute_error"):
        super().__init__(mean_absolute_error, name)

    def get_config(self):
        return {"name": self.name}


class RootMeanSquaredError(MeanMetricWrapper):
    """sqrt of the mean squared error over everything seen (not a mean of per-batch roots)."""

    def __init__(self, name: str = "root_mean_squared_error"):
        super().__init__(mean_squared_error, name)

    def result(self):
        return float(np.sqrt(super().result()))

    def get_config(self):
        return {"name": self.name}


class R2Score(Metric):
    """Keras' R2Score: 1 - SS_res / SS_tot per output from running sums, averaged over outputs. A constant
    target scores 0 (as Keras); ``num_regressors`` > 0 gives the adjusted R²."""

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score"):
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("R2Score class_aggregation must be None, 'uniform_average' or "
                             f"'variance_weighted_average', received {class_aggregation!r}")
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(f"R2Score num_regressors must be an int >= 0, received {num_regressors!r}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name)

    def reset_state(self):
        self.sum = self.squared_sum = self.residual_sum = 0.0
        self.count = 0

    def update_state(self, y_true, y_pred):
        y_pred = np.asarray(y_pred, dtype=float).reshape(len(y_pred), -1)
        y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
        self.sum = self.sum + y_true.sum(axis=0)
        self.squared_sum = self.squared_sum + (y_true * y_true).sum(axis=0)
        self.residual_sum = self.residual_sum + ((y_true - y_pred) ** 2).sum(axis=0)
        self.count += len(y_true)

    def result(self):
        if not self.count:
            return 0.0
        total = self.squared_sum - self.sum * self.sum / self.count
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scores = 1.0 - self.residual_sum / total
        # Keras turns the -inf of a constant target into 0; residuals that overflowed stay -inf (a diverged model)
        scores = np.where(np.isinf(scores) & (total == 0), 0.0, scores)
        if self.class_aggregation == "uniform_average":
            scores = np.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            scores = np.sum(scores * total) / np.sum(total)
        if self.num_regressors:
            n, p = self.count, self.num_regressors
            if n - p - 1 <= 0:
                raise ValueError(f"R2Score's adjusted score needs more samples ({n}) than num_regressors + 1 ({p + 1})")
            scores = 1.0 - (1.0 - scores) * (n - 1) / (n - p - 1)
        return float(scores) if np.ndim(scores) == 0 else scores

    def get_config(self):
        return {"class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors, "name": self.name}


class _Counts(Metric):
    """True/false positives and false negatives, counted per output column over everything seen."""

    def reset_state(self):
        self.true_positives = self.false_positives = self.false_negatives = 0.0

    def _count(self, truth: np.ndarray, predicted: np.ndarray) -> None:
        self.true_positives = self.true_positives + np.sum(predicted & truth, axis=0)
        self.false_positives = self.false_positives + np.sum(predicted & ~truth, axis=0)
        self.false_negatives = self.false_negatives + np.sum(~predicted & truth, axis=0)


class _ThresholdCounts(_Counts):
    """Keras' Precision/Recall: y_pred above ``thresholds`` (0.5) is a positive, counted over every element
    (micro), or over column ``class_id``. Integer labels for a multi-column output count as one-hot rows."""

    def __init__(self, thresholds: float | None = None, top_k=None, class_id: int | None = None,
                 name: str | None = None):
        if top_k is not None:
            raise ValueError(f"{type(self).__name__} in nnlib has no top_k, received {top_k!r}")
        threshold = 0.5 if thresholds is None else thresholds
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
            raise ValueError(f"{type(self).__name__} thresholds must be one number in [0, 1], received {thresholds!r}")
        self.thresholds, self.class_id = thresholds, class_id
        super().__init__(name)

    def update_state(self, y_true, y_pred):
        y_pred = np.asarray(y_pred, dtype=float).reshape(len(y_pred), -1)
        truth = _one_hot_like(y_true, y_pred) > 0.5
        predicted = y_pred > (0.5 if self.thresholds is None else self.thresholds)
        if self.class_id is not None:
            truth, predicted = truth[:, [self.class_id]], predicted[:, [self.class_id]]
        self._count(truth.ravel(), predicted.ravel())

    def get_config(self):
        return {"thresholds": self.thresholds, "class_id": self.class_id, "name": self.name}


class Precision(_ThresholdCounts):
    def result(self):
        return _share(self.true_positives, self.false_positives)


class Recall(_ThresholdCounts):
    def result(self):
        return _share(self.true_positives, self.false_negatives)


def _share(hits, misses) -> float:
    """hits / (hits + misses), 0 when both are 0 (Keras' divide_no_nan)."""
    return float(hits / (hits + misses)) if hits + misses else 0.0


class F1Score(_Counts):
    """Keras' F1Score: per class (``average=None``, an array), or "micro", "macro", "weighted". With
    ``threshold=None`` each row's largest score is its prediction; otherwise scores above ``threshold``."""

    def __init__(self, average: str | None = None, threshold: float | None = None, name: str = "f1_score"):
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"F1Score average must be None, 'micro', 'macro' or 'weighted', received {average!r}")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                      or not 0 < threshold <= 1):
            raise ValueError(f"F1Score threshold must be None or a number in (0, 1], received {threshold!r}")
        self.average, self.threshold = average, threshold
        super().__init__(name)

    def reset_state(self):
        super().reset_state()
        self.support = 0.0

    def update_state(self, y_true, y_pred):
        y_pred = np.asarray(y_pred, dtype=float).reshape(len(y_pred), -1)
        truth = _one_hot_like(y_true, y_pred) > 0.5
        if self.threshold is None:  # the row's maximum, but a row of zeros predicts nothing
            predicted = (y_pred >= y_pred.max(axis=1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        self._count(truth, predicted)
        self.support = self.support + truth.sum(axis=0)

    def result(self):
        tp, fp, fn = (np.asarray(v, dtype=float) for v in (self.true_positives, self.false_positives,
                                                          self.false_negatives))
        if self.average == "micro":
            tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
        precision, recall = tp / (tp + fp + EPSILON), tp / (tp + fn + EPSILON)
        f1 = 2 * precision * recall / (precision + recall + EPSILON)
        if self.average == "weighted":
            support = np.asarray(self.support, dtype=float)
            return float(np.sum(f1 * support / support.sum()))
        if self.average == "macro":
            return float(np.mean(f1))
        return float(f1) if np.ndim(f1) == 0 else f1

    def get_config(self):
        return {"average": self.average, "threshold": self.threshold, "name": self.name}


def _one_hot_like(y_true, y_pred: np.ndarray) -> np.ndarray:
    """Targets shaped as the predictions: integer labels of a multi-column output become one-hot rows."""
    y_true = np.asarray(y_true)
    width = y_pred.shape[1]
    if width > 1 and (y_true.ndim == 1 or y_true.shape[1] == 1):
        return np.eye(width)[np.ravel(y_true).astype(int)]
    return y_true.reshape(y_pred.shape)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z][a-z])|(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


# --- names compile understands ----------------------------------------------------------------------
FUNCTIONS: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
}
CLASSES: dict[str, type[Metric]] = {cls.__name__: cls for cls in (
    MeanAbsoluteError, RootMeanSquaredError, R2Score, Precision, Recall, F1Score)}
# Keras' string names: each class's snake_case name, except where a function of that name exists
NAMES: dict[str, Callable[[], Metric]] = {
    **{name: (lambda fn=fn, name=name: MeanMetricWrapper(fn, name)) for name, fn in FUNCTIONS.items()},
    **{_snake_case(name): cls for name, cls in CLASSES.items() if _snake_case(name) not in FUNCTIONS},
    **{name.lower(): cls for name, cls in CLASSES.items()},
}


def resolve(name, loss_name: str, n_outputs: int) -> Metric:
    """A fresh Metric for ``name`` (or ``name`` itself, a Metric object); "accuracy"/"acc" picks the
    variant that fits the loss, as Keras does."""
    if isinstance(name, Metric):
        return name
    if isinstance(name, str) and name.lower() in ("accuracy", "acc"):
        by_loss = {"sparse_categorical_crossentropy": sparse_categorical_accuracy,
                   "categorical_crossentropy": categorical_accuracy, "binary_crossentropy": binary_accuracy}
        fn = by_loss.get(loss_name, binary_accuracy if n_outputs == 1 else categorical_accuracy)
        return MeanMetricWrapper(fn, name)
    metric = lookup("metric", {**NAMES, "accuracy": None}, name)()  # "accuracy" is handled above
    if isinstance(name, str):  # Keras logs a metric given by name under that name
        metric.name = name
    return metric


def serialize(metric) -> str | dict:
    """A name stays a name; a Metric object becomes ``{"class_name", "config"}``."""
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return metric


def deserialize(entry) -> str | Metric:
    if isinstance(entry, dict):
        cls = lookup("metric class", {name.lower(): cls for name, cls in CLASSES.items()}, entry.get("class_name"))
        config = entry.get("config", {})
        if not isinstance(config, dict):
            raise ValueError(f"a metric's config must be a dict, received {config!r}")
        try:
            return cls(**config)
        except TypeError as err:
            raise ValueError(f"bad {cls.__name__} config {config!r}: {err}") from None
    return entry
