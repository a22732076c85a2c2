"""The PNG encoder, checked by decoding its output by the PNG spec (zlib + 'up' filter reversal)."""

import struct
import zlib

import numpy as np
import pytest

from ui.render.png import encode_png, png_data_uri


def decode_png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.setdefault(kind, b"")
        chunks[kind] += body
        pos += 12 + length
    w, h, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2)
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(h, 1 + 3 * w)
    out = np.zeros((h, 3 * w), dtype=np.int32)
    for r in range(h):
        filt, line = raw[r, 0], raw[r, 1:].astype(np.int32)
        assert filt in (0, 2)
        out[r] = line if filt == 0 else (line + out[r - 1]) % 256
    return out.reshape(h, w, 3).astype(np.uint8)


@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (100, 100)])
def test_round_trip(shape):
    rgb = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    np.testing.assert_array_equal(decode_png(encode_png(rgb)), rgb)


def test_smooth_images_are_small():
    ramp = np.linspace(0, 255, 100).astype(np.uint8)
    rgb = np.stack([np.tile(ramp, (100, 1))] * 3, axis=-1)
    assert len(encode_png(rgb)) < 2000


def test_data_uri_and_input_checks():
    assert png_data_uri(np.zeros((2, 2, 3), np.uint8)).startswith("data:image/png;base64,")
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((2, 2, 3)))
