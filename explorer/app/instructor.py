"""Instructor mode: controls an instructor locked (shown, but the page cannot change them) or
hid, on any dashboard, undone when the lists change.

``instruct(dash, lock, hide)`` sets the two lists on a dashboard; each dashboard keeps what
was changed in its own ``Instructor`` (``dash.instructor``) to undo it. The settings carry the
lists in files and links (``settings.apply_settings``); this module knows nothing of them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import ipywidgets as widgets

#: The settings that are instructor mode's lists, each naming controls.
LISTS = ("lock", "hide")

#: Ends a locked control's label: Font Awesome's lock, which ipywidgets ships with the page
#: (the emoji 🔒 was an empty box wherever no emoji font is installed), named for screen
#: readers. A control whose label is plain text (no ``description_allow_html``) gets the words.
LOCK_MARK = ' <i class="fa fa-lock" aria-label="locked" title="locked"></i>'
LOCK_TEXT = " (locked)"
LOCK_HINT = "Locked by the instructor"


class Instructed(Protocol):
    """What instructor mode uses of a dashboard (``contract.Dashboard`` offers it)."""

    #: Sliders, drop-downs and buttons by name.
    controls: dict[str, widgets.Widget]
    #: What instructor mode locked and hid on ``controls``.
    instructor: Instructor

    def apply(self, params: Mapping[str, Any]) -> bool:
        """Set session parameters (``{}``: let the page re-decide what it enables)."""
        ...


def check_names(controls: Mapping[str, widgets.Widget], lists: Mapping[str, Any]) -> None:
    """Refuse a name in ``lists["lock"]`` or ``lists["hide"]`` that is not a control's.

    Raises
    ------
    ValueError
        Naming the list, the unknown names and every control's name.
    """
    for key in LISTS:
        unknown = [name for name in lists.get(key) or () if name not in controls]
        if unknown:
            raise ValueError(
                f"{key}={unknown!r} is not allowed: {key} names controls, one or more of "
                f"{list(controls)}."
            )


@dataclass
class Instructor:
    """What instructor mode changed on one dashboard's controls, to undo it when the lists
    change (each dashboard owns one: ``dash.instructor``)."""

    locks: dict[str, _Lock] = field(default_factory=dict)
    hidden: dict[str, widgets.Layout] = field(default_factory=dict)  # the layouts replaced

    def lock(self, controls: dict[str, widgets.Widget], names: list[str]) -> bool:
        """Lock the controls ``names`` and release any other; True if one was released."""
        released = [name for name in self.locks if name not in names]
        for name in released:
            self.locks.pop(name).release()
        for name in names:
            if name not in self.locks:
                self.locks[name] = _Lock(controls[name])
        return bool(released)

    def hide(self, controls: dict[str, widgets.Widget], names: list[str]) -> None:
        """Hide the controls ``names`` and show again any other that was hidden."""
        for name in [n for n in self.hidden if n not in names]:
            controls[name].layout = self.hidden.pop(name)
        for name in names:
            if name not in self.hidden:
                control = controls[name]
                # Controls share one Layout object: hiding must not touch the others.
                self.hidden[name] = control.layout
                own = {
                    k: getattr(control.layout, k)
                    for k in control.layout.keys
                    if not k.startswith("_")
                }
                control.layout = widgets.Layout(**(own | {"display": "none"}))


class _Lock:
    """Keeps one control disabled, labelled as locked, until ``release``.

    The dashboard itself enables and disables some controls (the batch size follows the
    optimiser); the observer turns such an enabling straight back.
    """

    def __init__(self, control: widgets.Widget) -> None:
        self.control = control
        self.description, self.tooltip = control.description, control.tooltip
        #: Whether the label showed HTML (None: it can only show text).
        self.allow_html = getattr(control, "description_allow_html", None)
        control.disabled = True
        if self.allow_html is None:
            control.description = self.description + LOCK_TEXT
        else:
            shown = self.description if self.allow_html else html.escape(self.description)
            control.description_allow_html = True
            control.description = shown + LOCK_MARK
        control.tooltip = LOCK_HINT
        control.observe(self._keep, names="disabled")

    def _keep(self, change: dict) -> None:
        if not change["new"]:
            self.control.disabled = True

    def release(self) -> None:
        self.control.unobserve(self._keep, names="disabled")
        self.control.disabled = False
        self.control.description, self.control.tooltip = self.description, self.tooltip
        if self.allow_html is not None:
            self.control.description_allow_html = self.allow_html


def instruct(
    dash: Instructed, lock: list[str] | None = None, hide: list[str] | None = None
) -> None:
    """Lock the controls named in ``lock`` and hide those in ``hide`` (any other control that
    was locked or hidden comes back). None leaves that list as it is.

    Works on any dashboard; the page's own enabling rules (batch size under L-BFGS) are
    restored through ``dash.apply({})`` when a lock is released.
    """
    check_names(dash.controls, {"lock": lock, "hide": hide})
    released = lock is not None and dash.instructor.lock(dash.controls, lock)
    if hide is not None:
        dash.instructor.hide(dash.controls, hide)
    if released:
        dash.apply({})  # let the page re-decide what it enables (batch size under L-BFGS)
