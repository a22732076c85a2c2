"""The Playground's keys: Space plays or pauses, S steps, R resets; none of them while typing in a field."""

from conftest import epoch_on_screen, wait_for_app, wait_for_epoch
from playwright.sync_api import expect


def test_space_plays_and_pauses_s_steps_r_resets(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    hint = page.locator(".nnpg-live .keys")  # in the view's bar
    expect(hint).to_contain_text("Space")
    assert "S: step" in hint.get_attribute("title")
    page.keyboard.press("s")
    expect(page.locator(".nnpg-live .bar")).to_contain_text("Epoch 1")
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Pause")).to_be_enabled()
    wait_for_epoch(page, 40)
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_enabled()
    page.wait_for_timeout(1000)
    paused = epoch_on_screen(page)
    page.wait_for_timeout(1000)
    assert epoch_on_screen(page) == paused > 40
    page.keyboard.press("r")
    expect(page.locator(".nnpg-live .bar")).to_contain_text("Epoch 0")


def test_keys_typed_in_a_field_are_only_typing(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("More training settings").click()
    seed = page.get_by_label("Seed")
    seed.click()
    for key in ("s", " ", "r"):  # each on its own: step, play, reset would undo one another
        seed.press(key)
        page.wait_for_timeout(1000)
        assert epoch_on_screen(page) == 0, f"{key!r} typed in the seed field acted on the training"
        expect(page.get_by_role("button", name="Play", exact=True)).to_be_enabled()
