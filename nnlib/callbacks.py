"""Callbacks with Keras' hooks. ``fit`` calls them; setting ``model.stop_training = True`` ends a run."""

from __future__ import annotations

import numpy as np


class Callback:
    model = None

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...


class History(Callback):
    """What ``fit`` returns: ``history`` maps each logged name to its per-epoch list.

    Beyond Keras: ``grad_norms`` holds each epoch's per-layer gradient norms, and ``diverged`` says
    whether the run stopped at a non-finite loss.
    """

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.grad_norms: list[list[float]] = []
        self.diverged = False
        self.params: dict = {}

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        self.epoch.append(epoch)
        self.grad_norms.append(logs.pop("grad_norms", []))
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"History(epochs={len(self.epoch)}, last={last}{', diverged' if self.diverged else ''})"


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs."""

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 mode: str = "auto", restore_best_weights: bool = False, baseline: float | None = None):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'auto', 'min' or 'max', received {mode!r}")
        if patience < 0:
            raise ValueError(f"EarlyStopping needs patience >= 0, received {patience}")
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), int(patience)
        maximize = mode == "max" or (mode == "auto" and ("acc" in monitor or monitor.endswith("r2")))
        self.sign = -1.0 if maximize else 1.0  # compare sign * value, smaller is better
        self.restore_best_weights, self.baseline = restore_best_weights, baseline
        self.stopped_epoch = None

    def on_train_begin(self, logs=None):
        self.wait, self.best_weights, self.stopped_epoch = 0, None, None
        self.best = np.inf if self.baseline is None else self.sign * self.baseline

    def on_epoch_end(self, epoch, logs=None):
        if not logs or self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, but the logs only have "
                             f"{sorted(logs or {})}")
        value = self.sign * logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.model.stop_training, self.stopped_epoch = True, epoch
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class LambdaCallback(Callback):
    """Quick callbacks from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            if not hasattr(Callback, name):
                raise ValueError(f"LambdaCallback has no hook {name!r}")
            setattr(self, name, fn)
