"""Gradient check: the analytic gradient against central differences, in float64.

The full check costs four objective evaluations per parameter (six with ``order=6``): fine for
the small models of the tests, hopeless at 784-196 (~300k parameters). With ``n_coords`` it
checks at most that many randomly drawn coordinates of each parameter array (W1, b1, W2, b2)
against the same full analytic gradient.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .model import SparseAutoencoder
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
    if model.theta_ is None:
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
