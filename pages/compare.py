"""Compare runs: 2 to 4 variations of the Playground's setup, on the same data and seed, trained in lockstep."""

import streamlit as st

from ui import experiments, routing

routing.through_app()

st.title("Compare runs")
base, data = experiments.base_setup()
experiments.setup_caption(base, data)
changes = experiments.compare_settings(base)
experiments.comparison_for(base, data, changes)
experiments.compare_controls()
experiments.compare_panel()
experiments.compare_download()
