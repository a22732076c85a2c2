"""Sweeps: train the Playground's setup over a range of learning rates, or over a grid of two settings."""

import streamlit as st

from ui.web import routing
from ui.web.experiments import setup as setup
from ui.web.experiments import sweep as sweep_page

routing.through_app()

st.title("Sweeps")
base, data = setup.base_setup()
setup.setup_caption(base, data)
plan = sweep_page.sweep_setup(base)
sweep_page.sweep_controls(plan)
sweep_page.sweep_panel(plan, data)
