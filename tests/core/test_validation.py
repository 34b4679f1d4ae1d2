"""explorer.core.validation: bad hyper-parameters and bad input are refused, named, and change
nothing."""

from __future__ import annotations

import re

import numpy as np
import pytest
from oracles import N_FEATURES, RHO, make_model

from explorer.core import SparseAutoencoder


def test_cross_entropy_with_linear_decoder_is_rejected(X):
    model = SparseAutoencoder(loss="cross_entropy", decoder="linear")  # stored, not checked
    with pytest.raises(ValueError, match=r"decoder='linear'.*loss='cross_entropy'"):
        model.fit(X)


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
        ("max_iter", 0, ValueError),
        ("random_state", -1, ValueError),
        ("random_state", "seed", ValueError),
        ("dtype", np.array([1.0, 4.0]), ValueError),  # no truth value: still a clear message
    ],
)
def test_bad_hyper_parameters_are_named_when_used(X, param, value, error):
    """scikit-learn's contract: the constructor and set_params store any value; fit,
    partial_fit, initialize and validate refuse a bad one, naming setting, value and rule."""
    pattern = re.escape(f"{param}={value!r}") + r"(?![\d.])"
    model = SparseAutoencoder(**{param: value})
    assert getattr(model, param) is value
    for use in (model.fit, model.partial_fit, lambda X: model.initialize(X.shape[1])):
        with pytest.raises(error, match=pattern):
            use(X)
    with pytest.raises(error, match=pattern + ".* must be "):
        model.validate()
    assert not hasattr(model, "theta_")


def test_bad_value_set_between_steps_is_refused_at_the_next_step(X):
    model = make_model()
    model.partial_fit(X)
    params, theta, steps = model.get_params(), model.theta_.copy(), model.n_steps_
    model.set_params(rho=0.2, weight_decay=0.5, beta=-1)  # two valid values, one bad
    with pytest.raises(ValueError, match="beta=-1"):
        model.partial_fit(X)
    np.testing.assert_array_equal(model.theta_, theta)  # the refused step changed nothing
    assert model.n_steps_ == steps
    model.set_params(beta=params["beta"])
    model.partial_fit(X)  # fixed: training goes on, with the valid new values
    assert model.n_steps_ == steps + 1 and model.rho == 0.2


def test_batch_size_with_lbfgs_is_rejected(X):
    with pytest.raises(ValueError, match=r"batch_size=10.*lbfgs"):
        SparseAutoencoder(batch_size=10).fit(X)
    model = SparseAutoencoder(optimizer="adam", batch_size=10).partial_fit(X)
    model.set_params(optimizer="lbfgs")
    with pytest.raises(ValueError, match=r"batch_size=10.*lbfgs"):
        model.partial_fit(X)


def test_unknown_parameter_is_refused_and_changes_nothing(X):
    model = make_model()
    model.partial_fit(X)
    params = model.get_params()
    with pytest.raises(ValueError, match=r"Invalid parameter\(s\) \['colour'\].*'rho'"):
        model.set_params(rho=0.2, colour="red")
    assert model.get_params() == params
    assert model.rho == RHO


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
        with pytest.raises(
            ValueError,
            match=f"X has 7 features, but SparseAutoencoder is expecting {N_FEATURES} features",
        ):
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


@pytest.mark.parametrize(
    "bad", [[["a", "b"], ["c", "d"]], np.array([[{"a": 1}, 1.0]], dtype=object), "text"]
)
def test_non_numeric_X_is_a_type_error(bad):
    with pytest.raises(TypeError, match="X must be a 2-D array of numbers"):
        SparseAutoencoder().partial_fit(bad)
