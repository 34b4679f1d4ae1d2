"""scikit-learn's estimator contract: its own checks pass, and clone, pickling, feature names
and random states behave as scikit-learn's tools expect. (scikit-learn is a test-only
dependency: the package itself never imports it.)"""

from __future__ import annotations

import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_estimator,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from explorer import SparseAutoencoder

#: The configurations scikit-learn's checks run on. Its checks feed data of any sign and scale
#: (normal draws, blobs, iris), which only a linear decoder with squared error can reconstruct;
#: the default sigmoid decoder refuses data outside [0, 1] with a message saying so (see
#: ``test_the_default_decoder_fails_checks_only_on_data_outside_the_unit_interval``). One
#: full-batch L-BFGS model in float64, one mini-batch Adam model in float32 (its
#: random_state also draws the batches; float32 in, float32 out).
CHECKED = [
    SparseAutoencoder(decoder="linear", n_hidden=4, max_iter=20),
    SparseAutoencoder(
        decoder="linear", n_hidden=3, optimizer="adam", batch_size=8, max_iter=10, dtype="float32"
    ),
]


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Every product here is small: OpenBLAS spreads each over both cores and waits for the
    slower, which on a busy machine took the digits search below from 17 s to 390 s
    (explorer/app/blas.py measured the same)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


with warnings.catch_warnings():
    # "does not inherit from sklearn.base.BaseEstimator": by design (scikit-learn is not a
    # dependency), and the checks show nothing is lost.
    warnings.filterwarnings("ignore", "Estimator SparseAutoencoder does not inherit")
    every_check = parametrize_with_checks(CHECKED)


@every_check
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# scikit-learn runs these three in its own test suite, outside parametrize_with_checks.
@pytest.mark.parametrize("estimator", CHECKED, ids=repr)
@pytest.mark.parametrize(
    "check",
    [
        check_dataframe_column_names_consistency,
        check_transformer_get_feature_names_out,
        check_transformer_get_feature_names_out_pandas,
    ],
)
def test_sklearn_feature_name_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_the_default_decoder_fails_checks_only_on_data_outside_the_unit_interval():
    """Every check scikit-learn's check_estimator runs on ``SparseAutoencoder()`` passes, or
    fails because the check's data lies outside [0, 1], which the sigmoid decoder refuses by
    design (naming the range and the fix). Anything else failing is a bug."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(SparseAutoencoder(max_iter=10), on_fail=None)
    failed = [r for r in results if r["status"] == "failed"]
    assert 0 < len(failed) < len(results)
    for result in failed:
        error = result["exception"]
        reasons = f"{error} {error.__cause__}"
        assert "needs them in [0, 1]; rescale X" in reasons, (result["check_name"], reasons)


def test_clone_copies_settings_not_weights(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, beta=1.0, max_iter=5, random_state=0)
    model.fit(bars)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert not hasattr(twin, "theta_") and not hasattr(twin, "n_features_in_")
    np.testing.assert_array_equal(twin.fit(bars).transform(bars), model.transform(bars))


def test_not_fitted_is_what_sklearn_checks_for(bars):
    model = SparseAutoencoder()
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    for method in (model.transform, model.inverse_transform, model.get_feature_names_out):
        with pytest.raises((ValueError, AttributeError), match="not fitted yet"):
            method(bars) if method != model.get_feature_names_out else method()
    check_is_fitted(model.set_params(max_iter=1).fit(bars))


def test_set_params_between_partial_fits_applies_at_the_next_step(bars):
    """The dashboards and the command line change settings mid-run through set_params: it must
    reach the very next step, without re-initialising."""
    model = SparseAutoencoder(n_hidden=8, rho=0.1, beta=3.0, random_state=0).partial_fit(bars)
    theta = model.theta_.copy()
    model.set_params(beta=0.0).partial_fit(bars)
    assert model.n_steps_ == 2 and model.last_terms_["sparsity"] == 0.0
    assert not np.array_equal(theta, model.theta_)


def test_pickled_model_transforms_alike_and_trains_on(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, max_iter=5, random_state=0).fit(bars)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.transform(bars), model.transform(bars))
    assert copy.loss_curve_ == model.loss_curve_
    # The last batch (the training data) does not travel with the model.
    assert len(pickle.dumps(model)) < bars.nbytes
    copy.partial_fit(bars)
    assert copy.n_steps_ == 6


@pytest.mark.parametrize(
    "make_state",
    [lambda: 7, lambda: np.random.RandomState(7), lambda: np.random.default_rng(7)],
    ids=["int", "RandomState", "Generator"],
)
def test_random_state_as_sklearn_takes_it(bars, make_state):
    """An int gives the same model every fit; a RandomState or Generator instance, like
    scikit-learn's, gives the same model for equally seeded instances and moves on."""
    fit = lambda state: SparseAutoencoder(n_hidden=4, max_iter=2, random_state=state).fit(bars)  # noqa: E731
    np.testing.assert_array_equal(fit(make_state()).theta_, fit(make_state()).theta_)
    state = make_state()
    model = SparseAutoencoder(n_hidden=4, max_iter=2, random_state=state)
    first = model.fit(bars).theta_.copy()
    moved_on = not isinstance(state, int)
    assert (not np.array_equal(first, model.fit(bars).theta_)) == moved_on


class Frame:
    """A data frame as far as the estimator can tell (pandas is not a dependency)."""

    def __init__(self, values: np.ndarray, columns: list) -> None:
        self.values, self.columns = values, columns

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self.values if dtype is None else self.values.astype(dtype)


def test_feature_names_from_any_frame_with_columns(bars):
    names = [f"pixel{i}" for i in range(bars.shape[1])]
    model = SparseAutoencoder(n_hidden=4, max_iter=2, random_state=0).fit(Frame(bars, names))
    assert list(model.feature_names_in_) == names
    assert list(model.get_feature_names_out()) == [f"sparseautoencoder{i}" for i in range(4)]
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        model.transform(Frame(bars, names[::-1]))
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.transform(bars)
    model.fit(bars)  # refitted on an array: the names are forgotten
    assert not hasattr(model, "feature_names_in_")
    with pytest.raises(TypeError, match="column names have types"):
        model.fit(Frame(bars, [0, *names[1:]]))


def test_inverse_transform_decodes_codes(bars):
    model = SparseAutoencoder(n_hidden=8, rho=0.1, max_iter=20, random_state=0).fit(bars)
    np.testing.assert_array_equal(
        model.inverse_transform(model.transform(bars)), model.reconstruct(bars)
    )
    with pytest.raises(ValueError, match="X has 64 features, but SparseAutoencoder"):
        model.inverse_transform(bars)


def test_object_arrays_of_numbers_are_numbers(bars):
    model = SparseAutoencoder(n_hidden=4, max_iter=2, random_state=0)
    np.testing.assert_array_equal(
        model.fit_transform(bars.astype(object)), clone(model).fit_transform(bars)
    )


# --------------------------------------------------------------------------- self-taught learning
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(marker: str) -> str:
    """The README's Python example that contains ``marker``."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    (block,) = [b for b in blocks if marker in b]
    return block


def test_readme_self_taught_learning_sparse_features_beat_raw_pixels():
    """The README's example, run as printed: autoencoder features learned on half of the
    built-in digits feed a logistic regression in a Pipeline, GridSearchCV picks β, and on the
    other half the features make at least a fifth fewer mistakes than the same classifier on
    the raw pixels (measured: 21 against 33 of 899, with β = 1; β = 0, no sparsity, scored no
    better than the raw pixels in the search)."""
    from sklearn.datasets import load_digits

    from explorer.datasets import load

    run = {"SparseAutoencoder": SparseAutoencoder, "load": load}  # the README's earlier imports
    exec(readme_block("sae__beta"), run)
    # The shipped digits have no labels; scikit-learn's copy of the same file has, in the same
    # order (its pixels count 0..16).
    np.testing.assert_array_equal(run["X"] * 16, load_digits().data)
    search, raw, X_test, y_test = run["search"], run["raw"], run["X_test"], run["y_test"]
    features_errors = 1 - search.score(X_test, y_test)
    raw_errors = 1 - raw.score(X_test, y_test)
    measured = f"test error {features_errors:.4f} on the features, {raw_errors:.4f} on pixels"
    assert search.best_params_["sae__beta"] > 0, (search.cv_results_["mean_test_score"], measured)
    assert features_errors <= 0.8 * raw_errors, measured
