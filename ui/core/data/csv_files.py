"""The Playground's own CSV files: a user's table with the columns x1, x2, label, and the points as a download.

The app's conventions, not nnlib's: coordinates outside the drawing domain are rescaled into it, labels are
numbered as classes (or read as a regression target), and every problem is a ValueError that says what and
where. Nothing in a file is executed; the text is read by the csv module, numbers by float().
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlib.datasets import DOMAIN

CSV_COLUMNS = ("x1", "x2", "label")
MAX_CSV_CLASSES = 10
SQUASHED_SHARE = 0.05  # an axis left narrower than this share of the plane by the shared scale is named


@dataclass(frozen=True, eq=False)
class CsvTable:
    """A user's table after all checks.

    X: (n, 2) float64 inside DOMAIN. y: (n,) int64 class ids 0..k-1, or float64 for regression.
    kind: "binary" | "multiclass" | "regression".
    class_names: the label text for each class id, () for regression.
    notes: sentences for the reader about what was changed (rescaling, label numbering).
    """

    X: np.ndarray
    y: np.ndarray
    kind: str
    class_names: tuple[str, ...]
    notes: tuple[str, ...]


def _show(text: str, limit: int = 40) -> str:
    """A cell or row for an error message, cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _read_text(source: Any, max_bytes: int) -> str:
    """bytes, str or a binary file -> text, reading at most max_bytes + 1 bytes from a file."""
    if hasattr(source, "read") and not isinstance(source, (str, bytes, bytearray, memoryview)):
        source = source.read(max_bytes + 1)
    if isinstance(source, str):
        data = source.encode("utf-8", "surrogatepass")
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        raise TypeError(f"load_csv needs bytes, str or a binary file object, "
                        f"received {type(source).__name__}")
    if len(data) > max_bytes:
        raise ValueError(f"the file is larger than max_bytes={max_bytes} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("the file is UTF-16 text; save it as UTF-8 (CSV UTF-8)")
    if b"\x00" in data:
        at = data.index(0)
        raise ValueError("this looks like a binary file, not CSV text "
                         f"(NUL byte on row {_line_of(data, at)}, offset {at})")
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        where = f"byte 0x{data[e.start]:02x} on row {_line_of(data, e.start)}, offset {e.start}"
        raise ValueError(f"the file is not UTF-8 text ({where}); save it as UTF-8 (CSV UTF-8)") from None


def _rows(text: str, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (line number, fields) of each data row; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = fields
            elif len(rows) == max_rows:
                raise ValueError(f"the file has more than max_rows={max_rows} data rows")
            else:
                rows.append((reader.line_num, fields))
    except csv.Error as e:
        raise ValueError(f"row {reader.line_num}: not valid CSV ({e})") from None
    if header is None:
        raise ValueError("the file is empty")
    if not rows:
        raise ValueError("the file has a header but no data rows")
    return header, rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _column_positions(header: list[str]) -> dict[str, int]:
    """Required column name -> its position; the header must hold exactly x1, x2, label."""
    names = [h.strip().lower() for h in header]
    if all(_is_number(h) for h in names):
        raise ValueError(f"no header: the first row {_show(','.join(header))} looks like data; "
                         "the first row must name the columns x1, x2, label")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"duplicate column {duplicated[0]!r} in the header")
    missing = [c for c in CSV_COLUMNS if c not in names]
    if missing:
        raise ValueError(f"missing column {missing[0]!r}; the header must name x1, x2, label, found {names}")
    extra = [(i, n) for i, n in enumerate(names) if n not in CSV_COLUMNS]
    if extra:
        i, n = extra[0]
        raise ValueError(f"unexpected column {n!r} (column {i + 1}); only x1, x2, label are allowed")
    return {c: names.index(c) for c in CSV_COLUMNS}


def _number(text: str, line: int, column: str) -> float:
    cell = text.strip()
    if not cell:
        raise ValueError(f"row {line}, column {column!r}: empty value")
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"row {line}, column {column!r}: {_show(cell)} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"row {line}, column {column!r}: {_show(cell)} is not finite (no NaN or infinity)")
    return value


Labels = tuple[np.ndarray, str, tuple[str, ...], list[str]]  # y, kind, class_names, notes


def _labels(cells: list[str], lines: list[int]) -> Labels:
    """Label cells -> (y, kind, class_names, notes).

    All numbers: integers with 2..10 distinct values are classes (numbered in ascending order, so
    0..k-1 keep their ids); any other numbers are a regression target. Otherwise the labels are text:
    2..10 distinct values, numbered in sorted order.
    """
    cells = [c.strip() for c in cells]
    for cell, line in zip(cells, lines, strict=True):
        if not cell:
            raise ValueError(f"row {line}, column 'label': empty value")
    if all(_is_number(c) for c in cells):
        return _numeric_labels([_number(c, line, "label") for c, line in zip(cells, lines, strict=True)])
    return _text_labels(cells)


def _class_kind(names: tuple[str, ...]) -> str:
    return "binary" if len(names) == 2 else "multiclass"


def _numeric_labels(numbers: list[float]) -> Labels:
    values = np.array(numbers)
    distinct = np.unique(values)
    if len(distinct) < 2:
        raise ValueError(f"the label column has a single value ({numbers[0]:g}); need at least two classes")
    if not np.all(distinct == np.round(distinct)):
        return values, "regression", (), ["The labels are numbers that are not all whole: a regression target, "
                                          "not classes."]
    if len(distinct) > MAX_CSV_CLASSES:
        return values, "regression", (), [f"The labels are {len(distinct)} different numbers, more than "
                                          f"{MAX_CSV_CLASSES} classes: a regression target."]
    names = tuple(str(int(v)) for v in distinct)
    notes = []
    if not np.array_equal(distinct, np.arange(len(distinct))):
        notes.append(f"Labels {', '.join(names)} were numbered as classes 0..{len(names) - 1}.")
    return np.searchsorted(distinct, values).astype(np.int64), _class_kind(names), names, notes


def _text_labels(cells: list[str]) -> Labels:
    names = tuple(sorted(set(cells)))
    if len(names) < 2:
        raise ValueError(f"the label column has a single class ({names[0]!r}); need at least two")
    if len(names) > MAX_CSV_CLASSES:
        raise ValueError(f"the label column has {len(names)} classes; at most {MAX_CSV_CLASSES} are "
                         f"allowed (first ones: {list(names[:5])})")
    ids = {name: i for i, name in enumerate(names)}
    notes = [f"Text labels were numbered in sorted order: {', '.join(names)} -> 0..{len(names) - 1}."]
    return np.array([ids[c] for c in cells], dtype=np.int64), _class_kind(names), names, notes


def _fit_domain(X: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Points outside DOMAIN -> one affine map, the same for both axes (shapes keep their proportions),
    taking [min, max] over all coordinates onto DOMAIN. Points already inside are left alone."""
    lo, hi = DOMAIN
    xmin, xmax = float(X.min()), float(X.max())
    if lo <= xmin and xmax <= hi:
        return X, []
    if xmin == xmax:
        fitted = np.zeros_like(X)
    else:
        s = max(abs(xmin), abs(xmax))  # work in [-1, 1] so that huge values cannot overflow
        a, b = xmin / s, xmax / s
        fitted = np.clip((X / s - a) / (b - a) * (hi - lo) + lo, lo, hi)
    notes = [f"Coordinates were rescaled from [{xmin:.6g}, {xmax:.6g}] to [{lo:g}, {hi:g}] "
             "(one linear map for both axes, so shapes keep their proportions)."]
    for axis in (0, 1):
        span = float(np.ptp(fitted[:, axis]))
        if span < SQUASHED_SHARE * (hi - lo):
            notes.append(f"x{axis + 1} now spans only {span / (hi - lo):.0%} of the plane ({span:.2g} of {hi - lo:g}): "
                         f"if its shape matters, put x1 and x2 on similar ranges before uploading.")
    return fitted, notes


def _check_limit(name: str, value: Any) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool)) or value < 1:
        raise ValueError(f"{name} must be a positive int, received {value!r}")


def read_csv_table(source, *, max_rows: int = 5000, max_bytes: int = 2_000_000) -> CsvTable:
    """Read a user's CSV with the header x1, x2, label (any order and case; spaces ignored).

    source: bytes, str (the text itself), or a binary file object such as Streamlit's UploadedFile or
    io.BytesIO, read from its current position and never beyond max_bytes + 1 bytes. UTF-8, with or
    without a BOM. Label rules: see ``_labels``. Coordinates outside DOMAIN are rescaled (see notes).
    Every problem with the content is a ValueError that says what and where ("row 3, column 'x1': ...",
    rows counted as lines of the file, the header being row 1); a source of the wrong type is a TypeError.
    """
    _check_limit("max_rows", max_rows)
    _check_limit("max_bytes", max_bytes)
    header, rows = _rows(_read_text(source, max_bytes), max_rows)
    position = _column_positions(header)
    for line, fields in rows:
        if len(fields) != len(header):
            raise ValueError(f"row {line} has {len(fields)} fields; the header has {len(header)}")
    X = np.array([[_number(fields[position[c]], line, c) for c in ("x1", "x2")] for line, fields in rows])
    lines = [line for line, _ in rows]
    y, kind, class_names, label_notes = _labels([fields[position["label"]] for _, fields in rows], lines)
    X, scale_notes = _fit_domain(X)
    return CsvTable(X, y, kind, class_names, tuple(scale_notes + label_notes))


def load_csv(file_or_bytes, *, max_rows: int = 5000,
             max_bytes: int = 2_000_000) -> tuple[np.ndarray, np.ndarray, str]:
    """``read_csv_table`` without the class names and notes: (X (n, 2), y (n,), kind)."""
    table = read_csv_table(file_or_bytes, max_rows=max_rows, max_bytes=max_bytes)
    return table.X, table.y, table.kind


def to_csv(X, y) -> str:
    """X (n, 2) and y (n,) -> CSV text with the header x1,x2,label that ``load_csv`` reads back exactly.

    Floats are written in full precision (shortest repr); integer labels as integers.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or X.dtype.kind not in "iuf" or y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"to_csv needs numeric X (n, 2) and y (n,), received X {X.shape} {X.dtype} "
                         f"and y {y.shape} {y.dtype}")
    if not np.isfinite(X).all() or (y.dtype.kind == "f" and not np.isfinite(y).all()):
        raise ValueError("to_csv needs finite X and y, received NaN or infinity")
    labels = y.astype(np.int64) if y.dtype.kind in "iub" else y
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(zip(*X.astype(np.float64).T.tolist(), labels.tolist(), strict=True))
    return buffer.getvalue()
