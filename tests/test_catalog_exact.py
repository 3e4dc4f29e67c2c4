"""Every registered activation against its 50-digit mpmath reference and its own metadata.

One test per activation (ids are the names): NumPy and torch, values and derivatives, float64
(<= 1e-12 relative), float32/float16/bfloat16 (ulps of the correctly rounded value), infinities
and NaN, autograd of forward vs closed form at all points including kinks, parameter
derivatives, range, monotonicity, zero-centredness, smoothness and kink claims, worked examples.
"""

from __future__ import annotations

import pytest

import actlab
from actlab.check import check_spec

from .conftest import ALL


def test_catalog_size():
    assert len(ALL) >= 60, f"only {len(ALL)} activations registered"
    assert ALL == sorted(ALL)


@pytest.mark.parametrize("name", ALL)
def test_exact_against_reference(name):
    rep = check_spec(actlab.spec(name))
    assert rep.ok, f"{len(rep.failures)} failure(s):\n" + "\n".join(map(str, rep.failures[:15]))
