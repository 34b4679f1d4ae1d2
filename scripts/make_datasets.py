"""Convert bundled scikit-image and scikit-learn data into the explorer's shipped .npz files.

Run once from the repository root::

    python scripts/make_datasets.py

It needs scikit-image and scikit-learn (only here: the ``explorer`` package itself reads the
results with NumPy alone). The sources and their licences are listed in
``explorer/datasets/files/DATA-LICENSES``; keep that file in step with ``PHOTOS`` below.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import skimage.data
import sklearn.datasets
from skimage.color import rgb2gray
from skimage.transform import resize
from skimage.util import img_as_ubyte

OUT_DIR = Path(__file__).resolve().parent.parent / "explorer" / "datasets" / "files"

# Only photographs whose skimage docstring states public domain or CC0. Clock (motion
# blurred), coins ("no known copyright restrictions", no explicit licence) and the
# synthetic or medical images are left out on purpose.
PHOTOS = ("camera", "astronaut", "coffee", "chelsea", "rocket", "grass", "gravel", "brick")

# 256 rather than 512: chelsea (300 px), coffee (400 px) and rocket (427 px) would have to
# be upsampled to reach 512, leaving empty high frequencies that whitening would amplify.
SIZE = 256


def to_square_gray(image: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Grayscale, centre-crop to a square and resize (with anti-aliasing) to ``size``."""
    gray = rgb2gray(image) if image.ndim == 3 else image
    rows, cols = gray.shape
    side = min(rows, cols)
    top, left = (rows - side) // 2, (cols - side) // 2
    square = gray[top : top + side, left : left + side]
    return img_as_ubyte(resize(square, (size, size), anti_aliasing=True))


def natural_images() -> np.ndarray:
    """The photos in ``PHOTOS`` as one ``(n, SIZE, SIZE)`` uint8 stack."""
    return np.stack([to_square_gray(getattr(skimage.data, name)()) for name in PHOTOS])


def digits() -> np.ndarray:
    """The 1797 UCI digits as ``(1797, 8, 8)`` uint8 with values 0..16."""
    # Read scikit-learn's bundled CSV directly: 64 pixel columns then the label.
    csv = Path(sklearn.datasets.__file__).parent / "data" / "digits.csv.gz"
    with gzip.open(csv, "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    pixels = table[:, :64]
    if not np.array_equal(pixels, np.round(pixels)) or pixels.min() < 0 or pixels.max() > 16:
        raise ValueError(f"{csv}: expected integer pixels in 0..16")
    return pixels.astype(np.uint8).reshape(-1, 8, 8)


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    images = natural_images()
    np.savez_compressed(OUT_DIR / "natural_images.npz", images=images, names=np.array(PHOTOS))
    np.savez_compressed(OUT_DIR / "digits.npz", images=digits())
    for name in ("natural_images.npz", "digits.npz"):
        path = OUT_DIR / name
        print(f"{path}: {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
