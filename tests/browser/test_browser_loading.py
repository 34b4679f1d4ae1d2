"""While the page waits, it says so and what it waits for; never a blank area. And where the
page's plotly.js comes from: the template's static file, fetched while Voila starts, else the
kernel (and then the browser's store).

The kernel's websocket is routed through the test (Playwright's ``route_web_socket``), which
holds back what the page waits for: the whole kernel (the page's own loading note), or the
first frame; the template's plotly.js is held back (or refused) by routing its URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from explorer.app.board import PLOTLY_JS
from explorer.figures.views import VIEWS
from explorer.serving.page import KERNEL_SOCKET, VIEWPORT, Dashboard, board_message_type

#: The plotly.js our Voila template serves and the page fetches (a static file of the template).
SERVED_PLOTLY = f"**/voila/templates/explorer/static/plotly/{PLOTLY_JS.name}*"
FIRST_FRAME = "Waiting for the kernel's first frame…"
#: The board's performance marks, in order.
MARKS = "() => performance.getEntriesByType('mark').map(m => m.name)"


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

    def __call__(self, ws) -> None:
        kernel = ws.connect_to_server()
        ws.on_message(kernel.send)

        def from_kernel(message: bytes | str) -> None:
            if board_message_type(message) in self.hold:
                self.held.append((ws, message))
            else:
                ws.send(message)

        kernel.on_message(from_kernel)

    def release(self, kind: bytes) -> None:
        """Deliver the messages of ``kind`` held so far, and hold no more of them."""
        self.hold.discard(kind)
        for ws, message in [h for h in self.held if board_message_type(h[1]) == kind]:
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
    """Also: a plotly.js that has not arrived holds nothing else back (the template fetches it
    beside Voila's start, which would otherwise wait for it)."""
    # Views shown only at times (View.shown) stay hidden, and so do their notes.
    charts = {v.name for v in VIEWS if v.kind == "chart" and not v.shown}
    relay = Relay({b"sae-frame"})
    held = []  # the template's first request for plotly.js, unanswered until released

    def hold_first(route) -> None:
        if held:
            route.continue_()  # the script element's (routing disables the browser's cache)
        else:
            held.append(route)

    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.route_web_socket(KERNEL_SOCKET, relay)
        page.route(SERVED_PLOTLY, hold_first)
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
        (request,) = held
        request.continue_()
        d.wait_until_drawn()
        assert set(notes(page).values()) == {""}
        assert d.errors == []
    finally:
        page.close()


def test_a_fresh_page_draws_with_the_plotly_js_its_template_served(browser, server):
    """Served with our template, a page with nothing stored fetches plotly.js from its own
    server as the template's static file while Voila starts, and the board takes it: the kernel
    is asked for none (1.2 MB less over its websocket), no other host is asked for anything, and
    the partial bundle is not left as the page's window.Plotly."""
    d = Dashboard.open(browser, server)
    try:
        marks = d.page.evaluate(MARKS)
        assert "sae-plotly-served" in marks
        assert "sae-plotly-asked" not in marks and "sae-plotly-stored" not in marks
        assert marks.index("sae-plotly-ready") < marks.index("sae-plotly-served")
        # Fetched from the server once (the script element then takes it from the cache).
        fetched = d.page.evaluate(
            """(name) => performance.getEntriesByType('resource')
                 .filter(r => r.name.includes(name)).map(r => [r.name, r.transferSize])""",
            PLOTLY_JS.name,
        )
        assert {urlsplit(url).netloc for url, _ in fetched} == {urlsplit(server).netloc}
        assert sum(size >= PLOTLY_JS.stat().st_size for _, size in fetched) == 1, fetched
        assert d.websocket_bytes < PLOTLY_JS.stat().st_size  # the bundle did not travel there
        assert d.hosts() == {urlsplit(server).netloc}
        assert d.page.evaluate("() => typeof window.Plotly") == "undefined"
        assert d.errors == []
    finally:
        d.close()


def test_a_reload_draws_with_the_plotly_js_the_browser_stored(browser, server):
    """Where no template serves plotly.js (JupyterLab; here the template's file is refused),
    the first load asks the kernel for plotly.js and stores it; the next load of the page (same
    browser) evaluates its stored copy and asks nothing. The partial bundle does not stay the
    page's window.Plotly."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route(SERVED_PLOTLY, lambda route: route.abort())
    try:
        loads = []
        for _ in range(2):
            d = Dashboard(context.new_page())
            d.page.goto(server)
            d.wait_until_drawn()
            loads.append((d.page.evaluate(MARKS), d.websocket_bytes))
            assert d.page.evaluate("() => typeof window.Plotly") == "undefined"
            assert d.errors == []
            # Stored once the store's write completes (plotly.js marks it then), not at drawing.
            d.page.wait_for_function("() => localStorage.getItem('sae-explorer-plotly')")
            d.close()
        (first, first_bytes), (second, second_bytes) = loads
        assert "sae-plotly-asked" in first and "sae-plotly-stored" not in first
        assert "sae-plotly-stored" in second and "sae-plotly-asked" not in second
        assert first_bytes - second_bytes > 1_000_000  # the bundle did not travel again
    finally:
        context.close()
