"""The shape of the package, read from its import graph: no cycles, one home per library.

Every ``import`` and ``from … import`` of every module is read with :mod:`ast`
(function-level imports included), so a new cycle or a second home for WeasyPrint,
pikepdf or Jinja fails here before it grows.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "zinepress"

# Each outside library that shapes output has one adapter module.
ADAPTERS = {
    "weasyprint": {"formats/pdf.py"},
    "pikepdf": {"formats/pdffile.py"},
    "jinja2": {"render/templates.py"},
}
# Second homes that still exist, each to be folded into its adapter; the test below
# fails once one is gone, so this list only shrinks.
NOT_YET = {
    ("impose/booklet.py", "pikepdf"),
    ("impose/printing.py", "jinja2"),
}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Return the dotted names ``path`` imports, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" \
        else module_name(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name}
            for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Return the strongly connected components with more than one module (Tarjan).

    >>> [sorted(c) for c in cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})]
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_cycle_finder_finds_a_cycle():
    edges = graph()
    edges["zinepress.errors"] = edges["zinepress.errors"] | {"zinepress.cli"}
    assert any("zinepress.errors" in c for c in cycles(edges))


def library_users() -> set[tuple[str, str]]:
    """Return (module, library) for every stage module importing an adapted library.

    ``dev/`` (make bench, make preview) is left out: it measures the libraries themselves.
    """
    users = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("dev/"):
            continue
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in ADAPTERS:
                users.add((rel, top))
    return users


def test_each_outside_library_has_one_adapter():
    strays = {(rel, lib) for rel, lib in library_users() if rel not in ADAPTERS[lib]}
    assert strays - NOT_YET == set(), "import these through their adapter module"


def test_the_list_of_second_homes_only_shrinks():
    gone = NOT_YET - library_users()
    assert not gone, f"remove {sorted(gone)} from NOT_YET: they use the adapter now"
