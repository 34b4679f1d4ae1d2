"""Tests for explorer.core: gradients, the penalties, metrics, loss terms, the estimator API,
bad input.

Gradients are checked three ways (in the spirit of micrograd's tests): against central
differences, against a plainly written NumPy implementation of DESIGN.md section 2 that
shares no code with the package, and against PyTorch's autograd where it is installed.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
import warnings

import numpy as np
import pytest

from explorer.core import (
    ACTIVE,
    DEAD,
    PENALTIES,
    SATURATED,
    SparseAutoencoder,
    activations,
    check_coordinates,
    check_gradient,
    dead_units,
    explained_variance,
    float64_copy,
    gradient_errors,
    kl_divergence,
    kl_divergence_grad,
    l0,
    saturated_units,
    topk_count,
    topk_gap,
    topk_margin,
)
from explorer.core.gradcheck import numerical_gradient
from explorer.core.optimizers import LBFGS

N_FEATURES, N_HIDDEN, N_SAMPLES = 8, 5, 20
RHO = 0.1
PARAMS = ("W1", "b1", "W2", "b2")
#: ρ per penalty in the gradient tests: TopK reads ρ as a fraction of the 5 units, and 0.3
#: gives K = 2 (RHO would give the edge case K = max(1, round(0.5)) = 1).
PENALTY_RHO = {"kl": RHO, "l1": RHO, "topk": 0.3}

# Every penalty in the table (a new row fails here until the reference knows it). With β = 0
# the penalty plays no part, so only "kl" is run there.
COMBINATIONS = [
    pytest.param(
        loss, decoder, penalty, beta, lam,
        id=f"{loss}-{decoder}-{penalty}-beta{beta:g}-lambda{lam:g}",
    )
    for loss, decoder, penalty, beta, lam in itertools.product(
        ("squared", "cross_entropy"), ("sigmoid", "linear"), tuple(PENALTIES), (0.0, 3.0),
        (0.0, 1e-3),
    )
    if not (loss == "cross_entropy" and decoder == "linear") and (beta or penalty == "kl")
]  # fmt: skip

# TopK is piecewise linear in H: finite differences are only valid where no perturbation can
# swap a unit across an input's K boundary. The check moves one parameter at a time by at most
# 2ε = 2e-4 (the five-point stencil); a coordinate of W1 or b1 moves one unit's activations by
# at most max g′ · max|x| · 2ε = 0.25 · 1 · 2e-4 = 5e-5 (W2 and b2 do not move H at all). So
# every input's gap h_(K) − h_(K+1) must exceed 5e-5; we demand twice that, and the seeds used
# (weights 0, data 1, offsets 5) were picked so that it holds.
TOPK_SAFE_GAP = 1e-4


def assert_topk_cannot_swap(model, X):
    if model.penalty == "topk":
        gap = topk_gap(model.transform(X), model.rho)
        assert gap.min() > TOPK_SAFE_GAP, f"smallest top-K gap {gap.min():.3g}: pick another seed"


@pytest.fixture
def X():
    return np.random.default_rng(1).uniform(0.05, 0.95, size=(N_SAMPLES, N_FEATURES))


def make_model(**params):
    defaults = {"n_hidden": N_HIDDEN, "rho": RHO, "random_state": 0}
    return SparseAutoencoder(**(defaults | params)).initialize(N_FEATURES)


def relative(a, b):
    """‖a − b‖ / ‖b‖ (scalars or arrays)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


# --------------------------------------------------------------------------- independent math
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference(params, X, rho, beta, lam, loss, decoder, sparsity_after_gprime=False, penalty="kl"):
    """Objective terms and gradients written out from DESIGN.md section 2, shares no code.

    Rows of X are samples. With ``sparsity_after_gprime`` the sparsity term is added to the
    hidden error *after* the multiplication by g′: the wrong version some lecture notes print.
    ``penalty`` is "kl" (DESIGN.md), "l1" (Σ_l ρ̂_l) or "topk" (L1 on all but each input's
    K = max(1, round(ρk)) largest activations).
    """
    W1, b1, W2, b2 = (params[k] for k in PARAMS)
    m = X.shape[0]
    H = sigmoid(X @ W1 + b1)  # h(x) = g(Wᵀx + b)
    Z = H @ W2 + b2
    Xhat = sigmoid(Z) if decoder == "sigmoid" else Z

    if loss == "squared":
        reconstruction = np.sum((Xhat - X) ** 2) / (2 * m)
        dL_dXhat = (Xhat - X) / m
    else:
        reconstruction = -np.sum(X * np.log(Xhat) + (1 - X) * np.log(1 - Xhat)) / m
        dL_dXhat = -(X / Xhat - (1 - X) / (1 - Xhat)) / m  # not the cancelled form
    omega, d_omega_dH = reference_penalty(penalty, H, rho)
    sparsity = beta * omega
    decay = lam / 2 * (np.sum(W1**2) + np.sum(W2**2))

    delta_out = dL_dXhat * (Xhat * (1 - Xhat) if decoder == "sigmoid" else 1.0)
    sparsity_error = beta * d_omega_dH
    if sparsity_after_gprime:
        delta_hidden = (delta_out @ W2.T) * H * (1 - H) + sparsity_error
    else:
        delta_hidden = (delta_out @ W2.T + sparsity_error) * H * (1 - H)
    grads = {
        "W1": X.T @ delta_hidden + lam * W1,
        "b1": delta_hidden.sum(axis=0),
        "W2": H.T @ delta_out + lam * W2,
        "b2": delta_out.sum(axis=0),
    }
    terms = {
        "reconstruction": reconstruction,
        "sparsity": sparsity,
        "weight_decay": decay,
        "total": reconstruction + sparsity + decay,
    }
    return terms, grads


def reference_penalty(penalty, H, rho):
    """Ω and ∂Ω/∂H (m × k) of the named penalty, written out loop by loop."""
    m, k = H.shape
    rho_hat = H.mean(axis=0)
    if penalty == "kl":
        omega = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
        # ∂ρ̂_l/∂H_il = 1/m, so the sparsity error per sample is ∂Ω/∂ρ̂ / m.
        return omega, np.tile((-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / m, (m, 1))
    if penalty == "l1":
        return H.sum() / m, np.full((m, k), 1 / m)
    assert penalty == "topk", penalty
    K = max(1, round(rho * k))
    penalised = np.ones((m, k))
    for i in range(m):
        for unit in sorted(range(k), key=lambda u: -H[i, u])[:K]:
            penalised[i, unit] = 0.0
    return np.sum(penalised * H) / m, penalised / m


def finite_differences(f, params, eps=1e-5):
    """Central differences of the scalar f(params) for every entry of every array."""
    out = {}
    for name in PARAMS:
        g = np.zeros_like(params[name])
        for idx in np.ndindex(params[name].shape):
            old = params[name][idx]
            params[name][idx] = old + eps
            up = f(params)
            params[name][idx] = old - eps
            down = f(params)
            params[name][idx] = old
            g[idx] = (up - down) / (2 * eps)
        out[name] = g
    return out


def flat(grads):
    return np.concatenate([grads[k].ravel() for k in PARAMS])


# --------------------------------------------------------------------------- gradient checks
@pytest.mark.parametrize(("loss", "decoder", "penalty", "beta", "lam"), COMBINATIONS)
def test_gradient_check_every_combination(X, loss, decoder, penalty, beta, lam):
    model = make_model(loss=loss, decoder=decoder, penalty=penalty, rho=PENALTY_RHO[penalty],
                       beta=beta, weight_decay=lam)  # fmt: skip
    assert_topk_cannot_swap(model, X)
    assert check_gradient(model, X) < 1e-9
    errors = gradient_errors(model, X)
    assert set(errors) == {*PARAMS, "all"}
    for name, err in errors.items():
        assert err < 1e-9, f"{name}: relative error {err:.3g}"


def test_gradient_check_initialises_an_unfitted_model(X):
    model = SparseAutoencoder(n_hidden=N_HIDDEN, rho=RHO, random_state=0)
    assert check_gradient(model, X) < 1e-9
    assert model.params_["W1"].shape == (N_FEATURES, N_HIDDEN)


def test_gradient_check_detects_a_wrong_gradient(X, monkeypatch):
    """The check is not vacuous: a gradient off by a little fails it."""
    model = make_model(beta=3.0)
    objective = model._objective

    def wrong(theta, X):
        f, g, info = objective(theta, X)
        return f, g * (1 + 1e-6), info

    monkeypatch.setattr(model, "_objective", wrong)
    assert check_gradient(model, X) > 1e-8


def test_cross_entropy_with_linear_decoder_is_rejected():
    with pytest.raises(ValueError, match=r"decoder='linear'.*loss='cross_entropy'"):
        SparseAutoencoder(loss="cross_entropy", decoder="linear")


@pytest.mark.parametrize(("loss", "decoder", "penalty", "beta", "lam"), COMBINATIONS)
def test_loss_and_grad_match_independent_numpy(X, loss, decoder, penalty, beta, lam):
    rho = PENALTY_RHO[penalty]
    model = make_model(loss=loss, decoder=decoder, penalty=penalty, rho=rho, beta=beta,
                       weight_decay=lam)  # fmt: skip
    # Move off the symmetric initialisation so that biases matter too.
    rng = np.random.default_rng(5)
    for p in model.params_.values():
        p += rng.normal(0, 0.3, p.shape)
    assert_topk_cannot_swap(model, X)
    terms, grads = model.loss_and_grad(X)
    params = {k: v.copy() for k, v in model.params_.items()}
    ref = functools.partial(reference, X=X, rho=rho, beta=beta, lam=lam, loss=loss,
                            decoder=decoder, penalty=penalty)  # fmt: skip
    ref_terms, ref_grads = ref(params)
    for name, value in ref_terms.items():
        if value == 0.0:
            assert terms[name] == 0.0, name
        else:
            assert relative(terms[name], value) < 1e-12, name
    for name in PARAMS:
        assert grads[name].shape == ref_grads[name].shape
        assert relative(grads[name], ref_grads[name]) < 1e-12, name
    # The reference itself agrees with finite differences (so it is a fair referee).
    num = finite_differences(lambda p: ref(p)[0]["total"], params)
    assert relative(flat(ref_grads), flat(num)) < 1e-7


@pytest.mark.parametrize(("loss", "decoder", "penalty", "beta", "lam"), COMBINATIONS)
def test_loss_and_grad_match_pytorch(X, loss, decoder, penalty, beta, lam):
    torch = pytest.importorskip("torch")
    rho = PENALTY_RHO[penalty]
    model = make_model(loss=loss, decoder=decoder, penalty=penalty, rho=rho, beta=beta,
                       weight_decay=lam)  # fmt: skip
    terms, grads = model.loss_and_grad(X)
    t = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
        for k, v in model.params_.items()
    }
    x = torch.tensor(X, dtype=torch.float64)
    h = torch.sigmoid(x @ t["W1"] + t["b1"])
    z = h @ t["W2"] + t["b2"]
    xhat = torch.sigmoid(z) if decoder == "sigmoid" else z
    m = x.shape[0]
    if loss == "squared":
        rec = ((xhat - x) ** 2).sum() / (2 * m)
    else:
        rec = torch.nn.functional.binary_cross_entropy(xhat, x, reduction="sum") / m
    rho_hat = h.mean(0)
    K = max(1, round(rho * h.shape[1]))
    omega = {
        "kl": lambda: (rho * torch.log(rho / rho_hat)
                       + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum(),
        "l1": lambda: rho_hat.sum(),
        "topk": lambda: (h.sum() - torch.topk(h, K, dim=1).values.sum()) / m,
    }[penalty]()  # fmt: skip
    total = rec + beta * omega + lam / 2 * ((t["W1"] ** 2).sum() + (t["W2"] ** 2).sum())
    total.backward()
    assert relative(terms["total"], total.item()) < 1e-12
    for name in PARAMS:
        assert relative(grads[name], t[name].grad.numpy()) < 1e-10, name


def test_sparsity_term_enters_before_g_prime(X):
    """Adding β·∂Ω/∂ρ̂ after the multiplication by g′ gives a gradient that is simply wrong."""
    beta, lam = 3.0, 1e-3
    model = make_model(beta=beta, weight_decay=lam)
    params = {k: v.copy() for k, v in model.params_.items()}
    num = finite_differences(
        lambda p: reference(p, X, RHO, beta, lam, "squared", "sigmoid")[0]["total"], params
    )
    _, right = reference(params, X, RHO, beta, lam, "squared", "sigmoid")
    _, after = reference(params, X, RHO, beta, lam, "squared", "sigmoid", True)
    _, ours = model.loss_and_grad(X)

    def err(g):
        return np.linalg.norm(flat(g) - flat(num)) / np.linalg.norm(flat(g) + flat(num))

    assert err(right) < 1e-8
    assert err(ours) < 1e-8
    assert err(after) > 1e-2
    # The two placements differ only in the encoder's gradients.
    assert np.allclose(after["W2"], right["W2"]) and np.allclose(after["b2"], right["b2"])
    assert relative(after["W1"], right["W1"]) > 0.1
    # And the package's own numerical gradient agrees with this independent one.
    assert relative(numerical_gradient(model, X), flat(num)) < 1e-7


# --------------------------------------------------------------------------- sampled gradient check
def test_sampled_check_takes_n_coords_per_array_seeded():
    model = make_model()
    coords = check_coordinates(model, n_coords=7, random_state=3)
    # W1 (40) and W2 (40) and b2 (8) are sampled; b1 has only 5 entries, all taken.
    assert {name: len(idx) for name, idx in coords.items()} == {"W1": 7, "b1": 5, "W2": 7,
                                                                  "b2": 7}  # fmt: skip
    starts = {"W1": 0, "b1": 40, "W2": 45, "b2": 85}
    for name, idx in coords.items():
        size = model.params_[name].size
        assert np.all((idx >= starts[name]) & (idx < starts[name] + size)), name
        assert len(np.unique(idx)) == len(idx)
    again = check_coordinates(model, n_coords=7, random_state=3)
    other = check_coordinates(model, n_coords=7, random_state=4)
    assert all(np.array_equal(coords[k], again[k]) for k in PARAMS)
    assert not np.array_equal(coords["W1"], other["W1"])
    full = check_coordinates(model)
    assert np.array_equal(np.concatenate(list(full.values())), np.arange(model.theta_.size))


@pytest.mark.parametrize("penalty", tuple(PENALTIES))
def test_sampled_gradient_errors_pass_for_a_correct_model(X, penalty):
    model = make_model(penalty=penalty, rho=PENALTY_RHO[penalty], beta=3.0, weight_decay=1e-3)
    assert_topk_cannot_swap(model, X)
    theta = model.theta_.copy()
    errors = gradient_errors(model, X, n_coords=6, random_state=0)
    assert set(errors) == {*PARAMS, "all"}
    for name, err in errors.items():
        assert err < 1e-9, f"{name}: relative error {err:.3g}"
    np.testing.assert_array_equal(model.theta_, theta)  # the check moved nothing for good
    # The sampled coordinates get exactly the numbers the full check computes for them.
    every = np.concatenate(list(check_coordinates(model, 6, random_state=0).values()))
    np.testing.assert_array_equal(
        numerical_gradient(model, X, indices=every), numerical_gradient(model, X)[every]
    )


@pytest.mark.parametrize("penalty", tuple(PENALTIES))
def test_sampled_gradient_check_catches_a_broken_penalty_gradient(X, penalty, monkeypatch):
    """A penalty gradient 1% too large fails the 1e-9 bar, in the encoder's parameters only."""
    model = make_model(penalty=penalty, rho=PENALTY_RHO[penalty], beta=3.0)
    assert_topk_cannot_swap(model, X)
    right = PENALTIES[penalty]

    def grad(H, rho_hat, rho):
        return 1.01 * right.grad(H, rho_hat, rho)

    monkeypatch.setitem(PENALTIES, penalty, dataclasses.replace(right, grad=grad))
    errors = gradient_errors(model, X, n_coords=6, random_state=0)
    assert errors["W1"] > 1e-6 and errors["b1"] > 1e-6 and errors["all"] > 1e-6
    # The decoder's gradient does not involve the penalty: still right.
    assert errors["W2"] < 1e-9 and errors["b2"] < 1e-9


def test_sampled_check_rejects_bad_n_coords(X):
    for bad in (0, -3, 2.5):
        with pytest.raises(ValueError, match=re.escape(f"n_coords={bad!r}")):
            gradient_errors(make_model(), X, n_coords=bad)


def test_seven_point_stencil_and_steps_per_array(X):
    model = make_model(beta=3.0, weight_decay=1e-3)
    errors = gradient_errors(model, X, 2e-2, n_coords=6, random_state=0, order=6)
    assert all(err < 1e-9 for err in errors.values()), errors
    # At so large a step the five-point stencil's O(ε⁴) truncation error shows: the order
    # really changes the formula.
    coarse = gradient_errors(model, X, 2e-2, n_coords=6, random_state=0, order=4)
    assert coarse["all"] > 10 * errors["all"]
    # A step per array: each array's error depends on its own step only.
    steps = {"W1": 1e-1, "b1": 1e-4, "W2": 1e-4, "b2": 1e-4}
    mixed = gradient_errors(model, X, steps, n_coords=6, random_state=0)
    small = gradient_errors(model, X, 1e-4, n_coords=6, random_state=0)
    large = gradient_errors(model, X, 1e-1, n_coords=6, random_state=0)
    assert mixed["W1"] == large["W1"] and mixed["W2"] == small["W2"]
    assert mixed["b1"] == small["b1"] and mixed["W1"] > 1e3 * small["W1"]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"epsilon": 0.0}, "epsilon=0.0 is not allowed"),
        ({"epsilon": -1e-4}, "epsilon=-0.0001 is not allowed"),
        ({"epsilon": {"W1": 1e-4}}, r"epsilon=\{'W1': 0.0001\} is not allowed.*'b1'"),
        ({"order": 5}, "order=5 is not allowed"),
    ],
)
def test_gradient_check_rejects_bad_steps_and_orders(X, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        gradient_errors(make_model(), X, n_coords=3, random_state=0, **kwargs)


def test_numerical_gradient_insists_that_the_terms_add_up(X, monkeypatch):
    """The terms are differenced one by one, so a total that is not their sum must be caught."""
    model = make_model(beta=3.0)
    objective = model._objective

    def without_decay(theta, X):
        f, g, (terms, rho_hat) = objective(theta, X)
        return f - terms["weight_decay"], g, (terms, rho_hat)

    monkeypatch.setattr(model, "_objective", without_decay)
    with pytest.raises(RuntimeError, match="do not add up"):
        numerical_gradient(model, X, indices=[0])


def test_float64_copy_is_independent():
    model = SparseAutoencoder(n_hidden=N_HIDDEN, rho=0.2, beta=2.0, penalty="l1", dtype="float32",
                              random_state=np.random.default_rng(4))  # fmt: skip
    model.initialize(N_FEATURES)
    state = model._rng.bit_generator.state
    twin = float64_copy(model)
    assert twin.theta_.dtype == np.float64 and model.theta_.dtype == np.float32
    np.testing.assert_array_equal(twin.theta_, model.theta_.astype(np.float64))
    assert (twin.rho, twin.beta, twin.penalty) == (0.2, 2.0, "l1")
    assert model._rng.bit_generator.state == state  # the original's generator did not move
    twin.theta_ += 1.0
    assert not np.shares_memory(twin.theta_, model.theta_)
    assert np.all(model.theta_ != twin.theta_)


# --------------------------------------------------------------------------- penalties
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


@pytest.mark.parametrize(("rho", "k", "K"), [(0.01, 25, 1), (0.1, 196, 20), (0.3, 5, 2),
                                              (0.5, 5, 2), (0.1, 5, 1), (0.99, 5, 5)])  # fmt: skip
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
@pytest.mark.parametrize(("loss", "decoder"), [("squared", "sigmoid"), ("squared", "linear"),
                                               ("cross_entropy", "sigmoid")])  # fmt: skip
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
        SparseAutoencoder(penalty="l2")


# --------------------------------------------------------------------------- metrics
def test_l0_by_hand():
    # Active means h > 0.5: row 0 has 0.9 and 0.6, row 1 only 0.7 (0.5 itself is not active).
    assert l0([[0.9, 0.1, 0.6], [0.5, 0.2, 0.7]]) == 1.5
    assert ACTIVE == 0.5
    assert l0(np.zeros((4, 3))) == 0.0 and l0(np.ones((4, 3))) == 3.0


def test_explained_variance_by_hand():
    X = np.array([[0.0, 0.0], [2.0, 2.0]])  # mean (1, 1): Σ‖x − x̄‖² = 4
    assert explained_variance(X, X) == 1.0
    assert explained_variance(X, [[0.0, 1.0], [2.0, 2.0]]) == 0.75  # residual 1
    assert explained_variance(X, [[1.0, 1.0], [1.0, 1.0]]) == 0.0  # just the mean
    assert explained_variance(X, [[2.0, 2.0], [0.0, 0.0]]) == -3.0  # residual 16: worse
    # Every input the same: 1 if reconstructed exactly, else 0; never NaN.
    same = np.ones((3, 2))
    assert explained_variance(same, same) == 1.0
    assert explained_variance(same, same + 0.1) == 0.0


def test_explained_variance_of_a_model(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0).fit(bars, max_iter=30)
    Xhat = model.reconstruct(bars)
    ev = explained_variance(bars, Xhat)
    expected = 1 - np.sum((Xhat - bars) ** 2) / np.sum((bars - bars.mean(0)) ** 2)
    assert ev == pytest.approx(expected, rel=1e-12) and 0 < ev < 1


def test_metrics_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"Xhat has shape \(2, 3\) but X has shape \(2, 2\)"):
        explained_variance(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"H must be 2-D.*got shape \(3,\)"):
        l0(np.zeros(3))


def test_dead_and_saturated_units_by_hand():
    rho_hat = [0.0, 5e-5, 1e-4, 0.01, 0.5, 0.9, 0.95, 1.0]
    assert (DEAD, SATURATED) == (1e-4, 0.9)
    assert dead_units(rho_hat) == 2  # 0 and 5e-5; 1e-4 itself is not dead
    assert saturated_units(rho_hat) == 2  # 0.95 and 1; 0.9 itself is not saturated
    assert isinstance(dead_units(rho_hat), int) and isinstance(saturated_units(rho_hat), int)
    assert dead_units([]) == 0 == saturated_units([])


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


# --------------------------------------------------------------------------- loss terms
@pytest.mark.parametrize(("loss", "decoder"), [("squared", "sigmoid"), ("squared", "linear"),
                                               ("cross_entropy", "sigmoid")])  # fmt: skip
def test_terms_add_up(X, loss, decoder):
    beta, lam = 3.0, 1e-3
    model = make_model(loss=loss, decoder=decoder, beta=beta, weight_decay=lam)
    terms, _ = model.loss_and_grad(X)
    total = terms["reconstruction"] + terms["sparsity"] + terms["weight_decay"]
    assert terms["total"] == pytest.approx(total, rel=1e-15)
    rho_hat = model.transform(X).mean(axis=0)
    assert terms["sparsity"] == pytest.approx(beta * kl_divergence(RHO, rho_hat).sum(), rel=1e-13)
    W1, W2 = model.params_["W1"], model.params_["W2"]
    decay = lam / 2 * (np.sum(W1**2) + np.sum(W2**2))
    assert terms["weight_decay"] == pytest.approx(decay, rel=1e-13)
    Xhat = model.reconstruct(X)
    if loss == "squared":
        rec = np.sum((Xhat - X) ** 2) / (2 * len(X))
    else:
        rec = -np.sum(X * np.log(Xhat) + (1 - X) * np.log(1 - Xhat)) / len(X)
    assert terms["reconstruction"] == pytest.approx(rec, rel=1e-12)


def test_terms_are_zero_when_switched_off(X):
    terms, _ = make_model(beta=0.0, weight_decay=0.0).loss_and_grad(X)
    assert terms["sparsity"] == 0.0 and terms["weight_decay"] == 0.0
    assert terms["total"] == terms["reconstruction"] > 0


# --------------------------------------------------------------------------- initialisation
def test_initialisation_range_and_biases():
    n, k = 64, 25
    model = SparseAutoencoder(n_hidden=k, random_state=3).initialize(n)
    r = np.sqrt(6 / (n + k + 1))
    for name in ("W1", "W2"):
        w = model.params_[name]
        assert np.abs(w).max() <= r
        assert np.abs(w).max() > 0.9 * r  # really spread over the range, not tiny
        assert abs(w.mean()) < 0.1 * r
    assert model.params_["W1"].shape == (n, k) and model.params_["W2"].shape == (k, n)
    assert np.all(model.params_["b1"] == 0) and np.all(model.params_["b2"] == 0)
    assert model.n_steps_ == 0 and model.loss_curve_ == []


def test_same_seed_same_weights_different_seed_different():
    a = SparseAutoencoder(random_state=7).initialize(16)
    b = SparseAutoencoder(random_state=7).initialize(16)
    c = SparseAutoencoder(random_state=8).initialize(16)
    assert np.array_equal(a.theta_, b.theta_)
    assert not np.allclose(a.params_["W1"], c.params_["W1"])


def test_params_are_views(X):
    model = make_model()
    before = model.transform(X)
    assert np.shares_memory(model.params_["W1"], model.theta_)
    model.params_["W1"][0, 0] += 1.0
    assert model.components_[0, 0] == model.params_["W1"][0, 0]
    assert model.theta_[0] == model.params_["W1"][0, 0]
    after = model.transform(X)
    assert not np.allclose(before[:, 0], after[:, 0])
    np.testing.assert_array_equal(before[:, 1:], after[:, 1:])


def test_transform_and_reconstruct_shapes(X):
    model = make_model()
    H = model.transform(X)
    assert H.shape == (N_SAMPLES, N_HIDDEN) and np.all((H > 0) & (H < 1))
    assert model.reconstruct(X).shape == X.shape


def test_unfitted_model_says_so(X):
    with pytest.raises(RuntimeError, match="not initialised"):
        SparseAutoencoder().transform(X)


# --------------------------------------------------------------------------- stepping
@pytest.fixture
def bars():
    from explorer.datasets import load

    return load("bars", n_samples=100, random_state=0).X


def test_partial_fit_is_exactly_one_step(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    for i in range(1, 4):
        before = None if model.theta_ is None else model.theta_.copy()
        model.partial_fit(bars)
        assert model.n_steps_ == i and len(model.loss_curve_) == i
        assert model.loss_curve_[-1] == model.last_terms_["total"]
        if before is not None:
            assert not np.array_equal(before, model.theta_)


def test_fit_resets_and_takes_max_iter_steps(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    for _ in range(5):
        model.partial_fit(bars)
    model.fit(bars, max_iter=3)
    assert model.n_steps_ == 3 and len(model.loss_curve_) == 3
    fresh = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0).fit(bars, max_iter=3)
    np.testing.assert_array_equal(model.theta_, fresh.theta_)
    assert model.loss_curve_ == fresh.loss_curve_


@pytest.mark.parametrize(("optimizer", "steps"), [("lbfgs", 30), ("adam", 60), ("sgd", 60)])
def test_every_optimizer_reduces_the_loss(bars, optimizer, steps):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, optimizer=optimizer, random_state=0)
    model.fit(bars, max_iter=steps)
    final = model.loss_and_grad(bars)[0]["total"]
    assert final < 0.7 * model.loss_curve_[0]


def test_lbfgs_never_increases_the_objective(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0).fit(bars, max_iter=60)
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


def test_minibatches_use_batch_size(bars):
    model = SparseAutoencoder(n_hidden=8, optimizer="adam", batch_size=10, random_state=0)
    model.initialize(bars.shape[1])
    batch = model.next_batch(bars)
    assert batch.shape == (10, bars.shape[1])
    assert {tuple(r) for r in batch} <= {tuple(r) for r in bars}


def test_live_parameter_changes_apply_at_the_next_step(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, beta=3.0, weight_decay=1e-3, random_state=0)
    for _ in range(3):
        model.partial_fit(bars)
    assert model.last_terms_["sparsity"] > 0

    changes = [{"beta": 0.0}, {"rho": 0.3, "beta": 2.0}, {"weight_decay": 0.0}]
    for change in changes:
        model.set_params(**change)
        expected, _ = model.loss_and_grad(bars)  # at the current, continuing weights
        steps = model.n_steps_
        model.partial_fit(bars)
        assert model.n_steps_ == steps + 1  # not re-initialised
        assert model.last_terms_ == pytest.approx(expected, rel=1e-12)
    # The sparsity term after the rho change is β·ΣKL(new ρ‖ρ̂), computed by hand.
    model.set_params(rho=0.05)
    rho_hat = model.transform(bars).mean(axis=0)
    model.partial_fit(bars)
    assert model.last_terms_["sparsity"] == pytest.approx(
        2.0 * kl_divergence(0.05, rho_hat).sum(), rel=1e-12
    )
    assert model.last_terms_["weight_decay"] == 0.0
    np.testing.assert_allclose(model.rho_hat_, rho_hat, rtol=1e-12)


def test_beta_zero_gives_zero_sparsity_at_the_next_step(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    model.partial_fit(bars)
    model.partial_fit(bars)
    model.set_params(beta=0.0)
    model.partial_fit(bars)
    assert model.last_terms_["sparsity"] == 0.0


def test_learning_rate_change_applies_at_the_next_step(bars):
    model = SparseAutoencoder(n_hidden=8, optimizer="sgd", momentum=0.0, learning_rate=0.1,
                              random_state=0)  # fmt: skip
    model.partial_fit(bars)
    for lr in (0.1, 0.02):
        model.set_params(learning_rate=lr)
        _, grads = model.loss_and_grad(bars)
        before = {k: v.copy() for k, v in model.params_.items()}
        model.partial_fit(bars)
        for name in PARAMS:
            np.testing.assert_allclose(
                model.params_[name], before[name] - lr * grads[name], rtol=1e-12, atol=1e-15
            )


def test_float32_model(bars):
    X32 = bars.astype(np.float32)
    model = SparseAutoencoder(n_hidden=8, rho=0.1, dtype="float32", random_state=0)
    model.fit(X32, max_iter=10)
    assert model.theta_.dtype == np.float32
    assert model.transform(bars).dtype == np.float32
    assert model.reconstruct(bars).dtype == np.float32
    assert all(g.dtype == np.float32 for g in model.loss_and_grad(bars)[1].values())
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert np.isfinite(model.loss_curve_).all()


# --------------------------------------------------------------------------- sigmoid
def test_sigmoid_matches_an_independent_reference_to_rounding():
    z = np.linspace(-30.0, 30.0, 20001)
    expected = np.array([1.0 / (1.0 + math.exp(-v)) for v in z])
    np.testing.assert_allclose(activations.sigmoid(z), expected, rtol=1e-15, atol=0)
    positive = z[z >= 0]  # where 0.5·(1 + tanh(z/2)) suffers no cancellation
    np.testing.assert_allclose(
        activations.sigmoid(positive), 0.5 * (1.0 + np.tanh(positive / 2)), rtol=1e-15, atol=0
    )


def test_sigmoid_saturates_exactly_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow of exp(1000) must not be reported
        y = activations.sigmoid(np.array([-1000.0, 1000.0]))
        y32 = activations.sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32))
    assert y.tolist() == [0.0, 1.0]
    assert y32.tolist() == [0.0, 1.0]


def test_sigmoid_keeps_relative_precision_for_very_negative_z():
    (y,) = activations.sigmoid(np.array([-50.0]))
    assert y > 0.0
    assert y == pytest.approx(1.0 / (1.0 + math.exp(50.0)), rel=1e-12)
    assert y == pytest.approx(1.9287498479639178e-22, rel=1e-12)


def test_sigmoid_writes_into_out():
    z = np.linspace(-5.0, 5.0, 11)
    z_before = z.copy()
    out = np.full_like(z, np.nan)
    assert activations.sigmoid(z, out=out) is out
    np.testing.assert_allclose(out, [1.0 / (1.0 + math.exp(-v)) for v in z], rtol=1e-15)
    np.testing.assert_array_equal(z, z_before)  # the input is left alone
    same = z.copy()
    assert activations.sigmoid(same, out=same) is same  # in place over the input itself
    np.testing.assert_array_equal(same, out)


def test_sigmoid_keeps_float32():
    z = np.linspace(-30.0, 30.0, 1001, dtype=np.float32)
    y = activations.sigmoid(z)
    assert y.dtype == np.float32
    expected = [1.0 / (1.0 + math.exp(-float(v))) for v in z]
    np.testing.assert_allclose(y, expected, rtol=4 * np.finfo(np.float32).eps, atol=0)
    out = np.empty_like(z)
    assert activations.sigmoid(z, out=out) is out and out.dtype == np.float32
    np.testing.assert_array_equal(out, y)


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
    model.fit(X32, max_iter=5)
    assert model.converged_ is False and model._opt.converged is False
    model.fit(X32, max_iter=20_000)
    assert model.n_steps_ < 20_000  # fit stopped there
    assert model.converged_ is True and model._opt.converged is True
    model._opt.converged = False
    assert model.converged_ is False
    model.set_params(optimizer="adam")  # a fresh optimiser state
    assert model.converged_ is False
    adam = SparseAutoencoder(n_hidden=8, rho=0.1, optimizer="adam", random_state=0)
    adam.fit(bars, max_iter=30)
    assert adam.n_steps_ == 30 and adam.converged_ is False


def test_an_unfitted_model_has_not_converged():
    assert SparseAutoencoder().converged_ is False


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("param", "value", "error"),
    [
        ("rho", 0, ValueError),
        ("rho", 1, ValueError),
        ("rho", -0.1, ValueError),
        ("rho", 1.5, ValueError),
        ("beta", -1, ValueError),
        ("weight_decay", -1, ValueError),
        ("learning_rate", 0, ValueError),
        ("learning_rate", -1, ValueError),
        ("n_hidden", 0, ValueError),
        ("n_hidden", 2.5, ValueError),
        ("n_hidden", "5", TypeError),  # not a number at all: the wrong kind
        ("optimizer", "foo", ValueError),
    ],
)
def test_bad_hyper_parameters_are_named(param, value, error):
    pattern = re.escape(f"{param}={value!r}") + r"(?![\d.])"
    with pytest.raises(error, match=pattern):
        SparseAutoencoder(**{param: value})
    model = make_model()
    before = model.get_params()
    with pytest.raises(error, match=pattern):
        model.set_params(**{param: value})
    assert model.get_params() == before


def test_batch_size_with_lbfgs_is_rejected():
    with pytest.raises(ValueError, match=r"batch_size=10.*lbfgs"):
        SparseAutoencoder(batch_size=10)
    model = SparseAutoencoder(optimizer="adam", batch_size=10)
    with pytest.raises(ValueError, match=r"batch_size=10.*lbfgs"):
        model.set_params(optimizer="lbfgs")
    assert model.optimizer == "adam"


def test_rejected_set_params_changes_nothing(X):
    model = make_model(beta=3.0)
    model.partial_fit(X)
    params, theta, steps = model.get_params(), model.theta_.copy(), model.n_steps_
    with pytest.raises(ValueError, match="beta=-1"):
        model.set_params(rho=0.2, weight_decay=0.5, beta=-1)  # two valid values, one bad
    with pytest.raises(ValueError, match="unknown parameter"):
        model.set_params(rho=0.2, colour="red")
    assert model.get_params() == params
    assert model.rho == RHO
    np.testing.assert_array_equal(model.theta_, theta)
    assert model.n_steps_ == steps


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_is_rejected(X, bad):
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match=r"X contains 1 NaN or infinite"):
        SparseAutoencoder(decoder="linear").partial_fit(X)


@pytest.mark.parametrize("shape", [(10,), (2, 5, 8)])
def test_X_must_be_2d(shape):
    X = np.full(shape, 0.5)
    with pytest.raises(ValueError, match=re.escape(f"X must be 2-D (n_samples, n_features); "
                                                   f"got shape {shape}")):  # fmt: skip
        SparseAutoencoder().partial_fit(X)


def test_X_with_wrong_n_features_after_init(X):
    model = make_model()
    model.partial_fit(X)
    for method in (model.partial_fit, model.transform, model.loss_and_grad):
        with pytest.raises(ValueError, match=f"X has 7 features .* initialised with {N_FEATURES}"):
            method(X[:, :7])


@pytest.mark.parametrize(
    ("loss", "decoder"), [("squared", "sigmoid"), ("cross_entropy", "sigmoid")]
)
def test_X_outside_unit_interval_needs_linear_decoder(X, loss, decoder):
    Xbad = X.copy()
    Xbad[0, 0] = 1.5
    Xbad[1, 1] = -0.25
    model = SparseAutoencoder(loss=loss, decoder=decoder)
    with pytest.raises(ValueError, match=r"X has values in \[-0\.25, 1\.5\].*\[0, 1\]"):
        model.partial_fit(Xbad)
    # A linear decoder with squared error takes any real data.
    linear = SparseAutoencoder(decoder="linear", n_hidden=3, random_state=0).partial_fit(Xbad)
    assert linear.n_steps_ == 1


@pytest.mark.parametrize("bad", [[["a", "b"], ["c", "d"]], np.array([[None, 1.0]]), "text"])
def test_non_numeric_X_is_a_type_error(bad):
    with pytest.raises(TypeError, match="X must be a 2-D array of numbers"):
        SparseAutoencoder().partial_fit(bad)
