"""A drawn set of points in a shared link, compactly: three bytes a point, base64url.

Coordinates lie on a 0.05 grid over the plane (241 steps from -6 to 6), so the drawing tool snaps to it
and a link carries the drawing exactly; a label is a class (0-5) or a regression target on a 0.01 grid
from -1 to 1. The text is "1" (the format), a letter for the kind of problem, then the bytes. ``decode``
checks everything and says what is wrong; nothing in it is executed.
"""

from __future__ import annotations

import base64
import binascii
import re

import numpy as np

from nnlib.datasets import DOMAIN

GRID = 20  # steps per unit on the plane: 0.05
TARGET_GRID = 100  # steps per unit of a regression target: 0.01
KINDS = {"binary": "b", "multiclass": "m", "regression": "r"}
MAX_CLASSES = {"binary": 2, "multiclass": 6}
_LOW, _HIGH = DOMAIN
_TEXT = re.compile(r"1[bmr][A-Za-z0-9_-]*")


def snap(values: np.ndarray) -> np.ndarray:
    """Coordinates on the link's grid, inside the plane (as the tool's Math.round(v * 20) / 20)."""
    return np.round(np.clip(values, _LOW, _HIGH) * GRID) / GRID


def encode(X: np.ndarray, y: np.ndarray, kind: str) -> str:
    coords = (np.round(snap(X) * GRID) - _LOW * GRID).astype(np.uint8)
    labels = np.round((np.clip(y, -1, 1) + 1) * TARGET_GRID) if kind == "regression" else np.asarray(y)
    data = np.column_stack([coords, labels.astype(np.uint8)]).tobytes()
    return "1" + KINDS[kind] + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode(text: str, min_points: int, max_points: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(X, y, kind) of a link's drawn set, or ValueError saying why it cannot be used."""
    if not _TEXT.fullmatch(text):
        raise ValueError("it is not a drawn set (1b…, 1m… or 1r… in base64url)")
    kind = {v: k for k, v in KINDS.items()}[text[1]]
    body = text[2:]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("its points are cut short") from None
    if len(data) % 3:
        raise ValueError("its points are cut short")
    rows = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3).astype(np.int64)  # no uint8 wrap-around below
    if not min_points <= len(rows) <= max_points:
        raise ValueError(f"it holds {len(rows)} points; a link carries {min_points} to {max_points}")
    if (rows[:, :2] > (_HIGH - _LOW) * GRID).any():
        raise ValueError("a point lies outside the plane")
    top = 2 * TARGET_GRID if kind == "regression" else MAX_CLASSES[kind] - 1
    if (rows[:, 2] > top).any():
        raise ValueError("a label is not one of the problem's")
    X = (rows[:, :2] + _LOW * GRID) / GRID  # as snap computes it: the same floats, not merely close ones
    y = (rows[:, 2] - TARGET_GRID) / TARGET_GRID if kind == "regression" else rows[:, 2].astype(np.int64)
    return X, y, kind
