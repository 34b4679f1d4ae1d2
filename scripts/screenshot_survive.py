"""Serve the dashboard, train it, kill its kernel: save the pictures of a run that survives.

    python scripts/screenshot_survive.py [--steps 300] [--out docs]

Writes, each the top of a 1366×768 page (a laptop's screen):
``survive-banner-light.png`` and ``survive-banner-dark.png`` (Voila's ``?theme=dark``), the
page as it is right after ``kill -9`` of its kernel (the banner, the controls frozen), and
``survive-restored.png``, the same run after the banner's button.
"""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from explorer.serving.background import kernel_pid, voila_server
from explorer.serving.page import Dashboard, chromium

ROOT = Path(__file__).resolve().parents[1]
SCREEN = {"width": 1366, "height": 768}
# From below the page's title and introduction down to the penalty control: the banner, the
# first controls, the status line and the first views' tops.
TOP = 140
THEMES = {"light": "", "dark": "?theme=dark"}


def picture(dash: Dashboard, out: Path) -> None:
    box = dash.control("penalty").bounding_box()
    bottom = box["y"] + box["height"] + 8
    dash.page.screenshot(
        path=out, clip={"x": 0, "y": TOP, "width": SCREEN["width"], "height": bottom - TOP}
    )


def lost(browser, url: str, steps: int, out: Path) -> tuple[Dashboard, int]:
    """A page trained ``steps`` steps, paused, its kernel killed: pictured at once."""
    dash = Dashboard(browser.new_page(viewport=SCREEN))
    dash.page.goto(url, timeout=120_000)
    dash.wait_until_drawn()
    dash.play()
    dash.wait_for_step_above(steps - 1, timeout=600)
    dash.pause()
    step = dash.wait_until_kept()
    dash.wait_until_idle()
    os.kill(kernel_pid(dash.kernel_id()), signal.SIGKILL)  # as an out-of-memory kill would
    dash.page.wait_for_selector(".sae-banner[data-tone='lost']", timeout=2000)
    picture(dash, out)
    print(f"wrote {out}: {dash.banner()!r}")
    return dash, step


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with voila_server() as url, chromium() as browser:
        for theme, query in THEMES.items():
            dash, step = lost(browser, url + query, args.steps, out / f"survive-banner-{theme}.png")
            if theme == "light":
                dash.page.locator(".sae-banner .sae-primary").click()
                dash.page.wait_for_load_state()
                dash.wait_until_drawn()
                dash.page.wait_for_function(
                    "(s) => document.body.innerText.includes(`Resumed from step ${s}.`)", arg=step
                )
                dash.wait_until_idle()
                picture(dash, out / "survive-restored.png")
                print(f"wrote {out / 'survive-restored.png'} at {dash.status()}")
            dash.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
