"""While the page waits, it says so and what it waits for; never a blank area.

The kernel's websocket is routed through the test (Playwright's ``route_web_socket``), which
holds back what the page waits for: the whole kernel (the page's own loading note), or only
plotly.js (the charts' panels).
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from explorer.serving.page import VIEWPORT, Dashboard

KERNEL_SOCKET = "**/api/kernels/**"


def no_kernel(ws) -> None:
    """A kernel websocket that opens and never answers (a kernel still starting)."""


def test_the_page_says_it_is_loading_until_the_dashboard_is_there(browser, server):
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.route_web_socket(KERNEL_SOCKET, no_kernel)
        page.goto(server)
        note = page.locator(".sae-page-loading")
        note.wait_for(state="visible")
        assert "Starting the dashboard" in note.inner_text()
        assert page.locator(".sae-dashboard").count() == 0
    finally:
        page.close()
    d = Dashboard.open(browser, server)
    try:
        assert d.page.locator(".sae-page-loading").is_hidden()  # the dashboard took its place
    finally:
        d.close()
