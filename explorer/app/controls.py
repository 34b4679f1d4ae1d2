"""The dashboard's controls, as a table: name -> how to build it and what changing it does.

``LIVE`` controls change a hyper-parameter that applies at the next step; ``RESET`` controls
restart training from step 0 (their labels say so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..datasets import NAMES

STYLE = {"description_width": "120px"}
WIDE = widgets.Layout(width="330px")
BATCH_SIZES = (("full batch", 0), ("32", 32), ("64", 64), ("128", 128), ("256", 256),
               ("512", 512), ("1024", 1024))  # fmt: skip
#: Data sets offered in the UI: MNIST needs files the user supplies, so it is a library option.
UI_DATASETS = tuple(n for n in NAMES if n != "mnist")


def _log_slider(description: str, low: float, high: float, fmt: str = ".3g") -> Callable:
    def make(value: float) -> widgets.FloatLogSlider:
        return widgets.FloatLogSlider(
            value=value, base=10, min=math.log10(low), max=math.log10(high), step=0.01,
            description=description, readout_format=fmt, continuous_update=True,
            style=STYLE, layout=WIDE,
        )  # fmt: skip

    return make


def _dropdown(description: str, options: Any) -> Callable:
    def make(value: Any) -> widgets.Dropdown:
        return widgets.Dropdown(
            options=options, value=value, description=description, style=STYLE, layout=WIDE
        )

    return make


#: name -> (builder taking the initial value, kind)
CONTROLS: dict[str, tuple[Callable[[Any], widgets.Widget], str]] = {
    "rho": (_log_slider("ρ (target)", 1e-3, 0.5), "live"),
    "beta": (
        lambda v: widgets.FloatSlider(
            value=v,
            min=0.0,
            max=10.0,
            step=0.1,
            description="β (weight of Ω)",
            style=STYLE,
            layout=WIDE,
        ),
        "live",
    ),
    "learning_rate": (_log_slider("learning rate", 1e-4, 10.0), "live"),
    "weight_decay": (_log_slider("λ (weight decay)", 1e-6, 1e-1, ".1e"), "live"),
    "batch_size": (_dropdown("batch size", BATCH_SIZES), "live"),
    "dataset": (_dropdown("data set ⟲", UI_DATASETS), "reset"),
    "n_hidden": (
        lambda v: widgets.IntSlider(
            value=v, min=1, max=200, description="hidden units ⟲", style=STYLE, layout=WIDE
        ),
        "reset",
    ),
    "loss": (
        _dropdown("loss ⟲", (("squared error", "squared"), ("cross-entropy", "cross_entropy"))),
        "reset",
    ),
    "optimizer": (
        _dropdown(
            "optimiser ⟲", (("L-BFGS", "lbfgs"), ("Adam", "adam"), ("SGD + momentum", "sgd"))
        ),
        "reset",
    ),
    "seed": (
        lambda v: widgets.BoundedIntText(
            value=v, min=0, max=2**31 - 1, description="seed ⟲", style=STYLE, layout=WIDE
        ),
        "reset",
    ),
    "speed": (
        lambda v: widgets.IntSlider(
            value=v, min=1, max=100, description="steps / frame", style=STYLE, layout=WIDE
        ),
        "view",
    ),
    "log_loss": (
        lambda v: widgets.Checkbox(value=v, description="log-scale loss", indent=False),
        "view",
    ),
    "play": (
        lambda v: widgets.ToggleButton(
            value=False,
            description="Play",
            icon="play",
            button_style="success",
            tooltip="Train continuously; press again to pause",
        ),
        "action",
    ),
    "step": (
        lambda v: widgets.Button(
            description="Step", icon="step-forward", tooltip="One optimiser step"
        ),
        "action",
    ),
    "reset": (
        lambda v: widgets.Button(
            description="Reset",
            icon="refresh",
            button_style="warning",
            tooltip="New weights from the seed, step 0",
        ),
        "action",
    ),
}

#: Control name -> (session keyword, control value -> parameter, parameter -> control value)
#: where they differ. A Dropdown whose value is None shows nothing selected, so the UI says
#: 0 for "full batch" where the model says None.
CONVERSIONS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "seed": ("random_state", lambda v: v, lambda v: v),
    "batch_size": ("batch_size", lambda v: v or None, lambda v: v or 0),
}


def to_param(name: str, value: Any) -> tuple[str, Any]:
    """(session keyword, parameter value) for control ``name`` showing ``value``."""
    key, convert, _ = CONVERSIONS.get(name, (name, None, None))
    return key, convert(value) if convert else value


def control_values(params: dict[str, Any]) -> dict[str, Any]:
    """What each parameter control shows for the session parameters ``params``."""
    out = {}
    for name, (_, control_kind) in CONTROLS.items():
        key, _, convert = CONVERSIONS.get(name, (name, None, None))
        if control_kind in ("live", "reset") and key in params:
            out[name] = convert(params[key]) if convert else params[key]
    return out


def build_controls(initial: dict[str, Any]) -> dict[str, widgets.Widget]:
    """Instantiate every control with ``initial[name]`` (actions ignore it)."""
    return {name: make(initial.get(name)) for name, (make, _) in CONTROLS.items()}


def kind(name: str) -> str:
    return CONTROLS[name][1]
