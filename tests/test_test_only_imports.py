"""The installed package runs without the test extra: no module imports Playwright (the test
driver's browser library) until a browser is asked for, and then it says what to install."""

from __future__ import annotations

import subprocess
import sys

# Run in a fresh interpreter in which Playwright cannot be imported, as without the extra.
WITHOUT_PLAYWRIGHT = """
import importlib, pkgutil, sys
sys.modules["playwright"] = sys.modules["playwright.sync_api"] = None
import explorer
for info in pkgutil.walk_packages(explorer.__path__, "explorer."):
    if info.name != "explorer.__main__":
        importlib.import_module(info.name)
from explorer.serving.page import chromium
try:
    with chromium():
        pass
except ImportError as exc:
    print(exc)
"""


def test_every_module_imports_without_playwright_and_a_browser_asks_for_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PLAYWRIGHT], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "needs Playwright, a test-only dependency" in done.stdout
    assert 'pip install -e ".[test]"' in done.stdout
