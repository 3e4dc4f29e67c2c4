"""torch primitives. Every one is differentiable by autograd (double backward included)."""

from __future__ import annotations

import torch
import torch.autograd.forward_ad as _fwad
import torch.nn.functional as F

from ._generic import polyval  # noqa: F401 - one of the primitives

name = "torch"

abs = torch.abs
exp = torch.exp
expm1 = torch.expm1
log = torch.log
log1p = torch.log1p
sqrt = torch.sqrt
# 1.0 / t on a torch tensor is reciprocal(t) * 1.0: two passes
reciprocal = torch.reciprocal
square = torch.square
tanh = torch.tanh
sigmoid = torch.sigmoid
erf = torch.special.erf
erfc = torch.special.erfc
sin = torch.sin
cos = torch.cos
arctan = torch.atan
isnan = torch.isnan
zeros_like = torch.zeros_like
ones_like = torch.ones_like
moveaxis = torch.movedim


def sign(x):
    # torch.sign(nan) is 0; NumPy's is nan. NaN must propagate on every path.
    return torch.where(torch.isnan(x), x, torch.sign(x))


def shape(x):
    return tuple(x.shape)


def _exporting() -> bool:
    return torch.compiler.is_exporting()


def _softplus_for_export(x):
    # torch.export/ONNX lower logaddexp and logsigmoid to log(exp(x) + 1) and log(sigmoid(x)),
    # which overflow (softplus(100) = inf) or lose the tail (log_sigmoid(-20) = -inf); this form
    # lowers to Max/Abs/Exp/Log and stays finite (absolute error <= 1 ulp of 1 in the log term).
    return torch.clamp_min(x, 0) + torch.log1p(torch.exp(-torch.abs(x)))


def log_sigmoid(x):
    if _exporting():
        return -_softplus_for_export(-x)
    return F.logsigmoid(x)


def softplus(x):
    # logaddexp(x, 0): stable in both tails, and its autograd gives sigmoid(x) exactly at 0
    # (a max/abs composition would give the wrong one-sided value there).
    if _exporting():
        return _softplus_for_export(x)
    return torch.logaddexp(x, torch.zeros_like(x))


def logaddexp(a, b):
    if not isinstance(b, torch.Tensor):
        b = torch.full_like(a, b)
    if not isinstance(a, torch.Tensor):
        a = torch.full_like(b, a)
    return torch.logaddexp(a, b)


# Same-width integer types, for selecting float bits without branches.
_BITS = {
    torch.float32: torch.int32,
    torch.float64: torch.int64,
    torch.float16: torch.int16,
    torch.bfloat16: torch.int16,
}


def _traced() -> bool:
    """Whether ops are being recorded by a compiler or jit.trace (no data-dependent choices)."""
    return torch.compiler.is_compiling() or torch.jit.is_tracing()


def _transformed() -> bool:
    """Whether a forward-mode (dual) level or a torch.func transform (grad, vmap, jvp, jacrev, ...)
    is active: there only plain differentiable ops give right answers (a custom Function has no
    jvp or vmap rule, and a fused kernel reads raw memory that a transform's tensors do not have)."""
    return _fwad._current_level >= 0 or torch._C._functorch.peek_interpreter_stack() is not None


def _eager_no_graph() -> bool:
    """Plain eager evaluation with no autograd graph: where the fast, non-differentiable forms apply."""
    return not torch.is_grad_enabled() and not _traced()


def where(cond, a, b):
    # torch.where's CPU kernel branches per element: when the condition splits the data (|x| > 1
    # on normal inputs) mispredictions make it 4x slower than a multiply (29 ms vs 7 ms for 16M
    # float32, 2 threads). Where no gradient is recorded (the Function's forward and backward,
    # inference) the bits are selected with integer ops instead: b ^ ((a ^ b) & -cond), exact
    # for every value (NaN payloads and signed zeros included).
    if not _eager_no_graph():
        return torch.where(cond, a, b)
    ref = a if isinstance(a, torch.Tensor) else b
    if not isinstance(ref, torch.Tensor) or ref.dtype not in _BITS or ref.device.type != "cpu":
        return torch.where(cond, a, b)
    a = a if isinstance(a, torch.Tensor) else torch.tensor(a, dtype=ref.dtype)
    b = b if isinstance(b, torch.Tensor) else torch.tensor(b, dtype=ref.dtype)
    if a.dtype != b.dtype or not isinstance(cond, torch.Tensor) or cond.dtype != torch.bool:
        return torch.where(cond, a, b)
    it = _BITS[ref.dtype]
    ai, bi = a.view(it), b.view(it)
    m = cond.to(it).neg_()  # all bits set where cond holds
    r = torch.bitwise_xor(ai, bi)
    r = r.bitwise_and_(m) if r.shape == torch.broadcast_shapes(r.shape, m.shape) else r & m
    return r.bitwise_xor_(bi).view(ref.dtype)


def maximum(a, b):
    if not isinstance(b, torch.Tensor):
        return torch.clamp_min(a, b)
    return torch.maximum(a, b)


def minimum(a, b):
    if not isinstance(b, torch.Tensor):
        return torch.clamp_max(a, b)
    return torch.minimum(a, b)


def clip(x, lo, hi):
    return torch.clamp(x, lo, hi)


def relu(x):
    # where, not clamp: the gradient at 0 must be 0 (torch's relu convention); NaN compares
    # False, so it falls through to the x branch and propagates. Without a graph torch's kernel
    # gives the same values in one pass (+ 0.0 turns its -0.0 at x = -0.0 into the 0 of x <= 0).
    if _eager_no_graph():
        return torch.relu(x).add_(0.0)
    return where(x <= 0, torch.zeros_like(x), x)


def where_lazy(cond, if_true, if_false):
    """``where(cond, if_true(), if_false())``; the branches are zero-argument callables.

    Eager torch on the CPU evaluates only ``if_false`` when ``cond`` holds nowhere (the rare tails
    of the catalog's gates): a byte-wise max over the mask costs 3 us per 2^16 elements, the
    skipped branch and select ~70 us. Traced code (torch.compile, export, jit.trace, vmap) and
    other devices evaluate both, as where does.
    """
    # a trace would keep only the branch this input took; off the CPU the test would be a host
    # sync on every call (the device waits for the mask), so both branches run there
    if _traced() or not isinstance(cond, torch.Tensor) or cond.dtype != torch.bool or not cond.is_cpu:
        return where(cond, if_true(), if_false())
    try:
        unused = cond.numel() > 0 and not bool(cond.view(torch.uint8).max())
    except RuntimeError:  # torch.func.vmap refuses data-dependent control flow
        unused = False
    if unused:
        b = if_false()
        if isinstance(b, torch.Tensor) and b.shape == torch.broadcast_shapes(cond.shape, b.shape):
            return b
        return where(cond, if_true(), b)
    return where(cond, if_true(), if_false())


def float32_form(cheap, exact):
    """``exact()``. ``cheap()`` is another form of the same function, accurate to the float32
    budget only and cheaper there; both are zero-argument callables. Only generated kernels that
    compute in float32 take it (their accuracy is checked like every kernel's)."""
    return exact()


def nan_to_zero(x):
    """x with NaN replaced by 0 (infinities kept): one pass, where isnan and a select take six.
    Under autograd a select, since nan_to_num's gradient is 0 at +-inf where the select's is 1."""
    if not _eager_no_graph():
        return torch.where(torch.isnan(x), torch.zeros_like(x), x)
    return torch.nan_to_num(x, nan=0.0, posinf=float("inf"), neginf=float("-inf"))


def indicator(cond, x):
    """1 where ``cond`` holds, else 0, in ``x``'s dtype."""
    return cond.to(x.dtype)


def full_like(x, v):
    return torch.full_like(x, v)


def reshape(x, shape):
    return x.reshape(shape)


def sum(x, axis, keepdims=True):
    return torch.sum(x, dim=axis, keepdim=keepdims)


def amax(x, axis, keepdims=True):
    return torch.amax(x, dim=axis, keepdim=keepdims)


def cumsum(x, axis):
    return torch.cumsum(x, dim=axis)


def sort_desc(x, axis):
    return torch.sort(x, dim=axis, descending=True).values


def take_along_axis(x, idx, axis):
    return torch.take_along_dim(x, idx, dim=axis)


def arange_along(x, axis, start=1):
    n = x.shape[axis]
    shp = [1] * x.ndim
    shp[axis] = n
    return torch.arange(start, start + n, dtype=x.dtype, device=x.device).reshape(shp)


def split_half(x, axis):
    a, b = torch.chunk(x, 2, dim=axis)
    return a, b


def concat(xs, axis):
    return torch.cat(xs, dim=axis)


def uniform_like(x, lo, hi, generator=None):
    return torch.empty_like(x).uniform_(lo, hi, generator=generator)
