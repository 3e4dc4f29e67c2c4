"""One tiny namespace of array primitives per array library.

Catalog code is written against these names only, so one definition serves NumPy, torch, JAX
and keras.ops. Every module here exports the same names, typed by the protocol ``Ops``;
``tests/test_ops.py`` checks that they agree.
"""

from __future__ import annotations

from typing import Any

from .protocol import Ops

__all__ = ["PRIMITIVES", "Ops", "for_array"]

# The names every ops module provides (kept in one list so tests can check parity).
PRIMITIVES = (
    "name abs sign exp expm1 log log1p sqrt reciprocal square tanh sigmoid log_sigmoid softplus erf erfc "
    "sin cos arctan where where_lazy float32_form polyval maximum minimum clip relu logaddexp sum amax "
    "cumsum sort_desc "
    "take_along_axis arange_along split_half concat zeros_like ones_like full_like indicator nan_to_zero "
    "isnan uniform_like moveaxis shape reshape"
).split()


def for_array(x: Any) -> Ops:
    """The ops module for the array type of ``x`` (NumPy for everything that is not a tensor).

    JAX arrays and tracers select ``ops.jax``. Keras has no array type of its own (on the torch
    backend its tensors are torch tensors), so Keras code selects ``ops.keras`` explicitly.
    """
    mod = type(x).__module__
    if mod.startswith("torch"):
        from . import torch as ops_torch

        return ops_torch
    if mod.startswith(("jax", "jaxlib")):
        from . import jax as ops_jax

        return ops_jax
    from . import numpy as ops_numpy

    return ops_numpy
