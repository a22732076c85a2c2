"""Entry point: page config and navigation. Everything else lives in pages/ and ui/."""

import streamlit as st

st.set_page_config(page_title="NumPy Neural Playground", page_icon="🧠", layout="wide")

pages = [
    st.Page("pages/playground.py", title="Playground", icon="🎛️", default=True),
]
st.navigation(pages).run()
