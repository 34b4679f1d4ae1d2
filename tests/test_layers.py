"""The layers of docs/architecture.md import only downward: read from the source itself, so an
upward import fails here even where no test happens to run the line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "explorer"
#: Each layer, bottom first; a module may import its own layer and the ones before it.
LAYERS = ("core", "datasets", "training", "figures", "app", "serving", "cli")
#: Third-party packages a layer must not know about, with every layer above allowed them.
FORBIDDEN = {
    "core": {"plotly", "ipywidgets", "anywidget", "traitlets"},
    "datasets": {"plotly", "ipywidgets", "anywidget", "traitlets"},
    "training": {"plotly", "ipywidgets", "anywidget", "traitlets"},
    "figures": {"ipywidgets", "anywidget", "traitlets"},
}


def _layer(path: Path) -> str:
    part = path.relative_to(PACKAGE).parts[0]
    return part.removesuffix(".py")


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path`` (or in ``source`` as if it
    stood there), relative ones resolved."""
    package = [PACKAGE.name, *path.relative_to(PACKAGE).parent.parts]
    out = []
    for node in ast.walk(ast.parse(source or path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            # "from . import datasets" names a module too
            out += [
                (node.lineno, f"{name}.{alias.name}" if not node.module else name)
                for alias in node.names
            ]
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _layer(p) in LAYERS)


def test_every_module_of_the_package_is_in_a_layer() -> None:
    # __init__ and __main__ at the top are the package's front door, above every layer.
    loose = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py", "cli.py"}
    assert loose == set(), f"modules outside every layer of docs/architecture.md: {loose}"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} <= set(
        LAYERS
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_its_own_layer_and_those_below(path: Path) -> None:
    layer = _layer(path)
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    upward = []
    for line, name in _imports(path):
        top, *rest = name.split(".")
        if top == PACKAGE.name and rest and rest[0] in LAYERS and rest[0] not in allowed:
            upward.append(f"line {line}: {name}")
        if top in FORBIDDEN.get(layer, ()):
            upward.append(f"line {line}: {name} (no {top} in {layer})")
    assert upward == [], f"{path.relative_to(PACKAGE)} reaches above its layer: {upward}"


def test_the_checker_resolves_what_a_module_imports() -> None:
    # The rule must be able to fail: a relative import from core into app is seen as such.
    source = "from ..app import explorer\nfrom . import penalties\nimport ipywidgets\n"
    names = [name for _, name in _imports(PACKAGE / "core" / "model.py", source)]
    assert names == ["explorer.app", "explorer.core.penalties", "ipywidgets"]
