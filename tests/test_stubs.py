"""The committed ``.pyi`` stubs are what ``python -m actlab.stubs`` writes, declare every public name
of their modules, and ship with the package (with ``py.typed``)."""

from __future__ import annotations

import ast
import fnmatch
import importlib
import inspect
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported (xdist imports all modules)

import pytest  # noqa: E402

from actlab import stubs  # noqa: E402

PACKAGE = Path(stubs.__file__).resolve().parent
ROOT = PACKAGE.parents[1]


def test_committed_stubs_are_current():
    stale = [
        str(path.relative_to(ROOT))
        for path, text in stubs.render().items()
        if not path.exists() or path.read_text() != text
    ]
    assert not stale, f"stale or missing stubs {stale}: regenerate them with `{stubs.COMMAND}`"


def _declared(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom) and node.level:  # re-exports: `from .x import y as y`
            names |= {a.asname for a in node.names if a.asname == a.name}
    return names - {"__all__"}


@pytest.mark.parametrize("rel", sorted(stubs.STUBS))
def test_stub_declares_every_public_name(rel):
    module_name = stubs.STUBS[rel][0]
    if module_name.split(".")[1] in ("keras", "jax"):
        pytest.importorskip(module_name.split(".")[1])
    mod = importlib.import_module(module_name)
    public = set(mod.__all__) | {
        # what the module generates (functions, aliases, classes) is defined as one of its own
        k
        for k in dir(mod)
        if not k.startswith("_") and getattr(getattr(mod, k), "__module__", None) == module_name
    }
    declared = _declared(PACKAGE / rel)
    assert not public - declared, f"{rel} lacks {sorted(public - declared)}; run `{stubs.COMMAND}`"
    assert not declared - public, f"{rel} declares names {module_name} lacks: {sorted(declared - public)}"
    stub_all = ast.literal_eval(
        next(
            n.value
            for n in ast.parse((PACKAGE / rel).read_text()).body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"
        )
    )
    assert sorted(stub_all) == sorted(mod.__all__)


def test_stub_functions_have_the_runtime_signatures():
    from actlab.torch import functional as F

    tree = ast.parse((PACKAGE / "torch/functional.pyi").read_text())
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for name, node in defs.items():
        a = node.args
        stub = [p.arg for p in a.args] + [p.arg for p in a.kwonlyargs]
        assert stub == list(inspect.signature(getattr(F, name)).parameters), name
    # elu as torch's: the input and alpha, positional, then keywords
    elu = defs["elu"].args
    assert [p.arg for p in elu.args] == ["input", "alpha"]
    assert ast.literal_eval(elu.defaults[0]) == 1.0


def test_py_typed_and_stubs_are_package_data():
    tomllib = pytest.importorskip("tomllib")
    assert (PACKAGE / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]

    def shipped(path: Path) -> bool:
        rel = path.relative_to(PACKAGE.parent)
        package = ".".join(rel.parent.parts)
        patterns = package_data.get(package, []) + package_data.get("*", [])
        return any(fnmatch.fnmatch(rel.name, p) for p in patterns)

    for path in [PACKAGE / "py.typed", *(PACKAGE / rel for rel in stubs.STUBS)]:
        assert shipped(path), f"{path.relative_to(ROOT)} is not in [tool.setuptools.package-data]"
