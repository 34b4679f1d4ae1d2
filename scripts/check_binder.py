"""Check offline what can be checked of the Binder set-up: build a fresh virtual environment
from the ``binder/`` files alone, start JupyterLab from it (as Binder does), and open both
README badge targets in headless Chromium: the notebook in JupyterLab, and the dashboard
through Voila's server extension, which must draw every view and keep updating them.

    python scripts/check_binder.py            # check
    python scripts/check_binder.py --freeze   # first re-pin binder/requirements.txt

The packages come from the package index (pip); nothing else is downloaded.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from explorer.figures.views import VIEWS
from explorer.serving.background import lab_server
from explorer.serving.page import Dashboard, chromium

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"
HEADER = """\
# Exact versions for a reproducible Binder build: `pip freeze` of a fresh Python 3.11 virtual
# environment after `pip install .`. Regenerate with: python scripts/check_binder.py --freeze
"""


def fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    python = path / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    return python


def freeze(tmp: Path) -> None:
    python = fresh_venv(tmp / "freeze")
    subprocess.run([python, "-m", "pip", "install", "-q", str(ROOT)], check=True)
    pins = subprocess.run(
        [python, "-m", "pip", "freeze", "--exclude", "sparse-autoencoder-explorer"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    (BINDER / "requirements.txt").write_text(HEADER + pins)
    print(f"re-pinned {len(pins.splitlines())} packages in binder/requirements.txt")


def build(tmp: Path) -> Path:
    python = fresh_venv(tmp / "binder")
    start = time.perf_counter()
    req = BINDER / "requirements.txt"
    subprocess.run([python, "-m", "pip", "install", "-q", "-r", req], check=True)
    # postBuild runs from the repository root with the environment's python first on PATH.
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(tmp)}
    subprocess.run(["bash", BINDER / "postBuild"], cwd=ROOT, env=env, check=True)
    print(f"environment built from binder/ in {time.perf_counter() - start:.0f} s")
    return python


def check(python: Path) -> None:
    all_views = {view.name for view in VIEWS}
    shown = sorted(view.name for view in VIEWS if view.shown is None)  # the default data's
    with lab_server(ROOT, python=str(python)) as url, chromium() as browser:
        lab = browser.new_page()
        lab.goto(url + "lab/tree/notebooks/explorer.ipynb")
        lab.locator(".jp-Notebook").wait_for(timeout=120_000)
        print("JupyterLab badge target: the notebook opens")
        dash = Dashboard.open(browser, url + "voila/render/notebooks/explorer.ipynb")
        assert set(dash.views()) == all_views, dash.views()
        before = dash.views()
        dash.play()
        dash.wait_for_views_to_change(before, shown)
        dash.pause()
        local = url.split("/")[2]
        # Through Jupyter Server (not `explorer serve`) the page gets the server's default
        # MathJax URL, a CDN; harmless on Binder, which is online. Anything else is a finding.
        other = [u for u in dash.requests if local not in u]
        assert all(u.startswith(MATHJAX) for u in other), other
        print(f"Voila badge target: every view drawn in {dash.load_seconds:.1f} s and live "
              f"after Play; requests to other hosts: {other or 'none'}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--freeze", action="store_true", help="re-pin requirements.txt first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.freeze:
            freeze(Path(tmp))
        check(build(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
