"""The PCA baseline: what the best dense linear code of k numbers per input explains.

Principal component analysis keeps the k directions of most variance; reconstructing each
input from its k coordinates along them, x̂ = x̄ + V_k V_kᵀ (x − x̄), explains

    EV(k) = Σ_{i ≤ k} σ_i² / Σ_i σ_i²

of the inputs' variance (σ_i the singular values of the centred inputs, largest first), the
most any rank-k linear reconstruction can (Eckart–Young). It is the yardstick of the sparsity
frontier: an autoencoder whose units are active L0 at a time against PCA's k = L0 numbers per
input, every one of them used on every input. NumPy's SVD, nothing else.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def explained_variance_by_components(X: ArrayLike, k_max: int) -> np.ndarray:
    """EV(k) for k = 1 .. min(k_max, rank bound) of the inputs ``X`` (one per row).

    The same measure as ``metrics.explained_variance`` of the PCA reconstructions; when every
    input is the same (no variance) each EV is 1, as that function gives for an exact
    reconstruction.

    Returns
    -------
    ndarray of shape (min(k_max, n_samples, n_features),)
        Non-decreasing, at most 1.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"X must be 2-D with at least one row (one input each); got {X.shape}.")
    if isinstance(k_max, bool) or not isinstance(k_max, int | np.integer) or k_max < 1:
        raise ValueError(f"k_max={k_max!r} is not allowed: k_max must be a positive integer.")
    variances = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    k = min(int(k_max), len(variances))
    total = variances.sum()
    if total == 0.0:
        return np.ones(k)
    return np.cumsum(variances)[:k] / total
