"""explorer.core.metrics: L0, explained variance, dead and saturated units, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core import (
    ACTIVE,
    DEAD,
    SATURATED,
    SparseAutoencoder,
    dead_units,
    explained_variance,
    l0,
    saturated_units,
)


def test_l0_by_hand():
    # Active means h > 0.5: row 0 has 0.9 and 0.6, row 1 only 0.7 (0.5 itself is not active).
    assert l0([[0.9, 0.1, 0.6], [0.5, 0.2, 0.7]]) == 1.5
    assert ACTIVE == 0.5
    assert l0(np.zeros((4, 3))) == 0.0 and l0(np.ones((4, 3))) == 3.0


def test_explained_variance_by_hand():
    X = np.array([[0.0, 0.0], [2.0, 2.0]])  # mean (1, 1): Σ‖x − x̄‖² = 4
    assert explained_variance(X, X) == 1.0
    assert explained_variance(X, [[0.0, 1.0], [2.0, 2.0]]) == 0.75  # residual 1
    assert explained_variance(X, [[1.0, 1.0], [1.0, 1.0]]) == 0.0  # just the mean
    assert explained_variance(X, [[2.0, 2.0], [0.0, 0.0]]) == -3.0  # residual 16: worse
    # Every input the same: 1 if reconstructed exactly, else 0; never NaN.
    same = np.ones((3, 2))
    assert explained_variance(same, same) == 1.0
    assert explained_variance(same, same + 0.1) == 0.0


def test_explained_variance_of_a_model(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, max_iter=30, random_state=0).fit(bars)
    Xhat = model.reconstruct(bars)
    ev = explained_variance(bars, Xhat)
    expected = 1 - np.sum((Xhat - bars) ** 2) / np.sum((bars - bars.mean(0)) ** 2)
    assert ev == pytest.approx(expected, rel=1e-12) and 0 < ev < 1


def test_metrics_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"Xhat has shape \(2, 3\) but X has shape \(2, 2\)"):
        explained_variance(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"H must be 2-D.*got shape \(3,\)"):
        l0(np.zeros(3))


def test_dead_and_saturated_units_by_hand():
    rho_hat = [0.0, 5e-5, 1e-4, 0.01, 0.5, 0.9, 0.95, 1.0]
    assert (DEAD, SATURATED) == (1e-4, 0.9)
    assert dead_units(rho_hat) == 2  # 0 and 5e-5; 1e-4 itself is not dead
    assert saturated_units(rho_hat) == 2  # 0.95 and 1; 0.9 itself is not saturated
    assert isinstance(dead_units(rho_hat), int) and isinstance(saturated_units(rho_hat), int)
    assert dead_units([]) == 0 == saturated_units([])
