"""Every ops module provides the same primitives, and they agree numerically."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.ops import PRIMITIVES
from actlab.ops import numpy as onp
from actlab.ops import torch as otorch

X = np.array([-700.0, -30.0, -1.5, -1e-8, 0.0, 1e-8, 0.7, 2.0, 30.0, 700.0, np.nan])
UNARY = (
    "abs sign exp expm1 sqrt square tanh sigmoid log_sigmoid softplus erf erfc sin cos arctan relu isnan"
).split()


@pytest.mark.parametrize("mod", [onp, otorch], ids=["numpy", "torch"])
def test_every_primitive_is_provided(mod):
    missing = [n for n in PRIMITIVES if not hasattr(mod, n)]
    assert not missing, f"{mod.__name__} lacks {missing}"


@pytest.mark.parametrize("name", UNARY)
def test_unary_primitives_agree(name):
    x = np.abs(X) if name == "sqrt" else X
    with np.errstate(invalid="ignore"):  # NaN input is part of the test
        a = np.asarray(getattr(onp, name)(x), dtype=np.float64)
    b = getattr(otorch, name)(torch.tensor(x)).to(torch.float64).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-14, atol=0, equal_nan=True)


def test_log_and_log1p_agree():
    x = np.array([1e-300, 1e-8, 0.5, 3.0, 1e300])
    for name in ("log", "log1p"):
        np.testing.assert_allclose(
            getattr(onp, name)(x), getattr(otorch, name)(torch.tensor(x)).numpy(), rtol=1e-15
        )


def test_axis_primitives_agree():
    x = np.random.default_rng(0).normal(size=(3, 4))
    t = torch.tensor(x)
    for name in ("sum", "amax", "cumsum", "sort_desc"):
        np.testing.assert_allclose(getattr(onp, name)(x, 1), getattr(otorch, name)(t, 1).numpy(), rtol=1e-15)
    np.testing.assert_array_equal(onp.arange_along(x, 1), otorch.arange_along(t, 1).numpy())
    for a, b in zip(onp.split_half(x, 1), otorch.split_half(t, 1)):
        np.testing.assert_array_equal(a, b.numpy())
    np.testing.assert_allclose(onp.logaddexp(x, 0.0), otorch.logaddexp(t, 0.0).numpy(), rtol=1e-15)
    np.testing.assert_array_equal(onp.clip(x, -0.5, 0.5), otorch.clip(t, -0.5, 0.5).numpy())
