"""The Playground: pick data, features and a network, press Play, and watch it learn."""

import streamlit as st

from ui import controls, live, state, timetravel, workshop

st.title("Playground")
controls.read_url_once()
config = controls.sidebar()
controls.write_url(config)
run = state.run_for(config)
workshop.lesson_banner()
controls.notices_box()
live.problem_caption(run)
live.run_controls(run)
live.view_options()
live.training_panel()
timetravel.panel(run)
workshop.export_panel(run)
