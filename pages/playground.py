import streamlit as st

st.title("Playground")
st.write("Coming together: the live playground is being built on nnlib.")
