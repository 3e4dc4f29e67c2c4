"""Checks for vector (softmax-like) and gated (GLU-like) activations; see ``check.py``."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
from mpmath import mp

from .api import get
from .check import DIGITS, RTOL64, Failure, Report, _mpf, mp_derivative, path_context, round_to, ulp_error
from .ops import for_array as ops_for
from .spec import ActivationSpec

__all__ = ["check_vector", "check_gated", "VECTORS", "GATE_A"]

_rng = np.random.default_rng(20261123)
VECTORS = [
    [1.0, 2.0, 3.0],
    [1.0, 0.0, -1.0],
    [1000.0, 999.0, -1000.0],
    [710.0, 0.0, -710.0],
    [0.5, 0.5, 0.5, 0.5],
    [-1e4, 1e4, 0.0, 3.0],
    [1e-8, -1e-8, 0.0],
    [7.0],
    *[list(_rng.normal(0, 3, size=5)) for _ in range(6)],
]
GATE_A = (-3.0, -1.0, -1e-8, 0.0, 0.7, 2.0, 50.0)
_BUDGET = {"float32": None, "float16": 2, "bfloat16": 2}


def _budget(s: ActivationSpec, dtype: str) -> float:
    return {"float64": RTOL64 / 2.0**-52, "float32": s.float32_ulp}.get(dtype) or _BUDGET[dtype]


def _as(xs, dtype, path):
    if path == "numpy":
        return np.asarray(xs, dtype=np.float64).astype(dtype)
    import torch

    return torch.tensor(xs, dtype=torch.float64).to(getattr(torch, dtype))


def _np(y):
    if hasattr(y, "detach"):
        import torch

        return y.detach().to(torch.float64).numpy()
    return np.asarray(y, dtype=np.float64)


def check_vector(s: ActivationSpec, params: Mapping[str, Any], rep: Report, paths, dtypes) -> None:
    act = get(s.name, **params)
    mpp = {k: _mpf(v) for k, v in params.items()}
    for vec in VECTORS:
        with mp.workdps(DIGITS):
            exact = s.reference([mp.mpf(v) for v in vec], **mpp)
        for path in paths:
            for dtype in dtypes:
                if path == "numpy" and dtype == "bfloat16":
                    continue
                xin = [round_to(v, dtype) for v in vec]
                if xin != vec and dtype != "float64":
                    with mp.workdps(DIGITS):
                        ex = s.reference([mp.mpf(v) for v in xin], **mpp)
                else:
                    ex = exact
                with path_context(path):
                    got = _np(act(_as(xin, dtype, path)))
                budget = _budget(s, dtype) if (path == "torch" or dtype == "float64") else 1
                for i, (g, e) in enumerate(zip(got, ex)):
                    scale = max(abs(float(e)), abs(xin[i]) if s.error_relative_to_input else 0.0)
                    err = ulp_error(float(g), e, scale, dtype)
                    rep.note(f"{path}/{dtype}/value", err * (2.0**-52 if dtype == "float64" else 1), xin[i])
                    if err > budget:
                        rep.failures.append(
                            Failure(
                                s.name,
                                params,
                                f"{path}/{dtype}/value",
                                f"x={xin}: component {i} = {g!r}, exact {mp.nstr(e, 17)}",
                            )
                        )
        # derivative: vjp against the mpmath Jacobian (float64). Where a component sits exactly on
        # a boundary (sparsemax at [1, 2, 3]) f is not differentiable in that coordinate: the
        # one-sided Jacobians differ there, and either side is an acceptable answer.
        n = len(vec)
        g = _rng.normal(size=n)
        sides = []
        with mp.workdps(DIGITS):
            for direction in (1, -1):
                jac = [
                    [
                        mp.diff(
                            lambda t, i=i, j=j: s.reference(
                                [t if k == j else mp.mpf(vec[k]) for k in range(n)], **mpp
                            )[i],
                            mp.mpf(vec[j]),
                            direction=direction,
                        )
                        for j in range(n)
                    ]
                    for i in range(n)
                ]
                sides.append([float(mp.fsum(g[i] * jac[i][j] for i in range(n))) for j in range(n)])
        for path in paths:
            got = _np(
                act.vjp(_as(vec, "float64", path), g if path == "numpy" else _as(list(g), "float64", path))
            )
            scale = max(
                1e-300, max(abs(w) for w in sides[0] + sides[1]), max(abs(float(x)) for x in vec) * 1e-16
            )
            err = max(min(abs(a - w[j]) for w in sides) for j, a in enumerate(got)) / scale
            if s.vjp_from_output is not None:  # the same vjp from the output must agree with it
                xv = _as(vec, "float64", path)
                gv = g if path == "numpy" else _as(list(g), "float64", path)
                nops = ops_for(xv)
                alt = _np(s.vjp_from_output(s.forward(xv, nops, axis=-1), gv, nops, -1))
                err = max(err, float(np.max(np.abs(alt - got))) / scale)
            rep.note(f"{path}/float64/vjp", err, vec[0])
            if err > 1e-9:
                rep.failures.append(
                    Failure(
                        s.name, params, f"{path} vjp", f"x={vec}: got {list(got)}, mpmath one-sided {sides}"
                    )
                )
    for path in paths:
        y = _np(act(_as([1.0, math.nan, 2.0], "float64", path)))
        if not np.isnan(y).any():
            rep.failures.append(
                Failure(s.name, params, f"{path} NaN input", f"f([1, nan, 2]) = {y.tolist()}")
            )
    rng_iv = s.range_for(params)
    for vec in VECTORS:
        y = _np(act(np.asarray(vec, dtype=np.float64)))
        bad = [v for v in y if not rng_iv.contains(float(v), 1e-12 * max(1.0, abs(v)))]
        if bad:
            rep.failures.append(
                Failure(s.name, params, "range", f"claimed {rng_iv}, f({vec}) has {bad[0]!r}")
            )


def check_gated(s: ActivationSpec, params: Mapping[str, Any], rep: Report, paths, dtypes) -> None:
    from .check import points

    act = get(s.name, **params)
    mpp = {k: _mpf(v) for k, v in params.items()}
    bs = points(s, params, dense=41)
    kinks = {k.at_for(params): k.derivative_for(params) for k in s.kinks_for(params)}

    def ref(a, b):
        with mp.workdps(DIGITS):
            return s.reference(mp.mpf(a), mp.mpf(b), **mpp)

    for path in paths:
        for dtype in dtypes:
            if path == "numpy" and dtype == "bfloat16":
                continue
            budget = _budget(s, dtype) if (path == "torch" or dtype == "float64") else 1
            for a in GATE_A:
                ar = round_to(a, dtype)
                b_d = sorted({round_to(float(b), dtype) for b in bs})
                b_d = [b for b in b_d if math.isfinite(b)]
                x = np.concatenate([np.full(len(b_d), ar), np.array(b_d)])
                xv = _as(list(x), dtype, path)
                with path_context(path):
                    y = _np(act(xv))
                    dd = _np(act.derivative(xv))
                for i, b in enumerate(b_d):
                    e = ref(ar, b)
                    h = min(abs(b), 1.0) / 100
                    scale = max(
                        [abs(float(e))]
                        + ([abs(float(ref(ar, b - h))), abs(float(ref(ar, b + h)))] if h else [])
                    )
                    err = ulp_error(float(y[i]), e, scale, dtype)
                    rep.note(f"{path}/{dtype}/value", err * (2.0**-52 if dtype == "float64" else 1), b)
                    if err > budget:
                        rep.failures.append(
                            Failure(
                                s.name,
                                params,
                                f"{path}/{dtype}/value",
                                f"a={ar}, b={b}: got {y[i]!r}, exact {mp.nstr(e, 17)}",
                            )
                        )
                    if dtype != "float64" or abs(b) > 100:
                        continue
                    with mp.workdps(DIGITS):
                        da = mp.diff(lambda t: s.reference(t, mp.mpf(b), **mpp), mp.mpf(ar))
                    db = (
                        mp.mpf(ar) * kinks[b]
                        if b in kinks
                        else mp_derivative(lambda t: s.reference(mp.mpf(ar), t, **mpp), b, list(kinks))
                    )
                    for label, got_d, want in (("d/da", dd[i], da), ("d/db", dd[len(b_d) + i], db)):
                        w = float(want)
                        if abs(got_d - w) > 1e-10 * max(1.0, abs(w)):
                            rep.failures.append(
                                Failure(
                                    s.name,
                                    params,
                                    f"{path} derivative {label}",
                                    f"a={ar}, b={b}: got {got_d!r}, mpmath {w!r}",
                                )
                            )
    for path in paths:
        y = _np(act(_as([1.0, math.nan, math.nan, 2.0], "float64", path)))
        if not np.isnan(y).all():
            rep.failures.append(
                Failure(s.name, params, f"{path} NaN input", f"f([1, nan | nan, 2]) = {y.tolist()}")
            )
