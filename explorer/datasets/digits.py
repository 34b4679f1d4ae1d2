"""The UCI optical-recognition handwritten digits: 1797 images of 8 x 8 pixels, 0..16."""

from __future__ import annotations

import functools

import numpy as np

from ._dataset import Dataset
from ._validation import FILES_DIR, check_n_samples

DIGITS_FILE = FILES_DIR / "digits.npz"
# Each pixel counts the "on" bits in a 4 x 4 block of the original 32 x 32 bitmap.
MAX_VALUE = 16


@functools.lru_cache(maxsize=1)
def digit_images() -> np.ndarray:
    """All digits as a read-only (1797, 8, 8) uint8 array with values 0..16."""
    with np.load(DIGITS_FILE) as archive:
        images = archive["images"]
    images.flags.writeable = False
    return images


def load_digits(n_samples: int | None, rng: np.random.Generator) -> Dataset:
    """All 1797 digits in file order, or a random subset of ``n_samples`` without repeats.

    Asking for more than 1797 raises ValueError: repeating images would only fake a
    larger training set.
    """
    images = digit_images()
    n_samples = check_n_samples(n_samples, maximum=len(images), source="the digits dataset")
    if n_samples is not None:
        images = images[rng.choice(len(images), size=n_samples, replace=False)]
    return Dataset(
        name="digits",
        X=images.reshape(len(images), -1) / MAX_VALUE,
        image_shape=images.shape[1:],
        description="Handwritten digits from the UCI repository, 8x8 pixels scaled to [0, 1].",
    )
