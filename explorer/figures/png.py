"""A minimal PNG writer (NumPy + zlib), so exporting an image needs no imaging library."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a uint8 image, (h, w) grayscale or (h, w, 3) RGB."""
    img = np.ascontiguousarray(image, dtype=np.uint8)
    if img.ndim == 2:
        color_type, channels = 0, 1
    elif img.ndim == 3 and img.shape[2] == 3:
        color_type, channels = 2, 3
    else:
        raise ValueError(f"image must be (h, w) or (h, w, 3); got shape {img.shape}.")
    h, w = img.shape[:2]
    # Each scanline starts with filter byte 0 (no filtering).
    raw = np.hstack([np.zeros((h, 1), np.uint8), img.reshape(h, w * channels)]).tobytes()
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw, 9)),
            _chunk(b"IEND", b""),
        ]
    )


def mosaic_pixels(mosaic: np.ndarray, scale: int = 8, background: int = 0) -> np.ndarray:
    """The uint8 gray image of a filter mosaic in [-1, 1]: -1 black, 0 mid-gray, 1 white, NaN
    padding drawn as ``background``, each mosaic pixel a ``scale`` × ``scale`` block.

    The one mapping of a mosaic to gray levels: the PNG export and the movie's frames use it.
    """
    gray = np.where(np.isnan(mosaic), np.nan, (mosaic + 1.0) * 127.5)
    img = np.where(np.isnan(gray), background, np.clip(np.nan_to_num(gray), 0, 255)).astype(
        np.uint8
    )
    return np.kron(img, np.ones((scale, scale), dtype=np.uint8))


def mosaic_to_png(mosaic: np.ndarray, scale: int = 8, background: int = 0) -> bytes:
    """PNG of a filter mosaic in [-1, 1] (gray = 0), NaN padding drawn as ``background``."""
    return encode_png(mosaic_pixels(mosaic, scale, background))


def save_png(path: Any, png: bytes) -> None:
    with open(path, "wb") as f:
        f.write(png)
