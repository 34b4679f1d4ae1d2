"""explorer.core.validation: bad hyper-parameters and bad input are refused, named, and change
nothing."""

from __future__ import annotations

import re

import numpy as np
import pytest
from oracles import N_FEATURES, RHO, make_model

from explorer.core import SparseAutoencoder


def test_cross_entropy_with_linear_decoder_is_rejected():
    with pytest.raises(ValueError, match=r"decoder='linear'.*loss='cross_entropy'"):
        SparseAutoencoder(loss="cross_entropy", decoder="linear")


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
    with pytest.raises(
        ValueError, match=re.escape(f"X must be 2-D (n_samples, n_features); got shape {shape}")
    ):
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
