"""A sparse dictionary: every input a sparse, positive combination of a few known atoms.

In the style of SAEBench's synthetic benchmarks (SAELens' ``FeatureDictionary`` and
``ActivationGenerator``): a dictionary of ``n_atoms`` random unit-norm directions in
``input_dim`` dimensions, and each input made of exactly ``n_active`` of them, chosen at
random, with weights drawn uniformly from ``WEIGHTS``, plus Gaussian noise. The atoms are
returned as the data set's ``true_features``, so a trained model can be scored against them
(``core.recovery``).

The inputs must lie in (0, 1) for the model's sigmoid decoder, so the combination is mapped
through the decoder's own nonlinearity: x = σ(g·Σ_k a_k d_k + ε). A sigmoid decoder whose
columns are the atoms (scaled by g) and whose units fire with the weights a_k reconstructs a
noise-free input exactly. The gain g gives the pre-sigmoid value unit variance per pixel on
average (E[a²] = 7/3 for a ~ U[1, 2], E[d_j²] = 1/input_dim for a unit-norm random atom:
g = √(input_dim / (n_active · 7/3))), so the inputs spread over about [0.12, 0.88] (±2
standard deviations) at any size and sparsity, as the natural patches fill [0.1, 0.9];
``noise`` is the standard deviation of ε in the same units.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.validation import Interval, check_param
from ._dataset import Dataset, Setting

NAME = "sparse-dictionary"
DEFAULT_N_SAMPLES = 5_000
#: The weights of the active atoms: positive, as a sigmoid unit's activation is, and away from
#: 0 so that an active atom is always visible.
WEIGHTS = (1.0, 2.0)
_MEAN_SQUARE_WEIGHT = (WEIGHTS[1] ** 3 - WEIGHTS[0] ** 3) / (3 * (WEIGHTS[1] - WEIGHTS[0]))


#: The settings of this data set.
OPTIONS: dict[str, Setting] = {
    "n_atoms": Setting(20, Interval(1, 1024, integer=True), "true features (atoms)"),
    "input_dim": Setting(64, Interval(2, 4096, integer=True), "numbers (pixels) per input"),
    "n_active": Setting(3, Interval(1, 1024, integer=True), "atoms active in each input"),
    "noise": Setting(0.1, Interval(0.0, 10.0), "noise's standard deviation before the sigmoid"),
}


def image_shape(n: int) -> tuple[int, int]:
    """The most nearly square (rows, cols) with rows · cols = n (rows ≤ cols): 64 → (8, 8),
    60 → (6, 10), a prime p → (1, p)."""
    rows = next(r for r in range(math.isqrt(n), 0, -1) if n % r == 0)
    return rows, n // rows


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` completed with the defaults and checked, or a ValueError/TypeError naming
    the setting, the value and what is allowed."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ValueError(
            f"{unknown[0]}={options[unknown[0]]!r} is not a setting of the {NAME!r} data set; "
            f"its settings are {list(OPTIONS)}."
        )
    out = {name: options.get(name, setting.default) for name, setting in OPTIONS.items()}
    for name, setting in OPTIONS.items():
        check_param(name, out[name], setting.allowed)
    if out["n_active"] > out["n_atoms"]:
        raise ValueError(
            f"n_active={out['n_active']!r} is not allowed: each input combines n_active of the "
            f"n_atoms={out['n_atoms']} atoms, so n_active must be at most {out['n_atoms']}."
        )
    # Plain Python numbers: they go into session files and frontier.json as JSON.
    return {name: float(v) if name == "noise" else int(v) for name, v in out.items()}


def random_atoms(n_atoms: int, input_dim: int, rng: np.random.Generator) -> np.ndarray:
    """``n_atoms`` directions drawn uniformly on the unit sphere of ``input_dim`` dimensions,
    one per row (normalised Gaussian vectors)."""
    atoms = rng.standard_normal((n_atoms, input_dim))
    return atoms / np.linalg.norm(atoms, axis=1, keepdims=True)


def sparse_codes(
    n_samples: int, n_atoms: int, n_active: int, rng: np.random.Generator
) -> np.ndarray:
    """(n_samples, n_atoms) weights: exactly ``n_active`` atoms per row, chosen uniformly
    without repeats, each with a weight from U(``WEIGHTS``); the others 0."""
    chosen = np.argsort(rng.random((n_samples, n_atoms)), axis=1)[:, :n_active]
    codes = np.zeros((n_samples, n_atoms))
    np.put_along_axis(codes, chosen, rng.uniform(*WEIGHTS, size=(n_samples, n_active)), axis=1)
    return codes


def load_sparse_dictionary(
    n_samples: int | None, rng: np.random.Generator, **options: Any
) -> Dataset:
    """Inputs x = σ(g·(codes @ atoms) + ε) (default 5,000); ``options`` as in ``OPTIONS``."""
    o = check_options(options)
    n = n_samples or DEFAULT_N_SAMPLES
    atoms = random_atoms(o["n_atoms"], o["input_dim"], rng)
    codes = sparse_codes(n, o["n_atoms"], o["n_active"], rng)
    gain = math.sqrt(o["input_dim"] / (o["n_active"] * _MEAN_SQUARE_WEIGHT))
    logits = gain * (codes @ atoms) + o["noise"] * rng.standard_normal((n, o["input_dim"]))
    rows, cols = image_shape(o["input_dim"])
    return Dataset(
        name=NAME,
        X=np.ascontiguousarray(1.0 / (1.0 + np.exp(-logits))),
        image_shape=(rows, cols),
        description=(
            f"Synthetic {rows}x{cols} inputs, each {o['n_active']} of {o['n_atoms']} random "
            f"unit-norm atoms with weights in [1, 2], plus noise {o['noise']:g}, through a "
            "sigmoid into (0, 1); the atoms are the true features."
        ),
        true_features=atoms,
        options=o,
    )
