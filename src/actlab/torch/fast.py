"""The default path without per-call resolution, for modules and parameterless functional calls.

A module's fixed parameters are known when it is built, and so is whether torch has a kernel for
them (``native``) or a kernel with a repaired tail (``repair``). ``fast_path`` resolves that once
and returns a callable that, per call, checks only what can change between calls (the input's
type and dtype, grad mode, the precision and memory switches) and then calls the kernel: about
as many Python calls as ``torch.nn.ReLU`` makes. Anything else returns None, and the caller takes
the general path (which validates, casts and raises the clear errors).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable, Mapping, NamedTuple

import torch

from .. import api as _api
from ..ops.torch import _traced, _transformed
from ..spec import ActivationSpec
from .ckernels import (
    ckernels_enabled,
    gated_kernels_for,
    kernels_for,
    mask_kernels_for,
    param_kernels_for,
    run_gated,
)
from .fewbit import FEWBIT_TIERS
from .fixed_kernels import HAND_WRITTEN
from .function import _FUSED_DTYPES, _HALF, Body, Plan, Saved, _call, _Run, memory_tier, plan_for
from .native import native_kernel, takes_half, trains_exactly
from .repair import apply_repaired, repaired_kernel

__all__ = ["eval_path", "fast_path", "learnable_fused_path", "learnable_native_path"]

_FLOATS = frozenset((torch.float32, torch.float64, torch.float16, torch.bfloat16))


def fast_path(s: ActivationSpec, params: Mapping[str, Any]) -> Callable[..., torch.Tensor | None] | None:
    """``run(x, memory=None, dim=-1)`` -> f(x) along the default path, or None where it does not
    apply (the caller then takes the general path, which checks, casts and explains); None (no
    fast path at all) for randomized functions and tensor parameters."""
    if s.stochastic:
        return None
    params = dict(params)
    if any(isinstance(v, torch.Tensor) for v in params.values()):
        return None
    if s.kind != "elementwise":
        return _along_path(s, params)
    kernel = native_kernel(s.name, params)
    repair = None if kernel is not None else repaired_kernel(s.name, params)
    plan = plan_for(s, params)
    if kernel is None and repair is None:
        if plan.strategy is Saved.MASK:
            return _bits_path(s, params, plan, always=True)
        return _fused_path(s, params)
    masked = kernel is not None and plan.strategy is Saved.MASK
    lean = _bits_path(s, params, plan, always=False) if masked else None
    half_ok = takes_half(params)
    name = s.name
    precision = _api._PRECISION

    def run(x: Any, memory: str | None = None, dim: Any = -1) -> torch.Tensor | None:
        if not isinstance(x, torch.Tensor) or x.dtype not in _FLOATS or precision["mode"] != "fast":
            return None
        if _transformed():
            return None  # forward mode and torch.func: the general path picks what they can differentiate
        needs_grad = x.requires_grad and torch.is_grad_enabled()
        if needs_grad and memory_tier(memory) in FEWBIT_TIERS:
            return None  # a code of f' (or the 1-bit mask) instead of what the kernel saves
        if kernel is not None:
            if needs_grad and masked and memory_tier(memory) == "lean":
                return lean(x, memory) if lean is not None else None
            if needs_grad and not trains_exactly(name, x.dtype):
                return None
            if x.dtype == torch.float16 and not half_ok:
                return None  # a parameter past float16's range: the general path works in float32
            return kernel(x, None, **params)
        if _traced():
            return None  # a compiler or a trace gets the spec's plain ops (the general path)
        assert repair is not None  # with no kernel there is a repair (both None returned above)
        return apply_repaired(s, repair, params, x, needs_grad)

    return run


def eval_path(s: ActivationSpec, params: Mapping[str, Any]) -> Callable[..., torch.Tensor | None] | None:
    """``run(x, memory)`` -> f(x) in eval mode for a randomized function whose eval form is a torch
    kernel (rrelu: leaky_relu with the mean slope), resolved once; None per call where the general
    path must decide (a memory tier other than the default while recording, a transform, ...).
    The caller uses it only outside training and without a generator."""
    if not s.stochastic or s.kind != "elementwise":
        return None
    params = dict(params)
    if any(isinstance(v, torch.Tensor) for v in params.values()):
        return None
    kernel = native_kernel(s.name, params)
    if kernel is None:
        return None
    half_ok = takes_half(params)
    name = s.name
    precision = _api._PRECISION

    def run(x: Any, memory: str | None = None) -> torch.Tensor | None:
        if not isinstance(x, torch.Tensor) or x.dtype not in _FLOATS or precision["mode"] != "fast":
            return None
        if _transformed():
            return None
        if torch.is_grad_enabled() and x.requires_grad:
            if memory_tier(memory) != "default" or not trains_exactly(name, x.dtype):
                return None  # the lean tier's mask, or the Function where the kernel's f' is not exact
        if x.dtype == torch.float16 and not half_ok:
            return None
        return kernel(x, None, **params)

    return run


def learnable_native_path(
    s: ActivationSpec, fixed: Mapping[str, Any], learnable: tuple[str, ...]
) -> Callable[..., torch.Tensor | None] | None:
    """``run(x, memory, tensors)`` -> f(x) by torch's kernel with the module's parameter tensors
    (prelu's weight: torch's kernel takes it and sums its gradient), or None per call where the
    general path must decide; None for functions whose kernel takes no tensor parameters."""
    if s.stochastic or s.kind != "elementwise" or not learnable:
        return None
    kernel = native_kernel(s.name, {**fixed, **{n: torch.empty(1) for n in learnable}})
    if kernel is None:
        return None
    fixed = dict(fixed)
    half_ok = takes_half(fixed)
    name = s.name
    precision = _api._PRECISION

    def run(x: Any, memory: str | None, tensors: Mapping[str, torch.Tensor]) -> torch.Tensor | None:
        if not isinstance(x, torch.Tensor) or x.dtype not in _FLOATS or precision["mode"] != "fast":
            return None
        if _transformed():
            return None  # prelu's jvp at the kink differs from the spec: the general path's plain ops
        for t in tensors.values():
            if t.dtype != x.dtype or t.device != x.device:
                return None  # the general path casts (and says what it cannot)
        if torch.is_grad_enabled():
            if memory_tier(memory) != "default":
                return None  # the 1-bit mask or a few-bit code instead of what the kernel saves
            if not trains_exactly(name, x.dtype):
                return None
        if x.dtype == torch.float16 and not half_ok:
            return None
        return kernel(x, None, **fixed, **tensors)

    return run


class _FusedParams(torch.autograd.Function):
    """f with learnable scalar (or per-hinge) parameters by the fused kernels: forward passes the
    parameters' values to the kernel, backward's one pass gives the input gradient and the
    parameters' (summed in double). Saves the input (the parameters are a few numbers)."""

    @staticmethod
    def forward(ctx, x, k, *tensors):
        values = k.pk.values(tensors)
        ctx.k, ctx.values = k, values  # the values forward used, whatever an optimizer does next
        ctx.save_for_backward(x, *tensors)
        return k.pk.forward(x, values)

    @staticmethod
    def backward(ctx, g):
        x, *tensors = ctx.saved_tensors
        k = ctx.k
        if torch.is_grad_enabled() or g.dtype != x.dtype:
            # double backward (differentiable closed form) or a gradient of another dtype: the
            # general Function's backward, on the parameters shaped as the general path passes them
            shaped = [t.reshape(-1) if lead else t.reshape(()) for t, lead in zip(tensors, k.run.leading)]
            grads = list(_call(k.run, Body.BACKWARD, g, x, *shaped))
            grads += [None] * (1 + len(tensors) - len(grads))
            rest = [None if d is None else d.reshape(t.shape).to(t.dtype) for d, t in zip(grads[1:], tensors)]
            return (grads[0].to(g.dtype), None, *rest)
        wanted = ctx.needs_input_grad[2:]
        gx, sums = k.pk.backward(x, g.contiguous(), ctx.values, any(wanted))
        return (gx if ctx.needs_input_grad[0] else None, None, *k.pk.param_grads(sums, tensors, wanted))


class _ParamKernel(NamedTuple):
    pk: Any
    run: _Run


def learnable_fused_path(
    s: ActivationSpec, fixed: Mapping[str, Any], learnable: tuple[str, ...]
) -> Callable[..., torch.Tensor | None] | None:
    """``run(x, memory, tensors)`` -> f(x) by the fused kernels with the module's learnable tensors
    as run-time values (srelu's four, APL's hinges), resolved once: a module of one shared value
    per parameter (per hinge), tensors of the input's dtype, CPU, outside compilers and
    transforms; None per call otherwise (the general path decides). None for functions whose
    kernels cannot take the parameters at run time."""
    if s.stochastic or s.kind != "elementwise" or not learnable or s.derivative is None:
        return None
    if any(n not in s.param_derivatives for n in learnable):
        return None
    fixed = dict(fixed)
    # the plan for tensor-valued parameters (the general path's: their values are not known here)
    plan = plan_for(s, {**fixed, **{n: torch.zeros(1) for n in learnable}})
    if plan.strategy not in (Saved.INPUT, Saved.NONE):
        return None
    leading = tuple(bool(s.param(n).leading) for n in learnable)
    run_ = _Run(s, plan, tuple(fixed.items()), tuple(learnable), leading, None, None, False)
    state: dict[str, Any] = {}

    def run(x: Any, memory: str | None, tensors: Mapping[str, torch.Tensor]) -> torch.Tensor | None:
        if not _for_kernels(x, _FUSED_DTYPES + _HALF):
            return None
        if "k" not in state:
            pk = param_kernels_for(s, fixed, learnable)
            state["k"] = None if pk is None else _ParamKernel(pk, run_)
        k = state["k"]
        if k is None or not k.pk.takes(x.dtype):
            return None
        ts = tuple(tensors[n] for n in learnable)
        for t, w in zip(ts, k.pk.widths):
            if t.numel() != w or t.dtype != x.dtype or not t.is_cpu:
                return None  # per-channel values, or a cast the general path makes (and explains)
        x = x.contiguous()
        if torch.is_grad_enabled() and (x.requires_grad or any(t.requires_grad for t in ts)):
            if memory_tier(memory) != "default":
                return None
            return _FusedParams.apply(x, k, *ts)
        return k.pk.forward(x, k.pk.values(ts))

    return run


class _Fused(torch.autograd.Function):
    """f by the fused forward kernel; backward by the fused f' kernel (of the saved input, or of
    the output where the plan is ``output``). The same kernels and saved tensor as the general
    Function, with nothing resolved per call (a small tensor's cost is the Python around it)."""

    @staticmethod
    def forward(ctx, x, k):
        y = k.ks.elementwise("fwd", torch.empty_like(x), x)
        ctx.k = k
        ctx.save_for_backward(y if k.from_output else x)
        return y

    @staticmethod
    def backward(ctx, g):
        (saved,) = ctx.saved_tensors
        k = ctx.k
        if torch.is_grad_enabled() or g.dtype != saved.dtype:
            # double backward (differentiable closed form) or a gradient of another dtype: the
            # general Function's backward
            return _call(k.run, Body.BACKWARD, g, saved)[0].to(g.dtype), None
        out = torch.empty_like(saved)
        return k.ks.elementwise(k.grad, out, saved, g.contiguous()), None


class _Kernel:
    """What ``_Fused`` needs of one function: its kernels, its backward kind and its run."""

    def __init__(self, ks: Any, run: _Run):
        self.ks, self.run = ks, run
        self.from_output = run.plan.strategy is Saved.OUTPUT
        self.grad = "dy_grad" if self.from_output else "dx_grad"


def _fused_path(s: ActivationSpec, params: dict[str, Any]) -> Callable[..., torch.Tensor | None] | None:
    """``_Fused`` on the function's kernels, with the plan and the run built once: float32/float64
    CPU tensors outside transforms and compilers; the kernels themselves are built on first use."""
    plan = plan_for(s, params)
    if plan.strategy not in (Saved.INPUT, Saved.OUTPUT):
        return None
    run_ = _Run(s, plan, tuple(params.items()), (), (), None, None, False)
    state: dict[torch.dtype, Any] = {}

    def kernel(dtype: torch.dtype) -> _Kernel | None:
        k = state.get(dtype, _MISSING)
        if k is _MISSING:
            ks = kernels_for(s, params)
            grad = "dy_grad" if plan.strategy is Saved.OUTPUT else "dx_grad"
            usable = ks is not None and ks.takes("fwd", dtype) and ks.takes(grad, dtype)
            k = state[dtype] = _Kernel(ks, run_) if usable else None
        return k

    def run(x: Any, memory: str | None = None, dim: Any = -1) -> torch.Tensor | None:
        if not _for_kernels(x, _FUSED_DTYPES):
            return None
        k = kernel(x.dtype)
        if k is None:
            return None
        x = x.contiguous()
        if x.requires_grad and torch.is_grad_enabled():
            if memory_tier(memory) in FEWBIT_TIERS:
                return None
            return _Fused.apply(x, k)
        return k.ks.elementwise("fwd", torch.empty_like(x), x)

    return run


_MISSING = object()


def _for_kernels(x: Any, dtypes: Any) -> bool:
    """Whether ``x`` may go to a fused CPU kernel now: a CPU tensor of one of ``dtypes``, the fast
    precision mode, the kernels on, and no compiler, trace or transform watching (those get the
    spec's plain ops on the general path)."""
    return (
        isinstance(x, torch.Tensor)
        and x.dtype in dtypes
        and _api._PRECISION["mode"] == "fast"
        and x.is_cpu
        and ckernels_enabled()
        and not _traced()
        and not _transformed()
    )


class _FusedBits(torch.autograd.Function):
    """A piecewise-linear function by its mask kernels: forward writes f and the packed 1-bit mask
    of the pieces in one pass, backward reads the mask (exact: f' takes two values)."""

    @staticmethod
    def forward(ctx, x, ks, run):
        y = torch.empty_like(x)
        bits = torch.empty((x.numel() + 7) // 8, dtype=torch.uint8)
        size = x.element_size()
        ks.call("bits_fwd", x.dtype, x.numel(), [(x, size), (y, size), (bits, 0.125)])
        ctx.ks, ctx.run = ks, run
        ctx.save_for_backward(bits)
        return y

    @staticmethod
    def backward(ctx, g):
        (bits,) = ctx.saved_tensors
        ks = ctx.ks
        if torch.is_grad_enabled() or not ks.takes("bits_bwd", g.dtype):
            return _call(ctx.run, Body.BACKWARD, g, bits)[0].to(g.dtype), None, None
        g = g.contiguous()
        out = torch.empty_like(g)
        size = g.element_size()
        ks.call("bits_bwd", g.dtype, g.numel(), [(bits, 0.125), (g, size), (out, size)])
        return out, None, None


def _bits_path(
    s: ActivationSpec, params: dict[str, Any], plan: Plan, always: bool
) -> Callable[..., torch.Tensor | None]:
    """``_FusedBits`` for a function whose plan is a mask: under autograd ``always`` (functions
    torch lacks: the 1-bit mask is their default) or in the lean tier (the caller's choice);
    inference by the mask kernels' forward. CPU tensors outside transforms and compilers."""
    bits = dataclasses.replace(plan, strategy=Saved.BITS)
    run_ = _Run(s, bits, tuple(params.items()), (), (), None, None, False)
    state: dict[str, Any] = {}

    def run(x: Any, memory: str | None = None, dim: Any = -1) -> torch.Tensor | None:
        if not _for_kernels(x, _FLOATS):
            return None
        needs_grad = x.requires_grad and torch.is_grad_enabled()
        if needs_grad and not always and memory_tier(memory) != "lean":
            return None
        if needs_grad and memory_tier(memory) in FEWBIT_TIERS:
            return None  # the general path: the mask too, by its own rules for these tiers
        if "ks" not in state:
            state["ks"] = mask_kernels_for(s, params, plan.runs, plan.low, plan.high)
        ks = state["ks"]
        if ks is None or not ks.takes("bits_fwd", x.dtype) or not ks.takes("fwd", x.dtype):
            return None
        x = x.contiguous()
        if needs_grad:
            return _FusedBits.apply(x, ks, run_)
        return ks.elementwise("fwd", torch.empty_like(x), x)

    return run


def _dim(x: torch.Tensor, dim: Any, gated: bool) -> int | None:
    """``dim`` as a non-negative axis of a non-empty ``x`` where the general path would take it as
    it is (one int in range; a gated kind's half even), else None."""
    nd = x.dim()
    if type(dim) is not int or nd == 0 or not -nd <= dim < nd or x.numel() == 0:
        return None
    dim %= nd
    if gated and x.shape[dim] % 2:
        return None
    return dim


def _along_path(s: ActivationSpec, params: dict[str, Any]) -> Callable[..., torch.Tensor | None] | None:
    """Vector and gated kinds: torch's kernel where torch has one (softmax, log_softmax, softmin,
    glu), else the fused gated kernels (swiglu, geglu, reglu, ...), with nothing resolved per call."""
    kernel = native_kernel(s.name, params)
    gated = s.kind == "gated"
    precision = _api._PRECISION
    name = s.name
    if kernel is not None:
        half_ok = takes_half(params)

        def native(x: Any, memory: str | None = None, dim: Any = -1) -> torch.Tensor | None:
            if not isinstance(x, torch.Tensor) or x.dtype not in _FLOATS or precision["mode"] != "fast":
                return None
            if _transformed() or (x.dtype == torch.float16 and not half_ok):
                return None
            axis = _dim(x, dim, gated)
            if axis is None or (
                x.requires_grad and torch.is_grad_enabled() and not trains_exactly(name, x.dtype)
            ):
                return None
            return kernel(x, axis, **params)

        return native
    if not gated:
        hand = HAND_WRITTEN.get(name)
        return _vector_path(s, hand) if hand is not None and not params else None
    if plan_for(s, params).strategy is not Saved.INPUT:
        return None
    runs: dict[int, _Run] = {}
    state: dict[str, Any] = {}

    def fused(x: Any, memory: str | None = None, dim: Any = -1) -> torch.Tensor | None:
        if not _for_kernels(x, _FUSED_DTYPES):
            return None
        axis = _dim(x, dim, True)
        if axis is None:
            return None
        if "ks" not in state:
            state["ks"] = gated_kernels_for(s, params)
        ks = state["ks"]
        if ks is None or not ks.takes("gfwd", x.dtype) or not ks.takes("gbwd", x.dtype):
            return None
        run_ = runs.get(axis)
        if run_ is None:
            run_ = runs[axis] = _Run(s, Plan(Saved.INPUT), tuple(params.items()), (), (), axis, None, False)
        x = x.contiguous()
        if x.requires_grad and torch.is_grad_enabled():
            return _FusedGated.apply(x, ks, run_)
        return _gated_forward(ks, x, axis)

    return fused


class _FromOutput(torch.autograd.Function):
    """A vector function by hand-written kernels along the last dimension (sparsemax): forward
    and the gradient from the saved output, as the general Function (plan ``output``) does."""

    @staticmethod
    def forward(ctx, x, hand, run):
        y = hand[0](x)
        if y is None:  # a row with a NaN or an infinity: the spec's limits, by the general body
            y = _call(run, Body.FORWARD, x)[0]
        ctx.hand, ctx.run = hand, run
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        gx = None
        if not torch.is_grad_enabled() and g.dtype == y.dtype:
            gx = ctx.hand[1](y, g.contiguous())
        if gx is None:  # double backward (differentiable ops), or another dtype
            gx = _call(ctx.run, Body.BACKWARD, g, y)[0].to(g.dtype)
        return gx, None, None


def _vector_path(s: ActivationSpec, hand: tuple) -> Callable[..., torch.Tensor | None]:
    """``_FromOutput`` on the function's hand-written kernels: float32/float64 CPU tensors outside
    transforms and compilers, the default memory tier; the axis is moved last (a copy where it is
    not last already) and back (a view)."""
    runs: dict[int, _Run] = {}

    def vector(x: Any, memory: str | None = None, dim: Any = -1) -> torch.Tensor | None:
        if not _for_kernels(x, _FUSED_DTYPES) or memory_tier(memory) != "default":
            return None
        axis = _dim(x, dim, False)
        if axis is None:
            return None
        last = axis == x.dim() - 1
        xl = (x if last else x.movedim(axis, -1)).contiguous()
        if x.requires_grad and torch.is_grad_enabled():
            run_ = runs.get(0)
            if run_ is None:
                run_ = runs[0] = _Run(s, Plan(Saved.OUTPUT), (), (), (), -1, None, False)
            y = _FromOutput.apply(xl, hand, run_)
        else:
            y = hand[0](xl)
            if y is None:
                return None
        return y if last else y.movedim(-1, axis)

    return vector


def _halves(x: torch.Tensor, axis: int) -> tuple[int, int]:
    """(outer, inner) of the gated kernels: blocks before ``axis``, elements of one half after it."""
    return math.prod(x.shape[:axis]), (x.shape[axis] // 2) * math.prod(x.shape[axis + 1 :])


def _gated_forward(ks: Any, x: torch.Tensor, axis: int) -> torch.Tensor:
    shape = list(x.shape)
    shape[axis] //= 2
    y = torch.empty(shape, dtype=x.dtype)
    run_gated(ks, "gfwd", y, *_halves(x, axis), x)
    return y


class _FusedGated(torch.autograd.Function):
    """A gated unit by its fused kernels (forward, and both halves' gradients in one pass), saving
    the input as the general Function does."""

    @staticmethod
    def forward(ctx, x, ks, run):
        ctx.ks, ctx.run = ks, run
        ctx.save_for_backward(x)
        return _gated_forward(ks, x, run.axis)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if torch.is_grad_enabled() or g.dtype != x.dtype:
            return _call(ctx.run, Body.BACKWARD, g, x)[0].to(g.dtype), None, None
        out = torch.empty_like(x)
        run_gated(ctx.ks, "gbwd", out, *_halves(x, ctx.run.axis), x, g.contiguous())
        return out, None, None
