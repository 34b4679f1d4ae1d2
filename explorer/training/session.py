"""A training session: model + optimiser + data + live hyper-parameters + history.

The session is what the dashboard and the CLI drive: ``step(n)`` advances training,
``set_params`` changes hyper-parameters between steps (resetting only when the change makes
the current weights meaningless), and a divergence guard rolls back a step that blew up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .. import datasets
from ..core import SparseAutoencoder
from ..core.heap import trim
from ..core.metrics import DEAD, SATURATED
from ..core.optimizers import OPTIMIZERS
from ..core.validation import Interval, check_param
from .checkpoint import Checkpoint, read_checkpoint, save_session
from .force_history import ForceHistory
from .history import MAX_STEPS, History
from .recording import Recording

#: Changing these makes the current weights meaningless (other shapes, other data, other
#: objective family or seed), so the session starts again from step 0.
RESET_PARAMS = (
    "dataset",
    "n_samples",
    "data_options",
    "n_hidden",
    "dtype",
    "random_state",
    "loss",
    "decoder",
    "optimizer",
)

#: The session's parameters that say which data it trains on (the rest are the model's).
DATA_PARAMS = ("dataset", "n_samples", "data_options")

#: A loss this many times the first step's loss counts as a divergence even while finite.
EXPLODE_FACTOR = 1e3

#: A run is stuck when every unit is dead or saturated (``core.metrics``) and, at the pace
#: its units' logit(ρ̂) = log(ρ̂ / (1 − ρ̂)) moved over the last STUCK_STEPS steps, none would
#: be back between the two within STUCK_HORIZON steps. The pace is measured, not assumed:
#: a sigmoid far from 0.5 passes little gradient, but the KL penalty's pull on a dead unit's
#: pre-activation is ≈ β·ρ whatever ρ̂ is, so under Adam a float64 unit at z = −40 comes back
#: in ≈ 80 steps, while after the lr-too-high preset's first step (ρ̂ = 0 to float32
#: precision) nothing moves at all.
STUCK_STEPS = 50
STUCK_HORIZON = 10_000
_LIVE = (np.log(DEAD / (1 - DEAD)), np.log(SATURATED / (1 - SATURATED)))  # the band, in logit


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
    #: Every unit is dead or saturated and none moves (``STUCK_STEPS``): only Reset helps.
    stuck: bool = False

    @property
    def stopped(self) -> bool:
        """Should a loop that trains on stop here (and say ``message``)?"""
        return self.diverged or self.converged or self.stuck


def _all_off(rho_hat: np.ndarray) -> bool:
    """Is every unit dead or saturated (``core.metrics``)?"""
    return bool(np.all((rho_hat < DEAD) | (rho_hat > SATURATED)))


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
    data_options : dict or None
        The data set's own settings (``datasets.options(dataset)``, e.g. the sparse
        dictionary's size and sparsity); None or {} for its defaults. A ready ``Dataset``
        carries its own.
    **model_params
        Keyword arguments of :class:`SparseAutoencoder`.

    Notes
    -----
    A session runs for as long as a page plays, so what it keeps stays bounded: ``history``
    and ``recording`` keep evenly spaced steps (``Thinned``), and the model's own
    ``loss_curve_`` keeps the totals of the latest ``history.MAX_STEPS`` to twice that many
    steps (kept whole it grew 32 bytes a step, 29 MB in a half-hour soak of Adam; the history
    is the run's record).
    """

    def __init__(
        self,
        dataset: str | datasets.Dataset = "natural-patches",
        n_samples: int | None = None,
        random_state: int = 0,
        data_options: dict[str, Any] | None = None,
        **model_params: Any,
    ) -> None:
        check_param("random_state", random_state, Interval(0, None, integer=True))
        self.model = SparseAutoencoder(random_state=random_state, **model_params)
        self.model.validate()  # before loading data for a run that cannot start
        self.n_samples = n_samples
        self.dataset = self._load(dataset, n_samples, random_state, data_options, self.model.dtype)
        self.history = History()
        #: The weights at evenly spaced steps, to scrub back, replay and film the run.
        self.recording = Recording()
        #: The sizes of the two forces on each unit's weights, as the run was watched.
        self.force_history = ForceHistory()
        self.message = ""
        self.reset()

    @staticmethod
    def _load(
        dataset: Any, n_samples: int | None, seed: int, options: dict[str, Any] | None, dtype: str
    ) -> datasets.Dataset:
        """The data set ``dataset`` names, in ``dtype`` (the model's), or ``dataset`` itself
        when it is a ready ``Dataset`` (the caller holds it: ``reset`` converts a copy)."""
        if isinstance(dataset, datasets.Dataset):
            if options and options != dataset.options:
                raise ValueError(
                    f"data_options={options!r} is not allowed with a ready Dataset: it was "
                    f"made with {dataset.options!r}; leave data_options out."
                )
            return dataset
        if not isinstance(dataset, str) or dataset not in datasets.NAMES:
            # Named here as the session's parameter (datasets.load calls it ``name``).
            raise ValueError(
                f"dataset={dataset!r} is not allowed: dataset must be one of "
                f"{list(datasets.NAMES)} or a datasets.Dataset."
            )
        if options is not None and not isinstance(options, dict):
            raise TypeError(
                f"data_options={options!r} is not allowed: data_options must be a dict of the "
                f"data set's settings, or None."
            )
        data = datasets.load(dataset, n_samples=n_samples, random_state=seed, **(options or {}))
        if data.X.dtype != dtype:
            # Only the model's dtype is kept: the model trains on this very array (``reset``),
            # and a float64 original beside a float32 copy held 4.9 MB more in every
            # dashboard's kernel (10,000 patches of 64). Another dtype loads the data again
            # (``set_params``).
            data = replace(data, X=data.X.astype(dtype))
        trim()  # loading freed several times the data's size (``core.heap``)
        return data

    # ------------------------------------------------------------------ state
    @property
    def n_steps(self) -> int:
        return self.model.n_steps_

    @property
    def X(self) -> np.ndarray:
        return self._X

    @property
    def last_step(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(the weights the latest step started from, its batch), or (None, None) when no
        step led to the current weights (step 0, a rollback, a rewind, a loaded file). The
        update that step made is ``model.theta_`` minus the first."""
        return (None, None) if self._batch is None else (self._good, self._batch)

    def reset(self) -> None:
        """Fresh weights from the seed, empty history, step 0."""
        self.model.initialize(self.dataset.X.shape[1])
        self._X = self.model.check_input(self.dataset.X)
        self.history.clear()
        self.recording.clear()
        self.recording.record(0, self.model.theta_)
        self.force_history.clear()
        self._batch: np.ndarray | None = None  # the last step's, while it is the latest
        self._initial = self.model.theta_.copy()
        self._good = self.model.theta_.copy()
        self._start = self.model.theta_.copy()
        self._first_loss: float | None = None
        self._frozen: tuple[int, np.ndarray] | None = None  # (step, logit ρ̂) while stuck
        self.message = ""

    def get_params(self) -> dict[str, Any]:
        """Model hyper-parameters plus the data set's name, size and own settings. Not the
        model's ``max_iter``: a session steps as far as it is told (``step(n)``), never calls
        ``fit``."""
        params = self.model.get_params(deep=False)
        del params["max_iter"]
        return params | {
            "dataset": self.dataset.name,
            "n_samples": self.n_samples,
            "data_options": dict(self.dataset.options),
        }

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
        model_params = {k: v for k, v in changed.items() if k not in DATA_PARAMS}
        needs_reset = any(k in RESET_PARAMS for k in changed)
        if "random_state" in changed:  # it also seeds the data: a session's is an int
            check_param("random_state", changed["random_state"], Interval(0, None, integer=True))
        # Validate everything on a scratch model first so a rejected value changes nothing.
        scratch = SparseAutoencoder(**(self.model.get_params(deep=False) | model_params))
        scratch.validate()
        new_data = None
        # The data is kept in the model's dtype: another dtype loads it again (from its name;
        # a ready data set of one's own stays as it is, converted by ``reset``).
        reloads = (*DATA_PARAMS, "random_state")
        if self.dataset.name in datasets.NAMES:
            reloads += ("dtype",)
        if any(k in changed for k in reloads):
            # Another data set starts from its own defaults unless told otherwise.
            options = {} if "dataset" in changed else self.dataset.options
            new_data = self._load(
                changed.get("dataset", self.dataset.name),
                changed.get("n_samples", self.n_samples),
                scratch.random_state,
                changed.get("data_options", options),
                scratch.dtype,
            )
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
            batch = model.next_batch(self._X)
            terms = model.step(batch)
            if problem := self._loss_problem(terms["total"]):
                message = self._roll_back(self._good, len(self.history) - 1, problem)
                return StepReport(model.n_steps_ - first, True, message)
            self.history.record(terms, model.rho_hat_)
            if len(model.loss_curve_) > 2 * MAX_STEPS:  # halved now and then: O(1) a step
                del model.loss_curve_[:-MAX_STEPS]
            if not np.isfinite(model.theta_).all():
                problem = "the update produced NaN or infinite weights"
                message = self._roll_back(self._start, len(self.history) - 1, problem)
                return StepReport(model.n_steps_ - first, True, message)
            self._good, self._start = self._start, self._good
            self._batch = batch
            self.recording.record(model.n_steps_, model.theta_)
            if stuck := self._stuck(model.rho_hat_, model.converged_):
                self.message = stuck
                return StepReport(model.n_steps_ - first, stuck=True, message=stuck)
            if model.converged_:
                self.message = ""
                converged = (
                    f"L-BFGS converged at step {model.n_steps_}: no step along its direction "
                    "lowers the loss any more. Change a setting and press Play to go on, or Reset."
                )
                return StepReport(model.n_steps_ - first, converged=True, message=converged)
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

    def _stuck(self, rho_hat: np.ndarray, converged: bool) -> str:
        """Why the run is stuck (see ``STUCK_STEPS``; at once if L-BFGS has converged there),
        or "" while some unit is live or on its way back."""
        rho_hat = np.clip(np.asarray(rho_hat, dtype=np.float64), 1e-300, 1 - 1e-16)
        if not _all_off(rho_hat):
            self._frozen = None
            return ""
        logit, step = np.log(rho_hat) - np.log1p(-rho_hat), self.model.n_steps_
        if self._frozen is None:
            self._frozen = (step, logit)
        then, before = self._frozen
        if not converged:
            if step - then < STUCK_STEPS:
                return ""
            # Steps each unit needs to reach the live band at the pace measured since then.
            toward = np.where(logit < _LIVE[0], logit - before, before - logit) / (step - then)
            distance = np.where(logit < _LIVE[0], _LIVE[0] - logit, logit - _LIVE[1])
            with np.errstate(divide="ignore"):
                needs = np.where(toward > 0, distance / toward, np.inf)
            if needs.min() <= STUCK_HORIZON:
                self._frozen = (step, logit)  # on their way back: measure the next window
                return ""
        k, dead = rho_hat.size, int(np.count_nonzero(rho_hat < DEAD))
        which = {k: "dead (ρ̂ < 1e-4)", 0: "saturated (ρ̂ > 0.9)"}.get(
            dead, f"dead (ρ̂ < 1e-4) or saturated (ρ̂ > 0.9), {dead} of them dead"
        )
        still = (
            "L-BFGS has converged there"
            if converged
            else f"at the pace of the last {STUCK_STEPS} steps none would be back within "
            f"{STUCK_HORIZON:,} steps"
        )
        return (
            f"Stuck at step {step}: all {k} units are {which}, and {still}: a sigmoid this "
            "far from 0.5 passes almost no gradient. Press Reset for fresh weights (the "
            "settings stay; if one big step switched the units off, lower the learning rate "
            "first)."
        )

    def _roll_back(self, theta: np.ndarray, step: int, problem: str) -> str:
        """Go back to ``theta`` at ``step``, or to step 0 if every unit there is already dead
        or saturated (lowering a setting could not revive them); say so and what to change."""
        model = self.model
        step = max(step, 0)
        failed_at = model.n_steps_
        stuck = _all_off(self._restore(theta, step))
        if stuck and step > 0:
            self._restore(self._initial, 0)
        rate = model.effective_learning_rate
        default = OPTIMIZERS[model.optimizer].default_learning_rate
        where = (
            f"At step {step} every unit was already dead or saturated, which no setting can "
            "undo, so training went back to step 0 (the seed's fresh weights)"
            if stuck and step > 0
            else f"Rolled back to step {model.n_steps_}"
        )
        self.message = (
            f"Training diverged at step {failed_at}: {problem}. {where}, where the loss is "
            f"{model.last_terms_['total']:.4g}, and paused. Lower the learning rate (now "
            f"{rate:.3g}; the optimiser's default is {default:g}) or β (now "
            f"{model.beta:.3g}), then go on."
        )
        return self.message

    def _restore(self, theta: np.ndarray, step: int) -> np.ndarray:
        """Put the weights ``theta`` back as step ``step``; return their ρ̂ (on all of X), and
        make the loss shown the loss there, not the one that exploded."""
        model = self.model
        model.theta_[...] = theta
        # The model's loss curve holds the latest steps' totals (``step``): those past ``step``
        # go.
        del model.loss_curve_[max(len(model.loss_curve_) - (model.n_steps_ - step), 0) :]
        model.n_steps_ = step
        model.restart_optimizer()  # its momentum / curvature memory has seen the bad step
        self.history.truncate(step)
        self.recording.truncate(step)
        self.recording.record(step, model.theta_)  # step 0 is always recorded; others may not be
        self._good[...] = self._start[...] = theta
        self._batch = None  # no step led here
        self.force_history.truncate(step)
        self._frozen = None
        model.last_terms_, _ = model.loss_and_grad(self._X)
        model.rho_hat_ = model.transform(self._X).mean(axis=0)
        return model.rho_hat_

    def rewind(self, step: int) -> None:
        """Go back to recorded ``step`` (one of ``recording.steps``) and train on from there:
        every later step is forgotten (weights, loss history, recording)."""
        if step not in self.recording.steps:
            raise ValueError(
                f"step={step!r} is not allowed: step must be a recorded step, one of "
                f"{self.recording.steps[:3]} … {self.recording.steps[-1]}."
            )
        self._restore(self.recording.weights[self.recording.steps.index(step)], step)
        self.message = ""

    # ------------------------------------------------------------------ persistence
    def save(self, path: Any) -> None:
        """Write weights, hyper-parameters and history to ``path`` (.npz)."""
        save_session(self, path)

    def load(self, path: Any) -> None:
        """Restore a file written by ``save`` (or a ``Checkpoint`` read from one); on any
        error nothing in the session changes."""
        restored = type(self).restore(path, like=self)
        # Adopt every part of the restored session at once: until here this one is untouched.
        vars(self).update(vars(restored))

    @classmethod
    def restore(cls, path: Any, like: Session | None = None) -> Session:
        """A session that goes on from the file ``path`` written by ``save`` (or a
        ``Checkpoint`` read from one): its weights,
        hyper-parameters, step count, loss history, ρ̂ snapshots and mini-batch generator.

        The data set is loaded from its name and seed, as the run loaded it: a run on data of
        one's own (uploaded images) is not in the file, so it restores only ``like`` a session
        that trains on that data. ``like`` also gives the history's and the recording's memory
        limits, and any setting the file leaves out. The recording comes back with the steps the
        file holds of it (the copy a dashboard's page keeps holds some); from a plain ``save``,
        which holds none, it starts at the file's step. Optimiser state (momentum, Adam's
        moments, L-BFGS's curvature pairs) is not saved and starts afresh.
        """
        saved = path if isinstance(path, Checkpoint) else read_checkpoint(path)
        params = (like.get_params() if like else {}) | saved.params
        name, n_samples = params.pop("dataset", None), params.pop("n_samples", None)
        options = params.pop("data_options", {})  # files from before data sets had settings
        seed = params.pop("random_state", 0)
        if name not in datasets.NAMES and (like is None or name != like.dataset.name):
            here = f" (this one trains on {like.dataset.name!r})" if like else ""
            raise saved.refuse(
                f"it was trained on the data set {name!r}, which the file does not contain; "
                f"load it into a session that trains on {name!r}{here}, or train on one of "
                f"{list(datasets.NAMES)}"
            )
        current = like and (
            like.dataset.name,
            like.n_samples,
            like.model.random_state,
            like.dataset.options,
        )
        # ``like``'s data unless it is less precise than the run needs (a float32 session's is
        # float32: a float64 run loads its own).
        same_data = current == (name, n_samples, seed, options) and (
            like.dataset.X.dtype.itemsize >= np.dtype(params.get("dtype", "float64")).itemsize
        )
        try:
            session = cls(like.dataset if same_data else name, n_samples, seed, options, **params)
        except (TypeError, ValueError) as exc:
            raise saved.refuse(f"its hyper-parameters are invalid here ({exc})") from exc
        if like is not None:
            session.history = History(like.history.max_snapshots, like.history.max_steps)
            session.recording = Recording(like.recording.max_snapshots, like.recording.max_bytes)
        session._resume(saved)
        return session

    def _resume(self, saved: Checkpoint) -> None:
        """Put the run ``saved`` in place of this fresh session's step 0."""
        n_features = self.dataset.X.shape[1]
        if n_features != saved.n_features:
            raise saved.refuse(
                f"weights expect {saved.n_features} features but data set "
                f"{self.dataset.name!r} has {n_features}"
            )
        self.reset()
        model, n_steps = self.model, saved.n_steps
        for name, weights in saved.weights.items():
            model.params_[name][...] = weights
        model.n_steps_ = n_steps
        model.loss_curve_ = list(saved.terms["total"][-MAX_STEPS:])
        # The loss shown is the last step's, as after that step (not "not trained yet").
        model.last_terms_ = {t: values[-1] for t, values in saved.terms.items()} if n_steps else {}
        if saved.rho_hat is not None:
            model.rho_hat_ = saved.rho_hat
        model.rng_state = saved.rng_state
        self.history.restore(
            saved.terms,
            saved.stride,
            saved.snapshot_steps,
            saved.snapshots,
            saved.term_steps,
            saved.term_stride,
        )
        self._good[...] = model.theta_
        self._start[...] = model.theta_
        self._first_loss = saved.terms["total"][0] if n_steps else None
        if saved.recording_steps:
            weights = [w.astype(model.theta_.dtype) for w in saved.recording]
            self.recording.restore(saved.recording_steps, weights, saved.recording_stride)
        else:  # the file holds no earlier weights: the recording starts here
            self.recording.clear()
            self.recording.record(n_steps, model.theta_)
