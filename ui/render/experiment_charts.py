"""Pure builders for the Compare and Sweeps pages: results in, pandas tables and Plotly figures out.
Nothing here calls Streamlit.

Non-finite numbers (a diverged run's loss) become None in figures, since JSON has no NaN, and NaN in tables,
where they sort last; a table cell without a number reads NO_VALUE (st.dataframe's placeholder), never
"None". Run colours are Okabe-Ito (colour-blind safe), the same order on every view.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from nnlib.datasets import DOMAIN
from ui.core import compare, limits, sweep
from ui.core.sweep import SETTINGS, Plan
from ui.core.training import evaluation
from ui.render import charts
from ui.render.png import png_data_uri

RUN_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")  # runs A, B, C, D
LOSS_SCALE = "Viridis"  # grid heatmaps: dark = low loss
DIVERGED_COLOUR = "#d1495b"
MAX_LEGEND_ENTRIES = 12  # more curves than this: no legend (hover names each curve)
NO_VALUE = "–"  # a table cell with no number yet (no epoch trained, diverged, target not reached)


def _clean(values, digits: int = 6) -> list:
    """Plain numbers to ``digits`` significant digits, so a loss of 3e-7 stays 3e-7 (rounding to decimals
    made it 0, which a log axis cannot draw), and None for anything non-finite (JSON has no NaN)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim > 1:  # a heatmap: row by row
        return [_clean(row, digits) for row in arr]
    return [float(f"{v:.{digits}g}") if math.isfinite(v) else None for v in arr.tolist()]


def log_ticks(values) -> list[float]:
    """Tick positions for a log axis over ``values``: 1, 2 and 5 times each power of ten over up to two
    decades (labels read 0.01, 0.02, 0.05, 0.1, not bare minor digits), fewer over wider ranges, and one
    step beyond the values at each end."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v) and v > 0]
    if not finite:
        return []
    low, high = math.floor(math.log10(min(finite))), math.ceil(math.log10(max(finite)))
    span = high - low
    mults = (1, 2, 5) if span <= 2 else (1, 3) if span <= 4 else (1,)
    step = max(1, math.ceil(span / 10))
    ticks = [m * 10.0**k for k in range(low, high + 1, step) for m in mults]
    if ticks[-1] < max(finite):
        ticks.append(10.0 ** (low + step * (span // step + 1)))
    inside = [t for t in ticks if min(finite) <= t <= max(finite)]
    below = [t for t in ticks if t < min(finite)][-1:]
    above = [t for t in ticks if t > max(finite)][:1]
    return [float(f"{t:.3g}") for t in below + inside + above]


def _log_axis(values, title: str) -> dict:
    """A log axis with ``log_ticks``, its range fitted to the ticks (curves that blow up leave it at the top)."""
    ticks = log_ticks(values)
    axis = {"title_text": title, "type": "log", "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}
    if ticks:
        axis["range"] = [math.log10(ticks[0]) - 0.05, math.log10(ticks[-1]) + 0.05]
    return axis


def _layout(**extra) -> dict:
    return {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 340, "hovermode": "x unified",
            "legend": {"orientation": "h", "y": -0.2}, **extra}


# --- compare -----------------------------------------------------------------------------------------------
def compare_frame_payload(frame: compare.Frame, data, *, score_label: str, target: float, log_loss: bool = False,
                          max_points: int = 300) -> dict:
    """The compare view's payload for one ui.core.compare.Frame: the heading's epoch, every run's boundary and
    curves, and the results table, all from that one moment (one payload is one repaint in the browser)."""
    images = [png_data_uri(charts.output_rgb(run.output, data.kind, limits.GRID_RESOLUTION)) for run in frame.runs]
    titles = [f"diverged at epoch {run.epoch}" if run.diverged else compare.changes_from(frame.base, run.config)
              for run in frame.runs]
    table = compare_cells(compare.result_rows(frame, target, sweep.chance_score(data)), score_label)
    return compare_view_payload(
        names=[run.name for run in frame.runs], images=images, titles=titles,
        diverged=[run.diverged for run in frame.runs], data=data, histories=[run.history for run in frame.runs],
        score_label=score_label, log_loss=log_loss, target=target, max_points=max_points, epoch=frame.epoch,
        table=table)


def compare_view_payload(*, names, images: list[str], titles: list[str], diverged: list[bool], data, histories,
                         score_label: str, log_loss: bool = False, target: float | None = None,
                         max_points: int = 300, plane_size: int = 260, curves_height: int = 260, epoch: int = 0,
                         table: dict | None = None) -> dict:
    """Everything the compare view (ui/web/components/compare.js) draws, JSON-ready: the heading's ``epoch``,
    each run's output image (``images[i]``: a PNG data URI) with the shared training points drawn over it,
    every run's loss and score curves (``histories[i]``: a ui.core.run.History), thinned to ``max_points`` points
    on shared epochs, and the results ``table`` (``compare_cells``)."""
    if not len(names) == len(images) == len(titles) == len(diverged) == len(histories):
        raise ValueError(f"need one name, image, title, diverged flag and history per run, received {len(names)}, "
                         f"{len(images)}, {len(titles)}, {len(diverged)} and {len(histories)}")
    longest = max((len(h.loss) for h in histories), default=0)
    epochs, _ = charts.thin([0.0] * longest, max_points)
    index = epochs - 1
    runs, series = [], []
    for i, (name, h) in enumerate(zip(names, histories)):
        colour = RUN_COLOURS[i % len(RUN_COLOURS)]
        runs.append({"name": name, "colour": colour, "image": images[i], "title": titles[i],
                     "diverged": bool(diverged[i])})
        curves = (("loss", "train loss", h.loss, False), ("loss", "test loss", h.val_loss, True),
                  ("score", f"train {score_label}", h.score, False),
                  ("score", f"test {score_label}", h.val_score, True))
        for panel, label, values, dash in curves:
            padded = np.full(longest, np.nan)
            padded[: len(values)] = values
            series.append({"name": f"{name} {label}", "run": name, "panel": panel, "colour": colour, "dash": dash,
                           "values": _clean(padded[index], 5) if longest else []})
    # the training points, in the live view's format (every run shares them)
    points = charts._points_payload(data.X_train, data.y_train, data.kind, data.n_classes, "#ffffff")
    return {
        "epoch": int(epoch), "table": table or {"columns": [], "rows": []},
        "runs": runs, "points": [points], "domain": list(DOMAIN), "epochs": epochs.tolist(), "series": series,
        "log_loss": bool(log_loss),
        "target": float(target) if target is not None and math.isfinite(target) and target > 0 else None,
        "score_label": score_label,
        "plane_size": int(plane_size), "curves_height": int(curves_height),
    }


def compare_table(rows: list[dict], score_label: str) -> pd.DataFrame:
    """The compare results (ui.core.compare.result_rows) as a table, the score columns named for what they hold
    ("test accuracy", "test R²"). A missing number is NaN (an empty cell in a CSV)."""
    frame = pd.DataFrame(rows).astype({"epochs to target": float, "seconds to target": float, "ms per epoch": float})
    return frame.rename(columns={"train score": f"train {score_label}", "test score": f"test {score_label}"})


def compare_cells(rows: list[dict], score_label: str) -> dict:
    """The compare results as the text a user reads: losses to 4 significant digits, scores to 4 decimals,
    seconds to 2, epochs with thousands separators, NO_VALUE where a run has no number."""
    table = compare_table(rows, score_label)
    text = ("run", "changes", "status")
    return {"columns": list(table.columns), "numeric": [name not in text for name in table.columns],
            "rows": [[_cell(name, value) for name, value in row.items()] for row in table.to_dict("records")],
            "note": f"{NO_VALUE} no value yet: no epoch trained, the run diverged, or it has not reached the target. "
                    "Seconds to target: epochs to target × the run's mean wall time per epoch. "
                    f"{evaluation.FLOPS_RULE}."}


def _cell(column: str, value) -> str:
    if isinstance(value, str):
        return value
    if value is None or not math.isfinite(value):
        return NO_VALUE
    if column.endswith("seconds") or column.startswith(("seconds", "ms ")):
        return f"{value:.2f}"
    if column.endswith("loss"):
        return f"{value:.4g}"  # significant digits: a small loss does not read 0.0000
    if column.startswith(("train ", "test ")):
        return f"{value:.4f}"
    return f"{int(value):,}"


# --- sweeps ------------------------------------------------------------------------------------------------
def sweep_table(plan: Plan, results: list[dict], score_label: str) -> pd.DataFrame:
    """One row per finished run: the swept settings, the final losses and scores, whether it diverged,
    how many epochs it trained and how long that took. Numeric columns stay numeric, so they sort."""
    columns = ["run", *(SETTINGS[a].label for a in plan.axes), "train loss", "test loss", f"train {score_label}",
               f"test {score_label}", "diverged", "epochs", "seconds"]
    rows = []
    for r in results:
        row = {"run": r["run"]}
        row.update({SETTINGS[a].label: r[a] for a in plan.axes})
        row.update({"train loss": r["train_loss"], "test loss": r["test_loss"],
                    f"train {score_label}": r["train_score"], f"test {score_label}": r["test_score"],
                    "diverged": r["diverged"], "epochs": r["epochs"], "seconds": round(r["seconds"], 3)})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("train loss", "test loss", f"train {score_label}", f"test {score_label}", "seconds"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    return frame


def sweep_summary(plan: Plan, frame: pd.DataFrame, score_label: str, chance: float) -> tuple[str, str]:
    """(kind, sentence) summing up a sweep's results (``sweep_table``): kind "success" when some run's test
    score is above ``chance`` (ui.core.sweep.chance_score), naming the best run by test score and the run with
    the lowest test loss; "warning" when every run diverged or none learned beyond chance."""
    score = f"test {score_label}"
    finite = frame[np.isfinite(frame[score].to_numpy(dtype=float)) & np.isfinite(frame["test loss"].to_numpy(float))]
    if finite.empty:
        return "warning", "Every run so far diverged: try smaller learning rates."
    learned = finite[finite[score] > chance]
    if learned.empty:
        best = finite[score].max()
        why = (f"always answering the most common class scores {chance:.3f} on this test set"
               if score_label == "accuracy" else "an R² of 0 or below is no better than predicting the mean")
        return "warning", f"No run learned beyond chance: the best {score} is {best:.3f}, and {why}."
    top = learned.sort_values([score, "test loss"], ascending=[False, True]).iloc[0]
    low = learned.loc[learned["test loss"].idxmin()]
    text = (f"Best {score}: {_run_text(plan, top)}: {top[score]:.3f} (test loss {top['test loss']:.4g}; "
            f"chance level {chance:.3f}).")
    if int(low["run"]) == int(top["run"]):
        return "success", text + " It also has the lowest test loss."
    return "success", (text + f" Lowest test loss: {_run_text(plan, low)}: {low['test loss']:.4g} "
                       f"({score} {low[score]:.3f}).")


def _run_text(plan: Plan, row: pd.Series) -> str:
    """"run 3 (learning rate 0.03)": a run and the values of the swept settings."""
    values = ", ".join(f"{SETTINGS[a].label} {SETTINGS[a].format(row[SETTINGS[a].label])}" for a in plan.axes)
    return f"run {int(row['run'])} ({values})"


def _ceiling(values) -> float:
    """A height above every finite loss, where diverged runs are marked."""
    finite = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    return max(finite) * 2 if finite else 1.0


def lr_sweep_figure(results: list[dict], axis: str = "learning_rate") -> go.Figure:
    """Final train and test loss against the learning rate (log x, log y). A diverged run has no final
    loss; it is marked with an x above the curves."""
    ordered = sorted(results, key=lambda r: r[axis])
    lrs = [r[axis] for r in ordered]
    traces = []
    for key, name, colour, dash in (("train_loss", "final train loss", charts.TRAIN_COLOUR, "solid"),
                                    ("test_loss", "final test loss", charts.TEST_COLOUR, "dot")):
        ys = [None if r["diverged"] else r[key] for r in ordered]
        traces.append(go.Scatter(x=lrs, y=_clean(ys), name=name, mode="lines+markers",
                                 line={"color": colour, "dash": dash}, hovertemplate="%{y:.4g}"))
    gone = [r for r in ordered if r["diverged"]]
    if gone:
        top = _ceiling([r[k] for r in ordered if not r["diverged"] for k in ("train_loss", "test_loss")])
        traces.append(go.Scatter(
            x=[r[axis] for r in gone], y=[top] * len(gone), name="diverged", mode="markers",
            marker={"symbol": "x", "size": 12, "color": DIVERGED_COLOUR},
            customdata=[r["epochs"] for r in gone], hovertemplate="diverged at epoch %{customdata}<extra></extra>"))
    fig = go.Figure(traces)
    fig.update_layout(**_layout(title="Final loss against the learning rate"))
    losses = [r[k] for r in ordered for k in ("train_loss", "test_loss") if not r["diverged"]]
    fig.update_xaxes(**_log_axis(lrs, "learning rate (log scale)"))
    fig.update_yaxes(**_log_axis(losses + ([top] if gone else []), "loss (log scale)"))
    return fig


def curves_figure(results: list[dict], axis: str, max_points: int = 200) -> go.Figure:
    """Every run's training-loss curve, coloured along the swept setting (viridis: dark = smallest)."""
    ordered = sorted(results, key=lambda r: r[axis])
    n = max(len(ordered) - 1, 1)
    traces = []
    for i, r in enumerate(ordered):
        colour = _viridis(i / n)
        epochs, ys = charts.thin(r["loss_curve"], max_points)
        traces.append(go.Scatter(x=epochs.tolist(), y=_clean(ys), mode="lines", line={"color": colour, "width": 1.5},
                                 name=f"{SETTINGS[axis].label} {SETTINGS[axis].format(r[axis])}",
                                 hovertemplate="%{y:.4g}"))
    fig = go.Figure(traces)
    legend = {"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 11}}
    fig.update_layout(**_layout(title="Training loss of each run", hovermode="closest", legend=legend,
                                showlegend=len(traces) <= MAX_LEGEND_ENTRIES))
    fig.update_xaxes(title_text="epoch")
    kept = [v for r in results if not r["diverged"] for v in r["loss_curve"]]
    fig.update_yaxes(**_log_axis(kept or [v for r in results for v in r["loss_curve"]], "train loss (log scale)"))
    return fig


def _viridis(t: float) -> str:
    return plotly.colors.sample_colorscale("Viridis", [0.9 * t], colortype="rgb")[0]


def grid_figure(plan: Plan, results: list[dict], value: str = "test_loss") -> go.Figure:
    """A heatmap of the final ``value`` over the grid (x: the first setting, y: the second), each cell
    labelled with its number ("diverged" where the run diverged; empty where it has not run)."""
    x, y = plan.axes
    xs = list(dict.fromkeys(p[x] for p in plan.points))
    ys = list(dict.fromkeys(p[y] for p in plan.points))
    z = np.full((len(ys), len(xs)), np.nan)
    text = [["" for _ in xs] for _ in ys]
    for r in results:
        i, j = ys.index(r[y]), xs.index(r[x])
        if r["diverged"]:
            text[i][j] = "diverged"
        else:
            z[i, j] = r[value]
            text[i][j] = f"{r[value]:.3g}"
    label = value.replace("_", " ")
    fig = go.Figure(go.Heatmap(
        z=_clean(z), x=[SETTINGS[x].format(v) for v in xs], y=[SETTINGS[y].format(v) for v in ys], text=text,
        texttemplate="%{text}", colorscale=LOSS_SCALE, colorbar={"title": {"text": label}},
        hovertemplate=f"{SETTINGS[x].label} %{{x}}<br>{SETTINGS[y].label} %{{y}}<br>{label} %{{z:.4g}}<extra></extra>"))
    fig.update_layout(**_layout(title=f"Final {label} over the grid (darker = lower)", hovermode="closest"))
    fig.update_xaxes(title_text=SETTINGS[x].label, type="category")
    fig.update_yaxes(title_text=SETTINGS[y].label, type="category")
    return fig


def grid_lr_figure(plan: Plan, results: list[dict], value: str = "test_loss") -> go.Figure:
    """For a grid with the learning rate on one axis: the final ``value`` against the learning rate (log x),
    one line per value of the other setting."""
    other = next(a for a in plan.axes if a != "learning_rate")
    groups = list(dict.fromkeys(p[other] for p in plan.points))
    traces = []
    for k, g in enumerate(groups):
        colour = RUN_COLOURS[k] if len(groups) <= len(RUN_COLOURS) else _viridis(k / max(len(groups) - 1, 1))
        rows = sorted((r for r in results if r[other] == g), key=lambda r: r["learning_rate"])
        traces.append(go.Scatter(
            x=[r["learning_rate"] for r in rows], y=_clean([None if r["diverged"] else r[value] for r in rows]),
            mode="lines+markers", name=f"{SETTINGS[other].label} {SETTINGS[other].format(g)}",
            line={"color": colour},
            hovertemplate="%{y:.4g}"))
    fig = go.Figure(traces)
    label = value.replace("_", " ")
    fig.update_layout(**_layout(title=f"Final {label} against the learning rate"))
    fig.update_xaxes(**_log_axis([r["learning_rate"] for r in results], "learning rate (log scale)"))
    fig.update_yaxes(**_log_axis([r[value] for r in results if not r["diverged"]], f"{label} (log scale)"))
    return fig
