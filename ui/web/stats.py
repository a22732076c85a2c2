"""``/nnpg/stats``: this server process's CPU time so far, all of it and the training's share, as JSON.

What a frame costs beyond its training can only be told apart inside the server: the same epochs timed in
another process run faster than beside a browser on the same two cores. bench/bench_frames.py and
bench/bench_load.py read it before and after a measurement; an operator can watch it too. It says nothing
about any session.

``threads``, ``runs`` (training runs alive) and ``runs_locked`` (of them, mid-tick) let a soak see what is
left behind once sessions leave (bench/bench_soak.py; ``?collect=1`` runs a full garbage collection first).
``replica`` names the process (a random id drawn at its start), so a deployment of several behind a proxy
can tell which one answered (tests/e2e/test_replicas_e2e.py).
"""

import gc
import threading
import time
import uuid

from starlette.responses import JSONResponse
from starlette.routing import Route

from ui.core import run

ROUTE = "/nnpg/stats"
REPLICA = uuid.uuid4().hex[:12]


async def _serve(request) -> JSONResponse:
    if request is not None and request.query_params.get("collect") == "1":
        gc.collect()  # runs in reference cycles are only freed by a full collection: count what is really left
    runs, locked = run.live_runs()
    return JSONResponse({"process_cpu_seconds": time.process_time(),
                         "training_cpu_seconds": run.training_cpu_seconds(), "replica": REPLICA,
                         "threads": threading.active_count(), "runs": runs, "runs_locked": locked})


def route() -> Route:
    return Route(ROUTE, _serve)
