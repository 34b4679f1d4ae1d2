"""Serve the dashboard with Voila, train it in headless Chromium, save docs/dashboard.png.

    python scripts/screenshot.py [--steps 200] [--out docs/dashboard.png]

Keeps the README's screenshot honest: it is what the served dashboard shows after
``--steps`` steps of the default (classic natural-patches) configuration.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "docs" / "dashboard.png"))
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", "notebooks/explorer.ipynb", "--no-browser",
         "--Voila.ip=127.0.0.1", f"--port={port}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            deadline = time.time() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.5)  # the server is still starting
            page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120_000)
            page.get_by_role("button", name="Play").click()
            status = page.locator("text=/step \\d+ ·/").first
            while int(re.search(r"step (\d+)", status.inner_text()).group(1)) < args.steps:
                page.wait_for_timeout(200)
            page.get_by_role("button", name="Pause").click()
            page.wait_for_timeout(1000)
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out, full_page=True)
            print(f"wrote {args.out} at {status.inner_text()}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
