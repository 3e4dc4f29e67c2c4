"""Linear and near-linear functions: the identity and the bent identity."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Line, Pieces
from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    GUIDE,
    REALS,
    WIKI_TABLE,
    Example,
    open_,
)
from ._piecewise import piecewise_linear

IDENTITY = Pieces((), (Line(1.0),))


def _bent_parts(x, ops):
    big = ops.abs(x) > 1.0
    xb = ops.where(big, x, ops.ones_like(x))
    xs = ops.where(big, ops.zeros_like(x), x)
    r = ops.reciprocal(xb)
    return big, xb, xs, r, ops.sqrt(1.0 + r * r), ops.sqrt(1.0 + xs * xs)


def _bent_identity(x, ops):
    # With s = sqrt(x^2 + 1): s - 1 = x^2 / (s + 1) (no cancellation near 0). For |x| > 1, s is
    # written as |x| sqrt(1 + r^2), r = 1/x, so x^2 never overflows; for x < -1, s + 2x = 1/(s - x)
    # + x avoids the cancellation between s/2 and x.
    big, xb, xs, r, sq, s0 = _bent_parts(x, ops)
    f_small = xs + xs * xs / (2.0 * (s0 + 1.0))
    f_pos = xb + xb / (2.0 * (sq + r))
    f_neg = 0.5 * (xb - 1.0 + ops.abs(r) / (sq + 1.0))
    return ops.where(x > 1.0, f_pos, ops.where(x < -1.0, f_neg, f_small))


def _bent_identity_d(x, ops):
    big, xb, xs, r, sq, s0 = _bent_parts(x, ops)
    return 1.0 + 0.5 * ops.where(big, ops.sign(xb) / sq, xs / s0)


def _ref_bent_identity(x):
    if mp.isinf(x):
        return x
    return (mp.sqrt(x**2 + 1) - 1) / 2 + x


piecewise_linear(
    IDENTITY,
    name="identity",
    aliases=("linear",),
    family="linear",
    summary="The identity f(x) = x: the output layer of a regression network.",
    reference=lambda x: x,
    formula=r"f(x) = x",
    derivative_formula=r"f'(x) = 1",
    references=(WIKI_TABLE,),
    note="Keeps the network linear; its gradient is a constant that carries no information about x. "
    "Use it for regression outputs.",
    examples=(Example(2.0, 2.0, source=GUIDE), Example(-4.0, -4.0, source=GUIDE)),
)


register(
    ActivationSpec(
        name="bent_identity",
        family="linear",
        summary="The bent identity (sqrt(x^2 + 1) - 1)/2 + x: an identity whose slope bends from 1/2 to 3/2.",
        forward=_bent_identity,
        derivative=_bent_identity_d,
        reference=_ref_bent_identity,
        formula=r"f(x) = \frac{\sqrt{x^2 + 1} - 1}{2} + x",
        derivative_formula=r"f'(x) = \frac{x}{2\sqrt{x^2 + 1}} + 1",
        range=REALS,
        derivative_range=open_(0.5, 1.5),
        monotonic=True,
        approximates_identity=True,
        references=(WIKI_TABLE,),
        note="A smooth, unbounded, monotonic function with slope between 1/2 and 3/2: like a leaky ReLU "
        "with the corner rounded off, so the gradient never vanishes. Being nearly linear, it adds "
        "little nonlinearity per layer.",
        examples=(
            Example(-2.0, -1.38196601125011),
            Example(-0.5, -0.440983005625053),
            Example(1.0, 1.20710678118655),
            Example(3.0, 4.08113883008419),
            Example(-1.0, 0.646446609406726, of="derivative"),
            Example(1.0, 1.35355339059327, of="derivative"),
        ),
    )
)
