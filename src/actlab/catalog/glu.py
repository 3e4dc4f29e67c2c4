"""Gated linear units: the input split in halves a, b and f = a * gate(b)."""

from __future__ import annotations

from typing import Any

from ..registry import register, spec
from ..spec import ActivationSpec, Reference
from . import linear as _linear  # noqa: F401  (the gates are registered in these modules)
from . import rectifier, self_gated, sigmoidal  # noqa: F401
from ._common import REALS, zero_times

GLU_PAPER = Reference(
    "Dauphin, Y. N., Fan, A., Auli, M. and Grangier, D.",
    2017,
    "Language Modeling with Gated Convolutional Networks",
    "https://arxiv.org/abs/1612.08083",
)


GLU_VARIANTS = Reference(
    "Shazeer, N.", 2020, "GLU Variants Improve Transformer", "https://arxiv.org/abs/2002.05202"
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


def gated_by(gate_name: str, **fields: Any) -> ActivationSpec:
    """Register a*g(b) where g is the catalog activation ``gate_name``."""
    g = spec(gate_name)
    linear = gate_name == "identity"

    def forward(x, ops, axis, **p):
        a, b = ops.split_half(x, axis)
        return zero_times(a, g.forward(b, ops, **p), ops)

    def partials(x, ops, axis, **p):
        a, b = ops.split_half(x, axis)
        if linear:  # the bilinear unit: d/da = b, d/db = a, without a product with ones
            return b, a
        return g.forward(b, ops, **p), zero_times(a, g.derivative(b, ops, **p), ops)

    def derivative(x, ops, axis, **p):
        return ops.concat(list(partials(x, ops, axis, **p)), axis)

    def reference(a, b, **p):
        return a * g.reference(b, **p)

    budget = g.float32_ulp + 2  # one more rounding: the product with a
    why = f"a times the {g.name} gate ({g.float32_ulp} ulp): {g.float32_ulp_why}" if g.float32_ulp_why else ""
    return register(
        ActivationSpec(
            kind="gated",
            family="glu",
            forward=forward,
            derivative=derivative,
            partials=partials,
            gate=g.name,
            reference=reference,
            params=g.params,
            kinks=g.kinks,
            smoothness=g.smoothness,
            range=REALS,
            monotonic=False,
            float32_ulp=budget,
            float32_ulp_why=why,
            **fields,
        )
    )


gated_by(
    "sigmoid",
    name="glu",
    summary="The gated linear unit: first half times the sigmoid of the second half.",
    formula=r"f(a, b) = a \otimes \sigma(b), \quad x = [a; b]",
    derivative_formula=r"\frac{\partial f}{\partial a} = \sigma(b), \quad "
    r"\frac{\partial f}{\partial b} = a\,\sigma(b)(1 - \sigma(b))",
    references=(GLU_PAPER,),
    note=GATED_NOTE + "The gate lets the network learn what to pass through; the basis of "
    "SwiGLU/GEGLU in transformers.",
)


gated_by(
    "relu",
    name="reglu",
    summary="ReLU-gated linear unit: first half times the ReLU of the second half.",
    formula=r"f(a, b) = a \otimes \max(0, b), \quad x = [a; b]",
    derivative_formula=r"\frac{\partial f}{\partial a} = \max(0, b), \quad "
    r"\frac{\partial f}{\partial b} = a\,[b > 0]",
    references=(GLU_VARIANTS,),
    note=GATED_NOTE + "The cheapest GLU variant; Shazeer's transformer experiments rank it close to "
    "GEGLU and SwiGLU. Where b <= 0 the unit passes nothing and neither half gets a gradient.",
)


gated_by(
    "gelu",
    name="geglu",
    summary="GELU-gated linear unit: first half times the GELU of the second half.",
    formula=r"f(a, b) = a \otimes b\,\Phi(b), \quad x = [a; b]",
    derivative_formula=r"\frac{\partial f}{\partial a} = b\,\Phi(b), \quad "
    r"\frac{\partial f}{\partial b} = a\,\big(\Phi(b) + b\,\varphi(b)\big)",
    references=(GLU_VARIANTS, self_gated.GELU_PAPER),
    note=GATED_NOTE + "A smooth gate that lets small negative values through; in Shazeer's "
    "experiments it and SwiGLU gave the best perplexities. `approximate='tanh'` uses GELU's tanh form.",
)


gated_by(
    "silu",
    name="swiglu",
    summary="SiLU/Swish-gated linear unit: first half times b * sigmoid(b) of the second half.",
    formula=r"f(a, b) = a \otimes b\,\sigma(b), \quad x = [a; b]",
    derivative_formula=r"\frac{\partial f}{\partial a} = b\,\sigma(b), \quad "
    r"\frac{\partial f}{\partial b} = a\,\sigma(b)\big(1 + b\,(1 - \sigma(b))\big)",
    references=(GLU_VARIANTS, *self_gated.SILU_PAPERS),
    note=GATED_NOTE + "The feed-forward activation of many large language models (PaLM, LLaMA); "
    "smooth, with a non-monotone dip for negative b. Uses Swish with beta = 1 (SiLU).",
)


gated_by(
    "identity",
    name="bilinear",
    aliases=("bilinear_glu",),
    summary="The bilinear layer: elementwise product of the two halves, a GLU without a gate nonlinearity.",
    formula=r"f(a, b) = a \otimes b, \quad x = [a; b]",
    derivative_formula=r"\frac{\partial f}{\partial a} = b, \quad \frac{\partial f}{\partial b} = a",
    references=(GLU_VARIANTS, BILINEAR_PAPER),
    note=GATED_NOTE + "No squashing at all: the product of two linear projections, which Shazeer "
    "found competitive with the gated variants. Unbounded and quadratic in the input, so "
    "activations can grow quickly in deep stacks.",
)
