"""JAX functions generated from specs, with ``jax.custom_jvp`` rules built from the closed forms.

Why custom_jvp: autodiff of ``forward`` would differentiate whichever branch formula a masked
``where`` picks at a kink, and JAX's own conventions (e.g. ``maximum`` splitting the gradient at
ties) need not be the spec's. The jvp below uses the spec's closed-form derivative, so every
derivative (kink conventions included) is the one documented and verified against mpmath. A
jvp rule that is linear in the tangents serves forward mode (``jvp``, ``jacfwd``) and, transposed
by JAX, reverse mode (``grad``, ``vjp``) alike.

Parameters: Python numbers and choice strings are compile-time constants (part of the traced
function); arrays (including tracers, e.g. a learnable ``beta`` under ``jax.grad``) are
differentiable inputs, with the spec's closed-form parameter derivative where it has one.
Array parameters broadcast against the input by NumPy rules, so a per-channel vector of shape
``(C,)`` applies along the last axis (channels-last, the JAX/Flax convention); APL's per-hinge
parameters have shape ``(hinges,)`` or ``(hinges, C)``.
"""

from __future__ import annotations

import functools
import numbers
from typing import Any, Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from ..api import register_array_adapter
from ..errors import InputTypeError, ParameterError, ShapeError
from ..kinds import LOW_PRECISION, kind_of, prepare
from ..ops import jax as ops
from ..registry import bind_params, resolve_params
from ..registry import spec as get_spec
from ..signatures import jax_function, with_signature
from ..spec import ActivationSpec

__all__ = ["JaxActivation", "apply", "get", "make_function"]

_LOW = tuple(jnp.dtype(n) for n in LOW_PRECISION)


def _as_input(s: ActivationSpec, x: Any) -> tuple[jax.Array, Any]:
    """x as a JAX floating array, and the dtype to return. Integers and bools are promoted as
    ``jnp.tanh`` promotes them: to JAX's default float (float32; float64 with x64 enabled)."""
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.generic)):
        x = float(x)
    try:
        arr = jnp.asarray(x)
    except TypeError as e:
        raise InputTypeError(
            f"{s.name}: cannot turn input of type {type(x).__name__} into a JAX array ({e}); "
            f"pass a floating-point jax.Array or NumPy array"
        ) from None
    if jnp.issubdtype(arr.dtype, jnp.integer) or jnp.issubdtype(arr.dtype, jnp.bool_):
        arr = arr.astype(jax.dtypes.canonicalize_dtype(jnp.float64))
    if not jnp.issubdtype(arr.dtype, jnp.floating):
        raise InputTypeError(
            f"{s.name}: input has dtype {arr.dtype}; accepted are float16, bfloat16, float32 and "
            f"float64 (with jax_enable_x64), and integers and bools (promoted to the default float). "
            f"Convert with x.astype(jnp.float32)."
        )
    out = arr.dtype
    # float16/bfloat16 are evaluated in float32 and rounded once, as the torch path does.
    return (arr.astype(jnp.float32) if out in _LOW else arr), out


def _split_params(
    s: ActivationSpec, params: Mapping[str, Any], dtype: Any
) -> tuple[tuple[tuple[str, Any], ...], dict[str, jax.Array]]:
    """(static items, dynamic arrays): constants are hashed into the traced function, arrays are
    differentiable arguments in ``dtype``."""
    static: list[tuple[str, Any]] = []
    dynamic: dict[str, jax.Array] = {}
    for p in s.params:
        v = params[p.name]
        if isinstance(v, (str, bool)) or v is None or p.choices is not None or p.integer:
            static.append((p.name, v))
        elif isinstance(v, numbers.Real):
            static.append((p.name, p.constant(v, params)))
        else:
            arr = jnp.asarray(v)
            if not jnp.issubdtype(arr.dtype, jnp.floating) and not jnp.issubdtype(arr.dtype, jnp.integer):
                raise ParameterError(f"{s.name}: {p.name} must hold numbers, got dtype {arr.dtype}")
            arr = arr.astype(dtype)
            if p.leading:
                if arr.ndim == 0:
                    arr = jnp.broadcast_to(arr, (p.count(params),))
                p.check_leading(s.name, tuple(arr.shape), params)
            dynamic[p.name] = arr
    return tuple(static), dynamic


def _param_tangent(s, name, x, v, t, p, axis):
    """d f / d(param) applied to the tangent ``t`` of that parameter (closed form if the spec has
    one, else JAX's autodiff of ``forward`` — only fixed parameters given as arrays get there)."""
    pd = s.param_derivatives.get(name)
    if pd is None or s.kind != "elementwise":
        _, out = jax.jvp(lambda u: s.forward(x, ops, **kind_of(s).kw(axis), **{**p, name: u}), (v,), (t,))
        return out
    dp = pd(x, ops, **p)
    if s.param(name).leading:
        # dp has shape (hinges, *x.shape); t has (hinges, *pshape) with pshape broadcasting
        # against x's trailing axes, so insert the missing axes after the hinge axis.
        t = jnp.reshape(t, (t.shape[0],) + (1,) * (x.ndim - (t.ndim - 1)) + t.shape[1:])
        return jnp.sum(dp * t, axis=0)
    return dp * t


@functools.lru_cache(maxsize=4096)
def _custom(name: str, static: tuple, dyn_names: tuple[str, ...], axis: int | None) -> Callable[..., Any]:
    """The custom_jvp function f(x, *dynamic_params) for one spec and one set of constants."""
    s = get_spec(name)
    kw = kind_of(s).kw(axis)
    const = dict(static)

    def params_of(vals):
        return {**const, **dict(zip(dyn_names, vals))}

    @jax.custom_jvp
    def f(x, *vals):
        return s.forward(x, ops, **kw, **params_of(vals))

    @f.defjvp
    def f_jvp(primals, tangents):
        x, *vals = primals
        tx, *tvals = tangents
        p = params_of(vals)
        y = s.forward(x, ops, **kw, **p)
        if s.kind == "elementwise":
            dy = s.derivative(x, ops, **p) * tx
        elif s.kind == "gated":
            # the spec's derivative holds the partials w.r.t. both halves, concatenated along axis
            da, db = ops.split_half(s.derivative(x, ops, axis=axis, **p), axis)
            ta, tb = ops.split_half(tx, axis)
            dy = da * ta + db * tb
        else:
            # Vector kinds give the closed-form vjp g -> J^T g only. It is linear in g, so its
            # transpose is the jvp t -> J t; JAX transposes it exactly (no numerical derivative),
            # and transposes it back for reverse mode. This keeps forward mode working, which a
            # custom_vjp would not.
            (dy,) = jax.linear_transpose(lambda g: s.vjp(x, g, ops, axis=axis, **p), y)(tx)
        for n, v, t in zip(dyn_names, vals, tvals):
            dy = dy + _param_tangent(s, n, x, v, t, p, axis)
        return y, dy

    return f


def apply(
    s: ActivationSpec,
    params: Mapping[str, Any],
    x: Any,
    *,
    axis: int | tuple[int, ...] = -1,
    training: bool = False,
    key: Any = None,
) -> jax.Array:
    """f(x) for resolved ``params`` (see ``resolve_params``); differentiable by the spec's closed forms."""
    x, out_dtype = _as_input(s, x)
    call = prepare(s, x, axis, jnp.moveaxis, jnp.reshape)
    if call.empty_shape is not None:
        return jnp.zeros(call.empty_shape, out_dtype)
    x, ax = call.x, call.axis
    static, dynamic = _split_params(s, params, x.dtype)
    if s.samples(training):
        if key is None:
            raise ParameterError(
                f"{s.name}(training=True) samples random values and JAX has no global random state: "
                f"pass key=jax.random.key(seed), a fresh (split) key per step"
            )
        # The closed-form derivative describes the evaluation function; in training, autodiff of
        # the sampled forward gives the derivative of the function actually applied.
        y = s.forward(x, ops, **call.kw, **dict(static), **dynamic, **s.draw_keywords(True, key))
    else:
        # constants are floats, tuples of floats, ints and strings: always hashable
        y = _custom(s.name, static, tuple(dynamic), ax)(x, *dynamic.values())
    y = call.finish(y, jnp.moveaxis, jnp.reshape)
    return y.astype(out_dtype) if y.dtype != out_dtype else y


class JaxActivation:
    """A configured activation for JAX: ``act(x)`` is jit/vmap/grad compatible.

    ``derivative(x)`` is the closed-form f' (gated kinds: both partials concatenated along
    ``axis``); for vector kinds use ``jax.jacobian(act)``.
    """

    def __init__(self, s: ActivationSpec, params: Mapping[str, Any]):
        self.spec = s
        self.params = dict(params)

    def __call__(
        self, x: Any, *, axis: int | tuple[int, ...] = -1, training: bool = False, key: Any = None
    ) -> jax.Array:
        return apply(self.spec, self.params, x, axis=axis, training=training, key=key)

    def derivative(self, x: Any, *, axis: int = -1) -> jax.Array:
        s = self.spec
        if s.kind == "vector":
            raise ShapeError(
                f"{s.name} is a vector function: its derivative is a Jacobian; use jax.jacobian(act) "
                f"or jax.vjp(act, x)"
            )
        x, out_dtype = _as_input(s, x)
        fold = kind_of(s).fold(s.name, axis, tuple(x.shape), one_axis=True)
        ax = None if fold is None else fold.axis
        static, dynamic = _split_params(s, self.params, x.dtype)
        assert s.derivative is not None  # registration requires it of elementwise and gated kinds
        d = s.derivative(x, ops, **kind_of(s).kw(ax), **dict(static), **dynamic)
        return d.astype(out_dtype)

    def __repr__(self) -> str:
        d = self.spec.defaults()
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items() if not _same(v, d.get(k)))
        return f"actlab.jax.get({self.spec.name!r}{', ' + shown if shown else ''})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def get(name: str, **params: Any) -> JaxActivation:
    """The activation ``name`` (canonical or alias) for JAX, ``params`` checked against the spec."""
    s = get_spec(name)
    return JaxActivation(s, resolve_params(s, params))


def make_function(s: ActivationSpec) -> Callable[..., jax.Array]:
    """The functional form ``f(x, *params, axis=-1, training=False, key=None, **params)``."""

    def fn(x: Any, *args: Any, axis: int = -1, training: bool = False, key: Any = None, **params: Any):
        return apply(s, bind_params(s, args, params), x, axis=axis, training=training, key=key)

    fn.__name__ = fn.__qualname__ = s.name
    fn.__module__ = "actlab.jax"
    return with_signature(fn, jax_function(s))


class _WholeCall:
    """What ``actlab.get(name)(x)`` runs for a JAX array ``x``: this adapter, so the result is a
    JAX array with the closed-form rules under jit, grad and vmap (not a NumPy copy)."""

    @staticmethod
    def call(
        s: ActivationSpec, params: Mapping[str, Any], x: Any, *, axis: Any, training: bool, key: Any
    ) -> Any:
        return apply(s, params, x, axis=axis, training=training, key=key)

    @staticmethod
    def derivative(s: ActivationSpec, params: Mapping[str, Any], x: Any, *, axis: Any) -> Any:
        return JaxActivation(s, params).derivative(x, axis=axis)

    @staticmethod
    def vjp(s: ActivationSpec, params: Mapping[str, Any], x: Any, g: Any, *, axis: Any) -> Any:
        _, pull = jax.vjp(lambda t: apply(s, params, t, axis=axis), jnp.asarray(x))
        return pull(jnp.asarray(g))[0]


register_array_adapter("jax", _WholeCall)
