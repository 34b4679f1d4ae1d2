"""MNIST training images read from the original IDX files, never shipped with the package.

The files come from a local path or a per-user cache; downloading into the cache happens
only when asked for (``download=True``), never at import.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from ._dataset import Dataset
from ._validation import as_path, check_n_samples

IMAGES_MAGIC = 2051  # IDX: unsigned bytes (0x08), 3 dimensions (0x03)
HEADER = struct.Struct(">4I")  # magic, n_images, rows, cols; big-endian
# Names in which the images file is distributed: the original, gzipped, and a common variant.
FILE_NAMES = ("train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-images.idx3-ubyte")
URL = "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz"
SHA256 = "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
DOWNLOAD_TIMEOUT = 60  # seconds without data before giving up


def default_cache_dir() -> Path:
    """``~/.cache/sparse-autoencoder-explorer/mnist``."""
    return Path.home() / ".cache" / "sparse-autoencoder-explorer" / "mnist"


def read_idx_images(file: str | os.PathLike) -> np.ndarray:
    """Read an IDX image file (plain or gzip-compressed) into a uint8 array.

    Parameters
    ----------
    file : str or os.PathLike
        The file; gzip compression is recognised from its content, not its name.

    Returns
    -------
    ndarray of shape (n_images, rows, cols), uint8, read-only

    Raises
    ------
    ValueError
        If the file is not a complete IDX unsigned-byte image file: the message names the
        file and what is wrong (magic number, dimensions or length).
    """
    file = Path(file)
    raw = file.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{file}: corrupt or truncated gzip data ({error})") from error
    if len(raw) < HEADER.size:
        raise ValueError(
            f"{file}: {len(raw)} bytes, too short for the {HEADER.size}-byte IDX header"
        )
    magic, n_images, rows, cols = HEADER.unpack_from(raw)
    if magic != IMAGES_MAGIC:
        raise ValueError(
            f"{file}: IDX magic number is {magic}, expected {IMAGES_MAGIC} for an image file "
            "(labels files have 2049); is this train-images-idx3-ubyte?"
        )
    if 0 in (n_images, rows, cols):
        raise ValueError(f"{file}: header dimensions {n_images} x {rows} x {cols} contain a 0")
    expected = HEADER.size + n_images * rows * cols
    if len(raw) != expected:
        raise ValueError(
            f"{file}: {len(raw)} bytes, expected {expected} for {n_images} images of "
            f"{rows} x {cols} pixels; the file is truncated or not an IDX image file"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=HEADER.size).reshape(n_images, rows, cols)


def find_images_file(directory: Path) -> Path | None:
    """The first of `FILE_NAMES` present in ``directory``, or None."""
    return next((directory / n for n in FILE_NAMES if (directory / n).is_file()), None)


def _instructions(directory: Path) -> str:
    return (
        f"Put train-images-idx3-ubyte or train-images-idx3-ubyte.gz (from {URL}) in "
        f"{directory}, or pass path= the directory holding it or the file itself, "
        "or call load_mnist(download=True) where the network is available."
    )


def download_images(directory: Path) -> Path:
    """Download the gzipped training images into ``directory`` and check their SHA-256.

    Raises
    ------
    FileNotFoundError
        If the download fails or its checksum is wrong; nothing is left in ``directory``.
    """
    try:
        with urllib.request.urlopen(URL, timeout=DOWNLOAD_TIMEOUT) as response:
            data = response.read()
    except (OSError, ValueError) as error:  # URLError and timeouts are OSErrors
        raise FileNotFoundError(
            f"MNIST download from {URL} failed ({error}). {_instructions(directory)}"
        ) from error
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise FileNotFoundError(
            f"MNIST download from {URL} has the wrong SHA-256 checksum (corrupt or changed "
            f"file). {_instructions(directory)}"
        )
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / FILE_NAMES[1]
    # Write under a temporary name and rename, so that an interrupted write is never found.
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def load_mnist(
    path: str | os.PathLike | None = None,
    n_samples: int | None = None,
    download: bool = False,
    cache_dir: str | os.PathLike | None = None,
) -> Dataset:
    """Load the MNIST training images, scaled to [0, 1].

    Parameters
    ----------
    path : str or os.PathLike, optional
        A directory holding ``train-images-idx3-ubyte`` (optionally ``.gz``), or that file
        itself. If None, the file is looked for in ``cache_dir``.
    n_samples : int, optional
        Keep the first ``n_samples`` images (the MNIST convention; the UFLDL exercise used
        the first 10,000). None keeps all 60,000.
    download : bool, default False
        If ``path`` is None and the cache lacks the file, download it into the cache from
        the ossci-datasets mirror of yann.lecun.com and check its SHA-256.
    cache_dir : str or os.PathLike, optional
        Where to look for (and download to) the file when ``path`` is None; default
        ``~/.cache/sparse-autoencoder-explorer/mnist``.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 784) and ``image_shape`` (28, 28) for MNIST (taken from
        the file header).

    Raises
    ------
    FileNotFoundError
        If ``path`` is None and the file is neither in the cache nor downloadable, or if
        the directory ``path`` does not hold it; the message says where to put it.
    ValueError
        If ``path`` does not exist, ``n_samples`` is not a positive int or exceeds the file,
        or the file is not a valid IDX image file.
    TypeError
        If a parameter has the wrong type.
    """
    n_samples = check_n_samples(n_samples)
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {download!r}")
    if path is not None:
        path = as_path(path, "path")
        if not path.exists():
            raise ValueError(
                f"path={str(path)!r} does not exist; pass the directory holding "
                f"{FILE_NAMES[0]} (or .gz) or that file itself"
            )
        file = path if path.is_file() else find_images_file(path)
        if file is None:
            raise FileNotFoundError(
                f"path={str(path)!r} holds none of {', '.join(FILE_NAMES)}. {_instructions(path)}"
            )
    else:
        cache = default_cache_dir() if cache_dir is None else as_path(cache_dir, "cache_dir")
        file = find_images_file(cache)
        if file is None and not download:
            raise FileNotFoundError(f"MNIST images not found in {cache}. {_instructions(cache)}")
        if file is None:
            file = download_images(cache)
    images = read_idx_images(file)
    if n_samples is not None:
        check_n_samples(n_samples, maximum=len(images), source=str(file))
        images = images[:n_samples]
    return Dataset(
        name="mnist",
        X=images.reshape(len(images), -1) / 255.0,
        image_shape=images.shape[1:],
        description="Handwritten digits from MNIST, 28x28 pixels scaled to [0, 1].",
    )
