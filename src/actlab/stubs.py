"""``.pyi`` stubs for the modules whose contents are generated on import, for type checkers and IDEs.

``actlab.torch.functional``, ``actlab.torch`` (the module classes), ``actlab.keras`` and
``actlab.jax`` fill themselves from the registry, which a type checker cannot see. Their stubs
declare every public name: the module's own imports (read from its source, so the stub follows
it) and one ``def`` or ``class`` per catalog entry with the signature ``actlab.signatures``
gives it at run time. Regenerate with ``python -m actlab.stubs`` (a test fails when they are
stale)."""

from __future__ import annotations

import ast
import math
import sys
from inspect import Parameter, Signature
from pathlib import Path
from typing import Callable

from . import signatures
from .naming import class_name, export_functions
from .registry import all_specs
from .spec import ActivationSpec
from .torch.function import inplace_supported

__all__ = ["COMMAND", "STUBS", "render", "write"]

COMMAND = "python -m actlab.stubs"
_ROOT = Path(__file__).resolve().parent
_HEAD = f"# Generated from the catalog by `{COMMAND}`; do not edit (a test fails when it is stale).\n"


def _default(v: object) -> str:
    # a literal where the value reads back as itself; ``...`` otherwise (inf), as stubs write defaults
    if isinstance(v, str) and v.isidentifier():
        return f'"{v}"'
    if v is None or isinstance(v, (bool, int)) or (isinstance(v, float) and math.isfinite(v)):
        return repr(v)
    return "..."


def _params(sig: Signature) -> list[str]:
    out: list[str] = []
    star = False
    for p in sig.parameters.values():
        if p.kind is Parameter.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        prefix = "**" if p.kind is Parameter.VAR_KEYWORD else ""
        text = prefix + p.name
        if p.annotation is not Parameter.empty:
            text += f": {p.annotation}"
        if p.default is not Parameter.empty:
            text += f" = {_default(p.default)}"
        out.append(text)
    return out


def _def(name: str, sig: Signature, indent: str = "") -> str:
    params, tail = _params(sig), f") -> {sig.return_annotation}: ...\n"
    line = f"{indent}def {name}({', '.join(params)}{tail}"
    if len(line) <= 111:  # the project's line length, plus the newline
        return line
    inner = indent + "    "
    return f"{indent}def {name}(\n" + "".join(f"{inner}{p},\n" for p in params) + indent + tail


def _exports(specs: list[ActivationSpec]) -> tuple[list[str], dict[str, str]]:
    """The canonical names and, alias by alias, the canonical name each refers to: what
    ``naming.export_functions`` puts in an adapter module."""
    names: dict[str, ActivationSpec] = {}
    exported: list[str] = []
    export_functions(names, exported, lambda s: s)
    aliases = {k: s.name for k, s in names.items() if k != s.name}
    return exported, aliases


def _source_head(module: str) -> tuple[str, list[str]]:
    """The relative imports of the names a module exports by its literal ``__all__``, as re-exports
    (``from .x import y as y``), and that ``__all__``."""
    path = _ROOT.joinpath(*module.split(".")[1:], "__init__.py")
    tree = ast.parse(path.read_text())
    static: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            static = list(ast.literal_eval(node.value))
    lines = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            for a in node.names:
                bound = a.asname or a.name
                if bound in static:
                    lines.append(f"from {'.' * node.level}{node.module or ''} import {a.name} as {bound}\n")
    return "".join(lines), static


def _all(names: list[str]) -> str:
    return "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n"


def _functions(specs: list[ActivationSpec], make: Callable[[ActivationSpec], Signature]) -> str:
    exported, aliases = _exports(specs)
    by_name = {s.name: s for s in specs}
    text = "".join(_def(n, make(by_name[n])) for n in sorted(exported))
    if aliases:
        text += "\n# aliases that are Python identifiers\n"
        text += "".join(f"{k} = {v}\n" for k, v in sorted(aliases.items()))
    return text


def _classes(specs: list[ActivationSpec], base: str, make: Callable[[ActivationSpec], Signature]) -> str:
    out = []
    for s in sorted(specs, key=lambda s: class_name(s.name)):
        out.append(f"class {class_name(s.name)}({base}):\n{_def('__init__', make(s), '    ')}")
    return "\n".join(out)


def _torch_functional(specs: list[ActivationSpec]) -> str:
    exported, _ = _exports(specs)
    return f"{_HEAD}\nimport torch\nfrom torch import Tensor\n\n{_all(exported)}\n" + _functions(
        specs, lambda s: signatures.torch_function(s, inplace_supported(s, s.defaults()))
    )


def _torch(specs: list[ActivationSpec]) -> str:
    imports, static = _source_head("actlab.torch")
    return f"{_HEAD}\nimport torch\nfrom torch import Tensor\n\n{imports}\n{_all(static)}\n" + _classes(
        specs, "ActivationModule", lambda s: signatures.torch_module(s, inplace_supported(s, s.defaults()))
    )


def _keras(specs: list[ActivationSpec]) -> str:
    imports, static = _source_head("actlab.keras")
    exported, _ = _exports(specs)
    classes = sorted(class_name(s.name) for s in specs)
    return (
        f"{_HEAD}\nfrom typing import Any\n\n{imports}\n{_all(static + exported + classes)}\n"
        + _functions(specs, signatures.keras_function)
        + "\n"
        + _classes(specs, "ActivationLayer", signatures.keras_layer)
    )


def _jax(specs: list[ActivationSpec]) -> str:
    imports, static = _source_head("actlab.jax")
    exported, _ = _exports(specs)
    return (
        f"{_HEAD}\nfrom jax import Array\nfrom jax.typing import ArrayLike\n\n{imports}\n"
        f"{_all(static + exported)}\n" + _functions(specs, signatures.jax_function)
    )


# stub path (relative to the package) -> (the module it describes, its renderer)
STUBS: dict[str, tuple[str, Callable[[list[ActivationSpec]], str]]] = {
    "torch/functional.pyi": ("actlab.torch.functional", _torch_functional),
    "torch/__init__.pyi": ("actlab.torch", _torch),
    "keras/__init__.pyi": ("actlab.keras", _keras),
    "jax/__init__.pyi": ("actlab.jax", _jax),
}


def render() -> dict[Path, str]:
    """Every stub's path and text, from the registry as it is now."""
    specs = list(all_specs())
    return {_ROOT / rel: make(specs) for rel, (_, make) in STUBS.items()}


def write() -> list[Path]:
    """Write the stubs that differ from ``render()``; the paths written."""
    changed = []
    for path, text in render().items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


def main() -> int:
    for path in write():
        print(f"wrote {path.relative_to(_ROOT.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
