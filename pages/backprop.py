"""Backprop, step by step: one training step of a 2 → h → 2 network, stage by stage, with the numbers."""

import streamlit as st

from ui import backprop_walk as walk
from ui import learn, routing

routing.through_app()

st.title("Backprop, step by step")
st.markdown("One training step of a tiny network (2 inputs → ReLU hidden layer → 2 softmax outputs) "
            "on a small batch, computed by hand in NumPy. Every number below equals what nnlib computes "
            "for the same weights.")

config, lr = learn.backprop_controls()
X, y, weights, stage = learn.backprop_state(config)
learn.backprop_summary(config, lr)
step = walk.forward_backward(X, y, weights)

learn.stage_navigation(stage)
learn.stage_section(step, stage, lr)
learn.gradient_check_section(step)
