"""NumPy primitives (SciPy for the special functions). Inputs arrive as float64 arrays."""

from __future__ import annotations

import numpy as np
from scipy import special

from ._generic import polyval  # noqa: F401 - one of the primitives

name = "numpy"

abs = np.abs
sign = np.sign
exp = np.exp
expm1 = np.expm1
log = np.log
log1p = np.log1p
sqrt = np.sqrt
reciprocal = np.reciprocal
square = np.square
tanh = np.tanh
sigmoid = special.expit
log_sigmoid = special.log_expit
erf = special.erf
erfc = special.erfc
sin = np.sin
cos = np.cos
arctan = np.arctan
where = np.where
maximum = np.maximum
minimum = np.minimum
isnan = np.isnan
zeros_like = np.zeros_like
ones_like = np.ones_like
moveaxis = np.moveaxis


def shape(x):
    return np.shape(x)


def softplus(x):
    # logaddexp(x, 0) = max(x, 0) + log1p(exp(-|x|)): never overflows, exact in both tails.
    return np.logaddexp(x, 0.0)


def logaddexp(a, b):
    return np.logaddexp(a, b)


def clip(x, lo, hi):
    return np.clip(x, lo, hi)


def relu(x):
    # NaN compares False, so it falls through to the x branch and propagates.
    return np.where(x <= 0, 0.0, x)


def where_lazy(cond, if_true, if_false):
    """``where(cond, if_true(), if_false())``; the branches are zero-argument callables."""
    return where(cond, if_true(), if_false())


def float32_form(cheap, exact):
    """``exact()``. ``cheap()`` is another form of the same function, accurate to the float32
    budget only and cheaper there; both are zero-argument callables. Only generated kernels that
    compute in float32 take it (their accuracy is checked like every kernel's)."""
    return exact()


def nan_to_zero(x):
    """x with NaN replaced by 0 (infinities kept)."""
    return np.nan_to_num(x, nan=0.0, posinf=np.inf, neginf=-np.inf)


def indicator(cond, x):
    """1 where ``cond`` holds, else 0, in ``x``'s dtype."""
    return np.asarray(cond).astype(np.asarray(x).dtype)


def full_like(x, v):
    return np.full_like(x, v)


def reshape(x, shape):
    return np.reshape(x, shape)


def sum(x, axis, keepdims=True):
    return np.sum(x, axis=axis, keepdims=keepdims)


def amax(x, axis, keepdims=True):
    return np.max(x, axis=axis, keepdims=keepdims)


def cumsum(x, axis):
    return np.cumsum(x, axis=axis)


def sort_desc(x, axis):
    return -np.sort(-x, axis=axis)


def take_along_axis(x, idx, axis):
    return np.take_along_axis(x, idx, axis=axis)


def arange_along(x, axis, start=1):
    """start, start+1, ... along ``axis``, shaped to broadcast against ``x``."""
    n = x.shape[axis]
    shp = [1] * x.ndim
    shp[axis] = n
    return np.arange(start, start + n, dtype=x.dtype).reshape(shp)


def split_half(x, axis):
    a, b = np.split(x, 2, axis=axis)
    return a, b


def concat(xs, axis):
    return np.concatenate(xs, axis=axis)


def uniform_like(x, lo, hi, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    return rng.uniform(lo, hi, size=np.shape(x)).astype(x.dtype)
