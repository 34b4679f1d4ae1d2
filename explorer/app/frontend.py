"""Where the widgets' page code is: each anywidget's ES module and its stylesheet, as files.

Every widget of ours ships its page code the same way: ``_esm`` is one self-contained ES module
in ``static/``, bundled by ``js/build.mjs`` (esbuild) from the sources in ``js/src`` and
committed, and ``_css`` is a stylesheet beside it. anywidget reads both files when the widget
class is made, so they travel in the package (a wheel too) and reach the page inside the
widget's own messages: no URL is fetched at run time. docs/drawing.md says why;
tests/app/test_frontend.py fails when a bundle is older than its sources.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def module(name: str) -> Path:
    """The bundled ES module of widget ``name`` (built from js/src)."""
    return STATIC / f"{name}.js"


def stylesheet(name: str) -> Path:
    """The stylesheet of widget ``name``."""
    return STATIC / f"{name}.css"
