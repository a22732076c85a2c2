"""Time travel's memory: copies of a run's weights taken during training, within a fixed byte budget.
No Streamlit here.

Which epochs are kept: every epoch up to ``keep_all``, then fewer and fewer: a later snapshot is kept
when it is at least ``growth`` x (the last kept epoch) after it, so kept epochs are spaced geometrically
(5 % apart: about 120 snapshots between epoch 50 and 20,000). The latest epoch is always held as well;
it is replaced by the next one unless it was due to be kept. When the bytes exceed the budget the store
thins itself: ``keep_all`` halves, the spacing ratio roughly doubles, and the snapshots that no longer
fit the coarser rule go. The first (epoch 0) and the latest snapshot always stay.

The run's recorder (ui/core/run.py) captures one after every epoch; time travel and the weight histograms
of "Inside the network" both read this one store, so "Resume from here" (``rewind``) drops the discarded
epochs from both.

Each snapshot also holds the state of the model's random generator (it shuffles the batches and draws
dropout masks), so training resumed from a snapshot repeats exactly what happened after it (with plain
SGD; momentum and Adam restart their moments).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ui.core import limits

GROWTH = 0.05  # a snapshot after keep_all is kept when it is this fraction of its epoch after the last kept one
OVERHEAD_BYTES = 256  # counted per snapshot for its Python objects and the generator state
MAX_THINNING_PASSES = 16


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    weights: tuple[np.ndarray, ...]  # read-only copies, in get_weights() order
    rng_state: dict | None  # np.random.Generator.bit_generator.state after this epoch, or None
    kept: bool  # due under the thinning rule (False: held only because it is the latest)

    @property
    def nbytes(self) -> int:
        return OVERHEAD_BYTES + sum(w.nbytes for w in self.weights)


class SnapshotStore:
    """Weight snapshots by epoch, at most ``budget_bytes`` of them (but never fewer than the first and
    the latest). ``record`` them in increasing epoch order; recording an epoch at or before the latest
    one drops the later snapshots first (training went back in time)."""

    def __init__(self, budget_bytes: int = limits.SNAPSHOT_BUDGET_BYTES,
                 keep_all: int = limits.SNAPSHOT_KEEP_ALL_EPOCHS, growth: float = GROWTH):
        if budget_bytes <= 0:
            raise ValueError(f"SnapshotStore needs budget_bytes > 0, received {budget_bytes}")
        if keep_all < 0 or growth <= 0:
            raise ValueError(f"SnapshotStore needs keep_all >= 0 and growth > 0, received {keep_all}, {growth}")
        self.budget_bytes, self.keep_all, self.growth = int(budget_bytes), int(keep_all), float(growth)
        self._snapshots: list[Snapshot] = []
        self.nbytes = 0

    # --- recording ------------------------------------------------------------------------------------
    def record(self, epoch: int, weights: list[np.ndarray], rng_state: dict | None = None) -> None:
        """Take copies of ``weights`` as they are after ``epoch`` epochs of training."""
        self._add(epoch, [np.array(w, dtype=np.float64, copy=True) for w in weights], rng_state)

    def capture(self, epoch: int, model) -> None:
        """``record`` an nnlib model's weights (get_weights() already copies them) and its generator's state."""
        self._add(epoch, [np.asarray(w, dtype=np.float64) for w in model.get_weights()], model.rng.bit_generator.state)

    def _add(self, epoch: int, copies: list[np.ndarray], rng_state) -> None:
        """Keep ``copies`` (arrays nobody else holds) as the snapshot at ``epoch``, then thin to the budget."""
        epoch = int(epoch)
        if epoch < 0:
            raise ValueError(f"a snapshot needs epoch >= 0, received {epoch}")
        if self._snapshots and epoch <= self._snapshots[-1].epoch:
            self.truncate(epoch - 1)
        if self._snapshots and not self._snapshots[-1].kept:
            self._drop(len(self._snapshots) - 1)  # the previous latest was held only for being the latest
        for copy in copies:
            copy.setflags(write=False)
        snapshot = Snapshot(epoch, tuple(copies), rng_state, self._due(epoch, self._last_kept_epoch()))
        self._snapshots.append(snapshot)
        self.nbytes += snapshot.nbytes
        for _ in range(MAX_THINNING_PASSES):
            if self.nbytes <= self.budget_bytes or len(self._snapshots) <= 2:
                break
            self._thin()
        while self.nbytes > self.budget_bytes and len(self._snapshots) > 2:
            self._drop(1)  # a budget this tight holds little more than the first and the latest

    def truncate(self, epoch: int) -> None:
        """Forget every snapshot after ``epoch``."""
        keep = [s for s in self._snapshots if s.epoch <= epoch]
        self._snapshots, self.nbytes = keep, sum(s.nbytes for s in keep)

    def _due(self, epoch: int, last_kept: int | None) -> bool:
        if last_kept is None or epoch <= self.keep_all:
            return True
        return epoch - last_kept >= max(1.0, self.growth * last_kept)

    def _last_kept_epoch(self) -> int | None:
        return next((s.epoch for s in reversed(self._snapshots) if s.kept), None)

    def _drop(self, index: int) -> None:
        self.nbytes -= self._snapshots.pop(index).nbytes

    def _thin(self) -> None:
        """Coarsen the rule and drop what no longer fits it (never the first or the latest)."""
        before = len(self._snapshots)
        self.keep_all //= 2
        self.growth = (1 + self.growth) ** 2 - 1
        last_kept, survivors = None, []
        for i, s in enumerate(self._snapshots):
            due = self._due(s.epoch, last_kept)
            if due:
                last_kept = s.epoch
            if i == 0 or i == before - 1 or due:
                survivors.append(Snapshot(s.epoch, s.weights, s.rng_state, due or i == 0))
        self._snapshots, self.nbytes = survivors, sum(s.nbytes for s in survivors)

    # --- reading --------------------------------------------------------------------------------------
    @property
    def epochs(self) -> list[int]:
        return [s.epoch for s in self._snapshots]

    def __len__(self) -> int:
        return len(self._snapshots)

    def __contains__(self, epoch: int) -> bool:
        return any(s.epoch == epoch for s in self._snapshots)

    def at(self, epoch: int) -> Snapshot:
        """The snapshot taken at ``epoch``, or the latest one before it (KeyError if there is none)."""
        best = None
        for s in self._snapshots:
            if s.epoch > epoch:
                break
            best = s
        if best is None:
            raise KeyError(f"no snapshot at or before epoch {epoch}; stored epochs: {self.epochs[:5]}...")
        return best

    @property
    def latest(self) -> Snapshot | None:
        return self._snapshots[-1] if self._snapshots else None

    def spread(self, count: int) -> list[Snapshot]:
        """Up to ``count`` snapshots spread evenly over the epochs trained, the first and the latest included:
        for each of ``count`` evenly spaced epochs, the snapshot kept at or before it (each one once)."""
        if count < 2:
            raise ValueError(f"spread needs count >= 2 (the first and the latest), received {count}")
        if not self._snapshots:
            return []
        picked: list[Snapshot] = []
        for epoch in np.linspace(self._snapshots[0].epoch, self._snapshots[-1].epoch, count).round():
            snapshot = self.at(int(epoch))
            if not picked or snapshot.epoch != picked[-1].epoch:
                picked.append(snapshot)
        return picked

    def __repr__(self) -> str:
        span = f"epochs {self.epochs[0]}…{self.epochs[-1]}" if self._snapshots else "empty"
        return (f"SnapshotStore({len(self)} snapshots, {span}, {self.nbytes:,} of {self.budget_bytes:,} bytes, "
                f"keep_all={self.keep_all}, growth={self.growth:.3g})")


# --- using a snapshot ---------------------------------------------------------------------------------------
def model_at(model, snapshot: Snapshot):
    """A separate copy of ``model`` (an nnlib Sequential) holding the snapshot's weights; ``model`` itself
    is not touched."""
    clone = type(model).from_config(model.to_config())
    clone.set_weights(list(snapshot.weights))
    return clone


def kernels(model, snapshot: Snapshot) -> list[np.ndarray]:
    """Each Dense layer's W (fan_in, units) as ``snapshot`` holds it, input side first. ``model``, the
    Sequential the snapshot was taken of, only says which of the snapshot's arrays belong to which layer."""
    found, start = [], 0
    for layer in model.layers:
        if layer.kind == "Dense":
            found.append(snapshot.weights[start])  # a Dense layer's params are [W, b]
        start += len(layer.params)
    return found


def history_until(history, epoch: int):
    """A new History (ui.core.run.History) holding its first ``epoch`` entries."""
    return history.until(epoch)


def rewind(run, epoch: int) -> int:
    """Put a PlaygroundRun back to the snapshot at (or just before) ``epoch``: its weights and generator
    state, its history cut there, its optimizer's momentum and moments cleared, later snapshots dropped.
    The caller holds ``run.lock``. Returns the epoch the run is now at."""
    snapshot = run.snapshots.at(epoch)
    history = history_until(run.history, snapshot.epoch)
    run.model.set_weights(list(snapshot.weights))
    if snapshot.rng_state is not None:
        run.model.rng.bit_generator.state = snapshot.rng_state
    run.model.optimizer.reset()
    run.history = history
    run.diverged = False
    run.restores = [r for r in run.restores if r[0] <= snapshot.epoch]
    run.rearm_stop_rule()  # the stop that fired (and early stopping's memory) belonged to the epochs dropped
    run.snapshots.truncate(snapshot.epoch)
    return snapshot.epoch
