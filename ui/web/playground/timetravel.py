"""Time travel on the Playground: after pausing, scrub back through training and resume from any moment.

The run keeps weight snapshots as it trains (ui/core/snapshots.py, recorded by ui/core/run.py). The view at a past
epoch is computed by a separate copy of the model holding that snapshot, so scrubbing never touches the
live run; only "Resume from here" writes into it (under its lock).
"""

from __future__ import annotations

import streamlit as st

from ui.core import limits, snapshots
from ui.core.run import PlaygroundRun, score_label
from ui.render import charts
from ui.web import state
from ui.web.playground import live


def panel(run: PlaygroundRun) -> None:
    """The time-travel expander, shown only while paused and once the run has trained."""
    if state.LOOP.playing or run.epoch == 0:
        return
    box = st.expander("Time travel: scrub back through training", key=state.TIME_TRAVEL_OPEN, on_change="rerun",
                      icon=":material/history:")
    if not box.open:  # closed, it costs nothing
        return
    with box:
        _body(run)


def _body(run: PlaygroundRun) -> None:
    with run.lock:
        epochs, latest = run.snapshots.epochs, run.epoch
    if len(epochs) < 2:
        st.caption("Train a little longer to have moments to go back to.")
        return
    chosen = _slider(run, len(epochs), latest)
    snapshot = run.snapshots.at(chosen)
    model = snapshots.model_at(run.model, snapshot)  # a copy: the live run's model is never touched
    _view_at(run, model, snapshot.epoch, chosen, latest)
    _resume_row(snapshot.epoch, latest)


def _slider(run: PlaygroundRun, kept: int, latest: int) -> int:
    """The epoch slider, at the present for a new run or after new training; returns the chosen epoch."""
    ss = st.session_state
    seen = ss.get(state.TIME_TRAVEL_SEEN)
    out_of_range = not 0 <= ss.get(state.TIME_TRAVEL_EPOCH, -1) <= latest
    if seen is None or seen[0] is not run or seen[1] != latest or out_of_range:
        ss[state.TIME_TRAVEL_EPOCH] = latest
    ss[state.TIME_TRAVEL_SEEN] = (run, latest)
    # A linear slider, so the thumb's place is the epoch's; it shows the latest moment kept at or before it.
    return st.slider("Epoch", 0, latest, key=state.TIME_TRAVEL_EPOCH,
                     help=f"{kept} moments kept: every epoch up to {run.snapshots.keep_all}, then spaced "
                          "out further the longer training ran (memory is capped per run).")


def _view_at(run: PlaygroundRun, model, epoch: int, chosen: int, latest: int) -> None:
    """The main view (output and curves) as it was at the snapshot's ``epoch``, with a caption saying so."""
    history = snapshots.history_until(run.history, epoch)
    score, view = score_label(run.data.kind), run.config
    scores = run.scores(model)  # the snapshot's own weights, as the bar says
    payload = charts.live_view_payload(
        frames=[live.frame_of(run, epoch, model, scores)], net=live.view_net(run), data=run.data,
        history=history, score_label=score, log_loss=view.log_loss, show_test=view.show_test,
        discretize=view.discretize, max_points=limits.HISTORY_POINTS, height=380, fit=False,
        evaluation=charts.evaluation_payload(run.data, live.class_names(run.data)))
    kept = "" if epoch == chosen else f" (the moment kept nearest before epoch {chosen:,})"
    st.caption(_summary(history, epoch, latest, score) + kept)
    live.LIVE_VIEW(data=payload, key="tt_live_view")


def _resume_row(epoch: int, latest: int) -> None:
    left, right = st.columns([1, 3])
    left.button("Resume from here", key="tt_resume", type="primary", on_click=resume, args=(epoch,),
                disabled=epoch == latest, width="stretch",
                help="Puts these weights back into the run, forgets the epochs after them (their curves too), "
                     "and continues from here when you press Play or Step.")
    if epoch < latest:
        right.caption(f"Resuming discards epochs {epoch + 1:,}…{latest:,}. Momentum and Adam's moments "
                      "restart from zero; with plain SGD, training repeats exactly what happened after this epoch.")
    else:
        right.caption("Move the slider back to look at an earlier moment.")


def _summary(history, epoch: int, latest: int, score: str) -> str:
    if epoch == 0 or not history.loss:
        return f"Epoch 0 of {latest}: the initial weights, before any training."
    return (f"Epoch {epoch:,} of {latest:,} · train loss {history.loss[-1]:.4f} · test loss {history.val_loss[-1]:.4f}"
            f" · train {score} {history.score[-1]:.3f} · test {score} {history.val_score[-1]:.3f}. The curves stop at "
            "this epoch.")


def resume(epoch: int) -> None:
    """Put the live run back to the snapshot at ``epoch`` (a callback: the same click twice does the same)."""
    run = st.session_state.get(state.RUN)
    if run is None:
        return
    with run.lock:
        snapshots.rewind(run, epoch)
    state.LOOP.halt()
