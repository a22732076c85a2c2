"""Two browser sessions never share a model, data or history."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import APP
from ui.web import state

SHIPPED = [p for folder in ("ui", "pages") for p in (Path(APP).parent / folder).rglob("*.py")] + [Path(APP)]


def session(query=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_sessions_with_the_same_link_get_their_own_run():
    a, b = session({"seed": "3"}), session({"seed": "3"})
    run_a, run_b = a.session_state[state.RUN], b.session_state[state.RUN]
    assert run_a is not run_b and run_a.model is not run_b.model
    assert not np.shares_memory(run_a.data.X_train, run_b.data.X_train)
    assert not np.shares_memory(run_a.model.get_weights()[0], run_b.model.get_weights()[0])
    np.testing.assert_array_equal(run_a.model.get_weights()[0], run_b.model.get_weights()[0])  # same link
    next(btn for btn in a.button if btn.label == "Step").click().run()
    assert run_a.epoch == 1 and run_b.epoch == 0
    assert not np.array_equal(run_a.model.get_weights()[0], run_b.model.get_weights()[0])


def test_no_shared_caches_of_mutable_state():
    """st.cache_resource shares one object between all sessions: nothing of ours may use it for a run,
    a model or data. (st.cache_data returns copies and is fine.)"""
    users = [p.name for p in SHIPPED if "cache_resource" in p.read_text()]
    assert users == [], f"review these for shared mutable state: {users}"
