"""Closed-form derivatives with respect to the parameters, against mpmath's derivative of the
reference (elementwise kind)."""

from __future__ import annotations

import numpy as np
from mpmath import mp

from .. import ops as _ops
from ..api import get, prepare_params
from ..reference import points, ref_param_derivative
from .report import Failure, Report

__all__ = ["check_param_derivatives"]


def check_param_derivatives(s, params, rep: Report) -> None:
    xs = points(s, params, dense=41)
    kinks = {k.at_for(params) for k in s.kinks_for(params)}
    nops = _ops.for_array(xs)
    for pname, fn in s.param_derivatives.items():
        # Per-hinge parameters (APL's a, b) carry a leading axis; their closed forms are compared
        # with autograd of forward in check_autograd instead.
        if not isinstance(params[pname], (int, float)) or s.param(pname).leading:
            continue
        act = get(s.name, **params)
        got = np.asarray(fn(xs, nops, **prepare_params(s, act.params, xs, nops)), dtype=np.float64)
        for x, g in zip(xs, got):
            # a parameter step would cross a kink within 1e-6: mp.diff there averages both sides
            if abs(x) > 100 or any(abs(float(x) - k) < 1e-6 * max(1.0, abs(k)) for k in kinks):
                continue
            exact = ref_param_derivative(s, params, pname, float(x))
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
