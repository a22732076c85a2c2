"""Make every page go through app.py's navigation, even on a fresh server.

Streamlit starts in its old multipage mode when a folder named pages/ sits beside the main script, and
stays there until the first st.navigation call. On a fresh server a deep link such as /backprop would
then run the page file alone: no page config, no navigation, no lesson handling. A page that finds
itself started that way, before app.py has ever run in this process, switches the mode off and reruns,
so app.py routes the same URL.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_app_has_run = False


def app_ran() -> None:
    """Called by app.py on every run."""
    global _app_has_run
    _app_has_run = True


def through_app() -> None:
    """Call first in every page script."""
    if PagesManager.uses_pages_directory and not _app_has_run:
        PagesManager.uses_pages_directory = False
        st.rerun()
