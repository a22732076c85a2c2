"""The evaluation panel and the stop conditions as a user sees them in Chromium: the confusion matrix on screen
holds nnlib's counts for the weights on screen, a click on a cell rings exactly those points, a stop condition
pauses the run at its epoch and says why, and regression shows nnlib's RMSE, MAE and R²."""

from dataclasses import replace

import numpy as np
from conftest import LIVE_ROOT, epoch_on_screen, wait_for_app, wait_for_epoch
from playwright.sync_api import expect

from nnlib.metrics import confusion_matrix
from ui.core.config import DEFAULT
from ui.core.run import PlaygroundRun, make_data
from ui.core.training import evaluation

CONFIG = replace(DEFAULT, dataset="blobs", classes=3, noise=0.4)
QUERY = "?dataset=blobs&classes=3&noise=0.4"
STEPS = 4


def the_same_run_here(config=CONFIG, epochs=STEPS) -> PlaygroundRun:
    """The page's run, reproduced in this process: the same seed trains to the same weights."""
    run = PlaygroundRun(config, make_data(config))
    for _ in range(epochs):
        run.train(1)
    return run


def step(page, times: int) -> None:
    for i in range(times):
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".nnpg-live .bar")).to_contain_text(f"Epoch {i + 1}")


def matrix_on_screen(page, k: int) -> list[list[int]]:
    cell = lambda i, j: page.locator(f'.nnpg-live td[data-cell="{i},{j}"]').inner_text()  # noqa: E731
    return [[int(cell(i, j)) for j in range(k)] for i in range(k)]


def test_the_confusion_matrix_is_nnlibs_and_a_cell_rings_its_points(page, app_url):
    page.goto(app_url + QUERY)
    wait_for_app(page)
    step(page, STEPS)
    run = the_same_run_here()
    predicted = evaluation.predicted_labels(run.model.predict(run.inputs_test))
    expected = confusion_matrix(run.data.y_test, predicted, num_classes=3)
    expect(page.locator(".nnpg-live .eval")).to_contain_text("Confusion matrix")
    assert matrix_on_screen(page, 3) == expected.tolist()
    accuracy = page.locator('.nnpg-live .bar [data-label="Test accuracy"] b').inner_text()
    assert f"{np.trace(expected) / expected.sum():.4f}" == accuracy  # the matrix and the bar agree
    i, j = max(((a, b) for a in range(3) for b in range(3) if a != b), key=lambda c: expected[c])  # the worst mix-up
    if expected[i, j] == 0:
        i, j = 0, 0
    page.locator(f'.nnpg-live td[data-cell="{i},{j}"]').click()
    marked = page.evaluate(f"({LIVE_ROOT})().state.marked")
    where = (run.data.y_test == i) & (predicted == j)
    wanted = sorted(np.round(run.data.X_test[where], 2).tolist())
    assert sorted(marked) == wanted and len(marked) == expected[i, j] > 0
    page.locator('.nnpg-live .evhead button[data-split="train"]').click()
    train = matrix_on_screen(page, 3)
    assert sum(map(sum, train)) == len(run.data.y_train)
    assert page.evaluate(f"({LIVE_ROOT})().state.cell") is None  # another split clears the mark


def test_a_stop_condition_pauses_at_its_epoch_and_says_why(page, app_url):
    page.goto(app_url + "?stop_epochs=30")
    wait_for_app(page)
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.get_by_text("Stopped at epoch 30: the budget of 30 epochs is used up")).to_be_visible()
    # The sentence can paint a moment before the view takes the stopping rerun's frame: wait for the frame,
    # then check the run stays paused there.
    wait_for_epoch(page, 30)
    page.wait_for_timeout(1000)
    assert epoch_on_screen(page) == 30
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_disabled()


def test_regression_shows_nnlibs_rmse_mae_and_r2(page, app_url):
    page.goto(app_url + "?dataset=plane")
    wait_for_app(page)
    step(page, 2)
    run = the_same_run_here(replace(DEFAULT, dataset="plane"), 2)
    scores = evaluation.regression_scores(run.data.y_test, run.model.predict(run.inputs_test))
    numbers = page.locator(".nnpg-live .evnumbers")
    expect(numbers).to_have_text(f"RMSE {scores['rmse']:.4f} · MAE {scores['mae']:.4f} · R² {scores['r2']:.4f}")
