"""Functionals called with non-default parameters resolve each setting once and then take the
same fast path as the defaults: the values are the general path's, and a bad value is refused on
every call, not only the first."""

from __future__ import annotations

import pytest
import torch

import actlab
import actlab.torch as at
from actlab.errors import ParameterError


@pytest.mark.parametrize(
    "name, args, params",
    [
        ("elu", (), {"alpha": 0.5}),
        ("elu", (0.5,), {}),
        ("leaky_relu", (), {"negative_slope": 0.2}),
        ("hardtanh", (-2.0, 3.0), {}),
        ("softplus", (), {"beta": 2.0, "threshold": 10.0}),
        ("celu", (), {"alpha": 2.0}),
        ("softmax", (), {}),
    ],
)
def test_a_repeated_setting_gives_the_general_paths_values_and_gradients(name, args, params):
    f = getattr(at.functional, name)
    x0 = torch.linspace(-5, 5, 41, dtype=torch.float64)
    want = actlab.get(name, **dict(zip([p.name for p in actlab.spec(name).params], args)), **params)
    with actlab.precision("exact"):  # the general path, evaluated in float64
        x1 = x0.clone().requires_grad_(True)
        ref = want(x1)
        ref.sum().backward()
    for _ in range(3):  # the first call resolves the setting, the others reuse it
        x = x0.clone().requires_grad_(True)
        y = f(x, *args, **params)
        y.sum().backward()
        torch.testing.assert_close(y, ref, rtol=1e-15, atol=0)
        torch.testing.assert_close(x.grad, x1.grad, rtol=1e-15, atol=0)


def test_a_bad_value_is_refused_on_every_call():
    x = torch.ones(3)
    for _ in range(3):
        with pytest.raises(ParameterError, match="alpha"):
            at.functional.celu(x, alpha=0.0)


def test_signed_zero_settings_are_kept_apart():
    x = torch.tensor([-2.0])
    assert torch.signbit(at.functional.leaky_relu(x, negative_slope=0.0)).item() == torch.signbit(
        actlab.get("leaky_relu", negative_slope=0.0)(x)
    ).item()
    assert torch.signbit(at.functional.leaky_relu(x, negative_slope=-0.0)).item() == torch.signbit(
        actlab.get("leaky_relu", negative_slope=-0.0)(x)
    ).item()
