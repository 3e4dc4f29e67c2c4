"""Inputs of the non-elementwise kinds: the vectors softmax-like functions are checked on and the
gate halves a of gated units (the elementwise points are ``reference.points``)."""

from __future__ import annotations

import numpy as np

__all__ = ["VECTORS", "GATE_A", "rng"]

# one generator for the checker's random vectors and cotangents: a run is reproducible
rng = np.random.default_rng(20261123)
VECTORS = [
    [1.0, 2.0, 3.0],
    [1.0, 0.0, -1.0],
    [1000.0, 999.0, -1000.0],
    [710.0, 0.0, -710.0],
    [0.5, 0.5, 0.5, 0.5],
    [-1e4, 1e4, 0.0, 3.0],
    [1e-8, -1e-8, 0.0],
    [7.0],
    *[list(rng.normal(0, 3, size=5)) for _ in range(6)],
]
GATE_A = (-3.0, -1.0, -1e-8, 0.0, 0.7, 2.0, 50.0)
