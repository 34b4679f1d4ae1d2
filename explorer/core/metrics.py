"""Sparsity and reconstruction metrics of a trained model, from its activations and outputs.

Plain functions of arrays (H: hidden activations, one row per input; ρ̂: mean activation per
unit; X, X̂: inputs and reconstructions), so the dashboard, the CLI and tests share one
definition of "active", "dead" and "saturated".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: A sigmoid unit is active on an input when h > 0.5, i.e. when its pre-activation is positive.
ACTIVE = 0.5
#: A unit whose mean activation ρ̂ is below this is dead: it (almost) never fires.
DEAD = 1e-4
#: A unit whose mean activation ρ̂ is above this is saturated: it fires on (almost) every input.
SATURATED = 0.9


def _as_2d(name: str, A: ArrayLike) -> np.ndarray:
    arr = np.asarray(A, dtype=float)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_units or n_features); got shape {arr.shape}."
        )
    return arr


def l0(H: ArrayLike) -> float:
    """Mean number of active units per input.

    L0 = (1/m) Σ_i #{l : h_il > ACTIVE}

    Parameters
    ----------
    H : array_like (m, k)
        Hidden activations, one row per input.

    Returns
    -------
    float
        Between 0 and k; ρ·k is what the KL and TopK penalties aim at.
    """
    H = _as_2d("H", H)
    if H.shape[0] == 0:
        raise ValueError(f"H must have at least one row; got shape {H.shape}.")
    return float(np.count_nonzero(H > ACTIVE)) / H.shape[0]


def explained_variance(X: ArrayLike, Xhat: ArrayLike) -> float:
    """Fraction of the inputs' variance that the reconstructions explain.

    EV = 1 − Σ_i ‖x̂_i − x_i‖² / Σ_i ‖x_i − x̄‖²,   x̄ = (1/m) Σ_i x_i

    1 for a perfect reconstruction, 0 for one no better than the mean input, negative when
    worse. When every input is the same (the denominator is 0) it is 1 if the reconstruction
    is exact and 0 otherwise (as scikit-learn's ``explained_variance_score`` does), so the
    value is always finite.

    Parameters
    ----------
    X : array_like (m, n)
        Inputs.
    Xhat : array_like (m, n)
        Their reconstructions.
    """
    X, Xhat = _as_2d("X", X), _as_2d("Xhat", Xhat)
    if X.shape != Xhat.shape:
        raise ValueError(
            f"Xhat has shape {Xhat.shape} but X has shape {X.shape}; they must be the same."
        )
    residual = float(np.sum((Xhat - X) ** 2))
    total = float(np.sum((X - X.mean(axis=0)) ** 2))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def dead_units(rho_hat: ArrayLike) -> int:
    """Number of dead units: #{l : ρ̂_l < DEAD}."""
    return int(np.count_nonzero(np.asarray(rho_hat, dtype=float) < DEAD))


def saturated_units(rho_hat: ArrayLike) -> int:
    """Number of saturated units: #{l : ρ̂_l > SATURATED}."""
    return int(np.count_nonzero(np.asarray(rho_hat, dtype=float) > SATURATED))
