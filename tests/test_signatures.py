"""The generated functions and classes show their real parameters to inspect.signature and IDEs."""

from __future__ import annotations

import inspect
import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported (xdist imports all modules)

import pytest  # noqa: E402
import torch  # noqa: E402

import actlab  # noqa: E402
import actlab.torch as at  # noqa: E402
from actlab.torch import functional as F  # noqa: E402

from .conftest import ALL  # noqa: E402

KW = inspect.Parameter.KEYWORD_ONLY
POS = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _names(f) -> list[str]:
    return list(inspect.signature(f).parameters)


def test_elu_shows_alpha_and_no_vector_or_random_keywords():
    sig = inspect.signature(F.elu)
    assert list(sig.parameters) == ["input", "alpha", "inplace", "impl", "memory"]
    alpha = sig.parameters["alpha"]
    assert alpha.kind is POS and alpha.default == 1.0
    assert sig.parameters["inplace"].kind is KW and sig.parameters["inplace"].default is False
    assert sig.parameters["impl"].default == "auto" and sig.parameters["memory"].default is None


def test_softmax_shows_dim_and_no_inplace():
    sig = inspect.signature(F.softmax)
    assert list(sig.parameters) == ["input", "dim", "impl", "memory"]
    assert sig.parameters["dim"].kind is KW and sig.parameters["dim"].default == -1


def test_rrelu_shows_training_and_generator():
    names = _names(F.rrelu)
    assert names[:4] == ["input", "lower", "upper", "eval_slope"]
    assert {"training", "generator", "inplace"} <= set(names)
    assert inspect.signature(F.rrelu).parameters["training"].default is False


def test_hardtanh_parameters_in_torch_order():
    # torch's F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False)
    sig = inspect.signature(F.hardtanh)
    assert [(p.name, p.default) for p in list(sig.parameters.values())[1:3]] == [
        ("min_val", -1.0),
        ("max_val", 1.0),
    ]


def test_aliases_share_the_signature():
    assert inspect.signature(F.swish_1) == inspect.signature(F.silu)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: inspect.signature(F.elu).bind(x, 0.5),
        lambda x: inspect.signature(F.elu).bind(x, 0.5, inplace=True),
        lambda x: inspect.signature(F.celu).bind(x, alpha=0.5),
        lambda x: inspect.signature(F.hardtanh).bind(x, 0.5, 0.5, impl="function", memory="lean"),
        lambda x: inspect.signature(F.rrelu).bind(x, training=True, inplace=True),
        lambda x: inspect.signature(F.softmax).bind(x, dim=0),
        lambda x: inspect.signature(F.glu).bind(x, impl="function"),
        lambda x: inspect.signature(F.relu).bind(x, inplace=True),
        lambda x: inspect.signature(F.hardshrink).bind(x, lambd=2.0),
    ],
)
def test_signatures_bind_the_calls_the_suite_makes(call):
    call(torch.zeros(2, 4))


@pytest.mark.parametrize(
    "call",
    [
        lambda x: inspect.signature(F.elu).bind(x, dim=0),  # elementwise: no dim
        lambda x: inspect.signature(F.elu).bind(x, 0.5, 0.5),  # one parameter only
        lambda x: inspect.signature(F.softmax).bind(x, inplace=True),  # no in-place path
        lambda x: inspect.signature(F.relu).bind(x, generator=None),  # not randomized
        lambda x: inspect.signature(F.elu).bind(x, alhpa=0.5),
    ],
)
def test_signatures_refuse_what_does_not_apply(call):
    with pytest.raises(TypeError):
        call(torch.zeros(2, 4))


@pytest.mark.parametrize("name", ALL)
def test_every_function_binds_its_parameters_and_runs(name):
    s = actlab.spec(name)
    f = getattr(F, name)
    sig = inspect.signature(f)
    x = torch.randn(2, 4, dtype=torch.float64)
    values = [p.default for p in s.params]
    # positionally in the spec's order, then each by keyword
    bound = sig.bind(x, *values)
    assert [bound.arguments[p.name] for p in s.params] == values
    sig.bind(x, **{p.name: p.default for p in s.params})
    extra = {}
    if s.kind != "elementwise":
        extra["dim"] = -1
    if s.stochastic:
        extra.update(training=False, generator=None)
    bound = sig.bind(x, *values, **extra, impl="auto", memory=None)
    # what binds is what the function accepts
    f(*bound.args, **bound.kwargs)
    # and the module class shows the same parameters as keywords
    ms = inspect.signature(at.module_class(name))
    assert [n for n in ms.parameters if n in {p.name for p in s.params}] == [p.name for p in s.params]
    assert all(ms.parameters[p.name].kind is KW for p in s.params)
    assert ("dim" in ms.parameters) == (s.kind != "elementwise")


def test_module_classes():
    prelu = inspect.signature(at.PReLU)
    assert list(prelu.parameters)[:2] == ["num_parameters", "weight"]
    assert prelu.parameters["num_parameters"].default == 1
    assert prelu.parameters["weight"].default == 0.25
    assert {"init", "learnable", "device", "dtype"} <= set(prelu.parameters)
    assert "inplace" not in prelu.parameters  # learnable: no in-place form
    elu = inspect.signature(at.ELU)
    assert list(elu.parameters) == ["alpha", "inplace", "impl", "memory"]
    assert inspect.signature(at.Softmax).parameters["dim"].default == -1
    # the signature is the constructor's: what it binds builds
    bound = prelu.bind(3, weight=0.1, dtype=torch.float64)
    m = at.PReLU(*bound.args, **bound.kwargs)
    assert m.weight.shape == (3,) and m.weight.dtype == torch.float64
    assert at.PReLU.__init__.__qualname__ == "PReLU.__init__"


def test_keras_function_and_layer():
    ak = pytest.importorskip("actlab.keras")
    elu = inspect.signature(ak.elu)
    assert list(elu.parameters) == ["x", "alpha"] and elu.parameters["alpha"].default == 1.0
    assert inspect.signature(ak.softmax).parameters["axis"].kind is KW
    assert {"training", "seed"} <= set(inspect.signature(ak.rrelu).parameters)
    layer = inspect.signature(ak.PReLU)
    assert layer.parameters["weight"].kind is KW and "shared_axes" in layer.parameters
    assert "seed" in inspect.signature(ak.RReLU).parameters
    assert "axis" not in inspect.signature(ak.ELU).parameters
    assert ak.PReLU(weight=0.5, shared_axes=[1]).get_config()["weight"] == 0.5


def test_jax_function():
    aj = pytest.importorskip("actlab.jax")
    elu = inspect.signature(aj.elu)
    assert list(elu.parameters) == ["x", "alpha"] and elu.parameters["alpha"].default == 1.0
    assert list(inspect.signature(aj.glu).parameters) == ["x", "axis"]
    assert list(inspect.signature(aj.rrelu).parameters)[-2:] == ["training", "key"]
    inspect.signature(aj.hardtanh).bind(1.0, -0.5, 2.0)
    with pytest.raises(TypeError):
        inspect.signature(aj.hardtanh).bind(1.0, -0.5, 2.0, 3.0)
