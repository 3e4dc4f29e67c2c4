"""Squashing functions: smooth and piecewise sigmoids (softsign, arctan, ISRU, SQNL, soft clipping,
smht, LeCun's scaled tanh), the hard sigmoids, and the bent identity."""

from __future__ import annotations

import math

from mpmath import mp

from ..piecewise import Line
from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    INF,
    POS,
    REALS,
    WIKI_TABLE,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    closed,
    open_,
)
from ._piecewise import clipped, piecewise_linear


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

# ----------------------------------------------------------------------------- arctan


def _arctan_d(x, ops):
    # 1 / (1 + x^2) as written: three roundings (<= 1.5 ulp), no select. x^2 overflows only where
    # f' = 1/x^2 is subnormal (|x| > 1.8e19 in float32, 1.3e154 in float64), and there the result
    # is 0, an absolute error below 3e-39 (float32) or 6e-309 (float64); f'(+-inf) = 0.
    return ops.reciprocal(1.0 + x * x)


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

# ----------------------------------------------------------------------------- ISRU
ISRU_PAPER = Reference(
    "Carlile, B., Delamarter, G., Kinney, P., Marti, A. and Whitney, B.",
    2017,
    "Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)",
    "https://arxiv.org/abs/1710.09967",
)


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
        references=(ISRU_PAPER,),
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

# ----------------------------------------------------------------------------- SQNL


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

# ----------------------------------------------------------------------------- hard sigmoids
HARD_SIGMOID_PAPER = Reference(
    "Howard, A., Sandler, M., Chu, G., Chen, L.-C., Chen, B., Tan, M., Wang, W., "
    "Zhu, Y., Pang, R., Vasudevan, V., Le, Q. V. and Adam, H.",
    2019,
    "Searching for MobileNetV3",
    "https://arxiv.org/abs/1905.02244",
)
# BinaryConnect's "hard sigmoid" is clip((x + 1)/2, 0, 1): the sparse sigmoid below.
BINARYCONNECT = Reference(
    "Courbariaux, M., Bengio, Y. and David, J.-P.",
    2015,
    "BinaryConnect: Training Deep Neural Networks with binary weights during propagations",
    "https://arxiv.org/abs/1511.00363",
)


def _corners(slope, offset):
    # The same Python expressions as the Kinks' `at`, so the corner tests hit them exactly.
    return -offset / slope, (1.0 - offset) / slope


def _ramp_pieces(slope, offset, why_lo, why_hi):
    # (x - lo) * slope, not slope * x + offset: x - lo is exact near the lower corner, where the
    # other form cancels (42 ulp in float32 at x = -2.99)
    lo, hi = _corners(slope, offset)
    return clipped(lo, hi, Line(slope, lo, 0.0), why_lo, why_hi)


def _hardsigmoid_pieces(p):
    return _ramp_pieces(
        p["slope"],
        p["offset"],
        "one-sided slopes 0 | slope; f' = 0 at the corner as torch (gradient only strictly inside; "
        "TF's clip would give slope)",
        "one-sided slopes slope | 0; f' = 0 at the corner as torch",
    )


SPARSE_SIGMOID = _ramp_pieces(
    0.5,
    0.5,
    "one-sided slopes 0 | 1/2; f' = 0 at the corner, the rule of torch's hardsigmoid (jax "
    "differentiates its clip with its own tie rule)",
    "one-sided slopes 1/2 | 0; f' = 0 at the corner, as at -1",
)


piecewise_linear(
    _hardsigmoid_pieces,
    name="hardsigmoid",
    aliases=("hard_sigmoid",),
    family="hard",
    summary="The hard sigmoid clip(slope x + offset, 0, 1); the default is torch's relu6(x + 3) / 6.",
    reference=lambda x, slope, offset: min(max(slope * x + offset, mp.mpf(0)), mp.mpf(1)),
    formula=r"f(x) = \min(\max(s x + o,\ 0),\ 1), \quad s = \tfrac16,\ o = \tfrac12 "
    r"\text{ by default}",
    derivative_formula=r"f'(x) = \begin{cases} s & 0 < s x + o < 1 \\ 0 & \text{otherwise} \end{cases}",
    params=(
        Param(
            "slope",
            1 / 6,
            bounds=POS,
            doc="slope of the linear part; 1/6 puts the corners at -3 and 3",
            elsewhere=(
                "torch Hardsigmoid / keras>=3 hard_sigmoid / jax.nn.hard_sigmoid: 1/6",
                "keras<=2.15 / Theano / ONNX HardSigmoid: slope 0.2 (alpha=0.2)",
            ),
            test_values=(0.2,),
        ),
        Param(
            "offset",
            0.5,
            bounds=REALS,
            doc="value at x = 0 before clipping",
            elsewhere=("ONNX HardSigmoid(beta=0.5)",),
        ),
    ),
    references=(HARD_SIGMOID_PAPER, BINARYCONNECT),
    note="A piecewise-linear sigmoid: no exponential, exactly 0 and 1 outside the ramp, which makes it "
    "cheap and quantisation-friendly (MobileNetV3). Its gradient is exactly zero once saturated. "
    "Libraries disagree on the slope: 1/6 (torch, Keras 3, JAX) vs 0.2 (Keras 2, Theano, ONNX).",
    examples=(Example(1.0, 2.0 / 3.0, 12), Example(1.0, 0.7, 12, params={"slope": 0.2})),
)

piecewise_linear(
    SPARSE_SIGMOID,
    name="sparse_sigmoid",
    family="hard",
    summary="The sparse sigmoid clip((x + 1)/2, 0, 1) of JAX and Keras 3: exactly 0 below -1 and 1 above 1.",
    reference=lambda x: min(max((x + 1) / 2, mp.mpf(0)), mp.mpf(1)),
    formula=r"f(x) = \min\left(\max\left(\tfrac{x + 1}{2},\ 0\right),\ 1\right)",
    derivative_formula=r"f'(x) = \begin{cases} \tfrac12 & -1 < x < 1 \\ 0 & |x| \ge 1 \end{cases}",
    references=(
        Reference(
            "Blondel, M., Martins, A. F. T. and Niculae, V.",
            2020,
            "Learning with Fenchel-Young Losses",
            "https://arxiv.org/abs/1901.02324",
        ),
        BINARYCONNECT,
    ),
    note="The sigmoid's sparse twin: its output is exactly 0 or 1 outside [-1, 1], giving sparse "
    "activations and zero gradients there. It is the hard sigmoid with slope 1/2, offset 1/2, "
    "and the derivative of sparse_plus.",
    examples=(Example(0.0, 0.5, 12), Example(6.0, 1.0, 12), Example(-6.0, 0.0, 12)),
)

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

# ----------------------------------------------------------------------------- bent identity


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
