"""The hosting settings a public demo relies on, parsed from .streamlit/config.toml as TOML (as Streamlit does)."""

import math
import tomllib
from pathlib import Path

from ui.core import limits

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())


def test_the_upload_widget_cap_is_the_code_limit_in_whole_megabytes():
    # The widget refuses bigger files outright; the code's own limit (with its message) binds below that.
    assert CONFIG["server"]["maxUploadSize"] == math.ceil(limits.UPLOAD_MAX_BYTES / 1_000_000)


def test_the_server_is_set_for_strangers():
    server = CONFIG["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableAgentApi"] is False
    assert server["maxMessageSize"] <= 50  # MB
    assert server["runOnSave"] is False and server["fileWatcherType"] == "none"


def test_visitors_see_no_developer_tools_nor_tracebacks_and_nothing_is_reported():
    assert CONFIG["client"]["toolbarMode"] == "viewer"
    assert CONFIG["client"]["showErrorDetails"] in ("type", "none", "false")
    assert CONFIG["browser"]["gatherUsageStats"] is False
