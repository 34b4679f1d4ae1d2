"""explorer.core.losses: the objective's terms (reconstruction, sparsity, weight decay) by hand, and
that they add up to the total."""

from __future__ import annotations

import numpy as np
import pytest
from oracles import RHO, make_model

from explorer.core import kl_divergence


@pytest.mark.parametrize(
    ("loss", "decoder"),
    [("squared", "sigmoid"), ("squared", "linear"), ("cross_entropy", "sigmoid")],
)
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
