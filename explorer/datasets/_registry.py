"""The table of datasets by name, and `load`, which looks them up."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dictionary
from ._dataset import Dataset, Setting
from ._validation import as_generator, check_n_samples
from .bars import load_bars
from .digits import load_digits
from .mnist import load_mnist
from .natural import load_natural_patches

Loader = Callable[..., Dataset]  # (n_samples, rng, path, **options) -> Dataset


def _shipped(loader: Callable[..., Dataset]) -> Loader:
    """Adapt a loader of shipped or synthetic data, which has no use for ``path``."""

    def load_shipped(
        n_samples: int | None,
        rng: np.random.Generator,
        path: str | os.PathLike | None,
        **options: Any,
    ) -> Dataset:
        if path is not None:
            raise ValueError(
                f"path={path!r} is only used by 'mnist'; the other datasets ship with the "
                "package or are generated, so leave path=None"
            )
        return loader(n_samples, rng, **options)

    return load_shipped


def _mnist(
    n_samples: int | None, rng: np.random.Generator, path: str | os.PathLike | None
) -> Dataset:
    # MNIST keeps its first n_samples images by convention, so rng goes unused.
    return load_mnist(path=path, n_samples=n_samples)


# Adding a dataset is adding a row: its loader, and its own settings, which ``load`` takes
# as keywords.
_LOADERS: dict[str, tuple[Loader, dict[str, Setting]]] = {
    "natural-patches": (_shipped(load_natural_patches), {}),
    "digits": (_shipped(load_digits), {}),
    "bars": (_shipped(load_bars), {}),
    dictionary.NAME: (_shipped(dictionary.load_sparse_dictionary), dictionary.OPTIONS),
    "mnist": (_mnist, {}),
}

NAMES: tuple[str, ...] = tuple(_LOADERS)


def options(name: str) -> dict[str, Setting]:
    """The settings data set ``name`` takes as keywords of ``load`` (its default, what is
    allowed, what it is), by name; empty for a data set that has none."""
    return dict(_LOADERS[_checked_name(name)][1])


def _checked_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, one of {NAMES}, got {name!r}")
    if name not in _LOADERS:
        raise ValueError(f"name={name!r} is not a dataset; choose one of {NAMES}")
    return name


def load(
    name: str,
    n_samples: int | None = None,
    random_state: int | np.random.Generator | None = None,
    path: str | os.PathLike | None = None,
    **settings: Any,
) -> Dataset:
    """Load a dataset by name.

    Parameters
    ----------
    name : {"natural-patches", "digits", "bars", "sparse-dictionary", "mnist"}
        Which dataset; see `NAMES`.

        - ``"natural-patches"``: random 8 x 8 patches of whitened natural photographs,
          normalised to [0.1, 0.9] as in the UFLDL exercise.
        - ``"digits"``: the 1797 UCI handwritten digits, 8 x 8.
        - ``"bars"``: synthetic Földiák bars, 8 x 8, with the true bars as
          ``true_features``.
        - ``"sparse-dictionary"``: synthetic inputs, each a few atoms of a random dictionary
          plus noise, through a sigmoid; the atoms are ``true_features``
          (``datasets.dictionary``).
        - ``"mnist"``: MNIST training images, 28 x 28, read by `load_mnist` from ``path``
          or the cache (never downloaded from here; call `load_mnist` with
          ``download=True`` for that).
    n_samples : int, optional
        Number of samples. None means 10,000 patches, 5,000 bars or sparse-dictionary
        inputs, all 1797 digits or all 60,000 MNIST images. Digits are a random subset
        without repeats (at most 1797); MNIST takes the first ``n_samples`` images.
    random_state : None, int or numpy.random.Generator, optional
        Seed or generator for the random draws; the same seed gives the same ``X``.
        Unused by ``"mnist"`` and by ``"digits"`` when ``n_samples`` is None.
    path : str or os.PathLike, optional
        Only for ``"mnist"``: the directory holding the IDX images file, or the file.
    **settings
        The data set's own settings (``options(name)``): for ``"sparse-dictionary"``
        ``n_atoms``, ``input_dim``, ``n_active`` and ``noise``. The others take none.

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists `NAMES`), ``n_samples`` is not positive,
        ``path`` is given for a dataset that does not read files or does not exist, or a
        setting is not one of the data set's or out of its range (the message names it).
    TypeError
        If a parameter has the wrong type.
    FileNotFoundError
        If the MNIST files cannot be found.
    """
    loader, own = _LOADERS[_checked_name(name)]
    if settings and not own:
        key = next(iter(settings))
        raise ValueError(
            f"{key}={settings[key]!r} is not allowed: the {name!r} data set takes no settings "
            f"of its own (only {[n for n in NAMES if options(n)]} do)."
        )
    return loader(check_n_samples(n_samples), as_generator(random_state), path, **settings)
