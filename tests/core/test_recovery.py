"""Tests for core.recovery: the score of known features, and what chance scores."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core import SparseAutoencoder
from explorer.core.recovery import THRESHOLD, best_cosine_by_chance, cosines, recovery
from explorer.datasets import load


def model_for(data, n_hidden, seed=0):
    return SparseAutoencoder(n_hidden=n_hidden, random_state=seed).initialize(data.X.shape[1])


def test_cosines():
    A = np.array([[1.0, 0.0], [0.0, 0.0], [3.0, 3.0]])
    B = np.array([[2.0, 0.0], [0.0, -1.0]])
    expected = [[1.0, 0.0], [0.0, 0.0], [np.sqrt(0.5), -np.sqrt(0.5)]]  # a zero row: all 0
    np.testing.assert_allclose(cosines(A, B), expected, atol=1e-15)
    with pytest.raises(ValueError, match=r"shapes \(3, 2\) and \(1, 3\)"):
        cosines(A, np.ones((1, 3)))


@pytest.mark.parametrize("name", ["sparse-dictionary", "bars"])
def test_a_decoder_that_is_the_dictionary_scores_one(name):
    """The data is generated from ``true_features``; a model whose decoder columns are those
    features (in another order, scaled, among other units) has recovered every one."""
    data = load(name, n_samples=50, random_state=0)
    truth = data.true_features
    n_true = len(truth)
    model = model_for(data, n_true + 5)
    order = np.random.default_rng(1).permutation(n_true + 5)[:n_true]  # feature i -> unit
    model.params_["W2"][order] = 2.5 * truth
    score = recovery(truth, model.params_["W2"], model.params_["W1"])
    np.testing.assert_allclose(score.decoder_cosine, 1.0, rtol=0, atol=1e-12)
    assert score.recovered == n_true and score.mean_cosine == pytest.approx(1.0, abs=1e-12)
    assert [unit for _, unit, _ in score.pairs()] == list(order)
    # The encoder was not touched: its filters are the random ones, far from recovering any.
    assert score.encoder_recovered == 0


def test_encoder_and_decoder_are_scored_separately():
    data = load("sparse-dictionary", n_samples=50, random_state=0)
    model = model_for(data, 20)
    model.params_["W1"][...] = data.true_features.T  # filter l is atom l
    score = recovery(data.true_features, model.params_["W2"], model.params_["W1"])
    np.testing.assert_allclose(score.encoder_cosine, 1.0, atol=1e-12)
    np.testing.assert_array_equal(score.encoder_unit, np.arange(20))
    assert score.encoder_recovered == 20 and score.recovered == 0


def test_a_merged_unit_is_the_best_match_of_both_at_a_lower_cosine():
    truth = np.eye(4)[:2]  # two orthogonal features
    W2 = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])  # unit 0 holds both
    score = recovery(truth, W2, W2.T)
    half = pytest.approx(np.sqrt(0.5))
    assert score.pairs() == [(0, 0, half), (1, 0, half)]
    assert score.recovered == 0 and np.sqrt(0.5) < THRESHOLD


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noise_scores_chance(seed):
    """Decoders that know nothing of the dictionary (isotropic Gaussian, and the model's own
    fresh weights) score what ``best_cosine_by_chance`` derives, within 5 standard errors of
    the mean over the true features, and recover none."""
    data = load("sparse-dictionary", n_samples=50, random_state=0, n_atoms=40)
    k, dim = 25, data.X.shape[1]
    mean, std = best_cosine_by_chance(k, dim)
    tolerance = 5 * std / np.sqrt(len(data.true_features))
    rng = np.random.default_rng(100 + seed)
    model = model_for(data, k, seed)
    for W2 in (rng.standard_normal((k, dim)), model.params_["W2"]):
        score = recovery(data.true_features, W2, model.params_["W1"])
        assert abs(score.mean_cosine - mean) < tolerance, (score.mean_cosine, mean)
        assert score.recovered == 0
        assert abs(score.encoder_mean_cosine - mean) < tolerance


def test_chance_of_one_unit_is_one_cosine():
    # One random direction: the cosine has mean 0 and E[t²] = 1/dim (by symmetry, the squared
    # coordinates of a unit vector share 1 equally).
    for dim in (2, 3, 64, 784):
        mean, std = best_cosine_by_chance(1, dim)
        assert abs(mean) < 1e-9 and std == pytest.approx(1 / np.sqrt(dim), rel=1e-6)


def test_chance_in_two_dimensions_matches_the_closed_form():
    # In 2-D the angle is uniform on [0, π]: the best of k is cos of the smallest of k
    # uniform angles, whose density is k (1 − θ/π)^(k−1) / π.
    k = 25
    theta = np.linspace(0, np.pi, 2_000_001)
    density = k * (1 - theta / np.pi) ** (k - 1) / np.pi
    exact = np.trapezoid(np.cos(theta) * density, theta)
    assert best_cosine_by_chance(k, 2)[0] == pytest.approx(exact, abs=1e-5)


def test_chance_matches_a_simulation():
    k, dim, draws = 25, 64, 4000
    rng = np.random.default_rng(0)
    feature = rng.standard_normal((1, dim))
    best = [cosines(feature, rng.standard_normal((k, dim))).max() for _ in range(draws)]
    mean, std = best_cosine_by_chance(k, dim)
    assert abs(np.mean(best) - mean) < 5 * std / np.sqrt(draws)
    assert np.std(best) == pytest.approx(std, rel=0.05)


def test_chance_refuses_nonsense():
    with pytest.raises(ValueError, match="n_units=0"):
        best_cosine_by_chance(0, 64)
