"""The app's models, with no Streamlit and no Plotly: the config and its limits, a training run, its
snapshots, lessons, exports, compare and sweep runs, training health. Testable without a server."""
