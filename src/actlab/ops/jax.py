"""JAX primitives (``jax.numpy``, ``jax.scipy.special``, ``jax.nn``).

Every primitive is traceable (``jit``, ``vmap``, ``grad``). Python numbers stay weakly typed, so
a float32 input gives a float32 result even with ``jax_enable_x64`` on.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy import special

from ..errors import ParameterError
from ._generic import polyval  # noqa: F401 - one of the primitives

name = "jax"

abs = jnp.abs
sign = jnp.sign  # sign(nan) is nan, as NumPy's
exp = jnp.exp
expm1 = jnp.expm1
log = jnp.log
log1p = jnp.log1p
sqrt = jnp.sqrt
reciprocal = jnp.reciprocal
square = jnp.square
tanh = jnp.tanh
sigmoid = jax.nn.sigmoid
log_sigmoid = jax.nn.log_sigmoid
erf = special.erf
erfc = special.erfc
sin = jnp.sin
cos = jnp.cos
arctan = jnp.arctan
where = jnp.where
maximum = jnp.maximum
minimum = jnp.minimum
isnan = jnp.isnan
zeros_like = jnp.zeros_like
ones_like = jnp.ones_like
moveaxis = jnp.moveaxis


def shape(x):
    return tuple(jnp.shape(x))


def softplus(x):
    # logaddexp(x, 0) = max(x, 0) + log1p(exp(-|x|)): never overflows, exact in both tails.
    return jnp.logaddexp(x, 0.0)


def logaddexp(a, b):
    return jnp.logaddexp(a, b)


def clip(x, lo, hi):
    return jnp.clip(x, lo, hi)


def relu(x):
    # NaN compares False, so it falls through to the x branch and propagates.
    return jnp.where(x <= 0, jnp.zeros_like(x), x)


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
    return jnp.nan_to_num(x, nan=0.0, posinf=jnp.inf, neginf=-jnp.inf)


def indicator(cond, x):
    """1 where ``cond`` holds, else 0, in ``x``'s dtype."""
    return jnp.asarray(cond).astype(x.dtype)


def full_like(x, v):
    return jnp.full_like(x, v)


def reshape(x, shape):
    return jnp.reshape(x, shape)


def sum(x, axis, keepdims=True):
    return jnp.sum(x, axis=axis, keepdims=keepdims)


def amax(x, axis, keepdims=True):
    return jnp.max(x, axis=axis, keepdims=keepdims)


def cumsum(x, axis):
    return jnp.cumsum(x, axis=axis)


def sort_desc(x, axis):
    return -jnp.sort(-x, axis=axis)


def take_along_axis(x, idx, axis):
    return jnp.take_along_axis(x, idx, axis=axis)


def arange_along(x, axis, start=1):
    """start, start+1, ... along ``axis``, shaped to broadcast against ``x``."""
    n = x.shape[axis]
    shp = [1] * x.ndim
    shp[axis] = n
    return jnp.arange(start, start + n, dtype=x.dtype).reshape(shp)


def split_half(x, axis):
    a, b = jnp.split(x, 2, axis=axis)
    return a, b


def concat(xs, axis):
    return jnp.concatenate(xs, axis=axis)


def uniform_like(x, lo, hi, generator=None):
    """U(lo, hi) samples shaped like ``x``; ``generator`` is a JAX PRNG key (JAX has no hidden
    global random state, so a stochastic activation cannot draw without one)."""
    if generator is None:
        raise ParameterError(
            "a randomized activation in training mode needs a PRNG key under JAX: pass "
            "key=jax.random.key(0) (split a fresh key for every step)"
        )
    return jax.random.uniform(generator, jnp.shape(x), dtype=x.dtype, minval=lo, maxval=hi)
