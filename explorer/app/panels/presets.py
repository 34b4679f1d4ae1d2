"""Presets panel: one button per named configuration, the classics and a gallery of failures.

A click applies the preset and restarts training from step 0 with the seed's fresh weights
(also when it differs from the settings in use only in live ones), and says what to watch for
when it runs. The MNIST preset needs the MNIST files on this machine; without them its button is
disabled and its tooltip says where to put them (nothing is ever downloaded from here).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ...datasets import mnist
from ...training.presets import PRESETS, preset_params
from ..contract import SessionDashboard
from ..live import warning_html
from ..settings import apply_settings

CLASSIC = ("ufldl-patches", "ufldl-mnist")
#: (heading, what the group is, its presets): every preset not classic is a failure.
GROUPS = (
    ("Classic", "The settings of the UFLDL exercises.", CLASSIC),
    (
        "Failure gallery",
        "Each breaks one thing in the patches exercise: press Play and watch what goes wrong.",
        tuple(name for name in PRESETS if name not in CLASSIC),
    ),
)


def mnist_missing() -> str | None:
    """Why the MNIST preset cannot run here (its files are not in the cache), or None."""
    cache = mnist.default_cache_dir()
    if mnist.find_images_file(cache) is not None:
        return None
    return f"Needs the MNIST files: put {mnist.FILE_NAMES[1]} in {cache}."


#: Data set -> what says why a preset on it cannot run here (None: it can).
NEEDS_FILES = {"mnist": mnist_missing}


class PresetsPanel(widgets.VBox):
    """The presets panel, its parts by name: ``headings`` (one per group of ``GROUPS``, each
    above its row of buttons), ``buttons`` (preset name -> its button) and, last, ``notice``
    (what the preset chosen last says to watch for)."""

    def __init__(
        self,
        *,
        headings: list[widgets.HTML],
        rows: list[widgets.HBox],
        buttons: dict[str, widgets.Button],
        notice: widgets.HTML,
    ) -> None:
        self.headings, self.buttons, self.notice = headings, buttons, notice
        super().__init__([*(w for pair in zip(headings, rows, strict=True) for w in pair), notice])


def presets_panel(dash: SessionDashboard) -> PresetsPanel:
    """A button per preset of ``PRESETS`` for ``dash``, grouped, and the last one's notice."""
    notice = widgets.HTML()

    def choose(name: str) -> None:
        try:
            if not apply_settings(dash, preset_params(name)):
                dash.reset()  # it changed only live settings: still start from the seed's weights
        except Exception as exc:  # shown in the page; the session stays as it was
            notice.value = warning_html(exc)
            dash.show_error(exc)
            return
        text = PRESETS[name]["notice"]
        notice.value = f"<b>{html.escape(name)}</b>: {html.escape(text)}"
        dash.show_message(f"Preset {name} loaded, training restarted from step 0. {text}")

    headings, rows, buttons = [], [], {}
    for heading, intro, names in GROUPS:
        for name in names:
            row = PRESETS[name]
            button = widgets.Button(description=name, tooltip=row["description"])
            missing = NEEDS_FILES.get(row["dataset"], lambda: None)()
            if missing:
                button.disabled, button.tooltip = True, missing
            button.on_click(lambda _, name=name: choose(name))
            buttons[name] = button
        headings.append(widgets.HTML(f"<b>{heading}</b>: {intro}"))
        rows.append(widgets.HBox([buttons[name] for name in names]))
    return PresetsPanel(headings=headings, rows=rows, buttons=buttons, notice=notice)
