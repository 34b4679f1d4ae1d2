"""The feature panels open from the keyboard: each sits under a header that is a real button
(ipywidgets' Accordion draws its headers as plain <div>s, which Tab never reaches). The page
itself is driven with Tab, Enter and Space in tests/browser/test_browser_keyboard.py."""

from __future__ import annotations

import ipywidgets as widgets

from explorer import Explorer
from explorer.app.panels import PANELS

TITLES = [title for title, _ in PANELS]


def walk(widget: widgets.Widget):
    """``widget`` and every widget inside it, in the page's order."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_every_panel_opens_and_closes_under_a_header_button() -> None:
    app = Explorer(n_samples=300)
    everything = list(walk(app))
    assert not [w for w in everything if isinstance(w, widgets.Accordion)]
    headers = [
        w for w in everything if isinstance(w, widgets.ToggleButton) and w.description in TITLES
    ]
    # One button per panel, in the panels' order, after every control (reading order).
    assert [h.description for h in headers] == TITLES
    last_control = max(everything.index(c) for c in app.controls.values())
    assert everything.index(headers[0]) > last_control
    for header, title in zip(headers, TITLES, strict=True):
        panel = app.panels[title]  # the panel itself, as before
        section = next(w for w in everything if header in getattr(w, "children", ()))
        holder = section.holder
        assert header.value is False and holder.layout.display == "none"  # closed at first
        assert holder.children == ()  # the page builds no views for it until it is opened
        assert header.icon == "chevron-right" and header.tooltip
        header.value = True  # what Enter or Space on the button does
        assert holder.layout.display != "none" and header.icon == "chevron-down"
        assert holder.children == (panel,)  # the panel itself, as built with the dashboard
        header.value = False
        assert holder.layout.display == "none" and holder.children == (panel,)
