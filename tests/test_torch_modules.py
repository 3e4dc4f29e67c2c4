"""actlab.torch: generated functional forms and modules for every catalog entry."""

from __future__ import annotations

import copy
import io
import pickle

import pytest
import torch
from torch.func import functional_call

import actlab
import actlab.torch as at
from actlab import ParameterError, ShapeError
from actlab.naming import class_name

from .conftest import ALL


def _input(name, *shape_extra, seed=0, avoid_kinks=True):
    s = actlab.spec(name)
    g = torch.Generator().manual_seed(seed)
    shape = (3, 4) if s.kind == "elementwise" else (3, 6)
    x = (torch.rand(shape, generator=g, dtype=torch.float64) - 0.5) * 6
    if avoid_kinks:
        d = s.defaults()
        for k in s.kinks_for(d):
            a = k.at_for(d)
            near = (x - a).abs() < 1e-2
            x = torch.where(near, x + 0.05, x)
    return x


def _module(name, **kw):
    # eval(): RReLU samples slopes in training mode; comparisons need the deterministic function
    return at.create(name, dtype=torch.float64, **kw).eval()


@pytest.mark.parametrize("name", ALL)
def test_gradcheck_and_gradgradcheck(name):
    m = _module(name)
    names = [n for n, _ in m.named_parameters()]
    params = [p.detach().clone().requires_grad_(True) for _, p in m.named_parameters()]
    x = _input(name).requires_grad_(True)

    def f(x, *ps):
        return functional_call(m, dict(zip(names, ps)), (x,))

    assert torch.autograd.gradcheck(f, (x, *params), eps=1e-6, atol=1e-7)
    assert torch.autograd.gradgradcheck(f, (x, *params), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ALL)
def test_module_equals_functional_and_get(name):
    x = _input(name)
    cls = getattr(at, class_name(name))
    m = cls(dtype=torch.float64).eval()
    y = m(x)
    # a learnable parameter is a tensor (eager torch ops) where the functional form takes a
    # number (a fused kernel): the same closed form, rounded apart by an ulp or two
    torch.testing.assert_close(y, getattr(at.functional, name)(x), rtol=1e-14, atol=1e-300)
    torch.testing.assert_close(y, actlab.get(name)(x), rtol=1e-14, atol=1e-300)
    assert cls.__doc__ and actlab.spec(name).summary in cls.__doc__
    assert getattr(at.functional, name).__doc__.startswith(actlab.spec(name).summary)


@pytest.mark.parametrize("name", ALL)
def test_state_dict_pickle_deepcopy_config_round_trip(name):
    m = _module(name)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.125)  # move learned values away from the init so the round trip is meaningful
    x = _input(name)
    y = m(x)
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf)
    buf.seek(0)
    m2 = at.from_config(m.to_config())
    m2 = m2.to(torch.float64).eval()
    m2.load_state_dict(torch.load(buf, weights_only=True))
    torch.testing.assert_close(m2(x), y, rtol=0, atol=0)
    torch.testing.assert_close(pickle.loads(pickle.dumps(m))(x), y, rtol=0, atol=0)
    torch.testing.assert_close(copy.deepcopy(m)(x), y, rtol=0, atol=0)
    assert type(pickle.loads(pickle.dumps(m))).__name__ == type(m).__name__


LEARNABLE = actlab.list_activations(learnable=True)


@pytest.mark.parametrize("name", LEARNABLE)
def test_learnable_parameters_move_after_one_step(name):
    C = 4
    m = at.create(name, num_parameters=C, dtype=torch.float64)
    before = {n: p.detach().clone() for n, p in m.named_parameters()}
    assert before, "a learnable activation must expose nn.Parameters"
    for p in m.parameters():
        assert p.shape[-1] == C
    x = torch.randn(8, C, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) * 2
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    loss = (m(x) - 1.0).pow(2).mean()
    loss.backward()
    opt.step()
    moved = [n for n, p in m.named_parameters() if not torch.equal(p.detach(), before[n])]
    assert moved, f"no parameter of {name} moved after one SGD step"
    with pytest.raises(ShapeError, match="dim 1"):
        m(torch.randn(8, C + 1, dtype=torch.float64))


def test_prelu_like_torch():
    m = at.PReLU(num_parameters=64)
    assert m.weight.shape == (64,) and torch.all(m.weight == 0.25)
    assert "num_parameters=64" in repr(m)
    assert at.PReLU(init=0.1).weight.item() == pytest.approx(0.1)
    assert at.SReLU(num_parameters=16).t_left.shape == (16,)
    m = at.PReLU(dtype=torch.float64, learnable=False)
    assert not list(m.parameters()) and m.weight.dtype == torch.float64


def test_extra_repr_shows_only_non_defaults():
    assert repr(at.ELU()) == "ELU()"
    assert repr(at.ELU(alpha=0.5)) == "ELU(alpha=0.5)"
    assert "approximate='tanh'" in repr(at.GELU(approximate="tanh"))


def test_train_eval_matters_only_for_rrelu():
    x = -torch.ones(1000, dtype=torch.float64)
    m = at.RReLU().double()
    m.train()
    a, b = m(x), m(x)
    assert not torch.equal(a, b)
    m.eval()
    assert torch.equal(m(x), m(x)) and m(x)[0].item() == pytest.approx(-11 / 48)
    e = at.ELU().double()
    assert torch.equal(e.train()(x), e.eval()(x))


def test_create_and_config_errors():
    assert isinstance(at.create("mish"), at.Mish)
    assert isinstance(at.create(at.Mish), at.Mish)
    m = at.Mish()
    assert at.create(m) is m
    assert torch.equal(at.create(torch.tanh)(torch.ones(2)), torch.tanh(torch.ones(2)))
    with pytest.raises(ParameterError, match="positive integer"):
        at.PReLU(num_parameters=0)
    with pytest.raises(ParameterError, match="no learnable"):
        at.Mish(num_parameters=3)
    with pytest.raises(ParameterError, match="init"):
        at.SReLU(init=0.3)
    with pytest.raises(ParameterError, match="unknown config keys"):
        at.from_config({"name": "elu", "parms": {}})
    with pytest.raises(actlab.UnknownActivationError, match="mish"):
        at.create("mishh")


def test_every_catalog_entry_has_a_module_class():
    classes = at.module_classes()
    assert len(classes) == len(ALL)
    for name in ALL:
        assert class_name(name) in classes
