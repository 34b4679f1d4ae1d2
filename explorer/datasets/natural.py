"""Whitened natural-image patches (Olshausen & Field 1997; the UFLDL sparse-autoencoder exercise).

The photos ship as uint8 in ``files/natural_images.npz``; whitening happens at load time, once
per user and machine: the whitened photos are kept in a file of the user's cache
(``whitened_images``).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._dataset import Dataset
from ._validation import FILES_DIR

IMAGES_FILE = FILES_DIR / "natural_images.npz"
#: Where ``whitened_images`` keeps the whitened photos for every process of this user.
CACHE_DIR = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "sparse-autoencoder-explorer"
    / "natural"
)
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


def whitened_images() -> np.ndarray:
    """The shipped photos, each whitened by `whiten`; shape (n_images, N, N), read-only.

    Whitening them takes ~50 ms, sampling patches from them a few: they are whitened once and
    kept in a file of the user's cache (``CACHE_DIR``), which each call maps. A process holds
    them only while it samples: held for the process's life, as before, they were 4 MB of every
    dashboard kernel's memory, while the file's pages are one copy in the system's file cache
    for every kernel of the machine. The file's name holds a hash of what the result depends on
    (the photos, this module's code, NumPy's version): anything else is whitened again. Where
    the cache cannot be written, the whitened photos are held in memory instead.
    """
    if _HELD:
        return _HELD[0]
    file = CACHE_DIR / f"whitened-{_version()}.npy"
    try:
        return _mapped(file)
    except (OSError, ValueError):  # absent, or not a whole file of the right kind
        pass
    white = _whiten_photos()
    try:
        _keep(white, file)
    except OSError:
        _HELD.append(white)
    return white


#: The whitened photos, held here only where they cannot be kept in a file.
_HELD: list[np.ndarray] = []


@functools.cache
def _version() -> str:
    """A hash of what the whitened photos depend on: the photos, this code, NumPy's version."""
    digest = hashlib.sha256(IMAGES_FILE.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(np.__version__.encode())
    return digest.hexdigest()[:16]


def _whiten_photos() -> np.ndarray:
    with np.load(IMAGES_FILE) as archive:
        images = archive["images"]
    white = np.stack([whiten(image) for image in images])
    # Every caller may share this array; nobody may change it.
    white.flags.writeable = False
    return white


def _mapped(file: Path) -> np.ndarray:
    white = np.load(file, mmap_mode="r")  # read-only; the pages come as they are read
    if white.dtype != np.float64 or white.ndim != 3 or white.shape[1] != white.shape[2]:
        raise ValueError(f"{file} holds no whitened photos")
    return white


def _keep(white: np.ndarray, file: Path) -> None:
    """Write ``white`` to ``file`` whole or not at all: other processes may read it any time.
    Files of other versions stay (they may be in use, by another installation)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(f"{file.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            np.save(out, white, allow_pickle=False)
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)


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
