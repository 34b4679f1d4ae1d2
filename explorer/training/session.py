"""A training session: model + optimiser + data + live hyper-parameters + history.

The session is what the dashboard and the CLI drive: ``step(n)`` advances training,
``set_params`` changes hyper-parameters between steps (resetting only when the change makes
the current weights meaningless), and a divergence guard rolls back a step that blew up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import datasets
from ..core import SparseAutoencoder
from ..core.validation import Interval, check_param
from .checkpoint import load_session, save_session
from .history import History

#: Changing these makes the current weights meaningless (other shapes, other data, other
#: objective family or seed), so the session starts again from step 0.
RESET_PARAMS = ("dataset", "n_samples", "n_hidden", "dtype", "random_state", "loss", "decoder",
                "optimizer")  # fmt: skip

#: A loss this many times the first step's loss counts as a divergence even while finite.
EXPLODE_FACTOR = 1e3


@dataclass
class StepReport:
    """What ``Session.step`` did, and whether the guard stopped training.

    ``steps`` is the net change of the step count: a rollback also undoes the step before the
    one that failed, so it can be 0 or -1.
    """

    steps: int
    diverged: bool = False
    message: str = ""
    #: L-BFGS found no step that lowers the objective: training can go on only once a
    #: setting changes.
    converged: bool = False


class Session:
    """Train a :class:`SparseAutoencoder` on a data set one step at a time.

    Parameters
    ----------
    dataset : str or datasets.Dataset
        A name from ``explorer.datasets.NAMES`` or a ready ``Dataset``.
    n_samples : int or None
        How many samples to load (None: the data set's default).
    random_state : int
        Seeds the data sample, the weights and the mini-batches: a session is deterministic.
    **model_params
        Keyword arguments of :class:`SparseAutoencoder`.
    """

    def __init__(
        self,
        dataset: str | datasets.Dataset = "natural-patches",
        n_samples: int | None = None,
        random_state: int = 0,
        **model_params: Any,
    ) -> None:
        check_param("random_state", random_state, Interval(0, None, integer=True))
        self.model = SparseAutoencoder(random_state=random_state, **model_params)
        self.n_samples = n_samples
        self.dataset = self._load(dataset, n_samples, random_state)
        self.history = History()
        self.message = ""
        self.reset()

    @staticmethod
    def _load(dataset: Any, n_samples: int | None, seed: int) -> datasets.Dataset:
        if isinstance(dataset, datasets.Dataset):
            return dataset
        if not isinstance(dataset, str) or dataset not in datasets.NAMES:
            # Named here as the session's parameter (datasets.load calls it ``name``).
            raise ValueError(
                f"dataset={dataset!r} is not allowed: dataset must be one of "
                f"{list(datasets.NAMES)} or a datasets.Dataset."
            )
        return datasets.load(dataset, n_samples=n_samples, random_state=seed)

    # ------------------------------------------------------------------ state
    @property
    def n_steps(self) -> int:
        return self.model.n_steps_

    @property
    def X(self) -> np.ndarray:
        return self._X

    def reset(self) -> None:
        """Fresh weights from the seed, empty history, step 0."""
        self.model.initialize(self.dataset.X.shape[1])
        self._X = self.model._check_X(self.dataset.X)
        self.history.clear()
        self._good = self.model.theta_.copy()
        self._start = self.model.theta_.copy()
        self._first_loss: float | None = None
        self.message = ""

    def get_params(self) -> dict[str, Any]:
        """Model hyper-parameters plus the data set's name and size."""
        return self.model.get_params() | {"dataset": self.dataset.name, "n_samples": self.n_samples}

    def set_params(self, **params: Any) -> bool:
        """Validate and apply hyper-parameters; return True if the session was reset.

        ρ, β, λ, the learning rate, the penalty and the batch size apply at the next step.
        Changes to any of ``RESET_PARAMS`` start again from step 0. If any value is rejected
        nothing changes and the ValueError/TypeError says which and why.
        """
        current = self.get_params()
        changed = {k: v for k, v in params.items() if k not in current or current[k] != v}
        if not changed:
            return False
        model_params = {k: v for k, v in changed.items() if k not in ("dataset", "n_samples")}
        needs_reset = any(k in RESET_PARAMS for k in changed)
        new_data = None
        if "dataset" in changed or "n_samples" in changed or "random_state" in changed:
            seed = model_params.get("random_state", self.model.random_state)
            check_param("random_state", seed, Interval(0, None, integer=True))
            new_data = self._load(
                changed.get("dataset", self.dataset.name),
                changed.get("n_samples", self.n_samples),
                seed,
            )
        # Validate everything on a scratch model first so a rejected value changes nothing.
        SparseAutoencoder(**(self.model.get_params() | model_params))
        self.model.set_params(**model_params)
        if new_data is not None:
            self.dataset = new_data
            self.n_samples = changed.get("n_samples", self.n_samples)
        if needs_reset:
            self.reset()
        return needs_reset

    # ------------------------------------------------------------------ training
    def step(self, n: int = 1) -> StepReport:
        """Take up to ``n`` optimiser steps; stop early (rolled back) if training diverges.

        A step's loss is measured at the weights it starts from, so a loss that blew up
        convicts the *previous* update: the guard keeps the last weights whose loss was seen
        to be fine (``_good``) and the start of the current step (``_start``).
        """
        check_param("n", n, Interval(1, None, integer=True))
        model = self.model
        first = model.n_steps_
        for _ in range(n):
            self._start[...] = model.theta_
            terms = model._step(model.next_batch(self._X))
            if problem := self._loss_problem(terms["total"]):
                message = self._roll_back(self._good, len(self.history) - 1, problem)
                return StepReport(model.n_steps_ - first, True, message)
            self.history.record(terms, model.rho_hat_)
            if not np.isfinite(model.theta_).all():
                problem = "the update produced NaN or infinite weights"
                message = self._roll_back(self._start, len(self.history) - 1, problem)
                return StepReport(model.n_steps_ - first, True, message)
            self._good, self._start = self._start, self._good
            if model.converged_:
                self.message = ""
                return StepReport(model.n_steps_ - first, converged=True, message=(
                    f"L-BFGS converged at step {model.n_steps_}: no step along its direction "
                    "lowers the loss any more. Change a setting and press Play to go on, "
                    "or Reset."))  # fmt: skip
        self.message = ""
        return StepReport(n)

    def _loss_problem(self, total: float) -> str:
        if not np.isfinite(total):
            return "the loss became NaN or infinite"
        if self._first_loss is None:
            self._first_loss = total
        elif total > EXPLODE_FACTOR * max(self._first_loss, 1e-12):
            return (
                f"the loss exploded to {total:.3g} (over {EXPLODE_FACTOR:.0f}× the first "
                f"step's {self._first_loss:.3g})"
            )
        return ""

    def _roll_back(self, theta: np.ndarray, step: int, problem: str) -> str:
        model = self.model
        step = max(step, 0)
        failed_at = model.n_steps_
        model.theta_[...] = theta
        model.n_steps_ = step
        del model.loss_curve_[step:]
        model._opt = None  # its momentum / curvature memory has seen the bad step
        self.history.truncate(step)
        self.message = (
            f"Training diverged at step {failed_at}: {problem}. Rolled back to step {step} "
            f"and paused. Lower the learning rate (now {model.effective_learning_rate:.3g}) "
            f"or β (now {model.beta:.3g}), then continue."
        )
        return self.message

    # ------------------------------------------------------------------ persistence
    def save(self, path: Any) -> None:
        """Write weights, hyper-parameters and history to ``path`` (.npz)."""
        save_session(self, path)

    def load(self, path: Any) -> None:
        """Restore a file written by ``save``; on any error nothing in the session changes."""
        load_session(self, path)
