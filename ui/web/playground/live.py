"""The live loop: a fragment that trains a few epochs per tick and redraws, never a blocking loop.

While playing, the fragment reruns every TICK_INTERVAL_SECONDS. Each tick trains a few frames of
``epochs_per_frame`` epochs under the run's lock (a tick that finds the lock taken skips training and only
redraws), keeping the weights after each, then sends one payload to a canvas view: those weights (the view
computes the plane from them), the points and the curves. The view plays the frames back spaced over the
tick: eight at the intended pace, more when ticks come slowly (a busy server or browser; see
ui/core/pacing.py). When training stops by itself
(divergence, the epoch cap, an idle session) the tick says why and reruns the whole app, so the timer
stops with it.
"""

from __future__ import annotations

import math
import time
import uuid

import numpy as np
import streamlit as st

from ui.core import config as cfg
from ui.core import exports, health, limits, pacing
from ui.core.run import PlaygroundRun, Scores, problem_text, score_label
from ui.render import charts, network_view
from ui.web import canvas, state
from ui.web import lessons as lessons_page
from ui.web.playground import clicks, controls, inside, training

HEALTH_EVERY_EPOCHS = 25  # while playing, the main view re-checks for dead or saturated units this often
LIVE_VIEW = canvas.canvas_view("nnpg_live_view", "liveview")


def run_controls(run: PlaygroundRun) -> None:
    """The compact bar above the view: Play, Pause, Step, Reset, the view's toggles and the data download."""
    row = st.container(horizontal=True, vertical_alignment="center")
    state.LOOP.buttons(row, key="pg", step_help="Train exactly one epoch.",
                       reset_help="Fresh weights from the same seed (epoch 0).")
    view_options(row)
    row.space("stretch")
    row.download_button("Data", icon=":material/download:", data=lambda: exports.data_to_csv(run.data),
                        file_name="playground-data.csv", mime="text/csv",
                        help="Train and test points as x1, x2, label: edit them and upload them again.")


def problem_caption(run: PlaygroundRun) -> None:
    d = run.data
    st.caption(f"Problem: **{problem_text(d)}** · {len(d.y_train)} training and {len(d.y_test)} test points · "
               f"loss: {run.model.loss.name.replace('_', ' ')}", help=f"The model: `{run.model!r}`")


def view_options(row) -> None:
    """Drawn outside the live fragment: a toggle is a full rerun, and ticks stay light."""
    room = controls.classroom()
    for name, label in zip(controls.VIEW_SETTINGS, ("Show test data", "Discretize", "Log-scale loss")):
        if not room.is_hidden(name):
            row.toggle(label, key=state.widget_key(name), on_change=state.LOOP.touch)


SESSION_LOST = ("The server that held this session went away (it restarted, or its replica stopped) and another "
                "one took over: the settings came back from the page, and training starts again from epoch 0.")
KEY_COMMANDS = {"play": state.LOOP.play, "pause": state.LOOP.pause, "step": state.LOOP.step,
                "reset": state.LOOP.reset}  # the live view's keys: Space, S, R


def diagram_action() -> None:
    """A click on the live view's diagram (its "action" trigger): switch inputs, resize the hidden layers,
    switch neurons off or freeze them (["off" | "frozen", ["1.2", ...]]), or inspect a neuron; draw points
    (["points", [[x1, x2, label], ...]], the whole set); or a key
    (["key", command]). Whatever arrives is checked: the values are targets,
    clamped like any other input. The view lives in the live fragment, so a click reruns only that; a change
    of setup, or of playing, asks for the app (the buttons and the fragment's timer follow)."""
    action = (st.session_state.get(state.LIVE_VIEW) or {}).get("action")
    if not (isinstance(action, list) and action):
        return
    kind, args = action[0], action[1:]
    if kind in ("features", "network") and len(args) == 1:
        if (clicks.set_features if kind == "features" else clicks.set_hidden_units)(args[0]):
            st.session_state[state.SETUP_CHANGED] = True
    elif kind == "points" and len(args) == 1 and state.RUN in st.session_state:
        data = st.session_state[state.RUN].data
        if clicks.set_drawn_points(args[0], data.kind, clicks.drawable_classes(data)):
            st.session_state[state.SETUP_CHANGED] = True
    elif kind in ("off", "frozen") and len(args) == 1:
        if clicks.set_operated(kind, args[0]):
            st.session_state[state.SETUP_CHANGED] = True
    elif kind == "pick":
        inside.pick(args)
    elif kind == "lost":  # the view saw another server session take over this page (liveview.js)
        state.notify(SESSION_LOST)
        st.session_state[state.SETUP_CHANGED] = True
    elif kind == "key" and len(args) == 1 and isinstance(args[0], str) and args[0] in KEY_COMMANDS:
        KEY_COMMANDS[args[0]]()
        st.session_state[state.SETUP_CHANGED] = True


def training_panel() -> None:
    state.LOOP.fragment(_tick, every=pacing.TICK_INTERVAL_SECONDS)


def _tick() -> None:
    if st.session_state.pop(state.SETUP_CHANGED, False):
        st.rerun(scope="app")  # a click on the diagram changed the setup: the whole page, not just this view
    started = time.thread_time()  # this thread's CPU time: the frame's real cost, not time spent waiting
    _draw_frame()
    if state.LOOP.playing:
        session = st.session_state.setdefault(state.PACING_ID, uuid.uuid4().hex)
        time.sleep(pacing.PACER.rest_after(session, time.thread_time() - started))


def _draw_frame() -> None:
    run: PlaygroundRun = st.session_state[state.RUN]
    playing = state.LOOP.playing
    tick_seconds = _tick_seconds() if playing else None
    shots = _advance(run, pacing.frames_per_tick(tick_seconds)) if playing else []
    with run.lock:  # a consistent snapshot: weights, epoch and scores from the same moment
        scores = run.scores()
        if not shots:
            shots = [frame_of(run, run.epoch, run.model, scores)]
    _status(run, no_value=_plane_has_no_value(run, scores))
    training.status(run, epochs_per_second=_pace(run, tick_seconds, shots) if playing else None)
    _health_warning(run, playing)
    lessons_page.goal_status(run)
    view = st.session_state.get(state.CONFIG, run.config)  # the view toggles of the last full run
    payload = charts.live_view_payload(
        frames=shots, net=view_net(run), frame_seconds=(tick_seconds or 0) / len(shots), data=run.data,
        history=run.history,
        score_label=score_label(run.data.kind), log_loss=view.log_loss, show_test=view.show_test,
        discretize=view.discretize, max_points=limits.HISTORY_POINTS, keys={"playing": playing},
        marks=curve_marks(run), evaluation=charts.evaluation_payload(run.data, class_names(run.data)),
        session=st.session_state.setdefault(state.SESSION_TOKEN, uuid.uuid4().hex[:12]),
        drawing=charts.drawing_payload(run.data, clicks.drawable_classes(run.data), limits.DRAW_MAX_POINTS,
                                       min_points=limits.UPLOAD_MIN_ROWS,
                                       free=not controls.classroom().is_locked("dataset")))
    LIVE_VIEW(data=payload, key=state.LIVE_VIEW, on_action_change=diagram_action)
    frame = st.session_state[state.LIVE_FRAME] = st.session_state.get(state.LIVE_FRAME, 0) + 1
    inside.panel(run, frame, playing=playing)


def _plane_has_no_value(run: PlaygroundRun, scores: Scores) -> bool:
    """Whether the plane the view computes has points where the output is not a number. Only a run whose loss
    is not finite can have them, so only then is the grid evaluated here (a loss of 1e308 squared overflows
    while the plane's outputs are still finite: then the plane is not grey, and the page must not say so)."""
    if math.isfinite(scores.loss) and math.isfinite(scores.val_loss):
        return False
    with run.lock:
        return not np.isfinite(run.grid_output()).all()


def plane_net(run: PlaygroundRun) -> dict:
    resolution = charts.plane_resolution(run.model, len(run.config.features), limits.GRID_RESOLUTION)
    return charts.plane_net(run.model, run.config.features, run.data.kind, run.data.n_classes, resolution)


def view_net(run: PlaygroundRun) -> dict:
    """``plane_net`` with the diagram: its words, the inspected neuron, and what the instructor left free."""
    net, room = plane_net(run), controls.classroom()
    dense = [layer["units"] for layer in net["layers"]], [layer["activation"] for layer in net["layers"]]
    free = {"features": not (room.is_locked("features") or room.is_hidden("features")),
            "layers": not (room.is_locked("layers") or room.is_hidden("layers"))}
    net["diagram"] = network_view.diagram(
        run.config.features, *dense, run.data.kind, selected=inside.selected_column_row(run), editable=free,
        off=tuple(map(cfg.neuron_index, run.config.off)), frozen=tuple(map(cfg.neuron_index, run.config.frozen)))
    return net


def frame_of(run: PlaygroundRun, epoch: int, model, scores: Scores) -> dict:
    """The view's frame of ``model`` (the run's, or a snapshot's) at ``epoch``: weights, bar, predictions."""
    restored = run.weights_from if model is run.model else None  # a snapshot holds its own epoch's weights
    return charts.frame(epoch, model, shown(run, epoch, scores, restored), run.evaluation(model))


def shown(run: PlaygroundRun, epoch: int, scores: Scores, restored: int | None = None) -> list[tuple[str, str]]:
    """The bar's numbers: the epoch and the scores of the weights in the frame (data loss; the penalty apart), the
    learning rate a schedule gave the epoch, and whose weights they are after early stopping restored them."""
    label = score_label(run.data.kind)
    items = [("Epoch", f"{epoch:,}"), ("Train loss", fmt(scores.loss)), ("Test loss", fmt(scores.val_loss)),
             (f"Train {label}", fmt(scores.score)), (f"Test {label}", fmt(scores.val_score))]
    if run.config.regularization != "none" and run.config.reg_rate > 0:
        items.append((f"{run.config.regularization.upper()} penalty", fmt(scores.penalty)))
    if run.config.schedule != "constant":
        items.append(("Rate", f"{run.rate_at(max((restored or epoch) - 1, 0)):.3g}"))
    if restored:
        items.append(("Weights of", f"epoch {restored:,}"))
    return items


def curve_marks(run: PlaygroundRun) -> list[dict]:
    """Each epoch whose weights early stopping put back, marked on the curves."""
    return [{"epoch": put_back, "label": f"restored: epoch {put_back:,}"} for _, put_back in run.restores]


def class_names(data) -> list[str]:
    if data.kind == "regression":
        return []
    if len(data.class_names) == data.n_classes:
        return list(data.class_names)
    return [str(i) for i in range(data.n_classes)]


def _pace(run: PlaygroundRun, tick_seconds: float | None, shots: list[dict]) -> float | None:
    """Epochs per second of wall time at this tick's pace (the frames' epochs over the time between ticks)."""
    if not tick_seconds or len(shots) < 2:
        return None
    return (shots[-1]["epoch"] - shots[0]["epoch"]) * len(shots) / (len(shots) - 1) / tick_seconds


def _tick_seconds() -> float | None:
    """The smoothed time between this session's ticks. A gap longer than the longest rest plus a slow tick
    is a pause (or the first tick after Play), not a pace."""
    ss, now = st.session_state, time.monotonic()
    last, ss[state.LAST_TICK] = ss.get(state.LAST_TICK), now
    if last is not None and now - last < 2 * pacing.MAX_REST_SECONDS:
        ss[state.TICK_SECONDS] = pacing.smooth(ss.get(state.TICK_SECONDS), now - last)
    return ss.get(state.TICK_SECONDS)


def _advance(run: PlaygroundRun, frames: int) -> list[dict]:
    """Train ``frames`` frames of ``epochs_for_frame`` epochs and return ``charts.frame`` after each, or
    stop playing (and say why). Empty when another thread is training this run: skip, don't queue."""
    state.LOOP.stop_if_idle()
    shots = []
    if run.lock.acquire(blocking=False):
        try:
            per_frame = run.epochs_for_frame()
            while len(shots) < frames and run.train(per_frame):
                shots.append(frame_of(run, run.epoch, run.model, run.latest_scores()))
        finally:
            run.lock.release()
    if run.diverged:
        state.LOOP.stop(divergence_message(run))
    if run.at_cap:
        state.LOOP.stop(f"Stopped at the cap of {limits.MAX_EPOCHS_PER_RUN:,} epochs per run. Reset to start again.")
    if run.stopped:
        state.LOOP.stop(run.stopped.reason)
    return shots


def divergence_message(run: PlaygroundRun) -> str:
    lr = run.diverged_at_rate or run.config.learning_rate  # the rate that diverged, not today's slider
    lower = max(lr / 10, 1e-5)
    return (f"Training stopped at epoch {run.epoch}: the loss stopped being a finite number (it overflowed). "
            f"The learning rate {lr:g} is too high for this setup, so each step overshoots and the weights blow up. "
            f"Try {lower:g} (ten times lower), or the Adam optimizer, then press Reset.")


def fmt(value: float) -> str:
    """A number in the bar: four decimals, "∞" for a loss that overflowed, "NaN" once nothing is a number."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.4f}" if math.isfinite(value) else "NaN"


def _health_warning(run: PlaygroundRun, playing: bool) -> None:
    """Says in the main view when layers are mostly dead or saturated, or no gradient flows (the details are in
    Inside the network → Gradients). Checked on the training points, every HEALTH_EVERY_EPOCHS while playing.
    Not after a divergence: the error says what happened, and NaN units are neither dead nor saturated."""
    if run.diverged:
        return
    seen = st.session_state.get(state.HEALTH)
    if seen is None or seen[0] is not run or run.epoch < seen[1] or not playing or \
            run.epoch - seen[1] >= HEALTH_EVERY_EPOCHS:
        with run.lock:
            epoch, dense = run.epoch, [layer for layer in run.model.layers if layer.kind == "Dense"]
            outputs = health.working_units(run.model, health.dense_outputs(run.model, run.inputs_train))
            norms = list(run.history.grad_norms[-1]) if run.history.grad_norms else [math.nan] * len(dense)
        layers = health.layer_health([d.activation.name for d in dense[:-1]], outputs[:-1], norms)
        widest = health.widest_input(run.inputs_train, run.config.features)
        seen = st.session_state[state.HEALTH] = (run, epoch, health.hints(layers, norms, widest))
    if seen[2]:
        st.warning("  \n".join(seen[2]) + "  \nDetails: *Inside the network → Gradients*.",
                   icon=":material/monitor_heart:")


def _status(run: PlaygroundRun, no_value: bool) -> None:
    grey = " The plane is grey where the network's output is no longer a number." if no_value else ""
    if run.diverged or no_value:
        st.error(divergence_message(run) + grey if run.diverged else grey.strip())
    elif state.LOOP.status:
        st.info(state.LOOP.status)
    elif run.stopped:
        st.info(run.stopped.reason)
    elif run.note and run.epoch == 0:
        st.info(run.note)
