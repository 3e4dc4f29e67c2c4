"""The 50-digit references and the arithmetic of grading against them: reference values and
derivatives, rounding to a dtype, ulp errors at a local scale, the test points, limits at +-inf.

No adapter is imported here, so the torch kernels' own self-check (``torch/ckernels.py``) and the
checker (``actlab.check``) share these without an import circle.

Errors are measured in units of the dtype's ulp at a *local scale*: ``max(|f(x)|, |f(x - h)|,
|f(x + h)|)`` with ``h = min(|x|, 1)/100``. Away from zeros of f this is the plain relative error;
at a zero that is a cancellation of O(1) terms (the minimum of mish's derivative, say) it is the
error relative to the size of f nearby, which is the best any floating-point evaluation can
promise there.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
from mpmath import mp

from .registry import resolve_params
from .registry import spec as get_spec
from .spec import ActivationSpec

__all__ = [
    "DIGITS",
    "RTOL64",
    "HARD",
    "Limit",
    "LimitError",
    "find_limit",
    "limit",
    "local_scale",
    "mp_derivative",
    "param_sets",
    "points",
    "ref_derivative",
    "ref_param_derivative",
    "ref_value",
    "round_to",
    "ulp_at",
    "ulp_error",
    "kink_derivative",
]

DIGITS = 50
RTOL64 = 1e-12  # float64 bar, relative to the local scale
HARD = (0.0, 1e-300, 1e-8, 1e-3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 700.0, 1000.0, 1e4)


# ----------------------------------------------------------------------------- references
def mpf(v: Any) -> Any:
    return mp.mpf(v) if isinstance(v, (int, float)) else v


def mp_derivative(f, x: Any, kinks: Iterable[float] = ()) -> Any:
    """f'(x) by mpmath, accurate even where f ~ 1 and f' is astronomically small.

    Precision is raised until the cancellation in f(x+h) - f(x-h) leaves >= 25 digits; near a
    kink (closer than 1e-6) the central step is a quarter of the distance, so it never crosses.
    """
    opts: dict[str, Any] = {}
    for k in kinks:
        dist = abs(x - k)
        if 0 < dist < 1e-6 * max(1.0, abs(k)):
            opts = {"h": mp.mpf(dist) / 4}
    dps = DIGITS
    while True:
        with mp.workdps(dps):
            d = mp.diff(f, mp.mpf(x), **opts)
            fx = abs(f(mp.mpf(x)))
        if d == 0:
            if fx == 0 or dps >= 400:
                return d  # truly 0, or below 1e-340 relative to f: rounds to 0 in any float
            dps = 400
            continue
        if fx == 0:
            # no scale to judge the cancellation by: trust d only if more digits do not move it
            with mp.workdps(dps + 60):
                d2 = mp.diff(f, mp.mpf(x), **opts)
            if abs(d2 - d) <= abs(d2) * mp.mpf(10) ** -20:
                return d2
            if dps >= 400:
                return mp.mpf(0)  # estimates keep shrinking with precision: step noise around 0
            dps = min(400, 2 * dps + 60)
            continue
        need = int(mp.log10(fx / abs(d))) + 25
        if need <= dps:
            return d
        dps = need + 10


@functools.lru_cache(maxsize=None)
def _ref_cached(name: str, params_key: tuple, x: float, which: str) -> Any:
    s = get_spec(name)
    params = {k: mpf(v) if not isinstance(v, str) else v for k, v in params_key}
    with mp.workdps(DIGITS):
        if which == "value":
            return s.reference(mp.mpf(x), **params)
        if s.reference_derivative is not None:
            return s.reference_derivative(mp.mpf(x), **params)
    kinks = [k.at_for(dict(params_key)) for k in s.kinks_for(dict(params_key))]
    return mp_derivative(lambda t: s.reference(t, **params), x, kinks)


def clear_cache() -> None:
    """Forget cached reference values (they are keyed by name: needed after re-registering one)."""
    _ref_cached.cache_clear()


def params_key(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, v) for k, v in params.items()))


def ref_value(s: ActivationSpec, params: Mapping[str, Any], x: float) -> Any:
    return _ref_cached(s.name, params_key(params), float(x), "value")


def ref_derivative(s: ActivationSpec, params: Mapping[str, Any], x: float) -> Any:
    return _ref_cached(s.name, params_key(params), float(x), "derivative")


def ref_param_derivative(s: ActivationSpec, params: Mapping[str, Any], pname: str, x: float) -> Any:
    """d f / d ``pname`` at x, by mpmath from the reference."""
    with mp.workdps(DIGITS):
        base = {k: mpf(v) if not isinstance(v, str) else v for k, v in params.items()}

        def f(t):
            q = dict(base)
            q[pname] = t
            return s.reference(mp.mpf(x), **q)

        return mp_derivative(f, base[pname])


# ----------------------------------------------------------------------------- errors
def _bf16_round(v: np.ndarray) -> np.ndarray:
    import torch

    with np.errstate(over="ignore"):  # beyond float32's range the value is inf in bfloat16 too
        v32 = np.asarray(v, dtype=np.float32)
    return torch.from_numpy(v32).to(torch.bfloat16).to(torch.float64).numpy()


_FINFO = {
    "float64": (2.0**-52, 2.0**-1022, 2.0**-1074, 1.7976931348623157e308),
    "float32": (2.0**-23, 2.0**-126, 2.0**-149, 3.4028234663852886e38),
    "float16": (2.0**-10, 2.0**-14, 2.0**-24, 65504.0),
    "bfloat16": (2.0**-7, 2.0**-126, 2.0**-133, 3.3895313892515355e38),
}


def round_to(v: float, dtype: str) -> float:
    """The correctly rounded (up to double rounding) value of a float64 in ``dtype``."""
    if dtype == "float64":
        return v
    if dtype == "bfloat16":
        return float(_bf16_round(np.array([v]))[0])
    with np.errstate(over="ignore"):
        return float(np.asarray(v, dtype=np.float64).astype(dtype))


def ulp_at(scale: float, dtype: str) -> float:
    eps, tiny, sub, _ = _FINFO[dtype]
    if scale < tiny:
        return sub
    return eps * 2.0 ** math.floor(math.log2(scale))


def ulp_error(got: float, exact: Any, scale: float, dtype: str) -> float:
    """|got - exact| in ulps of ``dtype`` at ``scale``; 0 when got is the rounded exact value.

    Below float64, results in the subnormal range may be flushed to zero (torch's vectorised
    float32 kernels do): there the error is counted in units of the smallest normal number.
    """
    ex = float(exact) if not isinstance(exact, float) else exact
    r = round_to(ex, dtype)
    if math.isnan(got) or math.isnan(ex):
        return 0.0 if (math.isnan(got) and math.isnan(ex)) else math.inf
    if got == r:
        return 0.0
    if math.isinf(got) or math.isinf(r):
        return math.inf
    with mp.workdps(DIGITS):
        diff = float(abs(mp.mpf(got) - exact))
    tiny = _FINFO[dtype][1]
    if dtype != "float64" and max(abs(r), abs(got)) < tiny:
        return diff / tiny
    return diff / ulp_at(max(scale, abs(r)), dtype)


def local_scale(s: ActivationSpec, params: Mapping[str, Any], x: float, which: str, exact: Any) -> float:
    """max(|f(x)|, |f(x - h)|, |f(x + h)|), h = min(|x|, 1)/100 (f' for ``which="derivative"``)."""
    h = min(abs(x), 1.0) / 100.0
    vals = [abs(float(exact))]
    if h > 0:
        f = ref_value if which == "value" else ref_derivative
        for t in (x - h, x + h):
            try:
                vals.append(abs(float(f(s, params, t))))
            except Exception:  # a reference undefined at a neighbour: keep the strict scale
                pass
    return max(vals)


# ----------------------------------------------------------------------------- inputs
def param_sets(s: ActivationSpec) -> list[dict[str, Any]]:
    """Defaults, each parameter's test values one at a time, and the spec's extra sets."""
    base = s.defaults()
    sets = [base]
    for p in s.params:
        for v in p.test_values:
            sets.append({**base, p.name: v})
    for extra in s.test_params:
        sets.append({**base, **extra})
    out, seen = [], set()
    for ps in sets:
        k = params_key(ps)
        if k not in seen:
            seen.add(k)
            out.append(resolve_params(s, ps))
    return out


def points(s: ActivationSpec, params: Mapping[str, Any], dense: int = 161, span: float = 8.0) -> np.ndarray:
    """A dense grid plus the hard points: 0, +-1e-8, kinks +- tiny, +-20 ... +-1e4."""
    grid = np.linspace(-span, span, dense) + 1.0 / 7.0 * (span / dense)  # offset: avoid landing on kinks
    hard = [sgn * h for h in HARD for sgn in (1.0, -1.0)]
    for k in s.kinks_for(params):
        a = k.at_for(params)
        d = max(abs(a), 1.0) * 1e-8
        hard += [a, a - d, a + d]
    hard += list(s.probe_points)
    xs = np.unique(np.concatenate([grid, np.array(hard, dtype=np.float64)]))
    return xs[np.isfinite(xs)]


def kink_derivative(s: ActivationSpec, params: Mapping[str, Any], x: float) -> float | None:
    """The derivative the spec's convention gives at x when x is one of its kinks, else None."""
    for k in s.kinks_for(params):
        if x == k.at_for(params):
            return k.derivative_for(params)
    return None


# ----------------------------------------------------------------------------- limits
# Far enough out that every catalog function has settled to 1e-9, yet within reach of mpmath's
# exponent range; the smaller magnitudes are the fallback for references that overflow further out.
FAR = (30, 60, 120)
NEAR = (4, 8, 16)


class LimitError(ValueError):
    """The limit at +-inf could not be established from the reference."""


@dataclass(frozen=True)
class Limit:
    """lim f(x) (or f') as x -> sign * inf.

    ``status`` is "exists" (``value`` is the limit, possibly +-inf), "none" (the reference
    oscillates out there: sin; ``value`` is NaN) or "unknown" (the reference could not be
    evaluated far enough out to tell; ``value`` is NaN); ``how`` is the evidence, for messages."""

    value: float
    status: str
    how: str


def _far_values(s, params, sign: float, which: str, exps: Iterable[int]) -> dict[int, float]:
    """The reference at sign * 10^k for each k where it can be evaluated to a number."""
    f = ref_value if which == "value" else ref_derivative
    out = {}
    for k in exps:
        try:
            v = float(f(s, params, sign * 10.0**k))
        except Exception:  # overflow, or a reference undefined out there
            continue
        if not math.isnan(v):  # a reference that answers NaN far out says nothing about the limit
            out[k] = v
    return out


def _settled(vals: list[float]) -> float | None:
    """+-inf where every value exceeds 10^25 with one sign, their common value where they agree."""
    if all(abs(v) > 1e25 for v in vals) and len({math.copysign(1.0, v) for v in vals}) == 1:
        return math.copysign(math.inf, vals[0])
    if all(abs(v - vals[-1]) <= 1e-9 * max(1.0, abs(vals[-1])) for v in vals):
        return vals[-1]
    return None


def find_limit(s: ActivationSpec, params: Mapping[str, Any], sign: float, which: str = "value") -> Limit:
    """lim f(x) (or f') as x -> sign * inf from the reference at 10^30, 10^60 and 10^120 (never at
    infinity itself, which a reference need not handle): their common value, +-inf where all three
    exceed 10^25 with one sign, else no limit (sin, snake's f').

    Where the reference cannot be evaluated at some of those (it overflows, raises or answers NaN),
    the largest magnitudes it can evaluate among 10^4 ... 10^120 decide instead, and failing that,
    a nonzero limit of f' (f grows without bound); otherwise the limit is "unknown", never a
    silent "no limit"."""
    where = f"{'+' if sign > 0 else '-'}inf"
    far = _far_values(s, params, sign, which, FAR)
    if len(far) == len(FAR):
        got = _settled(list(far.values()))
        if got is not None:
            return Limit(got, "exists", f"the reference agrees at {where[0]}10^30, 10^60, 10^120")
        return Limit(
            math.nan, "none", f"the reference at {where[0]}10^30, 10^60, 10^120: {list(far.values())}"
        )
    vals = {**_far_values(s, params, sign, which, NEAR), **far}
    used = sorted(vals)[-3:]
    shown = ", ".join(f"10^{k}" for k in used)
    if len(used) >= 2:
        got = _settled([vals[k] for k in used])
        if got is not None:
            return Limit(got, "exists", f"the reference agrees at {where[0]}({shown})")
    if which == "value":
        d = find_limit(s, params, sign, "derivative")
        if d.status == "exists" and d.value != 0:
            # f' -> c != 0 (or +-inf): f moves by c per unit without end, towards sign(c) * sign * inf
            return Limit(
                math.copysign(math.inf, d.value * sign), "exists", f"f' tends to {d.value} ({d.how})"
            )
    missing = sorted(set(FAR) - set(far))
    return Limit(
        math.nan,
        "unknown",
        f"the reference cannot be evaluated at {where[0]}10^{missing[0]}"
        + (f" and settles nowhere it can ({shown}: {[vals[k] for k in used]})" if used else " or nearer"),
    )


def limit(s: ActivationSpec, params: Mapping[str, Any], sign: float, which: str = "value") -> float:
    """The value of ``find_limit``: the limit, or NaN where there is none (the reference oscillates).

    Raises LimitError where the reference cannot tell (rather than passing that off as "no limit")."""
    lim = find_limit(s, params, sign, which)
    if lim.status == "unknown":
        raise LimitError(
            f"{s.name}: lim f{'' if which == 'value' else '′'}(x) as x -> {sign * math.inf}: {lim.how}; "
            "let the reference evaluate there (an asymptotic branch for large |x|)"
        )
    return lim.value
