"""The layers of docs/architecture.md import only downward, and no modules import each other in
a circle: read from the source itself (type-only imports under ``if TYPE_CHECKING:`` and imports
inside functions included), so a wrong import fails here even where no test runs the line."""

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


def _module_name(path: Path) -> str:
    parts = [PACKAGE.name, *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph(sources: dict[str, str] | None = None) -> dict[str, dict[str, int]]:
    """module -> {module of the package it imports: the line}, for every module of the package
    (``sources``: module name -> source text standing in for, or added to, the files). A name
    imported from a package (``from ..figures import VIEWS``) is an edge to the package's
    ``__init__``; the parent packages Python imports on the way are not edges (each would
    close a circle through every ``__init__`` that imports its own modules)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    texts = {name: None for name in files} | (sources or {})
    graph: dict[str, dict[str, int]] = {}
    for name, text in texts.items():
        path = files.get(name) or PACKAGE / (name.split(".", 1)[1].replace(".", "/") + ".py")
        edges: dict[str, int] = {}
        for line, imported in _imports(path, text):
            # The module itself, or its package when the last part names something in it.
            for target in (imported, imported.rpartition(".")[0]):
                if target in texts:
                    edges.setdefault(target, line)
                    break
        graph[name] = edges
    return graph


def _circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One circle of imports (its modules in order, the first again at the end) for each group
    of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_around(graph, group) for group in sorted(groups)]


def _path_around(graph: dict[str, dict[str, int]], group: list[str]) -> list[str]:
    """The shortest circle through the group's first module, within the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for nxt in sorted(graph[node]):
            if nxt == start:
                return [*paths[node], start]
            if nxt in members and nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                frontier.append(nxt)
    raise AssertionError(f"no circle through {start}")  # a group always has one


def _said(graph: dict[str, dict[str, int]], circle: list[str]) -> str:
    short = [name.removeprefix(f"{PACKAGE.name}.") for name in circle]
    steps = [
        f"{a} (line {graph[x][y]})" for a, x, y in zip(short, circle, circle[1:], strict=False)
    ]
    return " -> ".join([*steps, short[-1]])


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


def test_no_modules_import_each_other_in_a_circle() -> None:
    # Type-only imports count: a circle of them is a design that knows itself only in a loop
    # (an owner typed by its part and the part by its owner), whether or not it runs.
    graph = _import_graph()
    circles = [_said(graph, circle) for circle in _circles(graph)]
    assert circles == [], "modules that import each other in a circle: " + "; ".join(circles)


def test_the_circle_checker_sees_a_type_only_circle_and_names_it() -> None:
    # Must be able to fail: a type-only import back from ranges to controls closes a circle.
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .controls import role\n"
    sources = {"explorer.app.ranges": source, "explorer.app.controls": "from .ranges import R\n"}
    graph = _import_graph(sources)
    said = [_said(graph, c) for c in _circles(graph) if "explorer.app.ranges" in c]
    assert said == ["app.controls (line 1) -> app.ranges (line 3) -> app.controls"]
