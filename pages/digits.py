"""Digits: the tutorial's Keras model, written with nnlib and trained on the 8×8 UCI digits."""

import streamlit as st

from ui.web import routing
from ui.web.learn import digits as digits_page

routing.through_app()

st.title("Digits: the tutorial's model, on nnlib")
st.markdown("The tutorial's Keras model (Dense → Dropout → Dense softmax) runs unchanged on nnlib. Here it "
            "reads the 1,797 handwritten 8×8 digits shipped with nnlib, 75 % for training and 25 % held out "
            "(stratified, fixed seed). The code below follows the controls on the left.")

config = digits_page.digits_controls()
digits_page.digits_code_section(config)
digits_page.digits_training_section(config)
digits_page.digits_results_section()
digits_page.drawing_section()
