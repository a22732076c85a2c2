"""Entry point: page config and navigation. Everything else lives in pages/ and ui/.

`streamlit run app.py` finds ``app`` below and serves it as an ASGI app (st.App), importing this file once
as a module: that gives a start-up hook (warm_up) and a middleware that tells the live loop's pacer when
someone opens a page. Each session then runs this file as its script, with ``__name__ == "__main__"``.
"""

import contextlib
import importlib
import pkgutil
from pathlib import Path

import streamlit as st

FAVICON = str(Path(__file__).parent / "ui" / "web" / "components" / "favicon.png")


def navigation() -> None:
    from ui.web import routing

    routing.app_ran()
    # A file of our own: a Material page_icon is fetched by the browser from fonts.gstatic.com.
    st.set_page_config(page_title="NumPy Neural Playground", page_icon=FAVICON, layout="wide")
    # Material icons, not emoji: the font ships with Streamlit (emoji showed as boxes where no emoji font
    # is installed), and an emoji made Streamlit load its emoji catalogue, 0.1 s of the first render.
    pages = {
        "Explore": [
            st.Page("pages/playground.py", title="Playground", icon=":material/tune:", default=True),
            st.Page("pages/lessons.py", title="Lessons", icon=":material/school:"),
        ],
        "Experiment": [
            st.Page("pages/compare.py", title="Compare runs", icon=":material/compare_arrows:"),
            st.Page("pages/sweep.py", title="Sweeps", icon=":material/grid_view:"),
        ],
        "Learn": [
            st.Page("pages/backprop.py", title="Backprop, step by step", icon=":material/link:"),
            st.Page("pages/digits.py", title="Digits (the tutorial's model)", icon=":material/draw:"),
            st.Page("pages/activations.py", title="Activation explorer", icon=":material/show_chart:"),
        ],
    }
    # The pages in the top bar, so the sidebar keeps its room for the settings; and less room above the view
    # (Streamlit leaves 6rem), so the whole live view fits the first screen of a 1280 x 720 window.
    st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 4.25rem; }</style>")
    st.navigation(pages, position="top").run()  # the sidebar keeps its room for the settings


@contextlib.asynccontextmanager
async def warm_up(_app):
    """Import every ui module (with NumPy, nnlib, Plotly) at server start, before anyone connects.

    Otherwise the first visitor after a start waits for them (0.3 s of the Playground's first render).
    """
    import ui

    for module in pkgutil.walk_packages(ui.__path__, "ui."):
        importlib.import_module(module.name)
    yield


if __name__ == "__main__":
    navigation()
else:
    from starlette.middleware import Middleware

    from ui.core import pacing
    from ui.web import canvas, stats

    app = st.App(__file__, lifespan=warm_up, routes=[canvas.route(), stats.route()],
                 middleware=[Middleware(pacing.PageLoads)])
