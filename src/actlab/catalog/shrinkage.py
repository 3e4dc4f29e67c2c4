"""Shrinkage and hard (piecewise-polynomial) functions: hard/soft/tanh shrink, hard swish, hard mish."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ..registry import register
from ..spec import ActivationSpec
from ._common import INF, NONNEG, PYTORCH, REALS, Example, Interval, Kink, Param, Reference, closed
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


def _tanhshrink_series():
    # x coth x - 1 = sum_{n>=1} 4^n B_{2n} x^{2n} / (2n)!  (radius pi). 15 terms keep the truncation
    # below 1e-14 relative for |x| < 1, the switch point below.
    with mp.workdps(30):
        return tuple(float(4**n * mp.bernoulli(2 * n) / mp.factorial(2 * n)) for n in range(1, 16))


_XCOTHX = _tanhshrink_series()
_TS_SWITCH = 1.0  # float32 x - tanh(x) is within 2 ulp from here on (measured); below it cancels


def _poly(y, coeffs):
    """coeffs[0] + coeffs[1] y + ... by Horner (the first step multiplies, so the result is an array)."""
    acc = y * coeffs[-1] + coeffs[-2]
    for c in reversed(coeffs[:-2]):
        acc = acc * y + c
    return acc


def _tanhshrink(x, ops):
    # Near 0, x - tanh x cancels (1e-8 would give 0, not 3.3e-25). There we use
    # x - tanh x = tanh(x) * (x coth x - 1), a product of two well-conditioned factors, the second
    # by its series; the double where keeps the unused series away from huge x.
    small = ops.abs(x) < _TS_SWITCH
    xs = ops.where(small, x, ops.zeros_like(x))
    y = xs * xs
    near = ops.tanh(xs) * (y * _poly(y, _XCOTHX))
    return ops.where(small, near, x - ops.tanh(x))


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


# ----------------------------------------------------------------------------- hard swish / hard mish
HOWARD = Reference(
    "Howard, A., Sandler, M., Chu, G., Chen, L.-C., Chen, B., Tan, M., Wang, W., Zhu, Y., "
    "Pang, R., Vasudevan, V., Le, Q. V. and Adam, H.",
    2019,
    "Searching for MobileNetV3",
    "https://arxiv.org/abs/1905.02244",
)


def _hardswish(x, ops):
    outside = (x <= -3.0) | (x >= 3.0)
    m = ops.where(outside, ops.zeros_like(x), x)  # keeps m * (m + 3) finite in the unused branch
    # `<=` / `>=` give autograd 0 at -3 and 1 at 3 (torch >= 2.7); NaN falls into the middle branch.
    # float32 kernels multiply by 1/6 (a division per element was most of their cost; 1.5 ulp)
    mid = ops.float32_form(lambda: m * (m + 3.0) * (1.0 / 6.0), lambda: m * (m + 3.0) / 6.0)
    return ops.where(x <= -3.0, ops.zeros_like(x), ops.where(x >= 3.0, x, mid))


def _hardswish_d(x, ops):
    # (2x + 3) / 6 rather than x/3 + 1/2: 2x + 3 is exact near the zero at x = -1.5.
    slope = ops.float32_form(lambda: (2.0 * x + 3.0) * (1.0 / 6.0), lambda: (2.0 * x + 3.0) / 6.0)
    inner = ops.where(x >= 3.0, ops.ones_like(x), slope)
    return ops.where(x <= -3.0, ops.zeros_like(x), inner)


register(
    ActivationSpec(
        name="hardswish",
        aliases=("hard_swish", "hard_silu"),
        family="hard",
        summary="The hard swish x * relu6(x + 3) / 6: a piecewise-quadratic SiLU for mobile networks.",
        forward=_hardswish,
        derivative=_hardswish_d,
        reference=lambda x: mp.mpf(0) if x <= -3 else (x if x >= 3 else x * (x + 3) / 6),
        formula=r"f(x) = x\,\frac{\min(\max(x + 3, 0), 6)}{6} = \begin{cases} 0 & x \le -3 \\ "
        r"x (x + 3) / 6 & -3 < x < 3 \\ x & x \ge 3 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} 0 & x \le -3 \\ (2x + 3)/6 & -3 < x < 3 \\ 1 & x \ge 3 "
        r"\end{cases}",
        range=Interval(-0.375, INF, True, False),
        derivative_range=Interval(-0.5, 1.5),
        monotonic=False,
        smoothness=0,
        kinks=(
            Kink(-3.0, 0.0, "one-sided slopes 0 | -1/2; f'(-3) = 0 as torch >= 2.7 (torch <= 2.6 gave -1/2)"),
            Kink(3.0, 1.0, "one-sided slopes 3/2 | 1; f'(3) = 1 as torch >= 2.7 (torch <= 2.6 gave 3/2)"),
        ),
        references=(HOWARD,),
        note="Cheap to compute (no exp) and close to SiLU/swish, which is why MobileNetV3 uses it; "
        "quantises well. Unlike SiLU it is only C^0: its slope jumps at -3 and +3.",
        examples=(
            Example(-1.5, -0.375, source="minimum at x = -1.5"),
            Example(1.0, 2.0 / 3.0),
            Example(4.0, 4.0),
        ),
    )
)

MISH_PAPER = Reference(
    "Misra, D.",
    2019,
    "Mish: A Self Regularized Non-Monotonic Activation Function",
    "https://arxiv.org/abs/1908.08681",
)
HMISH_NOTES = Reference(
    "Misra, D.",
    2020,
    "H-Mish (notes in the Mish author's repository; the source timm's HardMish cites, not a paper)",
    "https://github.com/digantamisra98/H-Mish",
)
TIMM = Reference(
    "Wightman, R.",
    2019,
    "PyTorch Image Models (timm): HardMish in timm/layers/activations.py",
    "https://github.com/huggingface/pytorch-image-models",
)


def _hard_mish(x, ops):
    # Zeroing x below -2 first keeps -inf * 0 out of the product; at x = -2 itself the clip
    # branch is used, so autograd gives -1 there like timm's clamp-based definition.
    xs = ops.where(x < -2.0, ops.zeros_like(x), x)
    return 0.5 * xs * ops.clip(xs + 2.0, 0.0, 2.0)


register(
    ActivationSpec(
        name="hard_mish",
        aliases=("hardmish",),
        family="hard",
        summary="The hard mish x * clip(x + 2, 0, 2) / 2: a piecewise-quadratic stand-in for mish.",
        forward=_hard_mish,
        derivative=lambda x, ops: ops.where(
            x < -2.0, ops.zeros_like(x), ops.where(x > 0.0, ops.ones_like(x), x + 1.0)
        ),
        reference=lambda x: x if x >= 0 else (mp.mpf(0) if x <= -2 else x * (x + 2) / 2),
        formula=r"f(x) = \tfrac12\,x\,\min(\max(x + 2, 0), 2) = \begin{cases} 0 & x \le -2 \\ "
        r"x (x + 2) / 2 & -2 < x < 0 \\ x & x \ge 0 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} 0 & x < -2 \\ x + 1 & -2 \le x \le 0 \\ 1 & x > 0 \end{cases}",
        range=Interval(-0.5, INF, True, False),
        derivative_range=closed(-1.0, 1.0),
        monotonic=False,
        smoothness=0,
        kinks=(
            Kink(
                -2.0,
                -1.0,
                "one-sided slopes 0 | -1; f'(-2) = -1, what autograd gives for timm's "
                "0.5 * x * clamp(x + 2, 0, 2) (clamp passes the gradient at its bounds). "
                "At 0 the slopes agree (1 | 1): f is C^1 there, only f'' jumps",
            ),
        ),
        approximates_identity=True,
        references=(TIMM, HMISH_NOTES, MISH_PAPER),
        note="Mimics mish's shape (a small negative dip, minimum -1/2 at x = -1, identity for x >= 0) "
        "with no transcendental functions. Experimental: it comes from timm, based on notes by "
        "the Mish author, and has no paper of its own.",
        examples=(Example(-1.0, -0.5, source="minimum at x = -1"), Example(-2.0, 0.0), Example(3.0, 3.0)),
    )
)
