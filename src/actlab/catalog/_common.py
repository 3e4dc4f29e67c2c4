"""Small helpers shared by catalog files: NaN propagation, common papers, constants."""

from __future__ import annotations

import math

from ..spec import INF, Example, Interval, Kink, Param, Reference  # noqa: F401  (re-exported)

__all__ = [
    "INF",
    "Example",
    "Interval",
    "Kink",
    "Param",
    "Reference",
    "keep_nan",
    "step",
    "REALS",
    "NONNEG",
    "POS",
    "UNIT",
    "closed",
    "open_",
    "SQRT_2",
    "SQRT_2_OVER_PI",
    "WIKI_TABLE",
    "PYTORCH",
    "GUIDE",
    "FY_PAPER",
    "ISRLU_PAPER",
    "horner",
]

SQRT_2 = math.sqrt(2.0)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)

REALS = Interval()
NONNEG = Interval(0.0, INF, lo_closed=True)
POS = Interval(0.0, INF)
UNIT = Interval(0.0, 1.0, lo_closed=True, hi_closed=True)


def closed(lo: float, hi: float) -> Interval:
    return Interval(lo, hi, lo_closed=True, hi_closed=True)


def open_(lo: float, hi: float) -> Interval:
    return Interval(lo, hi)


def keep_nan(x, y, ops):
    """y, but NaN wherever x is NaN (for results that do not depend on x arithmetically).

    max(y, -inf - |x|): the second operand is -inf for every x but NaN, and maximum propagates
    NaN; three cheap passes where isnan and a select took six (the select branches per element).
    """
    return ops.maximum(y, -math.inf - ops.abs(x))


def step(cond, x, ops, if_true=1.0, if_false=0.0):
    """A 0/1-style indicator in x's dtype that propagates NaN: ``if_true`` where ``cond``.

    Comparisons with NaN are False, so NaN is restored explicitly.
    """
    if (if_true, if_false) == (1.0, 0.0):
        return keep_nan(x, ops.indicator(cond, x), ops)
    return keep_nan(x, ops.where(cond, ops.full_like(x, if_true), ops.full_like(x, if_false)), ops)


GUIDE = "beginners' guide worked example"  # the source of examples taken from the classic guides


def horner(y, coeffs):
    """coeffs[0] + coeffs[1] y + ... by Horner (the first step multiplies, so the result is an array)."""
    acc = y * coeffs[-1] + coeffs[-2]
    for c in reversed(coeffs[:-2]):
        acc = acc * y + c
    return acc


WIKI_TABLE = Reference(
    "Wikipedia contributors",
    2018,
    "Activation function: table of activation functions",
    "https://en.wikipedia.org/wiki/Activation_function",
)
PYTORCH = Reference(
    "Paszke et al.",
    2019,
    "PyTorch: An Imperative Style, High-Performance Deep Learning Library",
    "https://arxiv.org/abs/1912.01703",
)


def zero_times(a, v, ops):
    """a * v, where an infinite factor times a zero is 0 (signed as the product), not NaN: the
    limit wherever the zero is exact for every finite value of the other factor (a zero slope or
    weight, relu(b) = 0) or vanishes faster than it grows (sigma(b) as b -> -inf)."""
    if isinstance(a, (int, float)) and a != 0 and math.isfinite(a):
        return a * v  # a finite non-zero number times anything is never a new NaN
    if isinstance(a, (int, float)):
        a = ops.full_like(v, float(a))
    if isinstance(v, (int, float)):
        v = ops.full_like(a, float(v))
    p = a * v
    bad = ops.isnan(p) & ~ops.isnan(a) & ~ops.isnan(v)

    def fixed():
        zero = ops.where((a < 0.0) != (v < 0.0), ops.full_like(p, -0.0), ops.zeros_like(p))
        return ops.where(bad, zero, p)

    return ops.where_lazy(bad, fixed, lambda: p)


# papers cited by functions of more than one family
FY_PAPER = Reference(
    "Blondel, M., Martins, A. F. T. and Niculae, V.",
    2020,
    "Learning with Fenchel-Young Losses",
    "https://arxiv.org/abs/1901.02324",
)

ISRLU_PAPER = Reference(
    "Carlile, B., Delamarter, G., Kinney, P., Marti, A. and Whitney, B.",
    2017,
    "Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)",
    "https://arxiv.org/abs/1710.09967",
)
