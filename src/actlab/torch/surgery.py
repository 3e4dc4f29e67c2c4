"""Model surgery: swap the activation modules of an existing ``nn.Module`` tree.

>>> import actlab.torch as at
>>> replaced = at.replace_activations(model, "relu", "mish")
>>> [(name, type(a).__name__, type(b).__name__) for name, a, b in replaced]
[('features.2', 'ReLU', 'Mish'), ...]

Only *modules* can be swapped: an activation called as a function inside ``forward``
(``F.relu(x)``, ``torch.relu(x)``, ``x.relu()``) is not an object in the tree, so nothing outside
the source code can replace it. When ``old`` matches no module, the error says so and names the
functional calls it finds by reading the source of the model's own classes (best-effort: it
cannot follow helper functions defined outside those classes or functions passed around under
other names).
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
import warnings
from collections import Counter
from typing import Any, Callable, Iterator, Union

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ParameterError, UnknownActivationError
from ..naming import class_name
from ..registry import canonical, normalize
from ..registry import spec as get_spec
from .modules import ActivationModule, create

__all__ = ["TORCH_ELEMENTWISE", "TORCH_EQUIVALENTS", "replace_activations"]

# torch.nn classes that compute exactly the catalog function of the same name (parameters map
# one to one; the derivative at a kink may follow torch's convention, see docs/torch.md). Subclasses
# are matched through their nearest listed ancestor, so nn.ReLU6 (a Hardtanh subclass) is relu6.
# nn.Identity is left out on purpose: models use it as a placeholder for removed layers, not as an
# activation; pass old=nn.Identity to swap it anyway.
TORCH_EQUIVALENTS: dict[type[nn.Module], str] = {
    nn.CELU: "celu",
    nn.ELU: "elu",
    nn.GELU: "gelu",
    nn.GLU: "glu",
    nn.Hardshrink: "hardshrink",
    nn.Hardsigmoid: "hardsigmoid",
    nn.Hardswish: "hardswish",
    nn.Hardtanh: "hardtanh",
    nn.LeakyReLU: "leaky_relu",
    nn.LogSigmoid: "log_sigmoid",
    nn.LogSoftmax: "log_softmax",
    nn.Mish: "mish",
    nn.PReLU: "prelu",
    nn.ReLU: "relu",
    nn.ReLU6: "relu6",
    nn.RReLU: "rrelu",
    nn.SELU: "selu",
    nn.SiLU: "silu",
    nn.Sigmoid: "sigmoid",
    nn.Softmax: "softmax",
    nn.Softmin: "softmin",
    nn.Softplus: "softplus",
    nn.Softshrink: "softshrink",
    nn.Softsign: "softsign",
    nn.Tanh: "tanh",
    nn.Tanhshrink: "tanhshrink",
    nn.Threshold: "threshold",
}
# the elementwise ones: softmax-like and gated modules act along an axis, so a per-unit statistic
# (dead or saturated units) has no meaning for them
TORCH_ELEMENTWISE: tuple[type[nn.Module], ...] = tuple(
    c for c, n in TORCH_EQUIVALENTS.items() if get_spec(n).kind == "elementwise"
)

# Spellings torch uses for a catalog function besides its name and aliases.
_EXTRA_SPELLINGS = {"sigmoid": ("expit",)}
# Names that also spell unrelated torch functions (F.linear is a layer, not the identity), so a
# call with that name says nothing about activations.
_NOT_ACTIVATION_CALLS = frozenset({"identity", "linear"})

Old = Union[str, type, Callable[[nn.Module], bool], tuple, list]


def _activation_name(module: nn.Module) -> str | None:
    """The catalog name a module computes: its spec for actlab modules, else the nearest listed
    torch.nn ancestor class."""
    if isinstance(module, ActivationModule):
        return module.spec.name
    for cls in type(module).__mro__:
        if cls in TORCH_EQUIVALENTS:
            return TORCH_EQUIVALENTS[cls]
    return None


def _matcher(old: Any) -> tuple[Callable[[nn.Module], bool], list[str], str]:
    """A predicate over modules, the catalog names it stands for (for the functional-call scan)
    and a description for messages."""
    if isinstance(old, (tuple, list)):
        if not old:
            raise ParameterError(
                "replace_activations: old is an empty sequence; give at least one name, class or predicate"
            )
        parts = [_matcher(o) for o in old]
        names = [n for _, ns, _ in parts for n in ns]
        return (
            lambda m: any(p(m) for p, _, _ in parts),
            list(dict.fromkeys(names)),
            " or ".join(d for _, _, d in parts),
        )
    if isinstance(old, str):
        name = canonical(old)  # unknown names raise UnknownActivationError with suggestions
        torch_classes = [c.__name__ for c, n in TORCH_EQUIVALENTS.items() if n == name]
        what = ", ".join([f"nn.{c}" for c in torch_classes] + [f"actlab {class_name(name)}"])
        return (lambda m: _activation_name(m) == name, [name], f"old={old!r} ({what} modules)")
    if isinstance(old, type):
        if not issubclass(old, nn.Module):
            raise ParameterError(
                f"replace_activations: old={old.__name__} is a class but not an nn.Module; give an "
                f"activation name, an nn.Module class or a predicate module -> bool"
            )
        spec = getattr(old, "spec", None)
        names = [spec.name] if spec is not None else []
        if not names:
            names = [n for c, n in TORCH_EQUIVALENTS.items() if issubclass(old, c)][:1]
        return (lambda m: isinstance(m, old), names, f"old={old.__name__} (instances and subclasses)")
    if isinstance(old, nn.Module):
        raise ParameterError(
            f"replace_activations: old is a module instance ({old!r}); give its class "
            f"(old={type(old).__name__}) or a predicate such as old=lambda m: m is that_module"
        )
    if callable(old):
        return (_checked_predicate(old), [], f"the predicate {getattr(old, '__name__', repr(old))}")
    raise ParameterError(
        f"replace_activations: old must be an activation name, an nn.Module class, a predicate "
        f"module -> bool, or a tuple of these; got {type(old).__name__} {old!r}"
    )


def _checked_predicate(pred: Callable[[nn.Module], Any]) -> Callable[[nn.Module], bool]:
    def check(m: nn.Module) -> bool:
        try:
            r = pred(m)
        except Exception as e:
            raise ParameterError(
                f"replace_activations: the predicate {getattr(pred, '__name__', pred)!r} raised "
                f"{type(e).__name__}: {e} on {type(m).__name__}; old= takes a function module -> bool "
                f"(to match torch functions such as F.relu, give a name: old='relu')"
            ) from e
        if not isinstance(r, bool):
            raise ParameterError(
                f"replace_activations: the predicate {getattr(pred, '__name__', pred)!r} returned "
                f"{type(r).__name__} for {type(m).__name__}, not a bool; old= takes a function module -> bool"
            )
        return r

    return check


# --------------------------------------------------------------------------- construction
def _reference_tensor(*modules: nn.Module) -> torch.Tensor | None:
    """The first floating-point parameter or buffer of the first module that has one: where the
    replaced activation had learned values it keeps their device and dtype, else its
    neighbourhood's (an nn.ReLU owns no tensor; the layers around it tell the model's dtype)."""
    for m in modules:
        for t in (*m.parameters(), *m.buffers()):
            if t.is_floating_point():
                return t
    return None


def _build(new: Any, old_module: nn.Module, params: dict[str, Any]) -> nn.Module:
    kw = dict(params)
    target = None
    if isinstance(new, str):
        target = get_spec(new)
    elif isinstance(new, type) and issubclass(new, ActivationModule):
        target = new.spec
    if target is not None:
        # Carry the structure the old module was built with when the new one reads it the same
        # way: the axis of softmax/GLU-like kinds, the channel count of per-channel parameters.
        old_dim = getattr(old_module, "dim", None)
        if target.kind != "elementwise" and "dim" not in kw and isinstance(old_dim, int):
            kw["dim"] = old_dim
        old_c = getattr(old_module, "num_parameters", 1)
        if target.learnable and "num_parameters" not in kw and isinstance(old_c, int) and old_c > 1:
            kw["num_parameters"] = old_c
    if isinstance(new, nn.Module):
        if kw:
            raise ParameterError(
                f"replace_activations: new is a module instance ({new!r}) and parameters {kw} were "
                f"given; pass a name or class to construct with parameters"
            )
        # One copy per site: a shared instance would tie the learned values of every site.
        return copy.deepcopy(new)
    return create(new, **kw)


# --------------------------------------------------------------------------- surgery
def _place(parent: nn.Module, attr: str, module: nn.Module) -> None:
    setattr(parent, attr, module)
    if attr == "activation" and isinstance(getattr(parent, "activation_relu_or_gelu", None), int):
        # nn.TransformerEncoderLayer's fused inference path reads this flag, set at construction,
        # and then computes relu/gelu itself, ignoring self.activation.
        # (typed through nn.Module.__getattr__ as a tensor or module; the flag is an int)
        parent.activation_relu_or_gelu = 0  # type: ignore[assignment]


def replace_activations(
    model: nn.Module,
    old: Old,
    new: Any,
    **params: Any,
) -> list[tuple[str, nn.Module, nn.Module]]:
    """Replace every activation module of ``model`` that matches ``old`` by a new one, in place.

    Args:
        model: any ``nn.Module`` tree (``Sequential``, ``ModuleList``, ``ModuleDict`` and plain
            attributes alike).
        old: what to replace. An activation name (canonical or alias, e.g. ``"relu"``) matches
            actlab modules of that function and the torch.nn classes that compute it
            (``TORCH_EQUIVALENTS``: ``nn.ReLU`` for ``"relu"``, ``nn.SiLU`` for ``"silu"``, ...);
            an ``nn.Module`` class matches its instances and subclasses; a predicate
            ``module -> bool`` matches where it returns True; a tuple matches any of its items.
        new: what to put there, anything ``create`` accepts: an actlab name (``"mish"``), an
            ``nn.Module`` class, a module instance (deep-copied per site, so sites do not share
            learned values), a callable (wrapped in a module) or None (``nn.Identity``).
        **params: construction parameters of ``new`` (``negative_slope=0.2``,
            ``num_parameters=64``, ...).

    The new modules take the device and dtype of the old module's learned values, or, where the
    old one had none (``nn.ReLU``), of its parent's; they keep its train/eval mode. For actlab
    targets, ``dim`` (softmax-like and gated kinds) and ``num_parameters`` (per-channel learnable
    parameters, e.g. from ``nn.PReLU(64)``) carry over unless given. A module registered under
    several names is replaced by one new module at all of them. Hooks registered on an old
    module do not move to the new one.

    Returns:
        ``[(qualified_name, old_module, new_module), ...]`` in traversal order.

    Raises:
        ParameterError: nothing matched ``old``. The message lists the activation modules the model
            does contain and the functional calls of the same activation (``F.relu(x)``,
            ``x.relu()``, a function held in an attribute as ``nn.TransformerEncoderLayer`` does)
            found in the model's classes: those are invisible to module surgery. ``old`` given as
            the model itself is refused too.
        UnknownActivationError: ``old`` or ``new`` is a name the catalog does not know.

    A warning is emitted when modules were replaced but functional calls of the same activation
    remain in the source, since the swap is then only partial.
    """
    if not isinstance(model, nn.Module):
        raise ParameterError(
            f"replace_activations takes an nn.Module, got {type(model).__name__}; to build a single "
            f"activation use actlab.torch.create(...)"
        )
    match, names, what = _matcher(old)
    if isinstance(new, str):
        canonical(new)  # fail before touching the model on an unknown name
    if match(model):
        raise ParameterError(
            f"replace_activations: the model itself ({type(model).__name__}) matches {what}; there is "
            f"no parent to put the replacement in. Build the replacement with actlab.torch.create(new)."
        )
    replaced: list[tuple[str, nn.Module, nn.Module]] = []
    memo: dict[int, nn.Module] = {}

    def visit(m: nn.Module, prefix: str, seen: set[int]) -> None:
        if id(m) in seen:
            return
        seen.add(id(m))
        for attr, child in list(m._modules.items()):
            if child is None:
                continue
            parent, qual = m, (f"{prefix}.{attr}" if prefix else attr)
            if id(child) in memo:  # the same instance under another name: keep the sharing
                _place(parent, attr, memo[id(child)])
                replaced.append((qual, child, memo[id(child)]))
                continue
            if match(child):
                fresh = _build(new, child, params)
                ref = _reference_tensor(child, parent, model)
                if ref is not None:
                    fresh = fresh.to(device=ref.device, dtype=ref.dtype)
                fresh.train(child.training)
                memo[id(child)] = fresh
                _place(parent, attr, fresh)
                replaced.append((qual, child, fresh))
            else:
                visit(child, qual, seen)

    visit(model, "", set())
    leftover = _functional_uses(model, names) if names else []
    if not replaced:
        raise ParameterError(_nothing_matched(model, what, names, leftover, new))
    if leftover:
        warnings.warn(
            f"replace_activations replaced {len(replaced)} module(s) matching {what}, but these "
            f"functional calls of the same activation remain (module surgery cannot replace "
            f"calls inside forward):\n" + "\n".join(f"  - {u}" for u in leftover),
            stacklevel=2,
        )
    return replaced


# --------------------------------------------------------------------------- diagnostics
def _spellings(names: list[str]) -> set[str]:
    out: set[str] = set()
    for n in names:
        s = get_spec(n)
        out |= {s.name, *(normalize(a) for a in s.aliases), *_EXTRA_SPELLINGS.get(s.name, ())}
    return out - _NOT_ACTIVATION_CALLS


def _torch_functions(spellings: set[str]) -> dict[int, str]:
    """id -> dotted name of the torch and actlab functions spelled like the activation."""
    from . import functional as at_functional

    out: dict[int, str] = {}
    for sp in sorted(spellings):
        for mod, label in (
            (F, "torch.nn.functional"),
            (torch, "torch"),
            (torch.special, "torch.special"),
            (at_functional, "actlab.torch.functional"),
        ):
            for variant in (sp, sp + "_"):
                fn = getattr(mod, variant, None)
                if callable(fn) and not isinstance(fn, type):
                    out.setdefault(id(fn), f"{label}.{variant}")
    return out


def _call_name(func: ast.expr) -> tuple[str | None, bool]:
    """The called name and whether it is an attribute of ``self`` (a submodule call, which
    surgery does see)."""
    if isinstance(func, ast.Name):
        return func.id, False
    if isinstance(func, ast.Attribute):
        root = func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        return func.attr, isinstance(root, ast.Name) and root.id == "self"
    return None, False


def _is_ours(cls: type) -> bool:
    mod = getattr(cls, "__module__", "") or ""
    return not (mod == "torch" or mod.startswith(("torch.", "actlab.")) or cls in (nn.Module, object))


def _source_uses(cls: type, spellings: set[str], names: list[str]) -> Iterator[str]:
    for attr, fn in vars(cls).items():
        fn = getattr(fn, "__func__", fn)  # staticmethod / classmethod
        if not inspect.isfunction(fn):
            continue
        try:
            src = textwrap.dedent(inspect.getsource(fn))
            tree = ast.parse(src)
            first = fn.__code__.co_firstlineno
            file = inspect.getsourcefile(fn) or "?"
        except (OSError, TypeError, SyntaxError):  # no source (REPL, compiled): best-effort
            continue
        short = file.replace("\\", "/").rsplit("/", 1)[-1]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called, on_self = _call_name(node.func)
            # Capitalised names construct classes (self.act = nn.ReLU() in __init__ builds a
            # submodule, which surgery sees); functions and tensor methods are lower case.
            hit = (
                called is not None
                and not on_self
                and not called[:1].isupper()
                and normalize(called).rstrip("_") in spellings
            )
            # actlab.get("relu")(x): a call of the result of get("<name>")
            if not hit and isinstance(node.func, ast.Call):
                inner, _ = _call_name(node.func.func)
                arg0 = node.func.args[0] if node.func.args else None
                if inner == "get" and isinstance(arg0, ast.Constant) and isinstance(arg0.value, str):
                    try:
                        hit = canonical(arg0.value) in names
                    except UnknownActivationError:
                        hit = False
            if hit:
                line = first + node.lineno - 1
                yield f"{cls.__qualname__}.{attr} ({short}:{line}): {ast.unparse(node.func)}(...)"


def _functional_uses(model: nn.Module, names: list[str]) -> list[str]:
    """Best-effort list of places that apply the activation as a function, not as a module."""
    spellings = _spellings(names)
    if not spellings:
        return []
    fns = _torch_functions(spellings)
    out: list[str] = []
    classes: dict[type, None] = {}
    for qual, m in model.named_modules():
        for attr, v in vars(m).items():
            if not attr.startswith("_") and callable(v) and id(v) in fns:
                where = f"{qual!r}" if qual else "the model"
                out.append(
                    f"{where}.{attr} of {type(m).__name__} holds the function {fns[id(v)]} "
                    f"(called as a function, not a module)"
                )
        for cls in type(m).__mro__:
            if _is_ours(cls):
                classes.setdefault(cls)
    for cls in classes:
        out.extend(_source_uses(cls, spellings, names))
    return list(dict.fromkeys(out))


def _nothing_matched(model: nn.Module, what: str, names: list[str], uses: list[str], new: Any) -> str:
    present = Counter(type(m).__name__ for _, m in model.named_modules() if _activation_name(m) is not None)
    lines = [f"replace_activations: no module of {type(model).__name__} matched {what}."]
    fn_hint = f"actlab.torch.functional.{canonical(new)}" if isinstance(new, str) else "the new function"
    if uses:
        lines.append(
            "Activations applied as functions are not modules, so module surgery can neither see "
            "nor replace them; found:"
        )
        lines += [f"  - {u}" for u in uses]
        lines.append(
            "Make them modules (self.act = nn.ReLU() in __init__, self.act(x) in forward; for "
            "nn.TransformerEncoderLayer pass activation=<module>), or call the new function there "
            f"({fn_hint})."
        )
    elif names:
        lines.append(
            f"No functional call of {', '.join(names)} was found in the source of the model's classes "
            f"either (the scan is best-effort: it reads only the methods of the model's own classes)."
        )
    if present:
        lines.append(
            "Activation modules present: " + ", ".join(f"{k} x{v}" for k, v in sorted(present.items())) + "."
        )
    else:
        lines.append("The model contains no activation module actlab recognises.")
    return "\n".join(lines)
