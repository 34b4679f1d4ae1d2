"""Your own images: safe decoding within limits, the patch data set, and the upload panel."""

from __future__ import annotations

import io
import re
import struct
import zlib

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from explorer import Explorer
from explorer.app import upload
from explorer.app.upload import decode_image, decode_uploads
from explorer.datasets import from_images
from explorer.datasets.images import sample_patches_weighted


def scene(rows: int = 48, cols: int = 64) -> np.ndarray:
    """A gray-level image with edges: a gradient, a bright rectangle and a dark diagonal band."""
    y, x = np.mgrid[:rows, :cols]
    image = 60 + 80 * x / cols
    image[rows // 4 : rows // 2, cols // 5 : cols // 2] = 230
    image[np.abs(x - y - cols // 4) < 3] = 10
    return image.astype(np.uint8)


def encode(image: np.ndarray | Image.Image, fmt: str, **options: object) -> bytes:
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (its pixel data is missing)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(b"\0" * 64)),
            chunk(b"IEND", b""),
        ]
    )


def refused(start: str):
    """Expect a ValueError whose message starts with ``start`` (taken literally)."""
    return pytest.raises(ValueError, match="^" + re.escape(start))


def file_value(name: str, data: bytes) -> dict:
    """One file as the page sends it to an ipywidgets 8 FileUpload."""
    return {
        "name": name,
        "type": "",
        "size": len(data),
        "last_modified": 0,
        "content": memoryview(data),
    }


def page_uploads(uploader: widgets.FileUpload, *files: dict) -> None:
    """Set the value the way a page's upload does (as JSON state, deserialised)."""
    uploader.set_state({"value": list(files)})


# ---------------------------------------------------------------- decoding
def test_png_decodes_exactly_to_gray_levels_in_unit_range() -> None:
    image = scene()
    pixels = decode_image("scene.png", encode(image, "PNG"))
    assert pixels.shape == (48, 64) and pixels.dtype == np.float64
    np.testing.assert_array_equal(pixels, image / 255.0)


def test_color_jpeg_decodes_to_gray_close_to_the_original() -> None:
    image = scene()
    rgb = np.stack([image, image, image], axis=-1)
    pixels = decode_image("scene.jpg", encode(rgb, "JPEG", quality=95))
    assert pixels.shape == (48, 64) and 0.0 <= pixels.min() and pixels.max() <= 1.0
    assert np.abs(pixels - image / 255.0).mean() < 0.02


def test_sixteen_bit_png_is_scaled_not_clipped() -> None:
    image = scene().astype(np.uint16) * 257
    pixels = decode_image("deep.png", encode(image, "PNG"))
    np.testing.assert_allclose(pixels, image / 65535.0)


def test_large_images_shrink_to_512_pixels_keeping_their_shape() -> None:
    image = np.kron(scene(), np.ones((25, 25), np.uint8))  # 1200 x 1600
    for name, fmt in (("big.png", "PNG"), ("big.jpg", "JPEG")):
        assert decode_image(name, encode(image, fmt)).shape == (384, 512)


def test_format_is_judged_from_the_contents_not_the_name() -> None:
    gif = encode(scene(), "GIF")
    for name in ("photo.gif", "photo.png"):
        with refused(f"{name}: format GIF is not allowed: upload PNG or JPEG"):
            decode_image(name, gif)
    assert decode_image("really-a-png.gif", encode(scene(), "PNG")).shape == (48, 64)


def test_animated_png_gives_its_first_frame() -> None:
    first, second = Image.fromarray(scene()), Image.fromarray(255 - scene())
    data = encode(first, "PNG", save_all=True, append_images=[second])
    np.testing.assert_array_equal(decode_image("anim.png", data), scene() / 255.0)


def test_file_over_the_byte_limit_is_refused_before_decoding(monkeypatch) -> None:
    data = encode(scene(), "PNG")
    monkeypatch.setattr(upload, "MAX_FILE_BYTES", len(data) - 1)
    message = f"big.png: {len(data):,} bytes is too large: at most {len(data) - 1:,} bytes"
    with refused(message):
        decode_image("big.png", data)


def test_too_many_files_are_refused() -> None:
    data = encode(scene(), "PNG")
    assert len(decode_uploads([file_value(f"{i}.png", data) for i in range(8)])) == 8
    with refused("9 files were uploaded: at most 8 files"):
        decode_uploads([file_value(f"{i}.png", data) for i in range(9)])


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((10, 40), "tiny.png: 40x10 pixels is too small: each side must be at least 16 pixels"),
        (
            (16, 1000),
            "tiny.png: 1000x16 pixels shrinks to 512x8 (longer side at most 512): each "
            "side must be at least 16 pixels",
        ),
    ],
)
def test_too_small_images_are_refused(shape: tuple[int, int], message: str) -> None:
    image = np.random.default_rng(0).integers(0, 256, shape).astype(np.uint8)
    with refused(message):
        decode_image("tiny.png", encode(image, "PNG"))


def test_corrupt_and_truncated_data_are_refused_clearly() -> None:
    image = np.random.default_rng(0).integers(0, 256, (64, 64)).astype(np.uint8)
    for name, fmt in (("cut.png", "PNG"), ("cut.jpg", "JPEG")):
        data = encode(image, fmt)
        with refused(f"{name}: the {fmt} data is corrupt or truncated"):
            decode_image(name, data[: len(data) // 2])
    with refused("noise.png: not an image Pillow can read"):
        decode_image("noise.png", b"certainly not an image" * 10)
    with refused("empty.jpg: the file is empty"):
        decode_image("empty.jpg", b"")


def test_decompression_bombs_are_refused_from_the_header() -> None:
    # Pillow's own guard (> 2 x 89 megapixels) stops this one while opening...
    with refused("bomb.png: refused as a possible decompression bomb"):
        decode_image("bomb.png", png_header_only(20000, 20000))
    # ...ours (40 megapixels) stops this one before any pixel is decoded.
    with refused("big.png: 7000x7000 = 49,000,000 pixels is too many: at most 40,000,000"):
        decode_image("big.png", png_header_only(7000, 7000))


def test_pixel_limit_applies_to_real_images(monkeypatch) -> None:
    monkeypatch.setattr(upload, "MAX_PIXELS", 48 * 64 - 1)
    with refused("a.jpg: 64x48 = 3,072 pixels is too many: at most 3,071 pixels"):
        decode_image("a.jpg", encode(scene(), "JPEG"))


# ---------------------------------------------------------------- data set
def test_from_images_gives_normalised_patches_deterministically() -> None:
    images = [scene() / 255.0, np.kron(scene(), np.ones((2, 3)))]
    data = from_images(images, n_samples=700, rng=4)
    assert data.name == "your-images" and data.image_shape == (8, 8)
    assert data.X.shape == (700, 64)
    assert data.X.min() >= 0.1 - 1e-12 and data.X.max() <= 0.9 + 1e-12
    np.testing.assert_array_equal(from_images(images, n_samples=700, rng=4).X, data.X)
    assert not np.array_equal(from_images(images, n_samples=700, rng=5).X, data.X)


def test_bigger_images_give_proportionally_more_patches() -> None:
    # The images are told apart by their values: 0 in the small one, 1 in the big one.
    small, big = np.zeros((8, 8)), np.ones((107, 108))  # 1 vs 100 * 101 positions
    patches = sample_patches_weighted([small, big], 20_000, np.random.default_rng(0))
    share = (patches[:, 0] == 0).mean()
    assert share == pytest.approx(1 / (1 + 100 * 101), abs=5e-4)
    # Positions inside the big image are uniform: every row and column offset is drawn.
    ramp = np.add.outer(np.arange(107) * 1000.0, np.arange(108))
    corners = sample_patches_weighted([ramp], 50_000, np.random.default_rng(1))[:, 0]
    assert set(np.unique(corners // 1000)) == set(range(100))
    assert set(np.unique(corners % 1000)) == set(range(101))


@pytest.mark.parametrize(
    ("images", "error", "message"),
    [
        ([], ValueError, "images is empty"),
        (np.zeros((20, 20)), TypeError, "for one image pass \\[image\\]"),
        ([np.zeros(30)], ValueError, r"images\[0\] must be a 2-D array"),
        ([np.ones((5, 30))], ValueError, r"images\[0\] has shape \(5, 30\): each side must be at"),
        ([np.ones((20, 20))], ValueError, r"images\[0\] is constant"),
        ([np.full((20, 20), np.nan)], ValueError, r"images\[0\] contains NaN"),
    ],
)
def test_from_images_refuses_bad_input(images: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        from_images(images, n_samples=10, rng=0)


def test_from_images_checks_n_samples_and_rng() -> None:
    with pytest.raises(ValueError, match="n_samples must be a positive int"):
        from_images([scene()], n_samples=0)
    with pytest.raises(TypeError, match="rng='seed' is not allowed"):
        from_images([scene()], rng="seed")


# ---------------------------------------------------------------- panel
@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=600)


def panel_parts(app: Explorer) -> tuple[widgets.FileUpload, widgets.HTML]:
    panel = app.panels["Your images"]
    intro, uploader, report = panel.intro, panel.upload, panel.report
    assert isinstance(uploader, widgets.FileUpload) and uploader.multiple
    assert "whitened" in intro.value and "restarts" in intro.value
    return uploader, report


def test_uploading_images_switches_training_to_them(app: Explorer) -> None:
    uploader, report = panel_parts(app)
    app.step(3)
    page_uploads(
        uploader,
        file_value("a.png", encode(scene(), "PNG")),
        file_value("b.jpg", encode(scene(64, 80), "JPEG")),
    )
    session = app.session
    assert session.dataset.name == "your-images" and session.n_steps == 0
    assert session.X.shape == (600, 64)
    assert app.controls["dataset"].value == "your-images"
    assert "your-images" in app.controls["dataset"].options
    assert report.value == "2 images, 600 patches"
    assert uploader.value == ()  # the bytes are not kept
    app.step(2)
    assert app.session.n_steps == 2
    # The data set control can leave and come back to the uploaded images.
    app.controls["dataset"].value = "bars"
    app.controls["dataset"].value = "your-images"
    assert app.session.dataset.name == "your-images"
    # And code can, by the name the control shows, as the control does.
    app.apply({"dataset": "bars"})
    assert app.apply({"dataset": "your-images"}) and app.session.X.shape == (600, 64)


def test_a_bad_upload_changes_nothing_and_says_why(app: Explorer) -> None:
    uploader, report = panel_parts(app)
    app.step(3)
    weights = app.session.model.theta_.copy()
    page_uploads(
        uploader,
        file_value("ok.png", encode(scene(), "PNG")),
        file_value("photo.gif", encode(scene(), "GIF")),
    )
    assert app.session.dataset.name == "natural-patches" and app.session.n_steps == 3
    np.testing.assert_array_equal(app.session.model.theta_, weights)
    assert app.controls["dataset"].value == "natural-patches"
    assert "your-images" not in app.controls["dataset"].options
    expected = "photo.gif: format GIF is not allowed: upload PNG or JPEG"
    assert expected in report.value and expected in app.status.value


def test_explorer_serve_lets_a_full_upload_through() -> None:
    """All files chosen at once travel in one websocket message, which tornado drops silently
    when it is over its limit: ``explorer serve`` must allow the panel's largest upload."""
    from explorer.app.upload import MAX_FILE_BYTES, MAX_FILES
    from explorer.serving.voila import TORNADO_SETTINGS

    assert TORNADO_SETTINGS["websocket_max_message_size"] > MAX_FILES * MAX_FILE_BYTES
