"""Boxes for numbers that take what was typed or refuse it, saying why, in the page.

Why not ipywidgets' IntText: its page drops every key that is not a digit or a minus while the
student types, so "3.7" arrives as 37 and "1e30" as 130; "-5" and "abc" arrive as 0, clamped
or read without a word. A slider's own readout box is no better: typing 5 into ρ's gives 0.5,
-3 into β's gives 0, 3.7 hidden units give 3 and "0.5x" reads as 0.5, all silently. Here the
page sends the text as typed (on Enter or leaving the box), the kernel reads it (``read``),
and either takes it or answers with the reason, which the page shows under the box while it
goes back to the value in use. ``NumberBox`` holds a whole number (the seed, the unit to
inspect); ``Readout`` is a slider's readout (the slider's own is turned off).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets
from traitlets import validate

from ..core import validation
from . import frontend
from .ranges import Range

#: What reads as a whole number: optional sign, digits, spaces around (not "3.0" or "1e3").
WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")
#: What reads as a number: ``core.validation.DECIMAL`` ("0.05", ".5", "1e-3"), spaces around.
DECIMAL = re.compile(rf"\s*{validation.DECIMAL.pattern}\s*")


def read(text: str, low: float, high: float, whole: bool = True) -> int | float | str:
    """The number ``text`` says (a whole one if ``whole``), if it is in [low, high]; else why
    not, in words."""
    allowed, pattern = Range(low, high, whole), WHOLE if whole else DECIMAL
    if not pattern.fullmatch(text):
        what = "nothing" if not text.strip() else repr(text.strip())
        return f"{what} is not {allowed.noun}: {allowed.to_type}"
    number = int(text) if whole else float(text)
    if not allowed.holds(number):
        return f"{text.strip()} is outside the range: {allowed.to_type}"
    return min(max(number, low), high)


class NumberBox(anywidget.AnyWidget):
    """A labelled box holding a whole number in [``min``, ``max``].

    ``value`` is the number in use (set it from code as on any ipywidgets control); text
    typed in the page is read with ``read`` and refused, by message, when it is not allowed.
    ``on_refusal(message)`` hears of each refusal too (the dashboards show it in their status
    line).
    """

    _esm = frontend.module("numberbox")
    _css = frontend.stylesheet("numberbox")
    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    #: How the page writes the value (a Python format spec: "d", ".3g", ".2f", ".1e").
    fmt = traitlets.Unicode("d").tag(sync=True)

    on_refusal: Callable[[str], None] = staticmethod(lambda message: None)

    def __init__(
        self, label: str = "", marks: str = "", description: str | None = None, **kwargs: Any
    ) -> None:
        description = label + marks if description is None else description
        super().__init__(description=description, **kwargs)
        #: What messages call the box: its label as the page shows it, without marks (⟲).
        self.plain_label = label
        self.on_msg(self._on_page_message)

    @validate("value")
    def _validate_value(self, proposal: Any) -> Any:
        # The controls' refusal of a value set from code (controls._strict) extends this.
        return proposal["value"]

    def type(self, text: str) -> bool:
        """Do what typing ``text`` and pressing Enter in the page does; True if taken."""
        number = read(text, self.min, self.max, self.fmt == "d")
        if not isinstance(number, str):
            # Told first, so the page shows the number typed even while the slider's own update
            # (moving it onto the slider's grid) arrives; a take that fails undoes it there.
            self.send({"type": "taken", "value": number, "snapped": self._snap(number)})
            self._take(number)
            return True
        in_use = self._in_use()
        message = f"{self.plain_label}: {number}. It stays {in_use:{self.fmt}}."
        self.on_refusal(message)
        self.send({"type": "refused", "message": message, "value": in_use})
        return False

    def _take(self, number: int | float) -> None:
        self.value = number

    def _in_use(self) -> int | float:
        return self.value

    def _snap(self, number: int | float) -> int | float:
        """Where the page's control puts ``number`` (a slider: on its step grid)."""
        return number

    def _on_page_message(self, _: Any, content: dict, buffers: list) -> None:
        if content.get("type") == "typed" and not self.disabled:
            self.type(str(content.get("text", "")))


class Readout(NumberBox):
    """The readout of ``slider`` (labelled ``label`` in messages): shows its value as it moves
    (linked in the page, so a drag needs no kernel round trip) and sets it to what was typed,
    through the slider's own checks and observers, exactly as dragging it there would.
    Follows its enabling and hiding."""

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)

    def __init__(
        self, slider: widgets.Widget, label: str, snap: Callable[[float], float] = lambda v: v
    ) -> None:
        log = isinstance(slider, widgets.FloatLogSlider)
        low, high = (
            (slider.base**slider.min, slider.base**slider.max) if log else (slider.min, slider.max)
        )
        super().__init__(
            label=label,
            description="",  # the slider beside it has the label
            value=slider.value,
            min=low,
            max=high,
            fmt=slider.readout_format,
            tooltip=f"{label}: type a value and press Enter",
            layout=widgets.Layout(width="72px"),
        )
        self.slider, self._snap = slider, snap
        slider.readout = False
        widgets.jslink((slider, "value"), (self, "value"))
        widgets.dlink((slider, "disabled"), (self, "disabled"))
        slider.observe(self._follow_layout, names="layout")

    def _take(self, number: int | float) -> None:
        self.slider.value = number

    def _in_use(self) -> int | float:
        return self.slider.value  # this box's own value follows it only in the page

    def _follow_layout(self, change: dict) -> None:
        # Hidden with its slider (instructor mode replaces the slider's layout to hide it).
        self.layout.display = change["new"].display


class WholeReadout(Readout):
    """The readout of an IntSlider: whole numbers."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(1).tag(sync=True)


def readout(slider: widgets.Widget, label: str, snap: Callable[[float], float]) -> Readout:
    """A readout box for ``slider``, whose own readout it replaces; ``snap(value)`` is where
    the page's slider puts a value (its step grid)."""
    return (WholeReadout if isinstance(slider, widgets.IntSlider) else Readout)(slider, label, snap)
