"""Soak and faults: many users arriving and leaving over minutes, then whether the server is back where it
started; and a burst of simultaneous page loads. Simulated users speak Streamlit's protocol
(bench/protocol_user.py); each plays a while and then vanishes without a goodbye, often in the middle of a
tick (the fragment rerun it just asked for still running).

Reports, from the server's /nnpg/stats and /proc:
  idle           RSS, threads and live runs after a warm-up visit has come and gone
  soak           --users users over --minutes (one every minutes*60/users s, each playing 20-60 s)
  after          the same figures once the last session has expired (Streamlit keeps a disconnected
                 session for server.disconnectedSessionTTL: 5 s here, 120 s by default)
  burst          --burst page loads at the same moment: how many got their first frame, the slowest
Passes when memory is back within 10 % of idle, no more runs are left than idle had (Streamlit drops an
expired session at the next disconnect, so one stays) and none holds its lock, and every page of the burst
was answered. The server inherits this process's environment, so MALLOC_* settings apply to it.

    python bench/bench_soak.py [--users 200] [--minutes 10] [--burst 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import rss_mb  # noqa: E402
from conftest import free_port, start_server, stop_server  # noqa: E402
from protocol_user import ProtocolUser  # noqa: E402

SESSION_TTL = 5  # seconds a disconnected session is kept, for this run (Streamlit's default is 120)
MAX_USERS, MAX_BURST = 1000, 200


def stats(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/nnpg/stats?collect=1", timeout=10) as answer:
        return json.loads(answer.read())


def snapshot(url: str, pid: int) -> dict:
    s = stats(url)
    return {"rss_mb": rss_mb(pid), "threads": s["threads"], "runs": s["runs"], "runs_locked": s["runs_locked"]}


async def soak(url: str, users: int, minutes: float) -> list:
    spacing, tasks = minutes * 60 / users, []
    for _ in range(users):
        tasks.append(asyncio.create_task(ProtocolUser(url).run(random.uniform(20, 60))))
        await asyncio.sleep(spacing)
    return [v.error for v in await asyncio.gather(*tasks) if v.error]


async def burst(url: str, count: int) -> tuple[int, float]:
    """``count`` new users at once; each leaves as soon as its first frame is in."""
    visits = await asyncio.gather(*(ProtocolUser(url).run(30.0, stop_at_first_frame=True) for _ in range(count)))
    answered = [v.first_response for v in visits if v.first_response is not None and not v.error]
    return len(answered), max(answered, default=float("nan"))


async def settle(url: str, pid: int, seconds: float) -> dict:
    await asyncio.sleep(seconds)
    return snapshot(url, pid)


def line(label: str, figures: dict) -> str:
    return (f"  {label:<6} RSS {figures['rss_mb']:6.1f} MB  threads {figures['threads']:3d}  runs {figures['runs']:3d}"
            f"  locked {figures['runs_locked']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--burst", type=int, default=50)
    args = parser.parse_args()
    if not (1 <= args.users <= MAX_USERS and 1 <= args.burst <= MAX_BURST and 0 < args.minutes <= 60):
        raise SystemExit(f"--users 1..{MAX_USERS}, --burst 1..{MAX_BURST}, --minutes up to 60")
    port = free_port()
    server = start_server(port, {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL)})
    url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(ProtocolUser(url).run(5))  # a warm-up visit: the modules and caches every session shares
        idle = asyncio.run(settle(url, server.pid, SESSION_TTL + 10))
        tuning = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("MALLOC_")) or "default"
        print(f"Soak: {args.users} users over {args.minutes:g} min, then a burst of {args.burst} page loads "
              f"(allocator: {tuning})")
        print(line("idle", idle), flush=True)
        started = time.monotonic()
        errors = asyncio.run(soak(url, args.users, args.minutes))
        peak = snapshot(url, server.pid)
        print(line("end", peak) + f"  ({time.monotonic() - started:.0f} s, {len(errors)} failed visits"
              + (f": {errors[0]}" if errors else "") + ")")
        after = asyncio.run(settle(url, server.pid, SESSION_TTL + 15))
        print(line("after", after))
        answered, slowest = asyncio.run(burst(url, args.burst))
        print(f"  burst  {answered} of {args.burst} page loads answered, the slowest first frame in {slowest:.2f} s")
        # Streamlit evicts an expired session lazily, at the next disconnect, so idle already holds one run.
        held = after["rss_mb"] <= 1.10 * idle["rss_mb"] and after["runs"] <= idle["runs"] and after["runs_locked"] == 0
        print("PASS" if held and answered == args.burst and not errors else "FAIL",
              f"(memory {100 * (after['rss_mb'] / idle['rss_mb'] - 1):+.1f} % of idle)")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
