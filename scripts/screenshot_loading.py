"""Serve the dashboard and picture it while it opens, on a laptop's screen (1366×768).

    python scripts/screenshot_loading.py [--out docs]

Writes ``loading-kernel.png`` (the page before its kernel answers: what it waits for),
``loading-plotly.png`` (the dashboard built, plotly.js held back: the images drawn, each
chart saying what it waits for) and ``first-screen.png`` (the first screen once every view is
drawn, before any step).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from explorer.serving.background import kernel_pid, voila_server, wait_for_warm_kernels
from explorer.serving.page import KERNEL_SOCKET, Dashboard, board_message_type, chromium

ROOT = Path(__file__).resolve().parents[1]
SCREEN = {"width": 1366, "height": 768}
PLOTLY_FILE = "**/plotly-basic.min.js*"


def held_plotly(ws) -> None:
    """The kernel's websocket, with the board's plotly.js message held back for good."""
    kernel = ws.connect_to_server()
    ws.on_message(kernel.send)

    def from_kernel(message: bytes | str) -> None:
        if board_message_type(message) != b"sae-plotly":
            ws.send(message)

    kernel.on_message(from_kernel)


def fresh_page(browser, url: str, taken: set[int]):
    """A new page, once a kernel no earlier page took has built the dashboard."""
    wait_for_warm_kernels(url, 1, exclude=taken)
    return Dashboard(browser.new_page(viewport=SCREEN))


def took(dash: Dashboard, taken: set[int]) -> None:
    taken.add(kernel_pid(dash.kernel_id()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with voila_server() as url, chromium() as browser:
        taken: set[int] = set()
        dash = fresh_page(browser, url, taken)
        dash.page.route_web_socket(KERNEL_SOCKET, lambda ws: None)  # a kernel not answering
        dash.page.goto(url)
        dash.page.locator(".sae-page-loading").wait_for(state="visible")
        dash.page.screenshot(path=out / "loading-kernel.png")
        took(dash, taken)
        dash.close()

        dash = fresh_page(browser, url, taken)
        dash.page.route(PLOTLY_FILE, lambda route: None)  # the template's copy never comes
        dash.page.route_web_socket(KERNEL_SOCKET, held_plotly)
        dash.page.goto(url)
        waiting = dash.page.locator(".sae-waiting:visible", has_text="Loading plotly.js")
        waiting.first.wait_for()
        dash.page.locator("[data-view='filters'] canvas").first.wait_for()
        dash.page.wait_for_timeout(500)  # the images' first frame painted
        dash.page.screenshot(path=out / "loading-plotly.png")
        took(dash, taken)
        dash.close()

        dash = fresh_page(browser, url, taken)
        dash.page.goto(url, timeout=120_000)
        dash.wait_until_drawn()
        dash.page.screenshot(path=out / "first-screen.png")
        dash.close()
    print(f"wrote loading-kernel.png, loading-plotly.png, first-screen.png in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
