"""Callbacks with Keras 3's hooks and rules. ``fit`` calls them; setting ``model.stop_training = True`` ends a run.

``fit`` calls the user's callbacks first and its History last, as Keras does, so what a callback writes
into ``logs`` at ``on_epoch_end`` (``learning_rate``, say) reaches ``history.history``.
"""

from __future__ import annotations

import csv
import math
import os
import warnings
from collections.abc import Iterable

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


# --- watching one logged value ---------------------------------------------------------------------------

MINIMIZED_SHORT_NAMES = {"mse", "mae"}  # nnlib's metric abbreviations; Keras knows their direction too
MAXIMIZED_WORDS = {"accuracy", "acc", "auc", "precision", "recall", "f1", "r2"}


def _check_count(owner: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{owner} needs {name} >= 0 (an int), received {name}={value!r}")
    return int(value)


def _check_number(owner: str, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or math.isnan(value):
        raise ValueError(f"{owner} needs a number for {name}, received {name}={value!r}")
    return float(value)


def _minimizes(owner: str, monitor: str, mode: str) -> bool:
    """True when smaller is better. "auto" reads the direction off the name, where Keras reads it off
    the compiled metric; a name it cannot read is an error rather than a guess."""
    if mode not in ("auto", "min", "max"):  # Keras warns and falls back to "auto"; a typo deserves an error
        raise ValueError(f"{owner} mode must be 'auto', 'min' or 'max', received {mode!r}")
    if mode != "auto":
        return mode == "min"
    name = monitor.removeprefix("val_")
    if name.endswith("loss") or "error" in name or name in MINIMIZED_SHORT_NAMES:
        return True
    if MAXIMIZED_WORDS & set(name.split("_")):
        return False
    raise ValueError(f"{owner} received monitor={monitor!r}, but cannot tell whether it should be minimized "
                     f"or maximized; pass mode='min' (lower is better) or mode='max' (higher is better)")


class _MonitorCallback(Callback):
    """What EarlyStopping and ReduceLROnPlateau share with Keras' MonitorCallback: one logged value, a
    direction, and what counts as an improvement."""

    def __init__(self, monitor: str, mode: str, min_delta: float):
        owner = type(self).__name__
        if not isinstance(monitor, str):
            raise ValueError(f"{owner} monitor must be the name of a logged value, received {monitor!r}")
        self.monitor, self.mode = monitor, mode
        self.minimize = _minimizes(owner, monitor, mode)
        self.min_delta = abs(_check_number(owner, "min_delta", min_delta))  # Keras: the sign never matters
        self.best = None

    def _is_improvement(self, value, reference) -> bool:
        """Better than ``reference`` by more than ``min_delta`` (strictly); anything beats no reference."""
        if reference is None:
            return True
        if self.minimize:
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def _monitored_value(self, logs, action: str):
        """The monitored value, or None after a warning (Keras skips such an epoch rather than fail)."""
        value = (logs or {}).get(self.monitor)
        if value is None:
            available = sorted(k for k in (logs or {}) if k != "grad_norms")
            warnings.warn(f"{action} is conditioned on {self.monitor!r}, which is not in the logs; available: "
                          f"{available}. This epoch is skipped.", stacklevel=3)
        return value


class EarlyStopping(_MonitorCallback):
    """Stop training once ``monitor`` has stopped improving, by Keras 3's rules.

    Each monitored epoch first adds one to ``wait``; an improvement on ``best`` (by more than
    ``min_delta``) records it and resets ``wait`` to 0, but only if it also beats ``baseline`` when one is
    given. An epoch that does not improve stops training when ``wait >= patience`` (and epoch > 0).
    Epochs before ``start_from_epoch`` are ignored. With ``restore_best_weights`` the weights of the best
    epoch are put back at the end of training, whether or not it stopped early.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta)
        self.patience = _check_count("EarlyStopping", "patience", patience)
        self.start_from_epoch = _check_count("EarlyStopping", "start_from_epoch", start_from_epoch)
        self.baseline = None if baseline is None else _check_number("EarlyStopping", "baseline", baseline)
        self.verbose, self.restore_best_weights = verbose, bool(restore_best_weights)
        self.wait, self.stopped_epoch, self.best_epoch, self.best_weights = 0, 0, 0, None

    def on_train_begin(self, logs=None):
        # reset, so one instance can serve several fits
        self.wait, self.stopped_epoch, self.best, self.best_epoch, self.best_weights = 0, 0, None, 0, None

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitored_value(logs, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        self.wait += 1  # counted before the check, as Keras: an improvement below takes it back to 0
        if self._is_improvement(current, self.best):
            self._record_best(epoch, current)
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch, self.model.stop_training = epoch, True

    def _record_best(self, epoch: int, current) -> None:
        self.best, self.best_epoch = current, epoch
        if self.restore_best_weights:
            self.best_weights = self.model.get_weights()  # the first monitored epoch always gets here
        # beating the best but not the baseline still uses up patience
        if self.baseline is None or self._is_improvement(current, self.baseline):
            self.wait = 0

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def __repr__(self):
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, mode={self.mode!r}, "
                f"min_delta={self.min_delta:g})")


# --- the learning rate -----------------------------------------------------------------------------------

def _current_rate(optimizer) -> float:
    return float(optimizer.learning_rate)


class ReduceLROnPlateau(_MonitorCallback):
    """Multiply the optimizer's learning rate by ``factor`` once ``monitor`` has not improved for
    ``patience`` epochs, never below ``min_lr``; then wait ``cooldown`` epochs before counting again.

    Logs ``learning_rate`` every epoch: the rate the epoch trained with (a cut shows from the next one).
    Keras' rules: during cooldown ``wait`` stays 0; an epoch at ``min_lr`` already changes nothing and
    starts no cooldown.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        super().__init__(monitor, mode, min_delta)
        factor = _check_number("ReduceLROnPlateau", "factor", factor)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0, received factor={factor}")
        if factor < 0:
            raise ValueError(f"ReduceLROnPlateau needs a factor >= 0, received factor={factor}")
        self.factor, self.min_lr = factor, _check_number("ReduceLROnPlateau", "min_lr", min_lr)
        self.patience = _check_count("ReduceLROnPlateau", "patience", patience)
        self.cooldown = _check_count("ReduceLROnPlateau", "cooldown", cooldown)
        self.verbose, self.wait, self.cooldown_counter = verbose, 0, 0

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs  # written in place: History, called after us, records it
        logs["learning_rate"] = _current_rate(self.model.optimizer)
        current = self._monitored_value(logs, "ReduceLROnPlateau")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():  # asked after the count-down: the cooldown's last epoch counts again
            self.wait += 1
            if self.wait >= self.patience and self._reduce_rate(epoch):
                self.cooldown_counter, self.wait = self.cooldown, 0

    def _reduce_rate(self, epoch: int) -> bool:
        """Cut the rate; False when it is already at ``min_lr``. (Keras compares with float32(min_lr)
        because its rate is a float32 variable; nnlib's rate is a float, so the plain comparison is the
        same rule.)"""
        optimizer = self.model.optimizer
        old = _current_rate(optimizer)
        if not old > self.min_lr:
            return False
        new = max(old * self.factor, self.min_lr)
        optimizer.learning_rate = new  # a schedule-holding optimizer raises TypeError here, as in Keras
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
        return True

    def __repr__(self):
        return (f"ReduceLROnPlateau(monitor={self.monitor!r}, factor={self.factor:g}, patience={self.patience}, "
                f"cooldown={self.cooldown}, min_lr={self.min_lr:g})")


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch to ``schedule(epoch, lr)``, with ``lr`` the current
    rate, or to ``schedule(epoch)``: as Keras, the one-argument call is tried when the first raises
    TypeError. The schedule must return a float (an int is refused, as in Keras). Logs ``learning_rate``.
    """

    def __init__(self, schedule, verbose: int = 0):
        if not callable(schedule):
            raise ValueError(f"LearningRateScheduler needs a callable schedule, received {schedule!r}")
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError(f'Optimizer must have a "learning_rate" attribute, received {type(optimizer).__name__}')
        rate = self._scheduled_rate(epoch, optimizer)
        optimizer.learning_rate = float(rate)  # a schedule-holding optimizer raises TypeError, as in Keras
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def _scheduled_rate(self, epoch: int, optimizer):
        try:
            rate = self.schedule(epoch, _current_rate(optimizer))
        except TypeError:  # Keras' fallback for schedule(epoch); the first error stays in the traceback
            rate = self.schedule(epoch)
        if not isinstance(rate, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {rate!r}")
        return rate

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _current_rate(self.model.optimizer)

    def __repr__(self):
        return f"LearningRateScheduler({getattr(self.schedule, '__name__', repr(self.schedule))})"


# --- stopping and logging --------------------------------------------------------------------------------

class TerminateOnNaN(Callback):
    """Stop training at a NaN or infinite loss: Keras checks each batch's logged ``loss`` at batch end,
    prints a line and sets ``model.stop_training`` (or raises RuntimeError with ``raise_error=True``).

    nnlib's ``fit`` ends the epoch at a non-finite batch loss itself (``history.diverged``), before the
    batch hooks see that loss; the epoch's mean loss carries it, so the check runs at epoch end too.
    """

    def __init__(self, raise_error: bool = False):
        self.raise_error = bool(raise_error)
        self._terminated = False

    def on_train_begin(self, logs=None):
        self._terminated = False

    def on_train_batch_end(self, batch, logs=None):
        self._check((logs or {}).get("loss"), f"Batch {batch}")

    on_batch_end = on_train_batch_end  # Keras' older name for the same hook

    def on_epoch_end(self, epoch, logs=None):
        if not self._terminated:  # said once, at the batch when a batch hook saw it
            self._check((logs or {}).get("loss"), f"Epoch {epoch}")

    def _check(self, loss, where: str) -> None:
        if loss is None or np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at {where.lower()}. Loss value: {loss}. "
                               f"Terminating training immediately.")
        print(f"{where}: Invalid loss, terminating training")
        self._terminated, self.model.stop_training = True, True

    def __repr__(self):
        return f"TerminateOnNaN(raise_error={self.raise_error})"


def _csv_cell(value):
    """Keras' rule: text as is, a list or array as one quoted "[a, b]" cell, anything else by str()."""
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


def _csv_columns(logs: dict) -> list[str]:
    """The logged names, sorted; with no ``val_`` name among them Keras adds one for each (left "NA")."""
    keys = sorted(logs)
    if keys and not any(key.startswith("val_") for key in keys):
        keys += [f"val_{key}" for key in keys]
    return keys


class CSVLogger(Callback):
    """Stream one row per epoch to a CSV file, as Keras' CSVLogger: the column ``epoch``, then the logged
    names sorted (Keras adds a ``val_`` column per name when there is no validation; a name missing from
    an epoch's logs is written "NA"). Rows use csv's excel dialect, so lines end in "\\r\\n" as Keras' do.

    ``filename`` is a path, or an open text stream with ``.write`` (``io.StringIO``, say), which is then
    neither opened nor closed here; with ``append=True`` a stream gets no header once it has text. nnlib's
    ``grad_norms`` entry (a list per epoch, kept in ``history.grad_norms``) is left out.
    """

    def __init__(self, filename, separator: str = ",", append: bool = False):
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger separator must be one character, received separator={separator!r}")
        if not hasattr(filename, "write") and not isinstance(filename, (str, os.PathLike)):
            raise ValueError(f"CSVLogger needs a path or a stream with .write, received {filename!r}")
        self.filename = filename if hasattr(filename, "write") else os.fspath(filename)
        self.sep, self.append = separator, bool(append)
        self.keys, self.writer, self.csv_file, self.append_header = None, None, None, True

    def _is_stream(self) -> bool:
        return hasattr(self.filename, "write")

    def on_train_begin(self, logs=None):
        self._close()
        self.append_header = not (self.append and self._has_text())
        self.csv_file = self.filename if self._is_stream() else open(self.filename, "a" if self.append else "w",
                                                                     newline="")
        self.keys, self.writer = None, None

    def _has_text(self) -> bool:
        if not self._is_stream():
            return os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        try:
            return self.filename.tell() > 0
        except (AttributeError, OSError):  # not seekable (a terminal, a pipe): nothing to go by
            return False

    def on_epoch_end(self, epoch, logs=None):
        logs = {k: v for k, v in (logs or {}).items() if k != "grad_norms"}
        if self.keys is None:
            self.keys = _csv_columns(logs)
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys], delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{key: _csv_cell(logs.get(key, "NA")) for key in self.keys}})
        if hasattr(self.csv_file, "flush"):
            self.csv_file.flush()

    def on_train_end(self, logs=None):
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self._is_stream() and not self.csv_file.closed:
            self.csv_file.close()

    def __repr__(self):
        return f"CSVLogger({self.filename!r}, separator={self.sep!r}, append={self.append})"


class LambdaCallback(Callback):
    """Quick callbacks from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            if not hasattr(Callback, name):
                raise ValueError(f"LambdaCallback has no hook {name!r}")
            setattr(self, name, fn)
