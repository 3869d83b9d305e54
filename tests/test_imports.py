"""The package's modules import each other without a circle (DESIGN.md, "Contracts between the parts").

The graph is read from the source with :mod:`ast`: every ``import`` and ``from ... import``, at the top
of a module or inside a function, except those under ``if TYPE_CHECKING`` (never run). ``from pkg
import name`` counts as importing the module ``pkg.name`` when that is a module, else ``pkg``. A
package's ``__init__`` run before its submodules is not counted as an edge (Python always does it).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import iadsim

ROOT = Path(iadsim.__file__).parent


def module_files() -> dict[str, Path]:
    """Every module of iadsim by dotted name."""
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The iadsim modules that module ``name`` (at ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    never_run = {id(node) for block in ast.walk(tree)
                 if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                 for node in ast.walk(block)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in never_run:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, *([base] if base else [])])
            named = [f"{base}.{alias.name}" for alias in node.names]
            found.update(named if all(module in modules for module in named) else
                         [base, *(module for module in named if module in modules)])
    return {module for module in found if module in modules and module != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_round_a_circle() -> None:
    modules = module_files()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    found = cycles(graph)
    assert not found, "import circles: " + "; ".join(
        " ⇄ ".join(f"{m} → {sorted(graph[m] & set(c))}" for m in c) for c in found)


@pytest.mark.parametrize("name", sorted(module_files()))
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)
