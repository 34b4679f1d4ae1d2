"""Földiák's bars: synthetic images made of random horizontal and vertical lines.

Each image is the union of a random set of bars, so an autoencoder that finds the parts
should learn the bars themselves; the true bars are returned as ``true_features`` to compare.
"""

from __future__ import annotations

import numpy as np

from ._dataset import Dataset

SIDE = 8
DEFAULT_N_SAMPLES = 5_000
BAR_PROBABILITY = 1 / 8
# Off the sigmoid's asymptotes, like the natural patches' [0.1, 0.9].
ON, OFF = 0.9, 0.1


def bar_components(side: int = SIDE) -> np.ndarray:
    """The ``2 * side`` bar masks of a ``side`` x ``side`` image, flattened row-major.

    Returns
    -------
    ndarray of shape (2 * side, side * side), float64
        Row ``i < side`` is horizontal bar (image row) ``i``; row ``side + j`` is vertical
        bar (image column) ``j``. Values are 0 or 1.
    """
    eye = np.eye(side)
    horizontal = np.repeat(eye, side, axis=1)
    vertical = np.tile(eye, side)
    return np.vstack([horizontal, vertical])


def sample_bar_presence(
    n_samples: int, n_bars: int, rng: np.random.Generator, probability: float = BAR_PROBABILITY
) -> np.ndarray:
    """Independent Bernoulli(``probability``) bars per image, redrawn until none is blank.

    Returns
    -------
    ndarray of shape (n_samples, n_bars), bool
    """
    present = rng.random((n_samples, n_bars)) < probability
    blank = ~present.any(axis=1)
    # A blank image carries no parts to learn; about 12 % are redrawn at p = 1/8, 16 bars.
    while blank.any():
        present[blank] = rng.random((int(blank.sum()), n_bars)) < probability
        blank = ~present.any(axis=1)
    return present


def load_bars(n_samples: int | None, rng: np.random.Generator) -> Dataset:
    """Bars images (default 5,000): 0.9 where any bar lies, 0.1 elsewhere."""
    components = bar_components()
    present = sample_bar_presence(n_samples or DEFAULT_N_SAMPLES, len(components), rng)
    covered = (present @ components) > 0
    return Dataset(
        name="bars",
        X=np.where(covered, ON, OFF),
        image_shape=(SIDE, SIDE),
        description=(
            "Synthetic 8x8 images, each the union of random horizontal and vertical bars "
            "(every one of the 16 present with probability 1/8)."
        ),
        true_features=components,
    )
