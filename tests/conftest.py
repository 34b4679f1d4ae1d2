"""Fixtures every test file may take.

- ``make_explorer``: the one way the tests build a dashboard on small data.
- ``browser``, ``server``, ``dash``: headless Chromium, the served dashboard (``python -m
  explorer serve`` on a free loopback port) and one page of it, for ``tests/browser/``.

A file whose tests all start from the same dashboard keeps a one-line ``app`` fixture that
calls ``make_explorer`` with its own settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from explorer import Explorer

# scikit-learn's estimator checks (tests/core/test_sklearn.py) include one that runs only if
# SciPy was imported with this set; set here, before any test file can import SciPy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

if TYPE_CHECKING:
    from explorer.serving.page import Dashboard

TESTS = Path(__file__).resolve().parent

#: The slow kinds of test, each a pytest marker (registered in pyproject.toml), by where the
#: tests live: ``pytest -m "not browser and not hub and not deploy and not bench"`` runs the
#: fast part alone. A test elsewhere that opens a page (takes the ``browser`` fixture) is a
#: browser test too, and so is the wheel's file (its fixtures build the wheel and an
#: environment, and one of its tests serves the dashboard from them).
MARKED_PATHS = {
    "browser": ("browser/", "serving/test_wheel.py"),
    "hub": "serving/test_jupyterhub.py",
    "deploy": "serving/test_deploy.py",
    "bench": "bench/",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.relative_to(TESTS).as_posix()
        for marker, prefix in MARKED_PATHS.items():
            if where.startswith(prefix):
                item.add_marker(marker)
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker("browser")


#: Samples in a dashboard built by ``make_explorer`` unless told otherwise: enough for every
#: view, quick to step.
SMALL = 300


@pytest.fixture
def make_explorer() -> Callable[..., Explorer]:
    """``make_explorer(steps=0, **params)``: an ``Explorer`` on ``SMALL`` samples (the
    Explorer's own defaults otherwise: natural patches, seed 0), stepped ``steps`` times.
    ``params`` go to ``Explorer`` as they are (``dataset``, ``n_samples``, ``random_state``,
    model parameters)."""

    def make(steps: int = 0, **params: Any) -> Explorer:
        app = Explorer(**({"n_samples": SMALL} | params))
        if steps:
            app.step(steps)
        return app

    return make


# ---------------------------------------------------------------------------- the browser
# Module-scoped: each browser test file gets its own Chromium and server (a kernel a test
# left busy does not leak into another file).
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")
    from explorer.serving.page import CHROMIUM, chromium

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install chromium` or set SAE_CHROMIUM")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from explorer.serving.background import voila_server

    with voila_server() as url:
        yield url


@pytest.fixture
def dash(browser, server) -> Iterator[Dashboard]:
    """A fresh page of the served dashboard (its own kernel), closed after the test."""
    from explorer.serving.page import Dashboard

    d = Dashboard.open(browser, server)
    yield d
    d.close()
