"""`streamlit run app.py` serves app.py's st.App: its start-up warm-up and page-load middleware are in use."""

import importlib.util
import sys
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from tests.ui.helpers import run_coroutine
from ui.core import pacing

APP = Path(__file__).resolve().parents[3] / "app.py"


def _import_app_module():
    spec = importlib.util.spec_from_file_location("app", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # as `streamlit run` does: a module named "app", not "__main__"
    return module


def test_streamlit_run_finds_the_asgi_app():
    found = discover_asgi_app(APP)
    assert found.is_asgi_app and found.import_string == "app:app"


def test_the_app_warms_up_and_tells_the_pacer_about_page_loads(monkeypatch):
    monkeypatch.delitem(sys.modules, "ui.render.learn_charts", raising=False)  # restored after the test
    module = _import_app_module()
    assert module.app.script_path == APP
    assert [m.cls for m in module.app._user_middleware] == [pacing.PageLoads]

    async def start_and_stop():
        async with module.warm_up(module.app):
            pass

    run_coroutine(start_and_stop())
    assert "ui.render.learn_charts" in sys.modules
