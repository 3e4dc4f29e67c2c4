"""Primitives written once in terms of array arithmetic, shared by every ops module."""

from __future__ import annotations

from typing import Any, Sequence


def polyval(coeffs: Sequence[float], t: Any) -> Any:
    """c0 + c1 t + c2 t^2 + ... by Horner's rule (``coeffs`` from the constant term up). Generated
    C kernels evaluate it with fused multiply-adds where the CPU has them."""
    acc = coeffs[-1]
    for c in coeffs[-2::-1]:
        acc = acc * t + c
    return acc


def reduce_to(ops: Any, g: Any, shape: tuple, lead: int = 0) -> Any:
    """Sum a gradient ``g`` down to the ``shape`` of the parameter that was broadcast against the
    input (by trailing alignment); a ``lead`` axis (APL's hinges) sits in front of both and is
    kept. The chain rule's sum over every element a parameter value touched."""
    extra = len(g.shape) - len(shape)
    if extra:
        g = ops.sum(g, tuple(range(lead, lead + extra)), keepdims=False)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = ops.sum(g, axes, keepdims=True)
    return ops.reshape(g, tuple(shape))
