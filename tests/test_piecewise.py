"""Piecewise-linear functions as data: what ``Pieces`` derives, what the builder refuses, and a
new function added with one builder call passing the full verifier."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from mpmath import mp

import actlab
from actlab.catalog._piecewise import clipped, piecewise_spec
from actlab.check import check_spec
from actlab.errors import SpecError
from actlab.piecewise import Knot, Line, Pieces
from actlab.spec import INF, Interval
from actlab.torch.function import plan_for

PL = [n for n in actlab.list_activations() if actlab.spec(n).piecewise_linear_for(actlab.spec(n).defaults())]


def test_every_piecewise_linear_function_is_built_from_pieces():
    assert len(PL) == 15
    for name in PL:
        s = actlab.spec(name)
        assert s.pieces_for(s.defaults()) is not None, name


# ---------------------------------------------------------------- derived metadata, by hand
def test_a_clipped_line_has_the_hardtanh_metadata():
    pc = clipped(-2.0, 3.0, Line(1.0), "low corner", "high corner")
    assert pc.range() == Interval(-2.0, 3.0, True, True)
    assert pc.derivative_range() == Interval(0.0, 1.0, True, True)
    assert pc.monotonic() and pc.smoothness() == 0 and pc.approximates_identity()
    assert [(k.at, k.derivative, k.jump) for k in pc.kinks()] == [(-2.0, 0.0, False), (3.0, 0.0, False)]


def test_a_jump_down_is_not_monotonic_and_its_open_end_is_open():
    # f = 5 for x <= 1, x beyond: values {5} and (1, inf)
    pc = Pieces((Knot(1.0, 0.0, "jump"),), (Line(0.0, value=5.0), Line(1.0)))
    assert pc.range() == Interval(1.0, INF, False, False)
    assert not pc.monotonic()
    assert pc.smoothness() == -1
    assert pc.kinks()[0].jump


def test_an_isolated_value_and_tails_with_negative_slope():
    step = Pieces((Knot(0.0, 0.0, "H(0)", side=0.5),), (Line(0.0, value=0.0), Line(0.0, value=1.0)))
    assert step.range() == Interval(0.0, 1.0, True, True) and step.monotonic()
    v = Pieces((Knot(0.0, -1.0, "|x|"),), (Line(-1.0), Line(1.0)))  # |x|
    assert v.range() == Interval(0.0, INF, True, False)
    assert v.derivative_range() == Interval(-1.0, 1.0, True, True)
    assert not v.monotonic() and not v.approximates_identity()


def test_a_knot_between_equal_slopes_is_no_kink_unless_its_convention_differs():
    same = Pieces((Knot(0.0, 1.0, "none"),), (Line(1.0), Line(1.0)))
    assert same.kinks() == () and same.smoothness() == INF and same.approximates_identity()
    convention = Pieces((Knot(0.0, 0.0, "f'(0) = 0", side=0.0),), (Line(1.0), Line(1.0)))
    assert len(convention.kinks()) == 1 and convention.smoothness() == 1


def test_values_and_derivatives_follow_the_knot_sides():
    from actlab.ops import numpy as ops
    from actlab.piecewise import derivative, forward

    pc = Pieces(
        (Knot(-1.0, 0.0, "left", "left"), Knot(1.0, 0.0, "right", "right")),
        (Line(0.0, value=-1.0), Line(1.0), Line(0.0, value=1.0)),
    )
    x = np.array([-math.inf, -2.0, -1.0, -0.5, 1.0, 3.0, math.inf, math.nan])
    np.testing.assert_array_equal(forward(pc, x, ops), [-1, -1, -1, -0.5, 1, 1, 1, math.nan])
    np.testing.assert_array_equal(derivative(pc, x, ops), [0, 0, 0, 1, 0, 0, 0, math.nan])
    y = forward(Pieces((), (Line(1.0),)), x, ops)
    assert y is not x  # the identity returns a new array


# ---------------------------------------------------------------- what the builder refuses
def test_a_convention_that_is_not_its_sides_slope_is_refused():
    with pytest.raises(SpecError, match="derivative convention 0.5"):
        Pieces((Knot(0.0, 0.5, "half"),), (Line(0.0), Line(1.0)))
    with pytest.raises(SpecError, match="increase strictly"):
        Pieces((Knot(1.0, 0.0, "a"), Knot(0.0, 0.0, "b")), (Line(0.0), Line(0.0), Line(0.0)))
    with pytest.raises(SpecError, match="2 knots need 3 lines"):
        Pieces((Knot(0.0, 0.0, "a"), Knot(1.0, 0.0, "b")), (Line(0.0),))


def test_the_builder_refuses_metadata_that_the_pieces_give():
    with pytest.raises(SpecError, match="range follow from the pieces"):
        piecewise_spec(Pieces((), (Line(1.0),)), name="x", range=Interval())


# ---------------------------------------------------------------- one builder call, verified
def _clip2_reference(x):
    return min(max(x, mp.mpf(-2)), mp.mpf(2))


def _clip2():
    return piecewise_spec(
        clipped(-2.0, 2.0, Line(1.0), "f' = 0 at the corner", "f' = 0 at the corner"),
        name="scratch_clip2",
        family="piecewise-linear",
        summary="x clipped to [-2, 2].",
        reference=_clip2_reference,
        formula=r"f(x) = \min(\max(x, -2), 2)",
        derivative_formula=r"f'(x) = [|x| < 2]",
    )


def test_a_new_function_from_one_builder_call_passes_the_verifier(scratch_spec):
    with scratch_spec(_clip2()) as s:
        rep = check_spec(s, dtypes=("float64", "float32"))
        assert rep.ok, rep.failures[:5]
        assert s.range_for({}) == Interval(-2.0, 2.0, True, True)
        assert [k.at_for({}) for k in s.kinks_for({})] == [-2.0, 2.0]
        # the torch path saves a 1-byte mask read from the pieces: f' = 1 strictly inside
        plan = plan_for(s, {})
        assert (plan.strategy, plan.low, plan.high) == ("mask", 0.0, 1.0)
        assert plan.runs == (((-2.0, False), (2.0, False)),)
        x = torch.tensor([-3.0, -2.0, 0.5, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
        y = actlab.get("scratch_clip2")(x)
        y.sum().backward()
        assert y.tolist() == [-2.0, -2.0, 0.5, 2.0, 2.0]
        assert x.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]


def test_a_wrong_reference_is_caught_for_a_built_function(scratch_spec):
    wrong = piecewise_spec(
        clipped(-2.0, 2.0, Line(1.0), "corner", "corner"),
        name="scratch_clip2_wrong",
        family="piecewise-linear",
        summary="x clipped to [-2, 2], checked against a reference clipping at 3.",
        reference=lambda x: min(max(x, mp.mpf(-3)), mp.mpf(3)),
        formula="",
        derivative_formula="",
    )
    with scratch_spec(wrong) as s:
        assert not check_spec(s, dtypes=("float64",)).ok


def test_a_setting_the_constraint_refuses_has_no_pieces():
    s = actlab.spec("hardtanh")
    with pytest.raises(actlab.ParameterError, match="min_val .* must not be greater than max_val"):
        s.kinks_for({"min_val": 1.0, "max_val": -1.0})
