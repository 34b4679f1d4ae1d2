"""The dashboard's controls, as a table: name -> how to build it and what changing it does.

Each control has a role: ``live`` controls change a hyper-parameter that applies at the next
step; ``reset`` controls restart training from step 0 (their labels say so); ``view`` controls
change only what the views show; ``action`` controls are buttons.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import ipywidgets as widgets
from traitlets import TraitError, validate

from ..core.losses import LOSSES
from ..core.optimizers import OPTIMIZERS
from ..core.penalties import PENALTIES
from ..datasets import NAMES
from . import numberbox
from .ranges import Range

STYLE = {"description_width": "120px"}
WIDE = widgets.Layout(width="330px")
#: A slider leaves room in WIDE for its readout box (``numberbox.Readout``, 72 px).
SLIDER = widgets.Layout(width="258px")
BATCH_SIZES = (("full batch", 0), *((str(n), n) for n in (32, 64, 128, 256, 512, 1024)))
#: Ends the label of a control whose change restarts training.
RESTARTS = " ⟲"
#: Data sets offered in the UI: MNIST needs files the user supplies, so it is a library option.
UI_DATASETS = tuple(n for n in NAMES if n != "mnist")


def _in_range(value: Any, low: float, high: float, integer: bool = False) -> str | None:
    """None if ``value`` (a number set from code) is in [low, high], else what is allowed."""
    allowed = Range(low, high, integer)
    number = numbers.Integral if integer else numbers.Real
    if isinstance(value, number) and not isinstance(value, bool) and math.isfinite(value):
        if allowed.holds(value):
            return None
    return allowed.interval


def _snapped(control: widgets.Widget, value: Any) -> Any:
    """``value`` moved onto ``control``'s step grid, as the page's slider moves it."""
    if isinstance(control, widgets.FloatLogSlider) and value > 0:
        exponent = math.log(value, control.base)
        steps = round((exponent - control.min) / control.step)
        return control.base ** (control.min + steps * control.step)
    if isinstance(control, widgets.FloatSlider):
        return control.min + round((value - control.min) / control.step) * control.step
    return value


def is_snap_echo(control: widgets.Widget, in_use: Any, new: Any) -> bool:
    """Is ``new`` only the page moving ``in_use`` (set from code, e.g. ρ = 0.05 from a link)
    onto ``control``'s step grid (0.0501) and sending it back? Not the user's choice: the
    dashboards keep the exact value in use. Only a value from the page can be one: β set to
    0 from code or a readout while 0.001 is in use is a choice, though 0 is 0.001 snapped.
    (ipywidgets holds a value from the page in ``_property_lock`` while its observers run.)"""
    return (
        isinstance(in_use, float)
        and new != in_use
        and "value" in control._property_lock
        and math.isclose(new, _snapped(control, in_use), rel_tol=1e-9)
    )


def refusal(control: widgets.Widget, value: Any) -> str | None:
    """None if ``control`` can show ``value``, else what it can show."""
    if isinstance(control, widgets.Dropdown):
        values = (
            [v for _, v in control.options]
            if control.options and isinstance(control.options[0], tuple)
            else list(control.options)
        )
        return None if value in values else f"one of {values}"
    if isinstance(control, widgets.FloatLogSlider):
        return _in_range(value, control.base**control.min, control.base**control.max)
    integer = isinstance(control, (widgets.IntSlider, numberbox.NumberBox))
    return _in_range(value, control.min, control.max, integer)


def not_allowed(name: str, value: Any, allowed: str) -> str:
    """How a refusal says what was given and what is allowed (every refusal of a value says it
    so: a control's, a dashboard's, the settings')."""
    return f"{name}={value!r} is not allowed: {name} must be {allowed}."


def _strict(cls: type) -> type:
    """``cls``, refusing with a clear message a value set from code that the page could never
    set. ipywidgets would clamp a slider's value into its range without a word (ρ = 5 would
    quietly become 0.5), and a Dropdown's refusal names neither the control nor the choices.
    ``on_refusal(message)`` lets the dashboard show the message too; checking starts once the
    control has its ``name`` (after construction)."""

    class Strict(cls):
        name: str | None = None
        on_refusal: Callable[[str], None] = staticmethod(lambda message: None)

        @validate("value")
        def _validate_value(self, proposal: Any) -> Any:
            value = proposal["value"]
            allowed = refusal(self, value) if self.name else None
            if allowed:
                message = not_allowed(self.name, value, allowed)
                self.on_refusal(message)
                raise TraitError(message)
            return super()._validate_value(proposal)

    Strict.__name__ = Strict.__qualname__ = cls.__name__
    return Strict


FloatLogSlider, FloatSlider, IntSlider, Dropdown, NumberBox = (
    _strict(c)
    for c in (
        widgets.FloatLogSlider,
        widgets.FloatSlider,
        widgets.IntSlider,
        widgets.Dropdown,
        numberbox.NumberBox,
    )
)


def _log_slider(description: str, low: float, high: float, fmt: str = ".3g") -> Callable:
    def make(value: float) -> widgets.FloatLogSlider:
        return FloatLogSlider(
            value=value,
            base=10,
            min=math.log10(low),
            max=math.log10(high),
            step=0.01,
            description=description,
            readout_format=fmt,
            continuous_update=True,
            style=STYLE,
            layout=SLIDER,
        )

    return make


def _dropdown(description: str, options: Any) -> Callable:
    def make(value: Any) -> widgets.Dropdown:
        return Dropdown(
            options=options() if callable(options) else options,
            value=value,
            description=description,
            style=STYLE,
            layout=WIDE,
        )

    return make


def table_options(table: Mapping[str, Any]) -> Callable[[], tuple[tuple[str, str], ...]]:
    """A drop-down's options from one of the core's tables (``PENALTIES``, ``LOSSES``,
    ``OPTIMIZERS``): each row by its ``label``, read when the control is built, so a row added
    to the table is offered with no other edit."""
    return lambda: tuple((row.label, name) for name, row in table.items())


#: name -> (builder taking the initial value, role)
CONTROLS: dict[str, tuple[Callable[[Any], widgets.Widget], str]] = {
    "rho": (_log_slider("ρ (target)", 1e-3, 0.5), "live"),
    "beta": (
        lambda v: FloatSlider(
            value=v,
            min=0.0,
            max=10.0,
            step=0.01,  # L1 wants β ≈ 0.01 on natural patches (at 0.03 every unit dies)
            description="β (weight of Ω)",
            style=STYLE,
            layout=SLIDER,
        ),
        "live",
    ),
    "penalty": (_dropdown("penalty Ω", table_options(PENALTIES)), "live"),
    "learning_rate": (_log_slider("learning rate", 1e-4, 10.0), "live"),
    "weight_decay": (_log_slider("λ (weight decay)", 1e-6, 1e-1, ".1e"), "live"),
    "batch_size": (_dropdown("batch size", BATCH_SIZES), "live"),
    "dataset": (_dropdown("data set ⟲", UI_DATASETS), "reset"),
    "n_hidden": (
        lambda v: IntSlider(
            value=v, min=1, max=200, description="hidden units ⟲", style=STYLE, layout=SLIDER
        ),
        "reset",
    ),
    "loss": (_dropdown("loss ⟲", table_options(LOSSES)), "reset"),
    "optimizer": (_dropdown("optimiser ⟲", table_options(OPTIMIZERS)), "reset"),
    "seed": (
        lambda v: NumberBox(
            value=v,
            min=0,
            max=2**31 - 1,
            label="seed",
            marks=RESTARTS,
            tooltip="Seeds the data sample, the weights and the mini-batches",
            layout=WIDE,
        ),
        "reset",
    ),
    "speed": (
        lambda v: IntSlider(
            value=v, min=1, max=100, description="steps / frame", style=STYLE, layout=SLIDER
        ),
        "view",
    ),
    "unit": (
        lambda v: NumberBox(
            value=v,
            min=0,
            max=v,
            label="inspect unit",
            tooltip="The hidden unit the inspector row shows (or click a filter or bar)",
            layout=WIDE,
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
    for name, (_, control_role) in CONTROLS.items():
        key, _, convert = CONVERSIONS.get(name, (name, None, None))
        if control_role in ("live", "reset") and key in params:
            out[name] = convert(params[key]) if convert else params[key]
    return out


def build_controls(
    initial: dict[str, Any],
    on_refusal: Callable[[str], None] | None = None,
    names: tuple[str, ...] | None = None,
) -> dict[str, widgets.Widget]:
    """Instantiate every control (or those in ``names``) with ``initial[name]`` (actions ignore
    it). From then on a value set from code that the page could not set is refused, and
    ``on_refusal(message)`` hears of it, as of a refused value typed in the page. Each slider
    gets its readout box as ``control.box`` (``live.column`` places it beside the slider)."""
    names = tuple(CONTROLS) if names is None else names
    controls = {name: CONTROLS[name][0](initial.get(name)) for name in names}
    for name, control in controls.items():
        # What the page finds a control by (``serving.page.Dashboard.control``): its name here,
        # which does not change when its label does.
        control.add_class(dom_class(name))
        if not hasattr(control, "plain_label"):  # a NumberBox has its own
            control.plain_label = control.description.removesuffix(RESTARTS)
        if isinstance(control, widgets.IntSlider | widgets.FloatSlider | widgets.FloatLogSlider):
            control.box = numberbox.readout(
                control, control.plain_label, functools.partial(_snapped, control)
            )
            control.box.add_class(dom_class(name, "readout"))
        for part in (control, getattr(control, "box", None)):
            if hasattr(part, "on_refusal"):
                part.name = name
                if on_refusal is not None:
                    part.on_refusal = on_refusal
    return controls


def dom_class(name: str, part: str = "") -> str:
    """The CSS class of control ``name`` in the page (``part`` "readout": of its readout box)."""
    return f"sae-control-{name}" + (f"-{part}" if part else "")


def role(name: str) -> str:
    """What changing control ``name`` does: "live", "reset", "view" or "action"."""
    return CONTROLS[name][1]


def unshowable(
    controls: dict[str, widgets.Widget], params: dict[str, Any]
) -> Iterator[tuple[str, Any, str]]:
    """(control name, value, what it can show) for each of the session parameters ``params``
    that its control among ``controls`` could not show (the page would be out of step with
    training). Data sets are left to their own checks: they are loaded by name."""
    for name, value in control_values(params).items():
        if name != "dataset" and name in controls:
            allowed = refusal(controls[name], value)
            if allowed:
                yield name, value, allowed


def label(control: widgets.Widget) -> str:
    """What the page calls ``control``, without marks (⟲, a lock): the name messages use."""
    return control.plain_label


def shown(control: widgets.Widget, value: Any) -> Any:
    """``value`` as ``control`` shows it (a slider's readout: ρ = 0.012589254117941675 reads
    0.0126), which is what a link or a settings file should carry."""
    fmt = getattr(control, "readout_format", None)
    if fmt is None or not isinstance(value, float):
        return value
    return float(format(value, fmt))
