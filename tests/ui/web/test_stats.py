"""/nnpg/stats: the server's CPU time and its training share, which bench/bench_frames.py reads."""

import json

from tests.ui.helpers import run_coroutine
from ui.core import config as cfg
from ui.core import run as run_module
from ui.core.run import PlaygroundRun, make_data
from ui.web import stats


def read_stats() -> dict:
    """What the route answers, run on an event loop of its own (a browser test may leave one running here)."""
    return json.loads(run_coroutine(stats._serve(None)).body)


def test_training_counts_its_cpu_time_and_the_route_reports_it():
    config, _ = cfg.from_query({"layers": "16,16"})
    run = PlaygroundRun(config, make_data(config))
    before = read_stats()
    assert run.train(30) == 30
    after = read_stats()
    trained = after["training_cpu_seconds"] - before["training_cpu_seconds"]
    assert trained > 0
    assert after["process_cpu_seconds"] - before["process_cpu_seconds"] >= trained * 0.9  # the share, of the whole
    assert run_module.training_cpu_seconds() == after["training_cpu_seconds"]


def test_the_route_is_the_app_address():
    assert stats.route().path == "/nnpg/stats"


def test_the_route_counts_live_runs_and_those_mid_tick():
    import gc

    run = PlaygroundRun(*(lambda c: (c, make_data(c)))(cfg.DEFAULT))
    gc.collect()  # earlier tests' garbage goes first, so the count below falls by this run alone
    before = read_stats()
    assert before["runs"] >= 1 and before["threads"] >= 1 and len(before["replica"]) == 12
    with run.lock:
        assert read_stats()["runs_locked"] == before["runs_locked"] + 1
    del run
    gc.collect()
    assert read_stats()["runs"] == before["runs"] - 1
