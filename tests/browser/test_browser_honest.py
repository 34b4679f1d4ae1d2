"""What the page draws is true, in a real browser: before the first step the step axes run
from 0 and say to press Play or Step; units whose ρ̂ fell below the ρ̂ axes (dead) are drawn at
the axis' edge at their true penalty, also while the page itself redraws the curve for a new
ρ from the slider."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from test_browser import key_step_rho

from explorer.core.penalties import kl_divergence
from explorer.serving.page import Dashboard

#: A chart's x axis range as plotly drew it.
X_RANGE = "(view) => window.__sae.panel(view).querySelector('.sae-plot')._fullLayout.xaxis.range"
#: The KL panel's traces as drawn, with their true ρ̂ where they carry one.
KL_TRACES = """() => window.__sae.panel('kl')._saeTraces.map(t => ({
  name: t.name, x: Array.from(t.x), y: Array.from(t.y),
  rho_hat: t.rho_hat ? Array.from(t.rho_hat) : null}))"""


def test_before_the_first_step_the_step_axes_start_at_0_and_say_press_play(dash):
    assert dash.step_count() == 0
    for view in ("loss", "unit_history"):
        low, high = dash.page.evaluate(X_RANGE, view)
        assert low == 0 and 1 <= high <= 20, (view, low, high)  # not −1 to 1 (plotly's empty)
        assert "press Play or Step" in dash.caption(view), view
    assert dash.errors == []


def dead_units(dash: Dashboard) -> tuple[dict, dict]:
    """The KL panel's traces of the units and of the marks of those off the axis, as drawn."""
    traces = dash.page.evaluate(KL_TRACES)
    units = next(t for t in traces if t["name"] == "hidden units")
    off = next((t for t in traces if "off the axis" in (t["name"] or "")), None)
    assert off is not None, f"no trace marks units off the axis: {[t['name'] for t in traces]}"
    return units, off


def test_dead_units_sit_at_the_curves_edge_at_their_true_penalty(browser, server):
    # L1 at β = 0.03 kills every unit on the patches within a few dozen steps.
    d = Dashboard.open(browser, server + "?penalty=l1&beta=0.03")
    try:
        d.play()
        d.page.wait_for_function(
            "() => /dead \\(ρ̂ < 0.0001\\) [1-9]/.test("
            "window.__sae.panel('histogram').querySelector('.sae-caption').textContent)",
            timeout=120_000,
        )
        d.pause_if_playing()  # (play may stop itself: every unit is dead)
        d.choose("penalty Ω", "KL divergence")  # live: the weights (and dead units) stay
        d.page.wait_for_function(
            "() => window.__sae.panel('kl').querySelector('.sae-caption').textContent"
            ".startsWith('KL')",
            timeout=30_000,
        )
        d.wait_until_idle()
        units, off = dead_units(d)
        dead = [i for i, r in enumerate(units["rho_hat"]) if r < 1e-4]
        assert dead and len(off["x"]) == len(dead)
        assert "off the axis" in d.page.locator('[data-view="kl"] .sae-legend').inner_text()

        def assert_true_penalty(rho: float) -> None:
            units, off = dead_units(d)
            rho_hat = np.array([units["rho_hat"][i] for i in dead])
            assert (rho_hat < 1e-4).all()
            # At the axis' edge, at their penalty (not the penalty at the edge: 0.036 at
            # ρ = 0.01), and so are their marks.
            np.testing.assert_allclose([units["x"][i] for i in dead], 1e-4, rtol=1e-6)
            penalties = kl_divergence(rho, rho_hat)
            np.testing.assert_allclose([units["y"][i] for i in dead], penalties, rtol=1e-4)
            np.testing.assert_allclose(off["x"], 1e-4, rtol=1e-6)
            np.testing.assert_allclose(off["y"], penalties, rtol=1e-4)

        assert_true_penalty(0.01)
        # The page redraws the curve for the slider's ρ itself: the dead units go with it.
        rho = key_step_rho(d, 10)
        assert_true_penalty(rho)
        assert d.errors == []
    finally:
        d.close()


#: Every x range the loss view's axes were drawn with, in order (read on each animation frame).
WATCH_X_RANGES = """() => { const seen = window.__xRanges = [];
  const look = () => { const r = window.__sae.panel('loss').querySelector('.sae-plot')
    ._fullLayout?.xaxis?.range; const last = seen[seen.length - 1];
    if (r && (!last || last[0] !== r[0] || last[1] !== r[1])) seen.push([r[0], r[1]]);
    requestAnimationFrame(look); };
  look(); }"""


def test_a_growing_step_axis_at_least_doubles_when_it_grows(browser, server):
    """Each redraw of the axes costs plotly tens of milliseconds: the step axis, outgrown as
    training goes on, jumps to twice its new top rather than to the next nice number (100,
    150, 200, ...: nine redraws a decade)."""
    d = Dashboard.open(browser, server)
    try:
        d.page.evaluate(WATCH_X_RANGES)
        d.play()
        d.wait_for_step_above(300, timeout=120)
        d.pause_if_playing()
        ranges = d.page.evaluate("window.__xRanges")
        tops = [high for low, high in ranges if low == 0]
        assert tops[-1] >= 300, ranges
        grown = [(a, b) for a, b in itertools.pairwise(tops) if b > a]
        assert len(grown) >= 3 and all(b >= 2 * a for a, b in grown), tops
    finally:
        d.close()
