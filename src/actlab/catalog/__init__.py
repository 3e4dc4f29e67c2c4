"""THE place where activation functions are defined: one ``register(...)`` block (or one builder
call: ``piecewise_linear``, ``gated_by``) each.

Each family has its file, named after the spec's ``family`` field; importing this package
registers them all.
"""

from . import (  # noqa: F401
    exponential,
    glu,
    hard,
    linear,
    periodic,
    piecewise_linear,
    radial,
    rectifier,
    self_gated,
    shrinkage,
    sigmoidal,
    softmax,
    softplus,
    step,
)

__all__: list[str] = []
