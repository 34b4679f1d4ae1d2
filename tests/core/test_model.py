"""explorer.core.model: the objective and its gradient against the plainly written NumPy
reference and PyTorch (tests/core/oracles.py), the sparsity term's place in backprop,
initialisation and stepping."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from oracles import (
    COMBINATIONS,
    N_HIDDEN,
    N_SAMPLES,
    PARAMS,
    PENALTY_RHO,
    RHO,
    assert_topk_cannot_swap,
    finite_differences,
    flat,
    make_model,
    reference,
    relative,
    torch_reference,
)
from test_scratch import memory_map

from explorer.core import SparseAutoencoder, kl_divergence
from explorer.core.gradcheck import numerical_gradient


# --------------------------------------------------------------------------- objective and gradient
@pytest.mark.parametrize(("loss", "decoder", "penalty", "beta", "lam"), COMBINATIONS)
def test_loss_and_grad_match_independent_numpy(X, loss, decoder, penalty, beta, lam):
    rho = PENALTY_RHO[penalty]
    model = make_model(
        loss=loss, decoder=decoder, penalty=penalty, rho=rho, beta=beta, weight_decay=lam
    )
    # Move off the symmetric initialisation so that biases matter too.
    rng = np.random.default_rng(5)
    for p in model.params_.values():
        p += rng.normal(0, 0.3, p.shape)
    assert_topk_cannot_swap(model, X)
    terms, grads = model.loss_and_grad(X)
    params = {k: v.copy() for k, v in model.params_.items()}
    ref = functools.partial(
        reference, X=X, rho=rho, beta=beta, lam=lam, loss=loss, decoder=decoder, penalty=penalty
    )
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
    pytest.importorskip("torch")
    rho = PENALTY_RHO[penalty]
    model = make_model(
        loss=loss, decoder=decoder, penalty=penalty, rho=rho, beta=beta, weight_decay=lam
    )
    terms, grads = model.loss_and_grad(X)
    total, torch_grads = torch_reference(model.params_, X, rho, beta, lam, loss, decoder, penalty)
    assert relative(terms["total"], total) < 1e-12
    for name in PARAMS:
        assert relative(grads[name], torch_grads[name]) < 1e-10, name


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
    # NotFittedError is a ValueError and an AttributeError, as scikit-learn's is.
    for error in (ValueError, AttributeError):
        with pytest.raises(error, match="SparseAutoencoder instance is not fitted yet"):
            SparseAutoencoder().transform(X)


# --------------------------------------------------------------------------- stepping
def test_partial_fit_is_exactly_one_step(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    for i in range(1, 4):
        before = model.theta_.copy() if i > 1 else None
        model.partial_fit(bars)
        assert model.n_steps_ == i and len(model.loss_curve_) == i
        assert model.loss_curve_[-1] == model.last_terms_["total"]
        if before is not None:
            assert not np.array_equal(before, model.theta_)


def test_fit_resets_and_takes_max_iter_steps(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    for _ in range(5):
        model.partial_fit(bars)
    model.set_params(max_iter=3).fit(bars)
    assert model.n_steps_ == 3 and len(model.loss_curve_) == 3
    fresh = SparseAutoencoder(n_hidden=8, rho=0.1, max_iter=3, random_state=0).fit(bars)
    np.testing.assert_array_equal(model.theta_, fresh.theta_)
    assert model.loss_curve_ == fresh.loss_curve_


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


def _trained(bars, **params) -> SparseAutoencoder:
    model = SparseAutoencoder(n_hidden=8, batch_size=10, random_state=0, **params)
    X = model.check_input(bars)
    for _ in range(5):
        model.step(model.next_batch(X))
    return model


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_batch_size_change_keeps_the_optimisers_memory(bars, optimizer):
    # The batch size changes how noisy each gradient is, not the objective: Adam's moments and
    # SGD's velocity still estimate what they did, and a fresh Adam would move every weight by
    # about the learning rate at its first step. So the step after a change is the step the
    # run would have taken on the same batch without it.
    changed, kept = _trained(bars, optimizer=optimizer), _trained(bars, optimizer=optimizer)
    changed.set_params(batch_size=40)
    batch = changed.next_batch(changed.check_input(bars))
    assert batch.shape[0] == 40
    changed.step(batch)
    kept.step(batch)
    np.testing.assert_array_equal(changed.theta_, kept.theta_)
    fresh = _trained(bars, optimizer=optimizer)
    fresh.restart_optimizer()
    fresh.step(batch)
    assert np.abs(fresh.theta_ - kept.theta_).max() > 1e-4  # the memory mattered


def test_what_an_optimiser_is_built_with_starts_a_fresh_one(bars):
    # SGD's row names momentum: a new momentum is a new SGD (its velocity forgotten); Adam is
    # not built with it, and keeps its moments.
    sgd, adam = _trained(bars, optimizer="sgd"), _trained(bars, optimizer="adam")
    old_sgd, old_adam = sgd._opt, adam._opt
    sgd.set_params(momentum=0.5)
    adam.set_params(momentum=0.5)
    sgd.step(sgd.next_batch(sgd.check_input(bars)))
    adam.step(adam.next_batch(adam.check_input(bars)))
    assert sgd._opt is not old_sgd and sgd._opt.momentum == 0.5
    assert adam._opt is old_adam and adam._opt.t == 6


def test_beta_zero_gives_zero_sparsity_at_the_next_step(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0)
    model.partial_fit(bars)
    model.partial_fit(bars)
    model.set_params(beta=0.0)
    model.partial_fit(bars)
    assert model.last_terms_["sparsity"] == 0.0


def test_learning_rate_change_applies_at_the_next_step(bars):
    model = SparseAutoencoder(
        n_hidden=8, optimizer="sgd", momentum=0.0, learning_rate=0.1, random_state=0
    )
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
    model.set_params(max_iter=10).fit(X32)
    assert model.theta_.dtype == np.float32
    assert model.transform(bars).dtype == np.float32
    assert model.reconstruct(bars).dtype == np.float32
    assert all(g.dtype == np.float32 for g in model.loss_and_grad(bars)[1].values())
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert np.isfinite(model.loss_curve_).all()


def test_a_gradient_measured_on_a_batch_no_step_used_leaves_the_model_no_workspace(bars):
    """The steps' workspace (batch-sized arrays) is kept between steps; a measurement on any
    other batch (the whole data set before the first step: a dashboard's first frame) gets
    arrays for that call only, which a served kernel would otherwise hold (10 MB at 64-25 on
    10,000 patches) whether or not a step ever needs them."""
    X = bars.astype(np.float64)
    model = SparseAutoencoder(n_hidden=8, rho=0.1, random_state=0).initialize(X.shape[1])
    model.encoder_gradient(X)
    assert "_work" not in vars(model)
    model.step(X)
    work = model._work
    assert all(memory_map(a) is not None for a in work)  # its memory goes back when dropped
    model.encoder_gradient(X)  # on the step's batch: the same arrays, none fresh
    assert all(a is b for a, b in zip(model._work, work, strict=True))
    model.encoder_gradient(X[:10])
    assert all(a is b for a, b in zip(model._work, work, strict=True))
