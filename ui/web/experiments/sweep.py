"""The Sweeps page: the Playground's setup over a range of learning rates or a grid of two settings, one
run per fragment tick, so Cancel is seen between runs. The pure parts live in ui/core/sweep.py."""

from __future__ import annotations

import streamlit as st

from ui.core import config as cfg
from ui.core import limits
from ui.core import sweep as sw
from ui.core.config import Config
from ui.core.run import Data, score_label
from ui.render import experiment_charts
from ui.web.experiments.setup import base_setup, same_data

SW_JOB = "sw_job"  # the SweepJob of this session (running, done or cancelled)
SW_MODE, SW_LR_RANGE, SW_LR_COUNT, SW_EPOCHS = "sw_mode", "sw_lr_range", "sw_lr_count", "sw_epochs"  # widgets
SW_X, SW_Y = "sw_x", "sw_y"  # the two grid settings (widgets)
SWEEP_TICK_SECONDS = 0.1  # a running sweep asks for its next run this often
LR_MODE, GRID_MODE = "Learning rate", "Grid of two settings"
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
    score = score_label(job.data.kind)
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
