"""The packages stand on floors: `autograd` below `nn` below `scalargrad`, and no module imports itself in a circle.

Imports are read from the source with `ast`, wherever they are written: at the
top, inside functions, under ``if TYPE_CHECKING:``. A failure names the
importing file, its line and the imported module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "scalargrad")
FLOOR = {"autograd": 0, "nn": 1, "scalargrad": 2}
"""A package may import only from packages on its own floor or below."""


@dataclass(frozen=True)
class Import:
    importer: str  # module name, e.g. "autograd.views.draw"
    imported: str  # module name of ours, e.g. "autograd.value"
    where: str  # "path/to/file.py:LINE"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _imports_of(name: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.append(submodule if submodule in MODULES else base)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                targets = [node.args[0].value]
        for target in targets:
            if target.split(".")[0] in PACKAGES:
                found.append(Import(name, target, where))
    return found


IMPORTS = [found for name, path in MODULES.items() for found in _imports_of(name, path)]


def test_the_reader_sees_every_package_and_its_imports() -> None:
    """Guards the test itself: it must see the modules and imports it judges."""
    assert {"autograd.value", "autograd.backprop", "nn.layers", "scalargrad.cli"} <= set(MODULES)
    assert Import("nn.layers", "autograd", "nn/layers.py:33") in IMPORTS or any(
        i.importer == "nn.layers" and i.imported.startswith("autograd") for i in IMPORTS
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_nothing_from_a_floor_above_it(package: str) -> None:
    upward = [
        f"{i.where}: {i.importer} imports {i.imported}"
        for i in IMPORTS
        if i.importer.split(".")[0] == package and FLOOR[i.imported.split(".")[0]] > FLOOR[package]
    ]
    assert not upward, f"{package} must not import from a package built on it:\n" + "\n".join(upward)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    components.append(sorted(component))
    return components


def _import_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for i in IMPORTS:
        if i.imported in MODULES and i.imported != i.importer:
            edges[i.importer].add(i.imported)
    return edges


def test_no_module_imports_itself_through_others() -> None:
    edges = _import_graph()
    report = []
    for component in _cycles(edges):
        members = set(component)
        ties = [f"  {i.where}: {i.importer} imports {i.imported}" for i in IMPORTS if {i.importer, i.imported} <= members]
        report.append(" ↔ ".join(component) + "\n" + "\n".join(ties))
    assert not report, "import circles:\n" + "\n".join(report)


def test_the_cycle_finder_finds_a_circle() -> None:
    """Guards the test itself: a known circle and a known chain."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
