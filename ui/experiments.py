"""The Streamlit side of the Compare and Sweeps pages: widgets, session state and the fragments that train.

Both pages start from the Playground's setup (its last config, and the very same data arrays when the
Playground has a run on them). Training never blocks a script run: Compare trains every run a few epochs
per fragment tick, as the Playground does; a sweep trains one run per tick, so Cancel is seen between runs.
The pure parts live in ui/compare.py, ui/sweep.py and ui/experiment_charts.py.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import streamlit as st

from ui import canvas, compare, experiment_charts, limits, state
from ui import config as cfg
from ui import sweep as sw
from ui.compare import Comparison, RunChanges
from ui.config import DEFAULT, Config
from ui.run import Data

# --- session keys --------------------------------------------------------------------------------------------
CMP = "cmp_comparison"  # the Comparison being trained
CMP_PLAYING = "cmp_playing"  # bool: the compare loop trains while True
CMP_STATUS = "cmp_status"  # why the compare loop stopped by itself, or absent
CMP_NOTICE = "cmp_notice"  # said once after the runs restarted because a setting changed
CMP_LAST_ACTION = "cmp_last_action"  # time.monotonic() of the last click (for the idle pause)
CMP_COUNT, CMP_SPEED, CMP_TARGET, CMP_LOG = "cmp_count", "cmp_speed", "cmp_target", "cmp_log"  # widgets
SW_JOB = "sw_job"  # the SweepJob of this session (running, done or cancelled)
SW_MODE, SW_LR_RANGE, SW_LR_COUNT, SW_EPOCHS = "sw_mode", "sw_lr_range", "sw_lr_count", "sw_epochs"  # widgets
SW_X, SW_Y = "sw_x", "sw_y"  # the two grid settings (widgets)

COMPARE_TICK_SECONDS = 0.15  # training time per compare tick at most (all runs together)
SWEEP_TICK_SECONDS = 0.1  # a running sweep asks for its next run this often
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
LR_MODE, GRID_MODE = "Learning rate", "Grid of two settings"


# One canvas for every run: their boundaries side by side and their curves overlaid, repainted in place.
COMPARE_VIEW = canvas.canvas_view("nnpg_compare_view", "compare")


def _field_key(run: int, name: str) -> str:
    return f"cmp_{run}_{name}"


# --- shared: the Playground's setup --------------------------------------------------------------------------
def base_setup() -> tuple[Config, Data]:
    """The Playground's last config (or the defaults) and its data: the very arrays of the Playground's
    run (state.data_for makes them once per data setting), or of an uploaded CSV if there is one."""
    config = st.session_state.get(state.CONFIG, DEFAULT)
    if config.dataset == "upload" and state.upload_kind() is None:
        config = replace(config, dataset=DEFAULT.dataset)
    return config, state.data_for(config)


def same_data(a: Data, b: Data) -> bool:
    """The same points (the very same arrays, or equal ones)."""
    names = ("X_train", "y_train", "X_test", "y_test")
    return a is b or all(np.array_equal(getattr(a, n), getattr(b, n)) for n in names)


def setup_caption(config: Config, data: Data) -> None:
    kind = {"binary": "binary classification", "multiclass": f"{data.n_classes}-class classification",
            "regression": "regression"}[data.kind]
    layers = ", ".join(map(str, config.layers)) or "none"
    st.caption(
        f"Base setup, from the Playground: **{config.dataset}** ({kind}, noise {config.noise:g}, "
        f"{len(data.y_train)} training and {len(data.y_test)} test points) · features "
        f"{', '.join(config.features)} · hidden layers {layers} ({', '.join(config.activations) or '–'}) · "
        f"{cfg.OPTIMIZERS[config.optimizer]}, learning rate {config.learning_rate:g} · batch {config.batch_size} · "
        f"seed {config.seed}. Every run uses the same data and seed; change the base on the Playground.")


def _score_label(data: Data) -> str:
    return "R²" if data.kind == "regression" else "accuracy"


# === Compare =================================================================================================
def _default_changes(base: Config) -> tuple[RunChanges, ...]:
    ladder = cfg.LEARNING_RATES
    i = min(range(len(ladder)), key=lambda k: abs(ladder[k] - base.learning_rate))
    faster = ladder[min(i + 2, len(ladder) - 1)]  # ten times the base rate
    other_act = "relu" if "relu" not in base.activations else "tanh"
    return (RunChanges(), RunChanges(optimizer="adam" if base.optimizer != "adam" else "sgd"),
            RunChanges(learning_rate=faster), RunChanges(activation=other_act))


def compare_settings(base: Config) -> list[RunChanges]:
    """The run count and, per run, a column of settings; each defaults to the base ("Playground")."""
    count = st.segmented_control("Runs", list(range(2, limits.MAX_COMPARE_RUNS + 1)), default=3, key=CMP_COUNT,
                                 persist_state="session", required=True, on_change=_touch,
                                 help=f"Compare 2 to {limits.MAX_COMPARE_RUNS} runs.")
    defaults = _default_changes(base)
    changes = []
    box = st.expander("Change what each run does (anything left at “Playground” keeps the base value)")
    with box:
        cols = st.columns(count)
        for i, col in enumerate(cols):
            with col:
                changes.append(_run_settings(i, base, defaults[i]))
    return changes


def _choice(label: str, run: int, name: str, options, base_value, default, fmt=str):
    opts = [None, *options]
    return st.selectbox(label, opts, index=opts.index(default) if default in opts else 0, key=_field_key(run, name),
                        format_func=lambda v: f"Playground ({fmt(base_value)})" if v is None else fmt(v),
                        persist_state="session", on_change=_touch)


def _run_settings(i: int, base: Config, default: RunChanges) -> RunChanges:
    st.markdown(f"**Run {compare.RUN_NAMES[i]}**")
    g = "{:g}".format
    lr = _choice("Learning rate", i, "learning_rate", cfg.LEARNING_RATES, base.learning_rate, default.learning_rate, g)
    opt = _choice("Optimizer", i, "optimizer", tuple(cfg.OPTIMIZERS), base.optimizer, default.optimizer,
                  cfg.OPTIMIZERS.get)
    act = _choice("Hidden activation", i, "activation", cfg.HIDDEN_ACTIVATIONS, ", ".join(base.activations) or "–",
                  default.activation)
    text = st.text_input("Hidden layers", key=_field_key(i, "layers"), persist_state="session", on_change=_touch,
                         placeholder=f"Playground ({', '.join(map(str, base.layers)) or 'none'})",
                         help="Neurons per hidden layer, e.g. 8, 4. Empty: as the Playground; 0: no hidden layer.")
    layers, problem = compare.parse_layers(text)
    if problem:
        st.caption(f":red[{problem}; using the Playground's layers]")
    reg = _choice("Regularization", i, "regularization", tuple(cfg.REGULARIZATIONS), base.regularization,
                  default.regularization, cfg.REGULARIZATIONS.get)
    rate = _choice("Regularization rate", i, "reg_rate", cfg.REG_RATES, base.reg_rate, default.reg_rate, g)
    dropout = _choice("Dropout", i, "dropout", DROPOUTS, base.dropout, default.dropout, g)
    init = _choice("Initializer", i, "init", cfg.INITIALIZERS, base.init, default.init)
    changes = RunChanges(learning_rate=lr, optimizer=opt, activation=act, layers=layers, regularization=reg,
                         reg_rate=rate, dropout=dropout, init=init)
    config = changes.apply(base)
    if config.regularization != "none" and config.reg_rate == 0:
        st.caption(f":orange[{cfg.REGULARIZATIONS[config.regularization]} acts only with a rate above 0.]")
    return changes


def comparison_for(base: Config, data: Data, changes: list[RunChanges]) -> Comparison:
    """This session's Comparison for these settings: the same one while nothing changed, fresh runs (all at
    epoch 0, so they stay comparable) otherwise."""
    configs = compare.run_configs(base, changes)
    current = st.session_state.get(CMP)
    if current is not None and current.configs == configs and same_data(current.data, data):
        return current
    if current is not None and current.epoch > 0:
        what = "run settings" if same_data(current.data, data) else "Playground's data"
        st.session_state[CMP_NOTICE] = f"The {what} changed, so every run restarted from epoch 0."
    comparison = Comparison(configs, data, base=base)
    st.session_state[CMP] = comparison
    st.session_state.pop(CMP_STATUS, None)
    return comparison


def _touch() -> None:
    st.session_state[CMP_LAST_ACTION] = time.monotonic()


def _cmp_play() -> None:
    comparison = st.session_state.get(CMP)
    if comparison is not None and comparison.finished:
        return
    st.session_state[CMP_PLAYING] = True
    st.session_state.pop(CMP_STATUS, None)
    _touch()


def _cmp_pause() -> None:
    st.session_state[CMP_PLAYING] = False
    _touch()


def _cmp_step() -> None:
    st.session_state[CMP_PLAYING] = False
    comparison = st.session_state.get(CMP)
    if comparison is not None:
        comparison.train(1)
    _touch()


def _cmp_reset() -> None:
    st.session_state[CMP_PLAYING] = False
    st.session_state.pop(CMP_STATUS, None)
    comparison = st.session_state.get(CMP)
    if comparison is not None:
        st.session_state[CMP] = Comparison(comparison.configs, comparison.data, base=comparison.base)
    _touch()


def compare_controls() -> None:
    playing = st.session_state.get(CMP_PLAYING, False)
    cols = st.columns([1, 1, 1, 1, 2, 2, 2])
    cols[0].button("Play", key="cmp_play", on_click=_cmp_play, type="primary", disabled=playing, width="stretch")
    cols[1].button("Pause", key="cmp_pause", on_click=_cmp_pause, disabled=not playing, width="stretch")
    cols[2].button("Step", key="cmp_step", on_click=_cmp_step, help="Train every run exactly one epoch.",
                   width="stretch")
    cols[3].button("Reset", key="cmp_reset", on_click=_cmp_reset, help="Fresh weights for every run (epoch 0).",
                   width="stretch")
    cols[4].select_slider("Epochs per tick", options=[1, 2, 3, 5, 8, 10, 15, limits.MAX_COMPARE_EPOCHS_PER_TICK],
                          value=5, key=CMP_SPEED, persist_state="session", on_change=_touch,
                          help="Each run trains this many epochs per frame (fewer when the server is busy).")
    cols[5].number_input("Target train loss", min_value=0.0, value=0.1, step=0.01, format="%.4f", key=CMP_TARGET,
                         persist_state="session", on_change=_touch,
                         help="The table shows the first epoch at which each run's train loss got this low.")
    cols[6].toggle("Log-scale loss", key=CMP_LOG, persist_state="session", on_change=_touch)


def compare_panel() -> None:
    notice = st.session_state.pop(CMP_NOTICE, None)
    if notice:
        st.info(notice)
    playing = st.session_state.get(CMP_PLAYING, False)
    st.fragment(_compare_tick, run_every=limits.COMPARE_TICK_SECONDS if playing else None)()


def _compare_tick() -> None:
    comparison: Comparison = st.session_state[CMP]
    ss = st.session_state
    if ss.get(CMP_PLAYING):
        _compare_advance(comparison)
    if ss.get(CMP_STATUS):
        st.info(ss[CMP_STATUS])
    # the heading, the boundaries, the curves and the table: one payload from one frame of the runs
    payload = experiment_charts.compare_frame_payload(
        comparison.frame(), comparison.data, score_label=_score_label(comparison.data),
        target=float(ss.get(CMP_TARGET, 0.1)), log_loss=ss.get(CMP_LOG, False), max_points=limits.HISTORY_POINTS)
    COMPARE_VIEW(data=payload, key="cmp_view")


def _compare_advance(comparison: Comparison) -> None:
    if time.monotonic() - st.session_state.get(CMP_LAST_ACTION, time.monotonic()) > limits.IDLE_PAUSE_SECONDS:
        _compare_stop(f"Paused after {limits.IDLE_PAUSE_SECONDS // 60} minutes without interaction. "
                      "Press Play to go on.")
    wanted = int(st.session_state.get(CMP_SPEED, 5))
    comparison.train(comparison.epochs_for_tick(wanted, COMPARE_TICK_SECONDS))
    if comparison.finished:
        _compare_stop("Every run has stopped (diverged or reached the epoch cap). Reset to start again.")


def _compare_stop(reason: str) -> None:
    st.session_state[CMP_PLAYING] = False
    st.session_state[CMP_STATUS] = reason
    st.rerun()  # a full rerun re-declares the fragment without its timer


def compare_download() -> None:
    comparison = st.session_state.get(CMP)
    if comparison is None:
        return

    def csv() -> str:
        rows = compare.result_rows(comparison.frame(), float(st.session_state.get(CMP_TARGET, 0.1)))
        return experiment_charts.compare_table(rows, _score_label(comparison.data)).to_csv(index=False)

    st.download_button("Download results (CSV)", data=csv, file_name="compare-runs.csv", mime="text/csv",
                       key="cmp_download", on_click="ignore")


# === Sweeps ==================================================================================================
def sweep_setup(base: Config) -> sw.Plan:
    """The sweep's widgets -> a Plan (capped to the public demo's limits; notices say what was cut)."""
    st.caption(f"Public-demo limits: at most **{limits.MAX_SWEEP_RUNS} runs** per sweep and "
               f"**{limits.MAX_SWEEP_EPOCHS} epochs** per run; larger requests are cut to fit.")
    mode = st.segmented_control("Sweep", [LR_MODE, GRID_MODE], default=LR_MODE, key=SW_MODE, required=True,
                                persist_state="session")
    left, right = st.columns([3, 1])
    epochs = right.number_input("Epochs per run", min_value=1, max_value=limits.MAX_SWEEP_EPOCHS, value=100, step=10,
                                key=SW_EPOCHS, persist_state="session")
    with left:
        if mode == GRID_MODE:
            plan = _grid_setup(base, epochs)
        else:
            low, high = st.select_slider("Learning rates from … to", options=cfg.LEARNING_RATES, value=(0.001, 3.0),
                                         key=SW_LR_RANGE, persist_state="session", format_func="{:g}".format)
            count = st.number_input("How many learning rates (log-spaced)", min_value=2,
                                    max_value=limits.MAX_SWEEP_RUNS, value=8, key=SW_LR_COUNT,
                                    persist_state="session")
            plan = sw.plan_lr_sweep(base, low, high, count, epochs)
    for notice in plan.notices:
        st.warning(notice)
    total = len(plan) * plan.epochs
    st.caption(f"This sweep: {len(plan)} runs × {plan.epochs} epochs = {total:,} epochs, all on the base setup's "
               "data and seed.")
    return plan


def _grid_setup(base: Config, epochs: int) -> sw.Plan:
    names = list(sw.SETTINGS)
    label = lambda n: sw.SETTINGS[n].label.capitalize()  # noqa: E731
    c1, c2 = st.columns(2)
    x = c1.selectbox("First setting (columns)", names, index=names.index("learning_rate"), key=SW_X, format_func=label,
                     persist_state="session")
    others = [n for n in names if n != x]
    y = c2.selectbox("Second setting (rows)", others, index=others.index("units") if "units" in others else 0,
                     key=SW_Y, format_func=label, persist_state="session")
    xs = _grid_values(c1, x, base)
    ys = _grid_values(c2, y, base)
    if not xs or not ys:
        st.warning("Pick at least one value for each setting.")
        xs, ys = xs or [_base_value(base, x)], ys or [_base_value(base, y)]
    return sw.plan_grid(base, x, xs, y, ys, epochs)


GRID_DEFAULTS = {"learning_rate": (0.003, 0.03, 0.3), "optimizer": ("sgd", "momentum", "adam"),
                 "activation": ("tanh", "relu", "sigmoid"), "units": (2, 4, 8), "depth": (1, 2, 3),
                 "batch_size": (1, 10, 50), "l2": (0.0, 0.001, 0.01), "l1": (0.0, 0.001, 0.01),
                 "dropout": (0.0, 0.1, 0.3), "init": ("glorot_uniform", "he_normal", "random_uniform"),
                 "seed": (0, 1, 2)}


def _grid_values(col, name: str, base: Config) -> list:
    setting = sw.SETTINGS[name]
    default = [v for v in GRID_DEFAULTS.get(name, setting.options[:3]) if v in setting.options]
    return col.multiselect(f"{setting.label.capitalize()} values", setting.options, default=default,
                           key=f"sw_values_{name}", format_func=setting.format, persist_state="session")


def _base_value(base: Config, name: str):
    return {"activation": (base.activations or ("tanh",))[0], "units": (base.layers or (4,))[0],
            "depth": len(base.layers), "l2": base.reg_rate if base.regularization == "l2" else 0.0,
            "l1": base.reg_rate if base.regularization == "l1" else 0.0}.get(name, getattr(base, name, None))


def _start_sweep(plan: sw.Plan) -> None:
    _, data = base_setup()
    st.session_state[SW_JOB] = sw.SweepJob(plan, data)


def _cancel_sweep() -> None:
    job = st.session_state.get(SW_JOB)
    if job is not None:
        job.cancel()


def sweep_controls(plan: sw.Plan) -> None:
    job = st.session_state.get(SW_JOB)
    running = job is not None and job.status == "running"
    cols = st.columns([1, 1, 4])
    cols[0].button("Run sweep", key="sw_run", type="primary", on_click=_start_sweep, args=(plan,), disabled=running,
                   width="stretch")
    cols[1].button("Cancel", key="sw_cancel", on_click=_cancel_sweep, disabled=not running, width="stretch",
                   help="Stops at once: the run in progress is dropped, the finished runs stay in the results.")


def sweep_panel(plan: sw.Plan, data: Data) -> None:
    """The sweep's progress and results; says so when they are of other settings than the ones above."""
    job = st.session_state.get(SW_JOB)
    if job is not None and not (job.plan == plan and same_data(job.data, data)):
        what = "settings above" if same_data(job.data, data) else "Playground's data"
        st.info(f"The {what} changed since this sweep ran: its results are for the settings it ran with. "
                "Press **Run sweep** for the new ones.", icon=":material/history:")
    running = job is not None and job.status == "running"
    st.fragment(_sweep_tick, run_every=SWEEP_TICK_SECONDS if running else None)()


def _sweep_tick() -> None:
    """Draw the progress and the results so far, then train the next run. A Cancel click freezes the
    results at once (SweepJob.cancel), so what is drawn after it is final."""
    job: sw.SweepJob | None = st.session_state.get(SW_JOB)
    if job is None:
        st.info("Set up a sweep above and press **Run sweep**. Each run starts from fresh weights and trains on its "
                "own; the page shows the results as they come in.")
        return
    results, status = job.snapshot()  # one reading: the message, the table and the curves agree
    n, total = len(results), len(job.plan)
    text = {"running": f"Run {min(n + 1, total)} of {total} training… ({n} done)",
            "done": f"Done: {total} runs.", "cancelled": f"Cancelled after {n} of {total} runs."}[status]
    st.progress(n / max(total, 1), text=text)
    if results:
        _sweep_results(job, results)
    if status == "running":
        job.run_next()
        if job.finished:
            st.rerun()  # draw the last result, and stop the timer: the next full run declares it without one


def _sweep_results(job: sw.SweepJob, results: list[dict]) -> None:
    plan = job.plan
    score = _score_label(job.data)
    frame = experiment_charts.sweep_table(plan, results, score)
    kind, summary = experiment_charts.sweep_summary(plan, frame, score, sw.chance_score(job.data))
    (st.success if kind == "success" else st.warning)(summary)
    left, right = st.columns(2)
    config = {"displayModeBar": False}
    if plan.axes == ("learning_rate",):
        left.plotly_chart(experiment_charts.lr_sweep_figure(results), key="sw_lr_chart", config=config)
        right.plotly_chart(experiment_charts.curves_figure(results, "learning_rate"), key="sw_curves", config=config)
    else:
        left.plotly_chart(experiment_charts.grid_figure(plan, results), key="sw_grid_chart", config=config)
        if "learning_rate" in plan.axes:
            right.plotly_chart(experiment_charts.grid_lr_figure(plan, results), key="sw_grid_lr", config=config)
        else:
            right.plotly_chart(experiment_charts.curves_figure(results, plan.axes[0]), key="sw_curves",
                               config=config)
    st.dataframe(frame, hide_index=True, key="sw_table", column_config=_number_columns(frame, plan),
                 placeholder=experiment_charts.NO_VALUE)
    st.caption(f"Click a column header to sort. A diverged run has no final loss or score "
               f"({experiment_charts.NO_VALUE}; it sorts last).")
    st.download_button("Download results (CSV)", data=frame.to_csv(index=False), file_name="sweep-results.csv",
                       mime="text/csv", key="sw_download", on_click="ignore")


def _number_columns(frame, plan: sw.Plan) -> dict:
    """Losses to 4 significant digits (a tiny loss does not read 0.0000), scores to 4 decimals, seconds to 2,
    and the swept settings in full, as the legends and the summary write them (left to itself the table
    showed learning rate 0.00496 as 0.005)."""
    scores = [c for c in frame.columns if c.startswith(("train ", "test "))]
    columns = {c: st.column_config.NumberColumn(format="%.4g" if c.endswith("loss") else "%.4f") for c in scores}
    columns["seconds"] = st.column_config.NumberColumn(format="%.2f")
    for axis in plan.axes:
        label = sw.SETTINGS[axis].label
        if frame[label].dtype.kind in "fi":
            columns[label] = st.column_config.NumberColumn(format="plain")
    return columns
