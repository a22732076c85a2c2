"""Compare runs: 2 to 4 configs that share one data set and one seed, trained in lockstep. No Streamlit here.

Every run starts from the same base config (the Playground's) and changes only what the user changed
for it (``RunChanges``); they all hold the very same ``Data`` object, so their arrays are shared, not
copies. ``Comparison.train`` gives every run the same number of epochs, so they stay at one epoch
(a run that diverged stops where it did). ``Comparison.frame`` copies every run at one moment, so the
heading, the curves and the table drawn from it show the same epoch of the same weights.
"""

from __future__ import annotations

import math
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

import numpy as np

from ui.core import limits
from ui.core.config import Config
from ui.core.run import Data, History, PlaygroundRun
from ui.core.snapshots import history_until
from ui.core.training import evaluation

RUN_NAMES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class RunChanges:
    """One compared run's departures from the base config; None keeps the base value."""

    learning_rate: float | None = None
    optimizer: str | None = None
    activation: str | None = None  # for every hidden layer
    layers: tuple[int, ...] | None = None
    regularization: str | None = None
    reg_rate: float | None = None
    dropout: float | None = None
    init: str | None = None

    def apply(self, base: Config) -> Config:
        config = base
        if self.layers is not None:
            act = config.activations[0] if config.activations else "tanh"
            config = replace(config, layers=self.layers, activations=(act,) * len(self.layers))
        if self.activation is not None:
            config = replace(config, activations=(self.activation,) * len(config.layers))
        for name in ("learning_rate", "optimizer", "regularization", "reg_rate", "dropout", "init"):
            value = getattr(self, name)
            if value is not None:
                config = replace(config, **{name: value})
        return config


def parse_layers(text: str) -> tuple[tuple[int, ...] | None, str | None]:
    """Hidden-layer sizes from text like "8, 4" -> ((8, 4), None); "" -> (None, None) (keep the base);
    "0" or "none" -> ((), None). Bad text -> (None, a message saying what was received)."""
    text = text.strip().lower()
    if not text:
        return None, None
    if text in ("0", "none", "-"):
        return (), None
    try:
        sizes = tuple(int(part) for part in text.replace(" ", ",").split(",") if part)
    except ValueError:
        return None, f"hidden layers must be whole numbers separated by commas, received {text[:30]!r}"
    if len(sizes) > limits.MAX_HIDDEN_LAYERS or any(not 1 <= s <= limits.MAX_NEURONS for s in sizes):
        return None, (f"at most {limits.MAX_HIDDEN_LAYERS} hidden layers of 1…{limits.MAX_NEURONS} neurons, "
                      f"received {text[:30]!r}")
    return sizes, None


def run_configs(base: Config, changes: list[RunChanges]) -> tuple[Config, ...]:
    """One config per run (2…MAX_COMPARE_RUNS of them): the base with that run's changes."""
    if not 2 <= len(changes) <= limits.MAX_COMPARE_RUNS:
        raise ValueError(f"compare needs 2 to {limits.MAX_COMPARE_RUNS} runs, received {len(changes)}")
    return tuple(c.apply(base).without_stops() for c in changes)  # runs race the same epochs, none stops early


@dataclass(frozen=True)
class RunFrame:
    """One compared run at one moment: its history and its output on the drawing grid, both taken
    under the run's lock, so the curves and the boundary belong to the same weights."""

    name: str
    config: Config
    epoch: int
    history: History
    output: np.ndarray  # (resolution², outputs): the model's output on ui.core.run.grid_points()
    diverged: bool
    at_cap: bool
    train_seconds: float
    parameters: int = 0  # the model's weights and biases
    flops_per_epoch: int = 0  # ui.core.training.evaluation.flops_per_epoch


@dataclass(frozen=True)
class Frame:
    """Every compared run at one moment, and what their changes are relative to."""

    base: Config
    runs: tuple[RunFrame, ...]

    @property
    def epoch(self) -> int:
        """The epoch of the runs still training (all the same, in lockstep), or the furthest any got."""
        return _lockstep_epoch(self.runs)


def _lockstep_epoch(runs) -> int:
    live = [r.epoch for r in runs if not r.diverged]
    return min(live) if live else max(r.epoch for r in runs)


class Comparison:
    """The runs being compared, on one shared ``data``."""

    def __init__(self, configs: tuple[Config, ...], data: Data, base: Config | None = None):
        if not 2 <= len(configs) <= limits.MAX_COMPARE_RUNS:
            raise ValueError(f"compare needs 2 to {limits.MAX_COMPARE_RUNS} runs, received {len(configs)}")
        if len({c.data_key() for c in configs}) != 1:
            raise ValueError("compared runs must share the data settings and the seed")
        self.configs, self.data = tuple(configs), data
        self.base = base if base is not None else configs[0]  # what the runs' changes are relative to
        self.runs = [PlaygroundRun(c, data) for c in configs]
        self.names = RUN_NAMES[: len(configs)]

    @property
    def epoch(self) -> int:
        """The epoch of the runs still training (all of them, in lockstep), or the furthest any got."""
        return _lockstep_epoch(self.runs)

    def frame(self) -> Frame:
        """Every run copied while holding all their locks (waiting for a tick in progress), so no run
        trains between one run's copy and the next."""
        with self._holding(wait=True):
            runs = tuple(RunFrame(name, run.config, run.epoch, history_until(run.history, run.epoch),
                                  run.grid_output(), bool(run.diverged), run.at_cap, run.train_seconds,
                                  run.model.count_params(), _flops_per_epoch(run))
                         for name, run in zip(self.names, self.runs))
        return Frame(self.base, runs)

    @contextmanager
    def _holding(self, wait: bool):
        """Hold every run's lock, taken in one order (so two holders never deadlock); yields False, holding
        none, when ``wait`` is False and another thread holds any of them."""
        with ExitStack() as held:
            for run in self.runs:
                if not run.lock.acquire(blocking=wait):
                    yield False
                    return
                held.callback(run.lock.release)
            yield True

    @property
    def finished(self) -> bool:
        return all(r.diverged or r.at_cap for r in self.runs)

    def train(self, epochs: int) -> int:
        """Train every run that has not diverged ``epochs`` more epochs; returns how far they got. Skips the
        tick (returns 0) when another thread holds any run's lock, so no run gets ahead of the others."""
        with self._holding(wait=False) as held:
            return self._train_held(epochs) if held else 0

    def step(self) -> int:
        """One epoch of every run, as Step asks: waits for a tick in progress instead of skipping."""
        with self._holding(wait=True):
            return self._train_held(1)

    def _train_held(self, epochs: int) -> int:
        epochs = max(0, min(int(epochs), limits.MAX_COMPARE_EPOCHS_PER_TICK))
        before = self.epoch
        for run in self.runs:
            while not run.diverged and run.epoch < before + epochs:
                if run.train(before + epochs - run.epoch) == 0:
                    break
                # an epoch's mean loss can overflow to inf while every batch stayed finite: diverged too
                run.diverged = run.diverged or not math.isfinite(run.history.loss[-1])
        return max(0, self.epoch - before)

    def epochs_for_tick(self, wanted: int, seconds: float) -> int:
        """``wanted``, cut down so that one tick of every run fits ``seconds`` at the recent pace."""
        paces = [r.seconds_per_epoch for r in self.runs if r.seconds_per_epoch]
        if not paces:
            return max(1, wanted)
        return max(1, min(wanted, int(seconds / sum(paces))))


def _flops_per_epoch(run) -> int:
    layers = [layer.units for layer in run.model.layers if layer.kind == "Dense"]
    return evaluation.flops_per_epoch(len(run.config.features), layers, len(run.data.y_train))


def epochs_to_target(losses, target: float) -> int | None:
    """The first epoch (1-based) whose loss is at or below ``target``; None if none got there."""
    for i, value in enumerate(losses):
        if math.isfinite(value) and value <= target:
            return i + 1
    return None


CHANCE_AFTER_EPOCHS = 50  # a run still at chance this late is stuck, not slow to start


def result_rows(frame: Frame, target: float, chance: float | None = None) -> list[dict]:
    """One row per run of ``frame``: its latest numbers (score = accuracy, or R² for regression), and what it
    costs: parameters, FLOPs and wall time per epoch, and the epochs and seconds (at its mean wall time per
    epoch) until its training loss first reached ``target``. A number the run does not have (no epoch yet,
    diverged, target not reached) is None. ``chance``: the test score of
    a model that learned nothing (ui.core.sweep.chance_score), so a run stuck there is not called "ok"."""
    rows = []
    for run in frame.runs:
        h, reached = run.history, epochs_to_target(run.history.loss, target)
        per_epoch = run.train_seconds / run.epoch if run.epoch else 0.0  # wall time, the run's mean
        rows.append({
            "run": run.name, "changes": changes_from(frame.base, run.config), "epoch": run.epoch,
            "train loss": _last(h.loss), "test loss": _last(h.val_loss), "train score": _last(h.score),
            "test score": _last(h.val_score), "epochs to target": reached,
            "seconds to target": None if reached is None or not run.epoch else round(reached * per_epoch, 3),
            "train seconds": round(run.train_seconds, 3),
            "ms per epoch": round(1000 * per_epoch, 3) if run.epoch else None,
            "parameters": run.parameters, "FLOPs per epoch": run.flops_per_epoch, "status": _status(run, chance),
        })
    return rows


def _status(run: RunFrame, chance: float | None) -> str:
    if run.diverged:
        return f"diverged at epoch {run.epoch}"
    score = _last(run.history.val_score)
    if chance is not None and run.epoch >= CHANCE_AFTER_EPOCHS and score is not None and score <= chance + 0.01:
        return f"at chance level ({chance:.2f}): nothing learned"
    return "at the epoch cap" if run.at_cap else "ok"


def _last(values) -> float | None:
    """The latest value, None if there is none or it is not finite (the run diverged)."""
    return float(values[-1]) if values and math.isfinite(values[-1]) else None


def changes_from(base: Config, config: Config) -> str:
    """What ``config`` changes of ``base``, in a few words ("as the base" when nothing)."""
    diff = [f"{name.replace('_', ' ')} {_text(getattr(config, name))}" for name in COMPARED_FIELDS
            if getattr(config, name) != getattr(base, name)]
    return ", ".join(diff) if diff else "as the base"


COMPARED_FIELDS = ("learning_rate", "optimizer", "activations", "layers", "regularization", "reg_rate", "dropout",
                   "init")


def _text(value) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)

