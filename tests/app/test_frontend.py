"""The widgets' page code as shipped: each bundle in explorer/app/static is built from the
sources in js/src as they are now (no npm needed to check), self-contained, and the module
its widget loads."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from explorer.app.board import Board
from explorer.app.download import DownloadButton
from explorer.app.frontend import STATIC
from explorer.app.numberbox import NumberBox

JS = Path(__file__).resolve().parents[2] / "js"
BUNDLES = ("board.js", "numberbox.js", "download.js")
REBUILD = "rebuild it: npm --prefix js install && npm --prefix js run build"


def sources_hash(root: Path = JS) -> str:
    """js/build.mjs's ``sourcesHash``: each source's path (relative to js/, with "/") and bytes,
    in sorted order of the paths, each followed by a NUL."""
    paths = sorted(
        [p.relative_to(root).as_posix() for p in (root / "src").rglob("*") if p.is_file()]
        + ["build.mjs", "package.json"]
    )
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path}\0".encode() + (root / path).read_bytes() + b"\0")
    return digest.hexdigest()


def header(bundle: str) -> tuple[str, str, str]:
    """(the sources hash, the code hash, the code) of a bundle as committed."""
    text = (STATIC / bundle).read_text(encoding="utf-8")
    match = re.match(r"//[^\n]*\n// sources sha256 (\w+)\n// bundle sha256 (\w+)\n", text)
    assert match, f"{bundle} has no build header: {REBUILD}"
    return match[1], match[2], text[match.end() :]


@pytest.mark.parametrize("bundle", BUNDLES)
def test_every_bundle_is_built_from_the_sources_as_they_are(bundle: str) -> None:
    sources, code_hash, code = header(bundle)
    assert sources == sources_hash(), f"{bundle} is older than js/src: {REBUILD}"
    assert hashlib.sha256(code.encode()).hexdigest() == code_hash, (
        f"{bundle} was edited by hand: edit js/src and {REBUILD}"
    )


def test_a_changed_source_makes_every_bundle_stale(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    for name in ("build.mjs", "package.json", "src/a.js"):
        (tmp_path / name).write_text("x")
    before = sources_hash(tmp_path)
    (tmp_path / "src" / "a.js").write_text("y")
    assert sources_hash(tmp_path) != before


@pytest.mark.parametrize("bundle", BUNDLES)
def test_bundles_import_nothing_at_run_time(bundle: str) -> None:
    # anywidget loads the module from a blob: URL, where a relative import cannot resolve (and
    # the page must not fetch code from anywhere but the kernel).
    *_, code = header(bundle)
    assert not re.search(r"^\s*import\b|\bimport\s*\(|\bfrom\s*[\"']", code, re.M), bundle
    assert re.search(r"export\s*\{\s*\w+ as default\s*\}", code), bundle


def test_every_widget_loads_its_bundle_and_stylesheet() -> None:
    for widget, name in ((Board, "board"), (NumberBox, "numberbox"), (DownloadButton, "download")):
        # What anywidget sends the page: the files' text.
        assert str(widget._esm) == (STATIC / f"{name}.js").read_text(encoding="utf-8")
        assert str(widget._css) == (STATIC / f"{name}.css").read_text(encoding="utf-8")
