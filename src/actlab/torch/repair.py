"""torch's kernels on the bulk, the spec's exact forms only where a kernel is wrong.

Some torch kernels compute the spec's function with the spec's kink conventions and within its
accuracy budget everywhere except in a tail that ordinary inputs rarely reach: torch's silu gives
NaN at -inf (where the limit is 0), its backward NaN at +inf, and in float64 both flush the tail
below -700 to zero where the values are still normal numbers. For such a function the default
training path runs torch's forward and backward kernels (one fused pass each, the bytes torch
saves) and recomputes from the spec only the elements in the repair region ``x < below`` or
``x = +inf``.

Whether any element is there is one read of x by a fused scan (``fixed_kernels.outside``; torch's
``aminmax`` where the scan does not apply); when none is, torch's kernel runs under
plain autograd with no Function around it (its backward is right wherever its forward is). On
devices other than the CPU the test would cost a host sync per call; there the repair is a
``torch.where`` over the whole tensor instead (no sync).

What a repair costs when it fires: a comparison, ``nonzero`` and the spec's closed form on the
selected elements (measured in docs/benchmarks.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import torch
import torch.nn.functional as F

from ..ops import torch as _ops
from ..spec import ActivationSpec
from .fixed_kernels import outside
from .native import working

__all__ = ["REPAIRED", "Repair", "repaired_kernel"]

_aten = torch.ops.aten


@dataclass(frozen=True)
class Repair:
    """torch's forward ``(x, **params) -> y`` and backward ``(g, x, **params) -> dx`` kernels, the
    region they miss (x below ``below[dtype]``, and +inf), and which parameter values they take."""

    forward: Callable[..., torch.Tensor]
    backward: Callable[..., torch.Tensor]
    below: Mapping[torch.dtype, float]
    accepts: Callable[[Mapping[str, Any]], bool] = lambda p: True

    def below_for(self, dtype: torch.dtype) -> float:
        return self.below.get(dtype, self.below[torch.float32])


# Thresholds measured against the 50-digit references (tests/test_torch_fast.py checks every
# dtype's values and gradients on both sides of them). Below them the kernels' results are
# subnormal or NaN; above them, within the spec's budget.
_EXP_TAIL = {torch.float32: -80.0, torch.float64: -700.0, torch.float16: -80.0, torch.bfloat16: -80.0}

REPAIRED: dict[str, Repair] = {
    "silu": Repair(lambda x: F.silu(x), lambda g, x: _aten.silu_backward(g, x), _EXP_TAIL),
}
# Not here: mish (its fused C kernel is faster than torch's: 42 vs 69 ms per 16M-element float32
# training step on the CPU measured), hardswish (torch's backward takes the middle piece's slope
# at x = -3 and 3, -1/2 and 3/2, where the spec's convention is the outer pieces' 0 and 1), gelu
# (torch's kernel forms 1 + erf(x/sqrt 2), which cancels from x = -2.7 on in float32 and -4.1 in
# float64: a region every large tensor of normal pre-activations reaches, so a repair would
# always fire).


def repaired_kernel(name: str, params: Mapping[str, Any]) -> Repair | None:
    r = REPAIRED.get(name)
    if r is None:
        return None
    try:
        return r if r.accepts(params) else None
    except (TypeError, RuntimeError):
        return None


def _region(x: torch.Tensor, below: float) -> torch.Tensor:
    return (x < below) | (x == math.inf)


def _fires(x: torch.Tensor, below: float) -> bool:
    """Whether any element is in the region (CPU: one pass, no copy)."""
    if x.numel() == 0:
        return False
    found = outside(x, below)  # a fused scan at memory speed, where it applies (reads raw memory)
    if found is not None:
        return found
    lo_t, hi_t = torch.aminmax(x.detach())
    lo, hi = float(lo_t), float(hi_t)
    # NaN anywhere makes both NaN and hides the rest: then look element by element
    return lo < below or hi == math.inf or math.isnan(lo)


def _exactly(
    s: ActivationSpec, which: str, params: Mapping[str, Any]
) -> Callable[[torch.Tensor], torch.Tensor]:
    """The spec's closed form (``forward`` or ``derivative``), half types evaluated in float32."""
    body = getattr(s, which)

    def exact(t: torch.Tensor) -> torch.Tensor:
        return body(working(t), _ops, **params)

    return exact


def _fix(out: torch.Tensor, x: torch.Tensor, below: float, exact: Callable, g: torch.Tensor | None = None):
    """``out`` with ``exact(x)`` (times g) where x is in the region: on the CPU only the selected
    elements are computed; elsewhere a select over the whole tensor (no host sync)."""
    if x.device.type != "cpu":
        v = exact(x) if g is None else exact(x) * g
        return torch.where(_region(x, below), v.to(out.dtype), out)
    flat_x, flat_out = x.reshape(-1), out.view(-1)
    idx = torch.nonzero(_region(flat_x, below)).squeeze(1)
    v = exact(flat_x[idx])
    if g is not None:
        v = v * g.reshape(-1)[idx]
    flat_out[idx] = v.to(out.dtype)
    return out


class _Repaired(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, spec, repair, params, below):
        # called only where the region holds elements (CPU) or cannot be looked at cheaply
        y = _fix(repair.forward(x, **params), x, below, _exactly(spec, "forward", params))
        ctx.save_for_backward(x)
        ctx.spec, ctx.repair, ctx.params, ctx.below = spec, repair, params, below
        return y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        exact = _exactly(ctx.spec, "derivative", ctx.params)
        if torch.is_grad_enabled():
            # double backward: the closed form with differentiable ops
            return (g * exact(x)).to(g.dtype), None, None, None, None
        gx = ctx.repair.backward(g.contiguous(), x, **ctx.params)
        return _fix(gx, x, ctx.below, exact, g), None, None, None, None


def apply_repaired(s: ActivationSpec, repair: Repair, params: Mapping[str, Any], x: torch.Tensor, grad: bool):
    """The spec's function on ``x`` through ``repair``'s kernels: under autograd when ``grad``."""
    below = repair.below_for(x.dtype)
    if x.is_cpu and not _fires(x, below):
        # nothing to repair, now or in backward (the region covers both kernels' misses): torch's
        # kernel under plain autograd, with no Function around it
        return repair.forward(x, **params)
    if grad:
        return _Repaired.apply(x, s, repair, dict(params), below)
    return _fix(repair.forward(x, **params), x, below, _exactly(s, "forward", params))
