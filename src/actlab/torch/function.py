"""One memory-lean ``torch.autograd.Function`` for every catalog entry, driven by the spec.

A plain composite such as ``x * tanh(softplus(x))`` keeps every intermediate alive until
backward. Here forward runs without recording a graph and saves only what the spec's closed-form
derivative needs (the plan):

- ``constant``: f' is one number (identity, binary_step) — nothing is saved;
- ``mask``: f is piecewise linear with two slopes (relu, leaky_relu, hardtanh, shrinks, ...) — a
  1-byte mask of the inputs where f' takes the second slope;
- ``output``: f' follows from f (sigmoid, tanh, log_sigmoid, exponential; the vjp of softmax,
  softmin and sparsemax) — the output;
- ``input``: everything else, and whenever learnable parameters need gradients — the input.

Backward evaluates the spec's closed forms (``derivative``, ``vjp`` for vector kinds, the two
partials for gated kinds, ``param_derivatives`` reduced over broadcast dimensions) with
differentiable torch ops, so double backward works.

``impl`` chooses the path: ``"auto"`` (default: the masked Function for piecewise-linear
functions, torch's kernel where torch defines the function identically, the Function
otherwise), ``"function"``, ``"native"`` (torch's kernel; an error where there is none) and
``"autograd"`` (plain autograd through the spec's forward, for comparison). With
``use_compiled(True)`` (or ``ACTLAB_COMPILE=1``) the Function's forward and backward bodies are
compiled with ``torch.compile``, which fuses each into one pass over memory; without it, bodies
that write several intermediates run in cache-sized blocks (``_in_blocks``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import math
import os
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

import numpy as np
import torch

from .._lru import LRU
from ..api import register_tensor_forward
from ..errors import ParameterError
from ..ops import torch as _ops_torch
from ..ops._generic import reduce_to
from ..ops.torch import _traced, _transformed
from ..spec import ActivationSpec
from .bits import pack_bits, unpack_bits
from .ckernels import gated_kernels_for, kernels_for, mask_kernels_for, param_kernels_for, run_gated
from .fewbit import FEWBIT_TIERS, apply_fewbit, tier_bits
from .native import JVP_DIFFERS, NATIVE, native_kernel, takes_half, trains_exactly
from .native import working as _working
from .repair import apply_repaired, repaired_kernel

__all__ = [
    "IMPLS",
    "MEMORY_TIERS",
    "Body",
    "Plan",
    "Saved",
    "compiled_enabled",
    "forward_fn",
    "inplace_supported",
    "memory",
    "memory_tier",
    "plan_for",
    "use_compiled",
]

IMPLS = ("auto", "function", "native", "autograd")


def _ops():
    return _ops_torch


# --------------------------------------------------------------------------- plans
class Saved(str, enum.Enum):
    """What forward saves for backward (see the module docstring)."""

    CONSTANT = "constant"  # nothing: f' is one number
    MASK = "mask"  # a 1-byte mask of the inputs on the second slope
    BITS = "bits"  # the same mask packed to 1 bit per element (the lean tier)
    OUTPUT = "output"  # the output, where f' follows from f
    INPUT = "input"  # the input
    NONE = "none"  # nothing: inference, no backward

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class Body(enum.IntEnum):
    """Which body of the Function runs (an index into the compiled triple)."""

    FORWARD = 0  # forward, returning what backward needs
    BACKWARD = 1
    INFERENCE = 2  # forward only, nothing saved


@dataclass(frozen=True)
class Plan:
    """What forward saves. ``mask`` plans: f' is ``high`` on the union of ``runs`` and ``low``
    elsewhere; each run is ``(lower, upper)`` with a bound ``(at, closed)`` or None."""

    strategy: Saved
    low: float = 0.0
    high: float = 0.0
    runs: tuple = field(default=())


def _hashable(params: Mapping[str, Any]) -> tuple | None:
    items = []
    for k, v in params.items():
        if isinstance(v, torch.Tensor) or isinstance(v, np.ndarray):
            return None
        items.append((k, v))
    return tuple(items)


def plan_for(s: ActivationSpec, params: Mapping[str, Any], inplace: bool = False) -> Plan:
    """The saving strategy for ``s`` with these prepared parameters (``inplace``: for a call that
    overwrites its input, which may keep an output whose f' is less accurate in a tail)."""
    key = _hashable(params)
    if key is None:
        return _plan_uncached(s, params, inplace)
    key = (id(s), s.name, key, inplace)  # specs hold dicts, so they are keyed by identity
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan_uncached(s, params, inplace)
    return plan


_PLANS: dict[tuple, Plan] = LRU(1024)


def _plan_uncached(s: ActivationSpec, params: Mapping[str, Any], inplace: bool = False) -> Plan:
    if s.kind == "vector" and s.vjp_from_output is not None:
        return Plan(Saved.OUTPUT)
    if s.kind != "elementwise":
        return Plan(Saved.INPUT)
    numeric = _hashable(params) is not None
    if numeric and s.piecewise_linear_for(params):
        plan = _piecewise_plan(s, params)
        if plan is not None:
            return plan
    if numeric and s.derivative_from_output is not None and (s.derivative_from_output_exact or inplace):
        return Plan(Saved.OUTPUT)
    return Plan(Saved.INPUT)


def _piecewise_plan(s: ActivationSpec, params: Mapping[str, Any]) -> Plan | None:
    pieces = s.pieces_for(params)
    if pieces is None:
        return None
    ks = [k.at for k in pieces.knots]
    # f' on every piece, in order: tail, kink 1, between, kink 2, ..., tail (read from the pieces)
    vals = [float(v) for v in pieces.derivative_values()]
    distinct = sorted(set(vals))
    if not all(np.isfinite(distinct)):
        return None
    if len(distinct) == 1:
        return Plan(Saved.CONSTANT, low=distinct[0], high=distinct[0])
    if len(distinct) != 2:
        return None
    # fewest comparisons first; then low = 0 (backward is then a single multiply)
    options = []
    for high, low in ((distinct[0], distinct[1]), (distinct[1], distinct[0])):
        runs = _runs(vals, high, ks)
        options.append((len(runs), low != 0.0, Plan(Saved.MASK, low=low, high=high, runs=runs)))
    return min(options, key=lambda o: o[:2])[2]


def _runs(vals: list[float], high: float, ks: list[float]) -> tuple:
    """Maximal stretches of pieces where f' == high, as intervals of x."""
    out = []
    n = len(vals)
    i = 0
    while i < n:
        if vals[i] != high:
            i += 1
            continue
        j = i
        while j + 1 < n and vals[j + 1] == high:
            j += 1
        # even positions are open pieces between kinks, odd positions the kinks themselves
        lower = None if i == 0 else ((ks[(i - 1) // 2], True) if i % 2 else (ks[i // 2 - 1], False))
        upper = None if j == n - 1 else ((ks[(j - 1) // 2], True) if j % 2 else (ks[j // 2], False))
        out.append((lower, upper))
        i = j + 1
    return tuple(out)


def _mask(x: torch.Tensor, runs: tuple) -> torch.Tensor:
    m = None
    for lower, upper in runs:
        c = None
        if lower is not None:
            c = x >= lower[0] if lower[1] else x > lower[0]
        if upper is not None:
            u = x <= upper[0] if upper[1] else x < upper[0]
            c = u if c is None else c & u
        m = c if m is None else m | c
    assert m is not None  # a mask plan has at least one run
    return m


def _masked_grad(g: torch.Tensor, mask: torch.Tensor, low: float, high: float) -> torch.Tensor:
    # Multiplying by the mask, not torch.where: on CPU, eager where took 43 ms for 16M float32
    # elements where g * mask took 12.8 ms (2 threads).
    # Where no graph is recorded the second product is in place: one full-size temporary less.
    inplace = not torch.is_grad_enabled()
    if low == 0.0:
        gi = g * mask
        if high == 1.0:
            return gi
        return gi.mul_(high) if inplace else gi * high
    # lerp is exact at both ends (weight 0 gives low, 1 gives high), unlike m*(high-low)+low
    ends = torch.tensor([low, high], dtype=g.dtype, device=g.device)
    w = torch.lerp(ends[0], ends[1], mask.to(g.dtype))
    return w.mul_(g) if inplace else g * w


# --------------------------------------------------------------------------- memory tiers
MEMORY_TIERS = ("default", "lean", *FEWBIT_TIERS)
# Process-wide, like the precision switch (torch.compile cannot trace a ContextVar read).
_MEMORY: dict[str, str] = {"tier": "default"}


def _check_memory(tier: str | None) -> str | None:
    if tier is not None and tier not in MEMORY_TIERS:
        raise ParameterError(
            f"memory={tier!r} is not one of {MEMORY_TIERS}: 'default' saves what torch saves for "
            f"backward (or one element per element where torch has no kernel), 'lean' saves a packed "
            f"1-bit mask for piecewise-linear functions (exact), '2bit'/'3bit'/'4bit' also save a "
            f"few-bit code of f' for smooth functions (approximate gradient, error stated by "
            f"actlab.fewbit.fewbit)"
        )
    return tier


def memory_tier(tier: str | None = None) -> str:
    """The tier in force: ``tier`` if given, else the process-wide one (``memory(...)``)."""
    return tier if tier is not None else _MEMORY["tier"]


@contextlib.contextmanager
def memory(tier: str) -> Iterator[None]:
    """``with actlab.torch.memory("lean"):`` piecewise-linear activations called inside save a
    packed 1-bit mask (0.125 bytes per element) for backward instead of what torch saves, exactly.
    ``"2bit"``, ``"3bit"`` and ``"4bit"`` do the same and, for smooth elementwise functions with
    fixed parameters, save a few-bit code of f' (``bits / 8`` bytes per element; the gradient is
    then approximate, within ``actlab.fewbit.fewbit(name, bits).relative_error``)."""
    _check_memory(tier)
    before = _MEMORY["tier"]
    _MEMORY["tier"] = tier
    try:
        yield
    finally:
        _MEMORY["tier"] = before


# --------------------------------------------------------------------------- compile switch
_COMPILE: dict[str, Any] = {"on": os.environ.get("ACTLAB_COMPILE", "") not in ("", "0"), "failed": None}


def use_compiled(flag: bool = True) -> None:
    """Fuse the Function's forward and backward bodies with ``torch.compile`` (opt-in: the first
    call per function and shape compiles, ~seconds). Same switch as ``ACTLAB_COMPILE=1``."""
    _COMPILE["on"] = bool(flag)


def compiled_enabled() -> bool:
    return bool(_COMPILE["on"]) and _COMPILE["failed"] is None


def _compiled(body: Callable, run: "_Run", tag: str) -> Callable:
    # torch.compile keeps its cache (and its recompile limit of 8) per code object of the
    # function it is given; each (function, parameters) pair gets its own copy of a small
    # binding function so none evicts another.
    def bound(*args):
        return body(run, *args)

    code = bound.__code__.replace(co_name=f"actlab_{run.spec.name}_{tag}")
    fresh = types.FunctionType(code, bound.__globals__, code.co_name, None, bound.__closure__)
    return torch.compile(fresh, dynamic=False)


def _call(run: "_Run", which: Body, *args: Any) -> Any:
    """Run the forward (0) or backward (1) body, compiled when the switch is on. Inside a
    user's torch.compile the bodies are traced as they are (the caller's compiler fuses them)."""
    body = (_forward_body, _backward_body, _inference_body)[which]
    # Masked plans stay eager: inductor's CPU code stores the bool mask element by element,
    # which measured 5-9x slower than eager's comparison (docs/benchmarks.md).
    masked = run.plan.strategy in (Saved.MASK, Saved.CONSTANT)
    bits = run.plan.strategy is Saved.BITS
    fused = _fused(run, which, args)
    if fused is not None:
        return fused
    # off the fused kernels, half types are evaluated in float32 (the caller rounds the result)
    nfull = 2 if which == Body.BACKWARD else 1
    args = tuple(_working(a) if isinstance(a, torch.Tensor) else a for a in args[:nfull]) + args[nfull:]
    if bits:
        return body(run, *args)  # packing with torch's integer ops, on the whole tensor
    if torch.compiler.is_compiling() or not compiled_enabled() or masked:
        return _in_blocks(run, which, body, args)
    try:
        return _compiled_bodies(run)[which](*args)
    except Exception as e:  # no C compiler, unsupported platform, ...: eager is always correct
        _COMPILE["failed"] = e
        warnings.warn(
            f"actlab: torch.compile is not usable here ({type(e).__name__}: {str(e)[:200]}); "
            f"falling back to eager kernels. Install a C compiler (gcc) to enable it.",
            RuntimeWarning,
            stacklevel=3,
        )
        return _in_blocks(run, which, body, args)


# --------------------------------------------------------------------------- fused C kernels
_FUSED_DTYPES = (torch.float32, torch.float64)
_HALF = (torch.bfloat16, torch.float16)  # elementwise kernels load and store these, computing in float


def _fused(run: "_Run", which: Body, args: tuple) -> Any:
    """The body through its fused C kernel (``ckernels``), or None where that does not apply:
    under autograd (double backward), a compiler, tensor parameters, other devices or dtypes."""
    if torch.is_grad_enabled() or _traced():
        # a jit trace would record only the empty output the C kernel writes into (not the write)
        return None
    x = args[0]  # x, or the upstream gradient (the saved tensor's dtype where it is a float)
    if x.device.type != "cpu" or x.dtype not in _FUSED_DTYPES + _HALF:
        return None
    if run.tensor_names:
        return _fused_params(run, which, args)
    if run.plan.strategy is Saved.BITS:
        return _fused_bits(run, which, args) if which != Body.INFERENCE else None
    if run.plan.strategy is Saved.CONSTANT and which != Body.BACKWARD and run.native is None:
        # f' is one number (binary_step): backward is g times it; forward is the fused kernel
        return _fused_elementwise(run, which, args)
    if run.native is not None or run.plan.strategy not in (Saved.INPUT, Saved.OUTPUT, Saved.NONE):
        return None
    if run.spec.kind == "gated":
        return _fused_gated(run, which, args) if x.dtype in _FUSED_DTYPES else None
    return _fused_elementwise(run, which, args)


def _fused_params(run: "_Run", which: Body, args: tuple) -> Any:
    """Learnable scalar parameters (and hinge parameters with one value per hinge, shape (S,)):
    their values are the kernels' arguments, and the backward's one pass gives the input gradient
    and each parameter's (summed in double). Per-channel parameters keep the eager path."""
    tensors = args[2:] if which == Body.BACKWARD else args[1:]
    if run.spec.kind != "elementwise" or run.plan.strategy not in (Saved.INPUT, Saved.NONE):
        return None
    if any(
        t.device.type != "cpu" or (t.dim() > 1 if lead else t.numel() != 1)
        for t, lead in zip(tensors, run.leading)
    ):
        return None
    pk = param_kernels_for(run.spec, dict(run.fixed), run.tensor_names)
    first = args[1] if which == Body.BACKWARD else args[0]
    if pk is None or not pk.takes(first.dtype) or any(t.numel() != w for t, w in zip(tensors, pk.widths)):
        return None
    values = pk.values(tensors)
    if which != Body.BACKWARD:
        y = pk.forward(first.contiguous(), values)
        return y if which == Body.INFERENCE else (y, None)
    g = args[0]
    if g.dtype != first.dtype:
        return None
    wanted = [t.requires_grad for t in tensors]
    gx, sums = pk.backward(first.contiguous(), g.contiguous(), values, any(wanted))
    return (gx, *pk.param_grads(sums, tensors, wanted))


def _fused_bits(run: "_Run", which: Body, args: tuple) -> Any:
    """The lean tier's forward (f and the packed mask in one pass) and backward through C."""
    x = args[0]
    plan = run.plan
    ks = mask_kernels_for(run.spec, dict(run.fixed), plan.runs, plan.low, plan.high)
    if ks is None or not ks.takes("bits_fwd" if which == Body.FORWARD else "bits_bwd", x.dtype):
        return None
    if which == Body.FORWARD:
        x = x.contiguous()
        y = torch.empty_like(x)
        bits = torch.empty((x.numel() + 7) // 8, dtype=torch.uint8)
        ks.call("bits_fwd", x.dtype, x.numel(), [(x, x.element_size()), (y, y.element_size()), (bits, 0.125)])
        return y, bits
    g, bits = args[0].contiguous(), args[1]
    out = torch.empty_like(g)
    ks.call("bits_bwd", g.dtype, g.numel(), [(bits, 0.125), (g, g.element_size()), (out, out.element_size())])
    return (out,)


def _fused_gated(run: "_Run", which: Body, args: tuple) -> Any:
    ks = gated_kernels_for(run.spec, dict(run.fixed))
    if ks is None:
        return None
    x = (args[1] if which == Body.BACKWARD else args[0]).contiguous()
    axis = run.axis % x.dim()
    outer, inner = math.prod(x.shape[:axis]), (x.shape[axis] // 2) * math.prod(x.shape[axis + 1 :])
    if which == Body.BACKWARD:
        g = args[0].contiguous()
        if g.dtype != x.dtype:
            return None
        out = torch.empty_like(x)
        run_gated(ks, "gbwd", out, outer, inner, x, g)
        return (out,)
    shape = list(x.shape)
    shape[axis] //= 2
    y = torch.empty(shape, dtype=x.dtype)
    run_gated(ks, "gfwd", y, outer, inner, x)
    return y if which == Body.INFERENCE else (y, None)


def _fused_elementwise(run: "_Run", which: Body, args: tuple) -> Any:
    first = args[1] if which == Body.BACKWARD else args[0]
    ks = kernels_for(run.spec, dict(run.fixed))
    if ks is None:
        return None
    if which == Body.BACKWARD:
        g, saved = args[0], args[1]
        if g.dtype != saved.dtype:
            return None
        kind = "dy_grad" if run.plan.strategy is Saved.OUTPUT else "dx_grad"
        if kind not in ks.kinds or not ks.takes(kind, saved.dtype):
            return None
        out = torch.empty(saved.shape, dtype=saved.dtype)
        return (ks.run(kind, out, saved.contiguous(), g.contiguous()),)
    if not ks.takes("fwd", first.dtype):
        return None
    out = ks.run("fwd", torch.empty(first.shape, dtype=first.dtype), first.contiguous())
    return out if which == Body.INFERENCE else (out, None)


# --------------------------------------------------------------------------- blocked eager
# Eager torch writes every intermediate of a closed form to memory and reads it back; on large
# tensors that traffic, not the arithmetic, sets the time. Evaluated in blocks that fit the L2
# cache, the intermediates stay in cache and only x, g and the result travel to memory (lecun_tanh's
# backward at 16M float32: 143 ms whole, 63 ms in blocks of 2^18 elements). Blocks are used only where no
# graph is recorded (forward, inference, backward without create_graph); double backward
# evaluates the whole tensor with differentiable ops.
_BLOCK = 1 << 16

# A block's intermediates (~256 KB each) come from malloc. With glibc's defaults every one of them
# costs page faults: above 128 KB malloc maps fresh pages, and once its threshold adapts, the freed
# top of the heap is returned to the OS after every block. lecun_tanh's derivative on one block of
# 2^16 float32 took 640 us that way and 110 us with the heap kept (each op alone: 4-25 us). So the
# first blocked call sets malloc's mmap threshold to 32 MB (the top of glibc's own adaptive range)
# and keeps up to 64 MB of freed heap mapped; elsewhere (not glibc) nothing is changed.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_HEAP = {"kept": False}


def _keep_heap() -> None:
    if _HEAP["kept"]:
        return
    _HEAP["kept"] = True
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 64 << 20)


def _block_rows(run: "_Run", x: torch.Tensor, tensors: tuple) -> tuple[bool, int] | None:
    """(flatten?, rows per block) to cut ``x`` along its first dimension, or None to run whole."""
    n = x.numel()
    if n < 2 * _BLOCK or x.dim() == 0:
        return None
    trailing = [t.shape[1:] if lead else t.shape for t, lead in zip(tensors, run.leading)]
    if run.spec.kind == "elementwise" and all(math.prod(shp) == 1 for shp in trailing):
        return True, _BLOCK  # parameters are scalars: any cut of the flat tensor works
    if x.shape[0] < 2 or (run.axis is not None and run.axis % x.dim() == 0):
        return None
    if any(len(shp) == x.dim() and shp[0] != 1 for shp in trailing):
        return None  # a parameter varies along the first dimension
    rows = max(1, _BLOCK * x.shape[0] // n)
    return (False, rows) if rows < x.shape[0] else None


def _whole(which: Body, k: int) -> bool:
    """Whether result ``k`` of body ``which`` is full-size (else a parameter gradient, summed)."""
    return which != Body.BACKWARD or k == 0


class _CountIntermediates(torch.overrides.TorchFunctionMode):
    """Counts the torch calls that write a new tensor of at least half the probe's size (a full-size
    pass over memory; views and reductions are free)."""

    def __init__(self, numel: int):
        super().__init__()
        self.numel, self.count = numel, 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if isinstance(out, torch.Tensor) and out._base is None and 2 * out.numel() >= self.numel:
            self.count += 1
        return out


_WORTH_BLOCKS: dict[tuple, bool] = LRU(1024)


def _worth_blocks(run: "_Run", which: Body, body: Callable, full: list, tensors: tuple, flat: bool) -> bool:
    """Blocks pay one extra in-cache copy per result: worth it when the body writes at least three
    full-size intermediates (a one-op body such as exp or g * y runs faster whole). Counted once per
    function, parameters and body on a small slice of the real inputs."""
    key = (_run_key(run), which)
    worth = _WORTH_BLOCKS.get(key)
    if worth is None:
        probe = [None if t is None else (t.reshape(-1)[:64] if flat else t[:1]) for t in full]
        ref = probe[-1] if probe[-1] is not None else probe[0]
        assert ref is not None  # the input is always among the tensors
        with _CountIntermediates(ref.numel()) as c:
            body(run, *probe, *tensors)
        worth = _WORTH_BLOCKS[key] = c.count >= 3
    return worth


def _accumulator(r: torch.Tensor | None, rows: int, whole: bool) -> torch.Tensor | None:
    if r is None:
        return None
    return r.new_empty((rows,) + r.shape[1:]) if whole else torch.zeros_like(r)


def _in_blocks(run: "_Run", which: Body, body: Callable, args: tuple) -> Any:
    """``body(run, *args)``, evaluated block by block along the first dimension when that helps.

    Full-size arguments (x; or g and what forward saved) are cut; parameters are passed whole.
    Full-size results are written into one output each; parameter gradients are summed."""
    if torch.is_grad_enabled() or torch.compiler.is_compiling():
        return body(run, *args)
    nfull = 2 if which == Body.BACKWARD else 1
    full, tensors = list(args[:nfull]), args[nfull:]
    ref = full[-1] if full[-1] is not None else full[0]
    layout = _block_rows(run, ref, tensors)
    if layout is None or not _worth_blocks(run, which, body, full, tensors, layout[0]):
        return body(run, *args)
    _keep_heap()
    flat, step = layout
    shapes = [None if t is None else t.shape for t in full]
    if flat:
        full = [None if t is None else t.reshape(-1) for t in full]
    rows = full[0].shape[0]
    single = which == Body.INFERENCE  # inference returns one tensor, forward and backward a tuple
    # the closed-form backward writes the input gradient straight into its slice of the output
    dst = None
    if which == Body.BACKWARD and run.plan.strategy in (Saved.INPUT, Saved.OUTPUT):
        g, x = full
        dst = x.new_empty(x.shape, dtype=torch.promote_types(g.dtype, x.dtype))
    outs: list = []
    for i in range(0, rows, step):
        kw = {} if dst is None else {"out": dst[i : i + step]}
        res = body(run, *[None if t is None else t[i : i + step] for t in full], *tensors, **kw)
        res = (res,) if single else tuple(res)
        if not outs:
            outs = [
                _accumulator(r, rows, _whole(which, k)) if k or dst is None else dst
                for k, r in enumerate(res)
            ]
        for k, r in enumerate(res):
            if r is None:
                continue
            if _whole(which, k):
                block = outs[k][i : i + step]
                if r.data_ptr() != block.data_ptr():
                    block.copy_(r)
            else:
                outs[k] += r
    if flat:
        outs = [o.reshape(shapes[0]) if o is not None and _whole(which, k) else o for k, o in enumerate(outs)]
    return outs[0] if single else tuple(outs)


# --------------------------------------------------------------------------- the Function
@dataclass(frozen=True, eq=False)
class _Run:
    """Everything forward/backward need besides tensors (hashable by identity for compile caches)."""

    spec: ActivationSpec
    plan: Plan
    fixed: tuple  # (name, value) of number/string parameters
    tensor_names: tuple  # names of tensor parameters, in the order they are passed
    leading: tuple  # which tensor parameters carry a leading (hinge) axis
    axis: int | None
    native: Callable | None
    inplace: bool

    def params(self, tensors: tuple) -> dict[str, Any]:
        p = dict(self.fixed)
        p.update(zip(self.tensor_names, tensors))
        return p

    def kw(self, tensors: tuple) -> dict[str, Any]:
        p = self.params(tensors)
        if self.axis is not None:
            p["axis"] = self.axis
        return p


def _forward_body(run: _Run, x: torch.Tensor, *tensors: torch.Tensor):
    s, plan = run.spec, run.plan
    if run.native is not None:
        y = run.native(x, run.axis, **run.params(tensors))
    else:
        y = s.forward(x, _ops(), **run.kw(tensors))
    if plan.strategy is Saved.MASK:
        return y, _mask(x, plan.runs)
    if plan.strategy is Saved.BITS:
        return y, pack_bits(_mask(x, plan.runs))
    return y, None


def _run_key(run: _Run) -> tuple:
    """What identifies the code a run executes (for caches keyed across calls)."""
    return (
        id(run.spec),
        run.spec.name,
        run.plan,
        run.fixed,
        run.tensor_names,
        run.leading,
        run.axis,
        run.native is not None,
        run.inplace,
    )


def _compiled_bodies(run: _Run) -> tuple[Callable, ...]:
    # torch.compile caches per Python function object: keep one pair per (spec, plan, parameters)
    key = _run_key(run)
    pair = _COMPILED_BODIES.get(key)
    if pair is None:
        pair = _COMPILED_BODIES[key] = (
            _compiled(_forward_body, run, "forward"),
            _compiled(_backward_body, run, "backward"),
            _compiled(_inference_body, run, "inference"),
        )
    return pair


_COMPILED_BODIES: dict[tuple, tuple[Callable, ...]] = LRU(256)


def _inference_body(run: _Run, x: torch.Tensor, *tensors: torch.Tensor) -> torch.Tensor:
    return run.spec.forward(x, _ops(), **run.kw(tensors))


def _backward_body(run: _Run, g: torch.Tensor, saved: torch.Tensor | None, *tensors: torch.Tensor, out=None):
    """The gradients (input, then one per tensor parameter). ``out``, given only where no graph is
    recorded (blocks), receives the input gradient of the input and output plans."""
    s, plan, ops = run.spec, run.plan, _ops()
    # what the plan saved is there (None only for the constant plan), and so is each spec function
    # it uses (the plan is chosen from the ones the spec has)
    if plan.strategy is Saved.MASK:
        assert saved is not None
        return (_masked_grad(g, saved, plan.low, plan.high),)
    if plan.strategy is Saved.BITS:
        assert saved is not None
        return (_masked_grad(g, unpack_bits(saved, g.shape), plan.low, plan.high),)
    if plan.strategy is Saved.CONSTANT:
        return (g * plan.low if plan.low != 1.0 else g,)
    if plan.strategy is Saved.OUTPUT and s.kind == "vector":
        assert s.vjp_from_output is not None
        return (s.vjp_from_output(saved, g, ops, run.axis),)
    if plan.strategy is Saved.OUTPUT:
        assert s.derivative_from_output is not None
        d = s.derivative_from_output(saved, ops, **run.params(tensors))
        return (g * d if out is None else torch.mul(g, d, out=out),)
    x = saved
    kw = run.kw(tensors)
    if s.kind == "vector":
        assert s.vjp is not None
        gx = s.vjp(x, g, ops, **kw)
    elif s.kind == "gated":
        assert s.partials is not None and run.axis is not None  # a gated run splits along its axis
        da, db = s.partials(x, ops, **kw)
        gx = _join_halves(da, db, g, run.axis, out)
    else:
        assert s.derivative is not None
        gx = (
            g * s.derivative(x, ops, **kw)
            if out is None
            else torch.mul(g, s.derivative(x, ops, **kw), out=out)
        )
    grads = [gx]
    p = run.params(tensors)
    for name, t, lead in zip(run.tensor_names, tensors, run.leading):
        if not t.requires_grad:
            grads.append(None)
            continue
        dp = s.param_derivatives[name](x, ops, **p) * g
        grads.append(reduce_to(_ops_torch, dp, tuple(t.shape), lead))
    return tuple(grads)


def _join_halves(da: torch.Tensor, db: torch.Tensor, g: torch.Tensor, axis: int, out=None) -> torch.Tensor:
    """[da * g; db * g] along ``axis``: written straight into the two halves of one output where no
    graph is recorded (a concat would write both products and then copy them)."""
    if torch.is_grad_enabled() or torch.compiler.is_compiling():
        return torch.cat([da * g, db * g], dim=axis)
    if out is None:
        shape = list(g.shape)
        shape[axis] *= 2
        out = g.new_empty(shape)
    oa, ob = torch.chunk(out, 2, dim=axis)
    torch.mul(da, g, out=oa)
    torch.mul(db, g, out=ob)
    return out


class _Apply(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, run, *tensors):
        # half types are evaluated in float32 but saved (input, output) in their own dtype, so
        # the Function never keeps more bytes than torch's kernels do
        y, mask = _call(run, Body.FORWARD, x, *tensors)
        if y.dtype != x.dtype:
            y = y.to(x.dtype)
        ctx.run = run
        st = run.plan.strategy
        if run.inplace:
            x.copy_(y)
            ctx.mark_dirty(x)
            y = x
        if st in (Saved.MASK, Saved.BITS):
            ctx.save_for_backward(mask, *tensors)
        elif st is Saved.CONSTANT:
            ctx.save_for_backward(*tensors)
        elif st is Saved.OUTPUT:
            ctx.save_for_backward(y, *tensors)
        else:
            ctx.save_for_backward(x, *tensors)
        return y

    @staticmethod
    def backward(ctx, g):
        run = ctx.run
        saved = ctx.saved_tensors
        if run.plan.strategy is Saved.CONSTANT:
            first, tensors = None, saved
        else:
            first, tensors = saved[0], saved[1:]
        grads = list(_call(run, Body.BACKWARD, g, first, *tensors))
        if grads[0] is not None and grads[0].dtype != g.dtype:
            grads[0] = grads[0].to(g.dtype)
        grads += [None] * (1 + len(tensors) - len(grads))
        return (grads[0], None, *grads[1:])


# --------------------------------------------------------------------------- dispatch
def inplace_supported(s: ActivationSpec, params: Mapping[str, Any]) -> bool:
    """Every elementwise function with fixed parameters has an in-place form. Plans that do not keep
    the input (mask, constant, output) overwrite it and save nothing more; the others (silu, mish,
    hardswish, gelu, ...; rrelu in training) keep a copy of the input when autograd needs it, as
    torch's own ``silu_``, ``mish_`` and ``hardswish_`` do."""
    return s.kind == "elementwise" and _hashable(params) is not None


def _inplace_by_copy(s, impl, memory, x, ops, params, extra):
    """In place where backward needs the input: out of place on a copy of ``x`` (the copy is what
    backward reads; none is made where no graph is recorded), the result written back into ``x``."""
    src = x.clone() if (torch.is_grad_enabled() and x.requires_grad) else x
    y = forward_fn(s, impl, False, memory)(src, ops, **params, **extra)
    return x.copy_(y)


def _check_impl(impl: str) -> str:
    if impl not in IMPLS:
        raise ParameterError(f"impl={impl!r} is not one of {IMPLS}")
    return impl


def forward_fn(
    s: ActivationSpec, impl: str = "auto", inplace: bool = False, memory: str | None = None
) -> Callable[..., Any]:
    """``fn(x, ops, **kw)`` computing ``s`` on a torch tensor along the chosen path.

    ``x`` arrives in its own dtype (float16/bfloat16 included): torch's kernels take it as it is,
    the other paths evaluate half types in float32."""
    _check_impl(impl)
    _check_memory(memory)

    def fn(x: torch.Tensor, ops: Any, **kw: Any) -> torch.Tensor:
        training = kw.pop("training", False)
        generator = kw.pop("generator", None)
        axis = kw.pop("axis", None)
        params = kw
        extra = s.draw_keywords(training, generator)
        ax = {} if axis is None else {"axis": axis}
        stochastic_training = s.samples(training)
        if inplace:
            _check_inplace(s, params, x, impl)
            if (stochastic_training or plan_for(s, params, inplace=True).strategy is Saved.INPUT) and not (
                _traced() or _transformed()
            ):
                return _inplace_by_copy(s, impl, memory, x, ops, params, extra)
        kernel = native_kernel(s.name, params)
        if kernel is not None and x.dtype == torch.float16 and not takes_half(params):
            kernel = None
        if _traced() and impl != "native" and not stochastic_training:
            # inside torch.compile / torch.export / jit.trace the caller sees plain ops (the kernel
            # eager mode would use, else the spec's forward), fuses them and chooses what to
            # save; plans (NumPy) and the Function stay outside traces
            if kernel is not None and impl == "auto":
                return kernel(x, axis, **params)
            return s.forward(_working(x), ops, **params, **ax, **extra)
        if impl == "autograd" or (stochastic_training and impl != "native"):
            # the random slopes are drawn inside forward; autograd keeps them for backward
            return s.forward(_working(x), ops, **params, **ax, **extra)
        if _transformed() and impl != "native":
            # forward-mode AD and torch.func transforms: torch's kernel, else the spec's forward
            # with plain ops, which every transform differentiates and batches (the Function and
            # the fused kernels cannot: a tangent would be dropped, silently)
            if (
                kernel is not None
                and impl == "auto"
                and trains_exactly(s.name, x.dtype)
                and s.name not in JVP_DIFFERS
            ):
                return kernel(x, axis, **params)
            return s.forward(_working(x), ops, **params, **ax, **extra)
        if impl == "native":
            if kernel is None or stochastic_training:
                have = ", ".join(sorted(NATIVE))
                raise ParameterError(
                    f"torch has no kernel identical to {s.name} with {dict(params)}"
                    f"{' in training mode' if stochastic_training else ''}; use impl='auto' "
                    f"(native kernels exist for: {have})"
                )
            return kernel(x, axis, **params)
        needs_grad = torch.is_grad_enabled() and (
            x.requires_grad or any(isinstance(v, torch.Tensor) and v.requires_grad for v in params.values())
        )
        tier = memory_tier(memory)
        lean = tier == "lean" or tier in FEWBIT_TIERS  # piecewise-linear: the exact 1-bit mask
        bits = tier_bits(tier)
        if bits and needs_grad and impl == "auto" and not inplace and _fewbit_applies(s, params):
            plain = forward_fn(s)
            return apply_fewbit(s.name, bits, params, x, lambda t: plain(t, ops, **params, **ax))
        if impl == "auto" and not inplace:
            if kernel is not None and not (
                needs_grad and lean and plan_for(s, params).strategy is Saved.MASK
            ):
                if not needs_grad or trains_exactly(s.name, x.dtype):
                    # torch's kernel: the spec's values, kink conventions and accuracy (checked),
                    # one fused pass each way, and the bytes torch saves
                    return kernel(x, axis, **params)
            repair = repaired_kernel(s.name, params)
            if repair is not None:
                return apply_repaired(s, repair, params, x, needs_grad)
        if not needs_grad and not inplace:
            # nothing to save: the spec's forward
            return _apply(s, Plan(Saved.NONE), params, x, axis, None, False, inference=True)
        plan = plan_for(s, params, inplace=inplace)
        if (
            plan.strategy is Saved.MASK
            and not inplace
            and (lean or (kernel is None and _bits_fused(s, params, plan, x)))
        ):
            # the 1-bit mask in one fused pass: exact, less memory and faster than the eager
            # 1-byte mask; by default only where torch has no kernel (torch's saves what it saves)
            plan = dataclasses.replace(plan, strategy=Saved.BITS)
        use_native_values = plan.strategy in (Saved.MASK, Saved.BITS, Saved.CONSTANT) and kernel is not None
        return _apply(s, plan, params, x, axis, kernel if use_native_values else None, inplace)

    fn.casts_itself = True  # type: ignore[attr-defined]
    return fn


def _bits_fused(s: ActivationSpec, params: Mapping[str, Any], plan: Plan, x: torch.Tensor) -> bool:
    if x.device.type != "cpu" or x.dtype not in _FUSED_DTYPES + _HALF or _hashable(params) is None:
        return False
    ks = mask_kernels_for(s, dict(params), plan.runs, plan.low, plan.high)
    return ks is not None and ks.takes("bits_fwd", x.dtype)


def _fewbit_applies(s: ActivationSpec, params: Mapping[str, Any]) -> bool:
    """Few-bit codes: smooth elementwise functions with fixed parameters (piecewise-linear ones
    keep their exact 1-bit mask, constant slopes save nothing)."""
    if s.kind != "elementwise" or s.stochastic or s.derivative is None or _hashable(params) is None:
        return False
    return plan_for(s, params).strategy not in (Saved.MASK, Saved.CONSTANT)


def _apply(s, plan, params, x, axis, native, inplace, inference=False):
    fixed, names, tensors, leading = [], [], [], []
    for p in s.params:
        v = params[p.name]
        if isinstance(v, torch.Tensor):
            if v.requires_grad and p.name not in s.param_derivatives:
                # no closed form for this parameter: let autograd differentiate the forward
                return s.forward(_working(x), _ops(), **params, **({} if axis is None else {"axis": axis}))
            names.append(p.name)
            tensors.append(v)
            leading.append(bool(p.leading))
        else:
            fixed.append((p.name, v))
    run = _Run(s, plan, tuple(fixed), tuple(names), tuple(leading), axis, native, inplace)
    if inference:
        with torch.no_grad():  # nothing requires grad here; lets the body run in blocks
            return _call(run, Body.INFERENCE, x, *tensors)
    return _Apply.apply(x, run, *tensors)


def _check_inplace(s, params, x, impl):
    if impl in ("autograd", "native") or not inplace_supported(s, params):
        raise ParameterError(
            f"{s.name} has no in-place form here: in-place needs an elementwise function with fixed "
            f"parameters (numbers, not tensors) and impl='auto' or 'function'; call it out of place"
        )
    if x.requires_grad and x.is_leaf and torch.is_grad_enabled():
        raise ParameterError(
            f"in-place {s.name} would overwrite a leaf tensor that requires grad (shape "
            f"{tuple(x.shape)}); autograd needs its value. Apply it to a computed tensor "
            f"(e.g. a layer's output) or call it out of place."
        )


register_tensor_forward("torch", forward_fn)
