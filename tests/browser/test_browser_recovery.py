"""The recovery views in a real browser: hidden on data without true features, drawn on the
sparse dictionary, live during play, and a click on a feature picks its best unit."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from explorer.serving.page import Dashboard

RECOVERY = ["recovery", "recovery_pairs"]


def shown(dash: Dashboard, view: str) -> bool:
    return dash.page.evaluate("(view) => window.__sae.panel(view).style.display !== 'none'", view)


def test_recovery_views_show_on_the_sparse_dictionary_and_follow_training(dash):
    # Natural patches (the default) have no known true features: in the page, hidden.
    assert not any(shown(dash, view) for view in RECOVERY)
    dash.choose("data set ⟲", "sparse-dictionary")
    dash.page.wait_for_function(
        """(views) => views.every(v => { const p = window.__sae.panel(v);
             return p.style.display !== 'none' && Number(p.dataset.draws) > 0; })""",
        arg=RECOVERY,
        timeout=60_000,
    )
    bars, *_ = dash.traces("recovery")
    assert len(bars["x"]) == 20 and all(0 <= y <= 1 for y in bars["y"])
    assert dash.caption("recovery").startswith("recovered 0 of 20")  # fresh weights: chance

    before = dash.views()
    dash.play()
    dash.wait_for_views_to_change(before, RECOVERY)
    dash.pause()

    # A click on a feature's bar selects the unit whose decoder matches it best: halfway up
    # the bar whose filter-cosine dot is farthest from there (a click nearer a dot picks it).
    bars, dots, *_ = dash.traces("recovery")
    away = [abs(dot - bar / 2) for bar, dot in zip(bars["y"], dots["y"], strict=True)]
    feature = away.index(max(away))
    dash.page.locator('.sae-board [data-view="recovery"]').scroll_into_view_if_needed()
    dash.click_data("recovery", feature, bars["y"][feature] / 2)
    dash.page.wait_for_function(
        "(f) => window.__sae.panel('recovery')._saeTraces[4].x.includes(f)",
        arg=feature,
        timeout=30_000,
    )
    assert dash.errors == []
