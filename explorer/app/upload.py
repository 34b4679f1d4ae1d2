"""Decode uploaded PNG/JPEG files into grayscale arrays, safely and within explicit limits.

Uploads come from anyone who can open the page, so every limit is checked before the costly
step it protects: the byte size before parsing, the format and the pixel count (read from the
header) before decoding, and JPEGs are decoded at reduced scale when they are large. Pillow
does the decoding (this module is app layer; ``explorer.datasets`` stays NumPy-only), imported
with the first upload, not with the dashboard: 3.5 MB of a kernel's memory that most never use.
"""

from __future__ import annotations

import io
import warnings
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

MAX_FILE_BYTES = 10_000_000
MAX_FILES = 8
MAX_PIXELS = 40_000_000
MAX_SIDE = 512
MIN_SIDE = 16

#: Formats Pillow may report -> the name users know. MPO is the multi-picture JPEG many
#: cameras write; its first picture is a plain JPEG.
FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG"}

#: Pillow mode -> (mode to convert to before resizing, value of white). 16-bit PNGs become
#: floats, since Pillow's conversion of them to 8 bits clips at 255 instead of scaling.
GRAY = {
    "I;16": ("F", 65535.0),
    "I;16B": ("F", 65535.0),
    "I;16L": ("F", 65535.0),
    "I": ("F", 65535.0),
}
DEFAULT_GRAY = ("L", 255.0)

#: What Pillow raises on data it cannot decode (zlib.error: a broken PNG stream).
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, zlib.error)


def _open(name: str, data: bytes) -> Image.Image:
    """Parse the header only; refuse a non-image or a decompression bomb."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ValueError(f"{name}: the file is empty: upload a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; make that a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValueError(
            f"{name}: refused as a possible decompression bomb ({exc}); at most "
            f"{MAX_PIXELS:,} pixels are allowed"
        ) from None
    except UnidentifiedImageError:
        raise ValueError(
            f"{name}: not an image Pillow can read (corrupt, or not an image): upload PNG or JPEG"
        ) from None


def _check_header(name: str, image: Image.Image) -> None:
    if image.format not in FORMATS:
        raise ValueError(f"{name}: format {image.format} is not allowed: upload PNG or JPEG")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"{name}: {width}x{height} = {width * height:,} pixels is too many: at most "
            f"{MAX_PIXELS:,} pixels ({MAX_PIXELS / 1e6:g} megapixels) are allowed"
        )
    if min(width, height) < MIN_SIDE:
        raise ValueError(
            f"{name}: {width}x{height} pixels is too small: each side must be at least "
            f"{MIN_SIDE} pixels"
        )


def decode_image(name: str, data: bytes | bytearray | memoryview) -> np.ndarray:
    """Decode one PNG or JPEG file into a grayscale image.

    The format is judged from the file's contents, not its name. Of an animated or
    multi-picture file the first frame is used; transparency is ignored. An image whose
    longer side exceeds 512 pixels is shrunk to 512 (keeping its aspect ratio) before it is
    converted to floats.

    Parameters
    ----------
    name : str
        The file name, used only in messages.
    data : bytes-like
        The file's contents.

    Returns
    -------
    ndarray of shape (rows, cols), float64
        Gray levels in [0, 1]; each side in [16, 512].

    Raises
    ------
    ValueError
        Naming the file, the value and the limit: more than 10 MB, not PNG or JPEG, more than
        40 megapixels, a side under 16 pixels (also after shrinking), or corrupt/truncated data.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name}: data must be bytes, got {type(data).__name__}")
    size = memoryview(data).nbytes
    if size > MAX_FILE_BYTES:
        raise ValueError(
            f"{name}: {size:,} bytes is too large: at most {MAX_FILE_BYTES:,} bytes "
            f"({MAX_FILE_BYTES / 1e6:g} MB) per file"
        )
    from PIL import Image

    image = _open(name, bytes(data))
    with image:
        _check_header(name, image)
        mode, white = GRAY.get(image.mode, DEFAULT_GRAY)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                # A JPEG can decode straight to gray at 1/2 .. 1/8 scale: far less memory.
                image.draft("L", (MAX_SIDE, MAX_SIDE))
                gray = image.convert(mode)
                gray.thumbnail((MAX_SIDE, MAX_SIDE))
        except DECODE_ERRORS as exc:
            raise ValueError(
                f"{name}: the {FORMATS[image.format]} data is corrupt or truncated and cannot "
                f"be decoded ({exc})"
            ) from None
    pixels = np.asarray(gray, dtype=np.float64) / white
    if min(pixels.shape) < MIN_SIDE:
        raise ValueError(
            f"{name}: {image.size[0]}x{image.size[1]} pixels shrinks to "
            f"{pixels.shape[1]}x{pixels.shape[0]} (longer side at most {MAX_SIDE}): each side "
            f"must be at least {MIN_SIDE} pixels; crop the image to a less elongated shape"
        )
    return np.clip(pixels, 0.0, 1.0)


def decode_uploads(values: Sequence[Any]) -> list[np.ndarray]:
    """Decode an ipywidgets 8 ``FileUpload.value``: a sequence of dicts with ``name`` and
    ``content``. Refuses more than 8 files; any bad file refuses the whole upload."""
    if isinstance(values, dict) or not isinstance(values, Sequence):
        raise TypeError(
            f"values must be a sequence of dicts with 'name' and 'content' "
            f"(ipywidgets 8 FileUpload.value), got {type(values).__name__}"
        )
    if len(values) > MAX_FILES:
        raise ValueError(
            f"{len(values)} files were uploaded: at most {MAX_FILES} files are allowed at a time"
        )
    return [decode_image(str(v["name"]), v["content"]) for v in values]
