"""explorer.core.gradcheck: the gradient check passes for every loss, decoder and penalty, fails for
a wrong gradient, and its sampled, stencil and per-array-step variants."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from oracles import (
    COMBINATIONS,
    N_FEATURES,
    N_HIDDEN,
    PARAMS,
    PENALTY_RHO,
    RHO,
    assert_topk_cannot_swap,
    make_model,
)

from explorer.core import (
    PENALTIES,
    SparseAutoencoder,
    check_coordinates,
    check_gradient,
    float64_copy,
    gradient_errors,
)
from explorer.core.gradcheck import numerical_gradient


# --------------------------------------------------------------------------- full check
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


# --------------------------------------------------------------------------- sampled check
def test_sampled_check_takes_n_coords_per_array_seeded():
    model = make_model()
    coords = check_coordinates(model, n_coords=7, random_state=3)
    # W1 (40) and W2 (40) and b2 (8) are sampled; b1 has only 5 entries, all taken.
    assert {name: len(idx) for name, idx in coords.items()} == {"W1": 7, "b1": 5, "W2": 7, "b2": 7}
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
    state = model.rng_state
    twin = float64_copy(model)
    assert twin.theta_.dtype == np.float64 and model.theta_.dtype == np.float32
    np.testing.assert_array_equal(twin.theta_, model.theta_.astype(np.float64))
    assert (twin.rho, twin.beta, twin.penalty) == (0.2, 2.0, "l1")
    assert model.rng_state == state  # the original's generator did not move
    twin.theta_ += 1.0
    assert not np.shares_memory(twin.theta_, model.theta_)
    assert np.all(model.theta_ != twin.theta_)
