"""Gated linear units: the input is split in halves (a, b) along an axis, f = a * g(b)."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec, Reference
from ._common import REALS, SQRT_2, SQRT_2_OVER_PI, Kink, Param, step

GELU_TANH_C = 0.044715
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

GLU_PAPER = Reference(
    "Dauphin, Y. N., Fan, A., Auli, M. and Grangier, D.",
    2017,
    "Language Modeling with Gated Convolutional Networks",
    "https://arxiv.org/abs/1612.08083",
)


def _glu(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return a * ops.sigmoid(b)


def _glu_d(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return ops.concat([ops.sigmoid(b), a * ops.sigmoid(b) * ops.sigmoid(-b)], axis)


register(
    ActivationSpec(
        name="glu",
        kind="gated",
        family="glu",
        summary="The gated linear unit: first half times the sigmoid of the second half.",
        forward=_glu,
        derivative=_glu_d,
        reference=lambda a, b: a / (1 + mp.exp(-b)),
        formula=r"f(a, b) = a \otimes \sigma(b), \quad x = [a; b]",
        derivative_formula=r"\frac{\partial f}{\partial a} = \sigma(b), \quad "
        r"\frac{\partial f}{\partial b} = a\,\sigma(b)(1 - \sigma(b))",
        range=REALS,
        references=(GLU_PAPER,),
        note="Halves the size of its input along the axis (torch's dim=-1 default). The gate lets "
        "the network learn what to pass through; the basis of SwiGLU/GEGLU in transformers.",
    )
)

GLU_VARIANTS = Reference(
    "Shazeer, N.", 2020, "GLU Variants Improve Transformer", "https://arxiv.org/abs/2002.05202"
)
GELU_PAPER = Reference(
    "Hendrycks, D. and Gimpel, K.",
    2016,
    "Gaussian Error Linear Units (GELUs)",
    "https://arxiv.org/abs/1606.08415",
)
SILU_PAPERS = (
    Reference(
        "Elfwing, S., Uchibe, E. and Doya, K.",
        2017,
        "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning",
        "https://arxiv.org/abs/1702.03118",
    ),
    Reference(
        "Ramachandran, P., Zoph, B. and Le, Q. V.",
        2017,
        "Searching for Activation Functions",
        "https://arxiv.org/abs/1710.05941",
    ),
)
BILINEAR_PAPER = Reference(
    "Mnih, A. and Hinton, G. E.",
    2007,
    "Three New Graphical Models for Statistical Language Modelling",
    "https://doi.org/10.1145/1273496.1273577",
)

GATED_NOTE = (
    "Halves the size of its input along the axis (torch's dim=-1 default), so the projection "
    "before it is usually twice as wide. "
)


def _reglu(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return a * ops.relu(b)


def _reglu_d(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return ops.concat([ops.relu(b), a * step(b > 0, b, ops)], axis)


register(
    ActivationSpec(
        name="reglu",
        kind="gated",
        family="glu",
        summary="ReLU-gated linear unit: first half times the ReLU of the second half.",
        forward=_reglu,
        derivative=_reglu_d,
        reference=lambda a, b: a * b if b > 0 else mp.mpf(0) * a,
        formula=r"f(a, b) = a \otimes \max(0, b), \quad x = [a; b]",
        derivative_formula=r"\frac{\partial f}{\partial a} = \max(0, b), \quad "
        r"\frac{\partial f}{\partial b} = a\,[b > 0]",
        range=REALS,
        monotonic=False,
        smoothness=0,
        kinks=(
            Kink(0.0, 0.0, "in b: one-sided slopes 0 | a; the b-derivative at b = 0 is 0, as torch's relu"),
        ),
        zero_centered=True,
        references=(GLU_VARIANTS,),
        note=GATED_NOTE + "The cheapest GLU variant; Shazeer's transformer experiments rank it close to "
        "GEGLU and SwiGLU. Where b <= 0 the unit passes nothing and neither half gets a gradient.",
    )
)


def _gelu_tanh_parts(b, ops):
    # gelu_tanh(b) = b * sigma(2u). Beyond |b| = 30, sigma(2u) is exactly 0 or 1 in float64;
    # clipping there keeps b^3 finite, so autograd never meets 0 * inf.
    bc = ops.clip(b, -30.0, 30.0)
    two_u = (2.0 * SQRT_2_OVER_PI) * bc * (1.0 + GELU_TANH_C * bc * bc)
    du = (2.0 * SQRT_2_OVER_PI) * (1.0 + 3.0 * GELU_TANH_C * bc * bc)  # d(2u)/db
    return ops.sigmoid(two_u), ops.sigmoid(-two_u), du


def _gelu_tanh_gate(b, ops):
    bc = ops.clip(b, -30.0, 30.0)
    two_u = (2.0 * SQRT_2_OVER_PI) * bc * (1.0 + GELU_TANH_C * bc * bc)
    # Below 2u = -85, sigma(2u) underflows (float32: to 0 below 2u = -88) while b sigma(2u) is still a
    # normal number; there use -exp(log(-b) + log sigma(2u)). Double where: the far branch only ever
    # sees b < 0 and 2u < -85, so its log and exp stay finite for autograd.
    far = two_u < -85.0
    b_far = ops.where(far, b, ops.full_like(b, -1.0))
    t_far = ops.where(far, two_u, ops.full_like(b, -86.0))
    v_far = -ops.exp(ops.log(-b_far) + ops.log_sigmoid(t_far))
    return ops.where(far, v_far, b * ops.sigmoid(two_u))


def _gelu_gate(b, ops, approximate):
    if approximate == "tanh":
        return _gelu_tanh_gate(b, ops)
    # Phi(b) = erfc(-b / sqrt 2) / 2: no cancellation in the left tail, where 1 + erf would give 0.
    return 0.5 * b * ops.erfc(b * (-1.0 / SQRT_2))


def _gelu_gate_d(b, ops, approximate):
    if approximate == "tanh":
        s, sm, du = _gelu_tanh_parts(b, ops)
        return s + b * s * sm * du
    return 0.5 * ops.erfc(b * (-1.0 / SQRT_2)) + b * ops.exp(-0.5 * b * b) * INV_SQRT_2PI


def _geglu(x, ops, axis, approximate):
    a, b = ops.split_half(x, axis)
    return a * _gelu_gate(b, ops, approximate)


def _geglu_d(x, ops, axis, approximate):
    a, b = ops.split_half(x, axis)
    return ops.concat([_gelu_gate(b, ops, approximate), a * _gelu_gate_d(b, ops, approximate)], axis)


def _ref_geglu(a, b, approximate):
    if approximate == "tanh":
        if mp.isinf(b):
            return a * b if b > 0 else mp.mpf(0) * a
        u = mp.sqrt(2 / mp.pi) * (b + mp.mpf("0.044715") * b**3)
        # 1 + tanh(u) cancels for u << 0 (u ~ -300 at b = -20): it needs ~0.87|u| extra digits.
        # Capped at 2000: beyond, the value is below 1e-2000, zero in every float format.
        with mp.extradps(int(min(-u, 2000)) + 10 if u < 0 else 0):
            return a * b * (1 + mp.tanh(u)) / 2
    if mp.isinf(b):
        return a * b if b > 0 else mp.mpf(0) * a
    return a * b * mp.ncdf(b)


register(
    ActivationSpec(
        name="geglu",
        kind="gated",
        family="glu",
        summary="GELU-gated linear unit: first half times the GELU of the second half.",
        forward=_geglu,
        derivative=_geglu_d,
        reference=_ref_geglu,
        formula=r"f(a, b) = a \otimes b\,\Phi(b), \quad x = [a; b]",
        derivative_formula=r"\frac{\partial f}{\partial a} = b\,\Phi(b), \quad "
        r"\frac{\partial f}{\partial b} = a\,\big(\Phi(b) + b\,\varphi(b)\big)",
        params=(
            Param(
                "approximate",
                "none",
                choices=("none", "tanh"),
                doc="the GELU of the gate: 'none' is the exact b Phi(b); 'tanh' is Hendrycks and Gimpel's "
                "0.5 b (1 + tanh(sqrt(2/pi) (b + 0.044715 b^3)))",
                elsewhere=(
                    "torch F.gelu(approximate='none')",
                    "keras gelu(approximate=False)",
                    "jax.nn.gelu(approximate=True)",
                ),
                test_values=("tanh",),
            ),
        ),
        range=REALS,
        monotonic=False,
        zero_centered=True,
        float32_ulp=192,
        float32_ulp_why="the gate's argument is rounded before a steep tail: -b/sqrt(2) before erfc (condition "
        "number ~b^2) and 2u = O(b^3) before sigmoid (condition number ~|2u|); measured on a "
        "dense float32 grid: 185 ulp at b = -12.6 (exact), 153 ulp at b = -10.05 (tanh); "
        "torch's own F.gelu is off by ~1.7e7 ulp there",
        references=(GLU_VARIANTS, GELU_PAPER),
        note=GATED_NOTE + "A smooth gate that lets small negative values through; in Shazeer's "
        "experiments it and SwiGLU gave the best perplexities. Costs an erfc (or a tanh with "
        "approximate='tanh').",
    )
)


def _swiglu(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return a * (b * ops.sigmoid(b))


def _swiglu_d(x, ops, axis):
    a, b = ops.split_half(x, axis)
    s = ops.sigmoid(b)
    # silu'(b) = sigma(b) (1 + b sigma(-b)); sigma(-b) instead of 1 - sigma(b) keeps the tail exact.
    return ops.concat([b * s, a * (s * (1.0 + b * ops.sigmoid(-b)))], axis)


register(
    ActivationSpec(
        name="swiglu",
        kind="gated",
        family="glu",
        summary="SiLU/Swish-gated linear unit: first half times b * sigmoid(b) of the second half.",
        forward=_swiglu,
        derivative=_swiglu_d,
        reference=lambda a, b: mp.mpf(0) * a if b == -mp.inf else a * b / (1 + mp.exp(-b)),
        formula=r"f(a, b) = a \otimes b\,\sigma(b), \quad x = [a; b]",
        derivative_formula=r"\frac{\partial f}{\partial a} = b\,\sigma(b), \quad "
        r"\frac{\partial f}{\partial b} = a\,\sigma(b)\big(1 + b\,(1 - \sigma(b))\big)",
        range=REALS,
        monotonic=False,
        zero_centered=True,
        references=(GLU_VARIANTS, *SILU_PAPERS),
        note=GATED_NOTE + "The feed-forward activation of many large language models (PaLM, LLaMA); "
        "smooth, with a non-monotone dip for negative b. Uses Swish with beta = 1 (SiLU).",
    )
)


def _bilinear(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return a * b


def _bilinear_d(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return ops.concat([b * 1.0, a * 1.0], axis)


register(
    ActivationSpec(
        name="bilinear",
        aliases=("bilinear_glu",),
        kind="gated",
        family="glu",
        summary="The bilinear layer: elementwise product of the two halves, a GLU without a gate nonlinearity.",
        forward=_bilinear,
        derivative=_bilinear_d,
        reference=lambda a, b: a * b,
        formula=r"f(a, b) = a \otimes b, \quad x = [a; b]",
        derivative_formula=r"\frac{\partial f}{\partial a} = b, \quad \frac{\partial f}{\partial b} = a",
        range=REALS,
        monotonic=False,
        zero_centered=True,
        references=(GLU_VARIANTS, BILINEAR_PAPER),
        note=GATED_NOTE + "No squashing at all: the product of two linear projections, which Shazeer "
        "found competitive with the gated variants. Unbounded and quadratic in the input, so "
        "activations can grow quickly in deep stacks.",
    )
)
