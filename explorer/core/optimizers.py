"""Optimisers that advance a flat parameter vector by exactly one iteration per ``step``.

All share one interface so the model (and the dashboard) can swap them and change the
learning rate between any two steps::

    info = opt.step(fun, theta, learning_rate)

``fun(theta) -> (f, g, info)`` evaluates the objective and its gradient at ``theta``; ``step``
updates ``theta`` in place and returns the ``info`` of the point it started from (the loss and
mean activations "of this step", as scikit-learn's ``loss_curve_`` records them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray, Any]]


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum.

    v ← μ·v − η·∇f(θ);  θ ← θ + v
    """

    #: What the page calls it (the dashboard's optimiser drop-down lists every row by it).
    label = "SGD + momentum"
    #: Mini-batches are fine: each step follows the gradient of the batch it is given.
    full_batch = False
    #: The model's hyper-parameters it is built with (keywords of ``__init__``); changing
    #: one starts a fresh optimiser.
    settings = ("momentum",)
    #: With momentum 0.9 and β = 3, 0.5 drove every unit to ρ̂ = 0 on natural patches within a
    #: few hundred steps (the sparsity gradient overshoots); 0.1 settles at ρ̂ ≈ ρ.
    default_learning_rate = 0.1

    def __init__(self, n_params: int, dtype: np.dtype, momentum: float = 0.9) -> None:
        self.momentum = momentum
        self.velocity = np.zeros(n_params, dtype=dtype)

    def step(self, fun: Objective, theta: np.ndarray, learning_rate: float, key: Any = None):
        _, g, info = fun(theta)
        self.velocity *= self.momentum
        self.velocity -= learning_rate * g
        theta += self.velocity
        return info


class Adam:
    """Adam (Kingma & Ba, 2015) with bias-corrected moment estimates.

    m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε)
    """

    label = "Adam"
    full_batch = False
    settings = ()
    default_learning_rate = 0.01

    def __init__(
        self,
        n_params: int,
        dtype: np.dtype,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self.t = 0

    def step(self, fun: Objective, theta: np.ndarray, learning_rate: float, key: Any = None):
        _, g, info = fun(theta)
        self.t += 1
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * g
        self.v *= self.beta2
        self.v += (1.0 - self.beta2) * (g * g)
        # Fold both bias corrections into the step size: one scalar instead of two arrays.
        lr_t = learning_rate * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        theta -= lr_t * self.m / (np.sqrt(self.v) + self.eps)
        return info


class LBFGS:
    """Full-batch limited-memory BFGS, one iteration per ``step``.

    The search direction comes from the two-loop recursion over the last ``memory`` pairs
    (s, y); a backtracking line search enforces the Armijo condition
    f(θ + t·d) ≤ f(θ) + c₁·t·∇fᵀd, so every accepted step strictly decreases the objective.
    The learning rate is the first trial step length t (1 is the textbook choice).

    The (f, g) at the accepted point is reused by the next step when ``key`` (the model's
    description of the objective: data and hyper-parameters) is unchanged, so a step costs
    one evaluation when the first trial is accepted. A changed key (ρ or β moved, new data)
    forces a fresh evaluation; the curvature pairs are kept, as they still describe the
    nearby landscape, and are dropped whenever they stop giving a descent direction.
    """

    label = "L-BFGS"
    #: Its line search compares objective values and its curvature pairs compare gradients:
    #: both must be of one function, the objective on all of the data.
    full_batch = True
    settings = ()
    default_learning_rate = 1.0
    #: Roundings of the objective a step below which decreases count as none, over a window
    #: of PATIENCE steps (see ``step``).
    RESOLUTION = 8
    PATIENCE = 5

    def __init__(
        self,
        n_params: int,
        dtype: np.dtype,
        memory: int = 20,
        c1: float = 1e-4,
        max_backtracks: int = 40,
    ) -> None:
        self.c1, self.max_backtracks = c1, max_backtracks
        self.pairs: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=memory)
        self._cache: tuple[Any, float, np.ndarray, Any] | None = None
        self.converged = False
        self._recent: deque[float] = deque(maxlen=self.PATIENCE + 1)  # f after recent steps

    def _direction(self, g: np.ndarray) -> np.ndarray:
        if not self.pairs:
            # First iteration: a gradient step with ‖d‖₁ ≤ 1 (as minFunc), since no
            # curvature is known yet to scale it.
            return -g * min(1.0, 1.0 / max(float(np.abs(g).sum()), 1e-300))
        q = -g
        alphas = []
        for s, y, rho in reversed(self.pairs):
            a = rho * float(s @ q)
            q -= a * y
            alphas.append(a)
        s, y, _ = self.pairs[-1]
        q *= float(s @ y) / float(y @ y)  # initial Hessian scaling γ = sᵀy / yᵀy
        for (s, y, rho), a in zip(self.pairs, reversed(alphas), strict=True):
            b = rho * float(y @ q)
            q += (a - b) * s
        return q

    def step(self, fun: Objective, theta: np.ndarray, learning_rate: float, key: Any = None):
        if self._cache is not None and key is not None and self._cache[0] == key:
            if self.converged:
                # The last search found no decrease and nothing has changed since: another
                # would spend max_backtracks evaluations to find the same.
                return self._cache[3]
            _, f, g, info = self._cache
        else:
            self._recent.clear()  # a new objective: its progress is measured afresh
            f, g, info = fun(theta)
        d = self._direction(g)
        gtd = float(g @ d)
        if not gtd < 0.0:
            self.pairs.clear()
            d = -g
            gtd = -float(g @ g)
        if gtd == 0.0:
            self.converged = True  # zero gradient: nothing left to do
            self._cache = (key, f, g, info)
            return info
        t = learning_rate
        for _ in range(self.max_backtracks):
            trial = theta + t * d
            f_new, g_new, info_new = fun(trial)
            if np.isfinite(f_new) and f_new <= f + self.c1 * t * gtd:
                break
            t *= 0.5
        else:
            # No decrease found along d: leave θ unchanged and forget the curvature pairs.
            self.pairs.clear()
            self.converged = True
            self._cache = (key, f, g, info)
            return info
        s = trial - theta
        y = g_new - g
        sy = float(s @ y)
        if sy > 1e-10 * float(y @ y):  # keep the inverse-Hessian estimate positive definite
            self.pairs.append((s, y, 1.0 / sy))
        theta[...] = trial
        self._cache = (key, f_new, g_new, info_new)
        # A decrease over the last PATIENCE steps within a few roundings of f a step is all the
        # precision can tell: from there the line search mostly measures rounding (in float32
        # from ~600 steps on natural patches, where steps then took 40 evaluations each), so
        # stop as if no decrease were found. One small step alone may follow a small change
        # of ρ or β; a window smooths the rounding noise of single decreases.
        self._recent.append(f_new)
        resolution = self.RESOLUTION * float(np.finfo(theta.dtype).eps) * abs(f_new)
        full = len(self._recent) == self._recent.maxlen
        self.converged = full and self._recent[0] - f_new <= self.PATIENCE * resolution
        return info


OPTIMIZERS: dict[str, type] = {"lbfgs": LBFGS, "adam": Adam, "sgd": SGD}


def is_full_batch(optimizer: str) -> bool:
    """Does ``optimizer`` (a key of ``OPTIMIZERS``) train on the whole data set only?"""
    return OPTIMIZERS[optimizer].full_batch


def check_batch_size(optimizer: str, batch_size: int | None) -> None:
    """Refuse a mini-batch for a full-batch optimiser (L-BFGS): the one statement of the rule,
    which the model enforces and the dashboards ask before they change anything."""
    if batch_size is not None and is_full_batch(optimizer):
        others = " or ".join(repr(name) for name in OPTIMIZERS if not is_full_batch(name))
        raise ValueError(
            f"batch_size={batch_size!r} is not allowed with optimizer={optimizer!r}: "
            f"{OPTIMIZERS[optimizer].label} is full-batch, so batch_size must be None "
            f"(or use {others})."
        )
