"""A visitor's first render of the Playground, for bench_frames.py and bench_load.py (not a benchmark itself).

Two clocks: from the navigation (what the visitor waits, browser start-up excluded) and from the server's
answer, the HTML's first byte (the Playground issue's "within 3 s of the server answering"). On an idle
server they agree; a busy one can be slow to answer.
"""

from __future__ import annotations

import statistics
import time

READY = ".nnpg-live canvas"  # the live view is mounted: the last part of the Playground's first render
SINCE_ANSWER_JS = "() => (performance.now() - performance.getEntriesByType('navigation')[0].responseStart) / 1000"
VIEWPORT = {"width": 1400, "height": 1000}


def first_render(page, url: str) -> tuple[float, float]:
    """Open ``url`` in ``page``; seconds until the live view is mounted, from the navigation and from the
    server's answer."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    return time.perf_counter() - start, page.evaluate(SINCE_ANSWER_JS)


def new_visitor(playwright, executable: str, args: list[str], url: str) -> tuple[float, float]:
    """Someone with a browser of their own opens the page: ``first_render`` in a fresh browser."""
    browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
    try:
        return first_render(browser.new_page(viewport=VIEWPORT), url)
    finally:
        browser.close()


def report(visits: list[tuple[float, float]]) -> str:
    """Median and worst of both clocks over several visits."""
    def spread(values):
        if len(values) == 1:
            return f"{values[0]:.2f} s"
        return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"

    return (f"{spread([v[0] for v in visits])} from the navigation; {spread([v[1] for v in visits])} from the "
            f"server's answer" + (f" (n={len(visits)})" if len(visits) > 1 else ""))
