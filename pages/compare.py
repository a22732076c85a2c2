"""Compare runs: 2 to 4 variations of the Playground's setup, on the same data and seed, trained in lockstep."""

import streamlit as st

from ui.web import routing
from ui.web.experiments import compare as compare_page
from ui.web.experiments import setup as setup

routing.through_app()

st.title("Compare runs")
base, data = setup.base_setup()
setup.setup_caption(base, data)
changes = compare_page.compare_settings(base)
compare_page.comparison_for(base, data, changes)
compare_page.compare_controls()
compare_page.compare_panel()
compare_page.compare_download()
