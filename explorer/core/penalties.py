"""Sparsity penalties, as a table: name -> Ω(H) and ∂Ω/∂H.

Every penalty sees the batch's hidden activations H (m × k) and their column means ρ̂, and
returns its gradient as an array that *broadcasts* against H: the KL penalty depends on H
only through ρ̂, so its gradient is one row, (1/m)·∂Ω/∂ρ̂, shared by every sample.
Adding a penalty (L1, TopK, ...) is adding a row to ``PENALTIES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


def _kl_grad(H: np.ndarray, rho_hat: np.ndarray, rho: float) -> np.ndarray:
    """∂Ω/∂H_il = (1/m)·(−ρ/ρ̂_l + (1 − ρ)/(1 − ρ̂_l)), as one broadcastable row."""
    return _kl_grad_rho_hat(rho, _guard(rho_hat)) / H.shape[0]


@dataclass(frozen=True)
class Penalty:
    """A sparsity penalty Ω: ``value(H, rho_hat, rho)`` and ``grad(H, rho_hat, rho)``."""

    value: Callable[[np.ndarray, np.ndarray, float], float]
    grad: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    description: str


PENALTIES: dict[str, Penalty] = {
    "kl": Penalty(_kl_value, _kl_grad, "Σ_l KL(ρ‖ρ̂_l): pulls each unit's mean activation to ρ"),
}
