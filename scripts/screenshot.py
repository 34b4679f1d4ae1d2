"""Serve the dashboard, train it in headless Chromium, save docs/dashboard.png.

    python scripts/screenshot.py [--steps 200] [--out docs/dashboard.png]
                                 [--query "?penalty=l1"] [--panel "Presets"] [--height 1800]

Keeps the README's screenshot honest: it is what the served dashboard shows after
``--steps`` steps of the default (classic natural-patches) configuration, or of the settings
in ``--query`` (the URL parameters an instructor hands out), with ``--panel`` opened.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from explorer.serving.background import voila_server
from explorer.serving.page import Dashboard, chromium

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "docs" / "dashboard.png"))
    parser.add_argument("--query", default="", help="URL query, e.g. '?mode=compare'")
    parser.add_argument("--panel", default="", help="title of a panel to open first")
    parser.add_argument("--height", type=int, default=2000, help="viewport height (px)")
    args = parser.parse_args()
    with voila_server() as url, chromium() as browser:
        dash = Dashboard.open(browser, url + args.query)
        if args.panel:
            dash.page.get_by_text(args.panel, exact=True).click()
        dash.play()
        dash.wait_for_step_above(args.steps - 1, timeout=600)
        dash.pause()
        # Voila's page scrolls inside its own container, so a "full page" picture stops at the
        # viewport: make the viewport tall enough for the last row of views.
        dash.page.set_viewport_size({"width": 1500, "height": args.height})
        dash.page.wait_for_timeout(1000)  # let the last frame settle before the picture
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        dash.page.screenshot(path=args.out, full_page=True)
        print(f"wrote {args.out} at {dash.status()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
