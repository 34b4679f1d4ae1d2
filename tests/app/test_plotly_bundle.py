"""The page's plotly.js: plotly's partial bundle, shipped with its licence, at the version the
code names and the plotly package carries; served by our Voila template, sent by the board."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

from explorer.app import board
from explorer.figures.views import VIEWS
from explorer.serving import voila

#: The first lines of a plotly.js bundle: "* plotly.js (basic - minified) v4.1.1".
HEADER = re.compile(r"^\* plotly\.js(?: \((\w+) - minified\))? v(\d+\.\d+\.\d+)$", re.M)


def header(path: Path) -> tuple[str | None, str]:
    """(partial bundle's name or None for the full one, plotly.js version) from its header."""
    match = HEADER.search(path.read_bytes()[:300].decode())
    assert match, f"{path} does not start with a plotly.js header"
    return match.group(1), match.group(2)


def test_the_shipped_bundle_is_the_basic_one_at_the_version_the_code_names():
    assert header(board.PLOTLY_JS) == ("basic", board.PLOTLY_VERSION)
    assert board.PLOTLY_PACKAGE == "plotly.js-basic-dist-min"


def test_the_shipped_bundle_is_the_plotly_packages_plotly_js_version():
    """An upgrade of the plotly package with a new plotly.js: re-fetch the bundle
    (scripts/fetch_plotly.py after raising PLOTLY_VERSION)."""
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert header(full) == (None, board.PLOTLY_VERSION)


def test_the_bundle_ships_with_plotlys_mit_licence():
    text = board.PLOTLY_LICENSE.read_text()
    assert text.startswith("MIT License")
    assert "Plotly" in text
    assert board.PLOTLY_LICENSE.parent == board.PLOTLY_JS.parent


def test_the_page_asking_for_plotly_gets_the_shipped_bundle(monkeypatch):
    b = board.Board(VIEWS)
    sent = []
    monkeypatch.setattr(b, "send", lambda content, buffers=None: sent.append((content, buffers)))
    b._on_page_message(b, {"type": "plotly"}, [])
    assert sent == [({"type": "sae-plotly"}, [board.PLOTLY_JS.read_bytes()])]


def test_the_kernel_keeps_no_copy_of_the_bundle_it_sends():
    """Read when a page asks (once, or never when it stored the bundle): a copy kept in the
    kernel (1.2 MB) would stay in every served kernel for a page that never asks again."""
    first = board.plotly_js()
    assert board.plotly_js() is not first
    assert board.plotly_js() == first


def test_the_page_knows_which_bundle_it_would_get_before_asking():
    """The ``plotly`` trait names the bundle by content: a page that stored it uses its copy,
    and a page holding another bundle (an older version) asks again."""
    b = board.Board(VIEWS)
    name, version_and_digest = b.plotly.split("@")
    assert name == board.PLOTLY_PACKAGE
    assert re.fullmatch(rf"{re.escape(board.PLOTLY_VERSION)}\+[0-9a-f]{{16}}", version_and_digest)
    assert b.get_state()["plotly"] == b.plotly  # synced to the page


def test_the_template_serves_the_very_file_the_board_sends():
    """Our Voila template fetches plotly.js from its static folder (Voila serves it by URL) and
    the board sends the same file where no template does: one file, so the two cannot differ."""
    template = voila.DATA_DIR / "voila" / "templates" / "explorer"
    assert board.PLOTLY_JS.parent == template / "static" / "plotly"
    page = (template / "index.html.j2").read_text()
    assert f'static_url("plotly/{board.PLOTLY_JS.name}")' in page
