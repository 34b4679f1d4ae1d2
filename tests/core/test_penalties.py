"""explorer.core.penalties: L1 and TopK by hand, the per-unit curves, training that reduces the
chosen penalty, and the KL divergence."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.core import (
    PENALTIES,
    SparseAutoencoder,
    kl_divergence,
    kl_divergence_grad,
    topk_count,
    topk_gap,
    topk_margin,
)

# --------------------------------------------------------------------------- L1 and TopK
HAND_H = np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.7, 0.05]])


def test_l1_penalty_by_hand():
    l1 = PENALTIES["l1"]
    rho_hat = HAND_H.mean(axis=0)
    # (0.9 + 0.1 + 0.5 + 0.3 + 0.2 + 0.8 + 0.7 + 0.05) / 2 = 3.55 / 2
    for rho in (0.01, 0.5):  # ρ plays no part
        assert l1.value(HAND_H, rho_hat, rho) == pytest.approx(1.775, rel=1e-15)
    grad = l1.grad(HAND_H, rho_hat, 0.1)
    assert grad.shape == (4,)  # one row, broadcast over the samples
    np.testing.assert_array_equal(grad, np.full(4, 0.5))


def test_topk_penalty_by_hand():
    topk = PENALTIES["topk"]
    # k = 4, ρ = 0.5: K = 2. Row 0 keeps 0.9 and 0.5, pays 0.1 + 0.3; row 1 keeps 0.8 and
    # 0.7, pays 0.2 + 0.05. Ω = (0.4 + 0.25) / 2.
    assert topk.value(HAND_H, HAND_H.mean(axis=0), 0.5) == pytest.approx(0.325, rel=1e-15)
    grad = topk.grad(HAND_H, HAND_H.mean(axis=0), 0.5)
    np.testing.assert_array_equal(grad, [[0, 0.5, 0, 0.5], [0.5, 0, 0, 0.5]])
    # ρ = 0.1: K = max(1, round(0.4)) = 1; each row pays all but its largest.
    assert topk.value(HAND_H, HAND_H.mean(axis=0), 0.1) == pytest.approx(
        ((0.1 + 0.5 + 0.3) + (0.2 + 0.7 + 0.05)) / 2, rel=1e-15
    )
    # K = k: nothing is charged.
    assert topk.value(HAND_H, HAND_H.mean(axis=0), 0.99) == 0.0
    np.testing.assert_array_equal(topk.grad(HAND_H, HAND_H.mean(axis=0), 0.99), 0.0)
    np.testing.assert_allclose(topk_gap(HAND_H, 0.5), [0.5 - 0.3, 0.7 - 0.2])
    assert np.all(topk_gap(HAND_H, 0.99) == np.inf)


def test_topk_margin_by_hand():
    # ρ = 0.5, k = 4: K = 2. Row 0 keeps 0.9 and 0.5 (next is 0.3); row 1 keeps 0.8 and 0.7
    # (next is 0.2). Kept units: h − next; the others: K-th − h.
    np.testing.assert_allclose(
        topk_margin(HAND_H, 0.5), [[0.6, 0.4, 0.2, 0.2], [0.5, 0.6, 0.5, 0.65]], rtol=1e-12
    )
    assert np.all(topk_margin(HAND_H, 0.99) == np.inf)
    # The row's smallest margin is its gap between the K-th and the (K+1)-th activation.
    np.testing.assert_allclose(topk_margin(HAND_H, 0.5).min(axis=1), topk_gap(HAND_H, 0.5))


@pytest.mark.parametrize(
    ("rho", "k", "K"),
    [(0.01, 25, 1), (0.1, 196, 20), (0.3, 5, 2), (0.5, 5, 2), (0.1, 5, 1), (0.99, 5, 5)],
)
def test_topk_count(rho, k, K):
    assert topk_count(rho, k) == K  # (0.5, 5): round(2.5) = 2, Python rounds halves to even


def test_topk_grad_keeps_float32():
    H = HAND_H.astype(np.float32)
    grad = PENALTIES["topk"].grad(H, H.mean(axis=0), 0.5)
    assert grad.dtype == np.float32 and grad.shape == H.shape
    assert PENALTIES["l1"].grad(H, H.mean(axis=0), 0.5).dtype == np.float32


def test_penalty_curves_add_up_to_the_penalty():
    """Where a penalty has a per-unit curve, Ω is the sum of the curve over the units' ρ̂."""
    rho_hat = np.array([1e-3, 0.05, 0.1, 0.4, 0.97])
    H = np.tile(rho_hat, (3, 1))  # every sample the same: column means are rho_hat
    for name, penalty in PENALTIES.items():
        if penalty.curve is not None:
            curve = penalty.curve(0.1, rho_hat)
            assert curve.shape == rho_hat.shape, name
            assert penalty.value(H, rho_hat, 0.1) == pytest.approx(curve.sum(), rel=1e-13), name
    np.testing.assert_array_equal(PENALTIES["kl"].curve(0.1, rho_hat), kl_divergence(0.1, rho_hat))
    np.testing.assert_array_equal(PENALTIES["l1"].curve(0.1, rho_hat), rho_hat)
    assert PENALTIES["topk"].curve is None  # depends on rankings, not on ρ̂


def test_penalty_descriptions_are_one_short_line():
    for name, penalty in PENALTIES.items():
        text = penalty.description
        assert 0 < len(text) <= 100 and "\n" not in text, name
        assert text.endswith(".") and text.count(". ") == 0, name
    assert "ignores ρ" in PENALTIES["l1"].description


@pytest.mark.parametrize("penalty", ["l1", "topk"])
@pytest.mark.parametrize(
    ("loss", "decoder"),
    [("squared", "sigmoid"), ("squared", "linear"), ("cross_entropy", "sigmoid")],
)
@pytest.mark.parametrize("optimizer", ["lbfgs", "adam", "sgd"])
def test_training_reduces_the_chosen_penalty(bars, penalty, loss, decoder, optimizer):
    """30 steps with β = 2 leave Ω under half of what it was, and under half of what the same
    training without the penalty leaves (so it is the penalty, not training as such)."""

    def omega_after(beta):
        model = SparseAutoencoder(n_hidden=8, rho=0.25, beta=beta, penalty=penalty, loss=loss,
                                  decoder=decoder, optimizer=optimizer, random_state=0)  # fmt: skip
        model.initialize(bars.shape[1])
        omegas = []
        for steps in (0, 30):
            for _ in range(steps):
                model.partial_fit(bars)
            H = model.transform(bars)
            omegas.append(PENALTIES[penalty].value(H, H.mean(axis=0), model.rho))
        return omegas

    before, penalised = omega_after(2.0)
    _, free = omega_after(0.0)
    assert penalised < 0.5 * before
    assert penalised < 0.5 * free


def test_unknown_penalty_is_named():
    with pytest.raises(ValueError, match=r"penalty='l2'.*'kl'.*'l1'.*'topk'"):
        SparseAutoencoder(penalty="l2").validate()


# --------------------------------------------------------------------------- KL divergence
RHOS = (0.01, 0.05, 0.1, 0.3, 0.5, 0.9)


@pytest.mark.parametrize("rho", RHOS)
def test_kl_is_exactly_zero_at_rho(rho):
    assert kl_divergence(rho, rho) == 0.0
    assert kl_divergence_grad(rho, rho) == 0.0


@pytest.mark.parametrize("rho", RHOS)
def test_kl_is_nonnegative_convex_with_minimum_at_rho(rho):
    grid = np.linspace(1e-4, 1 - 1e-4, 20001)
    kl = kl_divergence(rho, grid)
    assert np.all(kl >= 0)
    assert np.all(np.diff(kl, 2) >= -1e-12)  # convex: second differences non-negative
    assert abs(grid[np.argmin(kl)] - rho) <= grid[1] - grid[0]
    # Away from rho it is strictly positive.
    assert np.all(kl[np.abs(grid - rho) > 1e-3] > 0)


@pytest.mark.parametrize("rho", RHOS)
def test_kl_gradient_sign_and_finite_difference(rho):
    below = np.linspace(rho / 10, rho * 0.99, 50)
    above = np.linspace(rho + (1 - rho) * 0.01, 1 - (1 - rho) / 10, 50)
    assert np.all(kl_divergence_grad(rho, below) < 0)
    assert np.all(kl_divergence_grad(rho, above) > 0)
    points = np.concatenate([below, above])
    h = 1e-6
    central = (kl_divergence(rho, points + h) - kl_divergence(rho, points - h)) / (2 * h)
    np.testing.assert_allclose(kl_divergence_grad(rho, points), central, rtol=1e-6, atol=1e-8)


def test_kl_is_finite_at_zero_and_one():
    for rho_hat, near in ((0.0, 1e-9), (1.0, 1 - 1e-9)):
        value, grad = kl_divergence(0.1, rho_hat), kl_divergence_grad(0.1, rho_hat)
        assert np.isfinite(value) and np.isfinite(grad)
        # Still the largest value around: the guard clips, it does not zero the penalty.
        assert value >= kl_divergence(0.1, near) > 1
        assert abs(grad) >= abs(kl_divergence_grad(0.1, near))
    # The guarded gradient still pushes a dead unit up and a saturated unit down.
    assert kl_divergence_grad(0.1, 0.0) < 0 < kl_divergence_grad(0.1, 1.0)


def test_kl_keeps_shapes():
    for shape in [(), (3,), (2, 4), (2, 3, 5)]:
        rho_hat = np.full(shape, 0.2)
        assert np.shape(kl_divergence(0.1, rho_hat)) == shape
        assert np.shape(kl_divergence_grad(0.1, rho_hat)) == shape
    values = kl_divergence(0.1, np.array([[0.1, 0.2], [0.3, 0.1]]))
    assert values[0, 0] == 0.0 and values[1, 1] == 0.0 and values[0, 1] > 0


@pytest.mark.parametrize("rho", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_kl_rejects_invalid_rho(rho):
    for fn in (kl_divergence, kl_divergence_grad):
        with pytest.raises(ValueError, match=re.escape(f"rho={rho!r}")):
            fn(rho, 0.5)


@pytest.mark.parametrize("name", tuple(PENALTIES))
def test_slope_is_the_curves_derivative_and_builds_the_gradient(name):
    """∂Ω/∂ρ̂ (what the page's push lines draw) against central differences of the per-unit
    curve, and the penalty's gradient is (1/m)·∂Ω/∂ρ̂ per sample; TopK has neither."""
    penalty = PENALTIES[name]
    if penalty.curve is None:
        assert penalty.slope is None
        return
    rho, rho_hat, eps = 0.05, np.array([1e-3, 0.02, 0.05, 0.3, 0.9]), 1e-7
    numeric = (penalty.curve(rho, rho_hat + eps) - penalty.curve(rho, rho_hat - eps)) / (2 * eps)
    np.testing.assert_allclose(penalty.slope(rho, rho_hat), numeric, rtol=1e-6, atol=1e-8)
    H = np.tile(rho_hat, (4, 1))
    np.testing.assert_array_equal(penalty.grad(H, rho_hat, rho), penalty.slope(rho, rho_hat) / 4)
