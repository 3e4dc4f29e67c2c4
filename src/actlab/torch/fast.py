"""The default path without per-call resolution, for modules and parameterless functional calls.

A module's fixed parameters are known when it is built, and so is whether torch has a kernel for
them (``native``) or a kernel with a repaired tail (``repair``). ``fast_path`` resolves that once
and returns a callable that, per call, checks only what can change between calls (the input's
type and dtype, grad mode, the precision and memory switches) and then calls the kernel: about
as many Python calls as ``torch.nn.ReLU`` makes. Anything else returns None, and the caller takes
the general path (which validates, casts and raises the clear errors).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import torch

from .. import api as _api
from ..ops.torch import _traced, _transformed
from ..spec import ActivationSpec
from .ckernels import ckernels_enabled, kernels_for
from .fewbit import FEWBIT_TIERS
from .function import _FUSED_DTYPES, _Apply, _call, _Run, memory_tier, plan_for
from .native import native_kernel, takes_half, trains_exactly
from .repair import apply_repaired, repaired_kernel

__all__ = ["fast_path"]

_FLOATS = frozenset((torch.float32, torch.float64, torch.float16, torch.bfloat16))


def fast_path(s: ActivationSpec, params: Mapping[str, Any]) -> Callable[..., torch.Tensor | None] | None:
    """``run(x, memory=None)`` -> f(x) along the default path, or None where it does not apply;
    None (no fast path at all) for functions without a torch kernel for these parameters."""
    if s.kind != "elementwise" or s.stochastic:
        return None
    params = dict(params)
    if any(isinstance(v, torch.Tensor) for v in params.values()):
        return None
    kernel = native_kernel(s.name, params)
    repair = None if kernel is not None else repaired_kernel(s.name, params)
    if kernel is None and repair is None:
        return _fused_path(s, params)
    masked = kernel is not None and plan_for(s, params).strategy == "mask"
    half_ok = takes_half(params)
    name = s.name
    precision = _api._PRECISION

    def run(x: Any, memory: str | None = None) -> torch.Tensor | None:
        if not isinstance(x, torch.Tensor) or x.dtype not in _FLOATS or precision["mode"] != "fast":
            return None
        if _transformed():
            return None  # forward mode and torch.func: the general path picks what they can differentiate
        needs_grad = x.requires_grad and torch.is_grad_enabled()
        if needs_grad and memory_tier(memory) in FEWBIT_TIERS:
            return None  # a code of f' (or the 1-bit mask) instead of what the kernel saves
        if kernel is not None:
            if needs_grad and (
                (masked and memory_tier(memory) == "lean") or not trains_exactly(name, x.dtype)
            ):
                return None
            if x.dtype == torch.float16 and not half_ok:
                return None  # a parameter past float16's range: the general path works in float32
            return kernel(x, None, **params)
        if _traced() or _transformed():
            return None  # a compiler, trace or transform gets the spec's plain ops (the general path)
        return apply_repaired(s, repair, params, x, needs_grad)

    return run


def _fused_path(s: ActivationSpec, params: dict[str, Any]) -> Callable[..., torch.Tensor | None] | None:
    """The Function on its fused kernels, with the plan and the run built once: float32/float64
    CPU tensors outside transforms and compilers; the kernels themselves are built on first use."""
    plan = plan_for(s, params)
    if plan.strategy not in ("input", "output"):
        return None
    run_ = _Run(s, plan, tuple(params.items()), (), (), None, None, False)
    precision = _api._PRECISION
    state: dict[str, Any] = {}

    def run(x: Any, memory: str | None = None) -> torch.Tensor | None:
        if (
            not isinstance(x, torch.Tensor)
            or x.dtype not in _FUSED_DTYPES
            or precision["mode"] != "fast"
            or x.device.type != "cpu"
            or _traced()
            or _transformed()
        ):
            return None
        if "ks" not in state:
            state["ks"] = kernels_for(s, params)
        if state["ks"] is None or not ckernels_enabled():
            return None
        if x.requires_grad and torch.is_grad_enabled():
            if memory_tier(memory) in FEWBIT_TIERS:
                return None
            return _Apply.apply(x, run_)
        with torch.no_grad():
            return _call(run_, 2, x)

    return run
