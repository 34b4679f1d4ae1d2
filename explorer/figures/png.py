"""Filter mosaics as PNG images (Pillow writes the files).

Pillow is imported with the first PNG, not with the dashboard: it is 3.5 MB of a kernel's memory
(measured in a served dashboard kernel) that most kernels never use.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a uint8 image, (h, w) grayscale or (h, w, 3) RGB."""
    img = np.ascontiguousarray(image, dtype=np.uint8)
    if not (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)):
        raise ValueError(f"image must be (h, w) or (h, w, 3); got shape {img.shape}.")
    from PIL import Image  # on first use (the module's docstring)

    out = io.BytesIO()
    Image.fromarray(img).save(out, format="PNG", optimize=True)
    return out.getvalue()


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
    """Write PNG bytes (``encode_png``, ``mosaic_to_png``, ``frontier_png``) to ``path``."""
    Path(path).write_bytes(png)
