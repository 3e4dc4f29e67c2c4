"""The checker must catch broken specs; otherwise a green catalog test proves nothing."""

from __future__ import annotations

import dataclasses

import pytest
from mpmath import mp

import actlab
from actlab.check import check_spec
from actlab.spec import Interval, Kink

BASE = actlab.spec("elu")


def _variant(**changes):
    return dataclasses.replace(BASE, name="broken_elu_" + "_".join(sorted(changes)), aliases=(), **changes)


def _naive_elu(x, ops, alpha):
    return ops.where(x > 0, x, alpha * (ops.exp(x) - 1.0))  # exp(x)-1 loses digits near 0; exp overflows


def _no_double_where(x, ops, alpha):
    return ops.where(x > 0, x, alpha * ops.expm1(x))  # overflow in the unused branch poisons gradients


CASES = {
    "wrong derivative": dict(derivative=lambda x, ops, alpha: ops.where(x > 0, ops.ones_like(x), ops.exp(x))),
    "wrong kink convention": dict(
        kinks=lambda p: (Kink(0.0, 1.0, "claims 1"),), smoothness=0, test_params=({"alpha": 0.5},)
    ),
    "cancellation near 0": dict(forward=_naive_elu),
    "NaN gradient": dict(forward=_no_double_where),
    "wrong range": dict(range=Interval(-0.5, float("inf"))),
    "range not tight": dict(range=Interval(-3.0, float("inf"))),
    "wrong monotonic claim": dict(monotonic=False),
    "wrong identity claim": dict(approximates_identity=lambda p: False),
    "wrong reference": dict(reference=lambda x, alpha: x if x > 0 else alpha * mp.expm1(x) * 1.001),
    "wrong piecewise-linear claim": dict(piecewise_linear=True),
    "wrong worked example": dict(examples=(actlab.Example(-1.0, -0.7, 3),)),
    "NaN derivative at infinity": dict(
        derivative=lambda x, ops, alpha: (
            ops.where(x > 0, ops.ones_like(x), alpha * ops.exp(ops.minimum(x, 0.0))) + 0.0 * x
        )
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_checker_detects(case, scratch_spec):
    broken = _variant(**CASES[case])
    with scratch_spec(broken):
        rep = check_spec(broken, dtypes=("float64",))
    assert not rep.ok, f"the checker accepted a spec with {case}"


def test_checker_accepts_the_original():
    assert check_spec(BASE, dtypes=("float64",)).ok


def test_checker_detects_a_wrong_vjp_from_output(scratch_spec):
    base = actlab.spec("sparsemax")

    def unnormalised(p, g, ops, axis):  # forgets to divide by the support's size
        s = ops.where(p > 0, ops.ones_like(p), ops.zeros_like(p))
        return s * (g - ops.sum(s * g, axis))

    broken = dataclasses.replace(base, name="broken_sparsemax", aliases=(), vjp_from_output=unnormalised)
    with scratch_spec(broken):
        assert not check_spec(broken, dtypes=("float64",)).ok
    assert check_spec(base, dtypes=("float64",)).ok
