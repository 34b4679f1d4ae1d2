"""Share panel: the settings as JSON and as a link, restore them, and instructor mode.

The JSON and the link carry the session parameters and two lists of control names: ``lock``
(shown but fixed) and ``hide`` (not shown), for an instructor preparing a page for a class.
The link is relative (``?rho=0.05&beta=3``), so it works on whichever server shows this page.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ...core import SparseAutoencoder
from ..contract import SessionDashboard
from ..defaults import dashboard_params
from ..live import LINK, MUTED, warning_html
from ..settings import apply_settings, from_json, shareable, to_json, to_query

#: The settings of a freshly opened dashboard (``Explorer()``).
FRESH = SparseAutoencoder().get_params() | dashboard_params(
    {"dataset": "natural-patches", "n_samples": None, "random_state": 0, "lock": [], "hide": []}
)

INTRO = (
    "Copy the settings to restore them later, or share the link: it opens the dashboard with "
    "them. Instructor mode: controls chosen under <i>lock</i> are shown but cannot be changed, "
    "those under <i>hide</i> are not shown (Ctrl/Shift-click to choose several); both go into "
    "the settings and the link, and apply on Restore."
)


class SharePanel(widgets.VBox):
    """The share panel, its parts by name, shown in this order: ``intro``; the buttons
    ``show`` and ``restore``; the settings box ``text``; the ``link``; the instructor's
    ``lock`` and ``hide`` lists side by side."""

    def __init__(
        self,
        *,
        intro: widgets.HTML,
        show: widgets.Button,
        restore: widgets.Button,
        text: widgets.Textarea,
        link: widgets.HTML,
        lock: widgets.SelectMultiple,
        hide: widgets.SelectMultiple,
    ) -> None:
        self.intro, self.show, self.restore, self.text = intro, show, restore, text
        self.link, self.lock, self.hide = link, lock, hide
        super().__init__(
            [intro, widgets.HBox([show, restore]), text, link, widgets.HBox([lock, hide])]
        )


def share_panel(dash: SessionDashboard) -> SharePanel:
    """Settings of ``dash`` as JSON and link, a Restore button, and the lock/hide lists."""
    text = widgets.Textarea(
        description="settings",
        placeholder='{"rho": 0.05, "beta": 3}',
        style={"description_width": "initial"},
        layout=widgets.Layout(width="100%", height="16em"),
    )
    show = widgets.Button(
        description="Show current settings",
        icon="refresh",
        tooltip="Fill the box with the settings in use",
        layout=widgets.Layout(width="auto"),
    )
    restore = widgets.Button(
        description="Restore",
        icon="upload",
        button_style="primary",
        tooltip="Apply the settings in the box",
    )
    names = list(dash.controls)
    lock = widgets.SelectMultiple(options=names, description="lock", rows=8)
    hide = widgets.SelectMultiple(options=names, description="hide", rows=8)
    link = widgets.HTML()

    def fail(exc: Exception) -> None:
        link.value = warning_html(exc)
        dash.show_error(exc)

    def refresh(*_: Any) -> None:
        try:
            settings, note = shareable(dash)
            settings |= {"lock": list(lock.value), "hide": list(hide.value)}
        except Exception as exc:  # reported in the page, never lost
            fail(exc)
            return
        text.value = to_json(settings)
        # The link opens a fresh page, so it needs only what differs from a fresh page.
        changed = {k: v for k, v in settings.items() if FRESH.get(k, ...) != v}
        query = html.escape(to_query(changed))
        link.value = (
            f"Link: <a href='?{query}' target='_blank' style='word-break:break-all;{LINK}'>"
            f"?{query or ' (the defaults)'}</a>"
        ) + (f"<div style='{MUTED}'>{html.escape(note)}</div>" if note else "")

    def on_restore(_: Any) -> None:
        try:
            settings = from_json(text.value)
            apply_settings(dash, settings)
        except Exception as exc:  # shown in the page; the session stays as it was
            fail(exc)
            return
        lock.value = tuple(settings.get("lock", lock.value))
        hide.value = tuple(settings.get("hide", hide.value))
        refresh()
        dash.show_message("Settings restored.")

    show.on_click(refresh)
    restore.on_click(on_restore)
    lock.observe(refresh, names="value")
    hide.observe(refresh, names="value")
    refresh()
    intro = widgets.HTML(f"<p>{INTRO}</p>")
    return SharePanel(
        intro=intro, show=show, restore=restore, text=text, link=link, lock=lock, hide=hide
    )
