"""Gradient check: the analytic gradient against central differences, in float64.

The full check costs four objective evaluations per parameter (six with ``order=6``): fine for
the small models of the tests, hopeless at 784-196 (~300k parameters). With ``n_coords`` it
checks at most that many randomly drawn coordinates of each parameter array (W1, b1, W2, b2)
against the same full analytic gradient.

``spot_check`` is the check sized for a click (the dashboard's gradient check panel): the live
objective of a model, on a float64 copy, on at most ``N_SAMPLES`` inputs and ``N_COORDS``
coordinates per array, with a step chosen so that TopK's kinks cannot spoil it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import PARAM_NAMES, SparseAutoencoder
from .penalties import topk_margin
from .validation import NONE, Either, Interval, Options, check_array, check_param

#: Central-difference stencils by order of accuracy: {k: w_k} in
#: g ≈ Σ_k w_k (f(θ + kε) − f(θ − kε)) / ε, with error O(ε^order).
STENCILS: dict[int, dict[int, float]] = {
    4: {1: 8 / 12, 2: -1 / 12},
    6: {1: 45 / 60, 2: -9 / 60, 3: 1 / 60},
}


def numerical_gradient(
    model: SparseAutoencoder,
    X: Any,
    epsilon: float | np.ndarray = 1e-4,
    indices: np.ndarray | None = None,
    order: int = 4,
) -> np.ndarray:
    """Central differences for every parameter (or the flat ``indices`` only), in float64.

    By default the five-point stencil g ≈ [8(f(θ+ε) − f(θ−ε)) − (f(θ+2ε) − f(θ−2ε))] / 12ε. Its
    error is O(ε⁴) instead of the two-point formula's O(ε²): at ε = 1e-4 the two-point
    truncation error alone is ~1e-9 relative on sigmoid networks, right at the bar the check is
    held to, while the five-point one leaves only rounding error (~1e-11) on small models.
    ``order=6`` takes the seven-point stencil
    g ≈ [45(f(θ+ε) − f(θ−ε)) − 9(f(θ+2ε) − f(θ−2ε)) + (f(θ+3ε) − f(θ−3ε))] / 60ε, error O(ε⁶):
    it allows a larger ε, hence less rounding error (which grows as u·|f|/ε), at 1.5× the cost.

    Each loss term (reconstruction, sparsity, weight decay) is differenced on its own and the
    differences are added: the same number in exact arithmetic, but a large term that a
    parameter does not move (the sparsity term, for W2 and b2) no longer adds the rounding
    error of its magnitude to every difference. At 784-196 that error alone would be ~1e-8
    relative on W2. The terms are checked to add up to the total the optimiser minimises.

    ``epsilon`` is one step for every coordinate, or an array of steps, one per coordinate
    checked (per entry of ``indices``, or of θ).

    Returns
    -------
    ndarray
        One entry per parameter (the shape of ``model.theta_``), or per entry of ``indices``.
    """
    model._check_initialized()
    check_param("order", order, Options(tuple(STENCILS)))
    weights = STENCILS[order]
    X = check_array(X, n_features=model.n_features_in_)
    theta = model.theta_.astype(np.float64)
    coords = np.arange(theta.size) if indices is None else np.asarray(indices, dtype=np.intp)
    steps = np.asarray(epsilon, dtype=np.float64)
    if steps.shape not in ((), (coords.size,)) or not np.all(steps > 0):
        given = f"{float(steps)!r}" if steps.ndim == 0 else f"<array of shape {steps.shape}>"
        raise ValueError(
            f"epsilon={given} is not allowed: epsilon must be a positive number or one "
            f"positive number per coordinate checked ({coords.size})."
        )
    steps = np.broadcast_to(steps, coords.shape)
    num = np.empty(coords.size)

    def terms_at(i: int, delta: float) -> np.ndarray:
        old = theta[i]
        theta[i] = old + delta
        total, _, (terms, _) = model._objective(theta, X)
        theta[i] = old
        parts = np.array([v for name, v in terms.items() if name != "total"])
        if not abs(parts.sum() - total) <= 1e-12 * max(abs(total), 1.0):
            raise RuntimeError(f"the loss terms {terms} do not add up to the total {total!r}.")
        return parts

    for j, (i, eps) in enumerate(zip(coords, steps, strict=True)):
        diff = sum(w * (terms_at(i, k * eps) - terms_at(i, -k * eps)) for k, w in weights.items())
        num[j] = np.sum(diff) / eps
    return num if indices is not None else num.reshape(theta.shape)


def _relative_error(num: np.ndarray, ana: np.ndarray) -> float:
    denom = np.linalg.norm(num + ana)
    return float(np.linalg.norm(num - ana) / denom) if denom > 0 else 0.0


def check_coordinates(
    model: SparseAutoencoder, n_coords: int | None = None, random_state: Any = None
) -> dict[str, np.ndarray]:
    """The flat indices into ``theta_`` a gradient check looks at, per parameter array.

    All of them when ``n_coords`` is None; otherwise at most ``n_coords`` per array, drawn
    without replacement (all of an array that has no more than that), sorted.

    Parameters
    ----------
    model : SparseAutoencoder
        An initialised model.
    n_coords : int >= 1 or None
        Coordinates per parameter array (W1, b1, W2, b2); None checks every one.
    random_state : None, int or numpy Generator
        Seeds the draw: the same seed picks the same coordinates.
    """
    model._check_initialized()
    check_param("n_coords", n_coords, Either((NONE, Interval(1, None, integer=True))))
    rng = np.random.default_rng(random_state)
    coords, start = {}, 0
    for name, p in model.params_.items():
        if n_coords is None or p.size <= n_coords:
            picked = np.arange(p.size)
        else:
            picked = np.sort(rng.choice(p.size, size=n_coords, replace=False))
        coords[name] = start + picked
        start += p.size
    return coords


def gradient_errors(
    model: SparseAutoencoder,
    X: Any,
    epsilon: float | Mapping[str, float] = 1e-4,
    n_coords: int | None = None,
    random_state: Any = None,
    order: int = 4,
) -> dict[str, float]:
    """Relative error ‖g_num − g‖/‖g_num + g‖ per parameter array and ``"all"`` together.

    Parameters
    ----------
    model : SparseAutoencoder
        An initialised model; its parameters are not changed.
    X : array_like (m, n_features)
        The batch the objective is evaluated on (keep it small: tens of samples).
    epsilon : float or dict
        Step of the central differences, or a step per parameter array (``{"W1": ..., "b1":
        ..., "W2": ..., "b2": ...}``), e.g. a smaller one where the objective has kinks nearby.
    n_coords : int or None
        None (default) checks every coordinate. Otherwise at most ``n_coords`` random
        coordinates per parameter array (``check_coordinates``), each compared with the same
        entries of the full analytic gradient; ``"all"`` is the error over their union.
    random_state : None, int or numpy Generator
        Seeds the choice of coordinates.
    order : {4, 6}
        Order of accuracy of the central-difference stencil (``numerical_gradient``).
    """
    model._check_initialized()
    X = check_array(X, n_features=model.n_features_in_)
    ana = model._objective(model.theta_.astype(np.float64), X)[1]
    coords = check_coordinates(model, n_coords, random_state)
    every = np.concatenate(list(coords.values()))
    if isinstance(epsilon, Mapping):
        if set(epsilon) != set(coords):
            raise ValueError(
                f"epsilon={dict(epsilon)!r} is not allowed: a dict of steps needs exactly the "
                f"keys {list(coords)}."
            )
        epsilon = np.concatenate([np.full(idx.size, epsilon[name]) for name, idx in coords.items()])
    num = numerical_gradient(model, X, epsilon, None if n_coords is None else every, order)
    num = num.ravel() if n_coords is None else num
    errors, start = {}, 0
    for name, idx in coords.items():
        errors[name] = _relative_error(num[start : start + idx.size], ana[idx])
        start += idx.size
    errors["all"] = _relative_error(num, ana[every])
    return errors


def check_gradient(model: SparseAutoencoder, X: Any, epsilon: float = 1e-4) -> float:
    """Relative error ‖g_num − g‖/‖g_num + g‖ over all parameters (< 1e-9 when correct).

    Initialises ``model`` on ``X`` if it has no parameters yet. Use a small X (tens of
    samples): it costs four objective evaluations per parameter.
    """
    if not model.__sklearn_is_fitted__():
        model.initialize(check_array(X).shape[1])
    return gradient_errors(model, X, epsilon)["all"]


def float64_copy(model: SparseAutoencoder) -> SparseAutoencoder:
    """A float64 twin of ``model``: same hyper-parameters and weights, nothing shared.

    Checking the twin leaves the original untouched: its weights, step count, optimiser state
    and random generator (the twin is seeded with 0, since a Generator given as
    ``random_state`` would be advanced by initialisation).
    """
    model._check_initialized()
    params = model.get_params() | {"dtype": "float64", "random_state": 0}
    twin = SparseAutoencoder(**params).initialize(model.n_features_in_)
    twin.theta_[...] = model.theta_
    return twin


# ---------------------------------------------------------------------- a check sized for a click
#: Training inputs the objective is evaluated on (a seeded random draw).
N_SAMPLES = 20
#: Coordinates checked per parameter array (all of an array that has fewer): at most
#: 4 × 30 coordinates × 6 objective evaluations = 720 evaluations per check.
N_COORDS = 30
#: The seven-point stencil (error O(ε⁶)) with a large step. Rounding error grows as u·|f|/ε
#: and is what limits the check on big or trained models: with the five-point stencil at
#: ε = 1e-4, W2 at 784-196 (squared error, 20 steps) is at ~1e-8, ten times over the bar, and
#: still ~1e-9 at ε = 1e-3. Seven points at ε = 2e-2 measured ≤ 3e-10 on every case tried,
#: with truncation error still ≤ 1e-11 (it shows from ε ≈ 3e-2).
ORDER, EPSILON = 6, 2e-2
#: The bar of docs/architecture.md (the math contract) on ‖g_num − g‖/‖g_num + g‖.
BAR = 1e-9
#: Seeds the choice of inputs and coordinates: the same state gives the same check.
SEED = 0
#: Candidate inputs screened for TopK's ranking gaps (a forward pass over this many).
TOPK_CANDIDATES = 1000
#: Below this step the check's own rounding error can reach the bar (measured: W1 at 784-196
#: with cross-entropy is at ~1e-9 with ε = 1e-3).
SMALL_STEP = 1e-3
#: The smallest step taken, when every input has two units tied at its K boundary.
MIN_STEP = 1e-6


@dataclass(frozen=True)
class SpotRow:
    """One parameter array (or ``"all"``) of a spot check, and how it fared."""

    name: str
    error: float
    checked: int
    size: int
    epsilon: float | None  # the step used (None for the "all" row)

    @property
    def passed(self) -> bool:
        return self.error < BAR


@dataclass(frozen=True)
class SpotCheck:
    """The result of ``spot_check``: a row per parameter array, then ``"all"``."""

    rows: tuple[SpotRow, ...]
    n_samples: int
    step: int
    settings: str  # the objective's hyper-parameters, as checked
    seconds: float
    note: str = ""

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)


def _plan(X: np.ndarray, model: SparseAutoencoder) -> tuple[np.ndarray, dict[str, float], str]:
    """The inputs to check on, the step ε for each parameter array, and a note on them."""
    order = np.random.default_rng(SEED).permutation(X.shape[0])[:TOPK_CANDIDATES]
    steps = dict.fromkeys(PARAM_NAMES, EPSILON)
    if model.penalty != "topk" or not model.beta:
        return np.sort(order[:N_SAMPLES]), steps, ""
    # TopK is piecewise linear: finite differences are wrong where a perturbation changes an
    # input's top-K selection. W2 and b2 do not move activations. Moving one coordinate of W1
    # or b1 by up to (ORDER/2)·ε moves one unit's pre-activation by Δz ≤ max(1, |x|)·(ORDER/2)·ε
    # and its activation by at most g′(z)·e^Δz·Δz (g′ changes by at most e^|t| over t). So
    # for W1 and b1 take a step at which that move is at most half of every unit's margin
    # (the factor 2 covers e^Δz, Δz ≤ 0.06), on the inputs that allow the largest step. A unit
    # saturated to exactly 0 or 1 (g′ = 0) cannot move and limits nothing.
    H = np.asarray(model.transform(X[order]), dtype=np.float64)
    margin = topk_margin(H, model.rho)
    move = H * (1.0 - H) * max(1.0, float(np.abs(X).max())) * (ORDER // 2)  # per unit of ε
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(move > 0, margin / (2.0 * move), np.inf).min(axis=1)
    widest = np.argsort(limit)[::-1][:N_SAMPLES]
    safe = max(float(limit[widest].min()), MIN_STEP)
    note = ""
    if safe < EPSILON:
        steps["W1"] = steps["b1"] = safe
        note = (
            f"TopK is piecewise linear: W1 and b1 were checked with ε = {safe:.1e}, on the "
            "inputs whose top-K selection is farthest from changing, so that no perturbation "
            "can swap a unit across the K boundary (W2 and b2 do not move it)."
        )
        if safe < SMALL_STEP:
            note += (
                " At so small a step, rounding error can exceed the bar: here a ✗ on W1 or b1 "
                "does not prove the gradient wrong."
            )
    return np.sort(order[widest]), steps, note


def spot_check(model: SparseAutoencoder, X: np.ndarray) -> SpotCheck:
    """Gradient check of ``model``'s current objective (weights, ρ, β, λ, penalty, loss,
    decoder) on a float64 copy of it, so ``model`` never changes; on at most ``N_SAMPLES``
    rows of the training data ``X`` and ``N_COORDS`` coordinates per parameter array, so that
    it takes well under two seconds even at 784-196."""
    start = time.perf_counter()
    twin = float64_copy(model)
    rows, steps, note = _plan(X, model)
    batch = np.asarray(X[rows], dtype=np.float64)
    errors = gradient_errors(twin, batch, steps, N_COORDS, random_state=SEED, order=ORDER)
    # gradient_errors checks min(N_COORDS, size) coordinates of each array.
    table = [
        SpotRow(name, errors[name], min(N_COORDS, p.size), p.size, steps[name])
        for name, p in twin.params_.items()
    ]
    checked = sum(row.checked for row in table)
    table.append(SpotRow("all", errors["all"], checked, twin.theta_.size, None))
    settings = (
        f"ρ = {twin.rho:g}, β = {twin.beta:g}, λ = {twin.weight_decay:g}, penalty "
        f"{twin.penalty}, loss {twin.loss}, decoder {twin.decoder}"
    )
    seconds = time.perf_counter() - start
    return SpotCheck(tuple(table), len(rows), model.n_steps_, settings, seconds, note)
