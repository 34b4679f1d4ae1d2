"""Sparsity penalties, as a table: name -> Ω(H) and ∂Ω/∂H.

Every penalty sees the batch's hidden activations H (m × k) and their column means ρ̂, and
returns its gradient as an array that *broadcasts* against H: the KL and L1 penalties depend
on H only through ρ̂, so their gradient is one row, (1/m)·∂Ω/∂ρ̂, shared by every sample; TopK
depends on each input's ranking of its units, so its gradient is a full m × k array.
Adding a penalty is adding a row to ``PENALTIES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike


def _guard(rho_hat: np.ndarray) -> np.ndarray:
    # A unit whose sigmoid saturates has ρ̂ that rounds to exactly 0 or 1, where the logs below
    # are infinite. Clip to [eps, 1 - eps]: the value stays finite and the gradient keeps
    # pushing a dead or saturated unit back toward ρ instead of becoming inf/NaN.
    eps = np.finfo(rho_hat.dtype).eps if np.issubdtype(rho_hat.dtype, np.floating) else 1e-16
    return np.clip(rho_hat, eps, 1.0 - eps)


def _check_rho(rho: float) -> None:
    if not (0.0 < rho < 1.0):
        raise ValueError(f"rho={rho!r} is not allowed: rho must be a number in (0, 1).")


def _kl(rho: float, rh: np.ndarray) -> np.ndarray:
    return rho * np.log(rho / rh) + (1.0 - rho) * np.log((1.0 - rho) / (1.0 - rh))


def _kl_grad_rho_hat(rho: float, rh: np.ndarray) -> np.ndarray:
    return -rho / rh + (1.0 - rho) / (1.0 - rh)


def kl_divergence(rho: float, rho_hat: ArrayLike) -> np.ndarray:
    """KL divergence between Bernoulli(ρ) and Bernoulli(ρ̂), elementwise.

    KL(ρ‖ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)).

    Non-negative, exactly 0 at ρ̂ = ρ (both logs are log 1), convex in ρ̂, and infinite at
    ρ̂ ∈ {0, 1}; ρ̂ is clipped to [eps, 1 − eps] so the result is always finite.

    Parameters
    ----------
    rho : float in (0, 1)
        Target mean activation.
    rho_hat : array_like in [0, 1]
        Mean activations ρ̂_l.
    """
    _check_rho(rho)
    return _kl(rho, _guard(np.asarray(rho_hat, dtype=float)))


def kl_divergence_grad(rho: float, rho_hat: ArrayLike) -> np.ndarray:
    """∂KL(ρ‖ρ̂)/∂ρ̂ = −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂), elementwise; exactly 0 at ρ̂ = ρ."""
    _check_rho(rho)
    return _kl_grad_rho_hat(rho, _guard(np.asarray(rho_hat, dtype=float)))


def _kl_value(H: np.ndarray, rho_hat: np.ndarray, rho: float) -> float:
    """Ω = Σ_l KL(ρ‖ρ̂_l)."""
    return float(np.sum(_kl(rho, _guard(rho_hat))))


def _kl_slope(rho: float, rho_hat: np.ndarray) -> np.ndarray:
    """∂Ω/∂ρ̂_l = −ρ/ρ̂_l + (1 − ρ)/(1 − ρ̂_l) (ρ̂ guarded, in ρ̂'s dtype)."""
    return _kl_grad_rho_hat(rho, _guard(rho_hat))


def _through_rho_hat(
    slope: Callable[[float, np.ndarray], np.ndarray],
) -> Callable[[np.ndarray, np.ndarray, float], np.ndarray]:
    """∂Ω/∂H_il of a penalty that depends on H only through ρ̂: the chain rule's first link,
    ∂Ω/∂H_il = ∂Ω/∂ρ̂_l · ∂ρ̂_l/∂H_il = (1/m)·∂Ω/∂ρ̂_l, one broadcastable row."""

    def grad(H: np.ndarray, rho_hat: np.ndarray, rho: float) -> np.ndarray:
        return slope(rho, rho_hat) / H.shape[0]

    return grad


def _l1_value(H: np.ndarray, rho_hat: np.ndarray, rho: float) -> float:
    """Ω = Σ_l ρ̂_l = (1/m) Σ_i Σ_l h_il, the mean L1 norm of the activations (h ≥ 0)."""
    return float(np.sum(rho_hat))


def _l1_slope(rho: float, rho_hat: np.ndarray) -> np.ndarray:
    """∂Ω/∂ρ̂_l = 1 for every unit, whatever ρ̂ (in ρ̂'s dtype)."""
    return np.ones_like(rho_hat)


def _l1_curve(rho: float, rho_hat: ArrayLike) -> np.ndarray:
    """Per-unit L1 penalty as a function of ρ̂: ρ̂ itself (ρ plays no part)."""
    return np.array(rho_hat, dtype=float)


def topk_count(rho: float, n_hidden: int) -> int:
    """K = max(1, round(ρ·k)): the units each input may keep free of the TopK penalty.

    ρ is read as the target fraction of active units and k = ``n_hidden``. ``round`` is
    Python's (halves go to the even integer), and at least one unit is always kept.
    """
    _check_rho(rho)
    return max(1, round(rho * n_hidden))


def _topk_mask(H: np.ndarray, rho: float) -> np.ndarray:
    """1 where h_il is *not* among row i's K largest activations, else 0 (H's dtype)."""
    m, k = H.shape
    K = topk_count(rho, k)
    mask = np.ones_like(H)
    if K < k:
        # argpartition puts each row's K largest in the last K columns (order within unknown).
        top = np.argpartition(H, k - K, axis=1)[:, k - K :]
    else:
        top = np.broadcast_to(np.arange(k), (m, k))
    np.put_along_axis(mask, top, 0.0, axis=1)
    return mask


def topk_margin(H: ArrayLike, rho: float) -> np.ndarray:
    """Per input and unit, how far h_il may move before the input's top-K selection changes.

    margin_il = h_il − h_(K+1) for a unit among the input's K largest, h_(K) − h_il for the
    others (h_(K) is the K-th largest activation of the row). A change of one unit's activation
    by less than its margin keeps every selection, and so keeps the TopK penalty linear.
    ``inf`` everywhere when K = k.

    Parameters
    ----------
    H : array_like (m, k)
        Hidden activations, one row per input.
    rho : float in (0, 1)
        Target fraction of active units (K = max(1, round(ρ·k))).
    """
    H = np.asarray(H, dtype=float)
    K = topk_count(rho, H.shape[1])
    if K == H.shape[1]:
        return np.full(H.shape, np.inf)
    ordered = -np.sort(-H, axis=1)  # descending
    kth, next_ = ordered[:, K - 1 : K], ordered[:, K : K + 1]
    selected = _topk_mask(H, rho) == 0.0
    return np.where(selected, H - next_, kth - H)


def topk_gap(H: ArrayLike, rho: float) -> np.ndarray:
    """Per input, h_(K) − h_(K+1): how far its TopK selection is from swapping a unit (the
    smallest of its ``topk_margin``). The TopK penalty has a kink wherever two activations
    trade places across the K boundary, so a finite-difference check is valid on an input only
    while every perturbation moves its activations by less than this gap. ``inf`` when K = k.
    """
    return topk_margin(H, rho).min(axis=1)


def _topk_value(H: np.ndarray, rho_hat: np.ndarray, rho: float) -> float:
    """Ω = (1/m) Σ_i Σ_{l ∉ topK(h_i)} h_il: L1 on all but each input's K largest activations.

    A penalty form of TopK SAEs (Gao et al. 2024): rather than zeroing all but the K largest
    activations of each input, it charges the others their L1 norm, so the model learns to
    keep about K = max(1, round(ρ·k)) units active per input. Piecewise linear in H: the
    selection is constant between the points where two activations swap across the K
    boundary (see ``topk_gap``), and the gradient jumps there.
    """
    return float(np.vdot(_topk_mask(H, rho), H)) / H.shape[0]


def _topk_grad(H: np.ndarray, rho_hat: np.ndarray, rho: float) -> np.ndarray:
    """∂Ω/∂H_il = mask_il / m (an m × k array): 1/m off each input's top K, 0 on it."""
    mask = _topk_mask(H, rho)
    mask *= 1.0 / H.shape[0]
    return mask


@dataclass(frozen=True)
class Penalty:
    """A sparsity penalty Ω: ``value(H, rho_hat, rho)`` and ``grad(H, rho_hat, rho)``.

    ``curve(rho, rho_hat)`` is the per-unit penalty as a function of ρ̂ for a given ρ, where
    the penalty is a sum of such terms (for the dashboard to draw); None where it is not.
    ``slope(rho, rho_hat)`` is its derivative ∂Ω/∂ρ̂_l, where Ω depends on H only through ρ̂
    (then ``grad`` is built from it: ``_through_rho_hat``); None where it does not (TopK: an
    input's ranking of its units, not ρ̂, decides what it pays).
    """

    value: Callable[[np.ndarray, np.ndarray, float], float]
    grad: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    description: str
    curve: Callable[[float, np.ndarray], np.ndarray] | None = None
    slope: Callable[[float, np.ndarray], np.ndarray] | None = None
    #: What the page calls it (the dashboard's penalty drop-down lists every row by it).
    label: str = field(kw_only=True)


PENALTIES: dict[str, Penalty] = {
    "kl": Penalty(
        _kl_value,
        _through_rho_hat(_kl_slope),
        "Σ_l KL(ρ‖ρ̂_l): pulls each unit's mean activation to ρ.",
        kl_divergence,
        _kl_slope,
        label="KL divergence",
    ),
    "l1": Penalty(
        _l1_value,
        _through_rho_hat(_l1_slope),
        "Σ_l ρ̂_l, the mean L1 norm of the activations: pushes every unit toward 0 and ignores ρ.",
        _l1_curve,
        _l1_slope,
        label="L1",
    ),
    # No curve and no slope: TopK depends on each input's ranking of its units, not on ρ̂.
    "topk": Penalty(
        _topk_value,
        _topk_grad,
        "L1 on all but each input's K = max(1, round(ρ·k)) largest activations.",
        None,
        label="TopK",
    ),
}
