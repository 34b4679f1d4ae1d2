"""While the page waits, it says so and what it waits for; never a blank area.

The kernel's websocket is routed through the test (Playwright's ``route_web_socket``), which
holds back what the page waits for: the whole kernel (the page's own loading note), or only
plotly.js (the charts' panels).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from explorer.figures.views import VIEWS
from explorer.serving.page import VIEWPORT, Dashboard

KERNEL_SOCKET = "**/api/kernels/**"
FIRST_FRAME = "Waiting for the kernel's first frame…"


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


class Relay:
    """A route handler for the kernel's websocket: passes messages both ways, but holds back
    the board's messages of the types in ``hold`` until ``release``d."""

    def __init__(self, hold: set[bytes]) -> None:
        self.hold = set(hold)
        self.held: list[tuple[Any, bytes | str]] = []  # (the route to the page, the message)

    @staticmethod
    def kind(message: bytes | str) -> bytes | None:
        head = message[:4096] if isinstance(message, bytes) else message.encode()
        found = re.search(rb'"type": "(sae-[a-z]+)"', head)
        return found and found.group(1)

    def __call__(self, ws) -> None:
        kernel = ws.connect_to_server()
        ws.on_message(kernel.send)

        def from_kernel(message: bytes | str) -> None:
            if self.kind(message) in self.hold:
                self.held.append((ws, message))
            else:
                ws.send(message)

        kernel.on_message(from_kernel)

    def release(self, kind: bytes) -> None:
        """Deliver the messages of ``kind`` held so far, and hold no more of them."""
        self.hold.discard(kind)
        for ws, message in [h for h in self.held if self.kind(h[1]) == kind]:
            self.held.remove((ws, message))
            ws.send(message)


def notes(page) -> dict[str, str]:
    """Each view's waiting note as shown ('' when hidden)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.sae-board .sae-view')].map(
             v => { const n = v.querySelector('.sae-waiting');
                    return [v.dataset.view, n.checkVisibility() ? n.textContent : '']; }))"""
    )


def test_each_view_says_what_it_waits_for_until_it_is_drawn(browser, server):
    # Views shown only at times (View.shown) stay hidden, and so do their notes.
    charts = {v.name for v in VIEWS if v.kind == "chart" and not v.shown}
    relay = Relay({b"sae-frame", b"sae-plotly"})
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.route_web_socket(KERNEL_SOCKET, relay)
        d = Dashboard(page)
        page.goto(server)
        page.locator(".sae-board .sae-view").first.wait_for()
        # No frame yet: every view says so.
        assert notes(page) == {v.name: "" if v.shown else FIRST_FRAME for v in VIEWS}
        relay.release(b"sae-frame")
        page.wait_for_function(
            "() => document.querySelector('[data-view=filters]').dataset.draws !== '0'"
        )
        # The images need only the frame; the charts wait for plotly.js and say so.
        assert notes(page) == {
            v.name: "Loading plotly.js to draw the axes…" if v.name in charts else "" for v in VIEWS
        }
        relay.release(b"sae-plotly")
        d.wait_until_drawn()
        assert set(notes(page).values()) == {""}
        assert d.errors == []
    finally:
        page.close()


def test_a_reload_draws_with_the_plotly_js_the_browser_stored(browser, server):
    """The first load asks the kernel for plotly.js and stores it; the next load of the page
    (same browser) evaluates its stored copy and asks nothing. The partial bundle does not stay
    the page's window.Plotly."""
    context = browser.new_context(viewport=VIEWPORT)
    marks = "() => performance.getEntriesByType('mark').map(m => m.name)"
    try:
        loads = []
        for _ in range(2):
            d = Dashboard(context.new_page())
            d.page.goto(server)
            d.wait_until_drawn()
            loads.append((d.page.evaluate(marks), d.websocket_bytes))
            assert d.page.evaluate("() => typeof window.Plotly") == "undefined"
            assert d.errors == []
            d.close()
        (first, first_bytes), (second, second_bytes) = loads
        assert "sae-plotly-asked" in first and "sae-plotly-stored" not in first
        assert "sae-plotly-stored" in second and "sae-plotly-asked" not in second
        assert first_bytes - second_bytes > 1_000_000  # the bundle did not travel again
    finally:
        context.close()
