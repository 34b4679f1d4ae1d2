"""The unit inspector in a real browser: clicking a bar or a filter picks that unit."""

# The browser, server and page fixtures are test_browser's (imported below; tests take them
# as arguments of the same names).
# ruff: noqa: F811

from __future__ import annotations

import math

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from test_browser import browser, dash, server  # noqa: F401

from explorer.figures.mosaic import tile_origin
from explorer.serving.page import Dashboard

#: Subplot axes of the views clicked (cells (1, 2) and (1, 3) of the figure).
ACTIVATIONS, FILTERS = "2", "3"


def wait_for_unit(dash: Dashboard, unit: int) -> None:
    """Until the inspector's caption and the unit control both name ``unit``."""
    dash.page.wait_for_function(
        """(unit) => window.__sae.gd.layout.annotations.some(a => a.text.includes(`unit ${unit} ·`))
                     && [...document.querySelectorAll('.widget-text input')]
                          .some(i => i.value === String(unit))""",
        arg=unit,
        timeout=30_000,
    )


def test_clicking_a_bar_then_a_filter_selects_that_unit(dash):
    before = dash.views()
    bars = dash.traces("activations")[0]
    unit = 7
    # Click halfway up the bar (log axis: the geometric middle between the floor and its top).
    dash.click_data(ACTIVATIONS, unit, math.sqrt(1e-4 * bars["y"][unit]))
    wait_for_unit(dash, unit)
    after = dash.wait_for_views_to_change(before, ["unit_filter", "unit_top"])
    ring = dash.traces("activations")[2]
    assert ring["x"] == [unit]

    # The filter mosaic: 25 tiles of 8x8 on a 5x5 grid, drawn with row 0 at the top.
    unit = 13
    rows = len(dash.traces("filters")[0]["z"])
    top, left = tile_origin(unit, 25, (8, 8))
    dash.click_data(FILTERS, left + 4, rows - 1 - (top + 4))
    wait_for_unit(dash, unit)
    dash.wait_for_views_to_change(after, ["unit_filter", "unit_top"])
    assert dash.traces("activations")[2]["x"] == [unit]
    assert dash.errors == []
