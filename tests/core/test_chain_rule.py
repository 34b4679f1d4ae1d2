"""explorer.core.chain_rule / SparseAutoencoder.encoder_gradient: the seed's derivation term by
term. The pieces add up to the objective's gradient for W1 (1e-12, float64), each piece equals
the plainly written reference (tests/core/oracles.py) with the other terms switched off, and
the chain rule's two links equal finite differences of their own definitions."""

from __future__ import annotations

import numpy as np
import pytest
from oracles import (
    COMBINATIONS,
    N_HIDDEN,
    PENALTY_RHO,
    assert_topk_cannot_swap,
    make_model,
    reference,
)

from explorer.core import PENALTIES


def _moved(model, seed=5):
    """Off the symmetric initialisation, so that biases and every unit matter."""
    rng = np.random.default_rng(seed)
    for p in model.params_.values():
        p += rng.normal(0, 0.3, p.shape)
    return model


def _columns_close(a, b, tol):
    """Every column of a equals that of b to ``tol``, relative to the column's norm (exactly
    where that is 0: a TopK unit every input keeps pays nothing)."""
    error, scale = np.linalg.norm(a - b, axis=0), np.linalg.norm(b, axis=0)
    assert np.all(error <= tol * scale), error / scale


@pytest.mark.parametrize(("loss", "decoder", "penalty", "beta", "lam"), COMBINATIONS)
def test_the_pieces_add_up_to_the_objectives_gradient(X, loss, decoder, penalty, beta, lam):
    rho = PENALTY_RHO[penalty]
    model = _moved(
        make_model(loss=loss, decoder=decoder, penalty=penalty, rho=rho, beta=beta,
                   weight_decay=lam)
    )  # fmt: skip
    assert_topk_cannot_swap(model, X)
    pieces = model.encoder_gradient(X)
    _, grads = model.loss_and_grad(X)
    assert pieces.total.shape == grads["W1"].shape == (X.shape[1], N_HIDDEN)
    _columns_close(pieces.total, grads["W1"], 1e-12)
    # Each piece alone is the reference's gradient with the other terms switched off.
    params = {k: v.copy() for k, v in model.params_.items()}

    def ref(b, w):
        return reference(params, X, rho, b, w, loss, decoder, penalty=penalty)[1]["W1"]

    _columns_close(pieces.reconstruction, ref(0.0, 0.0), 1e-12)
    np.testing.assert_allclose(pieces.weight_decay, lam * params["W1"], rtol=1e-15)
    if beta:
        _columns_close(pieces.sparsity, ref(beta, 0.0) - ref(0.0, 0.0), 1e-10)
    else:
        assert not pieces.sparsity.any()
    assert pieces.beta == beta and pieces.n_samples == X.shape[0]
    np.testing.assert_allclose(pieces.rho_hat, model.transform(X).mean(axis=0), rtol=1e-14)


@pytest.mark.parametrize("penalty", ["kl", "l1"])
def test_the_slope_is_the_penaltys_derivative_in_rho_hat(X, penalty):
    """∂Ω/∂ρ̂_l against central differences of Ω(ρ̂) in ρ̂_l (the penalty's own value)."""
    rho = PENALTY_RHO[penalty]
    model = _moved(make_model(penalty=penalty, rho=rho, beta=3.0))
    pieces = model.encoder_gradient(X)
    H, rho_hat, eps = model.transform(X), pieces.rho_hat, 1e-6
    value = PENALTIES[penalty].value
    numeric = np.empty_like(rho_hat)
    for unit in range(len(rho_hat)):
        step = np.zeros_like(rho_hat)
        step[unit] = eps
        numeric[unit] = (value(H, rho_hat + step, rho) - value(H, rho_hat - step, rho)) / (2 * eps)
    np.testing.assert_allclose(pieces.slope, numeric, rtol=1e-7, atol=1e-9)
    # Where ρ̂ < ρ the penalty pushes a unit's mean activation up (negative slope), above down.
    if penalty == "kl":
        assert np.all(np.sign(pieces.slope) == np.sign(rho_hat - rho))


def test_the_rho_hat_link_is_the_derivative_of_the_mean_activation(X):
    """∂ρ̂_l/∂W_:,l = (1/m) Σ_i x_i g′(a_il) against central differences of ρ̂_l in W_:,l."""
    model = _moved(make_model(beta=3.0))
    pieces = model.encoder_gradient(X)
    W1, eps = model.params_["W1"], 1e-6
    numeric = np.empty_like(W1)
    for j, unit in np.ndindex(W1.shape):
        old = W1[j, unit]
        W1[j, unit] = old + eps
        up = model.transform(X)[:, unit].mean()
        W1[j, unit] = old - eps
        down = model.transform(X)[:, unit].mean()
        W1[j, unit] = old
        numeric[j, unit] = (up - down) / (2 * eps)
    np.testing.assert_allclose(pieces.rho_hat_grad, numeric, rtol=1e-7, atol=1e-10)


def test_the_sparsity_term_is_the_chain_rule_for_kl_and_summed_per_input_for_topk(X):
    kl = _moved(make_model(penalty="kl", beta=3.0)).encoder_gradient(X)
    np.testing.assert_allclose(kl.sparsity, 3.0 * kl.slope * kl.rho_hat_grad, rtol=1e-15)
    model = _moved(make_model(penalty="topk", rho=PENALTY_RHO["topk"], beta=3.0))
    assert_topk_cannot_swap(model, X)
    topk = model.encoder_gradient(X)
    assert topk.slope is None  # TopK is not a function of ρ̂: no ∂Ω/∂ρ̂
    # No slope s could make β·s·∂ρ̂/∂W equal it: its units are charged input by input.
    ratio = topk.sparsity / (3.0 * topk.rho_hat_grad)
    assert np.ptp(ratio, axis=0).max() > 1e-3


def test_norms_per_unit(X):
    pieces = _moved(make_model(beta=3.0, weight_decay=1e-3)).encoder_gradient(X)
    for term in ("reconstruction", "sparsity", "weight_decay", "total", "rho_hat_grad"):
        expected = [np.linalg.norm(getattr(pieces, term)[:, unit]) for unit in range(N_HIDDEN)]
        np.testing.assert_allclose(pieces.norms(term), expected, rtol=1e-14)


def test_at_other_weights_in_float32_and_without_disturbing_the_step(X):
    """``theta`` picks the weights; the pieces keep the model's dtype; measuring them on other
    inputs between two steps changes nothing in the steps."""
    model = _moved(make_model(beta=3.0, dtype="float32", optimizer="adam"))
    twin = _moved(make_model(beta=3.0, dtype="float32", optimizer="adam"))
    X32 = model.check_input(X)
    before = model.theta_.copy()
    model.step(X32)
    twin.step(X32)
    at_before = model.encoder_gradient(X32, theta=before)
    assert at_before.total.dtype == np.float32
    _, at_start = _moved(make_model(beta=3.0, dtype="float32")).loss_and_grad(X32)
    _columns_close(at_before.total, at_start["W1"], 1e-5)
    model.encoder_gradient(X32[:7])  # other inputs, another batch size
    model.step(X32)
    twin.step(X32)
    np.testing.assert_array_equal(model.theta_, twin.theta_)
