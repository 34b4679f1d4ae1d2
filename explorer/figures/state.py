"""What the views draw, computed once per frame from a training session.

Views never touch the session directly: ``snapshot(session)`` gathers the arrays they need
(cheap: a forward pass over a handful of samples), so a frame costs the same whatever the
number of views, and figures stay pure functions of a ``Snapshot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..training.history import TERMS

#: Inputs shown beside their reconstructions.
N_RECONSTRUCTIONS = 8
#: Loss curves are thinned to at most this many points per term: the page need not redraw
#: 100,000 points to show a curve 400 pixels wide.
MAX_LOSS_POINTS = 600


@dataclass(frozen=True)
class Snapshot:
    rho: float
    rho_hat: np.ndarray  # (k,)
    components: np.ndarray  # (k, n): W1ᵀ
    image_shape: tuple[int, int]
    inputs: np.ndarray  # (N_RECONSTRUCTIONS, n)
    reconstructions: np.ndarray  # (N_RECONSTRUCTIONS, n)
    loss_steps: np.ndarray
    loss_terms: dict[str, np.ndarray]


def thin(n: int, max_points: int = MAX_LOSS_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spread over range(n), always ending at n − 1."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))


def snapshot(session: Any) -> Snapshot:
    """Gather the state every view draws from ``session`` (a ``training.Session``)."""
    model = session.model
    X = session.X[:N_RECONSTRUCTIONS]
    idx = thin(len(session.history))
    rho_hat = model.rho_hat_
    if session.n_steps == 0:
        # Before the first step there is no "last step": show the initial weights' ρ̂.
        rho_hat = model.transform(session.X).mean(axis=0)
    return Snapshot(
        rho=float(model.rho),
        rho_hat=np.asarray(rho_hat, dtype=np.float64),
        components=np.asarray(model.components_, dtype=np.float64),
        image_shape=tuple(session.dataset.image_shape),
        inputs=np.asarray(X, dtype=np.float64),
        reconstructions=np.asarray(model.reconstruct(X), dtype=np.float64),
        loss_steps=idx,
        loss_terms={t: session.history.array(t)[idx] for t in TERMS},
    )
