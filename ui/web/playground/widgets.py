"""How one Playground control is drawn: hidden or locked by the instructor (URL hide= / lock=), and re-stored
while the widgets are being seeded from a link or a lesson. Every sidebar module draws its widgets through
``control``."""

from __future__ import annotations

import streamlit as st

from ui.core import lessons
from ui.core.config import DEFAULT
from ui.web import state
from ui.web.state import widget_key


def classroom() -> lessons.Classroom:
    return st.session_state.get(state.CLASSROOM) or lessons.Classroom()


def changed() -> None:
    st.session_state.pop(state.NOTICES, None)
    state.LOOP.touch()


def control(widget, name: str, *args, **kwargs):
    """Draw ``widget`` for control ``name``, disabled if the instructor locked it. If they hid it (URL hide=),
    draw nothing and return the value it was seeded with, from the URL or the lesson."""
    room, key = classroom(), kwargs["key"]
    if room.is_hidden(name) or st.session_state.get(state.SEEDED):
        # Re-stored: an undrawn widget keeps its value, and a seeded one is sent to the browser even when the
        # run that seeded it was stopped for a rerun before drawing it. Streamlit then draws it as unchanged,
        # without its value, and the browser (which forgot it on another page) would show the default:
        # unchecked features, sliders at their minimum (tests/e2e/test_upload_widgets_e2e.py).
        st.session_state[key] = st.session_state[key]
    if room.is_hidden(name):
        return st.session_state[key]
    return widget(*args, disabled=room.is_locked(name), **kwargs)


def maybe_control(unused: bool, widget, name: str, *args, **kwargs):
    """A setting not drawn where it does nothing (the data generator's for an uploaded CSV, a schedule's period
    for a constant rate), but its value is kept for when it counts again."""
    key = widget_key(name)
    if unused:
        st.session_state[key] = st.session_state.get(key, getattr(DEFAULT, name))
        return st.session_state[key]
    return control(widget, name, *args, key=key, on_change=changed, **kwargs)
