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

__all__ = [
    "ZERO_CENTRED_TOLERANCE",
    "gaussian_moments",
    "init_gain",
    "value_at_zero",
    "derivative_at_zero",
    "zero_centred",
]

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


# |E f(z)| <= 5% of its root mean square: the functions this separates sit at 0.001 or below
# (tanh, softsign, selu, star_relu, ...) or at 0.17 and above (elu 0.20, gelu 0.43, relu 0.57)
ZERO_CENTRED_TOLERANCE = 0.05


def zero_centred(name: str, **params: Any) -> bool:
    """Whether f's output has mean 0 for a standard normal input: |E f(z)| <= 5% of sqrt(E f(z)^2).

    This is the textbook sense ("tanh is zero-centred, sigmoid and ReLU are not"): the mean output
    a unit passes on, which decides whether the next layer's weight gradients all share a sign. A
    function that merely takes both signs (leaky ReLU, ELU, GELU) is not zero-centred by it. It is
    computed from this definition, not declared per function. Gated units a * g(b) with independent
    halves have mean E[a] E[g(b)] = 0: zero-centred; the softmax family and sparsemax output
    probabilities (or their logarithms): not."""
    s = get_spec(name)
    if s.kind == "gated":
        return True
    if s.kind == "vector":
        return False
    m1, m2 = gaussian_moments(name, **params)
    return abs(m1) <= ZERO_CENTRED_TOLERANCE * math.sqrt(m2)
