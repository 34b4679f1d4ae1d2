"""The classic filter mosaic: one tile per hidden unit, laid out on a near-square grid; and the
pair mosaic: one image above another, pair by pair (a true feature above what matched it)."""

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
    return tile_images(by_largest(components), image_shape, grid_shape(len(components))[1], pad)


def by_largest(rows: np.ndarray) -> np.ndarray:
    """Each row divided by its largest absolute value (a row of zeros stays zeros): values in
    [-1, 1], UFLDL's display_network convention."""
    scale = np.abs(rows).max(axis=1, keepdims=True)
    return rows / np.where(scale > 0, scale, 1.0)


#: Blank pixel rows between two rows of pairs (one between the images of a pair), so that a
#: pair reads as one.
PAIR_GAP = 3


def pair_grid(n_pairs: int) -> tuple[int, int]:
    """(rows, cols) of pairs: each pair is two tiles tall, so about twice as many columns as
    rows (16 pairs: 2 rows of 8; 20 pairs: 3 rows of 7)."""
    rows = max(1, math.isqrt(n_pairs // 2))
    return rows, math.ceil(n_pairs / rows)


def pair_origin(index: int, n_pairs: int, image_shape: tuple[int, int], pad: int = 1) -> tuple:
    """(top row, left column) of pair ``index``'s upper image in ``pair_mosaic``'s layout."""
    h, w = image_shape
    row, col = divmod(index, pair_grid(n_pairs)[1])
    return row * (2 * h + pad + PAIR_GAP), col * (w + pad)


def pair_mosaic(
    top: np.ndarray, bottom: np.ndarray, image_shape: tuple[int, int], pad: int = 1
) -> np.ndarray:
    """Row i of ``top`` above row i of ``bottom``, pair beside pair on ``pair_grid``'s grid;
    blank (NaN) between tiles. Values as given (scale them first, e.g. ``by_largest``)."""
    if top.shape != bottom.shape:
        raise ValueError(f"top {top.shape} and bottom {bottom.shape} must have the same shape.")
    h, w = image_shape
    rows, cols = pair_grid(len(top))
    out = np.full((rows * (2 * h + pad) + (rows - 1) * PAIR_GAP, cols * (w + pad) - pad), np.nan)
    for i, (upper, lower) in enumerate(zip(top, bottom, strict=True)):
        y, x = pair_origin(i, len(top), image_shape, pad)
        out[y : y + h, x : x + w] = upper.reshape(h, w)
        out[y + h + pad : y + 2 * h + pad, x : x + w] = lower.reshape(h, w)
    return out


def pair_at(
    row: int, col: int, n_pairs: int, image_shape: tuple[int, int], pad: int = 1
) -> int | None:
    """Which pair of ``pair_mosaic``'s layout covers pixel (row, col); None between pairs."""
    h, w = image_shape
    cols = pair_grid(n_pairs)[1]
    (pair_row, dy), (pair_col, dx) = (
        divmod(int(row), 2 * h + pad + PAIR_GAP),
        divmod(int(col), w + pad),
    )
    index = pair_row * cols + pair_col
    if row < 0 or col < 0 or dy >= 2 * h + pad or dx >= w or pair_col >= cols:
        return None
    return index if index < n_pairs else None


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
