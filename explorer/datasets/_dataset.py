"""The `Dataset` record every loader returns."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """A training set of flattened images, ready for the autoencoder.

    ``eq=False`` because comparing records that hold arrays element-wise is never what a
    caller means.

    Attributes
    ----------
    name : str
        The registry name the data was loaded under.
    X : ndarray of shape (n_samples, n_features), float64
        C-contiguous, every value in [0, 1]; one flattened (row-major) image per row.
    image_shape : tuple of int
        ``(rows, cols)`` with ``rows * cols == n_features``; used to draw filters.
    description : str
        One sentence for the UI.
    components : ndarray of shape (n_true, n_features), float64, or None
        The ground-truth generators, each a {0, 1} mask (only synthetic data has them).
    """

    name: str
    X: np.ndarray
    image_shape: tuple[int, int]
    description: str
    components: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Checked here once so that the layers above can rely on the contract.
        X = self.X
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype != np.float64:
            raise ValueError(f"Dataset {self.name!r}: X must be a 2-D float64 array")
        if not X.flags.c_contiguous:
            raise ValueError(f"Dataset {self.name!r}: X must be C-contiguous")
        if X.size and (X.min() < 0.0 or X.max() > 1.0):
            raise ValueError(f"Dataset {self.name!r}: X values must lie in [0, 1]")
        if math.prod(self.image_shape) != X.shape[1]:
            raise ValueError(
                f"Dataset {self.name!r}: image_shape={self.image_shape} does not match "
                f"n_features={X.shape[1]}"
            )
        if self.components is not None and self.components.shape[1:] != (X.shape[1],):
            raise ValueError(
                f"Dataset {self.name!r}: components must have shape (n_true, {X.shape[1]}), "
                f"got {self.components.shape}"
            )
