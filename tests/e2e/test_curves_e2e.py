"""The Playground's curves and plane as a user sees them after the issue's run: the URL of issue 14
(Gauss data, Adam at learning rate 0.3, layers 8,8), "Log-scale loss" on, Play for ~150 epochs, Pause.
The losses then go from 9e-6 down to ~1e-7, and the classes are confidently separated.

The texts each canvas drew are recorded (every fillText with its left and right edge, in CSS pixels),
and the plane's pixels are read around the points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import RECORD_TEXTS, assert_no_exception, wait_for_app

from ui.render import charts

ISSUE_URL = "/?dataset=gauss&optimizer=adam&learning_rate=0.3&layers=8,8"
EPOCHS = 150
LIVE = """(() => {
    const host = [...document.querySelectorAll('*')]
        .find((el) => el.shadowRoot && el.shadowRoot.querySelector('.nnpg-live'));
    return (host ? host.shadowRoot : document).querySelector('.nnpg-live');
})()"""
@pytest.fixture(scope="module")
def trained(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(f"({RECORD_TEXTS})()")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url + ISSUE_URL)
    wait_for_app(page)
    page.locator(".nnpg-live canvas.curves").wait_for()
    page.get_by_text("Log-scale loss").click()
    page.wait_for_function(f"{LIVE}.state.data.log_loss === true")
    page.get_by_role("button", name="Play").click()
    reached = f"(() => {{ const e = {LIVE}.state.data.epochs; return e.length && e.at(-1) >= {EPOCHS}; }})()"
    page.wait_for_function(reached, timeout=120_000)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector('button:has-text("Play"):not([disabled])')
    page.wait_for_timeout(1500)  # the last frames are shown and the hover-enabled payload is drawn
    assert_no_exception(page)
    yield page
    context.close()


def test_the_last_epoch_label_reads_whole_inside_the_canvas(trained):
    drawn, width, last = trained.evaluate(f"""(() => {{ const root = {LIVE}, c = root.querySelector('canvas.curves');
        return [c.nnpgTexts, c.width / (window.devicePixelRatio || 1), root.state.data.epochs.at(-1)]; }})()""")
    label = [t for t in drawn if t["text"] == str(last)]
    assert len(label) == 1, [t["text"] for t in drawn]
    assert label[0]["left"] >= 0 and label[0]["right"] <= width, (label[0], width)


def test_the_log_loss_curve_and_axis_go_down_with_the_loss(trained):
    values, (low, high) = trained.evaluate(f"""(() => {{ const root = {LIVE};
        return [root.state.data.series.find((s) => s.name === 'train loss').values, root.state.panels.loss.range];
    }})()""")
    latest = values[-1]
    assert latest is not None and 0 < latest < 1e-6, values[-5:]  # the loss the run reached, drawn as a curve
    positive = [v for v in values if v is not None and v > 0]
    assert low <= math.log10(min(positive)) and high >= math.log10(max(positive)), (low, high)


def test_confident_points_keep_an_outline_of_3_to_1_contrast_on_their_own_colour(trained):
    """Points of class 0 (orange) where the background under them is the saturated class colour."""
    found = trained.evaluate(f"""(() => {{
        const root = {LIVE}, d = root.state.data, c = root.querySelector('canvas.plane');
        const ratio = window.devicePixelRatio || 1, size = c.width / ratio, m = 34, w = size - m - 8;
        const [lo, hi] = d.domain, px = (v) => m + ((v - lo) / (hi - lo)) * w;
        const py = (v) => 8 + ((hi - v) / (hi - lo)) * w;
        const back = document.createElement('canvas');  // the background alone, drawn as the view draws it
        back.width = back.height = Math.round(size * ratio);
        const bctx = back.getContext('2d');
        bctx.imageSmoothingEnabled = !d.discretize;
        bctx.drawImage(root.state.image, m * ratio, 8 * ratio, w * ratio, w * ratio);
        const ctx = c.getContext('2d'), set = d.points[0], out = [];
        const xs = set.x.map(px), ys = set.y.map(py);
        for (let i = 0; i < xs.length && out.length < 5; i++) {{
          if (set.c[i] !== 0) continue;
          const clear = xs.every((x, j) => j === i || Math.hypot(x - xs[i], ys[j] - ys[i]) > 12);
          if (!clear) continue;  // a ray from this point's centre meets no other point
          const under = bctx.getImageData(Math.round(xs[i] * ratio), Math.round(ys[i] * ratio), 1, 1).data;
          const ray = [];
          for (let r = 0; r <= 8; r += 0.5) {{
            const p = ctx.getImageData(Math.round((xs[i] + r) * ratio), Math.round(ys[i] * ratio), 1, 1).data;
            ray.push([p[0], p[1], p[2]]);
          }}
          out.push({{ under: [under[0], under[1], under[2]], ray }});
        }}
        return out;
    }})()""")
    orange = np.array(charts.ORANGE)
    saturated = [p for p in found if np.abs(np.array(p["under"]) - orange).max() <= 6]
    assert saturated, [p["under"] for p in found]  # the premise: confident orange points exist
    for point in saturated:
        best = max(contrast(pixel, charts.ORANGE) for pixel in point["ray"])
        assert best >= 3.0, (best, point["ray"])


def contrast(a, b) -> float:
    """WCAG contrast ratio of two sRGB colours."""
    def luminance(rgb):
        c = np.asarray(rgb, dtype=float) / 255
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
