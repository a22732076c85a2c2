"""Entry point: page config and navigation. Everything else lives in pages/ and ui/."""

import streamlit as st

from ui import routing

routing.app_ran()
st.set_page_config(page_title="NumPy Neural Playground", page_icon="🧠", layout="wide")

pages = {
    "Play": [
        st.Page("pages/playground.py", title="Playground", icon="🎛️", default=True),
        st.Page("pages/lessons.py", title="Lessons", icon="🎓"),
    ],
    "Experiment": [
        st.Page("pages/compare.py", title="Compare runs", icon="⚖️"),
        st.Page("pages/sweep.py", title="Sweeps", icon="🧹"),
    ],
    "Learn": [
        st.Page("pages/backprop.py", title="Backprop, step by step", icon="🔗"),
        st.Page("pages/digits.py", title="Digits (the tutorial's model)", icon="✍️"),
        st.Page("pages/activations.py", title="Activation explorer", icon="📈"),
    ],
}
st.navigation(pages).run()
