"""The Compare page: 2 to 4 variations of the Playground's setup on the same data and seed, trained in
lockstep a few epochs per fragment tick, as the Playground does, and drawn as one moment of every run.
The pure parts live in ui/core/compare.py and ui/render/experiment_charts.py."""

from __future__ import annotations

import streamlit as st

from ui.core import compare, limits, pacing, sweep
from ui.core import config as cfg
from ui.core.compare import Comparison, RunChanges
from ui.core.config import Config
from ui.core.run import Data, score_label
from ui.render import experiment_charts
from ui.web import canvas
from ui.web.experiments.setup import same_data
from ui.web.loop import Loop

CMP = "cmp_comparison"  # the Comparison being trained
CMP_NOTICE = "cmp_notice"  # said once after the runs restarted because a setting changed
CMP_COUNT, CMP_SPEED, CMP_TARGET, CMP_LOG = "cmp_count", "cmp_speed", "cmp_target", "cmp_log"  # widgets
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)

# One canvas for every run: their boundaries side by side and their curves overlaid, repainted in place.
COMPARE_VIEW = canvas.canvas_view("nnpg_compare_view", "compare")


def _field_key(run: int, name: str) -> str:
    return f"cmp_{run}_{name}"

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
                                 persist_state="session", required=True, on_change=LOOP.touch,
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
                        persist_state="session", on_change=LOOP.touch)


def _run_settings(i: int, base: Config, default: RunChanges) -> RunChanges:
    st.markdown(f"**Run {compare.RUN_NAMES[i]}**")
    g = "{:g}".format
    lr = _choice("Learning rate", i, "learning_rate", cfg.LEARNING_RATES, base.learning_rate, default.learning_rate, g)
    opt = _choice("Optimizer", i, "optimizer", tuple(cfg.OPTIMIZERS), base.optimizer, default.optimizer,
                  cfg.OPTIMIZERS.get)
    act = _choice("Hidden activation", i, "activation", cfg.HIDDEN_ACTIVATIONS, ", ".join(base.activations) or "–",
                  default.activation)
    text = st.text_input("Hidden layers", key=_field_key(i, "layers"), persist_state="session", on_change=LOOP.touch,
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
    LOOP.clear_status()
    return comparison


def _restart() -> None:
    comparison = st.session_state.get(CMP)
    if comparison is not None:
        st.session_state[CMP] = Comparison(comparison.configs, comparison.data, base=comparison.base)


LOOP = Loop("cmp", CMP, finished=lambda comparison: comparison.finished, step=Comparison.step, restart=_restart)


def compare_controls() -> None:
    cols = st.columns([1, 1, 1, 1, 2, 2, 2])
    LOOP.buttons(cols[:4], key="cmp", step_help="Train every run exactly one epoch.",
                 reset_help="Fresh weights for every run (epoch 0).")
    cols[4].select_slider("Epochs per tick", options=[1, 2, 3, 5, 8, 10, 15, limits.MAX_COMPARE_EPOCHS_PER_TICK],
                          value=5, key=CMP_SPEED, persist_state="session", on_change=LOOP.touch,
                          help="Each run trains this many epochs per frame (fewer when the server is busy).")
    cols[5].number_input("Target train loss", min_value=0.0, value=0.1, step=0.01, format="%.4f", key=CMP_TARGET,
                         persist_state="session", on_change=LOOP.touch,
                         help="The table shows the first epoch at which each run's train loss got this low.")
    cols[6].toggle("Log-scale loss", key=CMP_LOG, persist_state="session", on_change=LOOP.touch)


def compare_panel() -> None:
    notice = st.session_state.pop(CMP_NOTICE, None)
    if notice:
        st.info(notice)
    LOOP.fragment(_compare_tick, every=pacing.COMPARE_TICK_INTERVAL_SECONDS)


def _compare_tick() -> None:
    comparison: Comparison = st.session_state[CMP]
    ss = st.session_state
    if LOOP.playing:
        _compare_advance(comparison)
    if LOOP.status:
        st.info(LOOP.status)
    # the heading, the boundaries, the curves and the table: one payload from one frame of the runs
    payload = experiment_charts.compare_frame_payload(
        comparison.frame(), comparison.data, score_label=score_label(comparison.data.kind),
        target=float(ss.get(CMP_TARGET, 0.1)), log_loss=ss.get(CMP_LOG, False), max_points=limits.HISTORY_POINTS)
    COMPARE_VIEW(data=payload, key="cmp_view")


def _compare_advance(comparison: Comparison) -> None:
    LOOP.stop_if_idle()
    wanted = int(st.session_state.get(CMP_SPEED, 5))
    comparison.train(comparison.epochs_for_tick(wanted, pacing.COMPARE_TICK_TRAIN_SECONDS))
    if comparison.finished:
        LOOP.stop("Every run has stopped (diverged or reached the epoch cap). Reset to start again.")


def compare_download() -> None:
    comparison = st.session_state.get(CMP)
    if comparison is None:
        return

    def csv() -> str:
        rows = compare.result_rows(comparison.frame(), float(st.session_state.get(CMP_TARGET, 0.1)),
                                   sweep.chance_score(comparison.data))
        return experiment_charts.compare_table(rows, score_label(comparison.data.kind)).to_csv(index=False)

    st.download_button("Download results (CSV)", data=csv, file_name="compare-runs.csv", mime="text/csv",
                       key="cmp_download", on_click="ignore")


