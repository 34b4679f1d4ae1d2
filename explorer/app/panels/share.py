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
    panel = _build(list(dash.controls))
    _wire(panel, dash)
    return panel


def _build(names: list[str]) -> SharePanel:
    """The panel's widgets, nothing filled in yet; ``names``: the controls to lock or hide."""
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
    lock = widgets.SelectMultiple(options=names, description="lock", rows=8)
    hide = widgets.SelectMultiple(options=names, description="hide", rows=8)
    link = widgets.HTML()
    intro = widgets.HTML(f"<p>{INTRO}</p>")
    return SharePanel(
        intro=intro, show=show, restore=restore, text=text, link=link, lock=lock, hide=hide
    )


def _wire(panel: SharePanel, dash: SessionDashboard) -> None:
    """Show and a change of the lock or hide list refill the box and the link; Restore
    applies the box. Then fill them once."""

    def refresh(*_: Any) -> None:
        _refresh(panel, dash)

    panel.show.on_click(refresh)
    panel.restore.on_click(lambda _: _restore(panel, dash))
    panel.lock.observe(refresh, names="value")
    panel.hide.observe(refresh, names="value")
    refresh()


def _refresh(panel: SharePanel, dash: SessionDashboard) -> None:
    """Fill the box with ``dash``'s settings (and the lock and hide lists), and the link."""
    try:
        settings, note = shareable(dash)
        settings |= {"lock": list(panel.lock.value), "hide": list(panel.hide.value)}
    except Exception as exc:  # reported in the page, never lost
        _fail(panel, dash, exc)
        return
    panel.text.value = to_json(settings)
    panel.link.value = _link_html(settings, note)


def _link_html(settings: dict[str, Any], note: str) -> str:
    """The link to a page opened with ``settings``, and ``note`` (if any) under it."""
    # The link opens a fresh page, so it needs only what differs from a fresh page.
    changed = {k: v for k, v in settings.items() if FRESH.get(k, ...) != v}
    query = html.escape(to_query(changed))
    return (
        f"Link: <a href='?{query}' target='_blank' style='word-break:break-all;{LINK}'>"
        f"?{query or ' (the defaults)'}</a>"
    ) + (f"<div style='{MUTED}'>{html.escape(note)}</div>" if note else "")


def _restore(panel: SharePanel, dash: SessionDashboard) -> None:
    """Apply the settings in the box to ``dash``, lock and hide included."""
    try:
        settings = from_json(panel.text.value)
        apply_settings(dash, settings)
    except Exception as exc:  # shown in the page; the session stays as it was
        _fail(panel, dash, exc)
        return
    panel.lock.value = tuple(settings.get("lock", panel.lock.value))
    panel.hide.value = tuple(settings.get("hide", panel.hide.value))
    _refresh(panel, dash)
    dash.show_message("Settings restored.")


def _fail(panel: SharePanel, dash: SessionDashboard, exc: Exception) -> None:
    """``exc`` shown in place of the link, and as the dashboard shows an error."""
    panel.link.value = warning_html(exc)
    dash.show_error(exc)
