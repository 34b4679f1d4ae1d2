"""The `Dataset` record every loader returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

#: The dtypes X may have.
FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


class Setting(NamedTuple):
    """One of a data set's own settings (``datasets.options``)."""

    default: Any
    allowed: Any  # a ``core.validation`` constraint: ``value in allowed``, ``str(allowed)``
    meaning: str  # what it is, for a help text


@dataclass(frozen=True, eq=False)
class Dataset:
    """A training set of flattened images, ready for the autoencoder.

    ``eq=False`` because comparing records that hold arrays element-wise is never what a
    caller means.

    Attributes
    ----------
    name : str
        The registry name the data was loaded under.
    X : ndarray of shape (n_samples, n_features), float64 or float32
        C-contiguous, every value in [0, 1]; one flattened (row-major) image per row. The
        loaders make float64; a session keeps its data in its model's dtype
        (``training.Session``), so a float32 session's data set is float32.
    image_shape : tuple of int
        ``(rows, cols)`` with ``rows * cols == n_features``; used to draw filters.
    description : str
        One sentence for the UI.
    true_features : ndarray of shape (n_true, n_features), float64, or None
        The ground truth the inputs were made of, one per row, when it is known (synthetic
        data only): the bars' {0, 1} masks, the sparse dictionary's unit-norm atoms.
    options : dict
        The data set's own settings it was made with (``datasets.options(name)``), defaults
        included; empty for a data set that has none.
    """

    name: str
    X: np.ndarray
    image_shape: tuple[int, int]
    description: str
    true_features: np.ndarray | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Checked here once so that the layers above can rely on the contract.
        X = self.X
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype not in FLOATS:
            raise ValueError(f"Dataset {self.name!r}: X must be a 2-D float64 or float32 array")
        if not X.flags.c_contiguous:
            raise ValueError(f"Dataset {self.name!r}: X must be C-contiguous")
        if X.size and (X.min() < 0.0 or X.max() > 1.0):
            raise ValueError(f"Dataset {self.name!r}: X values must lie in [0, 1]")
        if math.prod(self.image_shape) != X.shape[1]:
            raise ValueError(
                f"Dataset {self.name!r}: image_shape={self.image_shape} does not match "
                f"n_features={X.shape[1]}"
            )
        truth = self.true_features
        if truth is not None and (truth.ndim != 2 or truth.shape[1] != X.shape[1]):
            raise ValueError(
                f"Dataset {self.name!r}: true_features must have shape (n_true, "
                f"{X.shape[1]}), got {truth.shape}"
            )
