"""THE place where activation functions are defined: one ``register(...)`` block each.

Each family lives in its own file; importing this package registers them all.
"""

from . import (  # noqa: F401
    classic,
    exponential,
    gated,
    periodic,
    rectifiers,
    self_gated,
    shrinkage,
    squashing,
    vector,
)

__all__: list[str] = []
