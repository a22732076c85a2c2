import streamlit as st

st.title("backprop")
st.info("This page is being built.")
