"""Property tests: metadata claims hold for *random* parameters within their bounds, not only for
the documented test values. Strategies are built from each spec's ``Param.bounds``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import actlab
from actlab.registry import resolve_params

from .conftest import ELEMENTWISE

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _param_strategy(p):
    if p.choices is not None:
        return st.sampled_from(p.choices)
    if p.integer:
        lo = int(max(p.bounds.lo, 1)) if p.bounds else 1
        return st.integers(lo, lo + 3)
    lo, hi = (p.bounds.lo, p.bounds.hi) if p.bounds else (-math.inf, math.inf)
    lo, hi = max(lo, -5.0), min(hi, 5.0)
    if lo == 0.0 and not (p.bounds and p.bounds.lo_closed):
        lo = 1e-3  # open at 0: values like 5e-324 make f overflow or put a corner below any step size
    if hi == math.inf or (p.bounds and p.bounds.hi == math.inf):
        hi = max(lo + 5.0, 5.0) if lo > -math.inf else 5.0
    return st.floats(
        lo,
        hi,
        exclude_min=not (p.bounds and p.bounds.lo_closed) and lo != 1e-3,
        exclude_max=not (p.bounds and p.bounds.hi_closed),
        allow_nan=False,
        allow_subnormal=False,
    )


def _params(s):
    return st.fixed_dictionaries({p.name: _param_strategy(p) for p in s.params})


def _resolve(s, params):
    try:
        return resolve_params(s, params)
    except actlab.ParameterError:
        assume(False)


X = st.floats(-1e3, 1e3, allow_nan=False)


def _near_kink(s, p, x, width):
    return any(abs(x - k.at_for(p)) < width for k in s.kinks_for(p))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_range_monotonicity_and_derivative(name):
    s = actlab.spec(name)

    @SETTINGS
    @given(params=_params(s), xs=st.lists(X, min_size=2, max_size=8))
    def prop(params, xs):
        p = _resolve(s, params)
        act = actlab.get(name, **p)
        x = np.sort(np.array(xs))
        f = act(x)
        d = act.derivative(x)
        keep = np.isfinite(f) & np.isfinite(d)  # e^x at x = 1e3 overflows, as it must
        x, f, d = x[keep], f[keep], d[keep]
        rng = s.range_for(p)
        for v in f:
            assert rng.contains(float(v), 1e-12 * max(1.0, abs(v))), f"f={v} outside {rng} for {p}"
        dr = s.derivative_range_for(p)
        if dr is not None:
            for v in d:
                assert dr.contains(float(v), 1e-12 * max(1.0, abs(v))), f"f'={v} outside {dr} for {p}"
        if s.monotonic_for(p):
            assert np.all(np.diff(f) >= -1e-12 * np.maximum(1, np.abs(f[1:]))), f"not monotonic for {p}"
        # the closed-form derivative agrees with a central difference away from kinks
        for xi, di in zip(x, d):
            h = 1e-6 * max(1.0, abs(xi))
            if _near_kink(s, p, xi, 100 * h) or abs(xi) > 50:
                continue
            fd = (act(xi + h) - act(xi - h)) / (2 * h)
            assert abs(fd - di) <= 1e-4 * max(1.0, abs(di), abs(float(act(xi))) / max(abs(xi), 1.0)), (
                f"f'({xi}) = {di}, central difference {fd}, params {p}"
            )

    prop()
