"""Softplus and its relatives: log-sigmoid, squareplus and the sparse plus."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    FY_PAPER,
    INF,
    NONNEG,
    POS,
    PYTORCH,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    keep_nan,
    open_,
)
from .exponential import _masked_neg
from .rectifier import RELU_PAPERS

# ----------------------------------------------------------------------------- softplus
SOFTPLUS_PAPER = Reference(
    "Dugas, C., Bengio, Y., Belisle, F., Nadeau, C. and Garcia, R.",
    2001,
    "Incorporating Second-Order Functional Knowledge for Better Option Pricing (NIPS 13)",
    "https://www.cirano.qc.ca/en/summaries/2002s-46",
)


def _softplus(x, ops, beta, threshold):
    bx = beta * x
    # torch's rule: above the threshold the function *is* x (not a rounding shortcut).
    return ops.where(bx > threshold, x, ops.softplus(bx) / beta)


def _softplus_d(x, ops, beta, threshold):
    bx = beta * x
    return ops.where(bx > threshold, ops.ones_like(x), ops.sigmoid(bx))


def _softplus_ref(x, beta, threshold):
    if beta * x > threshold:
        return x
    return mp.log1p(mp.exp(beta * x)) / beta


def _softplus_kinks(p):
    t = p["threshold"]
    if t == INF:
        return ()
    # at x = threshold/beta itself beta*x > threshold is False, so the softplus branch is used
    return (
        Kink(
            t / p["beta"],
            1.0 / (1.0 + math.exp(-t)),
            "torch's linear switch: f = x for beta x > threshold, a jump down by "
            "log1p(e^-threshold)/beta (2.1e-9 at the defaults); at the switch itself the softplus "
            "branch holds, f' = sigma(threshold)",
            jump=True,
        ),
    )


# ----------------------------------------------------------------------------- squareplus
SQUAREPLUS_PAPER = Reference(
    "Barron, J. T.",
    2021,
    "Squareplus: A Softplus-Like Algebraic Rectifier",
    "https://arxiv.org/abs/2112.11687",
)


def _sqp_parts(y, ops, b):
    # sqrt(y^2 + b) = |y| sqrt(1 + c), c = b/y^2, for |y| > 1: y^2 cannot overflow and y = +-inf
    # gives c = 0. Both halves see a harmless placeholder where they are not used.
    big = ops.abs(y) > 1.0
    yb = ops.where(big, y, ops.ones_like(y))
    ys = ops.where(big, ops.zeros_like(y), y)  # NaN stays here and propagates
    c = (b / yb) / yb
    sq = ys * ys + b
    return big, yb, ys, c, ops.sqrt(1.0 + c), sq, ops.sqrt(sq)


def _squareplus(x, ops, b):
    pos = ops.where(x >= 0, x, ops.zeros_like(x))
    neg = _masked_neg(x, ops, strict=False)
    big, yb, ys, _, qb, _, rs = _sqp_parts(pos, ops, b)
    f_pos = ops.where(big, 0.5 * yb * (1.0 + qb), 0.5 * (ys + rs))
    # below 0, x + sqrt(x^2 + b) cancels; b / (2 (sqrt(x^2 + b) - x)) is the same value without it
    big, yb, ys, _, qb, _, rs = _sqp_parts(neg, ops, b)
    f_neg = ops.where(big, (b / -yb) / (2.0 * (qb + 1.0)), b / (2.0 * (rs - ys)))
    return ops.where(x >= 0, f_pos, f_neg)


def _squareplus_d(x, ops, b):
    pos = ops.where(x >= 0, x, ops.zeros_like(x))
    neg = _masked_neg(x, ops, strict=False)
    big, yb, ys, _, qb, _, rs = _sqp_parts(pos, ops, b)
    d_pos = ops.where(big, 0.5 * (1.0 + ops.reciprocal(qb)), 0.5 * (1.0 + ys / rs))
    # below 0: b / (2 R (R - x)) = b / (2 (x^2 + b + |x| R)), free of the cancellation in 1 + x/R;
    # for |x| > 1 numerator and denominator are divided by x^2
    big, yb, ys, c, qb, sq, rs = _sqp_parts(neg, ops, b)
    d_neg = ops.where(big, 0.5 * c / ((1.0 + c) + qb), 0.5 * b / (sq - ys * rs))
    return ops.where(x >= 0, d_pos, d_neg)


def _squareplus_ref(x, b):
    if x == -mp.inf:
        return mp.mpf(0)
    return (x + mp.sqrt(x * x + b)) / 2


# ----------------------------------------------------------------------------- sparse plus
def _sparse_plus(x, ops):
    mid = ops.clip(x, -1.0, 1.0) + 1.0  # clipped: the unused quadratic cannot overflow
    inner = ops.where(x >= 1, x, 0.25 * mid * mid)
    return ops.where(x <= -1, ops.zeros_like(x), inner)


def _sparse_plus_d(x, ops):
    mid = ops.clip(x, -1.0, 1.0) + 1.0
    return keep_nan(x, 0.5 * mid, ops)


register(
    ActivationSpec(
        name="softplus",
        aliases=("smooth_relu",),
        family="softplus",
        summary="The softplus (1/beta) log(1 + e^{beta x}): a smooth ReLU whose derivative is the sigmoid.",
        forward=_softplus,
        derivative=_softplus_d,
        reference=_softplus_ref,
        formula=r"f(x) = \begin{cases} \frac{1}{\beta} \log\!\left(1 + e^{\beta x}\right) & \beta x \le t \\ "
        r"x & \beta x > t \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} \sigma(\beta x) & \beta x \le t \\ 1 & \beta x > t "
        r"\end{cases}",
        params=(
            Param(
                "beta",
                1.0,
                bounds=POS,
                doc="sharpness; beta -> inf gives ReLU",
                elsewhere=(
                    "torch Softplus(beta=1.0)",
                    "keras.activations.softplus (beta = 1, no parameter)",
                    "jax.nn.softplus (beta = 1, no parameter)",
                ),
                test_values=(2.0, 0.5),
            ),
            # Default inf, not torch's 20: the stable form never overflows, so the switch buys
            # nothing here and costs a 2e-9 jump (f would be discontinuous and not monotonic).
            Param(
                "threshold",
                INF,
                bounds=Interval(0.0, INF, False, True),
                doc="f = x where beta x > threshold (torch's switch to the linear tail); the default inf "
                "is the exact smooth softplus; threshold=20 reproduces torch bit for bit",
                elsewhere=("torch Softplus(threshold=20.0)", "keras / jax softplus: no threshold (= inf)"),
                test_values=(20.0,),
            ),
        ),
        range=open_(0.0, INF),
        derivative_range=lambda p: Interval(0.0, 1.0, False, p["threshold"] != INF),
        # the switch drops f by log1p(e^-t)/beta, so f(t/beta) > f(t/beta + tiny): strictly not monotone
        monotonic=lambda p: p["threshold"] == INF,
        smoothness=lambda p: INF if p["threshold"] == INF else -1,
        kinks=_softplus_kinks,
        probe_points=(20.0 + 1e-9, 10.0 + 5e-10, 40.0 + 2e-9),  # just past the switch, inside the drop
        references=(SOFTPLUS_PAPER, RELU_PAPERS[1]),
        note="A smooth, strictly positive ReLU whose derivative is the logistic sigmoid; never exactly zero, "
        "so no dead units, but no sparsity either and an exp/log per element. torch's threshold=20 makes "
        "it return x far in the linear tail (a jump of ~2e-9); pass threshold=20 to match torch exactly.",
        examples=(
            Example(0.0, 0.693147180559945, 12),
            Example(1000.0, 1000.0, 12),
            Example(1.0, 0.731058578630005, 12, of="derivative", source="f' is the logistic sigmoid"),
            Example(0.0, 0.5, 12, of="derivative", source="f' is the logistic sigmoid"),
        ),
    )
)


# ----------------------------------------------------------------------------- log-sigmoid
register(
    ActivationSpec(
        name="log_sigmoid",
        aliases=("logsigmoid",),
        family="softplus",
        summary="The logarithm of the logistic sigmoid, log sigma(x) = -softplus(-x); computed without "
        "forming sigma(x).",
        forward=lambda x, ops: ops.log_sigmoid(x),
        derivative=lambda x, ops: ops.sigmoid(-x),
        derivative_from_output=lambda y, ops: -ops.expm1(y),
        reference=lambda x: -mp.log1p(mp.exp(-x)),
        formula=r"f(x) = \log \sigma(x) = -\log\!\left(1 + e^{-x}\right)",
        derivative_formula=r"f'(x) = \sigma(-x) = 1 - \sigma(x)",
        range=open_(-INF, 0.0),
        derivative_range=open_(0.0, 1.0),
        monotonic=True,
        references=(PYTORCH,),
        note="Mostly used inside losses (binary cross-entropy, negative sampling) where log(sigmoid(x)) "
        "would underflow to -inf; as a hidden activation it is a flipped softplus with no positive outputs.",
        examples=(Example(-1000.0, -1000.0, 12), Example(0.0, -0.693147180559945, 12)),
    )
)


register(
    ActivationSpec(
        name="squareplus",
        family="softplus",
        summary="Squareplus (x + sqrt(x^2 + b)) / 2: a softplus look-alike using only a square root.",
        forward=_squareplus,
        derivative=_squareplus_d,
        reference=_squareplus_ref,
        formula=r"f(x) = \frac{x + \sqrt{x^2 + b}}{2}",
        derivative_formula=r"f'(x) = \frac12 \left(1 + \frac{x}{\sqrt{x^2 + b}}\right)",
        params=(
            Param(
                "b",
                4.0,
                bounds=POS,
                doc="curvature near 0: f(0) = sqrt(b)/2; b -> 0 gives ReLU",
                elsewhere=("jax.nn.squareplus(b=4)", "keras.activations.squareplus(b=4)"),
                test_values=(1.0, 0.25),
            ),
        ),
        range=open_(0.0, INF),
        derivative_range=open_(0.0, 1.0),
        monotonic=True,
        references=(SQUAREPLUS_PAPER,),
        note="Shaped like softplus (positive, smooth, convex, slope 1/2 at 0) but needs only a multiply and a "
        "square root, so it is cheaper on hardware where exp/log are slow. Its tails approach 0 and x "
        "algebraically (like b/(4|x|)), much more slowly than softplus.",
        examples=(
            Example(0.0, 1.0, 12),
            Example(0.0, 0.5, 12, of="derivative"),
            Example(-1000.0, 0.000999999000002, 15),
        ),
    )
)


register(
    ActivationSpec(
        name="sparse_plus",
        aliases=("sparseplus",),
        family="softplus",
        summary="Sparse plus: 0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for x >= 1; a softplus that is "
        "exactly zero and exactly linear outside [-1, 1].",
        forward=_sparse_plus,
        derivative=_sparse_plus_d,
        reference=lambda x: mp.mpf(0) if x <= -1 else (x if x >= 1 else (x + 1) ** 2 / 4),
        formula=r"f(x) = \begin{cases} 0 & x \le -1 \\ \tfrac14 (x + 1)^2 & -1 < x < 1 \\ x & x \ge 1 "
        r"\end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} 0 & x \le -1 \\ \tfrac12 (x + 1) & -1 < x < 1 \\ "
        r"1 & x \ge 1 \end{cases}",
        range=NONNEG,
        derivative_range=Interval(0.0, 1.0, True, True),
        monotonic=True,
        smoothness=1,
        kinks=(
            Kink(-1.0, 0.0, "C^1: both one-sided slopes are 0; f'' jumps from 0 to 1/2"),
            Kink(1.0, 1.0, "C^1: both one-sided slopes are 1; f'' jumps from 1/2 to 0"),
        ),
        references=(FY_PAPER,),
        note="A piecewise-quadratic twin of softplus (its derivative is the 'sparse sigmoid' of the "
        "Fenchel-Young losses paper, which jax cites): outputs exact zeros below -1, so it can be sparse "
        "and is cheap, while staying convex and C^1.",
        examples=(Example(-1.0, 0.0, 12), Example(0.0, 0.25, 12), Example(1.0, 1.0, 12)),
    )
)
