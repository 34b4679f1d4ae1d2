"""Named configurations, as a table: the classic UFLDL settings and a gallery of failures.

Each row holds session keywords plus ``steps`` (how long to train), ``description`` (what it
is) and ``notice`` (what to watch for when it runs, shown in the dashboard). The failures all
train on natural patches, fast enough to watch live; the facts their notices state were
measured (seed 0, 10,000 patches, 400 L-BFGS steps) and the short-run ones are tested in
tests/training/test_presets.py.
"""

from __future__ import annotations

from typing import Any

from ..core import SparseAutoencoder

#: Row keys that are not session keywords.
META_KEYS = ("steps", "description", "notice")

_PATCHES = {
    "dataset": "natural-patches",
    "n_samples": 10000,
    "n_hidden": 25,
    "rho": 0.01,
    "beta": 3.0,
    "weight_decay": 1e-4,
    "optimizer": "lbfgs",
    "steps": 400,
}

#: name -> session keywords plus ``steps``, ``description`` and ``notice``.
PRESETS: dict[str, dict[str, Any]] = {
    "ufldl-patches": _PATCHES
    | {
        "description": "UFLDL sparse autoencoder exercise: 8×8 whitened natural image patches, "
        "64-25-64, ρ = 0.01, β = 3, λ = 1e-4, 400 L-BFGS iterations. Expect localized, "
        "oriented edge filters.",
        "notice": "Watch the units' ρ̂ slide down the KL curve to the star at ρ = 0.01 within "
        "a few dozen steps, while the filters turn from noise into small oriented edges.",
    },
    "ufldl-mnist": {
        "description": "UFLDL vectorization exercise: first 10,000 MNIST digits, 784-196-784, "
        "ρ = 0.1, β = 3, λ = 3e-3, 400 L-BFGS iterations. Expect pen-stroke filters. "
        "Needs the MNIST IDX files.",
        "notice": "The filters become pen strokes, pieces of digits rather than whole digits, "
        "as every unit's ρ̂ settles near ρ = 0.1.",
        "dataset": "mnist",
        "n_samples": 10000,
        "n_hidden": 196,
        "rho": 0.1,
        "beta": 3.0,
        "weight_decay": 3e-3,
        "optimizer": "lbfgs",
        "steps": 400,
    },
    "no-sparsity": _PATCHES
    | {
        "beta": 0.0,
        "description": "The patches exercise with β = 0: no sparsity penalty at all.",
        "notice": "Nothing pulls ρ̂ toward ρ: the units stay near ρ̂ ≈ 0.5, far right of the "
        "star, and the filters stay noisy patterns spread over the whole patch, with no "
        "edges, even though the reconstruction gets better than the classic one's.",
    },
    "rho-too-high": _PATCHES
    | {
        "rho": 0.5,
        "description": "The patches exercise with ρ = 0.5: every unit asked to be on half the "
        "time.",
        "notice": "The units reach ρ̂ = 0.5 easily, but a code where every unit is on half the "
        "time is dense: the filters stay noisy and global, with no edges.",
    },
    "lr-too-high": _PATCHES
    | {
        "optimizer": "sgd",
        "learning_rate": 10.0,
        "decoder": "linear",
        "description": "SGD with learning rate 10 and a linear decoder (its outputs are "
        "unbounded, so the loss can explode).",
        "notice": "Press Play: by step 3 the loss has exploded, and the divergence guard rolls "
        "training back, pauses and says why in the status line; that message is the point. "
        "The first giant step already switched every unit off (ρ̂ ≈ 0), so the guard goes "
        "back to the seed's weights: lower the learning rate (say 0.05) and press Play.",
    },
    "too-few-hidden": _PATCHES
    | {
        "n_hidden": 4,
        "description": "The patches exercise with only 4 hidden units for 64 pixels.",
        "notice": "Four units cannot describe 64 pixels: the reconstructions stay poor (the "
        "error settles far above the classic's) and each filter is a broad stripe trying to "
        "cover the whole patch.",
    },
}


def preset(name: str) -> dict[str, Any]:
    """A copy of preset ``name``'s session keywords and ``steps`` (no description or notice)."""
    if name not in PRESETS:
        raise ValueError(f"preset={name!r} is not known; choose one of {sorted(PRESETS)}.")
    return {k: v for k, v in PRESETS[name].items() if k not in ("description", "notice")}


def preset_params(name: str) -> dict[str, Any]:
    """Preset ``name``'s session keywords over the model's defaults, without ``steps``.

    Applied to a running session this leaves nothing of earlier settings behind (a loss or
    decoder chosen before would otherwise carry over). The learning rate, the seed and the
    dtype are left out unless the preset sets them: the dashboard picks each optimiser's own
    rate, the seed stays the user's, and the dashboards train in float32. Nor ``max_iter``: a
    session steps as far as it is told (``Session.get_params`` has none).
    """
    defaults = SparseAutoencoder().get_params()
    for key in ("learning_rate", "random_state", "dtype", "max_iter"):
        del defaults[key]
    return defaults | {k: v for k, v in preset(name).items() if k != "steps"}
