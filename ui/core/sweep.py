"""Sweeps: the same setup trained several times, one setting varied (a learning-rate sweep) or two (a
grid). Pure Python and NumPy: no Streamlit here.

A sweep is planned first (``plan_lr_sweep``, ``plan_grid``: the configs, capped to the public demo's
limits, with a notice for anything cut), then run one run at a time by a ``SweepJob``. The page calls
``job.run_next()`` once per fragment tick; a Cancel click freezes the results at once (a run still
training when it comes is dropped), so the count, the table and the curves drawn after it never change.
``run_sweep`` is the same loop without a page, stopping when ``should_stop()`` says so or the job is
cancelled. ``chance_score`` is what a run must beat to have learned anything.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ui.core import config as cfg
from ui.core import limits
from ui.core.config import Config
from ui.core.run import Data, PlaygroundRun


# --- the settings a sweep (or a compared run) can vary -------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    label: str
    options: tuple  # what the page offers
    log: bool = False  # numbers best seen on a log axis

    def format(self, value) -> str:
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)


SETTINGS: dict[str, Setting] = {
    "learning_rate": Setting("learning rate", cfg.LEARNING_RATES, log=True),
    "optimizer": Setting("optimizer", tuple(cfg.OPTIMIZERS)),
    "activation": Setting("activation", cfg.HIDDEN_ACTIVATIONS),
    "units": Setting("neurons per hidden layer", (1, 2, 3, 4, 6, 8, 12, 16)),
    "depth": Setting("hidden layers", tuple(range(limits.MAX_HIDDEN_LAYERS + 1))),
    "batch_size": Setting("batch size", (1, 5, 10, 20, 30, 50, 100)),
    "l2": Setting("L2 rate", cfg.REG_RATES, log=True),
    "l1": Setting("L1 rate", cfg.REG_RATES, log=True),
    "dropout": Setting("dropout", (0.0, 0.1, 0.2, 0.3, 0.5)),
    "init": Setting("initializer", cfg.INITIALIZERS),
    "seed": Setting("seed", (0, 1, 2, 3, 4, 5, 6, 7)),
}


def with_setting(config: Config, name: str, value) -> Config:
    """``config`` with one setting changed, keeping it consistent (one activation per hidden layer, a
    batch no larger than the training set). Raises ValueError for an unknown setting."""
    if name not in SETTINGS:
        raise ValueError(f"unknown setting {name!r}; choose one of {sorted(SETTINGS)}")
    width = config.layers[0] if config.layers else 4
    act = config.activations[0] if config.activations else "tanh"
    if name == "activation":
        return replace(config, activations=(str(value),) * len(config.layers))
    if name == "units":
        units = min(max(int(value), 1), limits.MAX_NEURONS)
        layers = (units,) * max(len(config.layers), 1)
        return replace(config, layers=layers, activations=(act,) * len(layers))
    if name == "depth":
        depth = min(max(int(value), 0), limits.MAX_HIDDEN_LAYERS)
        return replace(config, layers=(width,) * depth, activations=(act,) * depth)
    if name in ("l1", "l2"):
        rate = float(value)
        return replace(config, regularization=name if rate > 0 else "none", reg_rate=rate)
    if name == "batch_size":
        train_size = max(1, round(config.samples * config.train_pct / 100))
        return replace(config, batch_size=min(max(int(value), 1), train_size))
    if name == "learning_rate":
        return replace(config, learning_rate=float(value))
    if name == "dropout":
        return replace(config, dropout=float(value))
    if name == "seed":
        return replace(config, seed=int(value))
    return replace(config, **{name: value})


def log_spaced(low: float, high: float, count: int) -> np.ndarray:
    """``count`` values from ``low`` to ``high`` (both included) with a constant ratio between neighbours."""
    if not (low > 0 and high > 0 and math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"log_spaced needs finite low, high > 0, received {low}, {high}")
    if count < 1:
        raise ValueError(f"log_spaced needs count >= 1, received {count}")
    low, high = min(low, high), max(low, high)
    if count == 1:
        return np.array([low])
    return np.geomspace(low, high, int(count))


# --- planning ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """What a sweep will train: one config per point; ``axes`` names the varied settings (1 or 2) and
    ``points[i]`` holds config i's values of them."""

    axes: tuple[str, ...]
    points: tuple[dict, ...]
    configs: tuple[Config, ...]
    epochs: int
    notices: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.configs)


def _capped_epochs(epochs: int, notices: list[str]) -> int:
    epochs = int(epochs)
    if epochs > limits.MAX_SWEEP_EPOCHS:
        notices.append(f"{epochs:,} epochs per run asked; the public demo allows {limits.MAX_SWEEP_EPOCHS}, "
                       f"so each run trains {limits.MAX_SWEEP_EPOCHS}.")
        return limits.MAX_SWEEP_EPOCHS
    return max(1, epochs)


def plan_lr_sweep(base: Config, low: float, high: float, count: int, epochs: int) -> Plan:
    """``count`` learning rates log-spaced from ``low`` to ``high`` (capped at MAX_SWEEP_RUNS)."""
    notices: list[str] = []
    count = int(count)
    if count > limits.MAX_SWEEP_RUNS:
        notices.append(f"{count} runs asked; the public demo allows {limits.MAX_SWEEP_RUNS} per sweep, "
                       f"so the same range is covered with {limits.MAX_SWEEP_RUNS} learning rates.")
        count = limits.MAX_SWEEP_RUNS
    count = max(count, 1)
    rates = [float(f"{r:.3g}") for r in log_spaced(low, high, count)]
    points = tuple({"learning_rate": r} for r in rates)
    configs = tuple(with_setting(base, "learning_rate", r) for r in rates)
    return Plan(("learning_rate",), points, configs, _capped_epochs(epochs, notices), tuple(notices))


def plan_grid(base: Config, x: str, x_values, y: str, y_values, epochs: int) -> Plan:
    """Every pair of ``x_values`` x ``y_values``. Over MAX_SWEEP_RUNS, the longer list loses its last
    values until the grid fits (a notice says which went)."""
    if x == y:
        raise ValueError(f"a grid needs two different settings, received {x!r} twice")
    for name in (x, y):
        if name not in SETTINGS:
            raise ValueError(f"unknown setting {name!r}; choose one of {sorted(SETTINGS)}")
    xs, ys = list(dict.fromkeys(x_values)), list(dict.fromkeys(y_values))
    if not xs or not ys:
        raise ValueError(f"a grid needs at least one value per setting, received {len(xs)} and {len(ys)}")
    notices: list[str] = []
    asked = len(xs) * len(ys)
    dropped: list[str] = []
    while len(xs) * len(ys) > limits.MAX_SWEEP_RUNS:
        name, values = (x, xs) if len(xs) >= len(ys) else (y, ys)
        dropped.append(f"{SETTINGS[name].label} = {SETTINGS[name].format(values.pop())}")
    if dropped:
        notices.append(f"{asked} runs asked; the public demo allows {limits.MAX_SWEEP_RUNS} per sweep, so the grid "
                       f"is {len(xs)} × {len(ys)} = {len(xs) * len(ys)} runs (left out: {', '.join(dropped)}).")
    points = tuple({x: vx, y: vy} for vy in ys for vx in xs)
    configs = tuple(with_setting(with_setting(base, x, p[x]), y, p[y]) for p in points)
    return Plan((x, y), points, configs, _capped_epochs(epochs, notices), tuple(notices))


# --- running -----------------------------------------------------------------------------------------------
def train_one(config: Config, data: Data, epochs: int) -> dict:
    """Train one fresh run of ``config`` on ``data`` for ``epochs`` epochs (less if it diverges); its
    final numbers and loss curve."""
    run = PlaygroundRun(config.without_stops(), data)  # every run trains the sweep's epochs
    while run.epoch < epochs and not run.diverged:
        if run.train(epochs - run.epoch) == 0:
            break
    h = run.history
    # an epoch's mean loss can overflow to inf while every batch stayed finite: that run diverged too
    diverged = bool(run.diverged) or (bool(h.loss) and not math.isfinite(h.loss[-1]))

    def last(values) -> float:
        """The final value; NaN when there is none (a diverged run has no final loss or score)."""
        return float(values[-1]) if values and not diverged and math.isfinite(values[-1]) else math.nan

    return {
        "epochs": run.epoch, "train_loss": last(h.loss), "test_loss": last(h.val_loss),
        "train_score": last(h.score), "test_score": last(h.val_score), "diverged": diverged,
        "seconds": run.train_seconds, "loss_curve": [float(v) for v in h.loss],
    }


@dataclass
class SweepJob:
    """A planned sweep and how far it got. ``status``: "running", "done" or "cancelled"."""

    plan: Plan
    data: Data
    results: list[dict] = field(default_factory=list)
    cancelled: bool = False
    started: float = field(default_factory=time.perf_counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # held while a run trains
    commit: threading.Lock = field(default_factory=threading.Lock, repr=False)  # cancel vs keeping a result

    @property
    def status(self) -> str:
        if len(self.results) >= len(self.plan):
            return "done"
        return "cancelled" if self.cancelled else "running"

    @property
    def finished(self) -> bool:
        return self.status != "running"

    def snapshot(self) -> tuple[list[dict], str]:
        """The results and the status that goes with them, for one drawing of the page."""
        cancelled = self.cancelled  # read first: once it is set, the results never change
        results = self.results
        status = "done" if len(results) >= len(self.plan) else "cancelled" if cancelled else "running"
        return results, status

    @property
    def progress(self) -> float:
        return len(self.results) / max(len(self.plan), 1)

    def cancel(self) -> None:
        """Stop now (idempotent): once this returns, ``results`` never change again; a run still training
        in another thread is dropped when it ends."""
        with self.commit:
            self.cancelled = True

    def run_next(self) -> dict | None:
        """Train the next planned run and keep its result; None when nothing is left to do (finished,
        cancelled before or during the run, or another thread is running one right now)."""
        if self.finished or not self.lock.acquire(blocking=False):
            return None
        try:
            if self.finished:
                return None
            i = len(self.results)
            numbers = train_one(self.plan.configs[i], self.data, self.plan.epochs)
            result = {"run": i + 1, **self.plan.points[i], **numbers}
            with self.commit:
                if self.cancelled:  # cancelled while it trained: the page already said how many ran
                    return None
                self.results = [*self.results, result]  # one assignment: a reader sees the old list or the new
            return result
        finally:
            self.lock.release()


def chance_score(data: Data) -> float:
    """The test score a model gets without learning anything: always answering the most common class
    (its share of the test set) for classification; R² = 0 (always predicting the test set's mean) for
    regression. A run has learned something only if its test score is above this."""
    if data.kind == "regression":
        return 0.0
    counts = np.bincount(np.asarray(data.y_test, dtype=int))
    return float(counts.max() / counts.sum()) if counts.sum() else 0.0


def run_sweep(job: SweepJob, should_stop: Callable[[], bool] = lambda: False,
              on_result: Callable[[dict], None] | None = None) -> list[dict]:
    """Run ``job`` to the end, checking ``should_stop()`` between runs (never inside one). Returns the
    results so far."""
    while not job.finished:
        if should_stop():
            job.cancel()
            break
        result = job.run_next()
        if result is None:
            break
        if on_result is not None:
            on_result(result)
    return job.results
