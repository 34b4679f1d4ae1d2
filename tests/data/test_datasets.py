"""Tests for explorer.datasets: shapes, ranges, determinism, preprocessing and errors."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from explorer.datasets import NAMES, Dataset, load, load_mnist, natural
from explorer.datasets import mnist as mnist_module
from explorer.datasets.natural import whitened_images

SHIPPED = ("natural-patches", "digits", "bars")
EXPECTED = {
    # name: (default n_samples, image_shape, value range)
    "natural-patches": (10_000, (8, 8), (0.1, 0.9)),
    "digits": (1797, (8, 8), (0.0, 1.0)),
    "bars": (5000, (8, 8), (0.1, 0.9)),
}


def write_idx(path, images, magic=2051, compress=False, cut=0):
    """Write ``images`` (n, rows, cols) uint8 as an IDX file, minus ``cut`` trailing bytes."""
    data = struct.pack(">4I", magic, *images.shape) + images.astype(np.uint8).tobytes()
    data = data[: len(data) - cut]
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.fixture
def tiny_mnist():
    return np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)


# --- every dataset ---------------------------------------------------------------------


def test_names():
    assert NAMES == ("natural-patches", "digits", "bars", "sparse-dictionary", "mnist")


@pytest.mark.parametrize("name", SHIPPED)
def test_shape_dtype_range(name):
    n_default, image_shape, (low, high) = EXPECTED[name]
    data = load(name, random_state=0)
    assert isinstance(data, Dataset)
    assert data.name == name
    assert data.X.shape == (n_default, 64)
    assert data.X.dtype == np.float64
    assert data.X.flags.c_contiguous
    assert data.image_shape == image_shape
    assert data.X.min() >= low and data.X.max() <= high
    assert data.description.endswith(".")


@pytest.mark.parametrize("name", SHIPPED)
def test_n_samples(name):
    assert load(name, n_samples=37, random_state=1).X.shape == (37, 64)


@pytest.mark.parametrize("name", SHIPPED)
def test_same_seed_same_data_other_seed_other_data(name):
    a = load(name, n_samples=500, random_state=3).X
    b = load(name, n_samples=500, random_state=3).X
    c = load(name, n_samples=500, random_state=4).X
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_generator_is_used_as_given():
    rng = np.random.default_rng(7)
    a = load("bars", n_samples=50, random_state=rng).X
    b = load("bars", n_samples=50, random_state=rng).X  # the generator has moved on
    assert not np.array_equal(a, b)
    both = load("bars", n_samples=50, random_state=np.random.default_rng(7)).X
    assert np.array_equal(a, both)


# --- natural patches ------------------------------------------------------------------


def test_natural_patches_centred_and_clipped():
    X = load("natural-patches", random_state=0).X
    # Each patch was centred before mapping 0 -> 0.5; only clipping moves its mean.
    assert abs(X.mean() - 0.5) < 0.005
    assert np.percentile(np.abs(X.mean(axis=1) - 0.5), 95) < 0.02
    at_bounds = np.mean(np.isclose(X, 0.1) | np.isclose(X, 0.9))
    assert 0.002 < at_bounds < 0.04


def radial_power(images):
    """Mean power spectrum over images, averaged over rings of integer |f| (cycles/picture)."""
    n = images.shape[-1]
    power = np.mean([np.abs(np.fft.fft2(im - im.mean())) ** 2 for im in images], axis=0)
    freq = np.fft.fftfreq(n) * n
    ring = np.rint(np.hypot(freq[:, None], freq[None, :])).astype(int).ravel()
    return np.bincount(ring, power.ravel()) / np.bincount(ring)


def spectral_slope(images, low=8, high=64):
    f = np.arange(low, high + 1)
    return np.polyfit(np.log(f), np.log(radial_power(images)[f]), 1)[0]


def test_whitening_flattens_the_spectrum():
    from explorer.datasets.natural import IMAGES_FILE

    with np.load(IMAGES_FILE) as archive:
        raw = archive["images"].astype(np.float64)
    white = whitened_images()
    assert white.shape == raw.shape
    assert np.allclose(white.std(axis=(1, 2)), 1.0)
    # Natural images fall off roughly as 1/f^2; whitening multiplies power by ~f^2.
    assert spectral_slope(raw) < -1.5
    assert -1.0 < spectral_slope(white) < 0.5
    assert spectral_slope(white) - spectral_slope(raw) > 1.5


def test_whitening_adds_no_border_artifacts():
    # A plain periodic FFT turns the jump between opposite edges into lines ~2 sigma bright.
    white = whitened_images()
    border = np.concatenate([white[:, :2].ravel(), white[:, -2:].ravel()])
    border = np.concatenate([border, white[:, :, :2].ravel(), white[:, :, -2:].ravel()])
    assert np.sqrt(np.mean(border**2)) < 1.2


@pytest.fixture
def whitening(monkeypatch, tmp_path):
    """An empty cache of whitened photos in ``tmp_path``; counts the photos whitened."""
    whitened = []

    def counted(image):
        whitened.append(1)
        return original(image)

    original = natural.whiten
    monkeypatch.setattr(natural, "whiten", counted)
    monkeypatch.setattr(natural, "CACHE_DIR", tmp_path / "natural")
    monkeypatch.setattr(natural, "_HELD", [])
    return whitened


def test_whitened_images_are_whitened_once_and_read_from_a_file(whitening):
    """A process holds them only while it uses them (4 MB of every dashboard kernel, kept for
    its life, before): the file's pages are one copy for every process of the machine."""
    first = whitened_images()
    n_images = len(whitening)
    assert n_images == 8
    again = whitened_images()
    assert len(whitening) == n_images  # not whitened again
    assert isinstance(again, np.memmap) and Path(again.filename).parent == natural.CACHE_DIR
    np.testing.assert_array_equal(again, first)
    assert natural._HELD == []
    for white in (first, again):
        with pytest.raises(ValueError):
            white[0, 0, 0] = 1.0
    assert [f.name for f in natural.CACHE_DIR.iterdir()] == [Path(again.filename).name]


def test_a_cache_file_of_the_wrong_kind_is_whitened_again(whitening):
    fresh = whitened_images()
    file = next(natural.CACHE_DIR.iterdir())
    for wrong in (b"not a numpy file", None):
        if wrong is None:
            np.save(file, np.zeros((3, 2)))  # a NumPy file, not of whitened photos
        else:
            file.write_bytes(wrong)
        whitening.clear()
        np.testing.assert_array_equal(whitened_images(), fresh)
        assert whitening  # whitened again, and written again:
        assert isinstance(whitened_images(), np.memmap)


def test_where_no_file_can_be_written_the_whitened_photos_are_held(whitening, monkeypatch):
    blocked = natural.CACHE_DIR.parent / "a file"
    blocked.write_text("")
    monkeypatch.setattr(natural, "CACHE_DIR", blocked / "natural")  # mkdir fails
    first = whitened_images()
    assert whitened_images() is first and len(whitening) == 8


# --- digits ---------------------------------------------------------------------------


def test_digits_all_and_subset():
    full = load("digits").X
    assert np.allclose(full * 16, np.rint(full * 16))  # 17 grey levels
    subset = load("digits", n_samples=100, random_state=0).X
    full_rows = {row.tobytes() for row in full}
    assert all(row.tobytes() in full_rows for row in subset)
    # Drawn without repeats: asking for all of them gives a permutation.
    shuffled = load("digits", n_samples=1797, random_state=0).X
    assert not np.array_equal(shuffled, full)
    assert np.array_equal(np.unique(shuffled, axis=0), np.unique(full, axis=0))
    assert len(set(map(bytes, shuffled))) == len(set(map(bytes, full)))


def test_digits_too_many():
    with pytest.raises(ValueError, match=r"n_samples.*1797"):
        load("digits", n_samples=1798)


# --- bars -----------------------------------------------------------------------------


def test_bar_components_are_rows_and_columns():
    components = load("bars", n_samples=10, random_state=0).true_features
    assert components.shape == (16, 64)
    assert set(np.unique(components)) == {0.0, 1.0}
    masks = components.reshape(16, 8, 8)
    for i in range(8):
        row, column = np.zeros((8, 8)), np.zeros((8, 8))
        row[i, :] = 1
        column[:, i] = 1
        assert np.array_equal(masks[i], row)
        assert np.array_equal(masks[8 + i], column)


def test_bars_images_are_unions_of_bars():
    data = load("bars", random_state=0)
    on = data.X > 0.5
    assert set(np.unique(data.X)) == {0.1, 0.9}
    # A bar is present when all its 8 pixels are on; those bars must explain every on pixel.
    present = on.astype(float) @ data.true_features.T == 8
    assert np.array_equal((present @ data.true_features) > 0, on)
    assert present.any(axis=1).all()
    # Bars are drawn with probability 1/8, conditioned on at least one bar.
    expected = (1 / 8) / (1 - (7 / 8) ** 16)
    assert abs(present.mean() - expected) < 0.01


# --- mnist ----------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_idx_exactly(tmp_path, tiny_mnist, compress):
    name = "train-images-idx3-ubyte" + (".gz" if compress else "")
    file = write_idx(tmp_path / name, tiny_mnist, compress=compress)
    for path in (tmp_path, file, str(tmp_path)):
        data = load_mnist(path=path)
        assert data.image_shape == (28, 28)
        assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
        assert np.array_equal(data.X, tiny_mnist.reshape(5, 784) / 255.0)
    assert np.array_equal(load_mnist(path=tmp_path, n_samples=2).X, data.X[:2])
    assert np.array_equal(load("mnist", n_samples=3, path=tmp_path).X, data.X[:3])


def test_load_mnist_truncated(tmp_path, tiny_mnist):
    write_idx(tmp_path / "train-images-idx3-ubyte", tiny_mnist, cut=10)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*bytes, expected"):
        load_mnist(path=tmp_path)


def test_load_mnist_truncated_gzip(tmp_path, tiny_mnist):
    file = write_idx(tmp_path / "train-images-idx3-ubyte.gz", tiny_mnist, compress=True)
    file.write_bytes(file.read_bytes()[:-20])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz.*gzip"):
        load_mnist(path=file)


def test_load_mnist_wrong_magic(tmp_path, tiny_mnist):
    file = write_idx(tmp_path / "labels", tiny_mnist, magic=2049)
    with pytest.raises(ValueError, match=r"labels.*magic number is 2049, expected 2051"):
        load_mnist(path=file)


def test_load_mnist_too_short_for_header(tmp_path):
    file = tmp_path / "train-images-idx3-ubyte"
    file.write_bytes(b"\x00\x00\x08")
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*header"):
        load_mnist(path=file)


def test_load_mnist_missing_path(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(ValueError, match=r"path=.*nowhere.*does not exist"):
        load_mnist(path=missing)
    with pytest.raises(ValueError, match=r"path=.*nowhere.*does not exist"):
        load("mnist", path=missing)


def test_load_mnist_directory_without_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="holds none of train-images-idx3-ubyte"):
        load_mnist(path=tmp_path)


def test_load_mnist_empty_cache_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_mnist(cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert str(tmp_path / "cache") in message
    assert "path=" in message and "download=True" in message


def test_load_mnist_reads_from_cache(tmp_path, tiny_mnist):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", tiny_mnist, compress=True)
    assert load_mnist(cache_dir=tmp_path).X.shape == (5, 784)


def test_load_mnist_n_samples_beyond_file(tmp_path, tiny_mnist):
    write_idx(tmp_path / "train-images-idx3-ubyte", tiny_mnist)
    with pytest.raises(ValueError, match="n_samples must be at most 5"):
        load_mnist(path=tmp_path, n_samples=6)


def test_download_failure_is_file_not_found(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(FileNotFoundError, match=r"download .* failed.*no network"):
        load_mnist(cache_dir=tmp_path, download=True)
    assert list(tmp_path.iterdir()) == []


def test_download_checks_and_caches(tmp_path, tiny_mnist, monkeypatch):
    payload = gzip.compress(struct.pack(">4I", 2051, 5, 28, 28) + tiny_mnist.tobytes())
    calls = []

    def fake_urlopen(url, timeout):
        calls.append(url)
        return io.BytesIO(payload)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(FileNotFoundError, match="SHA-256"):
        load_mnist(cache_dir=tmp_path, download=True)
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(mnist_module, "SHA256", hashlib.sha256(payload).hexdigest())
    data = load_mnist(cache_dir=tmp_path / "cache", download=True)
    assert np.array_equal(data.X, tiny_mnist.reshape(5, 784) / 255.0)
    assert (tmp_path / "cache" / "train-images-idx3-ubyte.gz").read_bytes() == payload
    load_mnist(cache_dir=tmp_path / "cache", download=True)  # now cached: no second call
    assert calls == [mnist_module.URL, mnist_module.URL]


# --- bad input ------------------------------------------------------------------------


def test_unknown_name_lists_the_names():
    with pytest.raises(ValueError, match="cifar") as error:
        load("cifar")
    for name in NAMES:
        assert name in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"name": 3}, TypeError, "name must be a str"),
        ({"name": "bars", "n_samples": 0}, ValueError, "n_samples.*0"),
        ({"name": "bars", "n_samples": -5}, ValueError, "n_samples.*-5"),
        ({"name": "bars", "n_samples": 2.5}, TypeError, "n_samples.*2.5"),
        ({"name": "bars", "n_samples": True}, TypeError, "n_samples.*True"),
        ({"name": "bars", "random_state": "seed"}, TypeError, "random_state.*seed"),
        ({"name": "bars", "random_state": -1}, ValueError, "random_state.*-1"),
        ({"name": "bars", "path": "x"}, ValueError, "path='x' is only used by 'mnist'"),
        ({"name": "mnist", "path": 3}, TypeError, "path must be a str or os.PathLike, got 3"),
    ],
)
def test_bad_input(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        load(**kwargs)


def test_numpy_integer_n_samples_accepted():
    assert load("bars", n_samples=np.int64(4), random_state=0).X.shape == (4, 64)


def test_dataset_checks_its_contract():
    with pytest.raises(ValueError, match="image_shape"):
        Dataset("x", np.zeros((2, 64)), (8, 7), "Nothing.")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Dataset("x", np.full((2, 4), 2.0), (2, 2), "Nothing.")
    with pytest.raises(ValueError, match="float64 or float32"):
        Dataset("x", np.zeros((2, 4), dtype=np.float16), (2, 2), "Nothing.")
    with pytest.raises(ValueError, match="float64 or float32"):
        Dataset("x", np.zeros((2, 4), dtype=np.int64), (2, 2), "Nothing.")
    single = Dataset("x", np.zeros((2, 4), dtype=np.float32), (2, 2), "Nothing.")  # a session's
    assert single.X.dtype == np.float32
