"""Accessibility: colour-blind-safe and distinguishable legend entries, readable text in
JupyterLab's dark theme, and controls a keyboard can reach."""

from __future__ import annotations

import re

import ipywidgets as widgets
from wcag import contrast

from explorer import Explorer
from explorer.app.frontend import STATIC
from explorer.app.live import WARNING
from explorer.app.numberbox import NumberBox
from explorer.figures.contract import COLORMAPS, INK
from explorer.figures.views import COLORS

OKABE_ITO = set(COLORS.values())


def legend_key(trace: dict) -> tuple:
    """What a trace's legend entry shows (board.js ``swatch``): a bar, a line (its dash, and a
    dot when it has markers too) or a marker (its symbol), in one colour."""
    marker, line = trace.get("marker") or {}, trace.get("line") or {}
    color = marker.get("color", line.get("color"))
    mode = trace.get("mode") or ""
    if trace["type"] == "bar":
        return ("bar", color)
    if "lines" in mode:
        return ("lines", color, line.get("dash", "solid"), "markers" in mode)
    return ("markers", color, marker.get("symbol", "circle"))


def test_every_legend_entry_is_told_apart_by_more_than_hue() -> None:
    board = Explorer(n_samples=300).board
    for view in board.views:
        if view["kind"] != "chart":  # images have no legend
            continue
        seen = {}  # each chart has its own legend
        for trace in board.traces(view["name"]):
            if not trace.get("name"):
                continue
            # A line and a marker of the same colour look different in the legend; two lines
            # of the same colour and dash (or two markers of the same colour and symbol) do not.
            key = legend_key(trace)
            assert key not in seen, (
                f"{view['name']}: {trace['name']!r} looks like {seen.get(key)!r} in the legend"
            )
            seen[key] = trace["name"]


def test_every_colour_drawn_is_okabe_ito_ink_or_gray() -> None:
    board = Explorer(n_samples=300).board
    for view in board.views:
        for trace in board.traces(view["name"]):
            if trace["type"] == "image":
                # Painted by the page through a colour map of the contract (checked below) from
                # range[0] to range[1]: the trace names no colour of its own.
                assert view["kind"] == "image" and len(trace["range"]) == 2
                assert trace["colormap"] in COLORMAPS
                assert not {k for k in trace if "color" in k} - {"colormap"}, trace["name"]
                continue
            for part in (trace.get("marker"), trace.get("line")):
                color = (part or {}).get("color")
                if isinstance(color, str):
                    assert color in OKABE_ITO | {INK}, f"{trace['name']!r} uses {color}"
    # The colours the page's script draws with on a canvas itself (the selected tile's frame).
    script = (STATIC / "board.js").read_text()
    own = re.findall(r"(?:strokeStyle|fillStyle)\s*=\s*[\"']([^\"']+)", script)
    assert own  # the ring around the selected filter
    for color in own:
        assert color.upper() in {c.upper() for c in OKABE_ITO}, color
    # Image pixels: the colour maps', each Okabe–Ito or black and white.
    for stops in COLORMAPS.values():
        assert {c.upper() for c in stops} <= {c.upper() for c in OKABE_ITO} | {"#FFFFFF"}


def test_status_text_follows_the_jupyterlab_theme() -> None:
    app = Explorer(n_samples=300)
    app.controls["n_hidden"].value = 5  # a message under the status line
    app.show_error(ValueError("x=1 is not allowed"))
    colors = [c.strip() for c in re.findall(r"color:\s*([^;'\"]+)", app.status.value)]
    assert WARNING.removeprefix("color:") in colors  # the error is shown as a warning
    for color in colors:
        # Grey text is drawn with JupyterLab's variables, warnings with ours (board.css): both
        # change with the theme.
        assert color.startswith(("var(--jp-", "var(--sae-warning,")), color


#: JupyterLab Dark's --jp-layout-color0 and --jp-layout-color1 (its page and panels).
DARK_BACKGROUNDS = ("#111111", "#212121")


def test_warning_text_reaches_4_5_to_1_in_both_themes() -> None:
    css = (STATIC / "board.css").read_text()
    light = re.search(r":root\s*\{[^}]*--sae-warning:\s*(#[0-9a-fA-F]{6})", css).group(1)
    dark = re.search(
        r'data-jp-theme-light="false"\]\s*\{[^}]*--sae-warning:\s*(#[0-9a-fA-F]{6})', css
    ).group(1)
    # Where the sheet has not loaded, the light value stands in.
    assert WARNING == f"color:var(--sae-warning, {light})"
    assert contrast(light, "#ffffff") >= 4.5, light
    for background in DARK_BACKGROUNDS:
        assert contrast(dark, background) >= 4.5, (dark, background)
    # What it replaced did not: Okabe–Ito vermillion on white.
    assert contrast(COLORS["vermillion"], "#ffffff") < 4.5


def test_every_control_can_be_reached_with_the_keyboard() -> None:
    app = Explorer(n_samples=300)
    focusable = (widgets.Button, widgets.ToggleButton, widgets.Checkbox, widgets.Dropdown,
                 widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider,
                 NumberBox)  # fmt: skip
    for name, control in app.controls.items():
        assert isinstance(control, focusable), name
        assert control.description, f"{name} has no label for a screen reader"
