"""Lessons in a real Chromium: a lesson link shows its banner and trains; the Lessons page opens one."""

from conftest import assert_no_exception, wait_for_app, wait_for_epoch

from ui.core.lessons import LESSONS


def test_a_lesson_link_shows_the_banner_and_play_advances_the_epoch(page, app_url):
    lesson = LESSONS["xor_needs_hidden_layer"]
    page.goto(f"{app_url}/?lesson=xor_needs_hidden_layer")
    wait_for_app(page)
    page.get_by_text(f"Lesson: {lesson.title}").wait_for()
    page.get_by_text(lesson.goal).wait_for()
    page.locator(".nnpg-live canvas.plane").wait_for()
    page.get_by_role("button", name="Play").click()
    wait_for_epoch(page, 20)
    page.get_by_role("button", name="Pause").click()
    assert "lesson=xor_needs_hidden_layer" in page.url
    assert_no_exception(page)


def test_the_lessons_page_button_opens_the_lesson_on_the_playground(page, app_url):
    lesson = LESSONS["features_vs_depth"]
    page.goto(f"{app_url}/lessons")
    wait_for_app(page)
    page.get_by_text(lesson.title).first.wait_for()
    page.locator(".st-key-lesson_features_vs_depth [data-testid^=stBaseButton]").click()
    page.get_by_text(f"Lesson: {lesson.title}").wait_for()
    page.wait_for_url("**lesson=features_vs_depth**")
    page.locator(".nnpg-live .bar [data-label=Epoch]").first.wait_for()  # the Playground's live view
    assert_no_exception(page)


def test_an_unknown_lesson_and_a_hidden_control(page, app_url):
    page.goto(f"{app_url}/?lesson=nope&hide=learning_rate")
    wait_for_app(page)
    page.get_by_text("There is no lesson called 'nope'").wait_for()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Optimizer").wait_for()
    assert sidebar.get_by_text("Learning rate", exact=True).count() == 0
    assert_no_exception(page)
