"""Activation explorer: each nnlib activation with its slope, and what depth does to gradients."""

import streamlit as st

from ui import learn, routing

routing.through_app()

st.title("Activation explorer")

st.header("The function and its slope")
name = learn.activation_picker()
learn.activation_curve_section(name)

st.header("Gradients through depth")
st.markdown("Backprop multiplies the gradient by every layer's weights and activation slope on its way "
            "to the input. Stack enough layers and the product shrinks to nothing or blows up, unless "
            "the initializer's scale fits the activation. Measured here on real nnlib models at "
            "initialization.")
activation, depth, initializers, seed = learn.depth_controls(name)
learn.depth_section(activation, depth, initializers, seed)
