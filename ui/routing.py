"""Make every page go through app.py's navigation, even on a fresh server.

Streamlit starts in its old multipage mode when a folder named pages/ sits beside the main script, and
stays there until the first st.navigation call. On a fresh server a deep link such as /backprop would
then run the page file alone: no page config, no navigation, no lesson handling. A page that finds
itself started that way switches the mode off and reruns, so app.py routes the same URL.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_app() -> None:
    """Call first in every page script."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
