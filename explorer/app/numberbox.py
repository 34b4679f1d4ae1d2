"""A box for a whole number that takes what was typed or refuses it, saying why, in the page.

Why not ipywidgets' IntText: its page drops every key that is not a digit or a minus while the
student types, so "3.7" arrives as 37 and "1e30" as 130; "-5" and "abc" arrive as 0, clamped
or read without a word. Here the page sends the text as typed (on Enter or leaving the box),
the kernel reads it (``read``), and either sets ``value`` or answers with the reason, which the
page shows under the box while it goes back to the value in use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets
from traitlets import validate

from .board import STATIC

#: What reads as a whole number: optional sign, digits, spaces around (not "3.0" or "1e3").
WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")


def read(text: str, low: int, high: int) -> int | str:
    """The whole number ``text`` says, if it is in [low, high]; else why not, in words."""
    allowed = f"type a whole number from {low} to {high}"
    if not WHOLE.fullmatch(text):
        what = "nothing" if not text.strip() else repr(text.strip())
        return f"{what} is not a whole number: {allowed}"
    number = int(text)
    if not low <= number <= high:
        return f"{number} is outside the range: {allowed}"
    return number


class NumberBox(anywidget.AnyWidget):
    """A labelled box holding a whole number in [``min``, ``max``].

    ``value`` is the number in use (set it from code as on any ipywidgets control); text
    typed in the page is read with ``read`` and refused, by message, when it is not allowed.
    ``on_refusal(message)`` hears of each refusal too (the dashboards show it in their status
    line).
    """

    _esm = STATIC / "numberbox.js"
    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    on_refusal: Callable[[str], None] = staticmethod(lambda message: None)

    def __init__(self, label: str = "", marks: str = "", **kwargs: Any) -> None:
        super().__init__(description=label + marks, **kwargs)
        #: What messages call the box: its label as the page shows it, without marks (⟲).
        self.plain_label = label
        self.on_msg(self._on_page_message)

    @validate("value")
    def _validate_value(self, proposal: Any) -> Any:
        # The controls' refusal of a value set from code (controls._strict) extends this.
        return proposal["value"]

    def type(self, text: str) -> bool:
        """Do what typing ``text`` and pressing Enter in the page does; True if taken."""
        number = read(text, self.min, self.max)
        if isinstance(number, int):
            self.value = number
            self.send({"type": "taken", "value": self.value})
            return True
        message = f"{self.plain_label}: {number}. It stays {self.value}."
        self.on_refusal(message)
        self.send({"type": "refused", "message": message, "value": self.value})
        return False

    def _on_page_message(self, _: Any, content: dict, buffers: list) -> None:
        if content.get("type") == "typed" and not self.disabled:
            self.type(str(content.get("text", "")))
