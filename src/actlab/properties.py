"""Properties computed from a spec rather than stored: f(0), f'(0), init gain, moments under N(0,1).

Moments use 200-point Gauss–Hermite quadrature on the float64 NumPy path; kinks make the
integrand non-smooth, so the quadrature is exact only to ~1e-6 there, which is plenty for a gain.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .api import get
from .registry import spec as get_spec

__all__ = ["gaussian_moments", "init_gain", "value_at_zero", "derivative_at_zero"]

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(200)
_WEIGHTS = _WEIGHTS / math.sqrt(2.0 * math.pi)


def _elementwise(name: str, params: dict[str, Any]):
    s = get_spec(name)
    if s.kind != "elementwise":
        raise ValueError(f"{s.name} is a {s.kind} activation; this property is defined for elementwise ones")
    return get(name, **params)


def gaussian_moments(name: str, **params: Any) -> tuple[float, float]:
    """(E[f(z)], E[f(z)^2]) for z ~ N(0, 1)."""
    f = np.asarray(_elementwise(name, params)(_NODES), dtype=np.float64)
    return float(np.sum(_WEIGHTS * f)), float(np.sum(_WEIGHTS * f * f))


def init_gain(name: str, **params: Any) -> float:
    """1 / sqrt(E[f(z)^2]), z ~ N(0,1): the weight-scale gain that keeps the second moment of the
    pre-activations at 1 from layer to layer (sqrt(2) for ReLU, as He et al. 2015)."""
    _, m2 = gaussian_moments(name, **params)
    return math.inf if m2 == 0 else 1.0 / math.sqrt(m2)


def value_at_zero(name: str, **params: Any) -> float:
    return float(np.asarray(_elementwise(name, params)(np.array([0.0])))[0])


def derivative_at_zero(name: str, **params: Any) -> float:
    return float(np.asarray(_elementwise(name, params).derivative(np.array([0.0])))[0])
