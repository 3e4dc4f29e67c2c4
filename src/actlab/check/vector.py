"""Vector (softmax-like) activations: values per component, the vjp against mpmath's Jacobian,
NaN propagation and the range."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
from mpmath import mp

from ..api import get
from ..ops import for_array as ops_for
from ..reference import DIGITS, mpf, round_to
from ..spec import ActivationSpec
from .evaluate import as_dtype, path_context, to_numpy
from .inputs import VECTORS, rng
from .report import Failure, Report
from .values import budget, grade

__all__ = ["check_vector", "check_vector_values"]


def check_vector(s: ActivationSpec, params: Mapping[str, Any], rep: Report, paths, dtypes) -> None:
    act = get(s.name, **params)
    mpp = {k: mpf(v) for k, v in params.items()}
    check_vector_values(s, params, rep, paths, dtypes)
    for vec in VECTORS:
        _check_vjp(s, params, rep, act, vec, mpp, paths)
    for path in paths:
        y = to_numpy(act(as_dtype([1.0, math.nan, 2.0], "float64", path)))
        if not np.isnan(y).any():
            rep.failures.append(
                Failure(s.name, params, f"{path} NaN input", f"f([1, nan, 2]) = {y.tolist()}")
            )
    rng_iv = s.range_for(params)
    for vec in VECTORS:
        y = to_numpy(act(np.asarray(vec, dtype=np.float64)))
        bad = [v for v in y if not rng_iv.contains(float(v), 1e-12 * max(1.0, abs(v)))]
        if bad:
            rep.failures.append(
                Failure(s.name, params, "range", f"claimed {rng_iv}, f({vec}) has {bad[0]!r}")
            )


def check_vector_values(s: ActivationSpec, params: Mapping[str, Any], rep: Report, paths, dtypes) -> None:
    """Each component of f at the test vectors against the rounded reference (``--suggest`` uses
    this part alone)."""
    act = get(s.name, **params)
    mpp = {k: mpf(v) for k, v in params.items()}
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
                    got = to_numpy(act(as_dtype(xin, dtype, path)))
                allowed = budget(s, path, dtype)
                for i, (g, e) in enumerate(zip(got, ex)):
                    scale = max(abs(float(e)), abs(xin[i]) if s.error_relative_to_input else 0.0)
                    label = f"{path}/{dtype}/value"
                    grade(
                        rep, s, params, label, dtype, allowed, g, e, scale, xin[i], f"x={xin}, component {i}"
                    )


def _check_vjp(s, params, rep, act, vec, mpp, paths) -> None:
    """The vjp against the mpmath Jacobian (float64). Where a component sits exactly on a boundary
    (sparsemax at [1, 2, 3]) f is not differentiable in that coordinate: the one-sided Jacobians
    differ there, and either side is an acceptable answer."""
    n = len(vec)
    g = rng.normal(size=n)
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
        got = to_numpy(
            act.vjp(
                as_dtype(vec, "float64", path), g if path == "numpy" else as_dtype(list(g), "float64", path)
            )
        )
        scale = max(1e-300, max(abs(w) for w in sides[0] + sides[1]), max(abs(float(x)) for x in vec) * 1e-16)
        err = max(min(abs(a - w[j]) for w in sides) for j, a in enumerate(got)) / scale
        if s.vjp_from_output is not None:  # the same vjp from the output must agree with it
            xv = as_dtype(vec, "float64", path)
            gv = g if path == "numpy" else as_dtype(list(g), "float64", path)
            nops = ops_for(xv)
            alt = to_numpy(s.vjp_from_output(s.forward(xv, nops, axis=-1), gv, nops, -1))
            err = max(err, float(np.max(np.abs(alt - got))) / scale)
        rep.note(f"{path}/float64/vjp", err, vec[0])
        if err > 1e-9:
            rep.failures.append(
                Failure(s.name, params, f"{path} vjp", f"x={vec}: got {list(got)}, mpmath one-sided {sides}")
            )
