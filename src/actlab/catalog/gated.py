"""Gated linear units: the input is split in halves (a, b) along an axis, f = a * g(b)."""

from __future__ import annotations

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec, Reference
from ._common import REALS

GLU_PAPER = Reference("Dauphin, Y. N., Fan, A., Auli, M. and Grangier, D.", 2017,
                      "Language Modeling with Gated Convolutional Networks", "https://arxiv.org/abs/1612.08083")


def _glu(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return a * ops.sigmoid(b)


def _glu_d(x, ops, axis):
    a, b = ops.split_half(x, axis)
    return ops.concat([ops.sigmoid(b), a * ops.sigmoid(b) * ops.sigmoid(-b)], axis)


register(ActivationSpec(
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
))
