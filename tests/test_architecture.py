"""The house's arrows point one way (#17): the import graph of ``src/xiaodi``, read from the source (imports inside
functions included), has no cycle between packages, ``core`` imports nothing above it, and the generic web kit
imports no area.

The layers, top to bottom:

* the application assembly — ``xiaodi.cli``, ``xiaodi.models``, the app factory and what only it uses
  (``web.app``, ``web.pages``, ``web.api``, ``web.dashboard``, ``web.resources``, ``web.cli``, ``web.secret``,
  ``web.imports``, ``web.import_rules``, ``web.table_export``) and the demo (which loads every area and serves
  the app);
* each area's interfaces — its ``pages``, ``api`` and ``cli`` modules (``*_pages``, ``*_api``, ``*_cli`` too);
* the areas' own modules (models, services, access, …), which may read other areas' modules in one direction;
* the web kit (``web.listing``, ``web.templating``, ``web.deps``, ``web.params``, ``web.errors``, …), which may
  know who is asking (``accounts``' users and ``Viewer``) but no other area;
* ``core``.

An area therefore counts as three nodes of the package graph, its interfaces, its access rules (``<area>.access``)
and the rest: ``directory.pages`` showing a university's matching strength does not make ``matching`` (which reads
``directory.models``) a cycle, and ``directory.access`` asking who the viewer is (``accounts.scope``) or whether a
platform is hosted (``catalog.models``) does not make the areas built on the directory a cycle. An area's services
call its rules, so an area and its access rules may form a group of their own; any larger group is a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import xiaodi

SRC = Path(xiaodi.__file__).resolve().parent

ASSEMBLY = {
    "xiaodi.cli", "xiaodi.models", "xiaodi.web.app", "xiaodi.web.pages", "xiaodi.web.api", "xiaodi.web.dashboard",
    "xiaodi.web.resources", "xiaodi.web.cli", "xiaodi.web.secret", "xiaodi.web.imports", "xiaodi.web.import_rules",
    "xiaodi.web.table_export",
}  # fmt: skip
ASSEMBLY_PACKAGES = ("xiaodi.demo",)
INTERFACES = ("pages", "api", "cli")  # a module named so, or ending in _pages, _api, _cli, is an interface
# What the web kit may import besides core and itself: who is asking (the user, their memberships, the Viewer).
KIT_MAY_USE = ("xiaodi.accounts.models", "xiaodi.accounts.scope", "xiaodi.accounts.service")



def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in SRC.rglob("*.py") if "migrations" not in p.relative_to(SRC).parts}


def imports(known: dict[str, Path]) -> set[tuple[str, str]]:
    """(importer, imported module) for every import of a platform module, at any depth of the source."""
    edges: set[tuple[str, str]] = set()
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *filter(None, [base])])
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target.startswith("xiaodi.") and target != name:
                    edges.add((name, target))
    return edges


def unit(module: str) -> str:
    """The node of the package graph a module belongs to."""
    if module in ASSEMBLY or module.startswith(ASSEMBLY_PACKAGES):
        return "assembly"
    parts = module.split(".")
    if len(parts) < 3:
        return parts[-1]  # xiaodi.cli_options, xiaodi.bootstrap
    leaf = parts[-1]
    if parts[1] != "web" and (leaf in INTERFACES or leaf.endswith(tuple(f"_{i}" for i in INTERFACES))):
        return f"{parts[1]} (interfaces)"
    if parts[1] != "web" and leaf == "access" and len(parts) == 3:
        return f"{parts[1]} (access)"
    return parts[1]


def one_area(group: list[str]) -> bool:
    """An area and its own access rules (its services call them): one area, not a cycle between packages."""
    return len(group) == 2 and {g.removesuffix(" (access)") for g in group} == {group[0].removesuffix(" (access)")}


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


KNOWN = modules()
EDGES = imports(KNOWN)


def test_the_import_graph_is_read_from_the_source_including_imports_inside_functions() -> None:
    assert ("xiaodi.web.api", "xiaodi.figures.report") in EDGES  # imported inside the /api/figures handler
    assert ("xiaodi.figures.compute", "xiaodi.projects.models") in EDGES
    assert unit("xiaodi.projects.pages") == "projects (interfaces)" and unit("xiaodi.projects.service") == "projects"
    assert unit("xiaodi.directory.access") == "directory (access)" and unit("xiaodi.web.access") == "web"
    assert one_area(["bases", "bases (access)"]) and not one_area(["bases", "projects (access)"])


def test_no_cycle_between_packages() -> None:
    """No edge is allowed to close a cycle: the 调度会 is ``xiaodi.dispatch``'s (above projects and bases), and the
    directory announces name changes to the listener reference.curated installs instead of calling it."""
    between = {(unit(a), unit(b)): (a, b) for a, b in EDGES if unit(a) != unit(b)}
    found = [group for group in cycles(between) if not one_area(group)]
    detail = [[f"{a} -> {b}" for (ua, ub), (a, b) in between.items() if ua in group and ub in group]
              for group in found]
    assert found == [], detail


def test_core_imports_nothing_above_it() -> None:
    upward = sorted((a, b) for a, b in EDGES if a.startswith("xiaodi.core") and not b.startswith("xiaodi.core"))
    assert upward == []


def test_the_web_kit_imports_no_area() -> None:
    kit = {m for m in KNOWN if m.startswith("xiaodi.web.") and unit(m) == "web"}
    assert {"xiaodi.web.listing", "xiaodi.web.templating", "xiaodi.web.deps", "xiaodi.web.params"} <= kit
    wrong = sorted((a, b) for a, b in EDGES
                   if a in kit and not b.startswith(("xiaodi.core", "xiaodi.web.", *KIT_MAY_USE)))
    assert wrong == []
    assert not [(a, b) for a, b in EDGES if a in kit and unit(b) == "assembly"]
