"""Drawing points on the plane: a click adds one (shown at once by the view), a drag paints several, the
eraser removes the nearest; the edited set is the data from then on: in the caption, in the CSV download,
kept by Reset, trained on without fresh weights."""

import csv
import io
import re

from conftest import LIVE_ROOT, epoch_on_screen, wait_for_app, wait_for_epoch
from playwright.sync_api import expect

PENDING = f"() => {{ const s = ({LIVE_ROOT})().state; return s.drawn ? s.drawn.points.length : null; }}"


def points_in_caption(page) -> int:
    text = page.get_by_text("Problem:").inner_text()
    train, test = map(int, re.search(r"(\d+) training and (\d+) test points", text).groups())
    return train + test


def click_plane(page, fx: float, fy: float, **kwargs) -> None:
    box = page.evaluate(f"() => ({LIVE_ROOT})().state.planeBox")
    page.locator(".nnpg-live canvas.plane").click(position={"x": box["m"] + fx * box["w"],
                                                             "y": 8 + fy * box["w"]}, **kwargs)


def downloaded_rows(page) -> list[dict]:
    with page.expect_download() as download:
        page.get_by_role("button", name="Data").click()
    return list(csv.DictReader(io.StringIO(open(download.value.path()).read())))


def test_a_click_adds_a_point_at_once_and_it_is_the_data_from_then_on(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    before = points_in_caption(page)
    page.locator(".nnpg-live .draw button[data-tool='1']").click()
    click_plane(page, 0.05, 0.05)  # the top-left corner: (-5.4, 5.4), far from the circle's points
    assert page.evaluate(PENDING) == before + 1  # drawn by the view itself, before the server answers
    expect(page.get_by_text("Problem:")).to_contain_text(f"{before + 1 - (before + 1) // 2} test points")
    assert points_in_caption(page) == before + 1
    rows = downloaded_rows(page)
    assert len(rows) == before + 1
    assert any(abs(float(r["x1"]) + 5.4) < 0.01 and abs(float(r["x2"]) - 5.4) < 0.01 and r["label"] == "1"
               for r in rows)
    page.get_by_role("button", name="Reset").click()  # fresh weights, the same drawing
    expect(page.locator(".nnpg-live .bar")).to_contain_text("Epoch 0")
    assert points_in_caption(page) == before + 1
    page.locator(".nnpg-live .draw button[data-tool='erase']").click()
    click_plane(page, 0.06, 0.06)  # near it: the nearest point goes
    expect(page.get_by_text("Problem:")).to_contain_text(f"{before // 2} test points")
    assert points_in_caption(page) == before


def test_drawing_while_playing_trains_on_without_fresh_weights(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    before = points_in_caption(page)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_epoch(page, 80)
    page.locator(".nnpg-live .draw button[data-tool='0']").click()
    box = page.evaluate(f"() => ({LIVE_ROOT})().state.planeBox")
    plane = page.locator(".nnpg-live canvas.plane").bounding_box()
    x = plane["x"] + box["m"] + 0.9 * box["w"]
    page.mouse.move(x, plane["y"] + 8 + 0.1 * box["w"])
    page.mouse.down()
    for i in range(1, 9):  # a drag down the right edge: a point every 0.3 units at least
        page.mouse.move(x, plane["y"] + 8 + (0.1 + 0.04 * i) * box["w"])
    page.mouse.up()
    expect(page.get_by_text("Problem:")).not_to_contain_text(f"{before // 2} test points")
    added = points_in_caption(page) - before
    assert 5 <= added <= 9
    epoch = epoch_on_screen(page)
    assert epoch > 80  # the run went on: a new run would have started again from epoch 0
    expect(page.get_by_role("button", name="Pause")).to_be_enabled()


def rows_as_set(rows: list[dict]) -> set[tuple]:
    return {(round(float(r["x1"]), 6), round(float(r["x2"]), 6), r["label"]) for r in rows}


def test_a_drawn_set_rides_in_the_shared_link_and_comes_back_the_same(browser, page, app_url):
    page.goto(f"{app_url}/?samples=50")
    wait_for_app(page)
    page.locator(".nnpg-live .draw button[data-tool='0']").click()
    click_plane(page, 0.5, 0.5)  # the centre, among class 1: a point the network must now bend around
    expect(page.get_by_text("Problem:")).to_contain_text("25 training and 26 test points")
    page.wait_for_function("() => new URL(location.href).searchParams.has('points')")
    link, drawn_rows = page.url, rows_as_set(downloaded_rows(page))
    assert len(drawn_rows) == 51
    other = browser.new_context().new_page()  # someone else opens the link
    try:
        other.goto(link)
        wait_for_app(other)
        expect(other.get_by_text("Problem:")).to_contain_text("25 training and 26 test points")
        assert rows_as_set(downloaded_rows(other)) == drawn_rows
        assert other.locator("[data-testid='stAlert']").count() == 0  # nothing was refused
    finally:
        other.context.close()


def test_a_broken_drawing_in_a_link_is_refused_with_a_reason_and_the_page_works(page, app_url):
    page.goto(f"{app_url}/?points=1bAAAAA")
    wait_for_app(page)
    expect(page.get_by_text("Ignored URL parameter points: its points are cut short.")).to_be_visible()
    assert points_in_caption(page) == 500  # the default set instead


def test_from_an_empty_plane_the_data_changes_once_there_are_ten_points(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".nnpg-live .draw button[data-tool='clear']").click()
    assert page.evaluate(PENDING) == 0
    expect(page.locator(".nnpg-live .draw button[data-tool='0']")).to_have_class("on")  # ready to draw
    for i in range(10):
        if i:  # the other class each time (a click on the chosen one would put the pencil down)
            page.locator(f".nnpg-live .draw button[data-tool='{i % 2}']").click()
        click_plane(page, 0.1 + 0.08 * i, 0.3 + 0.4 * (i % 2))
        if i == 8:
            page.wait_for_timeout(800)
            assert points_in_caption(page) == 500 and page.evaluate(PENDING) == 9  # kept in the view meanwhile
    expect(page.get_by_text("Problem:")).not_to_contain_text("250 training")
    assert points_in_caption(page) == 10
