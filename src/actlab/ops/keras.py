"""Keras 3 primitives, built on ``keras.ops``, so they run on every Keras backend (for float64
input a few go to the backend's own function instead; see ``_native``).

Inputs are backend tensors (torch tensors, JAX arrays, ...) or symbolic ``KerasTensor``s; Python
operators on them (``*``, ``>``, ``&``) are the backend's own. Keras must already be importable,
i.e. ``KERAS_BACKEND`` set (see ``actlab.keras``).
"""

from __future__ import annotations

import keras
from keras import ops as K

from ._generic import polyval  # noqa: F401 - one of the primitives

name = "keras"

abs = K.abs
exp = K.exp
expm1 = K.expm1
log = K.log
log1p = K.log1p
sqrt = K.sqrt
reciprocal = K.reciprocal
square = K.square
sigmoid = K.sigmoid
log_sigmoid = K.log_sigmoid
erf = K.erf
erfc = K.erfc
isnan = K.isnan
zeros_like = K.zeros_like
ones_like = K.ones_like
moveaxis = K.moveaxis


# Keras's type promotion maps float64 to float32 ("to align with JAX's default"), and some
# keras.ops run their input through it: on Keras 3.15 tanh, sin, cos and arctan on the JAX backend
# and cumsum on the torch backend return float32 for float64 input. For float64 these few go to
# the backend's own function, which keeps the dtype; every other dtype uses keras.ops.
# tests/test_ops.py and tests/test_parity.py (float64, both backends) catch any new case.
def _native(name: str):
    backend = keras.config.backend()
    if backend == "torch":
        import torch

        return {
            "tanh": torch.tanh,
            "sin": torch.sin,
            "cos": torch.cos,
            "arctan": torch.atan,
            "cumsum": lambda x, axis: torch.cumsum(x, dim=axis),
        }[name]
    if backend == "jax":
        import jax.numpy as jnp

        return {"tanh": jnp.tanh, "sin": jnp.sin, "cos": jnp.cos, "arctan": jnp.arctan, "cumsum": jnp.cumsum}[
            name
        ]
    if backend == "tensorflow":  # pragma: no cover - tensorflow is not installed here
        import tensorflow as tf

        return {
            "tanh": tf.math.tanh,
            "sin": tf.math.sin,
            "cos": tf.math.cos,
            "arctan": tf.math.atan,
            "cumsum": lambda x, axis: tf.math.cumsum(x, axis=axis),
        }[name]
    return None


def _f64(x) -> bool:
    return not keras.utils.is_keras_tensor(x) and K.dtype(x) == "float64"


def tanh(x):
    f = _native("tanh") if _f64(x) else None
    return f(x) if f else K.tanh(x)


def sin(x):
    f = _native("sin") if _f64(x) else None
    return f(x) if f else K.sin(x)


def cos(x):
    f = _native("cos") if _f64(x) else None
    return f(x) if f else K.cos(x)


def arctan(x):
    f = _native("arctan") if _f64(x) else None
    return f(x) if f else K.arctan(x)


def sign(x):
    # The torch backend's sign(nan) is 0; NumPy's is nan. NaN must propagate on every backend.
    return K.where(K.isnan(x), x, K.sign(x))


def shape(x):
    return tuple(K.shape(x))


def _is_tensor(v) -> bool:
    return K.is_tensor(v) or keras.utils.is_keras_tensor(v)


def _dtype(t) -> str:
    return t.dtype if keras.utils.is_keras_tensor(t) else K.dtype(t)


def _like(v, t):
    """A Python number as a tensor of ``t``'s dtype. Keras promotes (float64 tensor, Python float)
    to float32 in some ops on some backends (maximum, logaddexp on torch), losing float64."""
    return v if _is_tensor(v) else K.convert_to_tensor(v, dtype=_dtype(t))


def softplus(x):
    # max(x, 0) + log1p(exp(-|x|)): never overflows, exact in both tails, and keeps the dtype
    # (keras.ops.logaddexp and softplus compute float64 inputs in float32 on some backends). Its
    # autodiff at 0 is one-sided (0, not 1/2); actlab.keras differentiates with the closed forms.
    return maximum(x, K.zeros_like(x)) + K.log1p(K.exp(-K.abs(x)))


def logaddexp(a, b):
    a, b = _pair(a, b)
    m = maximum(a, b)
    # a == b (infinities included, where a - b is NaN): log(2 e^a) = a + log 2
    return K.where(a == b, a + 0.6931471805599453, m + K.log1p(K.exp(-K.abs(a - b))))


def where(cond, a, b):
    a, b = _pair(a, b)
    return K.where(cond, a, b)


def _pair(a, b):
    if _is_tensor(a) and not _is_tensor(b):
        return a, _like(b, a)
    if _is_tensor(b) and not _is_tensor(a):
        return _like(a, b), b
    return a, b


# keras.ops.maximum/minimum on the torch backend round float64 operands to float32 (its dtype
# promotion does not recognise torch dtypes), so they are written with where; NaN in either
# operand propagates, as NumPy's maximum does.
def maximum(a, b):
    a, b = _pair(a, b)
    return K.where(K.logical_or(K.isnan(a), a > b), a, b)


def minimum(a, b):
    a, b = _pair(a, b)
    return K.where(K.logical_or(K.isnan(a), a < b), a, b)


def clip(x, lo, hi):
    return K.clip(x, lo, hi)


def relu(x):
    # where, not keras.ops.relu: NaN must fall through to the x branch on every backend.
    return K.where(x <= 0, K.zeros_like(x), x)


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
    return K.where(K.isnan(x), K.zeros_like(x), x)


def indicator(cond, x):
    """1 where ``cond`` holds, else 0, in ``x``'s dtype."""
    return K.cast(cond, _dtype(x))


def full_like(x, v):
    return K.full_like(x, v)


def reshape(x, shape):
    return K.reshape(x, shape)


def sum(x, axis, keepdims=True):
    return K.sum(x, axis=axis, keepdims=keepdims)


def amax(x, axis, keepdims=True):
    return K.max(x, axis=axis, keepdims=keepdims)


def cumsum(x, axis):
    f = _native("cumsum") if _f64(x) else None
    return f(x, axis=axis) if f else K.cumsum(x, axis=axis)


def sort_desc(x, axis):
    return -K.sort(-x, axis=axis)


def take_along_axis(x, idx, axis):
    return K.take_along_axis(x, idx, axis=axis)


def arange_along(x, axis, start=1):
    """start, start+1, ... along ``axis``, shaped to broadcast against ``x``."""
    n = x.shape[axis]
    shp = [1] * len(x.shape)
    shp[axis] = n
    return K.reshape(K.arange(start, start + n, dtype=K.dtype(x)), shp)


def split_half(x, axis):
    a, b = K.split(x, 2, axis=axis)
    return a, b


def concat(xs, axis):
    return K.concatenate(xs, axis=axis)


def uniform_like(x, lo, hi, generator=None):
    """U(lo, hi) samples shaped like ``x``; ``generator`` is a Keras seed (an int or a
    ``keras.random.SeedGenerator``; a layer's own generator keeps this traceable under jit)."""
    return keras.random.uniform(K.shape(x), minval=lo, maxval=hi, dtype=K.dtype(x), seed=generator)
