"""Streamlit helpers for the Learn pages: Backprop step by step, Digits, and the Activation explorer.

Pages call these in order; each helper reads its widgets or draws one section. The numbers come from
pure modules (``ui.backprop_walk``, ``ui.digits_model`` and the activation functions at the top of this
file, which never call ``st.``); the figures from ``ui.learn_charts``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import MutableMapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import Callback, Dense, Sequential
from nnlib import activations as _activations
from ui import backprop_walk as walk
from ui import canvas
from ui import digits_model as digits
from ui import learn_charts as charts

# --- session-state keys (each page's keys share its prefix) ---------------------------------------
BACKPROP_CONFIG = "backprop_config"    # the WalkConfig the weights below belong to
BACKPROP_WEIGHTS = "backprop_weights"  # (W1, b1, W2, b2), replaced (never mutated) by each update
BACKPROP_STAGE = "backprop_stage"      # 0..len(STAGES)-1
BACKPROP_UPDATES = "backprop_updates"  # [(loss before, loss after, learning rate)] of the applied updates

DIGITS_MODEL = "digits_model"                  # the trained nnlib Sequential
DIGITS_HISTORY = "digits_history"              # its History.history dict
DIGITS_RESULTS = "digits_results"              # digits_model.Results on the validation part
DIGITS_TRAINED_CONFIG = "digits_trained_config"  # the DigitsConfig it was trained with
DIGITS_SAMPLE = "digits_sample"                # next validation image for "Copy a test digit"
DIGITS_PAD = "digits_pad"                      # the drawing pad component (its trigger "stroke")
DIGITS_PIXELS = "digits_pixels"                # (8, 8) int grey levels 0..16 the model reads, replaced whole
DIGITS_PAD_VERSION = "digits_pad_version"      # bumped when Python replaces the drawing: the pad then takes it
DIGITS_PAD_PROBLEM = "digits_pad_problem"      # what was wrong with the pad's last value, shown on the page
DIGITS_COPIED = "digits_copied"                # (index, true label) of the copied test digit; None once drawn on


def same_config(stored, current) -> bool:
    """Equal field by field. Not ``==``: when any source file changes, Streamlit re-imports every module
    of the app, and a config kept in session state from before is an instance of the old class, which a
    dataclass ``==`` would call different (and the page would start over)."""
    return stored is not None and dataclasses.astuple(stored) == dataclasses.astuple(current)


# ====================================================================================================
# Activation explorer: pure computations with nnlib (no st. calls)
# ====================================================================================================
SLOPE_THRESHOLD = 0.05
DEPTH_INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                      "random_normal", "random_uniform")
DEFAULT_INITIALIZERS = ("glorot_uniform", "he_normal", "lecun_normal", "random_normal")
INITIALIZER_LABELS = {"random_normal": "random_normal (σ = 0.05)", "random_uniform": "random_uniform (±0.05)"}


def activation_curves(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) on a grid, both from nnlib: f from ``forward``, f' from ``backward`` with an upstream
    gradient of 1 (exactly what a layer multiplies the incoming gradient by).

    softmax works on vectors, so it gets the vector [x, 0]: f is its first component (which equals
    sigmoid(x)) and f' the derivative of that component with respect to x.
    """
    act = _activations.get(name)
    x = np.asarray(x, dtype=float)
    if act.name == "softmax":
        z = np.column_stack([x, np.zeros_like(x)])
        upstream = np.zeros_like(z)
        upstream[:, 0] = 1.0
    else:
        z = x[:, None].copy()
        upstream = np.ones_like(z)
    a = act.forward(z)
    return a[:, 0].copy(), act.backward(upstream, z, a)[:, 0].copy()


def low_slope_intervals(x: np.ndarray, slope: np.ndarray, threshold: float = SLOPE_THRESHOLD) -> list[tuple]:
    """The stretches of the grid where |slope| < threshold, as (first x, last x) pairs."""
    flat = np.abs(np.asarray(slope)) < threshold
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(int), [0]])))
    pairs = zip(edges[::2], edges[1::2], strict=True)
    return [(float(x[start]), float(x[stop - 1])) for start, stop in pairs]


@dataclass(frozen=True)
class DepthResult:
    grad_norms: dict[str, list[float]]  # initializer -> ‖dL/dW‖ per layer, layer 1 next to the input
    spreads: dict[str, list[float]]     # initializer -> std of each layer's output


def depth_experiment(activation: str, depth: int, initializers, width: int = 32, n: int = 256,
                     seed: int = 0) -> DepthResult:
    """At initialization, how big is each layer's kernel gradient? Computed with nnlib, not a formula.

    A stack of ``depth`` Dense(width, activation) layers per initializer, random normal inputs (n, width)
    and targets, mean squared error; ``Sequential.gradient_norms`` gives ‖dL/dW‖ layer by layer and
    ``layer_outputs`` the spread of the signal on the way forward.
    """
    if not 1 <= depth <= 10:
        raise ValueError(f"depth must be in 1..10, received depth={depth!r}")
    rng = np.random.default_rng(seed)
    X, T = rng.standard_normal((n, width)), rng.standard_normal((n, width))
    grad_norms, spreads = {}, {}
    for init in initializers:
        model = Sequential([Dense(width, activation=activation, kernel_initializer=init, input_shape=(width,))
                            for _ in range(depth)], seed=seed)
        model.compile(optimizer="sgd", loss="mse")
        grad_norms[init] = model.gradient_norms(X, T)
        spreads[init] = [float(out["a"].std()) for out in model.layer_outputs(X)]
    return DepthResult(grad_norms, spreads)


ACTIVATION_NOTES = {
    "linear": "The identity: slope 1 everywhere, so it never saturates, but a stack of linear layers is "
              "still one linear map. It is the usual output for regression.",
    "relu": "Zero for negative inputs, the input itself for positive ones. The slope is exactly 0 on the "
            "left (shaded): a unit stuck there passes no gradient back. That is not saturation towards a "
            "limit, but it blocks learning just as well, and a unit that is negative for every input is a "
            "dead ReLU.",
    "leaky_relu": "ReLU with a small slope (0.01) on the left instead of 0, so a negative unit still lets a "
                  "trickle of gradient through and can recover. The trickle is below the threshold, hence "
                  "the shading.",
    "elu": "Like ReLU on the right; on the left it bends smoothly towards −1. Far left it saturates: the "
           "slope e^x fades to zero.",
    "gelu": "A smooth ReLU used in transformers: x times the probability that a standard normal is below x "
            "(nnlib uses the tanh approximation). It dips slightly below zero, so its slope is briefly "
            "negative, and it flattens out far to the left.",
    "swish": "x · sigmoid(x): smooth, slightly negative for negative inputs, close to x for large ones. Like "
             "GELU it flattens far to the left.",
    "softplus": "log(1 + e^x), a smooth ReLU. Its slope is exactly sigmoid(x): near 1 on the right, fading "
                "to 0 on the left, where it saturates.",
    "sigmoid": "Squashes every input into (0, 1). The slope is at most 0.25 (at 0), and beyond about ±3 it "
               "is almost zero: the unit saturates, and a gradient passing through it is multiplied by "
               "almost nothing.",
    "tanh": "Squashes into (−1, 1) and is centred on zero, with slope 1 at the origin. It saturates beyond "
            "about ±2, sooner than sigmoid in x but from a higher peak slope.",
    "softmax": "Softmax maps a whole vector to probabilities, so it has no single f(x). Shown here: the "
               "first output for the input [x, 0], which is exactly sigmoid(x), and its slope with respect "
               "to x (a diagonal entry of softmax's Jacobian). It saturates the same way, once one score "
               "dominates.",
}


# ====================================================================================================
# Activation explorer: Streamlit sections
# ====================================================================================================
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


# ====================================================================================================
# Backprop, step by step
# ====================================================================================================
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


# ====================================================================================================
# Digits
# ====================================================================================================
DIGITS_PAD_VIEW = canvas.canvas_view("nnpg_digits_pad", "digits")  # ui/components/digits.js


def digits_controls() -> digits.DigitsConfig:
    d = digits.DigitsConfig()
    with st.sidebar:
        st.header("Model and training")
        hidden = st.select_slider("Hidden units", digits.HIDDEN_CHOICES, d.hidden, key="digits_hidden",
                                  persist_state="session")
        dropout = st.slider("Dropout", 0.0, 0.5, d.dropout, 0.05, key="digits_dropout",
                            persist_state="session")
        optimizer = st.selectbox("Optimizer", digits.OPTIMIZERS, key="digits_optimizer",
                                 persist_state="session")
        lr = st.select_slider("Learning rate", digits.LEARNING_RATES, d.learning_rate,
                              format_func=lambda v: f"{v:g}", key="digits_lr", persist_state="session")
        epochs = st.slider("Epochs", 1, 30, d.epochs, key="digits_epochs", persist_state="session")
        batch = st.select_slider("Batch size", digits.BATCH_CHOICES, d.batch_size, key="digits_batch",
                                 persist_state="session")
        standardize = st.checkbox("Standardize pixels", d.standardize, key="digits_standardize",
                                  persist_state="session",
                                  help="Shift and scale each pixel to mean 0, spread 1 (learned from the "
                                       "training images). Without it, the tutorial's settings stop near 92 % "
                                       "after 10 epochs on this small set.")
    return digits.DigitsConfig(int(hidden), round(float(dropout), 2), optimizer, float(lr), int(epochs),
                               int(batch), bool(standardize))


def digits_code_section(config: digits.DigitsConfig) -> None:
    st.code(digits.model_code(config), language="python")


class _LiveTraining(Callback):
    """Per epoch: move the progress bar and redraw the loss and accuracy curves."""

    def __init__(self, progress, slot, epochs: int):
        self.progress, self.slot, self.epochs = progress, slot, epochs

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        loss, accuracy = logs.get("loss", float("nan")), logs.get("val_accuracy", float("nan"))
        self.progress.progress((epoch + 1) / self.epochs, text=f"Epoch {epoch + 1}/{self.epochs}: loss "
                               f"{loss:.3f}, validation accuracy {accuracy:.3f}")
        self.slot.plotly_chart(charts.history_figure(self.model.history.history, self.epochs),
                               key=f"digits_live_{epoch}")


def digits_training_section(config: digits.DigitsConfig) -> None:
    """The Train button, the progress bar and the loss/accuracy curves (live while training)."""
    trained = st.session_state.get(DIGITS_TRAINED_CONFIG)
    label = "Train" if trained is None else "Train again"
    clicked = st.button(label, key="digits_train", type="primary")
    progress_slot, chart_slot = st.empty(), st.empty()
    if clicked:
        split = digits.load_split(config.standardize)
        progress = progress_slot.progress(0.0, text="Starting…")
        model = digits.build_model(config)
        live = _LiveTraining(progress, chart_slot, config.epochs)
        history = digits.fit(model, split, config, callbacks=[live])
        results = digits.evaluate(model, split)
        st.session_state.update({DIGITS_MODEL: model, DIGITS_HISTORY: dict(history.history),
                                 DIGITS_RESULTS: results, DIGITS_TRAINED_CONFIG: config})
        trained = config
    if trained is None:
        st.info("Press **Train** to fit the model above: 1,346 training images, 451 held out for validation.")
        return
    history = st.session_state[DIGITS_HISTORY]
    chart_slot.plotly_chart(charts.history_figure(history, trained.epochs), key="digits_history_chart")
    if not same_config(trained, config):
        st.caption("The controls changed since this run; the results below are for the last run. "
                   "Press Train again to train the settings shown in the code.")


def digits_results_section() -> None:
    results: digits.Results | None = st.session_state.get(DIGITS_RESULTS)
    if results is None:
        return
    trained: digits.DigitsConfig = st.session_state[DIGITS_TRAINED_CONFIG]
    split = digits.load_split(trained.standardize)
    history = st.session_state[DIGITS_HISTORY]
    a, b, c = st.columns(3)
    a.metric("Validation accuracy", f"{results.accuracy:.1%}")
    b.metric("Misclassified", f"{len(results.wrong)} of {results.n_val}")
    c.metric("Training accuracy (last epoch, with dropout)", f"{history['accuracy'][-1]:.1%}")

    st.subheader("Where it goes wrong")
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(charts.confusion_figure(results.confusion), key="digits_confusion")
        st.caption("Rows: the true digit; columns: the model's answer. Everything off the diagonal is "
                   "a mistake.")
    with right:
        table = pd.DataFrame({"digit": np.arange(digits.N_CLASSES), "precision": results.precision,
                              "recall": results.recall, "images": results.support})
        st.dataframe(table, hide_index=True, key="digits_precision_recall", column_config={
            "precision": st.column_config.NumberColumn(format="%.3f"),
            "recall": st.column_config.NumberColumn(format="%.3f"),
        })
        st.caption("Precision: of the images the model called this digit, the share that were. Recall: "
                   "of the images of this digit, the share it found.")

    wrong = results.wrong[:30]
    if len(wrong):
        st.markdown(f"**Misclassified validation images** ({len(wrong)} of {len(results.wrong)} shown): "
                    "the model's answer, then the truth.")
        images = split.X_val[wrong].reshape(-1, digits.SIDE, digits.SIDE)
        titles = [f"{results.predicted[i]} (was {split.y_val[i]})" for i in wrong]
        st.plotly_chart(charts.image_grid_figure(images, titles, cols=10), key="digits_mistakes")

    model = st.session_state[DIGITS_MODEL]
    kernels = digits.first_layer_images(model)
    st.subheader("What the first layer looks for")
    st.markdown(f"Each square is one hidden unit's 64 incoming weights laid out as the 8×8 image they "
                f"multiply ({len(kernels)} of {model.layers[0].units} units shown). Blue pixels push the "
                "unit up, orange pixels push it down: many units look like fragments of strokes, or one "
                "digit minus another.")
    st.plotly_chart(charts.image_grid_figure(kernels, [f"h{i + 1}" for i in range(len(kernels))], cols=16,
                                             signed=True, tile_px=60), key="digits_kernels")


def _set_drawing(state: MutableMapping, pixels: np.ndarray, copied: tuple[int, int] | None = None) -> None:
    """Python replaces the drawing (Clear, Copy): a new version, which makes the pad take it."""
    state[DIGITS_PIXELS] = pixels
    state[DIGITS_PAD_VERSION] = state.get(DIGITS_PAD_VERSION, 0) + 1
    state[DIGITS_COPIED] = copied
    state.pop(DIGITS_PAD_PROBLEM, None)


def receive_stroke(state: MutableMapping, value) -> None:
    """The pad's grid after a stroke, into ``state`` (session state; a dict in tests). A rejected or
    corrected value also sends the drawing back to the pad (a new version), so the pad always shows what
    the model reads; the problem is kept for the page to say."""
    reading = digits.read_pad(value)
    if reading.pixels is not None:
        if not np.array_equal(reading.pixels, state.get(DIGITS_PIXELS, digits.BLANK)):
            state[DIGITS_COPIED] = None  # drawn on: no longer the test digit
        state[DIGITS_PIXELS] = reading.pixels
    if reading.problem:
        state[DIGITS_PAD_VERSION] = state.get(DIGITS_PAD_VERSION, 0) + 1
        state[DIGITS_PAD_PROBLEM] = reading.problem
    else:
        state.pop(DIGITS_PAD_PROBLEM, None)


def _on_stroke() -> None:
    receive_stroke(st.session_state, (st.session_state.get(DIGITS_PAD) or {}).get("stroke"))


def _clear_drawing() -> None:
    _set_drawing(st.session_state, digits.BLANK)


def _copy_sample(index: int) -> None:
    """Idempotent: puts validation image ``index`` on the pad, its grey levels exactly, with its label."""
    pixels, label = digits.validation_digit(index)
    _set_drawing(st.session_state, pixels, copied=(index % len(digits.load_split(True).y_val), label))
    st.session_state[DIGITS_SAMPLE] = index + 1


def grey_levels_text(pixels: np.ndarray) -> str:
    """(8, 8) grey levels as 8 lines of right-aligned numbers, as the UCI digits print."""
    rows = np.asarray(pixels).reshape(digits.SIDE, digits.SIDE)
    return "\n".join(" ".join(f"{int(v):2d}" for v in row) for row in rows)


@st.fragment
def drawing_section() -> None:
    """A fragment: a stroke, Clear or Copy reruns only this section (0.9 s for the whole page after training,
    most of it redrawing results that did not change)."""
    st.subheader("Draw a digit")
    pixels = st.session_state.get(DIGITS_PIXELS, digits.BLANK)
    pad_col, view_col = st.columns([2, 3])
    with pad_col:
        st.caption("Drag with the mouse, a pen or a finger: each pass adds ink, darkest under the brush's centre. "
                   "Erase (or the right mouse button) takes ink away. The model reads the grid after each stroke.")
        DIGITS_PAD_VIEW(data={"pixels": pixels.ravel(), "version": st.session_state.get(DIGITS_PAD_VERSION, 0)},
                        key=DIGITS_PAD, on_stroke_change=_on_stroke)
        clear, copy = st.columns(2)
        clear.button("Clear", key="digits_clear", on_click=_clear_drawing, width="stretch",
                     icon=":material/delete:")
        sample = int(st.session_state.get(DIGITS_SAMPLE, 0))
        copy.button("Copy a test digit", key="digits_copy", on_click=_copy_sample, args=(sample,),
                    width="stretch", icon=":material/content_copy:",
                    help="Put the next validation image on the pad, with its grey levels, and show its label.")
        problem = st.session_state.get(DIGITS_PAD_PROBLEM)
        if problem:
            st.warning(problem, icon=":material/warning:")
    with view_col:
        _prediction_view(pixels)


def _prediction_view(pixels: np.ndarray) -> None:
    """The model's answer for the drawing, the true label of a copied test digit, and the 64 numbers read."""
    copied = st.session_state.get(DIGITS_COPIED)
    truth = f"true label: **{copied[1]}** (test digit {copied[0] + 1})" if copied else ""
    model = st.session_state.get(DIGITS_MODEL)
    if model is None:
        st.info("Train the model first; your drawing is kept meanwhile.")
        if truth:
            st.markdown(truth[0].upper() + truth[1:])
    else:
        split = digits.load_split(st.session_state[DIGITS_TRAINED_CONFIG].standardize)
        probs = digits.predict_drawn(model, split, pixels)
        if not pixels.any():
            st.caption("The pad is empty; the bars show what the model makes of a blank image.")
        answer = f"The model reads **{int(np.argmax(probs))}** ({probs.max():.0%} sure)"
        st.markdown(f"{answer}; {truth}." if truth else f"{answer}.")
        st.plotly_chart(charts.probability_figure(probs), key="digits_drawn_probs")
    st.caption(f"The {digits.N_PIXELS} grey levels the model reads (0 blank, {digits.MAX_INK} full ink), row by row:")
    st.code(grey_levels_text(pixels), language=None)
