"""Few-bit codes of a derivative: the piecewise-constant f' with the least mean-squared error.

A smooth activation's backward needs f'(x) at every element, so frameworks keep x (or f(x)),
2-4 bytes per element, until backward. Novikov et al. (2023, "Few-Bit Backward: Quantized
Gradients of Activation Functions for Memory Footprint Reduction", ICML) keep instead which of
2^b intervals of x each element fell in, and use one level of f' per interval in backward: b bits
per element. The intervals and levels that minimise E[(f'(x) - q(x))^2] for a standard normal x
are found here for ANY catalog function, from the spec's own closed-form derivative, by dynamic
programming over a fine grid (the paper fitted 12 functions by hand):

- the grid: cells of width ``STEP`` on [-``SPAN``, ``SPAN``], the outer two reaching to infinity,
  each weighted by its normal probability and holding f' at its centre;
- a segment's best level is the weighted mean of f' over it (its conditional mean), and its cost
  the weighted squared deviation from that mean;
- the optimal split of the grid into 2^b contiguous segments is an exact dynamic programme over
  cell edges (O(2^b n^2) with prefix sums; ~0.1 s for 4 bits).

The result states its own error: ``rms_error`` = sqrt(E[(f' - q)^2]) and ``relative_error`` =
rms_error / sqrt(E[f'^2]) on the same grid. Which framework stores the codes is the adapters'
business (``actlab.torch`` packs them as bit planes).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
from scipy.special import ndtr

from .errors import ParameterError
from .registry import spec as _spec

__all__ = ["BITS", "FewBit", "fewbit"]

BITS = (2, 3, 4)
SPAN = 8.0  # beyond +-8 a standard normal has probability 1.2e-15
STEP = 0.01


@dataclass(frozen=True)
class FewBit:
    """The optimal ``bits``-bit piecewise-constant approximation of f' under x ~ N(0, 1)."""

    name: str
    params: tuple
    bits: int
    boundaries: tuple[float, ...]  # 2^bits - 1 increasing edges: code k is edges[k-1] < x <= edges[k]
    levels: tuple[float, ...]  # f' used for code k
    rms_error: float
    relative_error: float

    def code(self, x: np.ndarray) -> np.ndarray:
        """The interval index of each element (uint8)."""
        return np.searchsorted(np.asarray(self.boundaries), x, side="left").astype(np.uint8)

    def derivative(self, x: np.ndarray) -> np.ndarray:
        """The quantized f' at ``x``."""
        return np.asarray(self.levels)[self.code(np.asarray(x, dtype=np.float64))]


def fewbit(name: str, bits: int, params: Mapping[str, Any] | None = None) -> FewBit:
    """The ``bits``-bit code of f' for activation ``name`` with ``params`` (defaults otherwise)."""
    if bits not in BITS:
        raise ParameterError(f"bits={bits!r} is not one of {BITS}; use 2, 3 or 4 bits per element")
    s = _spec(name)
    if s.kind != "elementwise" or s.derivative is None:
        raise ParameterError(
            f"{s.name} is a {s.kind} function: few-bit codes exist for elementwise functions with a "
            f"closed-form derivative only"
        )
    p = {**s.defaults(), **dict(params or {})}
    key = tuple(sorted(p.items()))
    try:
        hash(key)
    except TypeError:
        raise ParameterError(f"few-bit codes need number or string parameters; got {p!r}") from None
    return _fewbit(s.name, bits, key)


@functools.lru_cache(maxsize=256)
def _fewbit(name: str, bits: int, key: tuple) -> FewBit:
    from . import api

    params = dict(key)
    edges = np.arange(-SPAN, SPAN + STEP / 2, STEP)
    centres = np.concatenate([[edges[0] - STEP / 2], (edges[:-1] + edges[1:]) / 2, [edges[-1] + STEP / 2]])
    cdf = np.concatenate([[0.0], ndtr(edges), [1.0]])
    w = np.diff(cdf)
    d = np.asarray(api.get(name, **params).derivative(centres), dtype=np.float64)
    if not np.all(np.isfinite(d)):
        raise ParameterError(f"{name}'s derivative is not finite on [-{SPAN}, {SPAN}] with {params}")
    k = 1 << bits
    # prefix sums over cells: a segment [i, j) has weight W, first and second moments S1, S2
    W = np.concatenate([[0.0], np.cumsum(w)])
    S1 = np.concatenate([[0.0], np.cumsum(w * d)])
    S2 = np.concatenate([[0.0], np.cumsum(w * d * d)])
    n = len(d)
    i = np.arange(n + 1)[:, None]
    j = np.arange(n + 1)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ww = W[j] - W[i]
        s1 = S1[j] - S1[i]
        cost = np.where((j > i) & (ww > 0), np.maximum(S2[j] - S2[i] - s1 * s1 / ww, 0.0), np.inf)
    cost[np.arange(n + 1), np.arange(n + 1)] = np.inf
    best = cost[0].copy()  # best[j]: least cost of cells [0, j) in the current number of segments
    back = []
    for _ in range(k - 1):
        total = best[:, None] + cost
        arg = np.argmin(total, axis=0)
        best = total[arg, np.arange(n + 1)]
        back.append(arg)
    cuts = [n]
    for arg in reversed(back):
        cuts.append(int(arg[cuts[-1]]))
    cuts = [0, *cuts[::-1]]  # 0 = cuts[0] < ... < cuts[k] = n (cell indices)
    levels = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        levels.append(float((S1[b] - S1[a]) / (W[b] - W[a])))
    # cell c spans edges[c-1]..edges[c] (cell 0 and n-1 are the infinite tails)
    boundaries = tuple(float(edges[c - 1]) for c in cuts[1:-1])
    mse = float(best[n])
    energy = float(S2[n])
    return FewBit(
        name, key, bits, boundaries, tuple(levels), math.sqrt(mse), math.sqrt(mse / energy) if energy else 0.0
    )
