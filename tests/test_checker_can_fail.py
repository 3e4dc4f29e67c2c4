"""The checker must catch broken specs; otherwise a green catalog test proves nothing."""

from __future__ import annotations

import dataclasses
import math

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


# ----------------------------------------------------------------------------- the guides' statements
def _props(spec, monkeypatch=None, **lists):
    import actlab.check as C
    import actlab.check.guides as G  # the lists are read where check_guide_properties is defined
    from actlab.registry import resolve_params

    for name, value in lists.items():
        monkeypatch.setattr(G, name, value)
    rep = C.Report(spec.name)
    C.check_guide_properties(spec, resolve_params(spec, {}), rep)
    return [f.what for f in rep.failures]


def test_guide_properties_hold_for_the_catalog():
    import actlab.check as C

    for name in C.ODD + C.EVEN + C.SUMS_TO_ONE + C.LINEAR + tuple(C.IDENTITIES):
        assert _props(actlab.spec(name)) == [], name


def test_checker_detects_a_wrong_symmetry_claim(monkeypatch):
    # softplus is neither odd nor even; tanh is odd, not even
    assert _props(actlab.spec("softplus"), monkeypatch, ODD=("softplus",)) == ["odd symmetry"]
    assert _props(actlab.spec("tanh"), monkeypatch, ODD=(), EVEN=("tanh",)) == ["even symmetry"]
    # and through check_spec, as `actlab check` runs it
    import actlab.check.guides as G

    monkeypatch.setattr(G, "ODD", ("softplus",))
    rep = check_spec(actlab.spec("softplus"), paths=("numpy",), dtypes=("float64",))
    assert "odd symmetry" in [f.what for f in rep.failures]


def test_checker_detects_a_broken_tanh_sigmoid_identity(monkeypatch, scratch_spec):
    tanh = actlab.spec("tanh")
    ident = {"tanh": ("tanh(x) = 2 sigmoid(x) - 1 (wrong)", "sigmoid", lambda sig, x: 2.0 * sig(x) - 1.0)}
    assert _props(tanh, monkeypatch, IDENTITIES=ident) == ["identity"]
    # a tanh off by one part in 1e9 no longer equals 2 sigmoid(2x) - 1
    broken = dataclasses.replace(
        tanh, name="broken_tanh", aliases=(), forward=lambda x, ops: ops.tanh(x) * (1.0 + 1e-9)
    )
    import actlab.check as C

    right = {"broken_tanh": C.IDENTITIES["tanh"]}
    with scratch_spec(broken):
        assert _props(broken, monkeypatch, IDENTITIES=right) == ["identity"]


def test_checker_detects_a_softmax_that_does_not_sum_to_one(monkeypatch, scratch_spec):
    import numpy as np

    base = actlab.spec("softmax")

    def unnormalised(x, ops, axis):  # divides by the sum plus a little
        return base.forward(x, ops, axis) / (1.0 + 1e-6)

    broken = dataclasses.replace(base, name="broken_softmax", aliases=(), forward=unnormalised)
    with scratch_spec(broken):
        assert np.isfinite(actlab.get("broken_softmax")(np.array([1.0, 2.0]))).all()
        assert _props(broken, monkeypatch, SUMS_TO_ONE=("broken_softmax",)) == ["sums to one"]


def test_checker_detects_a_stack_that_is_not_linear(monkeypatch):
    assert _props(actlab.spec("relu"), monkeypatch, LINEAR=("relu",)) == ["stays linear"]
    assert _props(actlab.spec("identity"), monkeypatch, ODD=()) == []


# ----------------------------------------------------------------------------- infinities by limits
def _nan_at_minus_inf(x, ops, alpha):
    # elu, except that -inf gives NaN (0 * -inf): wrong, lim elu(x) as x -> -inf is -alpha
    return BASE.forward(x, ops, alpha) + 0.0 * ops.minimum(x, 0.0)


def _reference_undefined_far_out(undefined):
    def ref(x, alpha):
        if abs(x) > 1e20:
            return undefined()
        return BASE.reference(x, alpha=alpha)

    return ref


def _raises():
    raise ValueError("no value out here")


@pytest.mark.parametrize(
    "undefined", [_raises, lambda: mp.nan, lambda: mp.mpf(math.exp(1e30))], ids=["raises", "nan", "overflows"]
)
def test_checker_detects_nan_at_minus_inf_where_the_reference_is_undefined_far_out(undefined, scratch_spec):
    reference = _reference_undefined_far_out(undefined)
    broken = dataclasses.replace(
        BASE, name="broken_elu_at_inf", aliases=(), forward=_nan_at_minus_inf, reference=reference
    )
    with scratch_spec(broken):
        rep = check_spec(broken, paths=("numpy", "torch"), dtypes=("float64",))
    at_inf = [f for f in rep.failures if "infinite input" in f.what]
    assert at_inf and all("-inf" in f.detail for f in at_inf), rep.failures
    assert any("nan" in f.detail and "limit is -1.0" in f.detail for f in at_inf), at_inf
    # the same reference with the right forward: the limit is found from nearer magnitudes
    right = dataclasses.replace(BASE, name="elu_near_reference", aliases=(), reference=reference)
    with scratch_spec(right):
        assert check_spec(right, paths=("numpy", "torch"), dtypes=("float64",)).ok


@pytest.mark.filterwarnings("ignore:actlab. the fused kernel")  # its build check meets the same reference
def test_checker_fails_where_no_limit_can_be_established(scratch_spec):
    from actlab.check import LimitError, Report, find_limit, limit
    from actlab.check.infinities import check_infinities

    # a reference defined only on [-100, 100]: neither f nor f' can be followed out to infinity
    def short(x, alpha):
        if abs(x) > 100:
            raise ValueError("undefined beyond 100")
        return BASE.reference(x, alpha=alpha)

    broken = dataclasses.replace(BASE, name="broken_elu_short_reference", aliases=(), reference=short)
    with scratch_spec(broken):
        p = broken.defaults()
        assert find_limit(broken, p, -1.0).status == "unknown"
        with pytest.raises(LimitError, match="cannot be evaluated"):
            limit(broken, p, -1.0)
        rep = Report(broken.name)
        check_infinities(broken, p, rep)
    assert [f.what for f in rep.failures] == ["infinite input", "infinite input"], rep.failures
    assert "cannot be established" in rep.failures[0].detail


def test_limit_from_the_derivative_where_the_reference_overflows():
    from actlab.check import find_limit

    # tanh_exp(x) = x tanh(e^x): the reference overflows at 1e16 and beyond, f' -> 1 (so f -> +inf)
    s = actlab.spec("tanh_exp")
    lim = find_limit(s, s.defaults(), 1.0)
    assert (lim.status, lim.value) == ("exists", float("inf")), lim
    assert find_limit(s, s.defaults(), 1.0, "derivative").value == 1.0


def test_checker_wants_nan_where_there_is_no_limit(scratch_spec):
    # sin has no limit at infinity: a forward answering 0 there is wrong, NaN is right
    base = actlab.spec("sinusoid")

    def zero_at_inf(x, ops):
        return ops.where((x == math.inf) | (x == -math.inf), ops.zeros_like(x), base.forward(x, ops))

    broken = dataclasses.replace(base, name="broken_sinusoid", aliases=(), forward=zero_at_inf)
    from actlab.check import Report
    from actlab.check.infinities import check_infinities

    with scratch_spec(broken):
        rep = Report(broken.name)
        check_infinities(broken, broken.defaults(), rep)
        good = Report(base.name)
        check_infinities(base, base.defaults(), good)
    assert rep.failures and all("no limit" in f.detail for f in rep.failures), rep.failures
    assert good.ok, good.failures
