"""When a Playground run stops by itself: a test loss or score target, an epoch budget, or early stopping
(nnlib's EarlyStopping, Keras' rules), and how far the set target still looks, from the curve's trend.

The rule is checked after every epoch on the scores the run's History records for it (the epoch's final
weights, dropout off). The Playground trains a few epochs per frame, each a separate ``fit``, so the rule
keeps EarlyStopping's state across them instead of letting every ``fit`` start it afresh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnlib.callbacks import EarlyStopping

TRAIN_ON = " Change or turn off the stop condition to train on, or press Reset."
MIN_CURVE_EPOCHS = 20  # fewer epochs give no trend to estimate from
TREND_EPOCHS = 100  # the estimate follows the last quarter of the curve, at most this many epochs
STALL_EPOCHS = 100  # a gap that has not shrunk over this many epochs: no estimate, and the page says so
MIN_TREND_FIT = 0.5  # R² of the straight line through the recent log-gap: below it the curve is too noisy


@dataclass(frozen=True)
class Stop:
    epoch: int  # training stopped after this epoch (from 1)
    reason: str  # which condition fired, in words
    restored_epoch: int | None = None  # early stopping put back this epoch's weights


class StopRule:
    """The stop conditions of ``config`` for ``model``; ``score_label`` names the score ("accuracy", "R²")."""

    def __init__(self, config, model, score_label: str):
        self.loss_target = config.stop_loss or None
        self.score_target = config.stop_score or None
        self.budget = config.stop_epochs or None
        self.score_label, self.model = score_label, model
        self.early = None
        if config.early_stopping:
            self.early = EarlyStopping(monitor="val_loss", patience=config.patience,
                                       restore_best_weights=config.restore_best)
            self.early.set_model(model)
            self.early.on_train_begin()

    @property
    def active(self) -> bool:
        return any(x is not None for x in (self.loss_target, self.score_target, self.budget, self.early))

    def epochs_left(self, epoch: int) -> int | None:
        """Epochs the budget still allows after ``epoch``, or None without a budget."""
        return None if self.budget is None else max(0, self.budget - epoch)

    def budget_stop(self, epoch: int) -> Stop:
        return Stop(epoch, f"Stopped at epoch {epoch:,}: the budget of {self.budget:,} epochs is used up." + TRAIN_ON)

    def after_epoch(self, epoch: int, val_loss: float, val_score: float) -> Stop | None:
        """The stop that fires after ``epoch`` (from 1) with these test scores, or None. Early stopping's
        restore puts the best weights back into the model here."""
        return self.met(epoch, val_loss, val_score) or self._early(epoch, val_loss)

    def met(self, epoch: int, val_loss: float, val_score: float) -> Stop | None:
        """The stop of a target or the budget already met at ``epoch`` with these scores (a rule set mid-run is
        checked at once, not at the next epoch)."""
        if self.loss_target is not None and val_loss <= self.loss_target:
            return Stop(epoch, f"Stopped at epoch {epoch:,}: the test loss {val_loss:.4f} reached the target "
                               f"{self.loss_target:g}." + TRAIN_ON)
        if self.score_target is not None and val_score >= self.score_target:
            return Stop(epoch, f"Stopped at epoch {epoch:,}: the test {self.score_label} {val_score:.4f} reached "
                               f"the target {self.score_target:g}." + TRAIN_ON)
        if self.budget is not None and epoch >= self.budget:
            return self.budget_stop(epoch)
        return None

    def _early(self, epoch: int, val_loss: float) -> Stop | None:
        if self.early is None or not math.isfinite(val_loss):
            return None
        self.model.stop_training = False
        self.early.on_epoch_end(epoch - 1, {"val_loss": val_loss})  # Keras counts epochs from 0
        if not self.model.stop_training:
            return None
        best_epoch = self.early.best_epoch + 1
        waited = f"for {self.early.patience} epochs" if self.early.patience else "(patience 0)"
        reason = (f"Early stopping at epoch {epoch:,}: the test loss has not improved on {self.early.best:.4f} "
                  f"(epoch {best_epoch:,}) {waited}")
        if self.early.restore_best_weights and self.early.best_weights is not None:
            self.model.set_weights(self.early.best_weights)  # as Keras does at the end of fit
            return Stop(epoch, reason + f"; the weights of epoch {best_epoch:,} are back." + TRAIN_ON, best_epoch)
        return Stop(epoch, reason + "." + TRAIN_ON)


@dataclass(frozen=True)
class Estimate:
    epochs: float | None  # epochs still to go, or None when the curve gives no basis
    why_not: str | None = None  # when the curve has stopped moving towards the target: say so


def epochs_to_target(values, target: float, rising: bool, what: str) -> Estimate:
    """How many more epochs ``values`` (a curve, one value per epoch) needs to reach ``target``: the recent part
    of the curve's gap to perfection (the loss itself; 1 - accuracy or 1 - R² for a score) as a straight line
    on a log scale, carried on to the target's gap. No estimate from a short, noisy or non-finite curve; a
    curve that has stopped moving, or a perfect score as the target, says so instead."""
    values = np.asarray(values, dtype=float)
    if len(values) < MIN_CURVE_EPOCHS:
        return Estimate(None)
    if (values[-1] >= target) if rising else (values[-1] <= target):
        return Estimate(0.0)
    goal = 1.0 - target if rising else target
    if goal <= 0:
        return Estimate(None, f"A test {what} of {target:g} is a perfect one, reached only when every test point is "
                              "right: no trend leads there. A target just below it can be estimated.")
    gaps = (1.0 - values) if rising else values
    if not np.isfinite(gaps[-TREND_EPOCHS:]).all() or (gaps[-TREND_EPOCHS:] <= 0).any():
        return Estimate(None)
    if _stalled(gaps):
        return Estimate(None, f"The test {what} has hardly moved over the last {STALL_EPOCHS} epochs: the target "
                              "may be out of reach for this setup.")
    recent = gaps[-min(max(len(gaps) // 4, MIN_CURVE_EPOCHS), TREND_EPOCHS):]  # the latest pace, not the start's
    t, y = np.arange(len(recent), dtype=float), np.log(recent)
    slope, intercept = np.polyfit(t, y, 1)
    fitted = intercept + slope * t
    spread = float(np.sum((y - y.mean()) ** 2))
    if slope >= 0 or spread == 0 or 1.0 - float(np.sum((y - fitted) ** 2)) / spread < MIN_TREND_FIT:
        return Estimate(None)
    return Estimate(max(1.0, (math.log(goal) - fitted[-1]) / slope))  # not there yet: one more epoch at least


def _stalled(gaps: np.ndarray) -> bool:
    """Whether the last STALL_EPOCHS of the gap shrank by under 1 % from their first half to their second."""
    if len(gaps) < STALL_EPOCHS:
        return False
    first, second = np.split(gaps[-STALL_EPOCHS:], 2)
    return float(second.mean()) >= 0.99 * float(first.mean())
