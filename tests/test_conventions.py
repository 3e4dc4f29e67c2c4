"""Conventions and published constants, checked against numbers from the papers and library docs
(written here by hand, never produced by the code under test)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import actlab

X = torch.linspace(-6, 6, 1201, dtype=torch.float64)


def test_softmax_huge_logits():
    y = actlab.get("softmax")(np.array([1000.0, 999.0, -1000.0]))
    np.testing.assert_array_equal(y, [0.7310585786300049, 0.2689414213699951, 0.0])
    mid = actlab.get("softmax")(np.array([710.0, 0.0, -710.0]))[1]
    assert mid == pytest.approx(4.47628622567513e-309, rel=1e-12)
    ls = actlab.get("log_softmax")(np.array([1000.0, 999.0, -1000.0]))
    assert ls[2] == pytest.approx(-2000.3132616875182, rel=1e-15)


def test_selu_constants_full_precision():
    y = actlab.get("selu")(np.array([1.0, -1e3]))
    assert y[0] == 1.0507009873554804934193349852946
    assert y[1] == -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


def test_sigmoid_derivative_at_most_a_quarter():
    d = actlab.get("sigmoid").derivative(np.linspace(-50, 50, 100001))
    assert d.max() == 0.25 and np.all(d <= 0.25)


def test_minima_of_non_monotone_functions():
    # 30-digit values from definitions.md (computed independently at 110 digits)
    for name, argmin, fmin in [
        ("silu", -1.27846454276107379510935873902, -0.278464542761073795109358739023),
        ("mish", -1.19243121451549521213758834042, -0.308843413017250406628760229042),
        ("gelu", -0.751791524693564457457904946780, -0.169971207479903661693868470982),
    ]:
        assert actlab.get(name)(argmin) == pytest.approx(fmin, rel=1e-15)
        assert abs(actlab.get(name).derivative(argmin)) < 1e-15
        s = actlab.spec(name)
        assert s.range_for(s.defaults()).lo <= fmin


def test_rrelu_eval_slopes_torch_vs_paper():
    x = np.array([-1.0])
    assert actlab.get("rrelu")(x)[0] == pytest.approx(-11 / 48, rel=1e-15)  # torch: (1/8 + 1/3) / 2
    assert actlab.get("rrelu", eval_slope="paper")(x)[0] == pytest.approx(
        -2 / 11, rel=1e-15
    )  # Xu et al.: 1/5.5


def test_rrelu_training_samples_slopes_in_bounds():
    x = -torch.ones(10000, dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    y = actlab.get("rrelu")(x, training=True, generator=g)
    slopes = -y
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3 and slopes.std() > 0.05
    assert abs(slopes.mean().item() - 11 / 48) < 0.005


def test_hard_sigmoid_variants():
    hs = actlab.get("hardsigmoid")
    np.testing.assert_allclose(hs(np.array([-3.0, 0.0, 1.5, 3.0])), [0.0, 0.5, 0.75, 1.0], rtol=1e-15)
    old = actlab.get("hardsigmoid", slope=0.2, offset=0.5)  # Keras 2 / Theano / ONNX
    np.testing.assert_allclose(old(np.array([-2.5, 0.0, 1.0, 2.5])), [0.0, 0.5, 0.7, 1.0], rtol=1e-15)


def test_leaky_relu_default_is_torchs():
    assert actlab.get("leaky_relu")(-1.0) == -0.01
    assert actlab.get("leaky_relu", negative_slope=0.2)(-1.0) == -0.2


def test_gelu_tanh_approximation_distance():
    # max |gelu_tanh - gelu| ~ 4.73e-4 at |x| ~ 2.70 (Hendrycks & Gimpel; recomputed in claims.md)
    x = np.linspace(-6, 6, 120001)
    diff = np.abs(actlab.get("gelu", approximate="tanh")(x) - actlab.get("gelu")(x))
    assert diff.max() == pytest.approx(4.73e-4, rel=0.01)
    assert abs(abs(x[diff.argmax()]) - 2.70) < 0.02


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ("relu", F.relu),
        ("relu6", F.relu6),
        ("leaky_relu", F.leaky_relu),
        ("elu", F.elu),
        ("selu", F.selu),
        ("celu", F.celu),
        ("gelu", F.gelu),
        ("silu", F.silu),
        ("mish", F.mish),
        ("hardtanh", F.hardtanh),
        ("hardsigmoid", F.hardsigmoid),
        ("hardswish", F.hardswish),
        ("hardshrink", F.hardshrink),
        ("softshrink", F.softshrink),
        ("tanhshrink", F.tanhshrink),
        ("log_sigmoid", F.logsigmoid),
        ("softplus", F.softplus),
        ("softsign", F.softsign),
        ("sigmoid", torch.sigmoid),
        ("tanh", torch.tanh),
    ],
)
def test_matches_torch_values_and_kink_gradients(ours, theirs):
    s = actlab.spec(ours)
    kinks = [k.at_for(s.defaults()) for k in s.kinks_for(s.defaults())]
    x = torch.cat([X, torch.tensor(kinks, dtype=torch.float64)]).requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    params = {"threshold": 20.0} if ours == "softplus" else {}  # torch's linear switch, opt-in here
    a, b = actlab.get(ours, **params)(x), theirs(x2)
    torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-15)
    a.sum().backward()
    b.sum().backward()
    # torch's float64 hardsigmoid backward multiplies by a float32 1/6 (relative error 3e-8); ours is exact
    rtol = 4e-8 if ours == "hardsigmoid" else 1e-10
    torch.testing.assert_close(x.grad, x2.grad, rtol=rtol, atol=1e-15)


def test_prelu_matches_torch():
    x = torch.randn(4, 3, 5, dtype=torch.float64)
    w = torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64)
    torch.testing.assert_close(actlab.get("prelu", weight=w)(x), F.prelu(x, w), rtol=0, atol=0)


def test_glu_matches_torch():
    x = torch.randn(4, 6, dtype=torch.float64)
    torch.testing.assert_close(actlab.get("glu")(x), F.glu(x), rtol=1e-15, atol=0)
    torch.testing.assert_close(actlab.get("glu")(x, dim=0), F.glu(x, dim=0), rtol=1e-15, atol=0)


def test_worked_examples_from_the_guide():
    # the beginners' guide's examples (values as printed there)
    assert actlab.get("identity")(2.0) == 2 and actlab.get("identity")(-4.0) == -4
    assert [actlab.get("binary_step")(v) for v in (2.0, -4.0, 0.0, 1.0)] == [1, 0, 0, 1]
    assert round(float(actlab.get("sigmoid")(4.0)), 3) == 0.982
    assert round(float(actlab.get("sigmoid")(-3.0)), 4) == 0.0474
    assert round(float(actlab.get("sigmoid")(-5.0)), 4) == 0.0067
    assert round(float(actlab.get("tanh")(2.0)), 4) == 0.9640
    assert math.trunc(float(actlab.get("tanh")(-0.567)) * 1e4) / 1e4 == -0.5131  # the guide truncates
    assert actlab.get("tanh")(0.0) == 0
    assert [actlab.get("relu")(v) for v in (-5.0, 0.0, 5.0)] == [0, 0, 5]


def test_no_nan_at_extremes():
    cases = {
        "mish": -1000.0,
        "softplus": 1000.0,
        "log_sigmoid": -1000.0,
        "gelu": -40.0,
        "sinc": 0.0,
        "tanh_exp": 1000.0,
        "squareplus": -1e300,
        "bent_identity": 1e300,
    }
    for name, x in cases.items():
        for arr in (
            np.array([x]),
            torch.tensor([x], dtype=torch.float64),
            torch.tensor([x], dtype=torch.float32),
        ):
            act = actlab.get(name)
            assert not np.isnan(np.asarray(act(arr), dtype=float)).any(), (name, x)
            assert not np.isnan(np.asarray(act.derivative(arr), dtype=float)).any(), (name, x)
    assert actlab.get("sinc").derivative(np.array([1e-8]))[0] == pytest.approx(
        -3.3333333333333333e-9, rel=1e-12
    )
    big = np.array([1e4, -1e4, 3.0, 1e4 - 1.0])
    y = actlab.get("sparsemax")(big)
    assert np.isfinite(y).all() and y.sum() == pytest.approx(1.0)


def test_relu_derivative_at_zero_both_conventions():
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    actlab.get("relu")(x).sum().backward()
    assert x.grad.item() == 0.0 == actlab.get("relu").derivative(0.0)  # torch, jax.nn.relu
    x.grad = None
    actlab.get("relu", grad_at_zero=1.0)(x).sum().backward()
    assert x.grad.item() == 1.0 == actlab.get("relu", grad_at_zero=1.0).derivative(0.0)  # Wikipedia's table
