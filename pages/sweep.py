"""Sweeps: train the Playground's setup over a range of learning rates, or over a grid of two settings."""

import streamlit as st

from ui import experiments, routing

routing.through_app()

st.title("Sweeps")
base, data = experiments.base_setup()
experiments.setup_caption(base, data)
plan = experiments.sweep_setup(base)
experiments.sweep_controls(plan)
experiments.sweep_panel(plan, data)
