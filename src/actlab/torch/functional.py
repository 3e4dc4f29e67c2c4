"""Functional forms, one per catalog entry: ``functional.mish(x)``, ``functional.elu(x, alpha=0.5)``.

Positional arguments after the input follow the order of the spec's parameters (as torch's
``F.elu(input, alpha)``); vector and gated kinds take ``dim`` (default -1); randomized ones take
``training`` (default False, as ``F.rrelu``) and ``generator``. Every function takes ``impl``
("auto", "function", "native", "autograd"; see ``actlab.torch.function``) and, where an in-place
path exists, ``inplace=True``.
"""

from __future__ import annotations

from typing import Any, Callable

from ..api import Activation
from ..docs import docstring
from ..errors import ParameterError
from ..registry import all_specs, resolve_params
from ..spec import ActivationSpec

__all__: list[str] = []


def _make(s: ActivationSpec) -> Callable[..., Any]:
    names = [p.name for p in s.params]

    def fn(
        input: Any,
        *args: Any,
        dim: int = -1,
        training: bool = False,
        generator: Any = None,
        inplace: bool = False,
        impl: str = "auto",
        **params: Any,
    ) -> Any:
        if len(args) > len(names):
            raise ParameterError(
                f"{s.name} takes at most {len(names)} parameters after the input "
                f"({', '.join(names) or 'none'}), got {len(args)}"
            )
        for n, v in zip(names, args):
            if n in params:
                raise ParameterError(f"{s.name}: parameter {n!r} given twice")
            params[n] = v
        act = Activation(s, resolve_params(s, params))
        return act(input, dim=dim, training=training, generator=generator, impl=impl, inplace=inplace)

    fn.__name__ = fn.__qualname__ = s.name
    fn.__doc__ = docstring(s, form="function")
    return fn


def _populate() -> None:
    g = globals()
    for s in all_specs():
        f = _make(s)
        g[s.name] = f
        __all__.append(s.name)
        for a in s.aliases:
            key = a.lower().replace("-", "_")
            if key.isidentifier() and key not in g:
                g[key] = f


_populate()
