"""Panels that open and close under a header button: an accordion a keyboard can work.

ipywidgets' ``Accordion`` draws its headers as plain ``<div>``s, with no Tab stop and no
role: its panels could not be opened from the keyboard. Here each header is a
``ToggleButton``, a real ``<button>``: Tab reaches it in reading order (the header, then its
panel's controls when it is open, then the next header), Enter and Space press it, and the
page draws a focus ring round it (``static/board.css``). Pressed, it shows its panel and
points its chevron down; the tooltip says what a press does.
"""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from .board import DASHBOARD_CLASS

OPEN_ICON, CLOSED_ICON = "chevron-down", "chevron-right"


class Section(widgets.VBox):
    """``body`` under a full-width header button titled ``title``, closed at first."""

    def __init__(self, title: str, body: widgets.Widget, opened: bool = False) -> None:
        self.title = title
        self.body = body
        self.header = widgets.ToggleButton(
            value=opened, description=title, layout=widgets.Layout(width="100%", margin="0")
        )
        self.header.add_class("sae-section-header")
        #: Holds the body, so that opening and closing never touches the body's own layout.
        #: Empty until the panel is first opened: the page builds no views for a closed panel's
        #: widgets (142 of the dashboard's 312 at first), work that kept its main thread busy
        #: while the kernel's first frame waited to be drawn.
        self.holder = widgets.Box([], layout=widgets.Layout(display="block"))
        self.holder.add_class("sae-section-body")
        super().__init__([self.header, self.holder])
        self.add_class("sae-section")
        self.header.observe(lambda _: self._show(), names="value")
        self._show()

    @property
    def opened(self) -> bool:
        return bool(self.header.value)

    @opened.setter
    def opened(self, value: bool) -> None:
        self.header.value = bool(value)

    def _show(self) -> None:
        opened = self.opened
        if opened and not self.holder.children:
            self.holder.children = (self.body,)
        self.holder.layout.display = "block" if opened else "none"
        self.header.icon = OPEN_ICON if opened else CLOSED_ICON
        self.header.tooltip = f"{'Close' if opened else 'Open'} this panel"


def sections(panels: Iterable[tuple[str, widgets.Widget]]) -> dict[str, Section]:
    """One closed ``Section`` per (title, body), by title, in order."""
    return {title: Section(title, body) for title, body in panels}


def stack(items: Iterable[Section]) -> widgets.VBox:
    """The sections one under another."""
    box = widgets.VBox(list(items), layout=widgets.Layout(margin="12px 0 0 0"))
    box.add_class("sae-sections")
    box.add_class(DASHBOARD_CLASS)  # focus rings
    return box
