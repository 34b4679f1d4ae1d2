"""The two forces on each unit's encoder weights, as a run is watched: the chain rule's pieces
of the gradient a step followed (``core.chain_rule``), the update the step made from it, and a
bounded history of both forces' sizes per unit.

A step's gradient is measured where the optimiser measured it: at the weights the step started
from, on the step's own batch (the whole data set for L-BFGS). So the forces of the latest step
pair with the ρ̂ the step saw (``model.rho_hat_``) and with the update it made. A recorded step
of the timeline is measured at its weights on the whole data set: the batches of past steps are
not kept. The settings are those in use now, as for every view of a recorded step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..core.chain_rule import EncoderGradient

if TYPE_CHECKING:
    from ..core import SparseAutoencoder
    from .session import Session

#: Points the force history keeps at most (every other one is dropped when full): 2·k floats
#: each, 100 KB for 784-196-784 in float64.
MAX_POINTS = 256


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


class ForceHistory:
    """‖∂L/∂W_:,l‖ and β‖∂Ω/∂W_:,l‖ for every unit l at the steps they were measured (each
    frame of a watched run), at most ``max_points``.

    Points are kept ``stride`` steps apart or more, except the newest, which stands for its
    stretch until the next is due; when full, the stride doubles and the points too close for
    it go, so the points stay spread over the whole run. A step measured again (a setting
    changed while paused) keeps its newest measurement.
    """

    def __init__(self, max_points: int = MAX_POINTS) -> None:
        self.max_points = max_points
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.reconstruction: list[np.ndarray] = []
        self.sparsity: list[np.ndarray] = []
        self.stride = 1

    def __len__(self) -> int:
        return len(self.steps)

    def record(self, step: int, gradient: EncoderGradient) -> None:
        self.truncate(step - 1)  # a later or the same step measured again replaces them
        if len(self.steps) >= 2 and step - self.steps[-2] < self.stride:
            self._drop([len(self.steps) - 1])  # the newest stands for its stretch
        self.steps.append(step)
        self.reconstruction.append(gradient.norms("reconstruction").astype(np.float64))
        self.sparsity.append(gradient.norms("sparsity").astype(np.float64))
        while len(self.steps) > self.max_points:
            self.stride *= 2
            last, drop = self.steps[0], []
            for i, s in enumerate(self.steps[1:-1], start=1):
                if s - last < self.stride:
                    drop.append(i)
                else:
                    last = s
            self._drop(drop)

    def _drop(self, indices: list[int]) -> None:
        for i in reversed(indices):
            del self.steps[i], self.reconstruction[i], self.sparsity[i]

    def truncate(self, step: int) -> None:
        """Forget the points after ``step`` (a rolled-back or abandoned future)."""
        keep = sum(1 for s in self.steps if s <= step)
        del self.steps[keep:], self.reconstruction[keep:], self.sparsity[keep:]

    def unit(self, unit: int, until: int | None = None) -> tuple[np.ndarray, ...]:
        """(steps, ‖∂L/∂W_:,l‖, β‖∂Ω/∂W_:,l‖) of ``unit`` at the steps up to ``until``."""
        n = len(self.steps) if until is None else sum(1 for s in self.steps if s <= until)
        steps = np.array(self.steps[:n], dtype=np.int64)
        pick = [r[unit] for r in self.reconstruction[:n]], [s[unit] for s in self.sparsity[:n]]
        return steps, np.array(pick[0], dtype=float), np.array(pick[1], dtype=float)
