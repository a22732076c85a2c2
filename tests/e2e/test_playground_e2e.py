"""What a user sees on the Playground, in a real Chromium."""

import re

from conftest import assert_no_exception, epoch_on_screen, wait_for_app, wait_for_epoch

from nnlib.datasets import DATASETS


def plane_pixels(page) -> str:
    """A fingerprint of what the decision-boundary canvas shows right now."""
    return page.locator(".nnpg-live canvas.plane").evaluate("c => c.toDataURL()")


def test_play_advances_and_changes_the_boundary_and_pause_stops(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".nnpg-live canvas.plane").wait_for()
    page.wait_for_timeout(500)
    assert epoch_on_screen(page) == 0
    before = plane_pixels(page)

    page.get_by_role("button", name="Play").click()
    wait_for_epoch(page, 30)
    assert plane_pixels(page) != before, "the boundary should move while training"

    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1000)
    paused = epoch_on_screen(page)
    page.wait_for_timeout(1500)
    assert epoch_on_screen(page) == paused
    assert_no_exception(page)


def test_a_shared_link_opens_the_same_setup(page, app_url):
    page.goto(f"{app_url}/?dataset=xor&layers=6,3&learning_rate=0.1&seed=5")
    wait_for_app(page)
    page.get_by_text(DATASETS["xor"].description[:30]).wait_for()  # the chosen set's caption
    page.get_by_role("button", name="Step").click()
    wait_for_epoch(page, 1)
    assert_no_exception(page)


def test_garbage_parameters_show_a_notice_and_a_working_page(page, app_url):
    page.goto(f"{app_url}/?layers=abc&noise=NaN&dataset=%3Cscript%3E&seed=-5")
    wait_for_app(page)
    page.locator('[data-testid="stAlert"]').first.wait_for()
    notices = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("Ignored" in n for n in notices) and any("seed = -5" in n for n in notices), notices
    page.locator(".nnpg-live canvas.plane").wait_for()
    assert_no_exception(page)


def wait_for_new_plane(page, before: str, seconds: float = 30) -> None:
    """Poll through the locator: the canvas lives in the component's shadow root, out of document.querySelector."""
    for _ in range(int(seconds * 4)):
        if plane_pixels(page) != before:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the plane did not change")


def upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content})


def test_csv_upload_errors_are_shown_and_a_good_file_trains(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    upload(page, "broken.csv", b"x1,x2,label\n1,2,0\n3,oops,1\n")
    page.get_by_text("That CSV could not be used").wait_for()
    assert "oops" in page.get_by_text("That CSV could not be used").inner_text()
    page.get_by_text(DATASETS["circle"].description[:30]).wait_for()  # the previous data is still there

    before = plane_pixels(page)
    rows = "".join(f"{i % 20 - 10},{i // 20 - 7},{(i % 7) / 10}\n" for i in range(300))  # 300 rows, regression
    upload(page, "mine.csv", ("x1,x2,label\n" + rows).encode())
    page.get_by_text("Problem: regression").wait_for()  # the circle is binary: this is the upload
    caption = page.get_by_text("Problem: regression").inner_text()
    train, test = map(int, re.search(r"(\d+) training and (\d+) test points", caption).groups())
    assert train + test == 300, caption
    page.get_by_text("300 rows from mine.csv").wait_for()
    assert "Ignored URL parameter" not in page.locator('[data-testid="stMain"]').inner_text()
    wait_for_new_plane(page, before)
    page.get_by_role("button", name="Step").click()
    wait_for_epoch(page, 1)
    assert_no_exception(page)


def test_uploads_of_every_kind_in_a_row_keep_the_automatic_loss(page, app_url):
    """The browser sends back the loss option's label it was shown ("Auto (MSE)"), which the next kind of
    problem labels differently ("Auto (Cross-entropy)"): that must still read as the automatic loss."""
    page.goto(app_url)
    wait_for_app(page)
    files = {
        "regression.csv": "".join(f"{i % 20 - 10},{i // 20 - 7},{(i % 7) / 10}\n" for i in range(300)),
        "animals.csv": "".join(f"{i % 20 - 10},{i // 20 - 7},{('cat', 'dog', 'emu')[i % 3]}\n" for i in range(300)),
        "far.csv": "".join(f"{(i % 20 - 10) * 100},{(i // 20 - 7) * 100},{i % 2}\n" for i in range(300)),
    }
    for name, rows in files.items():
        upload(page, name, ("x1,x2,label\n" + rows).encode())
        page.get_by_text(f"300 rows from {name}").wait_for()
    page.get_by_text("rescaled").first.wait_for()
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "does not fit" not in main, main
    assert "loss: binary crossentropy" in page.get_by_text("Problem: binary").inner_text()
    assert_no_exception(page)


def test_the_page_fetches_nothing_from_another_host(page, app_url):
    """The favicon was a Material icon, which the browser fetched from fonts.gstatic.com."""
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_timeout(1000)
    outside = [url for url in asked if not url.startswith((app_url, "data:", "blob:"))]
    assert asked and not outside, outside
