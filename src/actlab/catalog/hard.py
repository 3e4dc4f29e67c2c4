"""Hard (piecewise-polynomial) approximations of smooth functions: hard sigmoid, sparse sigmoid,
hard swish, hard mish."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Line
from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    FY_PAPER,
    INF,
    POS,
    REALS,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    closed,
)
from ._piecewise import clipped, piecewise_linear
from .self_gated import MISH_PAPER

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


# ----------------------------------------------------------------------------- hard swish / hard mish
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
        FY_PAPER,
        BINARYCONNECT,
    ),
    note="The sigmoid's sparse twin: its output is exactly 0 or 1 outside [-1, 1], giving sparse "
    "activations and zero gradients there. It is the hard sigmoid with slope 1/2, offset 1/2, "
    "and the derivative of sparse_plus.",
    examples=(Example(0.0, 0.5, 12), Example(6.0, 1.0, 12), Example(-6.0, 0.0, 12)),
)


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
        references=(HARD_SIGMOID_PAPER,),
        note="Cheap to compute (no exp) and close to SiLU/swish, which is why MobileNetV3 uses it; "
        "quantises well. Unlike SiLU it is only C^0: its slope jumps at -3 and +3.",
        examples=(
            Example(-1.5, -0.375, source="minimum at x = -1.5"),
            Example(1.0, 2.0 / 3.0),
            Example(4.0, 4.0),
        ),
    )
)


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
