"""Elementwise activations at +-inf and NaN: f(+-inf) is the limit of the reference, wherever one
exists, and the limit must be established (a reference that cannot be evaluated far out fails)."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from ..api import get
from ..reference import find_limit, round_to
from ..spec import INF, ActivationSpec
from .evaluate import evaluate
from .report import Failure, Report

__all__ = ["check_infinities"]


def check_infinities(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    """f(+-inf) is the limit where one exists, on both paths and in float64 and float32, and NaN
    where the reference oscillates (no limit); f'(+-inf) is never NaN where f has a limit; NaN in
    gives NaN out."""
    act = get(s.name, **params)
    for x in (INF, -INF):
        lim = find_limit(s, params, math.copysign(1.0, x))
        if lim.status == "unknown":
            rep.failures.append(
                Failure(
                    s.name,
                    params,
                    "infinite input",
                    f"lim f(x) as x -> {x} cannot be established: {lim.how}. Let the reference "
                    f"evaluate for large |x| (an asymptotic branch) so that f({x}) can be checked",
                )
            )
            continue
        for path in ("numpy", "torch"):
            for dtype in ("float64", "float32"):
                got = evaluate(act, np.array([x]), dtype, path, "value")[0]
                if lim.status == "none":
                    if not math.isnan(got):
                        rep.failures.append(
                            Failure(
                                s.name,
                                params,
                                f"{path}/{dtype} infinite input",
                                f"f({x}) = {got}, but f has no limit there ({lim.how}): NaN expected",
                            )
                        )
                    continue
                want = round_to(lim.value, dtype)
                if not (got == want or (math.isfinite(want) and abs(got - want) <= 1e-6 * max(1, abs(want)))):
                    rep.failures.append(
                        Failure(
                            s.name,
                            params,
                            f"{path}/{dtype} infinite input",
                            f"f({x}) = {got}, limit is {lim.value} ({lim.how})",
                        )
                    )
                d = evaluate(act, np.array([x]), dtype, path, "derivative")[0]
                if math.isnan(d):
                    rep.failures.append(
                        Failure(
                            s.name, params, f"{path}/{dtype} infinite input", f"f'({x}) is NaN; f has a limit"
                        )
                    )
    for path in ("numpy", "torch"):
        got = evaluate(act, np.array([math.nan]), "float64", path, "value")[0]
        if not math.isnan(got):
            rep.failures.append(Failure(s.name, params, f"{path} NaN input", f"f(nan) = {got}, expected nan"))
