"""Numbers for the explorer, all computed from the specs through the NumPy API at build time.

The pages draw curves and show properties; they never evaluate an activation themselves. Each
parameter gets a short list of values, and every combination of them is evaluated here (a
cartesian grid, capped so one page's data stays under about a megabyte).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ..docs import number_text, properties_text, smoothness_text
from ..errors import ActlabError
from ..plot import curves
from ..properties import derivative_at_zero, init_gain, value_at_zero, zero_centred
from ..spec import ActivationSpec, Param

__all__ = [
    "LO",
    "HI",
    "N",
    "SATURATION",
    "combo_key",
    "function_data",
    "gallery_facts",
    "property_rows",
    "param_axes",
    "what_is_plotted",
]

LO, HI, N = -5.0, 5.0, 201  # x grid: step 0.05, so round inputs (0, 1, -2.5) are grid points
SATURATION = 0.01  # |f'| below this is shaded (docs.PROPERTY_TERMS["saturation"])
MAX_COMBOS = 150  # per function; keeps the largest page's data under about a megabyte
# softplus' threshold defaults to inf (never switch to the linear branch); a slider over it
# needs finite stops as well
_INF_STOPS = (1.0, 2.0, 5.0, 10.0, 20.0, math.inf)


def num(v: float) -> float | None:
    """Six significant digits (what the readout shows); None for a gap (NaN, +-inf)."""
    v = float(v)
    return float(f"{v:.6g}") if math.isfinite(v) else None


def label(v: Any) -> str:
    return number_text(v, 4, str)


def what_is_plotted(s: ActivationSpec) -> str:
    """The sentence each page shows above a plot of a non-elementwise function (plot.curves' choice)."""
    if s.kind == "vector":
        return (
            f"{s.name} acts on a whole vector. Plotted: output 0 of {s.name}([x, 0]) as x varies, and its "
            "partial derivative with respect to x (the other input held at 0)."
        )
    if s.kind == "gated":
        return (
            f"{s.name} splits its input into halves a and b. Plotted: the output with a = 1 as b varies "
            "(so the gate itself), and its partial derivative with respect to b."
        )
    return ""


def _numeric_stops(p: Param, n: int) -> list[float]:
    v = float(p.default)
    if math.isinf(v):
        return list(_INF_STOPS)
    scale = max(abs(v), 1.0) if v != 0 else 1.0
    lo, hi = round(v - 2 * scale, 1), round(v + 2 * scale, 1)
    b = p.bounds
    if b is not None:
        if math.isfinite(b.lo) and lo <= b.lo:
            lo = b.lo if b.lo_closed else b.lo + (hi - b.lo) / (2 * n)
        if math.isfinite(b.hi) and hi >= b.hi:
            hi = b.hi if b.hi_closed else b.hi - (b.hi - lo) / (2 * n)
    # round steps (0.1, 0.25, 0.5, ...) so slider labels read as plain numbers
    raw = (hi - lo) / max(n - 1, 1)
    step = min(
        (c * 10.0**e for e in range(-3, 3) for c in (1, 2, 2.5, 5) if c * 10.0**e >= 0.75 * raw), default=raw
    )
    first = math.ceil(lo / step - 1e-9) * step
    stops = {float(f"{round(x / step) * step:.4g}") + 0.0 for x in np.arange(first, hi + step / 2, step)} | {
        v
    }
    return sorted(stops)


def param_axes(s: ActivationSpec) -> list[dict[str, Any]]:
    """One slider (or fixed value) per parameter: its stops, labels and the default's position."""
    free = [p for p in s.params if not p.integer]
    k_num = sum(1 for p in free if p.choices is None and not math.isinf(float(p.default)))
    fixed_count = math.prod(
        len(p.choices) if p.choices else len(_INF_STOPS) for p in free if p.choices or _is_inf(p)
    )
    n = 21 if k_num <= 1 else int((MAX_COMBOS / fixed_count) ** (1 / k_num))
    n = max(3, min(21, n))
    axes: list[dict[str, Any]] = []
    for p in s.params:
        if p.integer:
            # a structural count (APL's hinges): more hinges repeat the same scalar a and b, so a
            # slider over it would only duplicate curves
            axes.append(
                {"name": p.name, "values": [p.default], "fixed": "structural; the page shows its default"}
            )
            continue
        values = list(p.choices) if p.choices else _numeric_stops(p, n)
        axes.append({"name": p.name, "values": values})
    for a, p in zip(axes, s.params):
        a["labels"] = [label(v) for v in a["values"]]
        a["default_index"] = a["values"].index(p.default)
        a["learnable"] = p.learnable
        a["doc"] = p.doc
    return axes


def _is_inf(p: Param) -> bool:
    return p.choices is None and isinstance(p.default, float) and math.isinf(p.default)


def combo_key(indices) -> str:
    return ",".join(str(i) for i in indices)


def _x_with_kinks(kink_xs: list[float]) -> np.ndarray:
    x = np.round(np.linspace(LO, HI, N), 10)
    extra = [k for k in kink_xs if LO < k < HI and not np.any(np.isclose(x, k, rtol=0, atol=1e-12))]
    return np.sort(np.concatenate([x, extra])) if extra else x


def _saturation(x: np.ndarray, d: np.ndarray) -> list[list[float | None]]:
    """Intervals of the grid where |f'| < 0.01, widened by half a step so a lone point shows."""
    out: list[list[float | None]] = []
    half = (HI - LO) / (N - 1) / 2
    flat = np.isfinite(d) & (np.abs(d) < SATURATION)
    start = None
    for i, on in enumerate(flat):
        if on and start is None:
            start = i
        if start is not None and (not on or i == len(flat) - 1):
            end = i if on else i - 1
            out.append([num(max(LO, x[start] - half)), num(min(HI, x[end] + half))])
            start = None
    return out


def _combo(s: ActivationSpec, p: dict[str, Any]) -> dict[str, Any]:
    kinks = list(s.kinks_for(p)) if s.kind == "elementwise" else []
    x = _x_with_kinks([k.at_for(p) for k in kinks])
    f = np.empty_like(x)
    d = np.empty_like(x)
    # evaluate through plot.curves (the same inputs `actlab plot` builds for vector and gated kinds):
    # the regular grid in one call, any inserted kink point on its own
    gx, gf, gd = curves(s.name, LO, HI, N, **p)
    on_grid = np.isin(x, np.round(gx, 10))
    f[on_grid], d[on_grid] = gf, gd
    for i in np.flatnonzero(~on_grid):
        _, fi, di = curves(s.name, float(x[i]), float(x[i]), 1, **p)
        f[i], d[i] = fi[0], di[0]
    sat = _saturation(x, d)
    kink_out = []
    for k in kinks:
        at = k.at_for(p)
        # break the f' line at a kink (and f at a jump) so no vertical segment is drawn; the value
        # of f' used there is shown as a dot instead
        hit = np.isclose(x, at, rtol=0, atol=1e-12)
        d[hit] = np.nan
        if k.jump:
            f[hit] = np.nan
        kink_out.append({"at": num(at), "d": num(k.derivative_for(p)), "why": k.why, "jump": k.jump})
    out: dict[str, Any] = {
        "f": [num(v) for v in f],
        "d": [num(v) for v in d],
        "sat": sat,
        "kinks": kink_out,
        "props": property_rows(s, p),
    }
    if len(x) != N:
        out["x"] = [num(v) for v in x]
    if s.kind == "elementwise":
        out["f0"] = num(value_at_zero(s.name, **p))
        out["d0"] = num(derivative_at_zero(s.name, **p))
        out["gain"] = num(init_gain(s.name, **p))
    return out


def property_rows(s: ActivationSpec, p: dict[str, Any]) -> list[list[str]]:
    """(term, value) rows of the properties table, from docs.properties_text and properties.py; the
    terms are keys of docs.PROPERTY_TERMS, so each row can show its definition."""
    rows = []
    for t in properties_text(s, p):
        if t.startswith("range "):
            rows.append(["range", t[6:]])
        elif t.startswith("f' in "):
            rows.append(["f' in", t[6:]])
        elif t in ("monotonic", "not monotonic"):
            rows.append(["monotonic", "yes" if t == "monotonic" else "no"])
        elif t.startswith("C^") or t == "discontinuous":
            rows.append(["C^k", t])
    rows.append(["zero-centred", "yes" if zero_centred(s.name, **p) else "no"])
    rows.append(["bounded", "yes" if s.range_for(p).bounded else "no"])
    if s.kind == "elementwise":
        rows.append(["approximates identity near 0", "yes" if s.approximates_identity_for(p) else "no"])
    return rows


def function_data(s: ActivationSpec) -> dict[str, Any]:
    """Everything a function page draws: the x grid, and per parameter combination the curves,
    the shaded saturation intervals, the kinks with their derivative convention and the properties."""
    axes = param_axes(s)
    combos: dict[str, Any] = {}
    for idx in itertools.product(*(range(len(a["values"])) for a in axes)):
        p = {a["name"]: a["values"][i] for a, i in zip(axes, idx)}
        try:
            combos[combo_key(idx)] = _combo(s, p)
        except ActlabError as e:  # a combination the spec's constraint refuses (min_val >= max_val)
            combos[combo_key(idx)] = {"error": str(e)}
    examples = [
        {
            "x": e.x,
            "y": e.expected,
            "of": e.of,
            "params": {k: v for k, v in e.params.items()},
            "source": e.source,
        }
        for e in s.examples
    ]
    return {
        "name": s.name,
        "kind": s.kind,
        "plotted": what_is_plotted(s),
        "x": [num(v) for v in np.round(np.linspace(LO, HI, N), 10)],
        "params": [{k: v for k, v in a.items() if k != "values"} | {"values": _js_values(a)} for a in axes],
        "default": combo_key(a["default_index"] for a in axes),
        "combos": combos,
        "examples": examples,
    }


def _js_values(a: dict[str, Any]) -> list:
    return [v if isinstance(v, str) else num(v) if math.isfinite(v) else label(v) for v in a["values"]]


def gallery_facts(s: ActivationSpec) -> dict[str, Any]:
    """The filterable facts of one card, at default parameters, from the spec and properties.py."""
    d = s.defaults()
    return {
        "family": s.family,
        "kind": s.kind,
        "learnable": s.learnable,
        "bounded": s.range_for(d).bounded,
        "monotonic": s.monotonic_for(d),
        "smooth": s.smoothness_for(d) == math.inf,
        "zero_centred": zero_centred(s.name, **d),
        "range": str(s.range_for(d)),
        "smoothness": smoothness_text(s.smoothness_for(d)),
    }
