"""Shrinkage functions: hard, soft and tanh shrink."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ..registry import register
from ..spec import ActivationSpec
from ._common import NONNEG, PYTORCH, REALS, Example, Interval, Param, Reference, horner
from ._piecewise import piecewise_linear

# ----------------------------------------------------------------------------- shrink family
DONOHO_HARD = Reference(
    "Donoho, D. L. and Johnstone, I. M.",
    1994,
    "Ideal spatial adaptation by wavelet shrinkage",
    "https://doi.org/10.1093/biomet/81.3.425",
)


DONOHO_SOFT = Reference(
    "Donoho, D. L.", 1995, "De-noising by soft-thresholding", "https://doi.org/10.1109/18.382009"
)


LAMBD = Param(
    "lambd",
    0.5,
    bounds=NONNEG,
    doc="the threshold lambda: inputs with |x| <= lambda map to 0",
    elsewhere=("keras.ops.hard_shrink(threshold=0.5)", "keras.ops.soft_shrink(threshold=0.5)"),
    # binary-exact values, so float32 rounding of lambda does not blur the threshold
    test_values=(0.25, 2.0),
)


# lambda = 0 turns both shrinks into the identity, yet torch's gradient at 0 stays 0 (zero for
# |x| <= lambda): an isolated convention point (f(0) = 0, f'(0) = 0), listed as a kink; f is C^inf
# there, and the smoothness claimed is the weaker C^1 because a kink listing excludes C^inf.
LAMBD0_KNOT = Knot(
    0.0,
    0.0,
    "lambda = 0: f is the identity, but f'(0) = 0 as torch (gradient zero for "
    "|x| <= lambda), a removable discontinuity of f'",
    side=0.0,
)


def _shrink_pieces(lambd, outer_left, outer_right, why_left, why_right):
    """Zero on [-lambda, lambda] (both knots belong to it: f' = 0 there, as torch), the outer lines
    beyond."""
    if lambd == 0:
        return Pieces((LAMBD0_KNOT,), (Line(1.0), Line(1.0)))
    return Pieces(
        (Knot(-lambd, 0.0, why_left, "right"), Knot(lambd, 0.0, why_right, "left")),
        (outer_left, Line(0.0), outer_right),
    )


def _hardshrink_pieces(p):
    return _shrink_pieces(
        p["lambd"],
        Line(1.0),
        Line(1.0),
        "jump from -lambda to 0; f(-lambda) = 0 and f' = 0 there, as torch (gradient is zero for "
        "-lambda <= x <= lambda)",
        "jump from 0 to lambda; f(lambda) = 0 and f' = 0 there, as torch",
    )


def _softshrink_pieces(p):
    lam = p["lambd"]
    return _shrink_pieces(
        lam,
        Line(1.0, -lam, 0.0),
        Line(1.0, lam, 0.0),
        "one-sided slopes 1 | 0; f' = 0 as torch (zero for -lambda <= x <= lambda)",
        "one-sided slopes 0 | 1; f' = 0 as torch (zero for -lambda <= x <= lambda)",
    )


def _tanhshrink_series():
    # x coth x - 1 = sum_{n>=1} 4^n B_{2n} x^{2n} / (2n)!  (radius pi). 15 terms keep the truncation
    # below 1e-14 relative for |x| < 1, the switch point below.
    with mp.workdps(30):
        return tuple(float(4**n * mp.bernoulli(2 * n) / mp.factorial(2 * n)) for n in range(1, 16))


_XCOTHX = _tanhshrink_series()


_TS_SWITCH = 1.0  # float32 x - tanh(x) is within 2 ulp from here on (measured); below it cancels


def _tanhshrink(x, ops):
    # Near 0, x - tanh x cancels (1e-8 would give 0, not 3.3e-25). There we use
    # x - tanh x = tanh(x) * (x coth x - 1), a product of two well-conditioned factors, the second
    # by its series; the double where keeps the unused series away from huge x.
    small = ops.abs(x) < _TS_SWITCH
    xs = ops.where(small, x, ops.zeros_like(x))
    y = xs * xs
    near = ops.tanh(xs) * (y * horner(y, _XCOTHX))
    return ops.where(small, near, x - ops.tanh(x))


piecewise_linear(
    _hardshrink_pieces,
    name="hardshrink",
    aliases=("hard_shrink", "hard_threshold"),
    family="shrinkage",
    summary="Hard shrinkage: keeps x where |x| > lambda, zero inside [-lambda, lambda].",
    reference=lambda x, lambd: x if abs(x) > lambd else mp.mpf(0),
    reference_derivative=lambda x, lambd: mp.mpf(1) if abs(x) > lambd else mp.mpf(0),
    formula=r"f(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
    params=(LAMBD,),
    references=(DONOHO_HARD, PYTORCH),
    note="Zeroes small inputs and passes large ones unchanged: a sparsifying nonlinearity from "
    "wavelet denoising. The jumps at +-lambda make it discontinuous and its gradient "
    "carries nothing about where the threshold sits.",
    examples=(
        Example(0.5, 0.0, source="hardshrink(+-0.5) = 0 at the threshold"),
        Example(-0.5, 0.0, source="hardshrink(+-0.5) = 0 at the threshold"),
        Example(0.75, 0.75),
    ),
)


piecewise_linear(
    _softshrink_pieces,
    name="softshrink",
    aliases=("soft_shrink", "soft_threshold"),
    family="shrinkage",
    summary="Soft shrinkage: moves x towards 0 by lambda, zero inside [-lambda, lambda].",
    reference=lambda x, lambd: x - lambd if x > lambd else (x + lambd if x < -lambd else mp.mpf(0)),
    formula=r"f(x) = \begin{cases} x - \lambda & x > \lambda \\ 0 & |x| \le \lambda \\ "
    r"x + \lambda & x < -\lambda \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
    params=(LAMBD,),
    references=(DONOHO_SOFT, PYTORCH),
    note="The proximal operator of lambda*|x|: continuous, shrinks every large input by lambda and "
    "zeroes small ones, which is why it appears in sparse coding (ISTA) and denoising. "
    "Dead zone of width 2*lambda gets no gradient.",
    examples=(Example(0.5, 0.0), Example(2.0, 1.5), Example(-2.0, -1.5)),
)


register(
    ActivationSpec(
        name="tanhshrink",
        aliases=("tanh_shrink",),
        family="shrinkage",
        summary="x - tanh(x): the residual of tanh, near-cubic around 0 and linear far out.",
        forward=_tanhshrink,
        # tanh^2 has no cancellation (1 - sech^2 would).
        derivative=lambda x, ops: ops.tanh(x) * ops.tanh(x),
        reference=lambda x: x - mp.tanh(x),
        # mp.diff of the reference at 0 (a triple zero of f) returns ~6e-109 of step noise instead of 0,
        # which fails the relative test at x = 0 and +-1e-300; the exact derivative avoids that.
        reference_derivative=lambda x: mp.tanh(x) ** 2,
        formula=r"f(x) = x - \tanh x",
        derivative_formula=r"f'(x) = \tanh^2 x",
        range=REALS,
        derivative_range=Interval(0.0, 1.0, True, False),
        monotonic=True,
        references=(PYTORCH,),
        note="Flat (cubic) near 0 and with slope -> 1 far away, so it suppresses small inputs softly. "
        "Its gradient vanishes at the origin, so it is rarely used in hidden layers; mostly a "
        "torch curiosity and a component of shrinkage-style layers.",
        examples=(
            Example(1.0, 0.23840584404423515, 15),
            Example(1e-8, 3.333333333333333e-25, 40, source="x^3/3 near 0 (naive x - tanh x gives 0)"),
        ),
    )
)
