"""Reconstruction losses, as a table: name -> value and output error.

Each loss is averaged over the m samples. ``delta(xhat, x, decoder)`` is the error at the
decoder's pre-activation, ∂L/∂z_out = ∂L/∂x̂ ⊙ f'(z_out), *before* the 1/m factor (the model
applies 1/m once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import Activation, identity_grad


def squared_error(xhat: np.ndarray, x: np.ndarray) -> float:
    """L = (1/2m) Σ_i ‖x̂_i − x_i‖²."""
    diff = xhat - x
    return 0.5 * float(np.vdot(diff, diff)) / x.shape[0]


def squared_error_delta(xhat: np.ndarray, x: np.ndarray, decoder: Activation) -> np.ndarray:
    """m·∂L/∂z_out = (x̂ − x) ⊙ f'(z_out)."""
    diff = xhat - x
    if decoder.grad is not identity_grad:  # f' = 1: skip a pointless multiply
        diff *= decoder.grad(xhat)
    return diff


def cross_entropy(xhat: np.ndarray, x: np.ndarray) -> float:
    """L = −(1/m) Σ_i Σ_j [x_ij log x̂_ij + (1 − x_ij) log(1 − x̂_ij)].

    x̂ is clipped to [eps, 1 − eps] inside the logs only: a saturated sigmoid rounds to exactly
    0 or 1 in floating point, where the log would be −inf.
    """
    eps = np.finfo(xhat.dtype).eps
    xc = np.clip(xhat, eps, 1.0 - eps)
    total = np.vdot(x, np.log(xc)) + np.vdot(1.0 - x, np.log1p(-xc))
    return -float(total) / x.shape[0]


def cross_entropy_delta(xhat: np.ndarray, x: np.ndarray, decoder: Activation) -> np.ndarray:
    """m·∂L/∂z_out = x̂ − x for a sigmoid decoder.

    ∂L/∂x̂ = (x̂ − x)/(x̂(1 − x̂)) and the sigmoid's x̂(1 − x̂) cancel exactly; using the
    cancelled form avoids 0/0 where the sigmoid saturates.
    """
    return xhat - x


@dataclass(frozen=True)
class Loss:
    """A reconstruction loss; ``decoders`` lists the decoders it is defined for."""

    value: Callable[[np.ndarray, np.ndarray], float]
    delta: Callable[[np.ndarray, np.ndarray, Activation], np.ndarray]
    decoders: tuple[str, ...]


LOSSES: dict[str, Loss] = {
    "squared": Loss(squared_error, squared_error_delta, ("sigmoid", "linear")),
    # Cross-entropy needs x̂ in (0, 1): only a sigmoid decoder guarantees it.
    "cross_entropy": Loss(cross_entropy, cross_entropy_delta, ("sigmoid",)),
}
