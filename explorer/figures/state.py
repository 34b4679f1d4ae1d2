"""What the views draw, computed once per frame from a training session.

Views never touch the session directly: ``snapshot(session, unit)`` gathers the arrays they
need (cheap: one forward pass over a fixed probe of inputs), so a frame costs the same whatever
the number of views, and figures stay pure functions of a ``Snapshot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..core import metrics
from ..training.history import TERMS
from ..training.sweep import PROBE  # the inputs the views measure on, as the frontier does

if TYPE_CHECKING:
    from ..core import SparseAutoencoder
    from ..training import Session

#: Inputs shown beside their reconstructions.
N_RECONSTRUCTIONS = 8
#: Inputs that excite the selected unit most, shown in the unit inspector.
N_TOP = 8
#: Loss curves (and the selected unit's ρ̂ history) are thinned to at most this many points:
#: the page need not redraw 100,000 points to show a curve 400 pixels wide.
MAX_LOSS_POINTS = 600


@dataclass(frozen=True)
class Snapshot:
    rho: float
    penalty: str  # a key of core.penalties.PENALTIES
    rho_hat: np.ndarray  # (k,)
    components: np.ndarray  # (k, n): W1ᵀ
    image_shape: tuple[int, int]
    inputs: np.ndarray  # (N_RECONSTRUCTIONS, n)
    reconstructions: np.ndarray  # (N_RECONSTRUCTIONS, n)
    loss_steps: np.ndarray
    loss_terms: dict[str, np.ndarray]
    unit: int  # the unit the inspector shows
    unit_steps: np.ndarray  # steps at which its ρ̂ was recorded
    unit_rho_hat: np.ndarray  # its ρ̂ at those steps
    top_inputs: np.ndarray  # (≤ N_TOP, n): the probe inputs it answers most strongly
    top_activations: np.ndarray  # (≤ N_TOP,): its activation h on each of them
    l0: float  # mean active units per probe input (core.metrics.l0)
    explained_variance: float  # of the probe's reconstructions


def thin(n: int, max_points: int = MAX_LOSS_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spread over range(n), always ending at n − 1."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))


def replica(model: SparseAutoencoder, weights: np.ndarray) -> SparseAutoencoder:
    """A copy of ``model`` (its settings) holding ``weights``, to look at a recorded step."""
    copy = type(model)(**model.get_params()).initialize(model.n_features_in_)
    copy.theta_[...] = weights
    return copy


def snapshot(session: Session, unit: int = 0, at: int | None = None) -> Snapshot:
    """Gather the state every view draws from ``session`` (a ``training.Session``).

    ``unit`` is the hidden unit the inspector shows; one past the last is taken as the last
    (the number of units can shrink under a selection). ``at`` picks a recorded step instead
    of the latest: snapshot ``at`` of ``session.recording``, with the loss and the unit's ρ̂
    up to there (the settings drawn, such as ρ, are those in use now).
    """
    model, history, steps = session.model, session.history, session.n_steps
    rho_hat = model.rho_hat_
    if at is not None:
        steps = session.recording.steps[at]
        model = replica(model, session.recording.weights[at])
    if steps == 0 or at is not None:
        # ρ̂ of these weights (the live run's is measured at the start of its last step).
        rho_hat = model.transform(session.X).mean(axis=0)
    unit = min(max(int(unit), 0), model.n_hidden - 1)
    probe = session.X[:PROBE]
    H = model.transform(probe)
    shown = slice(0, N_RECONSTRUCTIONS)
    idx = thin(min(len(history), steps))
    # Only the points drawn are gathered (a frame's cost must not grow with the run).
    recorded = sum(1 for s in history.snapshot_steps if s < max(steps, 1))
    kept = thin(recorded)
    top = np.argsort(H[:, unit])[::-1][:N_TOP]
    reconstructions = model.decode(H)
    return Snapshot(
        rho=float(model.rho),
        penalty=model.penalty,
        rho_hat=np.asarray(rho_hat, dtype=np.float64),
        components=np.asarray(model.components_, dtype=np.float64),
        image_shape=tuple(session.dataset.image_shape),
        inputs=np.asarray(probe[shown], dtype=np.float64),
        reconstructions=np.asarray(reconstructions[shown], dtype=np.float64),
        loss_steps=idx,
        loss_terms={t: np.array([history.terms[t][i] for i in idx], dtype=float) for t in TERMS},
        unit=unit,
        unit_steps=np.array([history.snapshot_steps[i] for i in kept], dtype=np.int64),
        unit_rho_hat=np.array([history.snapshots[i][unit] for i in kept], dtype=float),
        top_inputs=np.asarray(probe[top], dtype=np.float64),
        top_activations=np.asarray(H[top, unit], dtype=np.float64),
        l0=metrics.l0(H),
        explained_variance=metrics.explained_variance(probe, reconstructions),
    )
