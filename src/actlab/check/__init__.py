"""Numerical verification of every spec against its 50-digit mpmath reference and its metadata.

Used by ``actlab check`` and by the test suite. The references and the error arithmetic live in
``actlab.reference`` (no adapter imported there); the modules here evaluate the adapters:

- ``report``: Failure, Report; ``evaluate``: a path and dtype; ``inputs``: vectors and gate halves
- ``values``: ``grade`` (one value against its reference) and the elementwise values/derivatives
- ``vector``, ``gated``: the other kinds; ``infinities``: +-inf and NaN; ``parameters``: d f / d p
- ``metadata``: range, monotonic, identity, smoothness, piecewise linear, worked examples
- ``guides``: the guides' statements; ``autograd``: closed forms against torch autograd
- ``run``: ``check_spec``, ``check``; ``suggest``: measured metadata for ``--suggest``
"""

from __future__ import annotations

from ..reference import (
    DIGITS,
    HARD,
    RTOL64,
    Limit,
    LimitError,
    find_limit,
    limit,
    local_scale,
    mp_derivative,
    param_sets,
    points,
    ref_derivative,
    ref_value,
    round_to,
    ulp_at,
    ulp_error,
)
from .autograd import check_autograd
from .evaluate import path_context
from .gated import check_gated
from .guides import EVEN, IDENTITIES, LINEAR, ODD, SUMS_TO_ONE, check_guide_properties
from .inputs import GATE_A, VECTORS
from .report import Failure, Report
from .run import check, check_spec
from .suggest import Suggestion, suggest
from .values import grade
from .vector import check_vector

__all__ = [
    "Failure",
    "Report",
    "check_spec",
    "check_autograd",
    "check_vector",
    "check_gated",
    "check",
    "grade",
    "param_sets",
    "points",
    "ref_value",
    "ref_derivative",
    "round_to",
    "ulp_at",
    "ulp_error",
    "local_scale",
    "limit",
    "find_limit",
    "Limit",
    "LimitError",
    "mp_derivative",
    "path_context",
    "suggest",
    "Suggestion",
    "DIGITS",
    "HARD",
    "RTOL64",
    "VECTORS",
    "GATE_A",
    "EVEN",
    "IDENTITIES",
    "LINEAR",
    "ODD",
    "SUMS_TO_ONE",
    "check_guide_properties",
]
