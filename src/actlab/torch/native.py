"""torch's own kernels for the catalog entries that torch defines identically.

A native kernel is used only where its definition AND its derivative convention at every kink
equal the spec's for the given parameters (``tests/test_torch_function.py`` checks values and
gradients against the spec path at the kinks). Composite helpers of ``torch.nn.functional``
(softsign, tanhshrink, ...) are not kernels and are left out: the generic autograd Function
beats them. Left out for accuracy (``actlab check`` fails them): silu, mish and hardswish give
NaN at -inf where the limit is 0; gelu's kernel loses all digits in its left tail (exact form:
x/2 (1 + erf(x/sqrt 2)) cancels, relative error 1e-2 at x = -8 in float64 and -0.0 at x = -10;
the tanh form underflows to -0.0 from x = -8).

log_sigmoid's kernel is exact but saves a second full-size buffer for backward, so the
Function (which saves only the output) is used instead.

Each entry maps a canonical name to ``(kernel, accepts)``: ``kernel(x, dim, **params)`` and
``accepts(params) -> bool`` (False where a parameter value has no native equivalent).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import torch
import torch.nn.functional as F

from ..kinds import LOW_PRECISION

__all__ = ["INEXACT_BACKWARD", "NATIVE", "TORCH_KERNELS", "native_kernel", "trains_exactly", "working"]

Kernel = Callable[..., torch.Tensor]
_any: Callable[[Mapping[str, Any]], bool] = lambda p: True
_numbers = lambda *names: lambda p: all(isinstance(p[n], (int, float)) for n in names)


def _both(a, b):
    return lambda p: a(p) and b(p)


NATIVE: dict[str, tuple[Kernel, Callable[[Mapping[str, Any]], bool]]] = {
    "identity": (lambda x, dim: x.view_as(x), _any),
    # no nn activation, but torch.exp is the function (its backward multiplies by the saved
    # output, as the spec's f' = f); its exp is faster than glibc's vector expf a fused kernel uses
    "exponential": (lambda x, dim: torch.exp(x), _any),
    "sigmoid": (lambda x, dim: torch.sigmoid(x), _any),
    "tanh": (lambda x, dim: torch.tanh(x), _any),
    "relu": (lambda x, dim, grad_at_zero: torch.relu(x), lambda p: p["grad_at_zero"] == 0),
    # slope 0 would give 0 * -inf = NaN at -inf where the limit is 0
    "leaky_relu": (
        lambda x, dim, negative_slope: F.leaky_relu(x, negative_slope),
        _both(_numbers("negative_slope"), lambda p: p["negative_slope"] != 0),
    ),
    # elu's kernel takes the left slope alpha at 0; the spec's convention is the right slope 1,
    # so the two agree only for alpha = 1 (the C^1 case).
    "elu": (lambda x, dim, alpha: F.elu(x, alpha), lambda p: p["alpha"] == 1.0),
    "selu": (lambda x, dim: F.selu(x), _any),
    "celu": (lambda x, dim, alpha: F.celu(x, alpha), _numbers("alpha")),
    # threshold = inf is the exact softplus. torch's kernel with threshold inf would overflow
    # (e^(beta x) past 88 in float32); with threshold 40 it equals the exact softplus to rounding
    # in every dtype: past beta x = 40 the exact value is x + e^(-beta x)/beta, within 1e-19
    # relative of x, and sigma(40) rounds to 1 even in float64. At and below 40 it evaluates
    # log1p(e^(beta x)) / beta, which is accurate there.
    "softplus": (
        lambda x, dim, beta, threshold: F.softplus(x, beta, threshold if math.isfinite(threshold) else 40.0),
        _numbers("beta"),
    ),
    "hardtanh": (lambda x, dim, min_val, max_val: F.hardtanh(x, min_val, max_val), _any),
    "relu6": (lambda x, dim: F.relu6(x), _any),
    "hardsigmoid": (
        lambda x, dim, slope, offset: F.hardsigmoid(x),
        lambda p: p["slope"] == 1.0 / 6.0 and p["offset"] == 0.5,
    ),
    "hardshrink": (lambda x, dim, lambd: F.hardshrink(x, lambd), _numbers("lambd")),
    "softshrink": (lambda x, dim, lambd: F.softshrink(x, lambd), _numbers("lambd")),
    "threshold": (lambda x, dim, threshold, value: F.threshold(x, threshold, value), _any),
    # a zero weight times -inf is NaN in torch's kernel; the limit (0) needs the spec's form
    "prelu": (
        lambda x, dim, weight: F.prelu(x, _as_weight(weight, x)),
        lambda p: isinstance(p["weight"], torch.Tensor) or p["weight"] != 0,
    ),
    # eval-mode rrelu is leaky_relu with slope (lower + upper) / 2; F.rrelu lowers to
    # rrelu_with_noise, which ONNX cannot express
    "rrelu": (
        lambda x, dim, lower, upper, eval_slope: F.leaky_relu(x, (lower + upper) / 2),
        lambda p: p["eval_slope"] == "mean",
    ),
    "glu": (lambda x, dim: F.glu(x, dim), _any),
    "softmax": (lambda x, dim: torch.softmax(x, dim), _any),
    "log_softmax": (lambda x, dim: torch.log_softmax(x, dim), _any),
    "softmin": (lambda x, dim: torch.softmax(-x, dim), _any),
}


# Every torch kernel for a catalog function, used or not: what benchmarks compare against.
TORCH_KERNELS: dict[str, tuple[Kernel, Callable[[Mapping[str, Any]], bool]]] = {
    **NATIVE,
    "gelu": (lambda x, dim, approximate: F.gelu(x, approximate=approximate), _any),
    "silu": (lambda x, dim: F.silu(x), _any),
    "mish": (lambda x, dim: F.mish(x), _any),
    "hardswish": (lambda x, dim: F.hardswish(x), _any),
    "log_sigmoid": (lambda x, dim: F.logsigmoid(x), _any),
    # the same kernels as above, compared also at the parameters actlab does not hand to them
    "elu": (NATIVE["elu"][0], _numbers("alpha")),
    "softplus": (NATIVE["softplus"][0], _numbers("beta")),
    "leaky_relu": (NATIVE["leaky_relu"][0], _numbers("negative_slope")),
}


# dtypes where a kernel's backward is less accurate than the spec's budget, so training takes the
# Function there: torch's float64 hardsigmoid backward multiplies by a float32 1/6 (3e-8 relative).
INEXACT_BACKWARD: dict[str, tuple[torch.dtype, ...]] = {"hardsigmoid": (torch.float64,)}


# torch kernels whose forward-mode rule disagrees with their own backward (and the spec) at a kink:
# F.prelu's jvp at x = 0 is 1, its backward (and the spec's convention) the weight. Under
# forward mode and torch.func these run the spec's plain ops instead.
JVP_DIFFERS = frozenset({"prelu"})


def trains_exactly(name: str, dtype: torch.dtype) -> bool:
    """Whether torch's backward for ``name`` meets the spec's budget in ``dtype``."""
    return dtype not in INEXACT_BACKWARD.get(name, ())


def working(x: torch.Tensor) -> torch.Tensor:
    """float16/bfloat16 evaluated in float32 where no kernel takes them (as torch's kernels do
    inside), other dtypes as they are."""
    return x.float() if str(x.dtype)[6:] in LOW_PRECISION else x  # 'torch.float16' -> 'float16'


def _as_weight(w: Any, x: torch.Tensor) -> torch.Tensor:
    # F.prelu wants a 1-D weight (1 or C values); prepared per-channel values are (C, 1, ...).
    if not isinstance(w, torch.Tensor):
        return torch.full((1,), float(w), dtype=x.dtype, device=x.device)
    return w.reshape(-1)


_HALF_MAX = 65504.0


def takes_half(params: Mapping[str, Any]) -> bool:
    """Whether torch's kernels can take these parameters with a float16 input: they convert number
    parameters to the input's dtype, and refuse (with their own error) one past float16's 65504.
    Where they cannot, the input is evaluated in float32 (``working``) instead."""
    return all(
        not isinstance(v, (int, float)) or isinstance(v, bool) or abs(v) <= _HALF_MAX for v in params.values()
    )


def native_kernel(name: str, params: Mapping[str, Any]) -> Kernel | None:
    """torch's kernel for ``name`` with these (prepared) parameters, or None."""
    entry = NATIVE.get(name)
    if entry is None:
        return None
    kernel, accepts = entry
    try:
        ok = accepts(params)
    except (TypeError, RuntimeError):  # tensor-valued parameters where a number is needed
        ok = False
    return kernel if ok else None
