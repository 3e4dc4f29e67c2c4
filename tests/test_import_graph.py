"""The package's imports point one way: no module imports (directly or through others) a module
that imports it back, counting the imports inside functions too (a lazy import hides a circle
from Python, not from the reader). Checked on the source, without importing anything."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in sorted((SRC / "actlab").rglob("*.py")):
        parts = list(p.relative_to(SRC).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (p, is_pkg)
    return out


def import_graph() -> dict[str, set[str]]:
    """module -> the actlab modules it names in an import statement anywhere in its body.

    ``from pkg import name`` is an edge to ``pkg.name`` where that is a module, else to ``pkg``."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, (path, is_pkg) in mods.items():
        here = m if is_pkg else m.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    pkg = ".".join(base + ([node.module] if node.module else []))
                else:
                    pkg = node.module or ""
                targets = [f"{pkg}.{a.name}" if f"{pkg}.{a.name}" in mods else pkg for a in node.names]
            else:
                continue
            graph[m] |= {t for t in targets if t in mods and t != m}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_checker_finds_a_planted_circle():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_imports():
    g = import_graph()
    assert "actlab.registry" in g["actlab.api"]
    assert len(g) > 90


def test_no_import_circle_in_the_package():
    circles = cycles(import_graph())
    assert circles == [], "import circles (each line one strongly connected set):\n" + "\n".join(
        " <-> ".join(c) for c in circles
    )


# the layers above the core: adapters, the lab, the explorer, the verifier, and the tools on top
_ABOVE = ("actlab.torch", "actlab.keras", "actlab.jax", "actlab.lab", "actlab.explore", "actlab.check")
_TOOLS = ("actlab.cli", "actlab.__main__", "actlab.stubs", "actlab.plot")


def test_the_core_imports_no_layer_above_it():
    g = import_graph()
    upward = {
        m: sorted(d for d in deps if d.startswith(_ABOVE))
        for m, deps in g.items()
        if m != "actlab" and not m.startswith(_ABOVE + _TOOLS)
    }
    assert {m: d for m, d in upward.items() if d} == {}
