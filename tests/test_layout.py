"""The house's layout holds: every package imports, no module-level import circle, no room too big.

Issue 14. An import circle works until someone reorders imports; a file over 400 lines or a
function over 80 has more than one concern. Imports inside functions are the deliberate way to
reach a module lazily and are not edges here; neither are imports under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("handlers", "web", "wecom", "jobs", "models", "cli", "demo")
SIZED = ("handlers", "web", "wecom", "jobs")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
#: Functions that are one table (a document's literal, a blueprint of closures over one state).
TABLES = {"web/api/openapi/document.py:_document"}


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py", "settings": ROOT / "settings.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _module_level_imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    edges: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from pkg import sub` imports the submodule sub when there is one.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_package_imports():
    for name in _modules():
        importlib.import_module(name)


def test_no_module_level_import_circle():
    modules = _modules()
    graph = {name: _module_level_imports(path, name, modules) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_room_too_big():
    too_big = []
    for package in SIZED:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            source = path.read_text()
            if source.count("\n") > MAX_FILE_LINES:
                too_big.append(f"{rel}: {source.count(chr(10))} lines")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    if (
                        node.end_lineno - first + 1 > MAX_FUNCTION_LINES
                        and f"{rel}:{node.name}" not in TABLES
                    ):
                        too_big.append(f"{rel}:{node.lineno} {node.name}()")
    assert too_big == []
