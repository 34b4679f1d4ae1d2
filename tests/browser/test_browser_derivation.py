"""The derivation views in a real browser: the chain rule for the selected unit, the tug of war
and the two forces' history draw and change during play, follow the selected unit and the
timeline, and the push on the penalty curve follows ρ in the page alone (the kernel never hears
of the new ρ), its slopes the core's ∂Ω/∂ρ̂."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from test_browser import key_step_rho

from explorer.core import PENALTIES
from explorer.figures.mosaic import filter_mosaic, tile_origin
from explorer.figures.views import tangent_segments
from explorer.serving.page import KERNEL_SOCKET, VIEWPORT, Dashboard, message_head

#: The page's heartbeat to its kernel (js/src/board/connection.js), with json's or orjson's spacing.
PING = re.compile(rb'"type": ?"ping"')

DERIVATION = ["chain", "tug", "unit_forces"]


def push(dash: Dashboard) -> dict[str, np.ndarray]:
    """The penalty view's push segments as the page draws them, with the ρ̂ they are drawn
    from (float32, as the page received them)."""
    drawn = dash.page.evaluate(
        """() => { const t = window.__sae.panel('kl')._saeTraces.at(-1);
                   return {x: Array.from(t.x), y: Array.from(t.y),
                           rho_hat: Array.from(t.rho_hat)}; }"""
    )
    return {key: np.asarray(value, dtype=np.float64) for key, value in drawn.items()}


def wait_for_caption(dash: Dashboard, view: str, text: str) -> None:
    dash.page.wait_for_function(
        """([view, text]) => window.__sae.panel(view).querySelector('.sae-caption')
                               .textContent.includes(text)""",
        arg=[view, text],
        timeout=30_000,
    )


def test_the_derivation_views_draw_and_change_during_play(dash):
    assert "at step 0, on all" in dash.caption("chain")
    before = dash.views()
    dash.play()
    dash.wait_for_views_to_change(before, DERIVATION)
    dash.pause()
    assert "the gradient step" in dash.caption("chain")
    tug = dash.traces("tug")[0]
    assert len(tug["x"]) == 25 and np.isfinite(tug["x"]).all()
    assert len(dash.traces("unit_forces")[0]["x"]) >= 2  # measured at more than one step
    # The chain's image carries its symbols and norms under its tiles.
    labels = dash.page.locator('.sae-board [data-view="chain"] .sae-tile-label')
    assert labels.count() == 5 and labels.nth(1).inner_text().startswith("β·∂Ω/∂W")
    assert dash.errors == []


def test_they_follow_the_unit_clicked(dash):
    before = dash.views()
    unit = 13
    shape = filter_mosaic(np.zeros((25, 64)), (8, 8)).shape
    top, left = tile_origin(unit, 25, (8, 8))
    dash.click_pixel("filters", top + 4, left + 4, shape)
    wait_for_caption(dash, "chain", f"unit {unit} ·")
    wait_for_caption(dash, "unit_forces", f"unit {unit} ·")
    dash.wait_for_views_to_change(before, DERIVATION)
    units, _, ring = dash.traces("tug")
    assert ring["x"] == [units["x"][unit]] and ring["y"] == [units["y"][unit]]
    # A click on a unit in the tug of war selects it too.
    other = int(np.argmax(np.abs(np.log(units["x"]) - np.log(units["x"][unit]))))
    dash.page.locator('.sae-board [data-view="tug"]').scroll_into_view_if_needed()
    dash.click_data("tug", units["x"][other], units["y"][other])
    wait_for_caption(dash, "chain", f"unit {other} ·")
    assert dash.errors == []


def test_they_follow_the_timeline(dash):
    for n in range(4):
        dash.button("Step").click()
        dash.wait_for_step_above(n)
    wait_for_caption(dash, "chain", "the gradient step 4 followed")
    latest = dash.views()
    handle = dash.page.locator(".widget-slider", has_text="timeline").locator(".noUi-handle")
    handle.focus()
    dash.page.keyboard.press("Home")
    wait_for_caption(dash, "chain", "at step 0, on all")
    early = dash.wait_for_views_to_change(latest, ["chain", "tug"])
    dash.page.keyboard.press("ArrowRight")
    wait_for_caption(dash, "chain", "at step 1, on all")
    dash.wait_for_views_to_change(early, ["chain", "tug"])
    # The force history stops at the step shown.
    assert max(dash.traces("unit_forces")[0]["x"]) <= 1
    assert dash.errors == []


def test_the_push_follows_rho_in_the_page_alone(browser, server):
    """With the page's messages to the kernel held back, key-stepping ρ still redraws the push
    segments: the page computes them, and their slopes are the core's ∂Ω/∂ρ̂ at the new ρ."""
    held = {"on": False}

    def route(ws) -> None:
        kernel = ws.connect_to_server()

        def forward(message: bytes | str) -> None:
            # Pings pass: held too, the page would take the kernel for lost and freeze itself.
            if not held["on"] or PING.search(message_head(message)):
                kernel.send(message)

        ws.on_message(forward)

    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.route_web_socket(KERNEL_SOCKET, route)
        dash = Dashboard(page)
        page.goto(server)
        dash.wait_until_drawn()
        before = push(dash)
        held["on"] = True  # from here the kernel hears nothing the page says
        rho = key_step_rho(dash, 30)
        after = push(dash)
        rho_hat = after["rho_hat"]
        np.testing.assert_array_equal(rho_hat, before["rho_hat"])  # no new frame: same units
        kl = PENALTIES["kl"]
        x, y = after["x"].reshape(-1, 3), after["y"].reshape(-1, 3)
        slope = (y[:, 1] - y[:, 0]) / (x[:, 1] - x[:, 0])
        np.testing.assert_allclose(slope, kl.slope(rho, rho_hat), rtol=1e-6)
        # The same segments as the views compute in Python for that ρ, and not the old ones.
        expected_x, expected_y = tangent_segments(rho, rho_hat, kl.curve, kl.slope)
        np.testing.assert_allclose(after["x"], expected_x, rtol=1e-6)
        np.testing.assert_allclose(after["y"], expected_y, rtol=1e-6)
        assert not np.allclose(before["y"], expected_y, rtol=1e-3)
        assert dash.errors == []
    finally:
        page.close()
