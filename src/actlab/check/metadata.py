"""An elementwise spec's claims about itself: range and derivative range (contained and tight),
monotonicity, approximates-identity, smoothness and kinks, piecewise linearity, the derivative
from the output, and the worked examples."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from .. import ops as _ops
from ..api import get
from ..reference import points
from ..registry import resolve_params
from ..spec import INF, ActivationSpec
from .report import Failure, Report

__all__ = ["check_metadata", "metadata_grid", "monotonic_seen", "identity_seen"]


def metadata_grid(s: ActivationSpec, params: Mapping[str, Any]) -> np.ndarray:
    """[-60, 60] every 0.005, plus the value checks' points (kinks, +-1e4)."""
    return np.unique(np.concatenate([np.linspace(-60, 60, 24001), points(s, params)]))


def on_grid(s: ActivationSpec, params: Mapping[str, Any]) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """(the function, the grid, f and f' on it in float64) for the metadata checks and suggestions."""
    act = get(s.name, **params)
    xs = metadata_grid(s, params)
    with np.errstate(all="ignore"):
        f = np.asarray(act(xs), dtype=np.float64)
        d = np.asarray(act.derivative(xs), dtype=np.float64)
    return act, xs, f, d


def monotonic_seen(f: np.ndarray) -> tuple[bool, int]:
    """(whether the finite values ``f`` never decrease, beyond 1e-12 relative; the first drop's index)."""
    fin = f[np.isfinite(f)]
    diffs = np.diff(fin)
    drops = diffs < -1e-12 * np.maximum(1.0, np.abs(fin[1:]))
    return not bool(np.any(drops)), int(np.argmax(drops))


def identity_seen(act) -> tuple[bool, str]:
    """Whether f(0) = 0 and f'(0) = 1 with f' continuous there (f ~ x near 0), and the evidence."""
    f0 = float(act(np.array([0.0]))[0])
    fp0 = float(act.derivative(np.array([0.0]))[0])
    dpm = act.derivative(np.array([-1e-9, 1e-9]))
    ident = bool(f0 == 0 and abs(fp0 - 1) < 1e-12 and abs(dpm[1] - dpm[0]) < 1e-6)
    return ident, f"f(0)={f0}, f'(0)={fp0}, f'(+-1e-9)={dpm.tolist()}"


def check_metadata(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    act, xs, f, d = on_grid(s, params)
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

    increasing, drop = monotonic_seen(f)
    if s.monotonic_for(params) and not increasing:
        fail("monotonic", f"claimed non-decreasing, but f decreases after x={xs[fin][drop]!r}")
    if not s.monotonic_for(params) and increasing:
        fail("monotonic", "claimed not monotonic, but f never decreases on [-60, 60]")

    ident, evidence = identity_seen(act)
    if ident != s.approximates_identity_for(params):
        fail("approximates_identity", f"claimed {s.approximates_identity_for(params)}: {evidence}")

    _check_smoothness(s, params, act, fail)

    if s.derivative_from_output is not None:
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
