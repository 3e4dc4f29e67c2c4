"""Gated (GLU-like) activations a * g(b): values on every path and dtype, d/da and d/db against
mpmath, NaN propagation."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
from mpmath import mp

from ..api import get
from ..reference import DIGITS, mp_derivative, mpf, points, round_to
from ..spec import ActivationSpec
from .evaluate import as_dtype, path_context, to_numpy
from .inputs import GATE_A
from .report import Failure, Report
from .values import budget, grade

__all__ = ["check_gated"]


def check_gated(s: ActivationSpec, params: Mapping[str, Any], rep: Report, paths, dtypes) -> None:
    act = get(s.name, **params)
    mpp = {k: mpf(v) for k, v in params.items()}
    bs = points(s, params, dense=41)
    kinks = {k.at_for(params): k.derivative_for(params) for k in s.kinks_for(params)}

    def ref(a, b):
        with mp.workdps(DIGITS):
            return s.reference(mp.mpf(a), mp.mpf(b), **mpp)

    for path in paths:
        for dtype in dtypes:
            if path == "numpy" and dtype == "bfloat16":
                continue
            allowed = budget(s, path, dtype)
            label = f"{path}/{dtype}/value"
            for a in GATE_A:
                ar = round_to(a, dtype)
                b_d = sorted({round_to(float(b), dtype) for b in bs})
                b_d = [b for b in b_d if math.isfinite(b)]
                x = np.concatenate([np.full(len(b_d), ar), np.array(b_d)])
                xv = as_dtype(list(x), dtype, path)
                with path_context(path):
                    y = to_numpy(act(xv))
                    dd = to_numpy(act.derivative(xv))
                for i, b in enumerate(b_d):
                    e = ref(ar, b)
                    h = min(abs(b), 1.0) / 100
                    scale = max(
                        [abs(float(e))]
                        + ([abs(float(ref(ar, b - h))), abs(float(ref(ar, b + h)))] if h else [])
                    )
                    grade(rep, s, params, label, dtype, allowed, y[i], e, scale, b, f"a={ar}, b={b}")
                    if dtype != "float64" or abs(b) > 100:
                        continue
                    with mp.workdps(DIGITS):
                        da = mp.diff(lambda t: s.reference(t, mp.mpf(b), **mpp), mp.mpf(ar))
                    db = (
                        mp.mpf(ar) * kinks[b]
                        if b in kinks
                        else mp_derivative(lambda t: s.reference(mp.mpf(ar), t, **mpp), b, list(kinks))
                    )
                    for what, got_d, want in (("d/da", dd[i], da), ("d/db", dd[len(b_d) + i], db)):
                        w = float(want)
                        if abs(got_d - w) > 1e-10 * max(1.0, abs(w)):
                            rep.failures.append(
                                Failure(
                                    s.name,
                                    params,
                                    f"{path} derivative {what}",
                                    f"a={ar}, b={b}: got {got_d!r}, mpmath {w!r}",
                                )
                            )
    for path in paths:
        y = to_numpy(act(as_dtype([1.0, math.nan, math.nan, 2.0], "float64", path)))
        if not np.isnan(y).all():
            rep.failures.append(
                Failure(s.name, params, f"{path} NaN input", f"f([1, nan | nan, 2]) = {y.tolist()}")
            )
