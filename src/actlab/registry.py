"""The registry: ``register`` at the definition site, lookup by name or alias, filtered listing."""

from __future__ import annotations

import difflib
import fnmatch
import math
from typing import Any, Mapping

import numpy as np

from .errors import ParameterError, SpecError, UnknownActivationError
from .spec import KINDS, ActivationSpec

__all__ = [
    "register",
    "spec",
    "list_activations",
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
    if s.kind == "vector" and s.vjp is None:
        raise SpecError(f"{s.name}: a vector activation needs a closed-form vjp")
    if s.kind != "vector" and s.derivative is None:
        raise SpecError(f"{s.name}: an {s.kind} activation needs a closed-form derivative")
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


def _ensure_loaded() -> None:
    # The catalog registers itself on import; import lazily so registry stays importable alone.
    from . import catalog  # noqa: F401


def canonical(name: str) -> str:
    _ensure_loaded()
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
    _ensure_loaded()
    return [_SPECS[n] for n in sorted(_SPECS)]


def list_activations(
    pattern: str | None = None,
    *,
    family: str | None = None,
    kind: str | None = None,
    learnable: bool | None = None,
    monotonic: bool | None = None,
    bounded: bool | None = None,
    smooth: bool | None = None,
    zero_centered: bool | None = None,
) -> list[str]:
    """Canonical names, sorted, filtered by a glob ``pattern`` (matched against names and
    aliases) and by metadata at default parameters."""
    out = []
    for s in all_specs():
        d = s.defaults()
        names = (s.name, *map(normalize, s.aliases))
        if pattern and not any(fnmatch.fnmatchcase(n, normalize(pattern)) for n in names):
            continue
        if family is not None and s.family != family:
            continue
        if kind is not None and s.kind != kind:
            continue
        if learnable is not None and s.learnable != learnable:
            continue
        if monotonic is not None and s.monotonic_for(d) != monotonic:
            continue
        if bounded is not None and s.bounded != bounded:
            continue
        if smooth is not None and (s.smoothness_for(d) == math.inf) != smooth:
            continue
        if zero_centered is not None and s.zero_centered_for(d) != zero_centered:
            continue
        out.append(s.name)
    return out


def resolve_params(s: ActivationSpec, given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``given``, each value checked against its bounds or choices.

    Array-valued learnable parameters (per-channel values) are checked elementwise when they
    are plain numbers; tensors are accepted as they are (their values change in training).
    """
    valid = [p.name for p in s.params]
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
        p = s.param(k)
        if p.choices is not None:
            if v not in p.choices:
                raise ParameterError(
                    f"{s.name}: {k}={v!r} is not allowed; choose one of {', '.join(map(repr, p.choices))}"
                )
        elif isinstance(v, (bool, str)) or v is None:
            raise ParameterError(f"{s.name}: {k} must be a number, got {type(v).__name__} {v!r}")
        elif isinstance(v, (list, tuple)) or type(v).__module__ == "numpy":
            # per-channel values given as plain numbers are checked like scalars; tensors are not
            # (their values are learned)
            arr = np.asarray(v)
            if arr.dtype.kind not in "fiu":
                raise ParameterError(f"{s.name}: {k} must hold numbers, got dtype {arr.dtype}")
            arr = arr.astype(np.float64)
            outside = [float(a) for a in arr.ravel() if not (p.bounds is None or p.bounds.contains(float(a)))]
            if p.bounds is None:
                outside = [a for a in arr.ravel().tolist() if math.isnan(a)]
            if outside:
                raise ParameterError(
                    f"{s.name}: {k} holds {outside[0]!r}, out of bounds; valid range is {p.bounds}"
                )
            v = arr if arr.ndim else float(arr)
        elif isinstance(v, (int, float)):
            if p.integer and (not float(v).is_integer()):
                raise ParameterError(f"{s.name}: {k} must be an integer, got {v!r}")
            if math.isnan(float(v)):
                raise ParameterError(f"{s.name}: {k} is NaN; valid range is {p.bounds}")
            if p.bounds is not None and not p.bounds.contains(float(v)):
                raise ParameterError(f"{s.name}: {k}={v!r} is out of bounds; valid range is {p.bounds}")
            v = int(v) if p.integer else float(v)
        out[k] = v
    if s.constraint is not None:
        scalar = {k: v for k, v in out.items() if isinstance(v, (int, float, str))}
        if len(scalar) == len(out):
            msg = s.constraint(out)
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
