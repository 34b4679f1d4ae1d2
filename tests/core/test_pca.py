"""Tests for core.pca: the PCA baseline equals reconstructing from the top components."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.metrics import explained_variance
from explorer.core.pca import explained_variance_by_components
from explorer.datasets import load


def by_projection(X, k):
    """The explained variance of the inputs rebuilt from their top k principal components,
    each found by an SVD of the centred inputs and used as a projection."""
    mean = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mean, full_matrices=False)
    V = Vt[:k].T
    return explained_variance(X, mean + (X - mean) @ V @ V.T)


@pytest.mark.parametrize("name", ["natural-patches", "bars", "sparse-dictionary"])
def test_the_baseline_equals_a_direct_svd_reconstruction(name):
    X = load(name, n_samples=500, random_state=0).X
    ev = explained_variance_by_components(X, 25)
    assert ev.shape == (25,)
    np.testing.assert_allclose(ev, [by_projection(X, k) for k in range(1, 26)], rtol=0, atol=1e-12)
    assert np.all(np.diff(ev) >= 0) and ev[-1] <= 1


def test_all_components_explain_everything_and_k_stops_at_the_rank():
    X = np.random.default_rng(0).uniform(size=(10, 4))
    ev = explained_variance_by_components(X, 30)
    assert len(ev) == 4 and ev[-1] == pytest.approx(1.0, abs=1e-12)


def test_a_dictionary_of_few_atoms_needs_few_components():
    # Noise-free inputs made of 5 atoms in 64 pixels lie (before the sigmoid) in a
    # 5-dimensional space: the sigmoid bends it, but 5 components explain nearly all of it.
    # Of 40 atoms, 5 components explain a third: PCA needs as many numbers as atoms.
    few = load("sparse-dictionary", n_samples=500, random_state=0, n_atoms=5, noise=0.0).X
    many = load("sparse-dictionary", n_samples=500, random_state=0, n_atoms=40, noise=0.0).X
    assert explained_variance_by_components(few, 5)[-1] > 0.98
    assert explained_variance_by_components(many, 5)[-1] < 0.4


def test_constant_inputs_and_bad_arguments():
    np.testing.assert_array_equal(explained_variance_by_components(np.ones((5, 3)), 2), [1, 1])
    with pytest.raises(ValueError, match="k_max=0"):
        explained_variance_by_components(np.ones((5, 3)), 0)
    with pytest.raises(ValueError, match="X must be 2-D"):
        explained_variance_by_components(np.ones(5), 1)
