"""Signal propagation at init, checked against expectations derived here by hand or by quadrature.

The expected values never come from actlab: SELU's constants are the paper's, the ReLU factors
follow from E[relu(z)^2] = E[z^2]/2, and the sigmoid shrink factor is a mean-field prediction
computed below with SciPy's expit and Gauss-Hermite quadrature.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import expit

import actlab
from actlab.lab.propagation import PropagationResult, plot_propagation, propagate

# Klambauer et al. 2017, eq. 14 (their selu.py prints the same digits)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946

_Z, _W = np.polynomial.hermite_e.hermegauss(120)
_W = _W / math.sqrt(2.0 * math.pi)


def _gauss(f) -> float:
    """E[f(z)], z ~ N(0, 1), by probabilists' Gauss-Hermite quadrature."""
    return float(np.sum(_W * f(_Z)))


def test_selu_constants_make_0_1_a_fixed_point():
    # independent of actlab: the paper's constants give E[selu(z)] = 0 and E[selu(z)^2] = 1
    from scipy.integrate import quad

    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    neg = lambda z: SELU_LAMBDA * SELU_ALPHA * math.expm1(z)
    pos = lambda z: SELU_LAMBDA * z
    # split at the kink so the quadrature sees two smooth integrands
    m = quad(lambda z: neg(z) * pdf(z), -40, 0)[0] + quad(lambda z: pos(z) * pdf(z), 0, 40)[0]
    v = quad(lambda z: neg(z) ** 2 * pdf(z), -40, 0)[0] + quad(lambda z: pos(z) ** 2 * pdf(z), 0, 40)[0]
    assert abs(m) < 1e-9
    assert abs(v - 1.0) < 1e-9


def test_selu_stays_near_mean_0_variance_1_through_50_layers():
    # finite width makes each layer's statistics fluctuate by a few percent around (0, 1)
    r = propagate("selu", init="lecun", depth=50, width=256, batch=256, seed=1)
    for layer in range(20, 51):
        assert abs(r.mean[layer]) < 0.1, (layer, r.mean[layer])
        assert abs(r.var[layer] - 1.0) < 0.1, (layer, r.var[layer])
    tail = np.array(r.var[20:])
    assert abs(tail.mean() - 1.0) < 0.04


def test_relu_xavier_halves_the_variance_per_layer_and_he_keeps_it():
    xa = [
        propagate("relu", init="xavier", depth=30, width=256, seed=s).per_layer_ratio("var") for s in range(2)
    ]
    he = [propagate("relu", init="he", depth=30, width=256, seed=s).per_layer_ratio("var") for s in range(2)]
    for v in xa:
        assert v == pytest.approx(0.5, abs=0.03)
    for v in he:
        assert v == pytest.approx(1.0, abs=0.05)


def test_relu_torch_default_init_loses_a_factor_six():
    # torch's nn.Linear default is uniform(+-1/sqrt(n)): Var(w) = 1/(3n), so the factor is (1/3)/2
    r = propagate("relu", init="default", depth=20, width=256, seed=0)
    assert r.per_layer_ratio("var") == pytest.approx(1.0 / 6.0, rel=0.08)


def test_sigmoid_gradient_shrink_matches_mean_field_and_exceeds_4():
    # mean field for LeCun weights: pre-activation variance q* = E[sigmoid(sqrt(q*) z)^2];
    # the gradient shrinks per layer by 1 / sqrt(E[sigmoid'(sqrt(q*) z)^2]).
    q = 1.0
    for _ in range(200):
        q = _gauss(lambda z: expit(math.sqrt(q) * z) ** 2)
    expected = 1.0 / math.sqrt(
        _gauss(lambda z: (expit(math.sqrt(q) * z) * (1 - expit(math.sqrt(q) * z))) ** 2)
    )
    assert 4.1 < expected < 4.4  # the 1/4 bound, loosened only by sigma' < 1/4 away from 0
    for s in range(2):
        r = propagate("sigmoid", init="lecun", depth=30, width=256, seed=s)
        shrink = 1.0 / r.per_layer_ratio("grad_norm")
        assert shrink == pytest.approx(expected, rel=0.03)
        assert shrink >= 4.0
        # float64 is needed: 4.2^30 ~ 1e19 here, ~1e62 at depth 100
        assert 0 < r.grad_norm[0] < 1e-15


def test_identity_with_lecun_weights_keeps_everything():
    r = propagate("identity", init="lecun", depth=20, width=256, seed=0)
    assert r.per_layer_ratio("var") == pytest.approx(1.0, abs=0.05)
    assert r.per_layer_ratio("grad_norm") == pytest.approx(1.0, abs=0.05)


def test_result_shapes_determinism_and_input_layer():
    a = propagate(("elu", {"alpha": 0.5}), init="he", depth=5, width=32, batch=64, seed=3)
    b = propagate("elu", {"alpha": 0.5}, init="he", depth=5, width=32, batch=64, seed=3)
    c = propagate("elu", {"alpha": 0.5}, init="he", depth=5, width=32, batch=64, seed=4)
    assert isinstance(a, PropagationResult)
    for series in (a.mean, a.var, a.pre_second_moment, a.grad_norm):
        assert len(series) == 6
    assert a.to_dict() == b.to_dict()
    assert a.var != c.var
    assert a.params == {"alpha": 0.5} and a.activation == "elu" and a.init == "he"
    assert a.var[0] == pytest.approx(1.0, abs=0.1)  # the N(0, 1) input
    assert a.gain == pytest.approx(math.sqrt(2.0), rel=0.05)  # the std of 5 x 32 x 32 draws


@pytest.mark.parametrize(
    "init, activation, expected_std",
    [
        ("he", "relu", math.sqrt(2 / 200)),
        ("xavier", "relu", math.sqrt(2 / 400)),
        ("glorot", "tanh", math.sqrt(2 / 400)),
        ("lecun", "selu", math.sqrt(1 / 200)),
        ("default", "relu", 1 / math.sqrt(3 * 200)),  # uniform(+-1/sqrt(n)) has variance 1/(3n)
        (2.0, "relu", 2.0 / math.sqrt(200)),
        # actlab's gain 1/sqrt(E[f(z)^2]): E[relu(z)^2] = 1/2, so He's sqrt(2)
        ("actlab", "relu", math.sqrt(2 / 200)),
    ],
)
def test_drawn_weights_have_the_init_standard_deviation(init, activation, expected_std):
    r = propagate(activation, init=init, depth=3, width=200, batch=4, seed=0)
    # 120,000 draws: the sample std is within ~0.5% of the true one
    assert r.weight_std == pytest.approx(expected_std, rel=0.015)
    assert r.gain == pytest.approx(expected_std * math.sqrt(200), rel=0.015)


def test_actlab_gain_for_tanh_by_quadrature():
    g = 1.0 / math.sqrt(_gauss(lambda z: np.tanh(z) ** 2))
    r = propagate("tanh", init="actlab", depth=3, width=200, batch=4, seed=0)
    assert r.gain == pytest.approx(g, rel=0.015)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"init": "kaiming"}, "unknown init 'kaiming'; choose one of he, xavier, glorot"),
        ({"init": -1.0}, "positive finite"),
        ({"depth": 0}, "depth must be an integer >= 1"),
        ({"width": 2.5}, "width must be an integer"),
        ({"dtype": "float16"}, "dtype must be"),
    ],
)
def test_bad_arguments_name_the_value_and_the_fix(kwargs, fragment):
    with pytest.raises(actlab.ParameterError, match=fragment):
        propagate("relu", **kwargs)


def test_non_elementwise_and_unknown_activations_are_rejected():
    with pytest.raises(actlab.ParameterError, match="softmax is a vector activation"):
        propagate("softmax", depth=2, width=4)
    with pytest.raises(actlab.UnknownActivationError):
        propagate("relux", depth=2, width=4)
    with pytest.raises(actlab.ParameterError):
        propagate(("elu", {"alpha": -1.0}), depth=2, width=4)  # outside alpha's bounds


def test_per_layer_ratio_range_checked():
    r = propagate("tanh", init="lecun", depth=4, width=16, seed=0)
    with pytest.raises(actlab.ParameterError, match="start < stop"):
        r.per_layer_ratio("var", start=3, stop=2)
    with pytest.raises(actlab.ParameterError, match="unknown series"):
        r.per_layer_ratio("variance")


def test_plot_has_log_axes_and_one_line_per_result():
    import matplotlib.pyplot as plt

    rs = [propagate("relu", init=i, depth=6, width=16, seed=0) for i in ("he", "xavier")]
    fig = plot_propagation(rs)
    try:
        axes = fig.get_axes()
        assert [ax.get_yscale() for ax in axes] == ["linear", "log", "log"]
        assert all(len(ax.get_lines()) == 2 for ax in axes)
        assert axes[0].get_legend() is not None
    finally:
        plt.close(fig)
    with pytest.raises(actlab.ParameterError, match="unknown panel"):
        plot_propagation(rs, panels=("spread",))
