"""Sparsity and reconstruction metrics of a trained model, from its activations and outputs.

Plain functions of arrays (H: hidden activations, one row per input; ρ̂: mean activation per
unit; X, X̂: inputs and reconstructions; W2: decoder weights, one row per unit), so the
dashboard, the CLI and tests share one definition of "active", "dead", "saturated" and
"redundant".
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


#: ρ̂ below this counts as this in ``mean_log10_rho_hat``: a unit whose mean activation
#: rounds to exactly 0 (float32 can) would make the mean −∞. Far below DEAD, so the floor
#: only ever stands in for units that are dead anyway.
LOG_FLOOR = 1e-10


def mean_log10_rho_hat(rho_hat: ArrayLike) -> float:
    """Mean over units of log10 ρ̂: where the units' mean activations sit, in decades.

    mean_l log10(max(ρ̂_l, LOG_FLOOR))

    A geometric mean, so one unit at 0.5 does not hide twenty at 1e-3 (an arithmetic mean
    of ρ̂ would be pulled up to 0.025): −2 means a typical unit is on ~1 % of the time. The
    dashboard's histogram of log10 ρ̂ shows the same numbers one by one.
    """
    rho_hat = np.asarray(rho_hat, dtype=float)
    if rho_hat.ndim != 1 or rho_hat.size == 0:
        raise ValueError(f"rho_hat must be 1-D with at least one unit; got shape {rho_hat.shape}.")
    return float(np.mean(np.log10(np.maximum(rho_hat, LOG_FLOOR))))


def max_decoder_cosine(W2: ArrayLike) -> float:
    """How redundant the units' decoders are: the mean, over units, of the largest cosine
    similarity between a unit's decoder vector and any other unit's.

    With d_l = W2[l] (row l of W2: what unit l adds to the reconstruction x̂, a column of the
    decoder matrix W2ᵀ),

        cos(d_l, d_j) = d_l·d_j / (‖d_l‖ ‖d_j‖),   mean_l max_{j ≠ l} cos(d_l, d_j)

    This is SAEBench's ``average_max_decoder_cosine_sim`` (its core evaluation): the cosine is
    *signed*, not its absolute value, since two units with opposite decoders undo each
    other rather than repeat each other. 1 means every unit has a twin; 25 random decoders
    in 64 pixels give ≈ 0.26 (the fresh weights of a 64-25-64 model). A unit whose
    decoder is exactly 0 has cosine 0 with every other unit; with a single unit there is
    nothing to repeat, and the result is 0.

    Parameters
    ----------
    W2 : array_like (k, n)
        Decoder weights, one row per hidden unit (``SparseAutoencoder.params_["W2"]``).
    """
    W2 = _as_2d("W2", W2)
    k = W2.shape[0]
    if k < 2:
        return 0.0
    norms = np.linalg.norm(W2, axis=1, keepdims=True)
    unit = np.divide(W2, norms, out=np.zeros_like(W2), where=norms > 0)
    cos = unit @ unit.T
    np.fill_diagonal(cos, -np.inf)  # a unit is not its own twin
    return float(np.mean(cos.max(axis=1)))
