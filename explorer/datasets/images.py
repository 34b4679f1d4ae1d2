"""Whitened 8×8 patches of your own grayscale images, prepared like the shipped natural images.

Pure NumPy: decoding files into arrays happens in the app layer (``explorer.app.upload``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._dataset import Dataset
from ._validation import as_generator, check_n_samples
from .natural import DEFAULT_N_SAMPLES, PATCH_SIZE, normalize_patches, whiten

NAME = "your-images"


def _check_images(images: object) -> list[np.ndarray]:
    if isinstance(images, np.ndarray) and images.ndim == 2:
        raise TypeError("images must be a sequence of 2-D arrays; for one image pass [image].")
    if not isinstance(images, Iterable) or isinstance(images, (str, bytes)):
        raise TypeError(f"images must be a sequence of 2-D arrays, got {type(images).__name__}")
    checked = []
    for i, image in enumerate(images):
        image = np.asarray(image)
        if image.ndim != 2 or not np.issubdtype(image.dtype, np.number):
            raise ValueError(
                f"images[{i}] must be a 2-D array of numbers (a grayscale image), got shape "
                f"{image.shape} and dtype {image.dtype}"
            )
        if min(image.shape) < PATCH_SIZE:
            raise ValueError(
                f"images[{i}] has shape {image.shape}: each side must be at least {PATCH_SIZE} "
                f"pixels to hold a {PATCH_SIZE}x{PATCH_SIZE} patch"
            )
        image = image.astype(np.float64)
        if not np.isfinite(image).all():
            raise ValueError(f"images[{i}] contains NaN or infinite values")
        if image.min() == image.max():
            raise ValueError(f"images[{i}] is constant (every pixel {image.flat[0]:g}): no edges")
        checked.append(image)
    if not checked:
        raise ValueError("images is empty: give at least one 2-D array")
    return checked


def whiten_any(image: np.ndarray) -> np.ndarray:
    """`natural.whiten` for an image of any aspect ratio, at unit variance.

    ``whiten`` wants a square. The image is extended to a square of its longer side by
    mirroring (as ``whiten`` itself extends its square), whitened, and cut back. Mirroring
    rather than cropping the central square keeps every pixel of a wide photo; the
    whitening filter is a few pixels wide and has the same cut-off in cycles per pixel at
    any size, so pixels away from the border are whitened exactly as in a square image.
    """
    rows, cols = image.shape
    n = max(rows, cols)
    square = np.pad(image, ((0, n - rows), (0, n - cols)), mode="symmetric")
    white = whiten(square)[:rows, :cols]
    return white / white.std()


def sample_patches_weighted(
    images: list[np.ndarray], n_samples: int, rng: np.random.Generator, size: int = PATCH_SIZE
) -> np.ndarray:
    """``n_samples`` random ``size`` x ``size`` patches, uniform over every patch position of
    every image (so a bigger image gives proportionally more patches); one per row."""
    widths = np.array([image.shape[1] - size + 1 for image in images])
    positions = np.array([(image.shape[0] - size + 1) for image in images]) * widths
    ends = np.cumsum(positions)
    flat = rng.integers(ends[-1], size=n_samples)
    which = np.searchsorted(ends, flat, side="right")
    offset = flat - (ends - positions)[which]
    top, left = np.divmod(offset, widths[which])
    patches = np.empty((n_samples, size * size))
    for i, image in enumerate(images):
        chosen = which == i
        windows = sliding_window_view(image, (size, size))
        patches[chosen] = windows[top[chosen], left[chosen]].reshape(-1, size * size)
    return patches


def from_images(
    images: Iterable[np.ndarray],
    n_samples: int | None = None,
    rng: np.random.Generator | int | None = None,
) -> Dataset:
    """A data set of whitened 8 x 8 patches of your grayscale images.

    Each image is whitened like the shipped natural images (`whiten_any`), patches are drawn
    uniformly over all positions in all images, and normalised with
    `natural.normalize_patches` (centred, clipped at ±3σ, scaled to [0.1, 0.9]).

    Parameters
    ----------
    images : sequence of 2-D arrays
        Grayscale images, any real dtype and scale, each at least 8 x 8 and not constant.
    n_samples : int or None
        Patches to draw (None: 10,000).
    rng : numpy.random.Generator, int or None
        Randomness of the patch positions (an int seeds a new Generator).

    Returns
    -------
    Dataset
        ``name="your-images"``, ``X`` of shape (n_samples, 64), ``image_shape=(8, 8)``.
    """
    checked = _check_images(images)
    n_samples = check_n_samples(n_samples) or DEFAULT_N_SAMPLES
    rng = as_generator(rng, "rng")
    white = [whiten_any(image) for image in checked]
    patches = sample_patches_weighted(white, n_samples, rng)
    if np.ptp(patches - patches.mean(axis=1, keepdims=True)) == 0:
        # normalize_patches would divide by a zero standard deviation.
        raise ValueError(
            f"every one of the {n_samples} patches drawn is flat: the images have too little "
            "detail at the 8x8 scale; use more or larger images"
        )
    count = f"{len(checked)} image{'s' if len(checked) != 1 else ''}"
    return Dataset(
        name=NAME,
        X=normalize_patches(patches),
        image_shape=(PATCH_SIZE, PATCH_SIZE),
        description=(
            f"Random 8x8 patches of your {count}, whitened like the natural images, each "
            "centred on its own mean, clipped at 3 standard deviations and scaled to [0.1, 0.9]."
        ),
    )
