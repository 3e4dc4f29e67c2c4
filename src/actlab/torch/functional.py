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

import math
from typing import Any, Callable

import torch

from .._lru import LRU
from ..api import Activation
from ..docs import docstring
from ..naming import export_functions
from ..registry import bind_params, resolve_params
from ..signatures import torch_function, with_signature
from ..spec import ActivationSpec
from .fast import eval_path, fast_path
from .function import _check_memory, inplace_supported

__all__: list[str] = []

_F32_MAX = float(torch.finfo(torch.float32).max)


def _setting(args: tuple, params: dict[str, Any]) -> tuple | None:
    """A key for parameters given as plain numbers and strings (None for arrays and tensors, which
    are checked per call). The type and repr are kept: -0.0 and 0.0, 1 and 1.0 are different
    settings to the checks."""
    items = [(i, v) for i, v in enumerate(args)] + sorted(params.items())
    if not all(type(v) in (int, float, str, bool) for _, v in items):
        return None
    return tuple((k, type(v).__name__, repr(v)) for k, v in items)


def _fits_float32(params: dict[str, Any]) -> bool:
    for v in params.values():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            try:
                f = float(v)
            except OverflowError:
                return False
            if math.isfinite(f) and abs(f) > _F32_MAX:
                return False
    return True


def _make(s: ActivationSpec) -> Callable[..., Any]:
    fast = fast_path(s, resolve_params(s, {}))  # the defaults, resolved once
    eval_fast = eval_path(s, resolve_params(s, {}))  # rrelu outside training
    # other settings, resolved and checked once each: (fast path or None,)
    settings: LRU = LRU(64)

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
        elif (args or params) and not inplace and impl == "auto" and not s.stochastic:
            key = _setting(args, params)
            if key is not None:
                entry = settings.get(key)
                if entry is None:
                    # a bad value raises here, every time: only settings that passed are kept
                    resolved = bind_params(s, args, params)
                    entry = settings[key] = (fast_path(s, resolved), _fits_float32(resolved))
                run, fits32 = entry
                # a value past float32's range is refused for float32 work by the general path
                if run is not None and (fits32 or getattr(input, "dtype", None) == torch.float64):
                    y = run(input, _check_memory(memory), dim)
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
    return with_signature(fn, torch_function(s, inplace_supported(s, s.defaults())))


export_functions(globals(), __all__, _make)
