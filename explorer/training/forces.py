"""The two forces on each unit's encoder weights, as a run is watched: the chain rule's pieces
of the gradient a step followed (``core.chain_rule``) and the update the step made from it.

A step's gradient is measured where the optimiser measured it: at the weights the step started
from, on the step's own batch (the whole data set for L-BFGS). So the forces of the latest step
pair with the ρ̂ the step saw (``model.rho_hat_``) and with the update it made; their sizes go
into the session's ``force_history``. A recorded step of the timeline is measured at its
weights on the whole data set: the batches of past steps are not kept. The settings are those
in use now, as for every view of a recorded step.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..core.chain_rule import EncoderGradient

if TYPE_CHECKING:
    from ..core import SparseAutoencoder
    from .session import Session


_SERIALS = itertools.count()


@dataclass(frozen=True)
class Forces:
    """The gradient the optimiser received for W1 at one step, and the update it made.

    ``step``: the weights after that many steps, where the gradient was measured (the one
    step ``step + 1`` follows). ``update``: ΔW1 of that next step, or the mean ΔW1 per step over
    ``update_steps`` steps where the recording kept only one in ``update_steps``; None where no
    later step is known. ``batch``: the gradient was measured on one step's batch of
    ``gradient.n_samples`` inputs (False: on the whole data set).
    """

    step: int
    gradient: EncoderGradient
    update: np.ndarray | None
    update_steps: int
    batch: bool
    #: Which measurement this is: a number no other Forces of this process has.
    serial: int = field(default_factory=lambda: next(_SERIALS))


def encoder_weights(model: SparseAutoencoder, theta: np.ndarray) -> np.ndarray:
    """W1 of the flat parameter vector ``theta`` (W1 comes first: ``core.model.PARAM_NAMES``)."""
    shape = model.params_["W1"].shape
    return theta[: shape[0] * shape[1]].reshape(shape)


def measure(session: Session, at: int | None = None) -> Forces:
    """The forces of the latest step, or of recording index ``at`` (see the module's note).

    Before the first step (and after a rollback or rewind) the latest forces are the gradient at
    the current weights on the whole data set, with no update yet.
    """
    model, recording = session.model, session.recording
    if at is not None:
        weights, step = recording.weights[at], recording.steps[at]
        update, span = None, 1
        if at + 1 < len(recording):
            span = recording.steps[at + 1] - step
            update = encoder_weights(model, recording.weights[at + 1] - weights) / span
        return Forces(step, model.encoder_gradient(session.X, weights), update, span, False)
    start, batch = session.last_step
    if start is None:
        forces = Forces(session.n_steps, model.encoder_gradient(session.X), None, 1, False)
    else:
        update = encoder_weights(model, model.theta_ - start)
        gradient = model.encoder_gradient(batch, start)
        batched = batch.shape[0] < session.X.shape[0]
        forces = Forces(session.n_steps - 1, gradient, update, 1, batched)
    session.force_history.record(forces.step, forces.gradient)
    return forces
