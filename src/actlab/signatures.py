"""The visible signatures of the generated functions and classes, built from the specs.

The generated callables take ``(input, *args, ..., **params)`` at run time (``registry.bind_params``
checks them), which tells an IDE nothing. Each one carries a ``__signature__`` from here instead:
the input, the spec's parameters in order (positional-or-keyword, with their defaults, as torch's
``F.elu(input, alpha=1.0, inplace=False)``), then only the keywords that apply to that function
(an axis for vector and gated kinds, the random-draw keywords for stochastic ones, ``inplace``
where an in-place path exists). ``actlab.stubs`` writes the same signatures into ``.pyi`` files.

Annotations are text (as ``from __future__ import annotations`` leaves them everywhere else in
the package), so building a signature needs none of the array libraries, and the stubs print them
as they are.
"""

from __future__ import annotations

from inspect import Parameter, Signature
from typing import Any, Callable

from .spec import ActivationSpec, Param

__all__ = [
    "jax_function",
    "keras_function",
    "keras_layer",
    "torch_function",
    "torch_module",
]

_POS = Parameter.POSITIONAL_OR_KEYWORD
_KW = Parameter.KEYWORD_ONLY


def _annotation(p: Param, array: str) -> str:
    """``int``/``bool``/``str`` for structural parameters; a number (or, where the framework takes
    one, an array of that framework) otherwise."""
    if p.integer:
        return "int"
    if isinstance(p.default, bool):
        return "bool"
    if isinstance(p.default, str):
        return "str"
    return f"float | {array}" if array else "float"


def _params(s: ActivationSpec, kind: Any = _POS, array: str = "") -> list[Parameter]:
    return [Parameter(p.name, kind, default=p.default, annotation=_annotation(p, array)) for p in s.params]


def _kw(name: str, annotation: str, default: Any) -> Parameter:
    return Parameter(name, _KW, default=default, annotation=annotation)


def _self() -> Parameter:
    return Parameter("self", _POS)


def torch_function(s: ActivationSpec, inplace: bool) -> Signature:
    """``actlab.torch.functional.NAME``; ``inplace``: whether the torch adapter has an in-place form
    (``actlab.torch.function.inplace_supported``; the adapter says, this module imports none)."""
    ps = [Parameter("input", _POS, annotation="Tensor"), *_params(s, array="Tensor")]
    if s.kind != "elementwise":
        ps.append(_kw("dim", "int", -1))
    if s.stochastic:
        ps += [_kw("training", "bool", False), _kw("generator", "torch.Generator | None", None)]
    if inplace:
        ps.append(_kw("inplace", "bool", False))
    ps += [_kw("impl", "str", "auto"), _kw("memory", "str | None", None)]
    return Signature(ps, return_annotation="Tensor")


def torch_module(s: ActivationSpec, inplace: bool) -> Signature:
    """``__init__`` of the generated ``nn.Module`` class (``self`` first). Parameters are keywords,
    as the module takes them; ``num_parameters``, ``init``, ``learnable``, ``device`` and ``dtype``
    only where there is something to learn, ``inplace`` only where there is not."""
    learn = [p for p in s.params if p.learnable]
    ps = [_self()]
    if learn:
        ps.append(Parameter("num_parameters", _POS, default=1, annotation="int"))
    ps += _params(s, _KW, array="Tensor" if learn else "")
    if s.kind != "elementwise":
        ps.append(_kw("dim", "int", -1))
    if len(learn) == 1:
        ps.append(_kw("init", "float | None", None))
    if learn:
        ps.append(_kw("learnable", "bool", True))
    elif inplace:
        ps.append(_kw("inplace", "bool", False))
    ps += [_kw("impl", "str", "auto"), _kw("memory", "str | None", None)]
    if learn:
        ps += [_kw("device", "torch.device | str | None", None), _kw("dtype", "torch.dtype | None", None)]
    return Signature(ps, return_annotation="None")


def keras_function(s: ActivationSpec) -> Signature:
    """``actlab.keras.NAME``: ``x``, the parameters (constants), ``axis``, ``training``/``seed``."""
    ps = [Parameter("x", _POS, annotation="Any"), *_params(s)]
    if s.kind != "elementwise":
        ps.append(_kw("axis", "int | tuple[int, ...]", -1))
    if s.stochastic:
        ps += [_kw("training", "bool", False), _kw("seed", "Any", None)]
    return Signature(ps, return_annotation="Any")


def keras_layer(s: ActivationSpec) -> Signature:
    """``__init__`` of the generated Keras layer (``self`` first); ``**kwargs`` are Keras's own
    layer arguments (``name``, ``dtype``, ``trainable``, ...)."""
    ps = [_self(), *_params(s, _KW)]
    if any(p.learnable and p.per_channel for p in s.params):
        ps.append(_kw("shared_axes", "int | list[int] | str | None", None))
    if s.kind != "elementwise":
        ps.append(_kw("axis", "int | tuple[int, ...] | list[int]", -1))
    if s.stochastic:
        ps.append(_kw("seed", "int | None", None))
    ps.append(Parameter("kwargs", Parameter.VAR_KEYWORD, annotation="Any"))
    return Signature(ps, return_annotation="None")


def jax_function(s: ActivationSpec) -> Signature:
    """``actlab.jax.NAME``: ``x``, the parameters (a number or a differentiable array), ``axis``,
    ``training``/``key``."""
    ps = [Parameter("x", _POS, annotation="ArrayLike"), *_params(s, array="Array")]
    if s.kind != "elementwise":
        ps.append(_kw("axis", "int | tuple[int, ...]", -1))
    if s.stochastic:
        ps += [_kw("training", "bool", False), _kw("key", "Array | None", None)]
    return Signature(ps, return_annotation="Array")


def with_signature(f: Any, sig: Signature) -> Any:
    """``f`` showing ``sig`` to ``inspect.signature`` and IDEs (what ``f`` accepts is unchanged)."""
    f.__signature__ = sig
    return f


def init_with_signature(base_init: Callable[..., None], module: str, owner: str, sig: Signature) -> Any:
    """An ``__init__`` for ``owner``, a generated subclass in ``module``, that shows ``sig`` and runs
    its base class's ``base_init`` (a class's signature is its ``__init__``'s, less ``self``)."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base_init(self, *args, **kwargs)

    # where the class lives (documentation tools resolve a method through its module)
    __init__.__module__, __init__.__qualname__ = module, f"{owner}.__init__"
    return with_signature(__init__, sig)
