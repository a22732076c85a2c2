"""Clicks on the live view (its "action" trigger), as changes of the Playground's settings: the inputs, the
hidden layers, switched-off and frozen neurons, drawn points. Each takes the whole new value (a target, not
a step), checks it like any other input, and respects what the lesson keeps."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui.core import config as cfg
from ui.core import limits
from ui.core.data import csv_files, drawn, features
from ui.web import state
from ui.web.playground.controls import OPERATIONS, changed, classroom, use_drawing
from ui.web.state import act_key, feature_key, units_key, widget_key


def set_features(names) -> bool:
    """Switch the inputs to exactly ``names`` (a click on an input node), unless the lesson keeps them.
    Whether anything was set."""
    if not (isinstance(names, list) and names and all(isinstance(n, str) and n in features.FEATURES for n in names)):
        return False
    if classroom().is_locked("features") or classroom().is_hidden("features"):
        state.notify("This lesson keeps its inputs as they are.")
        return False
    for name in features.FEATURES:
        st.session_state[feature_key(name)] = name in names
    changed()
    return True


def set_operated(kind: str, names) -> bool:
    """Make exactly ``names`` ("layer.neuron" from 1) the switched-off or the frozen hidden neurons (a click on
    the diagram, a switch in the Neuron tab); the sidebar's next run drops any the network does not have.
    Whether anything was set."""
    if not (kind in OPERATIONS and isinstance(names, list) and all(isinstance(n, str) for n in names)):
        return False
    parsed = cfg.parse_neurons(names)
    if parsed is None:
        return False
    if classroom().is_locked(kind) or classroom().is_hidden(kind):
        state.notify("This lesson keeps its neurons as they are.")
        return False
    st.session_state[widget_key(kind)] = parsed
    changed()
    return True


def set_drawn_points(points, kind: str, n_classes: int) -> bool:
    """Make the drawn set exactly ``points`` ([[x1, x2, label], ...]: the drawing tool on the plane), the
    data from now on: split into train and test with the current ratio, downloadable as the CSV, kept by a
    Reset; training goes on from the weights it has. A label is a class of the current problem, or a target
    in [-1, 1] for regression. Whether anything was set; a set it refuses says why and changes nothing."""
    table = drawn_table(points, kind, n_classes)
    if table is None:
        state.notify(f"Ignored a drawing that was not up to {limits.DRAW_MAX_POINTS} points on the plane with "
                     "this problem's classes.")
        return False
    if len(table.y) < limits.UPLOAD_MIN_ROWS:
        state.notify(f"A drawn set needs at least {limits.UPLOAD_MIN_ROWS} points; it keeps the ones it had.")
        return False
    if classroom().is_locked("dataset") or classroom().is_hidden("dataset"):
        state.notify("This lesson keeps its data as it is.")
        return False
    use_drawing(table)
    st.session_state[state.DRAWN] = True
    if state.DRAWING_LINK not in st.session_state:
        state.notify(f"This drawing has more points than a link carries ({limits.DRAW_LINK_MAX_POINTS}): to share "
                     "it, download the data (CSV) and upload it there, or erase points.")
    changed()
    return True


def drawable_classes(data) -> int:
    """The classes the point tool offers: a binary problem's two (even while a drawing holds one of them), a
    drawing's own count (a class erased to its last point can be drawn again), or 1 for regression."""
    if data.kind == "binary":
        return 2
    table = st.session_state.get(state.UPLOAD) if st.session_state.get(widget_key("dataset")) == cfg.UPLOAD else None
    drawn_classes = len(table.class_names) if table is not None and data.kind == "multiclass" else 0
    return max(data.n_classes, drawn_classes)


def drawn_table(points, kind: str, n_classes: int) -> csv_files.CsvTable | None:
    """``points`` checked as a drawn set of ``kind`` (None when anything is malformed): coordinates inside the
    plane, classes of the problem, at most DRAW_MAX_POINTS."""
    if not (isinstance(points, list) and len(points) <= limits.DRAW_MAX_POINTS):
        return None
    if not all(isinstance(p, list) and len(p) == 3 and all(type(v) in (int, float) for v in p) for p in points):
        return None
    values = np.array(points, dtype=float).reshape(-1, 3)
    if not np.isfinite(values).all():
        return None
    X, labels = drawn.snap(values[:, :2]), values[:, 2]  # on the link's grid, so a link carries it exactly
    if kind == "regression":
        return csv_files.CsvTable(X, np.round(np.clip(labels, -1.0, 1.0), 2), kind, (), ())
    if not (np.all(labels == labels.round()) and np.all((labels >= 0) & (labels < n_classes))):
        return None
    return csv_files.CsvTable(X, labels.astype(np.int64), kind, tuple(map(str, range(n_classes))), ())


def set_hidden_units(units) -> bool:
    """Make the hidden layers ``units`` neurons wide (a click on + or − on the diagram): sizes clamped to the
    limits, a new layer with the activation of the one before it, unless the lesson keeps the network.
    Whether anything was set."""
    if not (isinstance(units, list) and len(units) <= limits.MAX_HIDDEN_LAYERS and
            all(type(u) is int for u in units)):
        return False
    if classroom().is_locked("layers") or classroom().is_hidden("layers"):
        state.notify("This lesson keeps its network as it is.")
        return False
    ss = st.session_state
    before = int(ss.get(state.N_LAYERS, 0))
    for i, u in enumerate(units):
        ss[units_key(i)] = min(max(u, 1), limits.MAX_NEURONS)
        if i >= before:
            ss[act_key(i)] = ss.get(act_key(before - 1), "tanh") if before else "tanh"
    ss[state.N_LAYERS] = len(units)
    changed()
    return True
