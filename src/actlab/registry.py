"""The registry: ``register`` at the definition site, lookup by name or alias, filtered listing."""

from __future__ import annotations

import difflib
import math
import numbers
import sys
from decimal import Decimal
from typing import Any, Mapping

import numpy as np

from .errors import ParameterError, SpecError, UnknownActivationError
from .kinds import kind_of
from .spec import KINDS, ActivationSpec, Param

__all__ = [
    "MAX_INTEGER_PARAMETER",
    "register",
    "unregister",
    "spec",
    "normalize",
    "resolve_params",
    "bind_params",
    "python_names",
    "all_specs",
]

_SPECS: dict[str, ActivationSpec] = {}
_ALIASES: dict[str, str] = {}


def normalize(name: str) -> str:
    """Names are case-insensitive and treat ``-``, ``_`` and spaces alike."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def register(s: ActivationSpec) -> ActivationSpec:
    """Add a spec; duplicate names/aliases and missing required pieces are errors."""
    if s.name != normalize(s.name):
        raise SpecError(f"spec name {s.name!r} must be canonical snake_case ({normalize(s.name)!r})")
    if s.kind not in KINDS:
        raise SpecError(f"{s.name}: kind {s.kind!r} is not one of {KINDS}")
    kind_of(s).validate(s)
    for p in s.params:
        if p.learnable and p.name not in s.param_derivatives:
            raise SpecError(f"{s.name}: learnable parameter {p.name!r} needs a closed-form derivative")
    for key in (s.name, *s.aliases):
        k = normalize(key)
        if k in _SPECS or k in _ALIASES:
            owner = _ALIASES.get(k, k)
            raise SpecError(f"name {key!r} of {s.name!r} is already taken by {owner!r}")
    _SPECS[s.name] = s
    for a in s.aliases:
        _ALIASES[normalize(a)] = s.name
    return s


def unregister(name: str) -> ActivationSpec:
    """Remove a spec (by its name or an alias) and all its aliases; returns it, so that it can be
    registered again. An unknown name raises UnknownActivationError, as ``spec`` does."""
    s = _SPECS.pop(canonical(name))
    for a in s.aliases:
        _ALIASES.pop(normalize(a), None)
    return s


def canonical(name: str) -> str:
    if not isinstance(name, str):
        raise UnknownActivationError(f"activation name must be a string, got {type(name).__name__} {name!r}")
    k = normalize(name)
    if k in _SPECS:
        return k
    if k in _ALIASES:
        return _ALIASES[k]
    pool = sorted(set(_SPECS) | set(_ALIASES))
    close = difflib.get_close_matches(k, pool, n=5, cutoff=0.6)
    if not close:
        close = [c for c in pool if k in c or c in k][:5]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownActivationError(
        f"unknown activation {name!r}.{hint} Run `actlab list` for all {len(_SPECS)} names."
    )


def spec(name: str) -> ActivationSpec:
    """The spec of ``name`` (canonical name or alias)."""
    return _SPECS[canonical(name)]


def all_specs() -> list[ActivationSpec]:
    return [_SPECS[n] for n in sorted(_SPECS)]


# Limits on sizes that configs and parameters control, checked before anything is allocated: an
# 80-byte config must not be able to ask for gigabytes. Raise them here if a real model needs more.
MAX_INTEGER_PARAMETER = 1 << 16
"""Largest value of an integer (size-like) parameter such as APL's ``hinges``, whatever its bounds."""


def _show(v: Any) -> str:
    """A short repr for messages (a 10**5000 has no repr under Python's int-to-str limit)."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 200:
        return f"an integer of about {int(v.bit_length() * 0.30103) + 1} digits"
    try:
        r = repr(v)
    except Exception:  # pragma: no cover - defensive
        r = f"<{type(v).__name__}>"
    return r if len(r) <= 80 else r[:60] + "..." + r[-10:]


def _explicitly_infinite(v: Any) -> bool:
    if isinstance(v, Decimal):
        return v.is_infinite()
    if isinstance(v, (float, np.floating)):
        return bool(np.isinf(v))
    return False


def _to_float(s: ActivationSpec, k: str, v: Any) -> float:
    """``v`` as a float64: a value too large for one is an error, never a silent inf."""
    try:
        f = float(v)
    except OverflowError:
        f = None
    except (TypeError, ValueError) as e:
        raise ParameterError(f"{s.name}: {k} must be a real number, got {type(v).__name__} {_show(v)}") from e
    if f is None or (math.isinf(f) and not _explicitly_infinite(v)):
        raise ParameterError(
            f"{s.name}: {k}={_show(v)} is too large to be a float64 (largest finite value "
            f"{sys.float_info.max:.6g}); give a finite number within {s.param(k).bounds}"
        )
    return f


def _is_array_object(v: Any) -> bool:
    """A tensor or array of another library (torch, JAX, ...): has a shape and a dtype."""
    return not isinstance(v, (np.ndarray, np.generic)) and hasattr(v, "shape") and hasattr(v, "dtype")


def _is_torch(v: Any) -> bool:
    return type(v).__module__.startswith("torch") and hasattr(v, "device") and hasattr(v, "detach")


def _refuse_shape(s: ActivationSpec, p: Param, shape: tuple) -> ParameterError:
    per = [q.name for q in s.params if q.per_channel]
    where = (
        f"per-channel values are taken by {', '.join(per)}"
        if per
        else f"{s.name} has no per-channel parameter"
    )
    return ParameterError(
        f"{s.name}: {p.name} takes one number, got values of shape {tuple(shape)}; {where}. "
        f"Give a single number (a 0-d array or tensor also works)."
    )


def _check_scalar(s: ActivationSpec, p: Param, v: Any) -> float | int:
    k = p.name
    if isinstance(v, numbers.Complex) and not isinstance(v, numbers.Real):
        raise ParameterError(f"{s.name}: {k} must be a real number, got complex {_show(v)}")
    if not isinstance(v, (numbers.Real, Decimal)):
        raise ParameterError(f"{s.name}: {k} must be a number, got {type(v).__name__} {_show(v)}")
    if p.integer:
        if isinstance(v, numbers.Integral):
            iv = int(v)
        else:
            f = _to_float(s, k, v)
            if math.isnan(f):
                raise ParameterError(f"{s.name}: {k} is NaN; valid range is {p.bounds}")
            if not f.is_integer():
                raise ParameterError(f"{s.name}: {k} must be an integer, got {_show(v)}")
            iv = int(f)
        if abs(iv) > MAX_INTEGER_PARAMETER:
            raise ParameterError(
                f"{s.name}: {k}={_show(v)} is larger than the limit actlab.registry.MAX_INTEGER_PARAMETER "
                f"= {MAX_INTEGER_PARAMETER} on integer (size) parameters; valid range is {p.bounds}"
            )
        if p.bounds is not None and not p.bounds.contains(float(iv)):
            raise ParameterError(f"{s.name}: {k}={_show(v)} is out of bounds; valid range is {p.bounds}")
        return iv
    f = _to_float(s, k, v)
    if math.isnan(f):
        raise ParameterError(f"{s.name}: {k} is NaN; valid range is {p.bounds}")
    if p.bounds is not None and not p.bounds.contains(f):
        shown = _show(v) if type(v) in (int, float) else f"{_show(v)} (= {f!r})"
        raise ParameterError(f"{s.name}: {k}={shown} is out of bounds; valid range is {p.bounds}")
    return f


def _check_elements(s: ActivationSpec, p: Param, arr: np.ndarray) -> None:
    """Per-channel float64 values against the bounds (NaN is never inside)."""
    flat = arr.ravel()
    inside = ~np.isnan(flat)
    if p.bounds is not None:
        b = p.bounds
        inside &= (flat >= b.lo) if b.lo_closed else (flat > b.lo)
        inside &= (flat <= b.hi) if b.hi_closed else (flat < b.hi)
    if not inside.all():
        bad = float(flat[~inside][0])
        raise ParameterError(f"{s.name}: {p.name} holds {bad!r}, out of bounds; valid range is {p.bounds}")


def _check_sequence(s: ActivationSpec, p: Param, v: Any) -> np.ndarray:
    """Per-channel values given as a list, tuple or NumPy array: a float64 array, checked."""
    k = p.name
    try:
        arr = np.asarray(v)
    except (ValueError, TypeError, OverflowError) as e:
        raise ParameterError(
            f"{s.name}: {k} must be a number or a rectangular list of numbers, got {_show(v)} ({e})"
        ) from e
    if arr.ndim and not p.per_channel:
        raise _refuse_shape(s, p, arr.shape)
    if arr.dtype.kind == "O":
        arr = np.array([_check_real(s, p, a) for a in arr.ravel()], dtype=np.float64).reshape(arr.shape)
    elif arr.dtype.kind == "b":
        raise ParameterError(f"{s.name}: {k} must hold numbers, got booleans {_show(v)}")
    elif arr.dtype.kind == "c":
        raise ParameterError(f"{s.name}: {k} must hold real numbers, got complex values {_show(v)}")
    elif arr.dtype.kind not in "fiu":
        raise ParameterError(f"{s.name}: {k} must hold numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ParameterError(f"{s.name}: {k} holds no values (shape {arr.shape}); give at least one")
    with np.errstate(over="ignore"):
        arr = arr.astype(np.float64)
    _check_elements(s, p, arr)
    return arr


def _check_real(s: ActivationSpec, p: Param, a: Any) -> float:
    """One element of an object array (Fraction, Decimal, huge int, ...) as a float64."""
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (numbers.Real, Decimal)):
        raise ParameterError(f"{s.name}: {p.name} must hold real numbers, got {type(a).__name__} {_show(a)}")
    return _to_float(s, p.name, a)


def _array_values(v: Any) -> np.ndarray | None:
    """The values of a foreign array as NumPy, or None where they cannot be read now (a jit
    tracer, a symbolic or batched tensor)."""
    try:
        return np.asarray(v)
    except Exception:
        return None


def _check_tensor(s: ActivationSpec, p: Param, v: Any) -> Any:
    """A torch tensor or another library's array. Values are checked where they can be read (not
    inside a compiler or transform); learnable parameters keep their tensor (gradients flow to
    it), a fixed 0-d tensor becomes a number unless it requires grad."""
    k = p.name
    shape = tuple(v.shape)
    if shape and not p.per_channel:
        raise _refuse_shape(s, p, shape)
    if _is_torch(v):
        import torch

        from .ops.torch import _traced, _transformed

        if v.dtype == torch.bool:
            raise ParameterError(f"{s.name}: {k} must hold numbers, got a bool tensor")
        if v.is_complex():
            raise ParameterError(f"{s.name}: {k} must hold real numbers, got a {v.dtype} tensor")
        if _traced() or _transformed() or v.device.type == "meta":
            if p.integer or p.choices is not None:
                raise ParameterError(f"{s.name}: {k} must be a plain number here, got a tensor")
            return v
        d = v.detach()
        if d.numel() == 0:
            raise ParameterError(f"{s.name}: {k} holds no values (shape {shape}); give at least one")
        try:
            if not shape:
                val = d.item()
                if not p.learnable and not v.requires_grad or p.integer or p.choices is not None:
                    return _check_value(s, p, val)
                _check_scalar(s, p, val)
                return v
            inside = ~torch.isnan(d) if d.is_floating_point() else torch.ones_like(d, dtype=torch.bool)
            b = p.bounds
            if b is not None:
                inside &= (d >= b.lo) if b.lo_closed else (d > b.lo)
                inside &= (d <= b.hi) if b.hi_closed else (d < b.hi)
            if not bool(inside.all()):
                bad = float(d[~inside].reshape(-1)[0].item())
                raise ParameterError(f"{s.name}: {k} holds {bad!r}, out of bounds; valid range is {p.bounds}")
        except (RuntimeError, NotImplementedError):  # fake, batched or otherwise unreadable values
            return v
        return v
    arr = _array_values(v)
    if arr is None:
        if p.integer or p.choices is not None:
            raise ParameterError(f"{s.name}: {k} must be a plain number here, got {type(v).__name__}")
        return v
    if arr.dtype.kind == "b":
        raise ParameterError(f"{s.name}: {k} must hold numbers, got booleans")
    if arr.dtype.kind == "c":
        raise ParameterError(f"{s.name}: {k} must hold real numbers, got dtype {arr.dtype}")
    if arr.dtype.kind not in "fiu":
        raise ParameterError(f"{s.name}: {k} must hold numbers, got dtype {arr.dtype}")
    if not shape:
        val = arr[()].item()
        if not p.learnable or p.integer or p.choices is not None:
            return _check_value(s, p, val)
        _check_scalar(s, p, val)
        return v
    if arr.size == 0:
        raise ParameterError(f"{s.name}: {k} holds no values (shape {shape}); give at least one")
    _check_elements(s, p, arr.astype(np.float64))
    return v


def _check_choice(s: ActivationSpec, p: Param, v: Any) -> Any:
    k = p.name
    allowed = p.choices or ()  # called for parameters with choices only
    choices = ", ".join(map(repr, allowed))
    numeric = all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in allowed)
    if isinstance(v, str) and not numeric:
        if v in allowed:
            return str(v)
    elif numeric and not isinstance(v, (bool, np.bool_, str)) and isinstance(v, (numbers.Real, Decimal)):
        try:
            f = float(v)
        except (OverflowError, ValueError, TypeError):
            f = math.nan
        for c in allowed:
            if f == c:
                return c
    raise ParameterError(f"{s.name}: {k}={_show(v)} is not allowed; choose one of {choices}")


def _check_value(s: ActivationSpec, p: Param, v: Any) -> Any:
    """One given value, checked and normalised (numbers become float, or int for integer
    parameters, so spellings of one value are one value)."""
    k = p.name
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]  # a NumPy scalar (or the object it holds)
    if _is_array_object(v) and not isinstance(v, (numbers.Number, Decimal)):
        return _check_tensor(s, p, v)
    if p.choices is not None:
        return _check_choice(s, p, v)
    if isinstance(v, (bool, np.bool_)):
        raise ParameterError(
            f"{s.name}: {k} must be a number, got bool {v!r} (write {float(v)!r} if you mean the number)"
        )
    if v is None or isinstance(v, (str, bytes)):
        raise ParameterError(f"{s.name}: {k} must be a number, got {type(v).__name__} {v!r}")
    if isinstance(v, (list, tuple, np.ndarray)):
        return _check_sequence(s, p, v)
    return _check_scalar(s, p, v)


def _scalar_view(out: Mapping[str, Any]) -> dict[str, Any] | None:
    """The parameters as plain numbers and strings (0-d tensors read), or None if some are not."""
    plain: dict[str, Any] = {}
    for k, v in out.items():
        if isinstance(v, (int, float, str)):
            plain[k] = v
        elif _is_array_object(v) and len(v.shape) == 0:
            if _is_torch(v):
                from .ops.torch import _traced, _transformed

                if _traced() or _transformed():
                    return None
                try:
                    plain[k] = float(v.detach().item())
                except (RuntimeError, NotImplementedError):
                    return None
            else:
                arr = _array_values(v)
                if arr is None:
                    return None
                plain[k] = float(arr)
        else:
            return None
    return plain


def resolve_params(s: ActivationSpec, given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``given``, each value checked against its bounds or choices.

    Numbers of every kind (int, float, Fraction, Decimal, NumPy scalars, 0-d arrays and tensors)
    are read as float64 (int for integer parameters): a value too large for a float64, NaN, a
    bool, a complex number or a value outside the bounds is a ``ParameterError`` naming the
    parameter. Several values (one per channel) are taken only by per-channel parameters; they are
    checked elementwise, tensors included where their values can be read (not while a compiler
    traces). Learnable parameters given as tensors stay tensors, so gradients reach them.
    """
    if not isinstance(given, Mapping):
        raise ParameterError(
            f"{s.name}: parameters are a mapping of names to values, got "
            f"{type(given).__name__} {_show(given)}"
        )
    valid = [p.name for p in s.params]
    odd = [k for k in given if not isinstance(k, str)]
    if odd:
        raise ParameterError(
            f"{s.name}: parameter names are strings, got {type(odd[0]).__name__} {_show(odd[0])}; "
            f"valid parameters: {', '.join(valid) or 'none'}"
        )
    unknown = [k for k in given if k not in valid]
    if unknown:
        if valid:
            close = difflib.get_close_matches(unknown[0], valid, n=3)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ParameterError(
                f"{s.name} has no parameter {unknown[0]!r}.{hint} Valid parameters: {', '.join(valid)}"
            )
        raise ParameterError(f"{s.name} takes no parameters, got {', '.join(map(repr, unknown))}")
    out = s.defaults()
    for k, v in given.items():
        out[k] = _check_value(s, s.param(k), v)
    if s.constraint is not None:
        plain = _scalar_view(out)
        if plain is not None:
            msg = s.constraint(plain)
            if msg:
                raise ParameterError(f"{s.name}: {msg}")
    return out


def bind_params(s: ActivationSpec, args: tuple, params: dict[str, Any]) -> dict[str, Any]:
    """Resolve parameters given positionally after the input (in the spec's order, as torch's
    ``F.elu(input, alpha)``) and by keyword; the functional forms of every adapter use this."""
    names = [p.name for p in s.params]
    if len(args) > len(names):
        raise ParameterError(
            f"{s.name} takes at most {len(names)} parameters after the input "
            f"({', '.join(names) or 'none'}), got {len(args)}"
        )
    params = dict(params)
    for n, v in zip(names, args):
        if n in params:
            raise ParameterError(f"{s.name}: parameter {n!r} given twice")
        params[n] = v
    return resolve_params(s, params)


def python_names(s: ActivationSpec) -> list[str]:
    """The canonical name and every alias that is a Python identifier (module attributes)."""
    out = [s.name]
    for a in s.aliases:
        key = a.lower().replace("-", "_")
        if key.isidentifier() and key not in out:
            out.append(key)
    return out
