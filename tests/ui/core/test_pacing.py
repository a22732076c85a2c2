"""Fair pacing: a lone session never waits; with company, each rests in proportion."""

import pytest

from tests.ui.helpers import run_coroutine
from ui.core import pacing
from ui.core.pacing import (
    ACTIVE_WINDOW_SECONDS,
    HEADROOM,
    MAX_REST_SECONDS,
    PAGE_LOAD_SECONDS,
    Pacer,
    PageLoads,
    frames_per_tick,
    smooth,
)


def test_a_lone_session_never_rests():
    pacer = Pacer()
    assert pacer.rest_after("a", 0.05, now=0.0) == 0.0
    assert pacer.rest_after("a", 0.05, now=0.1) == 0.0


def test_rest_grows_with_the_sessions_playing():
    pacer = Pacer()
    for i, name in enumerate("abcd"):
        pacer.rest_after(name, 0.02, now=i * 0.01)
    assert pacer.rest_after("a", 0.02, now=0.05) == pytest.approx(HEADROOM * 0.02 * 3)


def test_sessions_that_stopped_no_longer_count():
    pacer = Pacer()
    pacer.rest_after("gone", 0.02, now=0.0)
    assert pacer.rest_after("here", 0.02, now=ACTIVE_WINDOW_SECONDS + 0.1) == 0.0


def test_rest_is_capped_so_clicks_stay_responsive():
    pacer = Pacer()
    for i in range(50):
        pacer.rest_after(str(i), 0.2, now=0.0)
    assert pacer.rest_after("0", 0.2, now=0.01) == MAX_REST_SECONDS


def test_ticks_at_the_intended_pace_carry_their_frames_at_over_25_per_second():
    assert pacing.FRAME_SECONDS == 0.035 and pacing.FRAMES_PER_TICK == 8
    assert frames_per_tick(None) == 8  # no pace measured yet: as if ticks came at the intended interval
    assert frames_per_tick(pacing.TICK_INTERVAL_SECONDS) == 8
    assert frames_per_tick(pacing.FRAME_SECONDS * 8.4) == 8


def test_fast_ticks_carry_one_frame_at_least():
    assert frames_per_tick(pacing.FRAME_SECONDS) == 1
    assert frames_per_tick(pacing.FRAME_SECONDS * 0.1) == 1


def test_slow_ticks_carry_more_frames_up_to_the_cap():
    assert frames_per_tick(pacing.FRAME_SECONDS * 3) == 3
    assert frames_per_tick(pacing.FRAME_SECONDS * 3.4) == 3
    assert frames_per_tick(60.0) == pacing.MAX_FRAMES_PER_TICK


def test_smooth_moves_part_of_the_way():
    assert smooth(None, 4.0) == 4.0
    assert smooth(1.0, 2.0, weight=0.25) == pytest.approx(1.25)


def test_a_page_load_makes_players_rest_the_longest_until_it_is_over():
    pacer = Pacer()
    for name in "abc":
        pacer.rest_after(name, 0.02, now=0.0)
    pacer.note_page_load(now=1.0)
    assert pacer.rest_after("a", 0.02, now=1.1) == MAX_REST_SECONDS
    later = 1.0 + PAGE_LOAD_SECONDS + 0.1
    for name in "bc":
        pacer.rest_after(name, 0.02, now=later - 0.05)
    assert pacer.rest_after("a", 0.02, now=later) == pytest.approx(HEADROOM * 0.02 * 2)


def test_a_page_load_never_holds_back_a_lone_player():
    pacer = Pacer()
    pacer.note_page_load(now=0.0)
    assert pacer.rest_after("alone", 0.05, now=0.1) == 0.0


@pytest.mark.parametrize("path, counted", [("/static/js/index.abc.js", True), ("/_stcore/health", False)])
def test_the_middleware_notes_static_fetches_and_passes_every_request_on(monkeypatch, path, counted):
    pacer, seen = Pacer(), []
    monkeypatch.setattr(pacing, "PACER", pacer)

    async def app(scope, receive, send):
        seen.append(scope["path"])

    run_coroutine(PageLoads(app)({"type": "http", "path": path}, None, None))
    assert seen == [path]
    assert pacer.page_loading() is counted
