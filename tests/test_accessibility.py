"""Accessibility: colour-blind-safe and distinguishable legend entries, readable text in
JupyterLab's dark theme, and controls a keyboard can reach."""

from __future__ import annotations

import re

import ipywidgets as widgets

from explorer import Explorer
from explorer.figures.views import COLORS, GRAY

OKABE_ITO = set(COLORS.values())


def test_every_legend_entry_is_told_apart_by_more_than_hue() -> None:
    fig = Explorer(n_samples=300).figure
    seen = {}
    for trace in fig.data:
        if not trace.showlegend:
            continue
        # A line and a marker of the same colour look different in the legend; two lines of
        # the same colour and dash (or two markers of the same colour and symbol) do not.
        kind = "lines" if trace.mode and "lines" in trace.mode else "markers"
        style = trace.line if kind == "lines" else trace.marker
        key = (kind, style.color, getattr(style, "dash", None), getattr(style, "symbol", None))
        assert key not in seen, f"{trace.name!r} looks like {seen.get(key)!r} in the legend"
        seen[key] = trace.name


def test_every_colour_drawn_is_okabe_ito_or_gray() -> None:
    fig = Explorer(n_samples=300).figure
    for trace in fig.data:
        if trace.type == "heatmap":
            assert [c for _, c in trace.colorscale] == [c for _, c in GRAY]
            continue
        for part in (trace.marker, getattr(trace, "line", None)):
            color = getattr(part, "color", None)
            if isinstance(color, str):
                assert color in OKABE_ITO, f"{trace.name!r} uses {color}"


def test_status_text_follows_the_jupyterlab_theme() -> None:
    app = Explorer(n_samples=300)
    app.controls["n_hidden"].value = 5  # a message under the status line
    app.show_error(ValueError("x=1 is not allowed"))
    for html in (app.status.value,):
        # Grey text is drawn with JupyterLab's variables, so it flips in the dark theme.
        for color in re.findall(r"color:\s*([^;'\"]+)", html):
            assert color.startswith("var(--jp-") or color.strip() == COLORS["vermillion"], color


def test_every_control_can_be_reached_with_the_keyboard() -> None:
    app = Explorer(n_samples=300)
    focusable = (widgets.Button, widgets.ToggleButton, widgets.Checkbox, widgets.Dropdown,
                 widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider,
                 widgets.BoundedIntText)  # fmt: skip
    for name, control in app.controls.items():
        assert isinstance(control, focusable), name
        assert control.description, f"{name} has no label for a screen reader"
