"""Register a canvas view: a components-v2 component that stays mounted and repaints in place.

Plotly in Streamlit rebuilds a chart whole on every change, which held the live loop to ~3 frames/s in
headless Chromium on a 2-core machine; these views only repaint. Each view's script in ui/web/components/
is preceded by shared.js (canvas sizing, axis ranges) and any helper it uses, so nothing is written twice.

An inline component's script travels inside every message that draws it: 45 kB for the live view, on every
tick. So the component's own script is a loader of a few lines, and the view's script is served once, by a
route of the app (``route``), at an address that names its content (cached by the browser for good).
"""

import hashlib
import json
from pathlib import Path

import streamlit as st
from starlette.responses import Response
from starlette.routing import Route

ASSETS = Path(__file__).parent / "components"
HELPERS = {"liveview": ("forward", "diagram", "evaluation")}  # the scripts a view's own script uses, besides shared.js
ROUTE = "/nnpg/views/{name}"


def view_script(asset: str) -> str:
    """components/<asset>.js after shared.js and the helpers it uses (forward.js: the network's forward pass)."""
    return "\n".join((ASSETS / f"{script}.js").read_text() for script in ("shared", *HELPERS.get(asset, ()), asset))


SCRIPTS: dict[str, str] = {}  # "<asset>.<hash>.js" -> its script, as the route serves it


def script_name(asset: str) -> str:
    script = view_script(asset)
    name = f"{asset}.{hashlib.sha256(script.encode()).hexdigest()[:12]}.js"
    SCRIPTS[name] = script
    return name


def loader(asset: str) -> str:
    """The component's inline script: import the view's script from the app's route (relative to the page, so a
    proxy's path prefix is kept) and mount it."""
    path = ROUTE.format(name=script_name(asset)).lstrip("/")
    return ("export default async function (component) {\n"
            f"  const view = await import(new URL({json.dumps(path)}, window.location.href).href);\n"
            "  return view.default(component);\n}\n")


async def _serve(request) -> Response:
    script = SCRIPTS.get(request.path_params["name"])  # a name from the table, never a path on disk
    if script is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(script, media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})


def route() -> Route:
    """The app's route for the views' scripts (app.py adds it to the st.App)."""
    for path in ASSETS.glob("*.js"):
        if (ASSETS / f"{path.stem}.css").exists():  # a view (helpers have no stylesheet of their own)
            script_name(path.stem)
    return Route(ROUTE, _serve)


def canvas_view(name: str, asset: str):
    """The mount function of view ``name``, built from components/<asset>.js and .css."""
    mount = st.components.v2.component(name, js=loader(asset), css=(ASSETS / f"{asset}.css").read_text())

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
