"""Digits: the tutorial's Keras model on nnlib, trained on the page, and a pad to draw a digit for it."""

from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import Callback
from ui.core.learn import digits
from ui.render import learn_charts as charts
from ui.web import canvas
from ui.web.state import same_config

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

DIGITS_PAD_VIEW = canvas.canvas_view("nnpg_digits_pad", "digits")  # ui/web/components/digits.js


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
