"""The unit inspector in a real browser: clicking a bar or a filter picks that unit."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")


from explorer.figures.mosaic import filter_mosaic, tile_origin
from explorer.serving.page import Dashboard


def wait_for_unit(dash: Dashboard, unit: int) -> None:
    """Until the inspector's caption and the unit control both name ``unit``."""
    dash.page.wait_for_function(
        """(unit) => window.__sae.panel('unit_history').querySelector('.sae-caption')
                       .textContent.includes(`unit ${unit} ·`)
                     && [...document.querySelectorAll('.sae-numberbox input')]
                          .some(i => i.value === String(unit))""",
        arg=unit,
        timeout=30_000,
    )


def test_clicking_a_bar_then_a_filter_selects_that_unit(dash):
    before = dash.views()
    bars = dash.traces("activations")[0]
    unit = 7
    # Click halfway up the bar (log axis: the geometric middle between the floor and its top).
    dash.click_data("activations", unit, math.sqrt(1e-4 * bars["y"][unit]))
    wait_for_unit(dash, unit)
    after = dash.wait_for_views_to_change(before, ["unit_filter", "unit_top"])
    ring = dash.traces("activations")[2]
    assert ring["x"] == [unit]

    # The filter mosaic: 25 tiles of 8x8 on a 5x5 grid, row 0 at the top.
    unit = 13
    shape = filter_mosaic(np.zeros((25, 64)), (8, 8)).shape
    top, left = tile_origin(unit, 25, (8, 8))
    dash.click_pixel("filters", top + 4, left + 4, shape)
    wait_for_unit(dash, unit)
    dash.wait_for_views_to_change(after, ["unit_filter", "unit_top", "filters"])
    assert dash.traces("activations")[2]["x"] == [unit]
    assert dash.errors == []


def test_clicking_a_unit_on_the_curve_selects_it(dash):
    units = dash.traces("kl")[1]
    # The dot farthest from its neighbours, so that the click cannot land on another one.
    x = np.log(units["x"])
    unit = int(np.argmax([np.delete(np.abs(x - v), i).min() for i, v in enumerate(x)]))
    dash.click_data("kl", units["x"][unit], units["y"][unit])
    wait_for_unit(dash, unit)
    assert dash.errors == []
