"""explorer.core.optimizers: every optimiser reduces the loss; L-BFGS never increases it, evaluates
each new batch, and stops once its decrease is rounding."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core import SparseAutoencoder
from explorer.core.optimizers import LBFGS


@pytest.mark.parametrize(("optimizer", "steps"), [("lbfgs", 30), ("adam", 60), ("sgd", 60)])
def test_every_optimizer_reduces_the_loss(bars, optimizer, steps):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, optimizer=optimizer, random_state=0)
    model.set_params(max_iter=steps).fit(bars)
    final = model.loss_and_grad(bars)[0]["total"]
    assert final < 0.7 * model.loss_curve_[0]


def test_lbfgs_never_increases_the_objective(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, max_iter=60, random_state=0).fit(bars)
    curve = np.array(model.loss_curve_)
    assert len(curve) > 10
    assert np.all(np.diff(curve) <= 0)
    assert curve[-1] < 0.5 * curve[0]


def test_lbfgs_partial_fit_on_fresh_batches_evaluates_each_batch(bars):
    """L-BFGS caches (f, g) keyed by the batch: a new batch must never reuse the old one's.

    ``model`` gets lists, so every call builds a new array that is freed after the step and
    Python may hand the next one the same ``id``; ``twin`` gets arrays that all stay alive.
    Both must see the same losses.
    """
    batches = np.split(bars, 10)
    lists = [b.tolist() for b in batches]
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    for batch in lists:
        model.partial_fit(batch)
    twin = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    for batch in batches:
        twin.partial_fit(batch)
    assert len(set(twin.loss_curve_)) == len(batches)
    assert model.loss_curve_ == twin.loss_curve_
    np.testing.assert_array_equal(model.theta_, twin.theta_)


# --------------------------------------------------------------------------- L-BFGS stopping
class Quadratic:
    """f(θ) = 1 + ½ Σ aᵢ(θᵢ − cᵢ)² in float32, counting its evaluations (info is f)."""

    def __init__(self, n: int = 20, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.a = rng.uniform(1.0, 10.0, n).astype(np.float32)
        self.c = rng.uniform(-1.0, 1.0, n).astype(np.float32)
        self.calls = 0

    def value(self, theta: np.ndarray) -> float:
        r = theta - self.c
        return float(np.float32(1.0) + np.float32(0.5) * np.sum(self.a * r * r, dtype=np.float32))

    def __call__(self, theta: np.ndarray):
        self.calls += 1
        f = self.value(theta)
        return f, (self.a * (theta - self.c)).astype(np.float32), f


def converged_lbfgs(max_steps: int = 100):
    """An L-BFGS run on ``Quadratic`` until it says it has converged, with its record."""
    fun, opt = Quadratic(), LBFGS(20, np.dtype(np.float32))
    theta = np.zeros(20, dtype=np.float32)
    steps = []  # (f before, f after, evaluations, moved)
    for _ in range(max_steps):
        before, calls = theta.copy(), fun.calls
        f = opt.step(fun, theta, 1.0, key="q")
        moved = not np.array_equal(theta, before)
        steps.append((f, fun.value(theta), fun.calls - calls, moved))
        if opt.converged:
            break
    return fun, opt, theta, steps


def test_lbfgs_stops_once_a_decrease_is_within_a_few_roundings():
    fun, opt, theta, steps = converged_lbfgs()
    assert opt.converged, f"not converged after {len(steps)} steps"
    assert len(steps) <= 50
    eps = float(np.finfo(np.float32).eps)
    _, f_new, evaluations, _ = steps[-1]
    # The converging step was an accepted one (maybe a move below float32's resolution),
    # after PATIENCE steps whose decrease was all rounding: not a line search that spent its
    # backtracks finding no decrease at all.
    assert evaluations < opt.max_backtracks
    window = LBFGS.PATIENCE * LBFGS.RESOLUTION * eps
    assert 0 <= steps[-1 - LBFGS.PATIENCE][1] - f_new <= window * abs(f_new)
    afters = [after for _, after, _, _ in steps]
    for i in range(LBFGS.PATIENCE, len(steps) - 1):  # and no earlier window stopped it
        assert afters[i - LBFGS.PATIENCE] - afters[i] > window * abs(afters[i])
    assert fun.value(theta) == pytest.approx(1.0, abs=1e-5)


def test_a_converged_lbfgs_evaluates_nothing_until_the_key_changes():
    fun, opt, theta, _ = converged_lbfgs()
    assert opt.converged
    before, calls = theta.copy(), fun.calls
    for _ in range(3):
        info = opt.step(fun, theta, 1.0, key="q")
        assert info == pytest.approx(fun.value(theta))  # the current point's info
    assert fun.calls == calls
    np.testing.assert_array_equal(theta, before)
    assert opt.converged
    opt.step(fun, theta, 1.0, key="other")  # a changed objective is looked at afresh
    assert fun.calls > calls


def test_converged_mirrors_the_optimizer(bars):
    X32 = bars.astype(np.float32)
    model = SparseAutoencoder(n_hidden=8, rho=0.1, dtype="float32", random_state=0)
    model.initialize(X32.shape[1])
    assert model.converged_ is False  # initialised, no step yet
    model.set_params(max_iter=5).fit(X32)
    assert model.converged_ is False and model._opt.converged is False
    model.set_params(max_iter=20_000).fit(X32)
    assert model.n_steps_ < 20_000  # fit stopped there
    assert model.converged_ is True and model._opt.converged is True
    model._opt.converged = False
    assert model.converged_ is False
    model.set_params(optimizer="adam")  # a fresh optimiser state
    assert model.converged_ is False
    adam = SparseAutoencoder(n_hidden=8, rho=0.1, optimizer="adam", random_state=0)
    adam.set_params(max_iter=30).fit(bars)
    assert adam.n_steps_ == 30 and adam.converged_ is False


def test_an_unfitted_model_has_not_converged():
    assert SparseAutoencoder().converged_ is False
