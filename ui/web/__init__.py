"""Everything that imports Streamlit: session keys, canvas views and their JS (components/), routing, and one
module or package per page area."""
