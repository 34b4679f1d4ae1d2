"""The classic filter mosaic: one tile per hidden unit, laid out on a near-square grid."""

from __future__ import annotations

import math

import numpy as np


def grid_shape(n_tiles: int) -> tuple[int, int]:
    """(rows, cols) of the most nearly square grid holding ``n_tiles``."""
    cols = math.ceil(math.sqrt(n_tiles))
    return math.ceil(n_tiles / cols), cols


def tile_images(
    images: np.ndarray, image_shape: tuple[int, int], cols: int, pad: int = 1
) -> np.ndarray:
    """Lay the rows of ``images`` out as ``image_shape`` tiles, ``cols`` per row, row-major.

    Padding between tiles (and unused grid cells) is NaN, so a plot can leave it blank.
    """
    n_images, n_features = images.shape
    h, w = image_shape
    if h * w != n_features:
        raise ValueError(
            f"image_shape={image_shape!r} holds {h * w} pixels but images have {n_features}."
        )
    rows = -(-n_images // cols)
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), np.nan)
    for i, image in enumerate(images):
        top, left = (i // cols) * (h + pad), (i % cols) * (w + pad)
        out[top : top + h, left : left + w] = image.reshape(h, w)
    return out


def filter_mosaic(components: np.ndarray, image_shape: tuple[int, int], pad: int = 1) -> np.ndarray:
    """Tile the rows of ``components`` as images, each scaled by its largest absolute weight.

    Values lie in [-1, 1] (UFLDL's display_network convention), on the most nearly square
    grid; padding between tiles is NaN so a plot can leave it blank.

    Parameters
    ----------
    components : (n_units, n_features) array
        One filter per row, e.g. ``model.components_``.
    image_shape : (height, width)
        Shape of one filter; height·width must equal n_features.
    pad : int
        Blank pixels between tiles.
    """
    scale = np.abs(components).max(axis=1, keepdims=True)
    tiles = components / np.where(scale > 0, scale, 1.0)
    return tile_images(tiles, image_shape, grid_shape(len(components))[1], pad)


def tile_origin(index: int, n_tiles: int, image_shape: tuple[int, int], pad: int = 1) -> tuple:
    """(top row, left column) of tile ``index`` in ``filter_mosaic``'s layout of ``n_tiles``."""
    cols = grid_shape(n_tiles)[1]
    h, w = image_shape
    return (index // cols) * (h + pad), (index % cols) * (w + pad)


def tile_at(
    row: int, col: int, n_tiles: int, image_shape: tuple[int, int], pad: int = 1
) -> int | None:
    """Which tile of ``filter_mosaic``'s layout covers pixel (row, col); None on padding."""
    h, w = image_shape
    cols = grid_shape(n_tiles)[1]
    (tile_row, dy), (tile_col, dx) = divmod(int(row), h + pad), divmod(int(col), w + pad)
    index = tile_row * cols + tile_col
    if row < 0 or col < 0 or dy >= h or dx >= w or tile_col >= cols or index >= n_tiles:
        return None
    return index
