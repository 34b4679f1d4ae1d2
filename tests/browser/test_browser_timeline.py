"""The timeline in a real browser: dragging it back redraws every view at that step, Replay
plays the recording through to the latest step, and the Play button is not confused with
Replay."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")


SCRUBBED = ["filters", "kl", "activations", "loss", "reconstructions"]


def test_dragging_the_timeline_back_then_replaying_it(dash):
    for _ in range(6):
        dash.button("Step").click()
        dash.wait_for_step_above(_)
    # The status line can say step 6 before the page has drawn all of its frame (a view whose
    # axes did not fit in an animation frame's budget is drawn in the next).
    dash.wait_until_idle()
    latest = dash.views()
    handle = dash.page.locator(".widget-slider", has_text="timeline").locator(".noUi-handle")
    handle.focus()
    dash.page.keyboard.press("Home")  # step 0: the seed's weights
    dash.page.get_by_text("showing step 0 of 6").wait_for(timeout=30_000)
    early = dash.wait_for_views_to_change(latest, SCRUBBED)
    dash.page.keyboard.press("ArrowRight")
    dash.page.get_by_text("showing step 1 of 6").wait_for(timeout=30_000)
    dash.button("Replay").click()
    dash.page.get_by_text("step 6 (latest)").wait_for(timeout=60_000)
    dash.button("Replay").wait_for()  # back from Stop once the end is reached
    dash.wait_until_idle()  # the page has drawn the last frame it was sent
    # At the end the views are the latest state again, not the early one.
    assert dash.views() == latest != early
    assert dash.errors == []
