"""The classic filter mosaic: one tile per hidden unit, laid out on a near-square grid."""

from __future__ import annotations

import math

import numpy as np


def grid_shape(n_tiles: int) -> tuple[int, int]:
    """(rows, cols) of the most nearly square grid holding ``n_tiles``."""
    cols = math.ceil(math.sqrt(n_tiles))
    return math.ceil(n_tiles / cols), cols


def filter_mosaic(components: np.ndarray, image_shape: tuple[int, int], pad: int = 1) -> np.ndarray:
    """Tile the rows of ``components`` as images, each scaled by its largest absolute weight.

    Values lie in [-1, 1] (UFLDL's display_network convention); padding between tiles is NaN
    so a plot can leave it blank.

    Parameters
    ----------
    components : (n_units, n_features) array
        One filter per row, e.g. ``model.components_``.
    image_shape : (height, width)
        Shape of one filter; height·width must equal n_features.
    pad : int
        Blank pixels between tiles.
    """
    n_units, n_features = components.shape
    h, w = image_shape
    if h * w != n_features:
        raise ValueError(
            f"image_shape={image_shape!r} holds {h * w} pixels but filters have {n_features}."
        )
    rows, cols = grid_shape(n_units)
    scale = np.abs(components).max(axis=1, keepdims=True)
    tiles = components / np.where(scale > 0, scale, 1.0)
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), np.nan)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        out[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = tile.reshape(
            h, w
        )
    return out
