"""Entry point: page config and navigation. Everything else lives in pages/ and ui/."""

import streamlit as st

st.set_page_config(page_title="NumPy Neural Playground", page_icon="🧠", layout="wide")

pages = {
    "Play": [
        st.Page("pages/playground.py", title="Playground", icon="🎛️", default=True),
    ],
    "Learn": [
        st.Page("pages/backprop.py", title="Backprop, step by step", icon="🔗"),
        st.Page("pages/digits.py", title="Digits (the tutorial's model)", icon="✍️"),
        st.Page("pages/activations.py", title="Activation explorer", icon="📈"),
    ],
}
st.navigation(pages).run()
