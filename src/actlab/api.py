"""``actlab.get(name, **params)``: one callable for NumPy arrays and torch tensors.

Dtype policy (why): NumPy inputs of lower precision are evaluated in float64 and rounded once,
so NumPy results are within an ulp of the correctly rounded value — the reference-grade path.
torch inputs are evaluated in their own dtype (float16/bfloat16 in float32, as torch's own
kernels do) under the default precision "fast", which keeps the training path fast; its float32
accuracy is measured per function (docs/accuracy.md). Under ``precision("exact")`` torch inputs
are evaluated in float64 and rounded once, like NumPy (autograd flows through the casts).
"""

from __future__ import annotations

import contextlib
import importlib
import math
import numbers
from typing import Any, Iterator, Mapping

import numpy as np

from . import ops as _ops
from .errors import InputTypeError, ParameterError, ShapeError
from .kinds import LOW_PRECISION, Call, prepare
from .registry import resolve_params
from .registry import spec as _spec
from .spec import ActivationSpec

__all__ = [
    "Activation",
    "get",
    "precision",
    "prepare_params",
    "register_array_adapter",
    "register_tensor_forward",
    "set_precision",
]

PRECISIONS = ("fast", "exact")
# Process-wide (a plain global rather than a ContextVar: torch.compile can trace a dict read but
# not ContextVar.get, which would break every compiled graph at each activation).
_PRECISION: dict[str, str] = {"mode": "fast"}


def _check_precision(mode: str) -> str:
    if mode not in PRECISIONS:
        raise ParameterError(
            f"precision {mode!r} is not one of {PRECISIONS}: 'fast' evaluates torch tensors "
            f"in their own dtype, 'exact' in float64 rounded once"
        )
    return mode


def set_precision(mode: str) -> None:
    """Set how torch tensors are evaluated from now on: "fast" (default) or "exact"."""
    _PRECISION["mode"] = _check_precision(mode)


@contextlib.contextmanager
def precision(mode: str) -> Iterator[None]:
    """``with actlab.precision("exact"):`` evaluate torch float32/16/bf16 in float64, rounded once."""
    before = _PRECISION["mode"]
    _PRECISION["mode"] = _check_precision(mode)
    try:
        yield
    finally:
        _PRECISION["mode"] = before


# Adapters plug themselves in: each registers, on import, the function that picks the path for its
# tensors (``register_tensor_forward``); the core names the module to import for a library it
# meets before that module was imported, and imports nothing of an adapter otherwise. So imports
# point one way: adapters import the core, never the reverse.
_ADAPTER_MODULES = {"torch": "actlab.torch.function", "jax": "actlab.jax._core"}
_TENSOR_FORWARDS: dict[str, Any] = {}
# libraries whose adapter runs the whole call (JAX: its own tracing and custom_jvp rules); each
# registers an object with call(spec, params, x, axis, training, key), derivative(spec, params, x,
# axis) and vjp(spec, params, x, g, axis)
_WHOLE_CALLS: dict[str, Any] = {}


def register_tensor_forward(library: str, choose: Any) -> None:
    """Serve tensors of ``library`` through ``choose(spec, impl, inplace, memory)``, which returns
    the forward to run (an adapter calls this when it is imported)."""
    _TENSOR_FORWARDS[library] = choose


def tensor_forward(library: str) -> Any:
    choose = _TENSOR_FORWARDS.get(library)
    if choose is None:
        importlib.import_module(_ADAPTER_MODULES[library])
        choose = _TENSOR_FORWARDS[library]
    return choose


def register_array_adapter(library: str, adapter: Any) -> None:
    """Serve arrays of ``library`` entirely through ``adapter`` (an adapter calls this on import)."""
    _WHOLE_CALLS[library] = adapter


_WHOLE_CALL_MODULES = ("jax", "jaxlib")


def _whole_call(x: Any) -> Any:
    """The adapter that runs calls on ``x`` itself (JAX arrays and tracers), or None."""
    if not type(x).__module__.startswith(_WHOLE_CALL_MODULES):
        return None
    adapter = _WHOLE_CALLS.get("jax")
    if adapter is None:
        importlib.import_module(_ADAPTER_MODULES["jax"])
        adapter = _WHOLE_CALLS["jax"]
    return adapter


_NP_OK = (np.float16, np.float32, np.float64)
_F32_MAX = float(np.finfo(np.float32).max)


def _is_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "dtype") and hasattr(x, "device")


def _as_numpy(x: Any, what: str = "input") -> tuple[np.ndarray, Any, bool]:
    """float64 working copy, the dtype to return, and whether the input was a scalar.

    Integers and bools are promoted as NumPy's own ufuncs promote them (``np.tanh(x).dtype``):
    int32, int64 and Python ints to float64, int16 to float32, int8, uint8 and bool to float16."""
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.generic)):
        return np.asarray(float(x)), np.float64, True
    arr = np.asarray(x)
    if arr.dtype.type not in _NP_OK:
        if arr.dtype.kind in "biu":
            return arr.astype(np.float64), np.result_type(arr.dtype, np.float16).type, arr.ndim == 0
        raise InputTypeError(
            f"{what} has dtype {arr.dtype}; accepted are float16, float32 and float64 arrays, integer "
            f"and bool arrays (promoted as NumPy's ufuncs promote them) and Python numbers. Convert "
            f"with x.astype(np.float64)."
        )
    return arr.astype(np.float64, copy=False), arr.dtype, arr.ndim == 0


def _promote_tensor(x: Any, what: str = "input", inplace: bool = False) -> Any:
    """Integer and bool tensors as torch promotes them (``torch.sigmoid``): to the default dtype."""
    import torch

    if x.is_floating_point() or x.is_complex() or x.is_quantized:
        return x
    if inplace:
        raise InputTypeError(
            f"in-place on {what} of dtype {x.dtype}: the result is a float ({torch.get_default_dtype()}), "
            f"which an integer tensor cannot hold (torch refuses too). Call it out of place, or convert "
            f"first: x = x.float()."
        )
    return x.to(torch.get_default_dtype())


def _check_tensor(x: Any, what: str = "input") -> None:
    import torch

    if not (x.is_floating_point()):
        raise InputTypeError(
            f"{what} is a torch tensor of dtype {x.dtype}; accepted are float16, bfloat16, "
            f"float32 and float64 (integer and bool tensors are promoted to the default dtype). "
            f"Convert with x.float()."
        )
    if x.dtype not in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        raise InputTypeError(f"{what} has dtype {x.dtype}; accepted are float16, bfloat16, float32, float64")


def _channel_reshape(v: Any, s: ActivationSpec, pname: str, lead: int, x_shape: tuple, ops: Any) -> Any:
    """Per-channel values are read along dim 1 of the input, as nn.PReLU does."""
    vshape = tuple(v.shape)
    chan = vshape[lead:]
    if len(chan) == 0 or (len(chan) == 1 and chan[0] == 1):
        return v
    if len(chan) != 1:
        raise ShapeError(
            f"{s.name}: parameter {pname!r} has shape {vshape}; expected one value per channel "
            f"(shape ({'S, ' if lead else ''}C,)), read along dim 1 of the input"
        )
    c = chan[0]
    if len(x_shape) < 2 or x_shape[1] != c:
        raise ShapeError(
            f"{s.name}: {c} values of {pname!r} are read along dim 1 (channels) of the input, "
            f"but the input has shape {x_shape}. Pass an input of shape (N, {c}, ...) or use "
            f"a single shared value (num_parameters=1)."
        )
    return v.reshape(vshape[:lead] + (c,) + (1,) * (len(x_shape) - 2))


def prepare_params(s: ActivationSpec, params: Mapping[str, Any], x: Any, ops: Any) -> dict[str, Any]:
    """Turn resolved parameters into values that broadcast against ``x`` under ``ops``.

    Python numbers and strings pass through; arrays and tensors (per-channel values) are
    converted to ``x``'s array type and dtype and reshaped to broadcast along dim 1.
    """
    out: dict[str, Any] = {}
    if ops.name != "numpy":
        _check_representable(s, params, x)
    for p in s.params:
        v = params[p.name]
        lead = 1 if p.leading else 0
        if lead and (isinstance(v, numbers.Real) or getattr(v, "ndim", 1) == 0):
            n = p.count(params)
            v = np.full((n,), float(v)) if ops.name == "numpy" else _full_tensor(n, v, x)
        if isinstance(v, (numbers.Real, str)) or v is None:
            out[p.name] = v
            continue
        if ops.name == "numpy":
            v = np.asarray(v, dtype=np.float64)
        else:
            import torch

            v = torch.as_tensor(v, device=x.device)
            v = v.to(x.dtype) if v.dtype != x.dtype else v
        p.check_leading(s.name, tuple(v.shape), params)
        if v.ndim > lead:
            v = _channel_reshape(v, s, p.name, lead, tuple(x.shape), ops)
        out[p.name] = v
    return out


def _check_representable(s: ActivationSpec, params: Mapping[str, Any], x: Any) -> None:
    """Refuse parameters that overflow the dtype ``x`` is computed in (float32 for float32 and the
    half types, float64 for float64): 1e39 in float32 is inf, which torch's kernels refuse with an
    unrelated message and formulas turn into -inf and NaN. Infinite values given as such are
    left to the bounds (some parameters take inf)."""
    import torch

    if x.dtype == torch.float64:
        return  # parameters are float64 numbers or arrays: every finite one fits
    working, big = torch.float32, _F32_MAX
    for p in s.params:
        v = params[p.name]
        if isinstance(v, numbers.Real) and not isinstance(v, bool):
            f = float(v)
            bad = f if (math.isfinite(f) and abs(f) > big) else None
        elif isinstance(v, np.ndarray) and v.size and v.dtype.kind == "f":
            finite = np.abs(v[np.isfinite(v)])
            bad = (
                float(v.flat[np.argmax(np.where(np.isfinite(v), np.abs(v), 0.0))])
                if (finite.size and finite.max() > big)
                else None
            )
        else:
            continue  # tensors are in a dtype of their own (learned values); strings
        if bad is not None:
            via = "" if working == x.dtype else f" (the working dtype of {x.dtype} input)"
            raise ParameterError(
                f"{s.name}: {p.name}={bad!r} cannot be represented in {working}{via}, whose finite range is "
                f"[{-big:.8g}, {big:.8g}]; give a value within it, or evaluate in float64 "
                f"(x.double() or actlab.precision('exact'))"
            )


def _full_tensor(n: int, v: Any, x: Any) -> Any:
    import torch

    if isinstance(v, torch.Tensor):
        return v.reshape(()).expand(n)
    return torch.full((n,), float(v), dtype=x.dtype, device=x.device)


class Activation:
    """A configured activation: call it on NumPy arrays, torch tensors or JAX arrays.

    NumPy in gives NumPy out (same dtype; Python numbers give float64 scalars); torch in gives
    torch out, differentiable by autograd; JAX in gives JAX out, through ``actlab.jax`` (jit, grad
    and vmap use its closed-form rules). ``derivative`` is the closed-form f'.
    """

    def __init__(self, s: ActivationSpec, params: Mapping[str, Any]):
        self.spec = s
        self.params = dict(params)

    # ------------------------------------------------------------------ helpers
    def _run(
        self,
        fn,
        x,
        *,
        axis=None,
        extra=None,
        what="input",
        inplace=False,
        g=None,
        fold_ok=True,
    ):
        """``fn(x, ops, **params)`` on ``x``. Vector and gated kinds get ``axis`` checked (a 0-d
        input is a vector of one entry, a tuple of axes is merged into one; ``actlab.axes``); an
        input with no elements gives the empty output. ``g`` (vjp) is folded like ``x`` and passed
        on as ``g=``."""
        s = self.spec
        tensor = _is_tensor(x)
        if tensor:
            x = _promote_tensor(x, what, inplace)
            _check_tensor(x, what)
            ops = _ops.for_array(x)
            dtype = x.dtype
            if inplace or (_PRECISION["mode"] != "exact" and getattr(fn, "casts_itself", False)):
                # in place: the tensor's own storage; else the path chooses (torch's kernels take
                # half types as they are)
                xc = x
            elif _PRECISION["mode"] == "exact":
                xc = x.double()
            else:
                xc = x.float() if str(dtype)[6:] in LOW_PRECISION else x  # 'torch.float16' -> 'float16'
            reshape = lambda t, shape: t.reshape(shape)  # noqa: E731
        else:
            ops = _ops.for_array(0.0)
            xc, dtype, scalar = _as_numpy(x, what)
            reshape = np.reshape
        call = prepare(
            s, xc, axis, ops.moveaxis, reshape, adapter="torch" if tensor else "numpy", one_axis=not fold_ok
        )
        if call.empty_shape is not None:
            return _empty_result(xc, call, dtype, tensor)
        xc = call.x
        if g is not None:
            g = call.fold_like(g, ops.moveaxis, reshape)
        kw = prepare_params(s, self.params, xc, ops)
        kw.update(call.kw)
        if extra:
            kw.update(extra)
        if g is not None:
            kw["g"] = g
        if ops.name == "numpy":
            # both branches of a where are evaluated; overflow in the unused one is not an error
            with np.errstate(all="ignore"):
                y = fn(xc, ops, **kw)
        else:
            y = fn(xc, ops, **kw)
        if call.fold is not None:
            y = call.finish(y, ops.moveaxis, reshape)
        if ops.name == "numpy":
            with np.errstate(over="ignore"):  # rounding a huge float64 to float16 gives inf, as it must
                y = np.asarray(y).astype(dtype, copy=False)
            return y[()] if y.ndim == 0 else y
        return y.to(dtype) if y.dtype != dtype else y

    # ------------------------------------------------------------------ public
    def __call__(
        self,
        x: Any,
        *,
        axis: int | tuple[int, ...] = -1,
        dim: int | None = None,
        training: bool = False,
        generator: Any = None,
        impl: str = "auto",
        inplace: bool = False,
        memory: str | None = None,
    ) -> Any:
        """f(x). torch tensors take the path chosen by ``impl`` (see ``actlab.torch.function``)
        and save for backward what the ``memory`` tier says ("default", "lean"; default: the
        process-wide tier); ``inplace=True`` overwrites a torch tensor where the function has an
        in-place form."""
        extra = self.spec.draw_keywords(training, generator)
        # (the module test inline: this runs on every NumPy and torch call)
        whole = _whole_call(x) if type(x).__module__.startswith(_WHOLE_CALL_MODULES) else None
        if whole is not None and not (inplace or impl != "auto" or memory is not None):
            # JAX in, JAX out: jit, grad and vmap see the JAX adapter's closed-form rules
            ax = axis if dim is None else dim
            return whole.call(self.spec, self.params, x, axis=ax, training=training, key=generator)
        if _is_tensor(x):
            # the torch adapter chooses the path (its kernels, the lean Function, plain autograd)
            fn = tensor_forward("torch")(self.spec, impl, inplace, memory)
        elif inplace or impl != "auto" or memory is not None:
            raise InputTypeError(
                f"impl={impl!r}, inplace={inplace!r}, memory={memory!r} apply to torch tensors; "
                f"got {type(x).__name__}"
            )
        else:
            fn = self.spec.forward
        return self._run(
            fn,
            x,
            axis=axis if dim is None else dim,
            extra=extra,
            inplace=inplace,
        )

    def derivative(self, x: Any, *, axis: int | tuple[int, ...] = -1, dim: int | None = None) -> Any:
        """Closed-form f'(x). Gated kinds: the partials w.r.t. both halves, concatenated.
        Vector kinds: the Jacobian along ``axis``, shape ``(..., n, n)`` with that axis last."""
        s = self.spec
        axis = axis if dim is None else dim
        whole = _whole_call(x)
        if whole is not None:
            return whole.derivative(s, self.params, x, axis=axis)
        if s.kind != "vector":
            return self._run(s.derivative, x, axis=axis)
        return self._run(_jacobian_from_vjp(s.vjp), x, axis=axis, fold_ok=False)

    def vjp(self, x: Any, g: Any, *, axis: int | tuple[int, ...] = -1) -> Any:
        """Vector-Jacobian product: the gradient w.r.t. ``x`` of ``sum(g * f(x))``.

        ``g`` has the shape of the output (half of ``x`` along ``axis`` for gated kinds)."""
        s = self.spec
        whole = _whole_call(x)
        if whole is not None:
            return whole.vjp(s, self.params, x, g, axis=axis)
        if s.kind != "vector":
            # x's own path (torch: autograd-aware); the closed-form partials times g
            d = self.derivative(x, axis=axis)
            ops = _ops.for_array(d)
            if s.kind == "elementwise":
                return d * g
            assert isinstance(axis, int)  # derivative refused a tuple of axes: a gated kind halves one
            ax = axis % d.ndim
            da, db = ops.split_half(d, ax)
            return ops.concat([da * g, db * g], ax)
        gc = g if _is_tensor(g) else np.asarray(g, dtype=np.float64)
        vjp = s.vjp
        assert vjp is not None  # registration requires it of vector kinds
        return self._run(lambda xc, ops, axis, g, **p: vjp(xc, g, ops, axis=axis, **p), x, axis=axis, g=gc)

    def __repr__(self) -> str:
        d = self.spec.defaults()
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items() if not _same(v, d.get(k)))
        return f"actlab.get({self.spec.name!r}{', ' + shown if shown else ''})"


def _empty_result(xc: Any, call: Call, dtype: Any, tensor: bool) -> Any:
    """The output of an input with no elements, empty; a torch result stays on the autograd graph
    (its gradient is empty too)."""
    shape = call.empty_shape
    assert shape is not None and call.axis is not None
    if tensor:
        y = xc.narrow(call.axis, 0, shape[call.axis]) * 0
        return y.to(dtype) if y.dtype != dtype else y
    return np.zeros(shape, dtype=dtype)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def _jacobian_from_vjp(vjp):
    def jac(x, ops, axis, **p):
        xm = ops.moveaxis(x, axis, -1)
        n = xm.shape[-1]
        rows = []
        for i in range(n):
            e = ops.zeros_like(xm)
            e[..., i] = 1.0
            rows.append(ops.moveaxis(vjp(x, ops.moveaxis(e, -1, axis), ops, axis=axis, **p), axis, -1))
        # row i holds d(sum_j e_j y_j)/dx = dy_i/dx
        stacked = [r[..., None, :] for r in rows]
        return ops.concat(stacked, -2)

    return jac


def get(name: str, **params: Any) -> Activation:
    """The activation ``name`` (canonical or alias) with ``params`` checked against the spec."""
    s = _spec(name)
    return Activation(s, resolve_params(s, params))
