"""scikit-learn's estimator contract without scikit-learn: parameters, fitted state, feature names.

``clone``, ``Pipeline``, ``GridSearchCV`` and scikit-learn's estimator checks ask an estimator
for no more than this (the rules of ``sklearn/base.py`` and ``sklearn/utils/validation.py``,
scikit-learn 1.6 to 1.9). Restating them here keeps scikit-learn, and the SciPy it loads, out of
every served kernel: the library works beside scikit-learn without depending on it.
"""

from __future__ import annotations

import inspect
import warnings
from collections import defaultdict
from typing import Any

import numpy as np


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit``. scikit-learn's own ``NotFittedError`` has the same
    two bases, so whatever catches that (its checks, ``hasattr``) catches this one too."""


class Estimator:
    """Parameters as scikit-learn defines them: the constructor's keyword arguments, stored
    unchanged by ``__init__`` and read back by name."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        """The constructor's parameter names, sorted (scikit-learn's order)."""
        params = inspect.signature(cls.__init__).parameters.values()
        if any(p.kind == p.VAR_POSITIONAL for p in params):
            raise TypeError(f"{cls.__name__}.__init__ must name its parameters (no *args).")
        return sorted(p.name for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's arguments as currently set; with ``deep``, also those of any
        parameter that is itself an estimator, as ``name__sub``."""
        out: dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Estimator:
        """Set parameters by name (``name__sub`` for a nested estimator's); values are checked
        when they are used (``fit``, ``partial_fit``), as scikit-learn does."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = defaultdict(dict)
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {self._get_param_names()!r}."
                )
            if delim:
                nested[name][sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def _check_initialized(self) -> None:
        """Raise ``NotFittedError`` unless ``__sklearn_is_fitted__()`` (the subclass's)."""
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet: call 'fit' or "
                "'partial_fit' before using it."
            )


def generator(random_state: Any) -> np.random.Generator:
    """A NumPy ``Generator`` from a ``random_state`` as scikit-learn users give it: None, a
    non-negative int, a ``Generator`` (used as is) or a legacy ``RandomState`` (which seeds a new
    generator, and so moves on as scikit-learn's estimators move it on)."""
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**32, dtype=np.uint64))
    return np.random.default_rng(random_state)


def feature_names(X: Any) -> np.ndarray | None:
    """The column names of a data frame (anything with ``columns``: pandas, polars) if all are
    strings, as an object array; None for arrays and for names of other types."""
    columns = getattr(X, "columns", None)
    if columns is None or isinstance(X, np.ndarray):
        return None
    names = np.asarray(list(columns), dtype=object)
    types = sorted({type(name).__qualname__ for name in names})
    if len(types) > 1 and "str" in types:
        raise TypeError(
            f"X's column names have types {types}: feature names are used only when all are "
            "strings. Convert them all to strings (X.columns = X.columns.astype(str)) or none."
        )
    return names if types == ["str"] else None


def check_feature_names(estimator: Any, names: np.ndarray | None) -> None:
    """Compare the column names of data given after ``fit`` with ``feature_names_in_``: a
    mismatch is an error, names on only one side a warning (scikit-learn's rules)."""
    fitted = getattr(estimator, "feature_names_in_", None)
    owner = type(estimator).__name__
    at_caller = 4  # the warning points at the caller of transform (via the model's data check)
    if fitted is None and names is None:
        return
    if fitted is None:
        warnings.warn(
            f"X has feature names, but {owner} was fitted without feature names.",
            stacklevel=at_caller,
        )
        return
    if names is None:
        warnings.warn(
            f"X does not have valid feature names, but {owner} was fitted with feature names.",
            stacklevel=at_caller,
        )
        return
    if len(fitted) == len(names) and np.all(fitted == names):
        return
    unseen = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))
    message = "The feature names should match those that were passed during fit.\n"
    if unseen:
        message += "Feature names unseen at fit time:\n" + _listed(unseen)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + _listed(missing)
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


def _listed(names: list[str], most: int = 5) -> str:
    shown = "".join(f"- {name}\n" for name in names[:most])
    return shown + ("- ...\n" if len(names) > most else "")


def check_input_features(estimator: Any, input_features: Any) -> None:
    """Refuse ``input_features`` (of ``get_feature_names_out``) that contradict what ``fit``
    saw: other names than ``feature_names_in_``, or another count than ``n_features_in_``."""
    if input_features is None:
        return
    given = np.asarray(input_features, dtype=object)
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is not None and not np.array_equal(fitted, given):
        raise ValueError(
            f"input_features is not equal to feature_names_in_: got {list(given)}, "
            f"fitted on {list(fitted)}."
        )
    if len(given) != estimator.n_features_in_:
        raise ValueError(
            "input_features should have length equal to number of features "
            f"({estimator.n_features_in_}), got {len(given)}."
        )
