"""Whitened natural-image patches (Olshausen & Field 1997; the UFLDL sparse-autoencoder exercise).

The photos ship as uint8 in ``files/natural_images.npz``; whitening happens at load time,
once per process.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._dataset import Dataset
from ._validation import FILES_DIR

IMAGES_FILE = FILES_DIR / "natural_images.npz"
PATCH_SIZE = 8
DEFAULT_N_SAMPLES = 10_000
# Olshausen & Field's roll-off: 0.4 of the image size in cycles/picture, i.e. 0.8 Nyquist.
CUTOFF_FRACTION = 0.4
CLIP_SIGMAS = 3.0


def whiten(image: np.ndarray) -> np.ndarray:
    r"""Whiten a square image in the Fourier domain and scale it to unit variance.

    The spectrum is multiplied by the filter of Olshausen & Field (1997),

    .. math:: R(f) = |f| \exp(-(|f| / f_0)^4), \qquad f_0 = 0.4 N,

    with ``|f|`` in cycles per picture and ``N`` the image size. The ``|f|`` factor flattens
    the ~1/f amplitude spectrum of natural images; the exponential removes the corner
    frequencies, where noise and aliasing dominate.

    Parameters
    ----------
    image : ndarray of shape (N, N)
        A grayscale image, any real dtype.

    Returns
    -------
    ndarray of shape (N, N), float64
        The whitened image, divided by its standard deviation.
    """
    n = image.shape[0]
    if image.ndim != 2 or image.shape[1] != n:
        raise ValueError(f"image must be a square 2-D array, got shape {image.shape}")
    # The FFT treats the image as periodic: mirroring it into a 2N x 2N tile makes opposite
    # edges meet smoothly, so the jump between them does not turn into bright border lines.
    tile = np.pad(np.asarray(image, dtype=np.float64), ((0, n), (0, n)), mode="symmetric")
    fy = np.fft.fftfreq(2 * n) * n  # cycles per original (N-pixel) picture
    fx = np.fft.rfftfreq(2 * n) * n
    f = np.hypot(fy[:, None], fx[None, :])
    response = f * np.exp(-((f / (CUTOFF_FRACTION * n)) ** 4))
    white = np.fft.irfft2(np.fft.rfft2(tile) * response, s=tile.shape)[:n, :n]
    return white / white.std()


@functools.lru_cache(maxsize=1)
def whitened_images() -> np.ndarray:
    """The shipped photos, each whitened by `whiten`; shape (n_images, N, N), read-only.

    Cached because it is deterministic and costs far more than sampling patches from it.
    """
    with np.load(IMAGES_FILE) as archive:
        images = archive["images"]
    white = np.stack([whiten(image) for image in images])
    # Every caller shares this array through the cache; nobody may change it.
    white.flags.writeable = False
    return white


def sample_patches(
    images: np.ndarray, n_samples: int, rng: np.random.Generator, size: int = PATCH_SIZE
) -> np.ndarray:
    """Cut ``n_samples`` random ``size`` x ``size`` patches, uniform over images and positions.

    Returns
    -------
    ndarray of shape (n_samples, size * size)
        One flattened (row-major) patch per row.
    """
    n_images, rows, cols = images.shape
    which = rng.integers(n_images, size=n_samples)
    top = rng.integers(rows - size + 1, size=n_samples)
    left = rng.integers(cols - size + 1, size=n_samples)
    windows = sliding_window_view(images, (size, size), axis=(1, 2))
    return windows[which, top, left].reshape(n_samples, size * size)


def normalize_patches(patches: np.ndarray) -> np.ndarray:
    """The UFLDL normalisation: centre each patch, clip at ±3σ, map linearly to [0.1, 0.9].

    σ is the standard deviation of all pixels after each patch's own mean is removed;
    ``x -> (x / 3σ + 1) * 0.4 + 0.1``, so a pixel equal to its patch mean maps to 0.5. The
    range [0.1, 0.9] suits a sigmoid output layer, which never reaches 0 or 1.
    """
    centred = patches - patches.mean(axis=1, keepdims=True)
    bound = CLIP_SIGMAS * centred.std()
    return (np.clip(centred, -bound, bound) / bound + 1.0) * 0.4 + 0.1


def load_natural_patches(n_samples: int | None, rng: np.random.Generator) -> Dataset:
    """Random whitened 8 x 8 natural-image patches (default 10,000), normalised to [0.1, 0.9]."""
    patches = sample_patches(whitened_images(), n_samples or DEFAULT_N_SAMPLES, rng)
    return Dataset(
        name="natural-patches",
        X=normalize_patches(patches),
        image_shape=(PATCH_SIZE, PATCH_SIZE),
        description=(
            "Random 8x8 patches of whitened natural photographs, each centred on its own "
            "mean, clipped at 3 standard deviations and scaled to [0.1, 0.9]."
        ),
    )
