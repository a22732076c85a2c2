"""One Playground training run: its data, its nnlib model and its history. No Streamlit here.

A run belongs to one browser session. Streamlit can start a rerun while the previous script thread
is still inside ``train``, so every read or write of the model goes through ``lock``; the live loop
skips a tick rather than wait for it.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass

import numpy as np

import nnlib
from nnlib import datasets
from ui.core import config as cfg
from ui.core import limits, pacing, spec
from ui.core.config import Config
from ui.core.data import features
from ui.core.snapshots import SnapshotStore
from ui.core.training import evaluation, schedules
from ui.core.training.stopping import Stop, StopRule

_training_cpu = [0.0]  # CPU seconds this process's runs spent in fit (training_cpu_seconds)
_training_cpu_lock = threading.Lock()


def training_cpu_seconds() -> float:
    """CPU time all runs in this process have spent training so far: a frame's cost apart from its training."""
    return _training_cpu[0]


_live_runs: weakref.WeakSet = weakref.WeakSet()  # every PlaygroundRun not yet garbage (a soak's leak check)


def live_runs() -> tuple[int, int]:
    """(runs alive in this process, of them holding their lock): after sessions leave, both fall back."""
    runs = list(_live_runs)
    return len(runs), sum(run.lock.locked() for run in runs)


@dataclass(frozen=True)
class Data:
    """Raw 2-D points (inside datasets.DOMAIN) split into train and test."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    kind: str  # "binary" | "multiclass" | "regression"
    n_classes: int  # 1 for regression
    class_names: tuple[str, ...] = ()


def make_data(config: Config, uploaded: tuple[np.ndarray, np.ndarray, str] | None = None) -> Data:
    """Generate (or take the uploaded) points for ``config`` and split them with its seed."""
    if config.dataset == "upload" and uploaded is not None:
        X, y, kind = uploaded
    else:
        info = datasets.DATASETS[config.dataset]
        classes = config.classes if config.dataset == "blobs" else None
        X, y = datasets.generate(config.dataset, config.samples, config.noise, config.points_seed, classes=classes)
        kind = info.kind
    n_classes = 1 if kind == "regression" else int(y.max()) + 1
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, 1 - config.train_pct / 100,
                                                                 config.points_seed)
    return Data(X_train, y_train, X_test, y_test, kind, n_classes)


def build_model(config: Config, data: Data) -> nnlib.Sequential:
    """The Playground's network for ``config`` on ``data`` (see ui.core.spec)."""
    return spec.build(spec.network_spec(config, data.kind, data.n_classes))



def score_label(kind: str) -> str:
    return "R²" if kind == "regression" else "accuracy"


def problem_text(data: Data) -> str:
    """The problem in words: "binary classification", "3-class classification" or "regression"."""
    return {"binary": "binary classification", "multiclass": f"{data.n_classes}-class classification",
            "regression": "regression"}[data.kind]


def grid_points(resolution: int = limits.GRID_RESOLUTION) -> np.ndarray:
    """Pixel centres over DOMAIN, row by row from the top (x2 = +6) down: (resolution², 2)."""
    low, high = datasets.DOMAIN
    step = (high - low) / resolution
    centres = low + step * (np.arange(resolution) + 0.5)
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


@dataclass(frozen=True)
class Scores:
    """What one set of weights scores, dropout off: the data loss (no penalty, as TensorFlow Playground shows
    it) and the score on the training and the test set, and the regularization penalty on its own."""

    loss: float
    val_loss: float
    score: float
    val_score: float
    penalty: float


class History(nnlib.callbacks.History):
    """nnlib's History of a Playground run, one entry per epoch trained: ``epoch`` counts them (1, 2, ...),
    and ``history`` holds CURVES, the Scores of each epoch's final weights (``score``: accuracy, or R²).
    The curves read as attributes too: ``history.loss`` is ``history.history["loss"]``."""

    CURVES = ("loss", "val_loss", "score", "val_score")

    def __init__(self, epoch=(), grad_norms=(), **curves):
        super().__init__()
        unknown = set(curves) - set(self.CURVES)
        if unknown:
            raise ValueError(f"History curves are {self.CURVES}, received {sorted(unknown)}")
        self.epoch, self.grad_norms = list(epoch), list(grad_norms)
        self.history = {name: list(curves.get(name, ())) for name in self.CURVES}

    loss = property(lambda self: self.history["loss"])
    val_loss = property(lambda self: self.history["val_loss"])
    score = property(lambda self: self.history["score"])
    val_score = property(lambda self: self.history["val_score"])

    def until(self, epoch: int) -> History:
        """A copy holding the first ``epoch`` entries."""
        return type(self)(self.epoch[:epoch], self.grad_norms[:epoch],
                          **{name: values[:epoch] for name, values in self.history.items()})


class PlaygroundRun:
    def __init__(self, config: Config, data: Data):
        self.config, self.data = config, data
        self.inputs_train = features.expand(data.X_train, config.features)
        self.inputs_test = features.expand(data.X_test, config.features)
        self.grid = grid_points()
        self.grid_inputs = features.expand(self.grid, config.features)
        self.spec = spec.network_spec(config, data.kind, data.n_classes)  # the model, as exports write it
        self.model = spec.build(self.spec)
        self._operate()
        self.targets_train, self.targets_test = self._targets(data.y_train), self._targets(data.y_test)
        self.history = History()
        self.snapshots = SnapshotStore(limits.SNAPSHOT_BUDGET_BYTES)  # weights over epochs, for time travel
        self.snapshots.capture(0, self.model)
        self.diverged = False
        self.lock = threading.Lock()
        _live_runs.add(self)
        self.train_seconds = 0.0
        self.seconds_per_epoch: float | None = None  # recent wall time per epoch, smoothed
        self.note: str | None = None  # why this run started afresh, shown until it trains
        self.diverged_at_rate: float | None = None  # the learning rate in force when the loss overflowed
        self.stop_rule: StopRule
        self.stopped: Stop | None = None  # why training stopped by itself (a stop condition), until it changes
        self.restores: list[tuple[int, int]] = []  # (stop epoch, epoch put back) of each early-stopping restore
        self.schedule_start = 0  # the epoch the learning-rate schedule counts from (its last change)
        self.rearm_stop_rule()

    def replace_data(self, config: Config, data: Data) -> None:
        """Train on ``data`` from now on (drawn points edited), keeping the weights, optimizer and history. Only
        for the same network and kind of problem. The caller holds ``lock``."""
        self.config, self.data = config, data
        self.inputs_train = features.expand(data.X_train, config.features)
        self.inputs_test = features.expand(data.X_test, config.features)
        self.targets_train, self.targets_test = self._targets(data.y_train), self._targets(data.y_test)

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """Multi-class MSE compares softmax outputs with one-hot rows; every other pairing takes y."""
        if self.data.kind == "multiclass" and self.model.loss.name == "mse":
            return np.eye(self.data.n_classes)[y]
        return y

    @property
    def epoch(self) -> int:
        return len(self.history.epoch)

    def apply(self, config: Config) -> None:
        """Take new training settings (learning rate, optimizer, regularization, batch, speed) and keep
        the weights. Only call with a config whose ``model_key`` equals this run's."""
        old, self.config = self.config, config
        self.spec = spec.network_spec(config, self.data.kind, self.data.n_classes)
        if (config.schedule, config.schedule_epochs, config.learning_rate) != \
                (old.schedule, old.schedule_epochs, old.learning_rate):
            self.schedule_start = self.epoch  # a schedule chosen mid-run starts from here, at the rate set
        if (config.optimizer, config.learning_rate) != (old.optimizer, old.learning_rate):
            if config.optimizer == old.optimizer:
                self.model.optimizer.learning_rate = config.learning_rate  # keeps momentum and moments
            else:
                self.model.optimizer = spec.make_optimizer(config.optimizer, config.learning_rate)
        if config.stop_key() != old.stop_key():  # a new rule from here on; it may train on
            self.rearm_stop_rule()
        if (config.regularization, config.reg_rate) != (old.regularization, old.reg_rate):
            reg = spec.make_regularizer(self.spec)
            for layer in self.model.layers:
                if isinstance(layer, nnlib.Dense):
                    layer.kernel_regularizer = reg
        self._operate()

    def rearm_stop_rule(self) -> None:
        """The config's stop conditions afresh from the current epoch; a target or budget already met stops at once."""
        self.stop_rule, self.stopped = StopRule(self.config, self.model, score_label(self.data.kind)), None
        if self.epoch:
            now = self.latest_scores()
            self.stopped = self.stop_rule.met(self.epoch, now.val_loss, now.val_score)

    @property
    def weights_from(self) -> int | None:
        """The epoch whose weights early stopping put back, while no epoch has trained since; else None."""
        return self.restores[-1][1] if self.restores and self.restores[-1][0] == self.epoch else None

    def _operate(self) -> None:
        """The config's switched-off and frozen hidden neurons, as the model's unit and trainable masks
        (nnlib's Dense.unit_mask and Dense.trainable_mask); the weights stay as they are."""
        hidden = [layer for layer in self.model.layers if layer.kind == "Dense"][:-1]
        for i, layer in enumerate(hidden):
            names = [cfg.neuron_name(i, j) for j in range(layer.units)]
            off = [name in self.config.off for name in names]
            frozen = [name in self.config.frozen for name in names]
            layer.unit_mask = [not o for o in off] if any(off) else None
            layer.trainable_mask = [not f for f in frozen] if any(frozen) else None

    def train(self, epochs: int) -> int:
        """Train up to ``epochs`` more epochs (never past the run cap). Returns how many ran."""
        epochs = max(0, min(epochs, limits.MAX_EPOCHS_PER_RUN - self.epoch, limits.MAX_EPOCHS_PER_FRAME))
        left = self.stop_rule.epochs_left(self.epoch)
        if left == 0 and not self.stopped:
            self.stopped = self.stop_rule.budget_stop(self.epoch)
        epochs = epochs if left is None else min(epochs, left)
        if epochs == 0 or self.diverged or self.stopped:
            return 0
        start, cpu, before = time.perf_counter(), time.thread_time(), self.epoch
        # No validation_data: the recorder scores both sets with the epoch's final weights (fit's own train
        # figures are running averages over the epoch, with dropout on).
        result = self.model.fit(self.inputs_train, self.targets_train, epochs=before + epochs,
                                initial_epoch=before, batch_size=self.batch_size, verbose=0,
                                callbacks=self._callbacks())
        self.diverged = result.diverged
        if self.diverged:
            self.diverged_at_rate = self.config.learning_rate
        elapsed, done = time.perf_counter() - start, self.epoch - before
        with _training_cpu_lock:
            _training_cpu[0] += time.thread_time() - cpu
        self.train_seconds += elapsed
        if done:
            self.seconds_per_epoch = pacing.smooth(self.seconds_per_epoch, elapsed / done)
        return done

    def _callbacks(self) -> list:
        """The recorder (scores, snapshots, stop conditions) and, with a schedule, Keras' LearningRateScheduler."""
        recorder = nnlib.callbacks.LambdaCallback(on_epoch_end=self._epoch_done)
        if self.config.schedule == "constant":
            return [recorder]
        return [nnlib.callbacks.LearningRateScheduler(self.rate_at), recorder]

    def rate_at(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (from 0) under the config's schedule."""
        c = self.config
        return schedules.rate_at(c.schedule, c.learning_rate, c.schedule_epochs, max(epoch - self.schedule_start, 0))

    @property
    def rate(self) -> float:
        """The rate the last epoch trained with (the first's before any)."""
        return self.rate_at(max(self.epoch - 1, 0))

    def epochs_for_frame(self) -> int:
        """The speed setting, cut down to what fits pacing.FRAME_TRAIN_SECONDS at the recent pace: a busy server
        then gives every session fewer epochs per frame instead of stalling anyone's frames."""
        wanted = self.config.epochs_per_frame
        if not self.seconds_per_epoch:
            return wanted
        return max(1, min(wanted, int(pacing.FRAME_TRAIN_SECONDS / self.seconds_per_epoch)))

    @property
    def at_cap(self) -> bool:
        return self.epoch >= limits.MAX_EPOCHS_PER_RUN

    def _epoch_done(self, epoch: int, logs: dict) -> None:
        """After each epoch: its Scores into the History, its weights into the snapshots (time travel)."""
        scores = self.scores()
        self.history.on_epoch_end(epoch + 1, {"loss": scores.loss, "val_loss": scores.val_loss,
                                              "score": scores.score, "val_score": scores.val_score,
                                              "grad_norms": logs.get("grad_norms", [])})
        self.snapshots.capture(epoch + 1, self.model)
        stop = self.stop_rule.after_epoch(epoch + 1, scores.val_loss, scores.val_score)
        if stop:
            self.stopped, self.model.stop_training = stop, True
            if stop.restored_epoch:
                self.restores.append((stop.epoch, stop.restored_epoch))

    @property
    def batch_size(self) -> int:
        """The configured batch, never more than the training set holds."""
        return max(1, min(self.config.batch_size, len(self.data.y_train)))

    def scores(self, model=None) -> Scores:
        """The current weights' Scores (or ``model``'s, a snapshot's copy). The caller holds ``lock`` (or owns
        the run)."""
        model, metric = model or self.model, self.spec.metric
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged model scores NaN, quietly
            train = self._evaluate(model, self.inputs_train, self.targets_train)
            test = self._evaluate(model, self.inputs_test, self.targets_test)
            penalty = float(sum(model.losses))
        return Scores(train["loss"] - penalty, test["loss"] - penalty, train[metric], test[metric], penalty)

    def latest_scores(self) -> Scores:
        """The Scores the History recorded for the last epoch's final weights (no second evaluation), or the
        current weights' before any training. The caller holds ``lock``."""
        if not self.epoch:
            return self.scores()
        h, i = self.history, (self.weights_from or 0) - 1
        return Scores(h.loss[i], h.val_loss[i], h.score[i], h.val_score[i], float(sum(self.model.losses)))

    def _evaluate(self, model, x: np.ndarray, targets: np.ndarray) -> dict:
        """evaluate's logs on one set; NaN for an empty one (a tiny upload at an extreme split)."""
        if not len(x):
            return {"loss": math.nan, self.spec.metric: math.nan}
        return model.evaluate(x, targets, return_dict=True)

    def evaluation(self, model=None) -> dict:
        """What the view's evaluation panel shows for the current weights (or ``model``'s, a snapshot's copy), on
        each split: the predicted classes (packed, evaluation.pack_labels) or RMSE, MAE and R². The caller holds
        ``lock``."""
        model = model or self.model
        sets = {"train": (self.inputs_train, self.data.y_train), "test": (self.inputs_test, self.data.y_test)}
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged model predicts NaN, quietly
            outputs = {name: model.predict(x) if len(x) else np.zeros((0, 1)) for name, (x, _) in sets.items()}
            if self.data.kind == "regression":
                return {name: _json_numbers(evaluation.regression_scores(y, outputs[name]))
                        for name, (_, y) in sets.items()}
        return {name: evaluation.pack_labels(evaluation.predicted_labels(out), self.data.n_classes)
                for name, out in outputs.items()}

    def grid_output(self) -> np.ndarray:
        """The model's output on the drawing grid: (resolution², outputs)."""
        return self.model.predict(self.grid_inputs)


def _json_numbers(values: dict[str, float]) -> dict[str, float | None]:
    """NaN and infinities as None: JSON has no such numbers."""
    return {k: v if math.isfinite(v) else None for k, v in values.items()}
