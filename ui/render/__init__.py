"""Pure rendering: arrays in, PNG bytes, canvas payloads and Plotly figures out. Nothing here calls Streamlit."""
