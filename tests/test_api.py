"""The public face: get/spec/list_activations, dtype policy, and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import actlab
from actlab import InputTypeError, ParameterError, ShapeError, UnknownActivationError

from .conftest import ALL, ELEMENTWISE


def _input_for(name, dtype=np.float64):
    kind = actlab.spec(name).kind
    return np.linspace(-3, 3, 8).astype(dtype) if kind != "vector" else np.linspace(-3, 3, 8).astype(dtype)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_numpy_in_numpy_out_same_dtype(name, dtype):
    act = actlab.get(name)
    y = act(_input_for(name, dtype))
    assert isinstance(y, np.ndarray) and y.dtype == dtype
    d = act.derivative(_input_for(name, dtype))
    assert isinstance(d, np.ndarray) and d.dtype == dtype


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_torch_in_torch_out_same_dtype(name, dtype):
    x = torch.linspace(-3, 3, 8, dtype=dtype, requires_grad=True)
    y = actlab.get(name)(x)
    assert isinstance(y, torch.Tensor) and y.dtype == dtype
    y.sum().backward()
    assert x.grad is not None and x.grad.dtype == dtype and torch.isfinite(x.grad).all()


@pytest.mark.parametrize("name", ALL)
def test_empty_input(name):
    act = actlab.get(name)
    shape = (0,) if actlab.spec(name).kind == "elementwise" else (0, 4)
    assert act(np.zeros(shape)).shape[0] == 0
    assert act(torch.zeros(shape)).shape[0] == 0


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    "bad",
    [
        # integer and bool inputs are promoted as the host framework promotes them
        # (tests/test_peer_conventions.py); complex, strings and objects are refused
        np.ones(4, complex),
        torch.ones(4, dtype=torch.complex64),
        np.array(["a"] * 4),
    ],
)
def test_non_float_input_is_a_clear_type_error(name, bad):
    with pytest.raises(InputTypeError, match="float"):
        actlab.get(name)(bad)


def test_python_numbers_and_lists():
    sig = actlab.get("sigmoid")
    assert isinstance(sig(0.0), np.floating) and sig(0.0) == 0.5
    assert sig(2) == sig(2.0)  # a Python int is an exact real number, accepted
    np.testing.assert_array_equal(sig([0.0, 0.0]), [0.5, 0.5])
    # bools and integer lists are promoted as NumPy's ufuncs promote them: np.tanh(True) is float16
    assert sig(True).dtype == np.tanh(True).dtype == np.float16
    assert sig([1, 2]).dtype == np.float64 and sig([1, 2])[0] == sig(1.0)


def test_unknown_name_lists_close_matches():
    with pytest.raises(UnknownActivationError) as e:
        actlab.get("leaky_rellu")
    assert "leaky_relu" in str(e.value)
    with pytest.raises(UnknownActivationError, match="Did you mean"):
        actlab.spec("mihs")


def test_names_are_normalised_and_aliases_resolve():
    assert actlab.spec("Leaky-ReLU").name == "leaky_relu"
    for alias, name in [
        ("linear", "identity"),
        ("logistic", "sigmoid"),
        ("heaviside", "binary_step"),
        ("swish", "swish"),
        ("hard_sigmoid", "hardsigmoid"),
        ("hard_swish", "hardswish"),
    ]:
        assert actlab.spec(alias).name == name


def test_parameter_errors_name_value_and_fix():
    with pytest.raises(ParameterError, match=r"alpha.*out of bounds.*\[0, inf\)"):
        actlab.get("elu", alpha=-1.0)
    with pytest.raises(ParameterError, match="Did you mean 'alpha'"):
        actlab.get("elu", alpah=1.0)
    with pytest.raises(ParameterError, match="takes no parameters"):
        actlab.get("tanh", beta=1.0)
    with pytest.raises(ParameterError, match="choose one of"):
        actlab.get("gelu", approximate="fast")
    with pytest.raises(ParameterError, match="NaN"):
        actlab.get("elu", alpha=float("nan"))
    with pytest.raises(ParameterError, match="must be a number"):
        actlab.get("elu", alpha="1")


def test_gated_and_vector_shape_errors():
    with pytest.raises(ShapeError, match="odd"):
        actlab.get("glu")(np.ones(3))
    with pytest.raises(ShapeError, match="axis 2 is out of range for an input with 2 dimensions"):
        actlab.get("softmax")(np.ones((2, 3)), axis=2)
    with pytest.raises(ShapeError, match="scalar"):
        actlab.get("glu")(1.0)  # a 0-d softmax is 1, as torch's (tests/test_peer_conventions.py)


def test_per_channel_values_broadcast_along_dim_1():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    w = np.array([0.1, 0.2, 0.3])
    y = actlab.get("prelu", weight=w)(x)
    want = np.where(x > 0, x, w[None, :, None] * x)
    np.testing.assert_allclose(y, want, rtol=0, atol=0)
    with pytest.raises(ShapeError, match="dim 1"):
        actlab.get("prelu", weight=w)(np.ones((2, 5)))


def test_list_filters_are_sorted_and_consistent():
    relus = actlab.list_activations("*relu*")
    assert relus == sorted(relus) and "relu" in relus and "leaky_relu" in relus and "prelu" in relus
    learnable = actlab.list_activations(learnable=True)
    assert {"prelu", "srelu", "apl", "snake", "pelu", "swish"} <= set(learnable)
    assert all(actlab.spec(n).learnable for n in learnable)
    assert set(actlab.list_activations("*relu*", learnable=True)) <= set(relus)
    assert "sigmoid" in actlab.list_activations(bounded=True)
    assert "mish" not in actlab.list_activations(monotonic=True)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_of_nan_is_nan(name):
    d = actlab.get(name).derivative(np.array([np.nan]))
    assert np.isnan(d).all()


def test_per_channel_numpy_values_are_bounds_checked():
    with pytest.raises(ParameterError, match=r"holds -1.0, out of bounds"):
        actlab.get("snake", alpha=np.array([1.0, -1.0]))
    with pytest.raises(ParameterError, match="out of bounds"):
        actlab.get("snake", alpha=[1.0, float("nan")])
    actlab.get("snake", alpha=np.array([0.5, 2.0]))  # fine


def test_vjp_for_every_kind_matches_autograd():
    for name, shape in (("mish", (3, 4)), ("softmax", (3, 4)), ("swiglu", (3, 4))):
        x = torch.randn(shape, dtype=torch.float64, requires_grad=True)
        y = actlab.get(name)(x)
        g = torch.randn(y.shape, dtype=torch.float64)
        (want,) = torch.autograd.grad(y, x, g)
        got = actlab.get(name).vjp(x.detach(), g)
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-14)


def test_precision_exact_rounds_once_and_keeps_autograd():
    x32 = torch.tensor([-11.89, -9.68, -1.19, 0.3], dtype=torch.float32)
    exact = actlab.get("gelu")(x32.double()).float()  # float64 evaluation, rounded once
    with actlab.precision("exact"):
        y = actlab.get("gelu")(x32)
        assert y.dtype == torch.float32
        torch.testing.assert_close(y, exact, rtol=0, atol=0)
        xg = x32.clone().requires_grad_(True)
        actlab.get("mish")(xg).sum().backward()
        assert xg.grad.dtype == torch.float32 and torch.isfinite(xg.grad).all()
    assert actlab.api._PRECISION["mode"] == "fast"  # the context restores the default


def test_precision_errors_name_the_choices():
    with pytest.raises(ParameterError, match="'fast'"):
        actlab.set_precision("double")
    with pytest.raises(ParameterError, match="exact"):
        with actlab.precision("precise"):
            pass
