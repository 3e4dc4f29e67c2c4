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
from ..registry import all_specs, bind_params, python_names
from ..spec import ActivationSpec

__all__: list[str] = []


def _make(s: ActivationSpec) -> Callable[..., Any]:

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
        act = Activation(s, bind_params(s, args, params))
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
        for key in python_names(s)[1:]:
            g.setdefault(key, f)


_populate()
