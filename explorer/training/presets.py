"""Named configurations: the classic UFLDL settings, as a table."""

from __future__ import annotations

from typing import Any

#: name -> session keywords plus ``steps`` (the iterations the classic exercise ran).
PRESETS: dict[str, dict[str, Any]] = {
    "ufldl-patches": {
        "description": "UFLDL sparse autoencoder exercise: 8×8 whitened natural image patches, "
        "64-25-64, ρ = 0.01, β = 3, λ = 1e-4, 400 L-BFGS iterations. Expect localized, "
        "oriented edge filters.",
        "dataset": "natural-patches",
        "n_samples": 10000,
        "n_hidden": 25,
        "rho": 0.01,
        "beta": 3.0,
        "weight_decay": 1e-4,
        "optimizer": "lbfgs",
        "steps": 400,
    },
    "ufldl-mnist": {
        "description": "UFLDL vectorization exercise: first 10,000 MNIST digits, 784-196-784, "
        "ρ = 0.1, β = 3, λ = 3e-3, 400 L-BFGS iterations. Expect pen-stroke filters. "
        "Needs the MNIST IDX files.",
        "dataset": "mnist",
        "n_samples": 10000,
        "n_hidden": 196,
        "rho": 0.1,
        "beta": 3.0,
        "weight_decay": 3e-3,
        "optimizer": "lbfgs",
        "steps": 400,
    },
}


def preset(name: str) -> dict[str, Any]:
    """A copy of preset ``name``'s settings (without its description)."""
    if name not in PRESETS:
        raise ValueError(f"preset={name!r} is not known; choose one of {sorted(PRESETS)}.")
    return {k: v for k, v in PRESETS[name].items() if k != "description"}
