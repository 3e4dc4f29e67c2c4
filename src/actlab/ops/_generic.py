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
