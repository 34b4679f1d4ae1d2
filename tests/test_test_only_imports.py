"""The installed package runs without the test extra: no module imports Playwright (the test
driver's browser library) until a browser is asked for, and then it says what to install; and
none imports scikit-learn (the estimator follows its contract without it: importing it would
add ~110 MB, SciPy and pandas included, to every served kernel of ~66 MB)."""

from __future__ import annotations

import subprocess
import sys

# Run in a fresh interpreter in which Playwright and scikit-learn cannot be imported, as
# without the extra.
WITHOUT_PLAYWRIGHT = """
import importlib, pkgutil, sys
sys.modules["playwright"] = sys.modules["playwright.sync_api"] = sys.modules["sklearn"] = None
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


# What a served kernel does: import the package, build the dashboard, train; and the estimator's
# own round. scikit-learn is installed here (the test extra), so only never asking keeps it out.
DASHBOARD_AND_ESTIMATOR = """
import sys
from explorer import Explorer, SparseAutoencoder
app = Explorer(n_samples=200)
app.step(2)
X = app.session.X
SparseAutoencoder(n_hidden=4, max_iter=2).fit(X).transform(X)
print(sorted(name for name in ("sklearn", "scipy", "pandas") if name in sys.modules))
"""


def test_a_served_dashboard_and_the_estimator_never_import_scikit_learn() -> None:
    done = subprocess.run(
        [sys.executable, "-c", DASHBOARD_AND_ESTIMATOR], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
