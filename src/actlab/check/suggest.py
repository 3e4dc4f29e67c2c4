"""What a contributor fills in for a new function, measured: ``actlab check NAME --suggest``.

At default parameters: the range and derivative range (from the NumPy path on [-60, 60] and the
reference's limits at +-inf, rounded outward), monotonicity, f(0) = 0 and both signs, whether f
approximates the identity near 0, and the worst float32 error of the torch path as the checker
measures it; each beside what the spec declares."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Callable, Mapping

import numpy as np

from ..properties import zero_centred
from ..reference import find_limit, ref_derivative, ref_value
from ..registry import resolve_params
from ..spec import ActivationSpec, Interval
from .gated import check_gated
from .metadata import identity_seen, monotonic_seen, on_grid
from .report import Report
from .values import check_elementwise_values
from .vector import check_vector_values

__all__ = ["Row", "Suggestion", "suggest", "DIGITS_SHOWN"]

# where f rounds to a limit, the points (nearest 0 first) at which the reference is asked whether
# f reaches it: a bound on the cost for functions that approach it without reaching it
_REACH_TRIES = 300
DIGITS_SHOWN = 4  # significant digits of a measured interval (of its larger end), rounded outward


@dataclass(frozen=True)
class Row:
    """One property: what the spec declares, what was measured, and whether they agree (None:
    the spec declares nothing to compare with)."""

    what: str
    declared: str
    measured: str
    ok: bool | None
    why: str = ""

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return "(computed, not declared)"
        return "ok" if self.ok else f"DIFFERS: {self.why}"


@dataclass
class Suggestion:
    name: str
    params: Mapping[str, Any]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok is not False for r in self.rows)

    def row(self, what: str) -> Row:
        for r in self.rows:
            if r.what == what:
                return r
        raise KeyError(f"no row {what!r}; rows: {[r.what for r in self.rows]}")


def round_out(v: float, down: bool, quantum: Decimal) -> float:
    """``v`` to a multiple of ``quantum``, rounded down (``down``) or up: a bound stays a bound."""
    if not math.isfinite(v):
        return v
    d = Decimal(repr(v)) / quantum
    return float(d.to_integral_value(rounding=ROUND_FLOOR if down else ROUND_CEILING) * quantum)


def _quantum(lo: float, hi: float) -> Decimal:
    """The last digit kept: DIGITS_SHOWN significant digits of the larger finite end (or of 1), so
    that a tail's 1e-240 shows as 0 beside a bound of 1."""
    scale = max([1.0] + [abs(e) for e in (lo, hi) if math.isfinite(e)])
    return Decimal(1).scaleb(math.floor(math.log10(scale)) - DIGITS_SHOWN + 1)


def _measured_interval(
    xs: np.ndarray, vals: np.ndarray, limits: dict[float, float], ref: Callable[[float], Any], kinks: set
) -> tuple[Interval, Interval]:
    """(the interval rounded outward, the unrounded one) spanned by ``vals`` at ``xs`` and the
    limits at +-inf. A finite end is closed where the reference reaches it at a finite x, open
    where it is only the limit at infinity (sigmoid's 0 and 1)."""
    fin = np.isfinite(vals)
    v, x = vals[fin], xs[fin]
    away = np.array([float(t) not in kinks for t in x])  # a kink's f' is a convention, not the reference's
    # beside a kink (the checker's points 1e-8 from it) f' approaches a one-sided limit; at the kink
    # itself it takes the spec's convention, a value it does reach
    clear = np.array([all(t == k or abs(t - k) > 1e-6 * max(1.0, abs(k)) for k in kinks) for t in x])
    ends = []
    for pick, beyond in ((np.min, lambda a, b: a < b), (np.max, lambda a, b: a > b)):
        end = float(pick(v))
        # reached only beside a kink (hardswish' -> 1.5 at 3, where the convention is 1): open
        closed = bool(np.any((v == end) & clear))
        for lim in limits.values():
            if beyond(lim, end):
                end, closed = lim, False
            elif lim == end and closed:
                # f rounds to the limit on the grid; whether it reaches it is the reference's to say,
                # nearest 0 and within [-60, 60]: further out the reference may agree with the limit
                # to all its digits without reaching it (elu' at -1000)
                near = np.flatnonzero((v == end) & away & (np.abs(x) <= 60))
                near = near[np.argsort(np.abs(x[near]))][:_REACH_TRIES]
                closed = any(ref(float(x[i])) == lim for i in near)
        ends.append((end, closed and math.isfinite(end)))
    (lo, lo_c), (hi, hi_c) = ends
    exact = Interval(lo, hi, lo_c, hi_c)
    q = _quantum(lo, hi)
    return Interval(round_out(lo, True, q), round_out(hi, False, q), lo_c, hi_c), exact


def _compare_interval(declared: Interval | None, shown: Interval, exact: Interval) -> tuple[bool | None, str]:
    """Whether ``declared`` matches the measured interval: it contains what f does and each finite
    end is approached (the tolerances ``actlab check`` uses), an unbounded end is unbounded in the
    limit (``actlab check`` only tests that f exceeds 10 on [-60, 60]), and the ends are open or
    closed as measured; the reason when not."""
    if declared is None:
        return None, "not declared"
    why = []
    if declared.lo > exact.lo + 1e-12 * max(1.0, abs(exact.lo)):
        why.append(f"f goes below the declared lower bound (to {shown.lo:g})")
    elif math.isfinite(declared.lo) and exact.lo > declared.lo + 0.02 * (1 + abs(declared.lo)):
        why.append(f"the declared lower bound is not approached (measured {shown.lo:g})")
    elif declared.lo == -math.inf and math.isfinite(exact.lo):
        why.append(f"declared unbounded below, measured bounded by {shown.lo:g}")
    if declared.hi < exact.hi - 1e-12 * max(1.0, abs(exact.hi)):
        why.append(f"f goes above the declared upper bound (to {shown.hi:g})")
    elif math.isfinite(declared.hi) and exact.hi < declared.hi - 0.02 * (1 + abs(declared.hi)):
        why.append(f"the declared upper bound is not approached (measured {shown.hi:g})")
    elif declared.hi == math.inf and math.isfinite(exact.hi):
        why.append(f"declared unbounded above, measured bounded by {shown.hi:g}")
    if not why:
        if math.isfinite(declared.lo) and declared.lo_closed != exact.lo_closed:
            why.append(f"lower end {'closed' if exact.lo_closed else 'open'}")
        if math.isfinite(declared.hi) and declared.hi_closed != exact.hi_closed:
            why.append(f"upper end {'closed' if exact.hi_closed else 'open'}")
    return (not why), "; ".join(why)


def _yes(b: bool) -> str:
    return "yes" if b else "no"


def suggest(s: ActivationSpec) -> Suggestion:
    """The measured metadata of ``s`` at default parameters beside the declared one."""
    params = resolve_params(s, {})
    out = Suggestion(s.name, params)
    if s.kind == "elementwise":
        _elementwise_rows(s, params, out)
    else:
        out.notes.append(
            f"{s.name} is a {s.kind} activation: range, monotonic, zero-centred and identity near 0 "
            "are measured for elementwise ones only"
        )
    out.rows.append(_float32_row(s, params))
    return out


def _elementwise_rows(s: ActivationSpec, params: Mapping[str, Any], out: Suggestion) -> None:
    act, xs, f, d = on_grid(s, params)
    for label, vals, which, declared, ref in (
        ("range", f, "value", s.range_for(params), lambda x: ref_value(s, params, x)),
        (
            "derivative range",
            d,
            "derivative",
            s.derivative_range_for(params),
            lambda x: ref_derivative(s, params, x),
        ),
    ):
        limits = {}
        for sign in (1.0, -1.0):
            lim = find_limit(s, params, sign, which)
            if lim.status == "exists":
                limits[sign] = lim.value
            elif lim.status == "unknown":
                out.notes.append(f"{label}: the limit at {sign * math.inf} is unknown ({lim.how})")
        kinks = {k.at_for(params) for k in s.kinks_for(params)} if which == "derivative" else set()
        shown, exact = _measured_interval(xs, vals, limits, ref, kinks)
        ok, why = _compare_interval(declared, shown, exact)
        out.rows.append(Row(label, str(declared) if declared is not None else "-", str(shown), ok, why))

    increasing, drop = monotonic_seen(f)
    declared_mono = s.monotonic_for(params)
    why = (
        ""
        if increasing == declared_mono
        else (
            f"f decreases after x={xs[np.isfinite(f)][drop]!r}"
            if not increasing
            else "f never decreases on [-60, 60]"
        )
    )
    out.rows.append(Row("monotonic", _yes(declared_mono), _yes(increasing), increasing == declared_mono, why))

    f0 = float(act(np.array([0.0]))[0])
    rng = out.row("range").measured
    both = bool(np.nanmin(f) < 0 < np.nanmax(f))
    centred = zero_centred(s.name, **params)
    out.rows.append(
        Row(
            "zero-centred",
            f"{_yes(centred)} (computed: |E f(z)| <= 5% of its RMS, z ~ N(0, 1))",
            f"f(0) = {f0:g}, takes both signs: {_yes(both)} (range {rng})",
            None,
        )
    )

    ident, evidence = identity_seen(act)
    declared_id = s.approximates_identity_for(params)
    out.rows.append(
        Row("approximates identity near 0", _yes(declared_id), _yes(ident), ident == declared_id, evidence)
    )


def _float32_row(s: ActivationSpec, params: Mapping[str, Any]) -> Row:
    """The worst float32 error of the torch path (default precision) at the checker's points."""
    rep = Report(s.name)
    if s.kind == "elementwise":
        check_elementwise_values(s, params, rep, ("torch",), ("float32",))
    elif s.kind == "vector":
        check_vector_values(s, params, rep, ("torch",), ("float32",))
    else:
        check_gated(s, params, rep, ("torch",), ("float32",))
    parts, worst = [], 0.0
    for which in ("value", "derivative"):
        if f"torch/float32/{which}" in rep.worst:
            err, x = rep.worst[f"torch/float32/{which}"]
            worst = max(worst, err)
            parts.append(f"{'f' if which == 'value' else 'f′'} {err:.2f} at x={x:.6g}")
    measured = f"{worst:.2f} ulp ({'; '.join(parts)})"
    ok = worst <= s.float32_ulp
    why = (
        ""
        if ok
        else f"measured above the budget: float32_ulp={math.ceil(worst)} or more, with float32_ulp_why"
    )
    return Row("float32 error (torch)", f"<= {s.float32_ulp} ulp", measured, ok, why)
