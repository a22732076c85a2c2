"""A minimal PNG encoder (stdlib zlib only): the live views ship images, not 10,000-number heatmaps."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(rgb: np.ndarray, level: int = 6) -> bytes:
    """rgb: (height, width, 3) uint8 -> PNG bytes (8-bit RGB, 'up' filter, which suits smooth maps)."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"encode_png needs (h, w, 3) uint8, received {rgb.shape} {rgb.dtype}")
    h, w, _ = rgb.shape
    up = rgb.astype(np.int16)
    up[1:] -= up[:-1].copy()  # filter type 2: each byte minus the one above (mod 256)
    rows = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    rows[:, 0] = 2
    rows[0, 0] = 0  # the first row has nothing above it
    rows[0, 1:] = rgb[0].reshape(-1)
    rows[1:, 1:] = (up[1:] % 256).astype(np.uint8).reshape(h - 1, 3 * w)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + _chunk(b"IEND", b""))


def png_data_uri(rgb: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(encode_png(rgb)).decode("ascii")
