"""Backprop, step by step: one training step of a tiny network, stage by stage, with the real numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui.core.learn import backprop as walk
from ui.render import learn_charts as charts
from ui.web.state import same_config

BACKPROP_CONFIG = "backprop_config"    # the WalkConfig the weights below belong to
BACKPROP_WEIGHTS = "backprop_weights"  # (W1, b1, W2, b2), replaced (never mutated) by each update
BACKPROP_STAGE = "backprop_stage"      # 0..len(STAGES)-1
BACKPROP_UPDATES = "backprop_updates"  # [(loss before, loss after, learning rate)] of the applied updates

def backprop_controls() -> tuple[walk.WalkConfig, float]:
    with st.sidebar:
        st.header("The network and the batch")
        dataset = st.selectbox("Dataset", walk.DATASETS, key="backprop_dataset", persist_state="session")
        hidden = st.slider("Hidden units", *walk.HIDDEN_RANGE, 3, key="backprop_hidden",
                           persist_state="session")
        batch = st.slider("Batch size", *walk.BATCH_RANGE, 4, key="backprop_batch",
                          persist_state="session")
        seed = st.number_input("Seed", 0, 9999, 0, key="backprop_seed", persist_state="session",
                               help="Draws both the batch and the starting weights.")
        lr = st.select_slider("Learning rate η", walk.LEARNING_RATES, 0.1, format_func=lambda v: f"{v:g}",
                              key="backprop_lr", persist_state="session",
                              help="Changing it keeps the current weights.")
        st.button("Reset weights", key="backprop_reset", on_click=_reset_walk,
                  help="Back to the starting weights for this seed.")
    return walk.WalkConfig(dataset, int(hidden), int(batch), int(seed)), float(lr)


def _reset_walk() -> None:
    st.session_state.pop(BACKPROP_CONFIG, None)


def backprop_state(config: walk.WalkConfig) -> tuple[np.ndarray, np.ndarray, walk.Weights, int]:
    """The batch, the current weights and the stage; starts over when the network or the batch changed."""
    if not same_config(st.session_state.get(BACKPROP_CONFIG), config):
        st.session_state[BACKPROP_WEIGHTS] = walk.initial_weights(config)
        st.session_state[BACKPROP_STAGE] = 0
        st.session_state[BACKPROP_UPDATES] = []
        st.session_state[BACKPROP_CONFIG] = config
    X, y = walk.make_batch(config)
    stage = walk.clamp_stage(st.session_state.get(BACKPROP_STAGE, 0))
    return X, y, st.session_state[BACKPROP_WEIGHTS], stage


def backprop_summary(config: walk.WalkConfig, lr: float) -> None:
    model = walk.build_model(config.hidden, lr, config.seed)
    updates = st.session_state.get(BACKPROP_UPDATES, [])
    st.markdown(f"`{model!r}` with SGD(learning_rate={lr:g}), on a batch of **{config.batch}** points from "
                f"**{config.dataset}** (raw coordinates in (−6, 6)), sparse categorical cross-entropy. "
                f"Updates applied so far: **{len(updates)}**.")
    if updates:
        before, after, used_lr = updates[-1]
        st.success(f"Update {len(updates)} applied (η = {used_lr:g}): the loss on this batch went from "
                   f"**{before:.4f}** to **{after:.4f}**. The walk starts again from the new weights.")


def _set_stage(index: int) -> None:
    st.session_state[BACKPROP_STAGE] = walk.clamp_stage(index)


def stage_navigation(stage: int) -> None:
    n = len(walk.STAGES)
    back, forward, where = st.columns([1, 1, 4], vertical_alignment="center")
    back.button("◀ Previous stage", key="backprop_prev", on_click=_set_stage, args=(stage - 1,),
                disabled=stage == 0, width="stretch")
    forward.button("Next stage ▶", key="backprop_next", on_click=_set_stage, args=(stage + 1,),
                   disabled=stage == n - 1, width="stretch", type="primary")
    where.progress((stage + 1) / n, text=" → ".join(
        f"**{i + 1}**" if i == stage else str(i + 1) for i in range(n)))


def stage_section(step: walk.Step, stage: int, lr: float) -> None:
    info = walk.STAGES[stage]
    st.subheader(f"Stage {stage + 1} of {len(walk.STAGES)}: {info.title}")
    st.latex(info.latex)
    code, words = st.columns([2, 3])
    with code:
        st.code(info.code, language="python")
        if stage == 2:
            st.metric("Batch loss", f"{step.loss:.4f}")
        if stage == len(walk.STAGES) - 1:
            _apply_update_button(step, lr)
    words.markdown(info.explanation)
    st.plotly_chart(charts.panels_figure(info.panels(step, lr)), key="backprop_panels")
    st.caption("Rows are the points of the batch (#1, #2, …), or the inputs x₁, x₂, or the hidden units "
               "h1, h2, …; colour: orange below zero, blue above, each panel on its own scale. Hover for "
               "full precision.")


def _apply_update_button(step: walk.Step, lr: float) -> None:
    done = len(st.session_state.get(BACKPROP_UPDATES, []))
    st.metric("Loss before the update", f"{step.loss:.4f}")
    st.button("Apply update", key="backprop_apply", type="primary", on_click=_apply_update,
              args=(st.session_state[BACKPROP_CONFIG], lr, done))


def _apply_update(config: walk.WalkConfig, lr: float, done: int) -> None:
    """Idempotent: applies only if no update happened since the button was drawn (a double click or a
    stale page does nothing)."""
    updates = st.session_state.get(BACKPROP_UPDATES, [])
    if not same_config(st.session_state.get(BACKPROP_CONFIG), config) or len(updates) != done:
        return
    X, y = walk.make_batch(config)
    step = walk.forward_backward(X, y, st.session_state[BACKPROP_WEIGHTS])
    new_weights = walk.sgd_update(step, lr)
    after = walk.loss_of(X, y, new_weights)
    st.session_state[BACKPROP_WEIGHTS] = new_weights
    st.session_state[BACKPROP_UPDATES] = [*updates, (step.loss, after, lr)]
    st.session_state[BACKPROP_STAGE] = 0


def gradient_check_section(step: walk.Step) -> None:
    st.subheader("Gradient check")
    st.markdown("Backprop's gradient for every weight, beside an estimate that uses no calculus at all: "
                "nudge the weight by ±10⁻⁶, recompute the loss, and divide the change by twice the nudge "
                "(a central difference). Relative error = |a − n| / (|a| + |n|); below about 10⁻⁶ the two "
                "agree. A ReLU input sitting exactly at 0 would be the one place they could differ.")
    table = pd.DataFrame(walk.gradient_check_rows(step))
    worst = table["relative error"].max()
    st.dataframe(table, hide_index=True, key="backprop_gradcheck", height=36 * (len(table) + 1), column_config={
        "backprop": st.column_config.NumberColumn(format="%.8f"),
        "finite difference": st.column_config.NumberColumn(format="%.8f"),
        "relative error": st.column_config.NumberColumn(format="%.1e"),
    })
    st.caption(f"Largest relative error: {worst:.1e}.")


