"""Activation functions, as a table: name -> function and derivative.

The derivative is written in terms of the function's *output* ``y = f(z)``, because that is
what backpropagation has at hand (for the sigmoid, g'(z) = g(z)(1 - g(z))).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic sigmoid g(z) = 1 / (1 + exp(-z)).

    Computed as 0.5·tanh(z/2) + 0.5, the same function written so that it never overflows
    (``exp(-z)`` does for z < -709) and needs one transcendental call and no temporaries.
    """
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def sigmoid_grad(y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """g'(z) expressed through y = g(z): y(1 - y)."""
    out = np.subtract(1.0, y, out=out)
    out *= y
    return out


def identity(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """f(z) = z."""
    if out is None:
        return z
    out[...] = z
    return out


def identity_grad(y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """f'(z) = 1."""
    if out is None:
        return np.ones_like(y)
    out.fill(1.0)
    return out


@dataclass(frozen=True)
class Activation:
    """A pointwise nonlinearity: ``f(z, out=None)`` and ``grad(y, out=None)`` = f'(z) at
    y = f(z)."""

    f: Callable[..., np.ndarray]
    grad: Callable[..., np.ndarray]
    output_range: tuple[float, float]


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(sigmoid, sigmoid_grad, (0.0, 1.0)),
    "linear": Activation(identity, identity_grad, (-np.inf, np.inf)),
}
