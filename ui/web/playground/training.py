"""The sidebar's training settings: what a learner changes while watching (learning rate, regularization,
batch, speed, optimizer), the learning-rate schedule and the stop conditions, and the loss and seed. All but
the loss, the seed and the activation keep the weights (ui/core/run.py:PlaygroundRun.apply)."""

from __future__ import annotations

import math

import streamlit as st

from ui.core import config as cfg
from ui.core import limits
from ui.core.run import score_label
from ui.core.training import schedules, stopping
from ui.web import state
from ui.web.playground.widgets import changed, control, maybe_control
from ui.web.state import act_key, widget_key

PATIENCE_ZERO = ("Patience 0: training stops at the first epoch whose test loss is no better than the best so "
                 "far, which on a noisy curve is almost at once.")


def _losscontrol(kind: str, dataset: str) -> str:
    """Only the losses that fit the problem; a chosen one that no longer fits becomes "auto", and says so."""
    key = widget_key("loss")
    shown = st.session_state.get(key, "auto")
    loss = cfg.loss_from_label(shown)
    if loss != shown:
        st.session_state[key] = loss
    why = cfg.loss_misfit(loss, kind, dataset)
    if why:
        state.notify(why)
        st.session_state[key] = "auto"
    options = cfg.FITTING_LOSSES[kind]
    return control(st.selectbox, "loss", "Loss", options, key=key, format_func=lambda n: cfg.loss_label(n, kind),
                    on_change=changed)


def training_controls(train_size: int) -> dict:
    """What a learner changes while watching; each keeps the weights (ui/core/run.py:PlaygroundRun.apply),
    except the activation, which starts afresh."""
    lr = control(st.select_slider, "learning_rate", "Learning rate", cfg.LEARNING_RATES,
                  key=widget_key("learning_rate"), on_change=changed)
    _every_layer_activation()
    regularization = control(st.selectbox, "regularization", "Regularization", list(cfg.REGULARIZATIONS),
                              key=widget_key("regularization"), format_func=cfg.REGULARIZATIONS.get, on_change=changed)
    reg_rate = control(st.select_slider, "reg_rate", "Regularization rate", cfg.REG_RATES, key=widget_key("reg_rate"),
                        on_change=changed)
    _clamp_batch(train_size)
    batch_size = control(st.slider, "batch_size", "Batch size", 1, train_size, key=widget_key("batch_size"),
                          on_change=changed)
    speed = control(st.slider, "epochs_per_frame", "Epochs per frame (speed)", 1, limits.MAX_EPOCHS_PER_FRAME,
                     key=widget_key("epochs_per_frame"), on_change=changed)
    optimizer = control(st.selectbox, "optimizer", "Optimizer", list(cfg.OPTIMIZERS), key=widget_key("optimizer"),
                         format_func=cfg.OPTIMIZERS.get, on_change=changed)
    return dict(optimizer=optimizer, learning_rate=lr, regularization=regularization, reg_rate=reg_rate,
                batch_size=batch_size, epochs_per_frame=speed)


def more_training_controls(dataset: str, kind: str) -> dict:
    loss = _losscontrol(kind, dataset)
    seed = control(st.number_input, "seed", "Seed", 0, limits.MAX_SEED, step=1, key=widget_key("seed"),
                    on_change=changed)
    return dict(loss=loss, seed=int(seed))


def _every_layer_activation() -> None:
    """One activation for every hidden layer, as TensorFlow Playground's; blank when the layers differ
    (each is set under Network). It only writes the per-layer widgets, which the Config reads."""
    ss, n = st.session_state, int(st.session_state.get(state.N_LAYERS, 0))
    chosen = {ss.get(act_key(i)) for i in range(n)}
    ss[state.EVERY_ACTIVATION] = chosen.pop() if len(chosen) == 1 else None
    control(st.selectbox, "activations", "Activation (every hidden layer)", cfg.HIDDEN_ACTIVATIONS,
             key=state.EVERY_ACTIVATION, on_change=_set_every_activation, placeholder="different per layer",
             help="Sets every hidden layer's activation; each layer's own is under Network. Starts afresh.")


def _set_every_activation() -> None:
    ss = st.session_state
    if ss.get(state.EVERY_ACTIVATION) in cfg.HIDDEN_ACTIVATIONS:
        for i in range(int(ss.get(state.N_LAYERS, 0))):
            ss[act_key(i)] = ss[state.EVERY_ACTIVATION]
    changed()


def _clamp_batch(train_size: int) -> None:
    """The batch slider ends at the training set's size; a larger stored batch is cut to it, and says so.
    Written back either way: a slider whose end moved is a new widget to Streamlit, which would start it at 1."""
    key = widget_key("batch_size")
    batch = st.session_state.get(key, cfg.DEFAULT.batch_size)
    if batch > train_size:
        state.notify(f"Batch size {batch} is more than the {train_size} training points; using {train_size}.")
    st.session_state[key] = min(batch, train_size)


def schedule_and_stop_controls(kind: str) -> dict:
    """The learning-rate schedule (its curve drawn small under it) and when training stops by itself."""
    return {**_schedule_controls(), **_stop_controls(kind)}


def _schedule_controls() -> dict:
    schedule = control(st.selectbox, "schedule", "Learning-rate schedule", list(schedules.SCHEDULES),
                       key=widget_key("schedule"), format_func=schedules.SCHEDULES.get, on_change=changed,
                       help="Applied once per epoch, as Keras' LearningRateScheduler does; the learning rate "
                            "above is where it starts (the cyclic one: where it peaks).")
    constant = schedule == "constant"
    period = maybe_control(constant, st.number_input, "schedule_epochs", "Schedule period (epochs)",
                           limits.MIN_SCHEDULE_EPOCHS, limits.MAX_SCHEDULE_EPOCHS, step=10)
    if not constant:
        _schedule_curve(schedule, int(period))
    return dict(schedule=schedule, schedule_epochs=int(period))


def _schedule_curve(schedule: str, period: int) -> None:
    rate = st.session_state.get(widget_key("learning_rate"), cfg.DEFAULT.learning_rate)
    epochs, rates = schedules.curve(schedule, rate, period, 3 * period)
    st.caption(schedules.DESCRIPTIONS[schedule])
    st.line_chart({"epoch": epochs, "rate": rates}, x="epoch", y="rate", x_label="epoch", y_label="rate", height=120)


def _stop_controls(kind: str) -> dict:
    score = score_label(kind)
    stop_loss = control(st.number_input, "stop_loss", "Stop at test loss ≤ (0: no target)", 0.0, 10.0, step=0.01,
                        format="%.3f", key=widget_key("stop_loss"), on_change=changed)
    stop_score = control(st.number_input, "stop_score", f"Stop at test {score} ≥ (0: no target)", 0.0, 1.0,
                         step=0.01, format="%.3f", key=widget_key("stop_score"), on_change=changed)
    stop_epochs = control(st.number_input, "stop_epochs", "Epoch budget (0: none)", 0, limits.MAX_EPOCHS_PER_RUN,
                          step=100, key=widget_key("stop_epochs"), on_change=changed)
    early = control(st.toggle, "early_stopping", "Early stopping", key=widget_key("early_stopping"),
                    on_change=changed, help="Keras' EarlyStopping on the test loss: stop once it has not improved "
                                            "for `patience` epochs.")
    patience = maybe_control(not early, st.number_input, "patience", "Patience (epochs)", 0, limits.MAX_PATIENCE,
                             step=5)
    restore = maybe_control(not early, st.checkbox, "restore_best", "Restore the best epoch's weights")
    if early and patience == 0:
        st.caption(PATIENCE_ZERO)
    return dict(stop_loss=float(stop_loss), stop_score=float(stop_score), stop_epochs=int(stop_epochs),
                early_stopping=bool(early), patience=int(patience), restore_best=bool(restore))


def status(run, epochs_per_second: float | None) -> None:
    """Under the view's bar: how far each target still looks (hidden while the curve gives no basis), and a
    warning when the schedule has taken the rate so low that nothing moves."""
    stalled = schedules.stalled_message(run.rate, run.config.learning_rate)  # the newest epoch's rate
    if stalled:
        st.warning(stalled, icon=":material/speed:")
    if run.stopped or run.diverged:
        return
    lines = [line for line in (_target_line(run, target, epochs_per_second) for target in _targets(run)) if line]
    if lines:
        st.caption("  \n".join(lines))


def _targets(run) -> list[tuple[str, float, bool, list[float]]]:
    """(what, target, rising, curve) for each target set: the test loss falls to it, the test score rises."""
    c, h, label = run.config, run.history, score_label(run.data.kind)
    return ([("loss", c.stop_loss, False, h.val_loss)] if c.stop_loss else []) + \
           ([(label, c.stop_score, True, h.val_score)] if c.stop_score else [])


def _target_line(run, target, epochs_per_second: float | None) -> str | None:
    what, value, rising, curve = target
    estimate = stopping.epochs_to_target(curve, value, rising, what)
    if estimate.epochs is None:
        return estimate.why_not
    goal = f"Target: test {what} {'≥' if rising else '≤'} {value:g}"
    epochs = math.ceil(estimate.epochs)
    if epochs == 0:
        return f"{goal}: reached."
    if run.epoch + epochs > limits.MAX_EPOCHS_PER_RUN:
        return f"{goal}: at this trend, beyond the cap of {limits.MAX_EPOCHS_PER_RUN:,} epochs per run."
    if epochs_per_second:
        when = f"≈ {_duration(epochs / epochs_per_second)} at the current pace"
    elif run.seconds_per_epoch:
        when = f"≈ {_duration(epochs * run.seconds_per_epoch)} of training"
    else:
        when = "at this trend"
    return f"{goal}: about {epochs:,} more epochs ({when}), from the trend of the last epochs."


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"
