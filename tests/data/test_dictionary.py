"""Tests for the sparse-dictionary data set: what it is made of, its settings and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.datasets import NAMES, load, options
from explorer.datasets.dictionary import NAME, WEIGHTS, image_shape
from explorer.training import Session

SMALL = {"n_samples": 400, "random_state": 0}


def logit(x):
    return np.log(x) - np.log1p(-x)


def codes_of(data):
    """The weights each input gives each atom, read back from noise-free inputs: logit(X) is
    g·(codes @ atoms), and the atoms (fewer than the pixels) are linearly independent."""
    return logit(data.X) @ np.linalg.pinv(data.true_features)


def test_it_is_registered_with_its_settings():
    assert NAME == "sparse-dictionary" and NAME in NAMES
    assert list(options(NAME)) == ["n_atoms", "input_dim", "n_active", "noise"]
    assert options("bars") == {}


def test_shape_range_and_true_features():
    data = load(NAME, random_state=0)
    assert data.X.shape == (5000, 64) and data.X.dtype == np.float64 and data.X.flags.c_contiguous
    # Strictly inside (0, 1), where a sigmoid decoder reaches, and spread over most of it.
    assert 0 < data.X.min() and data.X.max() < 1
    assert np.percentile(data.X, 2) < 0.2 and np.percentile(data.X, 98) > 0.8
    assert data.image_shape == (8, 8)
    assert data.true_features.shape == (20, 64)
    np.testing.assert_allclose(np.linalg.norm(data.true_features, axis=1), 1.0)
    assert data.options == {"n_atoms": 20, "input_dim": 64, "n_active": 3, "noise": 0.1}
    assert data.description.endswith(".")


def test_every_input_is_exactly_n_active_atoms_with_weights_in_range():
    data = load(NAME, **SMALL, n_atoms=12, n_active=4, noise=0.0)
    codes = codes_of(data)
    active = np.abs(codes) > 1e-6
    assert np.all(active.sum(axis=1) == 4)
    weights = codes[active] / np.sqrt(64 / (4 * 7 / 3))  # the gain g of the module's docstring
    assert WEIGHTS[0] - 1e-9 <= weights.min() and weights.max() <= WEIGHTS[1] + 1e-9
    # Every atom is used, about as often as any other (4 of 12 per input: 1/3 of 400).
    assert np.all(np.abs(active.mean(axis=0) - 1 / 3) < 0.1)


def test_noise_is_what_it_says_before_the_sigmoid():
    clean = load(NAME, **SMALL, noise=0.0)
    noisy = load(NAME, **SMALL, noise=0.5)
    # The same seed draws the same atoms and codes first, then the noise.
    np.testing.assert_array_equal(clean.true_features, noisy.true_features)
    residual = logit(noisy.X) - logit(clean.X)
    assert abs(residual.std() - 0.5) < 0.02 and abs(residual.mean()) < 0.02


def test_seeded_and_sized():
    a, b = load(NAME, **SMALL), load(NAME, **SMALL)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, load(NAME, n_samples=400, random_state=1).X)
    wide = load(NAME, n_samples=10, random_state=0, input_dim=60, n_atoms=90, n_active=7)
    assert wide.X.shape == (10, 60) and wide.image_shape == (6, 10)
    assert wide.true_features.shape == (90, 60)  # more atoms than pixels: superposition


@pytest.mark.parametrize(("n", "shape"), [(64, (8, 8)), (60, (6, 10)), (61, (1, 61)), (2, (1, 2))])
def test_image_shape_is_the_most_square(n, shape):
    assert image_shape(n) == shape


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"n_active": 21}, ValueError, r"n_active=21 is not allowed.*at most 20"),
        ({"n_atoms": 2, "n_active": 3}, ValueError, r"n_active=3 .*n_atoms=2"),
        ({"n_atoms": 0}, ValueError, r"n_atoms=0 is not allowed: .*\[1, 1024\]"),
        ({"input_dim": 1}, ValueError, r"input_dim=1 is not allowed"),
        ({"noise": -0.1}, ValueError, r"noise=-0.1 is not allowed"),
        ({"n_atoms": "20"}, TypeError, r"n_atoms='20' is not allowed"),
        ({"n_active": True}, TypeError, r"n_active=True"),
        ({"atoms": 5}, ValueError, r"atoms=5 is not a setting of .*'n_atoms'"),
    ],
)
def test_bad_settings_are_named(settings, error, message):
    with pytest.raises(error, match=message):
        load(NAME, n_samples=5, **settings)


def test_other_data_sets_refuse_settings():
    with pytest.raises(ValueError, match=r"n_atoms=5 is not allowed: the 'bars' data set takes"):
        load("bars", n_atoms=5)


# --- in a session ---------------------------------------------------------------------


def test_a_session_keeps_the_settings_and_reloads_on_a_change():
    session = Session(NAME, 300, 0, {"n_atoms": 10}, n_hidden=12)
    assert session.get_params()["data_options"]["n_atoms"] == 10
    session.step(2)
    assert session.set_params(data_options={"n_atoms": 10, "n_active": 2}) is True
    assert session.n_steps == 0 and session.dataset.options["n_active"] == 2
    assert session.dataset.options["n_atoms"] == 10
    # Another data set starts from its own settings (none), and back again from the defaults.
    session.set_params(dataset="bars")
    assert session.get_params()["data_options"] == {}
    session.set_params(dataset=NAME)
    assert session.dataset.options["n_atoms"] == 20
    with pytest.raises(ValueError, match="n_active=30"):
        session.set_params(data_options={"n_active": 30})
    assert session.dataset.options["n_atoms"] == 20  # refused: nothing changed


def test_a_saved_session_comes_back_on_the_same_data(tmp_path):
    session = Session(NAME, 300, 3, {"n_atoms": 8, "noise": 0.0}, n_hidden=12)
    session.step(3)
    session.save(tmp_path / "run.npz")
    restored = Session.restore(tmp_path / "run.npz")
    np.testing.assert_array_equal(restored.dataset.X, session.dataset.X)
    np.testing.assert_array_equal(restored.dataset.true_features, session.dataset.true_features)
    assert restored.get_params() == session.get_params()
