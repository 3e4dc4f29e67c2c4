"""Numerical verification of every spec against its 50-digit mpmath reference and its metadata.

Used by ``actlab check`` and by the test suite. Errors are measured in units of the dtype's
ulp at a *local scale*: ``max(|f(x)|, |f(x - h)|, |f(x + h)|)`` with ``h = min(|x|, 1)/100``.
Away from zeros of f this is the plain relative error; at a zero that is a cancellation of O(1)
terms (the minimum of mish's derivative, say) it is the error relative to the size of f nearby,
which is the best any floating-point evaluation can promise there.
"""

from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
from mpmath import mp

from .api import get, precision
from .registry import all_specs, resolve_params
from .registry import spec as get_spec
from .spec import INF, ActivationSpec

__all__ = [
    "Failure",
    "Report",
    "check_spec",
    "check_autograd",
    "check",
    "param_sets",
    "points",
    "ref_value",
    "ref_derivative",
    "ulp_error",
    "mp_derivative",
    "path_context",
    "DIGITS",
    "RTOL64",
    "EVEN",
    "IDENTITIES",
    "LINEAR",
    "ODD",
    "SUMS_TO_ONE",
    "check_guide_properties",
]

DIGITS = 50
RTOL64 = 1e-12  # float64 bar, relative to the local scale
HARD = (0.0, 1e-300, 1e-8, 1e-3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 700.0, 1000.0, 1e4)


@dataclass
class Failure:
    name: str
    params: Mapping[str, Any]
    what: str
    detail: str

    def __str__(self) -> str:
        ps = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({ps}): {self.what}: {self.detail}"


@dataclass
class Report:
    name: str
    failures: list[Failure] = field(default_factory=list)
    worst: dict[str, tuple[float, float]] = field(default_factory=dict)  # label -> (error, x)

    @property
    def ok(self) -> bool:
        return not self.failures

    def note(self, label: str, err: float, x: float) -> None:
        if label not in self.worst or err > self.worst[label][0]:
            self.worst[label] = (err, x)


# ----------------------------------------------------------------------------- references
def _mpf(v: Any) -> Any:
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
    params = {k: _mpf(v) if not isinstance(v, str) else v for k, v in params_key}
    with mp.workdps(DIGITS):
        if which == "value":
            return s.reference(mp.mpf(x), **params)
        if s.reference_derivative is not None:
            return s.reference_derivative(mp.mpf(x), **params)
    kinks = [k.at_for(dict(params_key)) for k in s.kinks_for(dict(params_key))]
    return mp_derivative(lambda t: s.reference(t, **params), x, kinks)


def _key(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, v) for k, v in params.items()))


def ref_value(s: ActivationSpec, params: Mapping[str, Any], x: float) -> Any:
    return _ref_cached(s.name, _key(params), float(x), "value")


def ref_derivative(s: ActivationSpec, params: Mapping[str, Any], x: float) -> Any:
    return _ref_cached(s.name, _key(params), float(x), "derivative")


def _ref_param_derivative(s: ActivationSpec, params: Mapping[str, Any], pname: str, x: float) -> Any:
    with mp.workdps(DIGITS):
        base = {k: _mpf(v) if not isinstance(v, str) else v for k, v in params.items()}

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
        k = _key(ps)
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


def _local_scale(s: ActivationSpec, params: Mapping[str, Any], x: float, which: str, exact: Any) -> float:
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


def _at_kink(s: ActivationSpec, params: Mapping[str, Any], x: float) -> float | None:
    for k in s.kinks_for(params):
        if x == k.at_for(params):
            return k.derivative_for(params)
    return None


# ----------------------------------------------------------------------------- checks
def _check_elementwise_values(s, params, rep, paths, dtypes) -> None:
    xs64 = points(s, params)
    act = get(s.name, **params)
    budgets = {"float64": RTOL64 / 2.0**-52, "float32": s.float32_ulp, "float16": 2, "bfloat16": 2}
    for path in paths:
        for dtype in dtypes:
            if (path == "numpy" and dtype == "bfloat16") or (path == "torch-exact" and dtype == "float64"):
                continue  # NumPy has no bfloat16; float64 is evaluated identically on both torch paths
            xs = np.unique(np.array([round_to(v, dtype) for v in xs64]))
            xs = xs[np.isfinite(xs)]
            for which in ("value", "derivative"):
                got = _evaluate(act, xs, dtype, path, which)
                budget = budgets[dtype] if path == "torch" or dtype == "float64" else 1
                label = f"{path}/{dtype}/{which}"
                for x, g in zip(xs, got):
                    x = float(x)
                    if which == "derivative":
                        kd = _at_kink(s, params, x)
                        if kd is not None:
                            if not (g == round_to(kd, dtype) or abs(g - kd) <= 1e-12 * max(1, abs(kd))):
                                rep.failures.append(
                                    Failure(
                                        s.name,
                                        params,
                                        f"{label} at kink",
                                        f"f'({x!r}) = {g!r}, convention says {kd!r}",
                                    )
                                )
                            continue
                    exact = ref_value(s, params, x) if which == "value" else ref_derivative(s, params, x)
                    scale = _local_scale(s, params, x, which, exact)
                    err = ulp_error(float(g), exact, scale, dtype)
                    rep.note(label, err if dtype != "float64" else err * 2.0**-52, x)
                    if err > budget:
                        shown = f"{err:.3g} ulp" if dtype != "float64" else f"{err * 2.0**-52:.3g} relative"
                        rep.failures.append(
                            Failure(
                                s.name,
                                params,
                                label,
                                f"x={x!r}: got {g!r}, exact {mp.nstr(exact, 17)} ({shown}; budget "
                                f"{budget if dtype != 'float64' else RTOL64:g})",
                            )
                        )


def path_context(path: str):
    """Paths: "numpy"; "torch" (default precision "fast"); "torch-exact" (``precision("exact")``)."""
    return precision("exact") if path == "torch-exact" else contextlib.nullcontext()


def _evaluate(act, xs: np.ndarray, dtype: str, path: str, which: str) -> np.ndarray:
    if path == "numpy":
        x = xs.astype(dtype)
        out = act(x) if which == "value" else act.derivative(x)
        return np.asarray(out, dtype=np.float64)
    import torch

    t = torch.tensor(xs, dtype=getattr(torch, dtype))
    with path_context(path):
        out = act(t) if which == "value" else act.derivative(t)
    assert out.dtype == t.dtype, f"output dtype {out.dtype} != input dtype {t.dtype}"
    return out.detach().to(torch.float64).numpy()


def limit(s: ActivationSpec, params: Mapping[str, Any], sign: float, which: str = "value") -> float:
    """lim f(x) (or f') as x -> sign * inf, from the reference at 10^30, 10^60 and 10^120 (never
    at infinity itself, which a reference need not handle): their common value, +-inf where all
    three exceed 10^25 with one sign, else NaN (no limit: sin, snake's f')."""
    f = ref_value if which == "value" else ref_derivative
    vals = []
    for k in (30, 60, 120):
        try:
            vals.append(float(f(s, params, sign * 10.0**k)))
        except Exception:  # a reference that overflows or is undefined out there
            return math.nan
    if all(abs(v) > 1e25 for v in vals) and len({math.copysign(1.0, v) for v in vals}) == 1:
        return math.copysign(math.inf, vals[0])
    if all(abs(v - vals[-1]) <= 1e-9 * max(1.0, abs(vals[-1])) for v in vals):
        return vals[-1]
    return math.nan


def _check_infinities(s, params, rep) -> None:
    """f(+-inf) is the limit where one exists, on both paths and in float64 and float32; f'(+-inf)
    is never NaN there; NaN in gives NaN out."""
    act = get(s.name, **params)
    for x in (INF, -INF):
        exact = limit(s, params, math.copysign(1.0, x))
        if math.isnan(exact):
            continue  # no limit (sin at infinity): NaN is the right answer
        for path in ("numpy", "torch"):
            for dtype in ("float64", "float32"):
                got = _evaluate(act, np.array([x]), dtype, path, "value")[0]
                want = round_to(exact, dtype)
                if not (got == want or (math.isfinite(want) and abs(got - want) <= 1e-6 * max(1, abs(want)))):
                    rep.failures.append(
                        Failure(
                            s.name,
                            params,
                            f"{path}/{dtype} infinite input",
                            f"f({x}) = {got}, limit is {exact}",
                        )
                    )
                d = _evaluate(act, np.array([x]), dtype, path, "derivative")[0]
                if math.isnan(d):
                    rep.failures.append(
                        Failure(
                            s.name, params, f"{path}/{dtype} infinite input", f"f'({x}) is NaN; f has a limit"
                        )
                    )
    for path in ("numpy", "torch"):
        got = _evaluate(act, np.array([math.nan]), "float64", path, "value")[0]
        if not math.isnan(got):
            rep.failures.append(Failure(s.name, params, f"{path} NaN input", f"f(nan) = {got}, expected nan"))


def _check_metadata(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    act = get(s.name, **params)
    xs = np.unique(np.concatenate([np.linspace(-60, 60, 24001), points(s, params)]))
    with np.errstate(all="ignore"):
        f = np.asarray(act(xs), dtype=np.float64)
        d = np.asarray(act.derivative(xs), dtype=np.float64)
    fin = np.isfinite(f)

    def fail(what, detail):
        rep.failures.append(Failure(s.name, params, what, detail))

    for label, vals, iv in (
        ("range", f, s.range_for(params)),
        ("derivative range", d, s.derivative_range_for(params)),
    ):
        if iv is None:
            continue
        v = vals[np.isfinite(vals)]
        tol = 1e-12
        bad = [
            x for x, y in zip(xs[np.isfinite(vals)], v) if not iv.contains(float(y), tol * max(1.0, abs(y)))
        ]
        if bad:
            fail(
                label,
                f"claimed {iv}, but f{'′' if 'der' in label else ''}({bad[0]!r}) = {vals[xs == bad[0]][0]!r}",
            )
        lo, hi = float(v.min()), float(v.max())
        if math.isfinite(iv.lo) and lo > iv.lo + 0.02 * (1 + abs(iv.lo)):
            fail(label, f"claimed lower bound {iv.lo} is not approached (min seen {lo})")
        if math.isfinite(iv.hi) and hi < iv.hi - 0.02 * (1 + abs(iv.hi)):
            fail(label, f"claimed upper bound {iv.hi} is not approached (max seen {hi})")
        if iv.lo == -INF and lo > -10:
            fail(label, f"claimed unbounded below, but min seen is {lo}")
        if iv.hi == INF and hi < 10:
            fail(label, f"claimed unbounded above, but max seen is {hi}")

    diffs = np.diff(f[fin])
    scale = np.maximum(1.0, np.abs(f[fin][1:]))
    decreasing = bool(np.any(diffs < -1e-12 * scale))
    if s.monotonic_for(params) and decreasing:
        i = int(np.argmax(diffs < -1e-12 * scale))
        fail("monotonic", f"claimed non-decreasing, but f decreases after x={xs[fin][i]!r}")
    if not s.monotonic_for(params) and not decreasing:
        fail("monotonic", "claimed not monotonic, but f never decreases on [-60, 60]")

    f0 = float(act(np.array([0.0]))[0])
    fp0 = float(act.derivative(np.array([0.0]))[0])
    dpm = act.derivative(np.array([-1e-9, 1e-9]))
    ident = f0 == 0 and abs(fp0 - 1) < 1e-12 and abs(dpm[1] - dpm[0]) < 1e-6
    if ident != s.approximates_identity_for(params):
        fail(
            "approximates_identity",
            f"claimed {s.approximates_identity_for(params)}: f(0)={f0}, f'(0)={fp0}, "
            f"f'(+-1e-9)={dpm.tolist()}",
        )

    _check_smoothness(s, params, act, fail)

    if s.derivative_from_output is not None:
        from . import ops as _ops

        nops = _ops.for_array(f)
        dd = s.derivative_from_output(f, nops, **params) if s.params else s.derivative_from_output(f, nops)
        with np.errstate(invalid="ignore"):
            err = np.abs(dd - d)[fin]
        if np.any(err > 1e-12 * np.maximum(1, np.abs(d[fin]))):
            i = int(np.argmax(err))
            fail("derivative_from_output", f"disagrees with derivative at x={xs[fin][i]!r} by {err[i]:.3g}")

    for ex in s.examples:
        if any(params.get(k) != v for k, v in ex.params.items()):
            continue
        if ex.params == {} and params != resolve_params(s, {}):
            continue
        val = act(np.array([ex.x])) if ex.of == "value" else act.derivative(np.array([ex.x]))
        val = float(np.asarray(val)[0])
        # one unit in the last printed digit: the guides sometimes truncate instead of rounding
        if abs(val - ex.expected) > 10.0**-ex.digits + 4 * 2.0**-52 * abs(ex.expected):
            fail(
                "worked example",
                f"f{'′' if ex.of != 'value' else ''}({ex.x}) = {val!r}, the example says "
                f"{ex.expected} to {ex.digits} digits ({ex.source})",
            )


def _check_smoothness(s, params, act, fail) -> None:
    k_order = s.smoothness_for(params)
    kinks = s.kinks_for(params)
    if k_order == -1 and not any(k.jump for k in kinks):
        fail("smoothness", "claimed discontinuous (C^-1) but no kink is marked as a jump")
    if k_order == INF and kinks:
        fail("smoothness", f"claimed C^inf but lists kinks at {[k.at_for(params) for k in kinks]}")
    if k_order == 0 and not kinks:
        fail("smoothness", "claimed C^0 (with kinks) but lists no kink")
    for k in kinks:
        a = k.at_for(params)
        dlt = max(abs(a), 1.0) * 1e-7
        fv = np.asarray(act(np.array([a - dlt, a + dlt])), dtype=np.float64)
        dv = np.asarray(act.derivative(np.array([a - dlt, a + dlt])), dtype=np.float64)
        # a jump is a change of f beyond what the one-sided slopes predict across 2*dlt: this sees
        # even softplus's 2e-9 switch, while curvature contributes only ~dlt^2
        predicted = (dv[0] + dv[1]) * dlt
        jump = abs(fv[1] - fv[0] - predicted) > 1e-11 * max(1.0, abs(fv[0]), abs(fv[1]))
        if jump != k.jump:
            fail("smoothness", f"kink at {a}: marked jump={k.jump}, but f({a}-+{dlt:.0e}) = {fv.tolist()}")
        slope_jump = abs(dv[1] - dv[0]) > 1e-5
        if k_order == 0 and not k.jump and not slope_jump:
            fail("smoothness", f"kink at {a}: one-sided slopes agree ({dv.tolist()}); not a kink")
        if k_order >= 1 and slope_jump:
            fail("smoothness", f"claimed C^{k_order}, but f' jumps at {a}: {dv.tolist()}")
    if s.piecewise_linear_for(params):
        _check_piecewise_linear(params, act, kinks, fail)


def _check_piecewise_linear(params, act, kinks, fail) -> None:
    """The torch path trusts this claim to save a region mask instead of x: f' must be
    constant strictly between consecutive kinks (and in both tails)."""
    cuts = sorted({k.at_for(params) for k in kinks})
    edges = [-1e6] + cuts + [1e6]
    for lo, hi in zip(edges[:-1], edges[1:]):
        xs = np.linspace(lo, hi, 203)[1:-1]
        dv = np.asarray(act.derivative(xs), dtype=np.float64)
        if np.ptp(dv) > 1e-12 * max(1.0, float(np.max(np.abs(dv)))):
            fail(
                "piecewise_linear",
                f"claimed piecewise linear, but f' varies on ({lo:g}, {hi:g}): "
                f"from {dv.min():.6g} to {dv.max():.6g}",
            )
            return


def _check_param_derivatives(s, params, rep) -> None:
    from . import ops as _ops

    xs = points(s, params, dense=41)
    kinks = {k.at_for(params) for k in s.kinks_for(params)}
    nops = _ops.for_array(xs)
    for pname, fn in s.param_derivatives.items():
        # Per-hinge parameters (APL's a, b) carry a leading axis; their closed forms are compared
        # with autograd of forward in check_autograd instead.
        if not isinstance(params[pname], (int, float)) or s.param(pname).leading:
            continue
        act = get(s.name, **params)
        from .api import prepare_params

        got = np.asarray(fn(xs, nops, **prepare_params(s, act.params, xs, nops)), dtype=np.float64)
        for x, g in zip(xs, got):
            # a parameter step would cross a kink within 1e-6: mp.diff there averages both sides
            if abs(x) > 100 or any(abs(float(x) - k) < 1e-6 * max(1.0, abs(k)) for k in kinks):
                continue
            exact = _ref_param_derivative(s, params, pname, float(x))
            err = abs(g - float(exact)) / max(abs(float(exact)), 1e-300)
            if err > 1e-9 and abs(g - float(exact)) > 1e-14:
                rep.failures.append(
                    Failure(
                        s.name,
                        params,
                        f"d f / d {pname}",
                        f"x={float(x)!r}: closed form {g!r}, mpmath {mp.nstr(exact, 17)}",
                    )
                )


def check_autograd(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    """Closed-form derivatives (input and learnable parameters) equal torch autograd of forward,
    at every test point including the kinks, in float64; NaN where one is NaN is a failure."""
    act = get(s.name, **params)
    if s.kind == "elementwise":
        xs = points(s, params)
    elif s.kind == "gated":
        b = points(s, params, dense=41)
        xs = np.concatenate([np.resize(np.array([-3.0, -1.0, 0.0, 0.7, 2.0]), b.size), b])
    else:
        from .check_kinds import VECTORS

        xs = None
    inputs = [xs] if xs is not None else [np.array(v) for v in VECTORS]
    # "autograd": torch autograd through forward (catches forwards whose gradient is NaN or
    # wrong, e.g. a single where); "auto": the default training path (the memory-lean Function,
    # whose backward uses the closed forms through a saved mask or output).
    for impl in ("autograd", "auto"):
        for arr in inputs:
            _autograd_once(s, params, rep, act, arr, impl)


def _autograd_once(s, params, rep, act, arr, impl) -> None:
    import torch

    from . import ops as _ops
    from .api import prepare_params

    x = torch.tensor(arr, dtype=torch.float64, requires_grad=True)
    learn = {
        p.name: torch.tensor(float(params[p.name]), dtype=torch.float64, requires_grad=True)
        for p in s.params
        if p.learnable and isinstance(params[p.name], (int, float))
    }
    y = get(s.name, **{**params, **learn})(x, impl=impl)
    g = torch.linspace(-1.0, 2.0, y.numel(), dtype=torch.float64).reshape(y.shape)
    grads = torch.autograd.grad(y, [x, *learn.values()], g, allow_unused=True)
    with torch.no_grad():
        if s.kind == "vector":
            want = act.vjp(x.detach(), g)
        elif s.kind == "gated":
            want = act.derivative(x.detach()) * torch.cat([g, g])
        else:
            want = act.derivative(x.detach()) * g
    tag = "autograd" if impl == "autograd" else "default path"
    _compare_grads(s, params, rep, f"{tag} d/dx", arr, grads[0], want)
    tops = _ops.for_array(x)
    for (pname, _), got in zip(learn.items(), grads[1:]):
        xd = x.detach()
        pp = prepare_params(s, act.params, xd, tops)
        dp = s.param_derivatives[pname](xd, tops, **pp)
        want_p = (dp * g).sum()
        _compare_grads(
            s, params, rep, f"{tag} d/d{pname}", np.array([0.0]), got.reshape(1), want_p.reshape(1)
        )


def _compare_grads(s, params, rep, label, xs, got, want) -> None:
    import torch

    got = got if got is not None else torch.zeros_like(want)
    gn, wn = got.detach().numpy(), want.detach().numpy()
    with np.errstate(invalid="ignore"):
        close = np.abs(gn - wn) <= 1e-10 * np.maximum(1.0, np.abs(wn))
    bad = ~((np.isnan(gn) & np.isnan(wn)) | (gn == wn) | close)
    if bad.any():
        i = int(np.argmax(bad))
        where = f"x={float(xs.reshape(-1)[i])!r}: " if xs.size == gn.size else ""
        rep.failures.append(
            Failure(
                s.name,
                params,
                label,
                f"{where}autograd of forward gives {gn.reshape(-1)[i]!r}, closed form {wn.reshape(-1)[i]!r}",
            )
        )


# ----------------------------------------------------------------------------- statements of the guides
# Properties the activation guides state, checked for the functions they name (see
# docs/guide-coverage.md). Symmetry is checked at each function's default parameters (hardtanh
# with min_val != -max_val, say, is not odd).
ODD = (
    "tanh", "arctan", "softsign", "isru", "lecun_tanh", "sqnl", "smht", "hardtanh", "hardshrink",
    "softshrink", "tanhshrink", "sinusoid", "identity",
)  # fmt: skip
EVEN = ("gaussian", "lisht", "sinc")
# outputs that are probability distributions along the axis
SUMS_TO_ONE = ("softmax", "softmin", "sparsemax")
# functions under which a stack of dense layers stays one affine map
LINEAR = ("identity",)
# f(x) = g(other)(x) for every x: spec name -> (statement, other spec, g(other_fn, x))
IDENTITIES: dict[str, tuple[str, str, Any]] = {
    "tanh": ("tanh(x) = 2 sigmoid(2x) - 1", "sigmoid", lambda sig, x: 2.0 * sig(2.0 * x) - 1.0),
}
_SYM_X = np.concatenate([np.linspace(-30.0, 30.0, 6001), [-1e-8, 1e-8, -700.0, 700.0]])


def check_guide_properties(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    """The guides' statements about ``s`` (symmetry, identities, sums to one, stays linear) at
    ``params``; failures are added to ``rep``. Every check is in float64 to 1e-12 relative."""

    def fail(what: str, detail: str) -> None:
        rep.failures.append(Failure(s.name, params, what, detail))

    def close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.abs(a - b) <= 1e-12 * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))

    default = dict(params) == dict(resolve_params(s, {}))
    act = get(s.name, **params)
    if s.kind == "elementwise" and default and (s.name in ODD or s.name in EVEN):
        odd = s.name in ODD
        with np.errstate(all="ignore"):
            f = np.asarray(act(_SYM_X), dtype=np.float64)
            g = np.asarray(act(-_SYM_X), dtype=np.float64)
        bad = ~close(f, -g if odd else g) & np.isfinite(f)
        if bad.any():
            x = float(_SYM_X[np.argmax(bad)])
            fail(
                "odd symmetry" if odd else "even symmetry",
                f"f(x) = {'-' if odd else ''}f(-x) claimed, but f({x!r}) = {f[np.argmax(bad)]!r}, "
                f"f({-x!r}) = {g[np.argmax(bad)]!r}",
            )
    if s.name in IDENTITIES and default:
        text, other, build = IDENTITIES[s.name]
        o = get(other)
        with np.errstate(all="ignore"):
            f = np.asarray(act(_SYM_X), dtype=np.float64)
            g = np.asarray(build(lambda x: np.asarray(o(x), dtype=np.float64), _SYM_X), dtype=np.float64)
        # 2 sigmoid(2x) - 1 cancels near 0: compare on the scale of the terms (1), not of f
        bad = np.abs(f - g) > 1e-12 * np.maximum(1.0, np.abs(g))
        if bad.any():
            i = int(np.argmax(bad))
            fail("identity", f"{text}: at x={float(_SYM_X[i])!r} f = {f[i]!r}, the other side {g[i]!r}")
    if s.kind == "vector" and s.name in SUMS_TO_ONE:
        rng = np.random.default_rng(0)
        for scale in (1.0, 30.0, 1e3):
            x = rng.normal(size=(5, 7)) * scale
            for axis in (0, 1, -1):
                tot = np.asarray(act(x, axis=axis), dtype=np.float64).sum(axis=axis)
                if not np.all(np.abs(tot - 1.0) <= 1e-12):
                    fail(
                        "sums to one",
                        f"along axis {axis} (inputs of scale {scale:g}) the sums are {tot.tolist()}",
                    )
                    return
    if s.kind == "elementwise" and s.name in LINEAR:
        # a stack of dense layers with this activation is one affine map: W3 f(W2 f(W1 x + b1) + b2) + b3
        rng = np.random.default_rng(1)
        ws = [rng.normal(size=(8, 5)), rng.normal(size=(8, 8)), rng.normal(size=(3, 8))]
        bs = [rng.normal(size=8), rng.normal(size=8), rng.normal(size=3)]
        x = rng.normal(size=(5, 50)) * 10.0
        h = x
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = w @ h + b[:, None]
            if i < len(ws) - 1:
                h = np.asarray(act(h), dtype=np.float64)
        w_all, b_all = ws[2] @ ws[1] @ ws[0], ws[2] @ (ws[1] @ bs[0] + bs[1]) + bs[2]
        want = w_all @ x + b_all[:, None]
        err = np.abs(h - want) / np.maximum(1.0, np.abs(want))
        if not np.all(err <= 1e-10):
            fail(
                "stays linear",
                f"3 stacked layers differ from their product map by {float(err.max()):.3g} (relative)",
            )


def check_spec(
    s: ActivationSpec,
    *,
    paths: Iterable[str] = ("numpy", "torch", "torch-exact"),
    dtypes: Iterable[str] = ("float64", "float32", "float16", "bfloat16"),
    metadata: bool = True,
) -> Report:
    """Run every check on one spec; the report lists failures and the worst error per path/dtype."""
    from .check_kinds import check_gated, check_vector

    rep = Report(s.name)
    for params in param_sets(s):
        try:
            if s.kind == "elementwise":
                _check_elementwise_values(s, params, rep, tuple(paths), tuple(dtypes))
                _check_infinities(s, params, rep)
                if metadata:
                    _check_metadata(s, params, rep)
                    check_guide_properties(s, params, rep)
                _check_param_derivatives(s, params, rep)
            elif s.kind == "vector":
                check_vector(s, params, rep, tuple(paths), tuple(dtypes))
                if metadata:
                    check_guide_properties(s, params, rep)
            else:
                check_gated(s, params, rep, tuple(paths), tuple(dtypes))
            if "torch" in paths:
                check_autograd(s, params, rep)
        except Exception as e:  # a crash is a failure to report, not a reason to stop checking
            rep.failures.append(Failure(s.name, params, "crash", f"{type(e).__name__}: {e}"))
    return rep


def check(names: Iterable[str] | None = None, **kw: Any) -> list[Report]:
    specs = [get_spec(n) for n in names] if names else all_specs()
    return [check_spec(s, **kw) for s in specs]
