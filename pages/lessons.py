import streamlit as st

st.title("Lessons")
st.info("This page is being built.")
