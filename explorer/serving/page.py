"""Drive a served dashboard in headless Chromium: open it, read its figure, time its updates.

Used by the browser tests, ``bench/ui.py`` and ``scripts/screenshot.py``. Needs Playwright
(the ``test`` extra) and a Chromium: Debian's ``/usr/bin/chromium`` by default, another with
the ``SAE_CHROMIUM`` environment variable (Playwright cannot download its own offline).

What is read is what the page shows: per view panel of the board (``data-view``), the
traces a chart drew (``_saeTraces``) or the pixels of an image's canvas, and a log of every
animation frame the board drew (its ``sae-drawn`` events: the time and the views drawn), so a
test can tell *when* a view changed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..app.controls import dom_class

if TYPE_CHECKING:  # Playwright is a test-only dependency: imported where a browser starts
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("SAE_CHROMIUM", "/usr/bin/chromium")
# No sandbox: CI runs as root in a container. The rest stops Chromium's own background traffic
# (updates, sync, field trials) so that every request seen is one the page made.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-field-trial-config",
]
VIEWPORT = {"width": 1500, "height": 1150}

# Installed once per page, after the board has drawn. fold() turns an array into one number,
# weighting each value by its position, so any change of data (not only of its sum) changes it;
# a chart's fingerprint folds its plotly traces, an image's the pixels of its canvas. The board
# announces each animation frame it drew with a "sae-drawn" event naming the views drawn.
PAGE_PROBE_JS = """() => {
  const fold = (a, w) => {
    if (a === undefined || a === null) return 0;
    if (!Array.isArray(a) && !ArrayBuffer.isView(a)) return typeof a === 'number' ? a * w : 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += fold(a[i], w * (1 + (i % 13) / 7));
    return s + a.length * w;
  };
  const boards = () => [...document.querySelectorAll('.sae-board')];
  const panel = (view, board = 0) => boards()[board].querySelector(`[data-view="${view}"]`);
  const fingerprint = (section) => {
    const plot = section.querySelector('.sae-plot');
    if (plot.tagName === 'CANVAS') {
      if (!plot.width) return 0;
      const px = plot.getContext('2d').getImageData(0, 0, plot.width, plot.height).data;
      let s = 0;
      for (let i = 0; i < px.length; i += 4) s += px[i] * (1 + (i % 13) / 7) + px[i + 3];
      return s + plot.width * 1e6;
    }
    let s = 0;
    for (const t of section._saeTraces || []) s = s * 1.000001 + fold(t.x, 1.1) + fold(t.y, 1.3);
    return s;
  };
  const views = (board = 0) => {
    const out = {};
    for (const section of boards()[board].querySelectorAll('.sae-view'))
      out[section.dataset.view] = fingerprint(section);
    return out;
  };
  const star = () => {
    const d = panel('kl')._saeTraces;
    return d ? d[2].x[0] : null;
  };
  const sae = {panel, views, frames: [], keys: []};
  document.addEventListener('sae-drawn', (e) => {
    if (e.target !== boards()[0]) return;
    sae.frames.push({t: e.detail.t, drawn: e.detail.views, seq: e.detail.seq,
                     complete: e.detail.complete, star: star()});
  }, true);
  document.addEventListener('keydown', () => sae.keys.push(performance.now()), true);
  window.__sae = sae;
  return true;
}"""


#: The kernel's websocket, for a page's route (``page.route_web_socket``) to stand in its way.
KERNEL_SOCKET = "**/api/kernels/**"
#: The type of a board's message (``sae-frame``, ``sae-plotly``…) in a kernel message's first
#: bytes: spaced as json writes it, or compact as orjson does (jupyter_client packs with
#: orjson when it is installed).
BOARD_MESSAGE_TYPE = re.compile(rb'"type": ?"(sae-[a-z]+)"')


def message_head(message: bytes | str) -> bytes:
    """The first bytes of a kernel websocket message: its header and a comm message's type."""
    return message[:4096] if isinstance(message, bytes) else message[:4096].encode()


def board_message_type(message: bytes | str) -> bytes | None:
    """The board message type a kernel's websocket message carries, or None."""
    found = BOARD_MESSAGE_TYPE.search(message_head(message))
    return found and found.group(1)


# Installed before the page's own scripts: stamps the arrival of every websocket message that
# carries a frame of the board, so a redraw can be matched to the message it drew.
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
          : e.data instanceof ArrayBuffer ? decoder.decode(e.data.slice(0, 4096)) : '';
        if (text.includes('sae-frame')) arrivals.push(t);
      });
    }
  };
})();"""


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ImportError(
            "Driving the dashboard in a browser needs Playwright, a test-only dependency: "
            'pip install -e ".[test]" (or pip install playwright).'
        ) from exc
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
        """Wait until every view of every board has been drawn (charts by plotly.js), then
        install the probe."""
        self.page.wait_for_function(
            """() => { const views = [...document.querySelectorAll('.sae-board .sae-view')]
                         .filter(v => v.style.display !== 'none');  // hidden: nothing to show
                       return views.length > 0 && views.every(v => Number(v.dataset.draws) > 0
                         && (v.querySelector('canvas') || v.querySelector('.js-plotly-plot')));
                     }""",
            timeout=timeout * 1000,
        )
        self.page.evaluate(PAGE_PROBE_JS)

    def close(self) -> None:
        self.page.close()

    # ------------------------------------------------------------------ reading the page
    def hosts(self) -> set[str]:
        """Every host:port the page requested something from."""
        return {urlsplit(u).netloc for u in self.requests if not u.startswith(("data:", "blob:"))}

    def views(self, board: int = 0) -> dict[str, float]:
        """A fingerprint of each view as shown now (view name -> number)."""
        return self.page.evaluate("(board) => window.__sae.views(board)", board)

    def traces(self, view: str, board: int = 0) -> list[dict[str, Any]]:
        """The data (name, x, y) of a chart view's traces as drawn now (plotly's and the
        overlay's: ``_saeTraces`` on the view's panel)."""
        return self.page.evaluate(
            """([view, board]) => window.__sae.panel(view, board)._saeTraces
                 .map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}))""",
            [view, board],
        )

    def caption(self, view: str, board: int = 0) -> str:
        """The live text under a view's title."""
        return self.page.evaluate(
            "([view, board]) => window.__sae.panel(view, board).querySelector('.sae-caption')"
            ".textContent",
            [view, board],
        )

    def frames(self) -> list[dict[str, Any]]:
        """Every animation frame the first board drew since the probe was installed:
        ``{"t": ms, "drawn": [view names], "seq": the kernel's frame, "complete": all of it
        drawn, "star": x of the KL curve's minimum marker}``."""
        return self.page.evaluate("() => window.__sae.frames")

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Until every board has drawn all it was sent."""
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('.sae-board')]
                       .every(b => b.dataset.idle !== 'false')""",
            timeout=timeout * 1000,
        )

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

    # ------------------------------------------------------------------ its kernel
    def kernel_id(self) -> str:
        """The id of the kernel the page talks to (Voila puts it in the page's config)."""
        return self.page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )

    def banner(self) -> str:
        """What the banner over the dashboard says ("" when there is none)."""
        banners = self.page.locator(".sae-banner")
        return banners.first.inner_text() if banners.count() else ""

    def wait_for_banner(self, pattern: str, timeout: float = 30.0) -> str:
        """Wait until the banner's text matches the regular expression ``pattern``; return it."""
        self.page.wait_for_function(
            "(p) => new RegExp(p).test(document.querySelector('.sae-banner')?.innerText ?? '')",
            arg=pattern,
            timeout=timeout * 1000,
        )
        return self.banner()

    def wait_until_kept(self, step: int | None = None, timeout: float = 30.0) -> int:
        """Wait until the page keeps a copy of the run at ``step`` (None: the step the status
        line shows, once they agree: a paused run's last copy); return that step
        (``js/src/board/keeper.js``)."""
        self.page.wait_for_function(
            r"""(step) => { const kept = document.querySelector('.sae-live')?.dataset.kept;
                            const shown = /step (\d+) ·/.exec(document.body.innerText)?.[1];
                            return kept !== undefined && kept === String(step ?? shown); }""",
            arg=step,
            timeout=timeout * 1000,
        )
        return self.step_count()

    # ------------------------------------------------------------------ acting on it
    def button(self, name: str) -> Any:
        """The button labelled ``name`` exactly (after its icon): Play, not Replay."""
        return self.page.get_by_role("button", name=re.compile(rf"\b{re.escape(name)}$"))

    def play(self) -> None:
        self.button("Play").click()
        self.button("Pause").wait_for()  # the kernel took it: the toggle now offers Pause

    def pause(self) -> None:
        """Pause and wait until the play loop has ended: the button offers Play once the
        loop's last frame, status line and kept copy are sent (``app.live``). Before closing
        the page too, or the kernel would train on until it notices that nobody watches."""
        self.button("Pause").click()
        self.button("Play").wait_for()

    def pause_if_playing(self) -> None:
        """``pause``, unless play has stopped by itself (converged, every unit dead): decided
        and clicked in one step in the page, so a stop landing in between cannot leave a
        click waiting for a button that no longer says Pause."""
        self.control("play").evaluate("b => /Pause$/.test(b.textContent.trim()) && b.click()")
        self.button("Play").wait_for()

    def control(self, name: str, part: str = "") -> Any:
        """The control ``name`` of the dashboard's ``controls`` (``part`` "readout": its
        readout box), found by its name, which stays when its label changes."""
        return self.page.locator(f".{dom_class(name, part)}")

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` (its visible text) in the dropdown labelled ``label``."""
        # By its label exactly: another drop-down may offer an option of that name (the
        # frontier's "sweep" offers "penalty Ω").
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def click_data(self, view: str, x: float, y: float) -> None:
        """Click chart ``view`` at data point (x, y) with the real mouse, so plotly's own
        click handling runs."""
        left, top = self.page.evaluate(
            """([view, x, y]) => {
                 const gd = window.__sae.panel(view).querySelector('.sae-plot');
                 const fl = gd._fullLayout, box = gd.getBoundingClientRect();
                 return [box.left + fl.xaxis._offset + fl.xaxis.c2p(x),
                         box.top + fl.yaxis._offset + fl.yaxis.c2p(y)];
               }""",
            [view, x, y],
        )
        self.page.mouse.click(left, top)

    def click_pixel(self, view: str, row: int, col: int, shape: tuple[int, int]) -> None:
        """Click image ``view`` (an image of ``shape`` pixels) in the middle of pixel
        (row, col) with the real mouse."""
        box = self.page.locator(f'.sae-board [data-view="{view}"] canvas').first.bounding_box()
        self.page.mouse.click(
            box["x"] + (col + 0.5) * box["width"] / shape[1],
            box["y"] + (row + 0.5) * box["height"] / shape[0],
        )

    def readout(self, label: str) -> Any:
        """The readout box (``numberbox.Readout``) of the slider labelled ``label``."""
        return self.page.get_by_label(f"{label}: type a value and press Enter")

    def type_into_slider(self, label: str, value: float | str) -> None:
        """Type ``value`` into the readout of the slider labelled ``label``, as a user can."""
        self.readout(label).click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(str(value))
        self.page.keyboard.press("Enter")

    def type_into_box(self, label: str, text: str) -> None:
        """Type ``text`` into the number box labelled ``label`` (seed, inspect unit) and press
        Enter, as a student does."""
        box = self.page.locator(".sae-numberbox", has_text=label).locator("input")
        box.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")

    def box(self, label: str) -> tuple[str, str]:
        """(what the number box labelled ``label`` shows, the refusal under it, if any)."""
        box = self.page.locator(".sae-numberbox", has_text=label)
        return box.locator("input").input_value(), box.locator(".sae-refused").inner_text()

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
