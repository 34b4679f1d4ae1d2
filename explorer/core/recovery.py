"""Recovery of known features: did the units find the features the data was made of?

For data whose generating features are known (``Dataset.true_features``: the bars, the sparse
dictionary's atoms), each true feature f_i is matched with the unit whose decoder column d_l
(row l of W2: what unit l adds to x̂) points most nearly its way, and separately with the unit
whose encoder filter w_l (column l of W1: what unit l looks for) does:

    best_i = max_l cos(f_i, d_l),   cos(a, b) = a·b / (‖a‖ ‖b‖)

The cosine is signed: a sigmoid unit's activation is positive, so a unit whose decoder is −f_i
cannot put f_i into a reconstruction. A true feature counts as recovered when best_i exceeds
``THRESHOLD`` (SAEBench's synthetic benchmarks and the dictionary-learning literature use 0.9:
at 0.9 at least 81 % of the column's energy lies along the feature). Matching is per feature,
not one-to-one: a unit that merged two features is the best match of both, each at a lower
cosine, which is what a student should see.

``best_cosine_by_chance`` says what a model that learned nothing scores, so that a score can
be read against it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

#: A true feature is recovered when its best cosine exceeds this.
THRESHOLD = 0.9


def cosines(A: ArrayLike, B: ArrayLike) -> np.ndarray:
    """cos(a_i, b_j) for every row a_i of ``A`` and b_j of ``B``: an (len(A), len(B)) array.
    A row that is exactly 0 has no direction: its cosine with anything is 0."""
    A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(
            f"A and B must be 2-D with as many columns as each other (one vector per row); got "
            f"shapes {A.shape} and {B.shape}."
        )

    def unit(M: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(M, axis=1, keepdims=True)
        return np.divide(M, norms, out=np.zeros_like(M), where=norms > 0)

    return unit(A) @ unit(B).T


@dataclass(frozen=True)
class Recovery:
    """How well each true feature was found, by a decoder column and by an encoder filter."""

    decoder_cosine: np.ndarray  # (n_true,): best cosine with a decoder column (row of W2)
    decoder_unit: np.ndarray  # (n_true,): the unit it is
    encoder_cosine: np.ndarray  # (n_true,): best cosine with an encoder filter (column of W1)
    encoder_unit: np.ndarray  # (n_true,)

    @property
    def n_true(self) -> int:
        return len(self.decoder_cosine)

    @property
    def recovered(self) -> int:
        """True features whose best decoder cosine exceeds ``THRESHOLD``."""
        return int(np.count_nonzero(self.decoder_cosine > THRESHOLD))

    @property
    def encoder_recovered(self) -> int:
        """True features whose best encoder cosine exceeds ``THRESHOLD``."""
        return int(np.count_nonzero(self.encoder_cosine > THRESHOLD))

    @property
    def mean_cosine(self) -> float:
        """The mean over true features of the best decoder cosine: 1 when every one is found."""
        return float(np.mean(self.decoder_cosine))

    @property
    def encoder_mean_cosine(self) -> float:
        return float(np.mean(self.encoder_cosine))

    def pairs(self) -> list[tuple[int, int, float]]:
        """(true feature, its best decoder unit, their cosine) for every true feature."""
        units, cos = self.decoder_unit, self.decoder_cosine
        return [(i, int(units[i]), float(cos[i])) for i in range(self.n_true)]


def recovery(true_features: ArrayLike, W2: ArrayLike, W1: ArrayLike) -> Recovery:
    """Match every true feature with its best decoder column and its best encoder filter.

    Parameters
    ----------
    true_features : array_like (n_true, n)
        One feature per row (``Dataset.true_features``).
    W2 : array_like (k, n)
        Decoder weights, one row per hidden unit (``SparseAutoencoder.params_["W2"]``).
    W1 : array_like (n, k)
        Encoder weights, one column per hidden unit (``SparseAutoencoder.params_["W1"]``).
    """
    W1 = np.asarray(W1)
    if W1.ndim != 2:
        raise ValueError(f"W1 must be 2-D (n_features, n_hidden); got shape {W1.shape}.")
    decoder, encoder = cosines(true_features, W2), cosines(true_features, W1.T)
    return Recovery(
        decoder_cosine=decoder.max(axis=1),
        decoder_unit=decoder.argmax(axis=1),
        encoder_cosine=encoder.max(axis=1),
        encoder_unit=encoder.argmax(axis=1),
    )


#: Cells of the angle grid ``best_cosine_by_chance`` sums over.
_GRID = 20_000


@functools.lru_cache(maxsize=64)  # the views ask every frame, for the same few shapes
def best_cosine_by_chance(n_units: int, dim: int) -> tuple[float, float]:
    """Mean and standard deviation of the best cosine between one fixed direction and
    ``n_units`` directions drawn independently and uniformly in ``dim`` dimensions: what a
    true feature scores against a model whose columns point anywhere (random weights).

    The angle θ between a fixed direction and a uniform random one has density ∝ sin^(dim−2) θ
    on [0, π], so t = cos θ has a distribution function F, and the best of n_units independent
    cosines has F(t)^n_units. Its moments are summed on a fine grid of θ (no singularity at
    t = ±1 that way). For large dim, t is about normal with variance 1/dim, so the mean grows
    like √(2 ln n_units / dim) for many units: 25 units in 64 dimensions reach 0.24 on
    average, 400 units 0.36 (Monte Carlo agrees to 0.002).
    """
    if n_units < 1 or dim < 2:
        raise ValueError(
            f"n_units={n_units!r} and dim={dim!r}: there must be at least one unit and two "
            "dimensions."
        )
    # Midpoints of equal cells of θ from π down to 0 (t = cos θ ascending): the midpoint rule,
    # whose error shrinks with the square of the cell width.
    theta = np.linspace(np.pi, 0.0, _GRID + 1)
    theta = (theta[1:] + theta[:-1]) / 2
    log_density = (dim - 2) * np.log(np.sin(theta))
    weights = np.exp(log_density - log_density.max())
    F = np.cumsum(weights / weights.sum())
    best = np.diff(F**n_units, prepend=0.0)  # P(the best cosine is in cell i)
    t = np.cos(theta)
    mean = float(best @ t)
    return mean, float(np.sqrt(max(best @ t**2 - mean**2, 0.0)))
