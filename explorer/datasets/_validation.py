"""Checks for the parameters the public loaders share."""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import numpy as np

FILES_DIR = Path(__file__).resolve().parent / "files"


def check_n_samples(n_samples: object, maximum: int | None = None, source: str = "") -> int | None:
    """Return ``n_samples`` as an int (or None), or raise naming what is allowed.

    ``maximum`` is how many samples ``source`` holds, for data that cannot be resampled.
    """
    if n_samples is None:
        return None
    # bool is an int subclass, but n_samples=True is a mistake, not a request for 1 sample.
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be a positive int or None, got {n_samples!r}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive int or None, got {n_samples!r}")
    if maximum is not None and n_samples > maximum:
        raise ValueError(
            f"n_samples must be at most {maximum}, the number of images in {source}, "
            f"got {n_samples!r}"
        )
    return int(n_samples)


def as_generator(random_state: object, name: str = "random_state") -> np.random.Generator:
    """Turn None, a non-negative int or a Generator into a Generator (no global seeding).

    ``name`` is the parameter the value was given as, for the error message.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is not None and (
        isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral)
    ):
        raise TypeError(
            f"{name}={random_state!r} is not allowed: {name} must be None, a non-negative int "
            "seed or a numpy.random.Generator."
        )
    if random_state is not None and random_state < 0:
        raise ValueError(
            f"{name}={random_state!r} is not allowed: {name} must be a non-negative int seed."
        )
    return np.random.default_rng(random_state)


def as_path(value: object, parameter: str) -> Path:
    """Return ``value`` as a Path, or raise a TypeError naming ``parameter``."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{parameter} must be a str or os.PathLike, got {value!r}")
    return Path(value).expanduser()
