"""The Playground's learning-rate schedules: each choice is an nnlib (Keras) schedule counted in epochs.

The Playground applies the rate once per epoch, as Keras' ``LearningRateScheduler`` callback does, so a
schedule's steps are epochs here, and its curve reads against the epoch axis of the loss curves. The
configured learning rate is the schedule's top: where it starts (the cyclic schedule: where it peaks).
"""

from __future__ import annotations

import numpy as np

from nnlib.optimizers import schedules

SCHEDULES = {"constant": "Constant", "step": "Step decay", "exponential": "Exponential decay",
             "cosine": "Cosine decay", "cyclic": "Cyclic (triangle)"}
DESCRIPTIONS = {
    "constant": "The same rate every epoch.",
    "step": "Halves the rate every period: ExponentialDecay(staircase=True, decay_rate=0.5).",
    "exponential": "Halves the rate smoothly over each period: ExponentialDecay(decay_rate=0.5).",
    "cosine": "Eases the rate down to 1 % over one period, then holds it: CosineDecay(alpha=0.01).",
    "cyclic": "Rises from a tenth of the rate to the rate and back, every period (Smith's triangle).",
}
STALLED_SHARE = 1e-4  # a rate this far below where it started barely moves the weights any more


class TriangularCycle(schedules.LearningRateSchedule):
    """Smith's cyclical learning rate ("triangular"): from ``maximal_learning_rate / 10`` up to it at half a
    period, and back down at the end of each ``period``. Keras has none built in; this is its subclass."""

    def __init__(self, maximal_learning_rate: float, period: int):
        self.maximal_learning_rate, self.period = float(maximal_learning_rate), int(period)

    def __call__(self, step):
        phase = np.mod(np.asarray(step, dtype=float), self.period) / self.period  # 0 .. 1 within a cycle
        height = 1.0 - np.abs(2.0 * phase - 1.0)  # 0 at the ends, 1 at the middle
        low = self.maximal_learning_rate / 10
        rates = low + (self.maximal_learning_rate - low) * height
        return float(rates) if np.ndim(rates) == 0 else rates

    def get_config(self) -> dict:
        return {"maximal_learning_rate": self.maximal_learning_rate, "period": self.period}


def rate_schedule(name: str, learning_rate: float, period: int) -> schedules.LearningRateSchedule | None:
    """The schedule ``name`` of the Playground's choice, over epochs; None for a constant rate."""
    if name == "constant":
        return None
    if name in ("step", "exponential"):
        return schedules.ExponentialDecay(learning_rate, decay_steps=period, decay_rate=0.5,
                                          staircase=name == "step")
    if name == "cosine":
        return schedules.CosineDecay(learning_rate, decay_steps=period, alpha=0.01)
    if name == "cyclic":
        return TriangularCycle(learning_rate, period)
    raise ValueError(f"unknown schedule {name!r}; choose one of {sorted(SCHEDULES)}")


def rate_at(name: str, learning_rate: float, period: int, epoch: int) -> float:
    """The rate of epoch ``epoch`` (from 0): what training uses for it."""
    schedule = rate_schedule(name, learning_rate, period)
    return learning_rate if schedule is None else float(schedule(epoch))


def curve(name: str, learning_rate: float, period: int, epochs: int, points: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, rates) of the first ``epochs`` epochs at ``points`` evenly spaced epochs, to draw small."""
    at = np.unique(np.linspace(0, max(epochs - 1, 1), points).round())
    schedule = rate_schedule(name, learning_rate, period)
    return at, (np.full(at.shape, learning_rate) if schedule is None else np.asarray(schedule(at), dtype=float))


def stalled_message(rate: float, base: float) -> str | None:
    """What to say when the schedule has taken the rate so low that training has all but stopped, or None."""
    if rate >= STALLED_SHARE * base:
        return None
    how_low = "to 0" if rate == 0 else f"below 1/{round(1 / STALLED_SHARE):,} of where it started ({base:g})"
    return (f"The schedule has brought the learning rate {how_low} (Rate, in the bar): the weights barely move any "
            "more. Pick a longer period, or the Constant schedule, to train on.")


def schedule_code(name: str, learning_rate: float, period: int, module: str) -> list[str]:
    """Lines that define ``SCHEDULE`` (epoch -> rate) for an exported script, from ``module`` (the
    schedules of "nnlib.optimizers." or "tf.keras.optimizers."); none for a constant rate."""
    if name == "constant":
        return []
    if name == "cyclic":
        low, rise = learning_rate / 10, learning_rate - learning_rate / 10
        return ["def SCHEDULE(epoch):  # Smith's triangle: a tenth of the rate up to it and back, each period",
                f"    phase = (epoch % {period}) / {period}",
                f"    return {low!r} + {rise!r} * (1 - abs(2 * phase - 1))"]
    call = {"step": f"ExponentialDecay({learning_rate!r}, decay_steps={period}, decay_rate=0.5, staircase=True)",
            "exponential": f"ExponentialDecay({learning_rate!r}, decay_steps={period}, decay_rate=0.5)",
            "cosine": f"CosineDecay({learning_rate!r}, decay_steps={period}, alpha=0.01)"}[name]
    return [f"SCHEDULE = {module}schedules.{call}  # over epochs: the Playground sets the rate once per epoch"]
