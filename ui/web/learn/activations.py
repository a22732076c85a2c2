"""The Activation explorer page's sections: pick an activation, its curve and slope, gradients through depth."""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlib import activations as _activations
from ui.core.learn.activations import (
    ACTIVATION_NOTES,
    DEFAULT_INITIALIZERS,
    DEPTH_INITIALIZERS,
    INITIALIZER_LABELS,
    SLOPE_THRESHOLD,
    activation_curves,
    depth_experiment,
    low_slope_intervals,
)
from ui.render import learn_charts as charts


def activation_picker() -> str:
    names = _activations.names()
    return st.selectbox("Activation", names, index=names.index("sigmoid"), key="activations_name",
                        persist_state="session")


def activation_curve_section(name: str) -> None:
    x = np.linspace(-6.0, 6.0, 601)
    f, df = activation_curves(name, x)
    regions = low_slope_intervals(x, df)
    st.plotly_chart(charts.activation_figure(x, f, df, regions, name), key="activations_curve")
    st.markdown(ACTIVATION_NOTES.get(name, ""))
    st.caption(f"Shaded: where |f′(x)| < {SLOPE_THRESHOLD}. A unit whose input sits there is "
               "**saturating**: its output barely changes when the input changes, so almost no gradient "
               "flows back through it and its incoming weights stop learning. The f′ curve is nnlib's own "
               "backward pass, and a test checks it against finite differences of f.")


def depth_controls(default_activation: str) -> tuple[str, int, list[str], int]:
    names = _activations.names()
    left, mid, right = st.columns([2, 2, 1])
    activation = left.selectbox("Activation in every layer", names, index=names.index(default_activation),
                                key="activations_depth_activation", persist_state="session")
    depth = mid.slider("Depth (layers)", 1, 10, 6, key="activations_depth", persist_state="session")
    seed = right.number_input("Seed", 0, 9999, 0, key="activations_seed", persist_state="session")
    inits = st.multiselect("Initializers", DEPTH_INITIALIZERS, default=list(DEFAULT_INITIALIZERS),
                              format_func=lambda n: INITIALIZER_LABELS.get(n, n), key="activations_inits",
                              persist_state="session")
    return activation, int(depth), list(inits), int(seed)


def depth_section(activation: str, depth: int, initializers: list[str], seed: int) -> None:
    if not initializers:
        st.info("Pick at least one initializer to compare.")
        return
    result = depth_experiment(activation, depth, initializers, seed=seed)
    label = {init: INITIALIZER_LABELS.get(init, init) for init in initializers}
    left, right = st.columns(2)
    left.plotly_chart(charts.layer_lines_figure({label[k]: v for k, v in result.grad_norms.items()},
                                                "Gradient norm ‖∂L/∂W‖ per layer", "‖∂L/∂W‖ (log)"),
                      key="activations_grad_norms")
    right.plotly_chart(charts.layer_lines_figure({label[k]: v for k, v in result.spreads.items()},
                                                 "Spread of each layer's output", "std of activations (log)"),
                       key="activations_spreads")
    zeros = [label[k] for k, v in result.grad_norms.items() if min(v) <= 0]
    if zeros:
        st.warning(f"Some layers get exactly zero gradient with {', '.join(zeros)} "
                   "(not drawn on a log scale).")
    st.caption(f"Each line is a fresh nnlib model: {depth} × Dense(32, {activation}) with that kernel "
               "initializer, fed 256 random inputs with random targets (mean squared error). Left: the size "
               "of each layer's weight gradient, the raw material of its learning step. It is the product "
               "of what reaches the layer from below on the way forward (right: the spread of each layer's "
               "output) and what reaches it from above on the way back. A line that falls towards layer 1 "
               "means the first layers barely learn (vanishing gradients), as with sigmoid, whose slope is "
               "at most 0.25; a line far below the others means the whole network starves, as when "
               "random_normal's small weights make the signal die out layer by layer. He initialization is "
               "scaled for ReLU; Glorot and LeCun for tanh-like units. In square 32 → 32 layers Glorot and "
               "LeCun give the weights the same variance (1/32), so their lines nearly coincide "
               "(glorot_normal and lecun_normal exactly).")


