"""Functions of a whole vector along an axis: the softmax family and sparsemax."""

from __future__ import annotations

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import WIKI_TABLE, Interval


def _softmax(x, ops, axis):
    # Shift by the max: exp never overflows and the largest term is exactly 1.
    e = ops.exp(x - ops.amax(x, axis))
    return e / ops.sum(e, axis)


def _softmax_vjp(x, g, ops, axis):
    p = _softmax(x, ops, axis)
    return p * (g - ops.sum(g * p, axis))


def _ref_softmax(xs):
    m = max(xs)
    e = [mp.exp(v - m) for v in xs]
    s = mp.fsum(e)
    return [v / s for v in e]


register(ActivationSpec(
    name="softmax",
    kind="vector",
    family="softmax",
    summary="The softmax along an axis: exponentials normalised to a probability distribution.",
    forward=_softmax,
    vjp=_softmax_vjp,
    reference=_ref_softmax,
    formula=r"f(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
    derivative_formula=r"\frac{\partial f_i}{\partial x_j} = f_i (\delta_{ij} - f_j)",
    range=Interval(0.0, 1.0, True, True),
    monotonic=False,
    float32_ulp=16,
    float32_ulp_why="x - max(x) is rounded before exp; exp amplifies that by |x - max(x)| (~8 ulp at 9)",
    references=(WIKI_TABLE,),
    note="Turns logits into class probabilities that sum to one: the output layer for multi-class "
         "classification. Shift-invariant; computed with the max subtracted so huge logits are safe.",
))
