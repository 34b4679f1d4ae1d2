"""Drive a served dashboard in headless Chromium: open it, read its figure, time its updates.

Used by the browser tests, ``bench/ui.py`` and ``scripts/screenshot.py``. Needs Playwright
(the ``test`` extra) and a Chromium: Debian's ``/usr/bin/chromium`` by default, another with
the ``SAE_CHROMIUM`` environment variable (Playwright cannot download its own offline).

What is read is what the page shows: plotly's data on the page's graph div, per view (each
trace's ``legendgroup`` is its view's name), and a log of every redraw (``plotly_afterplot``)
with the time and a fingerprint of each view, so a test can tell *when* a view changed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("SAE_CHROMIUM", "/usr/bin/chromium")
# No sandbox: CI runs as root in a container. The rest stops Chromium's own background traffic
# (updates, sync, field trials) so that every request seen is one the page made.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-field-trial-config"]  # fmt: skip
VIEWPORT = {"width": 1500, "height": 1150}

# Installed once per page. fingerprint() folds a trace's arrays into one number, weighting each
# value by its position, so any change of data (not only of its sum) changes it.
PROBE = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const fold = (a, w) => {
    if (a === undefined || a === null) return 0;
    if (!Array.isArray(a) && !ArrayBuffer.isView(a)) return typeof a === 'number' ? a * w : 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += fold(a[i], w * (1 + (i % 13) / 7));
    return s + a.length * w;
  };
  const views = () => {
    const out = {};
    for (const t of gd.data) {
      const f = fold(t.x, 1.1) + fold(t.y, 1.3) + fold(t.z, 1.7);
      out[t.legendgroup] = (out[t.legendgroup] || 0) * 1.000001 + f;
    }
    return out;
  };
  const sae = {gd, views, frames: [], keys: []};
  gd.on('plotly_afterplot', () => sae.frames.push({t: performance.now(), views: views()}));
  document.addEventListener('keydown', () => sae.keys.push(performance.now()), true);
  window.__sae = sae;
  return true;
}"""


# Installed before the page's own scripts: stamps the arrival of every websocket message that
# carries a plotly update, so a redraw can be matched to the message it drew.
ARRIVALS = """(() => {
  const arrivals = [];
  window.__saeArrivals = arrivals;
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const t = performance.now();
        const text = typeof e.data === 'string' ? e.data
          : e.data instanceof ArrayBuffer ? decoder.decode(e.data) : '';
        if (text.includes('_py2js_')) arrivals.push(t);
      });
    }
  };
})();"""


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed on exit."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Dashboard:
    """One page showing the dashboard (served by Voila, or a JupyterLab notebook).

    ``requests`` lists every URL the page asked for, ``websocket_bytes`` what arrived over
    its websockets, ``load_seconds`` the time from navigation to every view drawn.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []  # uncaught JavaScript exceptions
        self.websocket_bytes = 0
        self.load_seconds = float("nan")
        page.on("request", lambda r: self.requests.append(r.url))
        page.add_init_script(ARRIVALS)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("websocket", self._count_websocket)

    @classmethod
    def open(cls, browser: Browser, url: str, timeout: float = 120.0) -> Dashboard:
        """Navigate to ``url`` and wait until the figure shows every view."""
        dash = cls(browser.new_page(viewport=VIEWPORT))
        start = time.perf_counter()
        dash.page.goto(url, timeout=timeout * 1000)
        dash.wait_until_drawn(timeout)
        dash.load_seconds = time.perf_counter() - start
        return dash

    def _count_websocket(self, ws: Any) -> None:
        def received(payload: str | bytes) -> None:
            self.websocket_bytes += len(payload)

        ws.on("framereceived", received)

    def wait_until_drawn(self, timeout: float = 120.0) -> None:
        """Wait for both heatmaps (filters, reconstructions) and the bars, then install the
        probe (only a drawn graph div has plotly's event methods)."""
        self.page.wait_for_function(
            """() => { const gd = document.querySelector('.js-plotly-plot');
                       return gd && gd.on && gd.querySelectorAll('.heatmaplayer image').length >= 2
                              && gd.querySelectorAll('.barlayer .point').length > 0; }""",
            timeout=timeout * 1000,
        )
        self.page.evaluate(PROBE)

    def close(self) -> None:
        self.page.close()

    # ------------------------------------------------------------------ reading the page
    def hosts(self) -> set[str]:
        """Every host:port the page requested something from."""
        return {urlsplit(u).netloc for u in self.requests if not u.startswith(("data:", "blob:"))}

    def views(self) -> dict[str, float]:
        """A fingerprint of each view's data as shown now (view name -> number)."""
        return self.page.evaluate("() => window.__sae.views()")

    def traces(self, view: str) -> list[dict[str, Any]]:
        """The data (name, x, y, z) of one view's traces as shown now."""
        return self.page.evaluate(
            """(view) => window.__sae.gd.data.filter(t => t.legendgroup === view)
                 .map(t => ({name: t.name, x: t.x, y: t.y, z: t.z}))""",
            view,
        )

    def frames(self) -> list[dict[str, Any]]:
        """Every redraw since the probe was installed: ``{"t": ms, "views": {...}}``."""
        return self.page.evaluate("() => window.__sae.frames")

    def arrivals(self) -> list[float]:
        """Page time (ms) at which each websocket message with a plotly update arrived."""
        return self.page.evaluate("() => window.__saeArrivals")

    def key_times(self) -> list[float]:
        """Page time (ms) of every key press since the probe was installed."""
        return self.page.evaluate("() => window.__sae.keys")

    def status(self) -> str:
        return self.page.locator("text=/step \\d+ ·/").first.inner_text()

    def step_count(self) -> int:
        return int(re.search(r"step (\d+)", self.status()).group(1))

    def wait_for_step_above(self, n: int, timeout: float = 30.0) -> int:
        """Wait until the status line shows a step count above ``n``; return it."""
        self.page.wait_for_function(
            r"""(n) => { const m = /step (\d+) ·/.exec(document.body.innerText);
                         return m !== null && Number(m[1]) > n; }""",
            arg=n,
            timeout=timeout * 1000,
        )
        return self.step_count()

    # ------------------------------------------------------------------ acting on it
    def button(self, name: str) -> Any:
        return self.page.get_by_role("button", name=name)

    def play(self) -> None:
        self.button("Play").click()
        self.button("Pause").wait_for()  # the kernel took it: the toggle now offers Pause

    def pause(self) -> None:
        """Pause and wait until the kernel has taken it (before closing the page, or the
        kernel would train on until it notices that nobody is watching)."""
        self.button("Pause").click()
        self.button("Play").wait_for()

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` (its visible text) in the dropdown labelled ``label``."""
        self.page.locator(".widget-dropdown", has_text=label).locator("select").select_option(
            label=option
        )

    def click_data(self, axis: str, x: float, y: float) -> None:
        """Click the plot at data point (x, y) of subplot axes ``axis`` ("" for x/y, "2" for
        x2/y2, ...), with the real mouse, so plotly's own click handling runs."""
        left, top = self.page.evaluate(
            """([axis, x, y]) => {
                 const gd = window.__sae.gd, fl = gd._fullLayout;
                 const xa = fl['xaxis' + axis], ya = fl['yaxis' + axis];
                 const box = gd.getBoundingClientRect();
                 return [box.left + xa._offset + xa.c2p(x), box.top + ya._offset + ya.c2p(y)];
               }""",
            [axis, x, y],
        )
        self.page.mouse.click(left, top)

    def type_into_slider(self, label: str, value: float) -> None:
        """Type ``value`` into the readout of the slider labelled ``label``, as a user can."""
        readout = self.page.locator(".widget-slider", has_text=label).locator(".widget-readout")
        readout.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(str(value))
        self.page.keyboard.press("Enter")

    def slider_handle(self, label: str) -> Any:
        """The keyboard-focusable handle of the slider whose label is ``label``."""
        return self.page.locator(".widget-slider", has_text=label).locator(".noUi-handle")

    def wait_for_views_to_change(
        self, before: dict[str, float], views: list[str] | None = None, timeout: float = 60.0
    ) -> dict[str, float]:
        """Wait until each of ``views`` (default: all) differs from ``before``; return them."""
        self.page.wait_for_function(
            """([before, names]) => { const now = window.__sae.views();
                 return names.every(n => now[n] !== before[n]); }""",
            arg=[before, views or list(before)],
            timeout=timeout * 1000,
        )
        return self.views()
