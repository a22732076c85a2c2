"""Register a canvas view: a components-v2 component that stays mounted and repaints in place.

Plotly in Streamlit rebuilds a chart whole on every change, which held the live loop to ~3 frames/s in
headless Chromium on a 2-core machine; these views only repaint. Each view's script in ui/web/components/
is preceded by shared.js (canvas sizing, axis ranges) and any helper it uses, so nothing is written twice.
"""

import json
from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).parent / "components"


HELPERS = {"liveview": ("forward", "diagram")}  # the scripts a view's own script uses, besides shared.js


def view_script(asset: str) -> str:
    """components/<asset>.js after shared.js and the helpers it uses (forward.js: the network's forward pass)."""
    return "\n".join((ASSETS / f"{script}.js").read_text() for script in ("shared", *HELPERS.get(asset, ()), asset))


def canvas_view(name: str, asset: str):
    """The mount function of view ``name``, built from components/<asset>.js and .css."""
    mount = st.components.v2.component(name, js=view_script(asset), css=(ASSETS / f"{asset}.css").read_text())

    def show(*, data: dict, key: str, **kwargs):
        # JSON as bytes, which Streamlit forwards untouched. A dict has every value inspected for dataframes
        # on every frame, and a string is sniffed for a data format (importing pandas and pyarrow on a
        # server's first frame: 0.3 s) and then JSON-encoded a second time.
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False, default=_plain).encode()
        return mount(data=payload, key=key, **kwargs)

    return show


def _plain(value):
    """NumPy scalars and arrays as JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"a canvas view cannot send {type(value).__name__}")
