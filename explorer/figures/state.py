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
from ..core.recovery import Recovery, best_cosine_by_chance, recovery
from ..training.forces import Forces, measure
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


#: The chain rule's pieces for the selected unit, in the seed's order (``core.chain_rule``).
PIECES = ("rho_hat_grad", "sparsity", "reconstruction", "weight_decay", "total")


@dataclass(frozen=True)
class Derivation:
    """The gradient for the encoder weights at the step shown, term by term (``training.forces``):
    every unit's two forces, and the selected unit's pieces."""

    serial: int  # which measurement (training.forces.Forces.serial)
    step: int  # measured at the weights after this many steps: the gradient step + 1 follows
    n_inputs: int  # m, the inputs it was measured on...
    batch: bool  # ...one step's mini-batch (else the whole data set)
    live: bool  # the latest step (else a recorded one)
    beta: float
    slope: float | None  # ∂Ω/∂ρ̂ of the selected unit; None where Ω is no function of ρ̂
    pieces: dict[str, np.ndarray]  # PIECES, each (n,): the selected unit's column
    update: np.ndarray | None  # (n,): ΔW_:,l of the step that followed this gradient
    update_steps: int  # ...a mean over this many steps where the recording kept fewer
    reconstruction_norms: np.ndarray  # (k,): ‖∂L/∂W_:,l‖ for every unit
    sparsity_norms: np.ndarray  # (k,): β‖∂Ω/∂W_:,l‖ for every unit
    history_steps: np.ndarray  # the selected unit's two norms at the steps measured so far
    history_reconstruction: np.ndarray
    history_sparsity: np.ndarray


def derivation(session: Session, forces: Forces, unit: int, live: bool) -> Derivation:
    """What the derivation views draw of ``forces`` for ``unit`` (``live``: of the latest
    step, else of a recorded one)."""
    g = forces.gradient
    steps, recon, sparse = session.force_history.unit(unit, until=forces.step)

    def column(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else np.asarray(a[:, unit], dtype=np.float64)

    return Derivation(
        serial=forces.serial,
        step=forces.step,
        n_inputs=g.n_samples,
        batch=forces.batch,
        live=live,
        beta=g.beta,
        slope=None if g.slope is None else float(g.slope[unit]),
        pieces={name: column(getattr(g, name)) for name in PIECES},
        update=column(forces.update),
        update_steps=forces.update_steps,
        reconstruction_norms=g.norms("reconstruction").astype(np.float64),
        sparsity_norms=g.norms("sparsity").astype(np.float64),
        history_steps=steps,
        history_reconstruction=recon,
        history_sparsity=sparse,
    )


@dataclass(frozen=True)
class Truth:
    """The data's known true features and how well the model shown recovered them
    (``core.recovery``)."""

    features: np.ndarray  # (n_true, n)
    score: Recovery
    matched: np.ndarray  # (n_true, n): the decoder column (row of W2) of each one's best unit
    chance: float  # the mean best cosine of random weights (core.recovery.best_cosine_by_chance)


def ground_truth(model: SparseAutoencoder, features: np.ndarray | None) -> Truth | None:
    """How ``model`` recovered ``features`` (None: the data has no known true features)."""
    if features is None:
        return None
    W2 = np.asarray(model.params_["W2"], dtype=np.float64)
    score = recovery(features, W2, model.params_["W1"])
    return Truth(
        features=np.asarray(features, dtype=np.float64),
        score=score,
        matched=W2[score.decoder_unit],
        chance=best_cosine_by_chance(model.n_hidden, W2.shape[1])[0],
    )


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
    derivation: Derivation | None = None  # None: not asked for (views that need it say so)
    truth: Truth | None = None  # None: the data has no known true features


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


def snapshot(
    session: Session, unit: int = 0, at: int | None = None, forces: Forces | bool = True
) -> Snapshot:
    """Gather the state every view draws from ``session`` (a ``training.Session``).

    ``unit`` is the hidden unit the inspector shows; one past the last is taken as the last
    (the number of units can shrink under a selection). ``at`` picks a recorded step instead
    of the latest: snapshot ``at`` of ``session.recording``, with the loss and the unit's ρ̂
    up to there (the settings drawn, such as ρ, are those in use now). ``forces``: what the
    derivation views draw, ``training.forces.measure`` of it (True: measured here, a pass over
    the inputs the step's gradient used; a caller that measures less often passes its last)
    or False for none.
    """
    model, history, steps = session.model, session.history, session.n_steps
    unit = min(max(int(unit), 0), model.n_hidden - 1)
    measured = measure(session, at) if forces is True else forces or None
    rho_hat = model.rho_hat_
    if at is not None:
        steps = session.recording.steps[at]
        model = replica(model, session.recording.weights[at])
    if at is not None and measured is not None and measured.step == steps:
        rho_hat = measured.gradient.rho_hat  # of these weights on all inputs: measured there
    elif steps == 0 or at is not None:
        # ρ̂ of these weights (the live run's is measured at the start of its last step).
        rho_hat = model.transform(session.X).mean(axis=0)
    probe = session.X[:PROBE]
    H = model.transform(probe)
    shown = slice(0, N_RECONSTRUCTIONS)
    loss_steps, loss_terms = history.at(thin(history.before(steps)))
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
        loss_steps=loss_steps,
        loss_terms=loss_terms,
        unit=unit,
        unit_steps=np.array([history.snapshot_steps[i] for i in kept], dtype=np.int64),
        unit_rho_hat=np.array([history.snapshots[i][unit] for i in kept], dtype=float),
        top_inputs=np.asarray(probe[top], dtype=np.float64),
        top_activations=np.asarray(H[top, unit], dtype=np.float64),
        l0=metrics.l0(H),
        explained_variance=metrics.explained_variance(probe, reconstructions),
        derivation=None if measured is None else derivation(session, measured, unit, at is None),
        truth=ground_truth(model, session.dataset.true_features),
    )
