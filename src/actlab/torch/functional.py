"""Functional forms, one per catalog entry: ``functional.mish(x)``, ``functional.elu(x, alpha=0.5)``.

Positional arguments after the input follow the order of the spec's parameters (as torch's
``F.elu(input, alpha)``); vector and gated kinds take ``dim`` (default -1); randomized ones take
``training`` (default False, as ``F.rrelu``) and ``generator``. Every function takes ``impl``
("auto", "function", "native", "autograd"; see ``actlab.torch.function``), ``memory`` ("default",
"lean"; default: the process-wide tier set by ``actlab.torch.memory``) and, where an in-place
path exists, ``inplace=True``. Each function's ``inspect.signature`` (and ``functional.pyi``)
shows exactly these, from ``actlab.signatures``.
"""

from __future__ import annotations

from typing import Any, Callable

from ..api import Activation
from ..docs import docstring
from ..naming import export_functions
from ..registry import bind_params, resolve_params
from ..signatures import torch_function, with_signature
from ..spec import ActivationSpec
from .fast import eval_path, fast_path
from .function import _check_memory

__all__: list[str] = []


def _make(s: ActivationSpec) -> Callable[..., Any]:
    fast = fast_path(s, resolve_params(s, {}))  # the defaults, resolved once
    eval_fast = eval_path(s, resolve_params(s, {}))  # rrelu outside training

    def fn(
        input: Any,
        *args: Any,
        dim: int = -1,
        training: bool = False,
        generator: Any = None,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
        **params: Any,
    ) -> Any:
        if fast is not None and not args and not params and not inplace and impl == "auto":
            y = fast(input, _check_memory(memory), dim)
            if y is not None:
                return y
        if (
            eval_fast is not None
            and not training
            and generator is None
            and not args
            and not params
            and not inplace
            and impl == "auto"
        ):
            y = eval_fast(input, _check_memory(memory))
            if y is not None:
                return y
        act = Activation(s, bind_params(s, args, params))
        return act(
            input, dim=dim, training=training, generator=generator, impl=impl, inplace=inplace, memory=memory
        )

    fn.__name__ = fn.__qualname__ = s.name
    fn.__doc__ = docstring(s, form="function")
    return with_signature(fn, torch_function(s))


export_functions(globals(), __all__, _make)
