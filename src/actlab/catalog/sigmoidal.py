"""Sigmoidal (S-shaped, bounded) functions: sigmoid, tanh and the squashing functions built to
replace them cheaply."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    GUIDE,
    INF,
    ISRLU_PAPER,
    POS,
    WIKI_TABLE,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    closed,
    open_,
)


def _tanh_d(x, ops):
    # sech^2 x = 4t / (1 + t)^2 with t = e^{-2|x|}: no cancellation of 1 - tanh^2 for large |x|,
    # and t stays a normal number as long as the result does (a product of two sigmoids would
    # flush one factor to zero first in float32).
    t = ops.exp(-2.0 * ops.abs(x))
    return 4.0 * t / ((1.0 + t) * (1.0 + t))


def _up(v) -> float:
    """The smallest float >= v (v an mpf or float): upper bounds are rounded outward."""
    f = float(v)
    return f if mp.mpf(f) >= v else math.nextafter(f, INF)


def _down(v) -> float:
    """The largest float <= v: lower bounds are rounded outward."""
    f = float(v)
    return f if mp.mpf(f) <= v else math.nextafter(f, -INF)


# ----------------------------------------------------------------------------- softsign
def _softsign(x, ops):
    # x / (1 + |x|) is inf/inf at +-inf; the limit is sign(x). NaN fails the test and propagates.
    return ops.where(ops.abs(x) == INF, ops.sign(x), x / (1.0 + ops.abs(x)))


def _softsign_d(x, ops):
    # Square of the reciprocal, not the reciprocal of the square: (1 + |x|)^2 overflows first.
    r = ops.reciprocal(1.0 + ops.abs(x))
    return r * r


def _ref_softsign(x):
    if mp.isinf(x):
        return mp.sign(x)
    return x / (1 + abs(x))


def _arctan_d(x, ops):
    # 1 / (1 + x^2) as written: three roundings (<= 1.5 ulp), no select. x^2 overflows only where
    # f' = 1/x^2 is subnormal (|x| > 1.8e19 in float32, 1.3e154 in float64), and there the result
    # is 0, an absolute error below 3e-39 (float32) or 6e-309 (float64); f'(+-inf) = 0.
    return ops.reciprocal(1.0 + x * x)


# ----------------------------------------------------------------------------- ISRU
def _isru(x, ops, alpha):
    # Where alpha x^2 > 1, x / sqrt(1 + alpha x^2) = sign(x) / sqrt(alpha + r^2) with r = 1/x: no
    # overflow of x^2, and the right limit at +-inf.
    big = alpha * x * x > 1.0
    xb = ops.where(big, x, ops.ones_like(x))
    xs = ops.where(big, ops.zeros_like(x), x)
    r = ops.reciprocal(xb)
    return ops.where(big, ops.sign(xb) / ops.sqrt(alpha + r * r), xs / ops.sqrt(1.0 + alpha * xs * xs))


def _isru_d(x, ops, alpha):
    # w^(-3/2) as w^(-1/2) / w: fewer roundings than cubing w^(-1/2), and if w overflows the
    # result is 0, which is what the true value (< 1e-400 there) rounds to.
    w = 1.0 + alpha * x * x
    return ops.reciprocal(ops.sqrt(w)) / w


def _ref_isru(x, alpha):
    if mp.isinf(x):
        return mp.sign(x) / mp.sqrt(alpha)
    return x / mp.sqrt(1 + alpha * x**2)


def _isru_range(p):
    b = 1 / mp.sqrt(mp.mpf(p["alpha"]))
    return open_(_down(-b), _up(b))


def _sqnl(x, ops):
    # On the clipped input c, c (1 - |c|/4) covers all four pieces; f' = 1 - |c|/2 vanishes at
    # c = +-2, so autograd gives 0 at +-2 whatever clip's boundary rule is.
    c = ops.clip(x, -2.0, 2.0)
    return c * (1.0 - 0.25 * ops.abs(c))


def _sqnl_d(x, ops):
    c = ops.clip(x, -2.0, 2.0)
    return 1.0 - 0.5 * ops.abs(c)


def _ref_sqnl(x):
    if x > 2:
        return mp.mpf(1)
    if x < -2:
        return mp.mpf(-1)
    return x - x**2 / 4 if x >= 0 else x + x**2 / 4


# ----------------------------------------------------------------------------- soft clipping
SOFT_CLIP_PAPER = Reference(
    "Klimek, M. D. and Perelstein, M.",
    2018,
    "Neural Network-Based Approach to Phase Space Integration",
    "https://arxiv.org/abs/1810.11509",
)


def _soft_clipping(x, ops, alpha):
    # f(x) + f(1 - x) = 1, so evaluate g on the left half y = min(x, 1 - x) <= 1/2 only and mirror:
    # alpha g(y) = log1p(z) with z = (1 - e^-alpha) e^u / (1 + e^(u - alpha)), u = alpha y. Dividing
    # by e^m, m = max(u, 0), keeps every exponent <= 0, and log1p keeps the small values exact.
    left = x <= 0.5
    y = ops.where(left, x, 1.0 - x)
    u = alpha * y
    m = ops.maximum(u, 0.0)
    z = -math.expm1(-alpha) * ops.exp(u - m) / (ops.exp(-m) + ops.exp(u - alpha - m))
    g = ops.log1p(z) / alpha
    return ops.where(left, g, 1.0 - g)


def _soft_clipping_d(x, ops, alpha):
    # sigma(ax) - sigma(a(x - 1)) = (1 - e^-a) sigma(ax) sigma(a(1 - x)): a product, no cancellation.
    return -math.expm1(-alpha) * ops.sigmoid(alpha * x) * ops.sigmoid(alpha * (1.0 - x))


def _ref_soft_clipping(x, alpha):
    if mp.isinf(x):
        return mp.mpf(1) if x > 0 else mp.mpf(0)
    # log1p of each term separately: the quotient form loses e^(alpha x) below 1e-50 at 50 digits.
    if x > 0:
        # the same ratio divided through by e^(alpha x): the difference of two huge logarithms
        # would lose the O(1) result for x beyond 10^50
        return (mp.log1p(mp.exp(-alpha * x)) - mp.log(mp.exp(-alpha * x) + mp.exp(-alpha))) / alpha
    return (mp.log1p(mp.exp(alpha * x)) - mp.log1p(mp.exp(alpha * (x - 1)))) / alpha


# ----------------------------------------------------------------------------- smht
# Clipping x to the largest float32 keeps (a - c) * x finite at x = +-inf (0 * inf is NaN when
# a = c); every exponential below has saturated long before that point.
_SMHT_BIG = 3.0e38


def _smht_halves(x, ops):
    xc = ops.clip(x, -_SMHT_BIG, _SMHT_BIG)
    pos = xc > 0
    return pos, ops.where(pos, xc, ops.zeros_like(x)), ops.where(pos, ops.zeros_like(x), xc)


def _smht(x, ops, a, b, c, d):
    # Numerator and denominator divided by the dominant exponential of the denominator (e^{cx} for
    # x > 0, e^{-dx} for x <= 0); e^{ax} - e^{-bx} is factored so that expm1 carries the
    # cancellation near 0. Every remaining exponential is bounded, except e^{(a-c)x} when f itself
    # grows without bound.
    pos, xp, xn = _smht_halves(x, ops)
    fp = ops.exp((a - c) * xp) * -ops.expm1(-(a + b) * xp) / (1.0 + ops.exp(-(c + d) * xp))
    fn = ops.exp((d - b) * xn) * ops.expm1((a + b) * xn) / (1.0 + ops.exp((c + d) * xn))
    return ops.where(pos, fp, fn)


def _smht_d(x, ops, a, b, c, d):
    # (N'D - N D') / D^2 expands to four exponentials; divided by D's dominant term squared.
    pos, xp, xn = _smht_halves(x, ops)
    num_p = (
        (a - c) * ops.exp((a - c) * xp)
        + (a + d) * ops.exp((a - d - 2 * c) * xp)
        + (b + c) * ops.exp(-(b + c) * xp)
        + (b - d) * ops.exp(-(b + d + 2 * c) * xp)
    )
    den_p = 1.0 + ops.exp(-(c + d) * xp)
    num_n = (
        (a - c) * ops.exp((a + c + 2 * d) * xn)
        + (a + d) * ops.exp((a + d) * xn)
        + (b + c) * ops.exp((c - b + 2 * d) * xn)
        + (b - d) * ops.exp((d - b) * xn)
    )
    den_n = 1.0 + ops.exp((c + d) * xn)
    return ops.where(pos, num_p / (den_p * den_p), num_n / (den_n * den_n))


def _ref_smht(x, a, b, c, d):
    if mp.isinf(x):
        if x > 0:
            return mp.inf if a > c else (mp.mpf(1) if a == c else mp.mpf(0))
        return -mp.inf if b > d else (mp.mpf(-1) if b == d else mp.mpf(0))
    # e^{-bx} expm1((a+b)x) = e^{ax} - e^{-bx}: the plain difference is 0 at 50 digits for |x| < 1e-50.
    return mp.exp(-b * x) * mp.expm1((a + b) * x) / (mp.exp(c * x) + mp.exp(-d * x))


def _smht_extremum(p, side):
    """f at its one critical point on the side x > 0 (side=1) or x < 0 (side=-1).

    The sign of f' is the sign of (a-c)e^{(a+c)x} + (a+d)e^{(a-d)x} + (b+c)e^{(c-b)x} + (b-d)e^{-(b+d)x}:
    positive at 0, and with a < c (b < d) eventually negative for x -> inf (x -> -inf). An
    exponential sum with two sign changes has at most two roots, so there is exactly one per side.
    """
    with mp.workdps(40):
        a, b, c, d = (mp.mpf(p[k]) for k in "abcd")

        def num(t):
            return (
                (a - c) * mp.exp((a + c) * t)
                + (a + d) * mp.exp((a - d) * t)
                + (b + c) * mp.exp((c - b) * t)
                + (b - d) * mp.exp(-(b + d) * t)
            )

        far = mp.mpf(side)
        while num(far) > 0:
            far *= 2
        t0 = mp.findroot(num, (far / 2 if abs(far) > 1 else mp.mpf(0), far), solver="anderson")
        return _ref_smht(t0, a, b, c, d)


def _smht_monotonic(p):
    return p["a"] >= p["c"] and p["b"] >= p["d"]


def _smht_range(p):
    a, b, c, d = (p[k] for k in "abcd")
    if a > c:
        hi, hi_closed = INF, False
    elif a == c:
        hi, hi_closed = 1.0, False
    else:
        hi, hi_closed = _up(_smht_extremum(p, 1)), True
    if b > d:
        lo, lo_closed = -INF, False
    elif b == d:
        lo, lo_closed = -1.0, False
    else:
        lo, lo_closed = _down(_smht_extremum(p, -1)), True
    return Interval(lo, hi, lo_closed, hi_closed)


def _smht_tanh_like(p):
    return all(p[k] == 1.0 for k in "abcd")


# ----------------------------------------------------------------------------- LeCun's tanh
_LECUN_A = 1.7159


_LECUN_B = 2.0 / 3.0


_LECUN_C = 4.0 * _LECUN_A * _LECUN_B


# e^-w is subnormal, and flushed to 0 by torch's float32 kernels, for 65.5 < |x| < 66.6 where f' is
# still a normal number; so e^-w is carried as e^(3/2 - w) e^(-3/2). 3/2 - w is exact for w >= 3/4.
_LECUN_SHIFT = 1.5


_LECUN_C_TAIL = _LECUN_C * math.exp(-_LECUN_SHIFT)


_LECUN_UNSHIFT = math.exp(-_LECUN_SHIFT)


def _lecun_tanh_d(x, ops):
    # f' = A B sech^2(2x/3) = C e / (1 + e)^2, e = exp(-w), w = 4|x|/3: one exp, and no cancellation
    # (1 - tanh^2 cancels). sech^2 turns a rounding of w into |w| relative ulps (85 ulp in float32
    # at x = -56), so w is carried exactly as 4q + 4r/3: q = |x|/3 rounded, r = |x| - 3q computed
    # without rounding (both subtractions are exact by Sterbenz). e is taken at 4q and multiplied
    # by 1 - 4r/3 (= e^(-4r/3) far below an ulp, since |r| <= ulp(|x|)); a relative change of e
    # moves e/(1+e)^2 by the factor tanh(w/2) that the exact w needs.
    # clipped: at |x| = inf, a - 3q would be inf - inf; f' is 0 far before 1e6 anyway
    a = ops.minimum(ops.abs(x), 1e6)
    q = a / 3.0
    r = (a - 2.0 * q) - q
    e1 = ops.exp(_LECUN_SHIFT - 4.0 * q) * (1.0 - r * (4.0 / 3.0))
    d = 1.0 + e1 * _LECUN_UNSHIFT
    return (_LECUN_C_TAIL * e1) / (d * d)


register(
    ActivationSpec(
        name="sigmoid",
        aliases=("logistic", "soft_step"),
        family="sigmoidal",
        summary="The logistic sigmoid 1 / (1 + e^-x): squashes to (0, 1); for binary outputs.",
        forward=lambda x, ops: ops.sigmoid(x),
        # sigma(x) * sigma(-x) instead of s(1-s): no cancellation in 1-s for large x.
        derivative=lambda x, ops: ops.sigmoid(x) * ops.sigmoid(-x),
        derivative_from_output=lambda y, ops: y * (1.0 - y),
        reference=lambda x: 1 / (1 + mp.exp(-x)),
        formula=r"f(x) = \sigma(x) = \frac{1}{1 + e^{-x}}",
        derivative_formula=r"f'(x) = \sigma(x)\,(1 - \sigma(x)) \le \tfrac14",
        range=open_(0.0, 1.0),
        derivative_range=Interval(0.0, 0.25, False, True),
        monotonic=True,
        references=(WIKI_TABLE,),
        note="Smooth and bounded, but saturates: f' <= 1/4, so each sigmoid layer shrinks "
        "backpropagated errors by at least a factor of 4, and outputs are not zero-centred. "
        "Use it for a binary output, not in hidden layers.",
        examples=(
            Example(4.0, 0.982, 3, source=GUIDE),
            Example(-3.0, 0.0474, 4, source=GUIDE),
            Example(-5.0, 0.0067, 4, source=GUIDE),
            Example(0.0, 0.25, 12, of="derivative", source="max of sigma' is 1/4"),
        ),
    )
)


register(
    ActivationSpec(
        name="tanh",
        aliases=("hyperbolic_tangent",),
        family="sigmoidal",
        summary="The hyperbolic tangent: a zero-centred sigmoid with range (-1, 1).",
        forward=lambda x, ops: ops.tanh(x),
        derivative=_tanh_d,
        derivative_from_output=lambda y, ops: 1.0 - y * y,
        reference=lambda x: mp.tanh(x),
        formula=r"f(x) = \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivative_formula=r"f'(x) = 1 - \tanh^2 x",
        range=open_(-1.0, 1.0),
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        approximates_identity=True,
        references=(WIKI_TABLE,),
        note="Zero-centred and with stronger gradients than the sigmoid (f'(0) = 1), but it still "
        "saturates for large |x|, so gradients vanish in deep stacks.",
        examples=(
            Example(2.0, 0.9640, 4, source=GUIDE),
            Example(-0.567, -0.5131, 4, source=GUIDE),
            Example(0.0, 0.0, 12, source=GUIDE),
        ),
    )
)


register(
    ActivationSpec(
        name="softsign",
        aliases=("elliot_sig",),
        family="sigmoidal",
        summary="The softsign x / (1 + |x|): a tanh-like squashing function with polynomial tails.",
        forward=_softsign,
        derivative=_softsign_d,
        reference=_ref_softsign,
        formula=r"f(x) = \frac{x}{1 + |x|}",
        derivative_formula=r"f'(x) = \frac{1}{(1 + |x|)^2}",
        range=open_(-1.0, 1.0),
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        smoothness=1,
        kinks=(
            Kink(
                0.0,
                1.0,
                "f' is continuous (1 on both sides) but f'' jumps from +2 to -2, so softsign is "
                "C^1 at 0; f'(0) = 1, as torch autograd of x / (1 + |x|) gives",
            ),
        ),
        approximates_identity=True,
        references=(
            Reference(
                "Elliott, D. L.",
                1993,
                "A Better Activation Function for Artificial Neural Networks "
                "(ISR Technical Report TR 93-8, University of Maryland)",
                "http://hdl.handle.net/1903/5355",
            ),
            Reference(
                "Turian, J., Bergstra, J. and Bengio, Y.",
                2009,
                "Quadratic Features and Deep Architectures for Chunking",
                "https://aclanthology.org/N09-2062/",
            ),
        ),
        note="Shaped like tanh but approaches its asymptotes only like 1/|x|, so it saturates more gently "
        "and costs no exponential. The derivative still decays to zero, just polynomially.",
        examples=(
            Example(-2.0, -0.666666666666667),
            Example(-0.5, -0.333333333333333),
            Example(1.0, 0.5),
            Example(3.0, 0.75),
            Example(-1.0, 0.25, of="derivative"),
            Example(1.0, 0.25, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="arctan",
        aliases=("atan",),
        family="sigmoidal",
        summary="The inverse tangent atan(x): a smooth squashing function with range (-pi/2, pi/2).",
        forward=lambda x, ops: ops.arctan(x),
        derivative=_arctan_d,
        reference=lambda x: mp.atan(x),
        formula=r"f(x) = \arctan x",
        derivative_formula=r"f'(x) = \frac{1}{1 + x^2}",
        range=open_(_down(-mp.pi / 2), _up(mp.pi / 2)),
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        approximates_identity=True,
        references=(WIKI_TABLE,),
        note="Zero-centred like tanh, but its gradient decays only like 1/x^2 instead of exponentially, "
        "so it saturates more slowly; the output range is wider, (-pi/2, pi/2).",
        examples=(
            Example(-2.0, -1.10714871779409),
            Example(-0.5, -0.463647609000806),
            Example(1.0, 0.785398163397448),
            Example(3.0, 1.24904577239825),
            Example(-1.0, 0.5, of="derivative"),
            Example(1.0, 0.5, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="isru",
        aliases=("inverse_square_root_unit",),
        family="sigmoidal",
        summary="The inverse square root unit x / sqrt(1 + alpha x^2): a tanh-like sigmoid without exponentials.",
        forward=_isru,
        derivative=_isru_d,
        reference=_ref_isru,
        formula=r"f(x) = \frac{x}{\sqrt{1 + \alpha x^2}}",
        derivative_formula=r"f'(x) = \left(\frac{1}{\sqrt{1 + \alpha x^2}}\right)^{3}",
        params=(
            Param(
                "alpha",
                1.0,
                bounds=POS,
                doc="sets the saturation level: the range is (-1/sqrt(alpha), 1/sqrt(alpha))",
                test_values=(3.0,),
            ),
        ),
        range=_isru_range,
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        approximates_identity=True,
        references=(ISRLU_PAPER,),
        note="A cheap tanh substitute (a reciprocal square root instead of exponentials) whose "
        "saturation level is set by alpha; f'(0) = 1 for every alpha. Like tanh, its gradient "
        "vanishes for large |x|, though only polynomially.",
        examples=(
            Example(-2.0, -0.894427190999916),
            Example(-0.5, -0.447213595499958),
            Example(1.0, 0.707106781186548),
            Example(3.0, 0.948683298050514),
            Example(-1.0, 0.353553390593274, of="derivative"),
            Example(1.0, 0.353553390593274, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="sqnl",
        aliases=("square_nonlinearity",),
        family="sigmoidal",
        summary="The square nonlinearity: a piecewise-quadratic sigmoid that reaches -1 and 1 at x = -2 and 2.",
        forward=_sqnl,
        derivative=_sqnl_d,
        reference=_ref_sqnl,
        formula=r"f(x) = \begin{cases} 1 & x > 2 \\ x - \frac{x^2}{4} & 0 \le x \le 2 \\ "
        r"x + \frac{x^2}{4} & -2 \le x < 0 \\ -1 & x < -2 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} 1 - \frac{|x|}{2} & |x| \le 2 \\ 0 & |x| > 2 \end{cases}",
        range=closed(-1.0, 1.0),
        derivative_range=closed(0.0, 1.0),
        monotonic=True,
        smoothness=1,
        kinks=(
            Kink(
                -2.0, 0.0, "f' is continuous (0 on both sides); f'' jumps from 0 to 1/2, so SQNL is C^1 here"
            ),
            Kink(0.0, 1.0, "f' is continuous (1 on both sides); f'' jumps from 1/2 to -1/2"),
            Kink(2.0, 0.0, "f' is continuous (0 on both sides); f'' jumps from -1/2 to 0"),
        ),
        approximates_identity=True,
        references=(
            Reference(
                "Wuraola, A. and Patel, N.",
                2018,
                "SQNL: A New Computationally Efficient Activation Function (IJCNN 2018)",
                "https://doi.org/10.1109/IJCNN.2018.8489043",
            ),
        ),
        note="A tanh look-alike built from a square and a clip, cheap on hardware without fast "
        "exponentials. It saturates exactly at |x| >= 2, so the gradient there is exactly zero.",
        examples=(
            Example(-2.0, -1.0),
            Example(-0.5, -0.4375),
            Example(1.0, 0.75),
            Example(3.0, 1.0),
            Example(-1.0, 0.5, of="derivative"),
            Example(1.0, 0.5, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="soft_clipping",
        aliases=("soft_clip",),
        family="sigmoidal",
        summary="Soft clipping: a smooth version of clip(x, 0, 1), linear in between and sharper as alpha grows.",
        forward=_soft_clipping,
        derivative=_soft_clipping_d,
        reference=_ref_soft_clipping,
        formula=r"f(x) = \frac{1}{\alpha} \log \frac{1 + e^{\alpha x}}{1 + e^{\alpha (x - 1)}}",
        derivative_formula=r"f'(x) = \sigma(\alpha x) - \sigma(\alpha (x - 1)) "
        r"= \tfrac12 \sinh\tfrac{\alpha}{2}\, \mathrm{sech}\tfrac{\alpha x}{2}\, "
        r"\mathrm{sech}\tfrac{\alpha (1 - x)}{2}",
        params=(
            Param(
                "alpha",
                1.0,
                bounds=POS,
                doc="sharpness; as alpha grows f tends to clip(x, 0, 1). The paper fixes no default; "
                "1.0 is our choice",
                test_values=(10.0,),
            ),
        ),
        range=open_(0.0, 1.0),
        derivative_range=lambda p: Interval(0.0, _up(mp.tanh(mp.mpf(p["alpha"]) / 4)), False, True),
        monotonic=True,
        float32_ulp=90,
        float32_ulp_why="alpha * x and alpha * (1 - x) are rounded before exp; e^(alpha x) turns that relative "
        "error into |alpha x| ulp, up to ~88 before float32 underflows (64 ulp measured at "
        "alpha=10 near x=-8 and x=7.6; 0.5 ulp at alpha=1, where the product is exact)",
        references=(SOFT_CLIP_PAPER,),
        note="Keeps outputs in (0, 1) like a sigmoid but is nearly linear between 0 and 1, so values "
        "inside the interval pass almost unchanged; alpha trades smoothness for sharpness. The "
        "gradient vanishes outside [0, 1].",
        examples=(
            Example(-2.0, 0.0783406594692304),
            Example(-0.5, 0.272663706197354),
            Example(1.0, 0.620114506958278),
            Example(3.0, 0.92165934053077),
            Example(-1.0, 0.149738499347878, of="derivative"),
            Example(1.0, 0.231058578630005, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="smht",
        aliases=("soboleva_modified_hyperbolic_tangent",),
        family="sigmoidal",
        summary="The Soboleva modified hyperbolic tangent: tanh with separate rates a, b, c, d for each "
        "exponential.",
        forward=_smht,
        derivative=_smht_d,
        reference=_ref_smht,
        formula=r"f(x) = \frac{e^{a x} - e^{-b x}}{e^{c x} + e^{-d x}}",
        derivative_formula=r"f'(x) = \frac{(a - c) e^{(a + c) x} + (a + d) e^{(a - d) x} + (b + c) e^{(c - b) x} "
        r"+ (b - d) e^{-(b + d) x}}{\left(e^{c x} + e^{-d x}\right)^2}",
        params=(
            Param(
                "a",
                1.0,
                bounds=POS,
                doc="rate of the positive exponential in the numerator; a > c makes f "
                "grow without bound for x -> inf, a < c makes it return to 0",
                test_values=(0.5,),
            ),
            Param(
                "b",
                1.0,
                bounds=POS,
                doc="rate of the negative exponential in the numerator (mirror of a for x -> -inf)",
                test_values=(0.5,),
            ),
            Param(
                "c",
                1.0,
                bounds=POS,
                doc="rate of the positive exponential in the denominator",
                test_values=(2.0,),
            ),
            Param(
                "d",
                1.0,
                bounds=POS,
                doc="rate of the negative exponential in the denominator",
                test_values=(3.0,),
            ),
        ),
        test_params=({"a": 0.2, "b": 0.4, "c": 0.6, "d": 0.8}, {"a": 2.0, "b": 0.5, "c": 2.0, "d": 0.5}),
        range=_smht_range,
        derivative_range=lambda p: Interval(0.0, 1.0, False, True) if _smht_tanh_like(p) else None,
        monotonic=_smht_monotonic,
        float32_ulp=90,
        float32_ulp_why="the parameter-scaled exponents k x (k = a + c + 2d, a - d - 2c, ...) are rounded before "
        "exp, which turns that into |k x| relative ulp, up to ~88 before float32 underflows "
        "(64 ulp measured at a = c = 2, b = d = 0.5, x = -29.8; 12.6 on the check grid; 2.5 at "
        "the default a = b = c = d = 1, where the products are exact)",
        approximates_identity=lambda p: abs(p["a"] + p["b"] - 2.0) < 1e-12,
        references=(
            Reference(
                "Wikipedia contributors",
                2023,
                "Soboleva modified hyperbolic tangent",
                "https://en.wikipedia.org/wiki/Soboleva_modified_hyperbolic_tangent",
            ),
            WIKI_TABLE,
        ),
        note="A four-parameter generalisation of tanh (the defaults a = b = c = d = 1 give tanh exactly; "
        "no canonical default exists). It is monotonic only when a >= c and b >= d; otherwise it "
        "rises and falls back to 0, and with a > c or b > d it is unbounded.",
        examples=(
            Example(-2.0, -0.964027580075817),
            Example(-0.5, -0.46211715726001),
            Example(1.0, 0.761594155955765),
            Example(3.0, 0.99505475368673),
            Example(-1.0, 0.419974341614026, of="derivative"),
            Example(1.0, 0.419974341614026, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="lecun_tanh",
        aliases=("scaled_tanh",),
        family="sigmoidal",
        summary="LeCun's scaled tanh 1.7159 tanh(2x/3), chosen so that f(+-1) = +-1.",
        forward=lambda x, ops: _LECUN_A * ops.tanh(_LECUN_B * x),
        derivative=_lecun_tanh_d,
        reference=lambda x: mp.mpf("1.7159") * mp.tanh(2 * x / 3),
        formula=r"f(x) = 1.7159 \tanh\left(\tfrac{2}{3} x\right)",
        derivative_formula=r"f'(x) = 1.7159 \cdot \tfrac23\, \mathrm{sech}^2\left(\tfrac{2}{3} x\right)",
        range=open_(_down(-mp.mpf("1.7159")), _up(mp.mpf("1.7159"))),
        derivative_range=Interval(0.0, _up(mp.mpf("1.7159") * 2 / 3), False, True),
        monotonic=True,
        references=(
            Reference(
                "LeCun, Y., Bottou, L., Orr, G. B. and Mueller, K.-R.",
                1998,
                "Efficient BackProp (Neural Networks: Tricks of the Trade, LNCS 1524)",
                "https://doi.org/10.1007/3-540-49430-8_2",
            ),
        ),
        note="Scaled so that unit-variance inputs give roughly unit-variance outputs and targets of +-1 "
        "sit in the steep part, not at the asymptotes; the gain at 0 is about 1.14. Still saturates "
        "like tanh for large |x|.",
        examples=(
            Example(1.0, 1.0, 4, source="LeCun et al. 1998: f(+-1) = +-1"),
            Example(-1.0, -1.0, 4, source="LeCun et al. 1998: f(+-1) = +-1"),
        ),
    )
)
