"""Radial basis functions: the Gaussian."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import WIKI_TABLE, Example, Interval, closed

# ----------------------------------------------------------------------------- gaussian
# x*x rounds with relative error u, which exp(-x^2) turns into an error of x^2 * u: 32 float32 ulp at
# x = 8. Splitting x = hi + lo with hi on a 2^-8 grid makes hi*hi exact in float32 for |x| < 16 (and
# float32 exp(-x^2) underflows to 0 beyond ~10.2); the small rest lo*(2 hi + lo) goes in a second
# exp. Adding and subtracting 1.5 * 2^15 rounds to that grid in float32; in float64 it rounds to
# 2^-37, which leaves the plain x^2 error (<= 2e-13 relative before underflow), well inside 1e-12.
_GRID = 1.5 * 2.0**15


_GAUSS_ZERO = 40.0  # exp(-1600) is 0 in every dtype; beyond it the split is skipped (inf - inf)


# f' = -2x e^{-x^2} is still a normal float32 at x = 9.4, where e^{-x^2} alone is subnormal and
# carries few bits; the derivative therefore computes e^{16 - x^2} (16 - hi^2 is exact) and
# multiplies by e^{-16} last.
_SHIFT = 16.0


_E_SHIFT = math.exp(-_SHIFT)


def _gauss_parts(x, ops):
    far = ops.abs(x) >= _GAUSS_ZERO
    xs = ops.where(far, ops.zeros_like(x), x)  # NaN is not `far`, so it propagates
    hi = (xs + _GRID) - _GRID
    lo = xs - hi
    return far, xs, hi * hi, lo * (hi + hi + lo)


def _gaussian(x, ops):
    far, _, h2, rest = _gauss_parts(x, ops)
    return ops.where(far, ops.zeros_like(x), ops.exp(-h2) * ops.exp(-rest))


def _gaussian_d(x, ops):
    _, xs, h2, rest = _gauss_parts(x, ops)  # xs = 0 where |x| >= 40, so f' = 0 there
    return -2.0 * xs * ops.exp(_SHIFT - h2) * ops.exp(-rest) * _E_SHIFT


_GAUSS_DMAX = 0.8577639  # sqrt(2/e) = 0.85776388496..., rounded outward


register(
    ActivationSpec(
        name="gaussian",
        aliases=("gauss", "gaussian_bump"),
        family="radial",
        summary="The Gaussian bump e^(-x^2): 1 at the origin, decaying to 0 on both sides.",
        forward=_gaussian,
        derivative=_gaussian_d,
        reference=lambda x: mp.exp(-x * x),
        formula=r"f(x) = e^{-x^2}",
        derivative_formula=r"f'(x) = -2x\,e^{-x^2}",
        range=Interval(0.0, 1.0, False, True),
        derivative_range=closed(-_GAUSS_DMAX, _GAUSS_DMAX),
        monotonic=False,
        references=(WIKI_TABLE,),
        note="A radial-basis response: the unit fires only for inputs near 0, which suits RBF networks "
        "and local features. Its gradient vanishes on both tails, so deep stacks of it train poorly.",
        examples=(
            Example(0.0, 1.0),
            Example(1.0, 0.36787944117144233, 15),
            Example(-1.0 / math.sqrt(2.0), _GAUSS_DMAX, 7, of="derivative", source="max of f' at -1/sqrt 2"),
        ),
    )
)
