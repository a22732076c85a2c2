"""Backprop, step by step: one training step of a 2 → h → 2 network, stage by stage, with the numbers."""

import streamlit as st

from ui.core.learn import backprop as walk
from ui.web import routing
from ui.web.learn import backprop as backprop_page

routing.through_app()

st.title("Backprop, step by step")
st.markdown("One training step of a tiny network (2 inputs → ReLU hidden layer → 2 softmax outputs) "
            "on a small batch, computed by hand in NumPy. Every number below equals what nnlib computes "
            "for the same weights.")

config, lr = backprop_page.backprop_controls()
X, y, weights, stage = backprop_page.backprop_state(config)
backprop_page.backprop_summary(config, lr)
step = walk.forward_backward(X, y, weights)

backprop_page.stage_navigation(stage)
backprop_page.stage_section(step, stage, lr)
backprop_page.gradient_check_section(step)
