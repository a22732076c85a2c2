"""Activation explorer: each nnlib activation with its slope, and what depth does to gradients."""

import streamlit as st

from ui.web import routing
from ui.web.learn import activations as activations_page

routing.through_app()

st.title("Activation explorer")

st.header("The function and its slope")
name = activations_page.activation_picker()
activations_page.activation_curve_section(name)

st.header("Gradients through depth")
st.markdown("Backprop multiplies the gradient by every layer's weights and activation slope on its way "
            "to the input. Stack enough layers and the product shrinks to nothing or blows up, unless "
            "the initializer's scale fits the activation. Measured here on real nnlib models at "
            "initialization.")
activation, depth, initializers, seed = activations_page.depth_controls(name)
activations_page.depth_section(activation, depth, initializers, seed)
