"""Grading computed values against the references, and the elementwise kind's values and
derivatives on every path and dtype."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from mpmath import mp

from ..api import get
from ..reference import (
    RTOL64,
    kink_derivative,
    local_scale,
    points,
    ref_derivative,
    ref_value,
    round_to,
    ulp_error,
)
from ..spec import ActivationSpec
from .evaluate import evaluate
from .report import Failure, Report

__all__ = ["budget", "grade", "check_elementwise_values"]

_HALF_BUDGET = 2  # float16 and bfloat16 on the torch path (evaluated in float32, rounded once)


def budget(s: ActivationSpec, path: str, dtype: str) -> float:
    """Allowed error in ulps of ``dtype`` (float64: RTOL64 of the local scale, in float64 ulps).

    NumPy and torch under precision("exact") evaluate in float64 and round once: 1 ulp below float64.
    """
    if dtype == "float64":
        return RTOL64 / 2.0**-52
    if path != "torch":
        return 1
    return s.float32_ulp if dtype == "float32" else _HALF_BUDGET


def grade(
    rep: Report,
    s: ActivationSpec,
    params: Mapping[str, Any],
    label: str,
    dtype: str,
    allowed: float,
    got: float,
    exact: Any,
    scale: float,
    at: float,
    where: str,
) -> float:
    """The error of ``got`` against ``exact`` in ulps of ``dtype`` at ``scale``: noted in ``rep``
    as the worst for ``label`` (float64 as a relative error) at input ``at``, and a Failure
    located by ``where`` when it exceeds ``allowed``. Returns the error in ulps."""
    err = ulp_error(float(got), exact, scale, dtype)
    rel = dtype == "float64"
    rep.note(label, err * 2.0**-52 if rel else err, at)
    if err > allowed:
        shown = f"{err * 2.0**-52:.3g} relative" if rel else f"{err:.3g} ulp"
        bar = f"{RTOL64:g}" if rel else f"{allowed:g}"
        rep.failures.append(
            Failure(
                s.name,
                params,
                label,
                f"{where}: got {float(got)!r}, exact {mp.nstr(exact, 17)} ({shown}; budget {bar})",
            )
        )
    return err


def check_elementwise_values(s, params, rep: Report, paths, dtypes) -> None:
    xs64 = points(s, params)
    act = get(s.name, **params)
    for path in paths:
        for dtype in dtypes:
            if (path == "numpy" and dtype == "bfloat16") or (path == "torch-exact" and dtype == "float64"):
                continue  # NumPy has no bfloat16; float64 is evaluated identically on both torch paths
            xs = np.unique(np.array([round_to(v, dtype) for v in xs64]))
            xs = xs[np.isfinite(xs)]
            allowed = budget(s, path, dtype)
            for which in ("value", "derivative"):
                got = evaluate(act, xs, dtype, path, which)
                label = f"{path}/{dtype}/{which}"
                for x, g in zip(xs, got):
                    x = float(x)
                    if which == "derivative":
                        kd = kink_derivative(s, params, x)
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
                    scale = local_scale(s, params, x, which, exact)
                    grade(rep, s, params, label, dtype, allowed, g, exact, scale, x, f"x={x!r}")
