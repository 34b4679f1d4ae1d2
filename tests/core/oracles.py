"""What the core tests check against, shared by tests/core/test_*.py (import it as ``oracles``:
pytest puts this folder on ``sys.path``).

Gradients are checked three ways (in the spirit of micrograd's tests): against central
differences, against a plainly written NumPy implementation of the math contract
(docs/architecture.md section 2) that shares no code with the package (``reference``, and
with ``sparsity_after_gprime`` the wrong placement some lecture notes print), and against
PyTorch's autograd where it is installed (``torch_reference``). Here too: the small model they
are checked on (``make_model``, with ``N_FEATURES`` inputs; the data is ``conftest.X``) and the
table of every loss, decoder and penalty (``COMBINATIONS``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explorer.core import PENALTIES, SparseAutoencoder, topk_gap

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
    """Objective terms and gradients written out from the math contract (docs/architecture.md
    section 2); shares no code with the package.

    Rows of X are samples. With ``sparsity_after_gprime`` the sparsity term is added to the
    hidden error *after* the multiplication by g′: the wrong version some lecture notes print.
    ``penalty`` is "kl" (the contract), "l1" (Σ_l ρ̂_l) or "topk" (L1 on all but each input's
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


def torch_reference(params, X, rho, beta, lam, loss, decoder, penalty="kl"):
    """The objective's total and its gradients by PyTorch's autograd, in float64 (the caller
    skips where torch is not installed)."""
    import torch

    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
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
        "kl": lambda: (
            rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
        ).sum(),
        "l1": lambda: rho_hat.sum(),
        "topk": lambda: (h.sum() - torch.topk(h, K, dim=1).values.sum()) / m,
    }[penalty]()
    total = rec + beta * omega + lam / 2 * ((t["W1"] ** 2).sum() + (t["W2"] ** 2).sum())
    total.backward()
    return total.item(), {name: t[name].grad.numpy() for name in PARAMS}


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
