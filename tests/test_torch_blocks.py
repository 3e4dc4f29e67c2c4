"""Eager speed-ups of the Function's bodies: cache-sized blocks and the branch-free select.

Both must be invisible in the numbers: blocked evaluation gives what whole-tensor evaluation
gives, and ``ops.torch.where`` without autograd gives torch.where's exact bits.
"""

from __future__ import annotations

import pytest
import torch

import actlab
import actlab.torch as at
from actlab.ops import torch as ops_torch
from actlab.torch import function as fn

from .conftest import ALL


@pytest.fixture(autouse=True)
def _eager_bodies():
    # these tests are about the eager fallback (no C compiler, tensor parameters, other devices):
    # the fused C kernels, which take precedence on the CPU, are switched off here
    at.use_ckernels(False)
    yield
    at.use_ckernels(True)


def _inputs(name: str, dtype=torch.float64) -> torch.Tensor:
    g = torch.Generator().manual_seed(11)
    x = (torch.rand(6, 4, 8, generator=g, dtype=dtype) - 0.5) * 16
    x.view(-1)[:4] = torch.tensor([0.0, 30.0, -30.0, 1.0], dtype=dtype)
    return x


def _step(name: str, x: torch.Tensor, num_parameters: int = 1):
    s = actlab.spec(name)
    kw = {"num_parameters": num_parameters} if (s.learnable and num_parameters > 1) else {}
    m = at.create(name, impl="function", dtype=x.dtype, **kw).eval()
    for p in m.parameters():
        with torch.no_grad():
            p.add_(0.05 + 0.1 * torch.arange(p.numel(), dtype=p.dtype).reshape(p.shape) / p.numel())
    xx = x.clone().requires_grad_(True)
    y = m(xx)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(5), dtype=y.dtype)
    grads = torch.autograd.grad(y, [xx, *m.parameters()], g)
    with torch.no_grad():
        inference = m(x)
    return y.detach(), grads, inference


@pytest.fixture
def count_bodies(monkeypatch):
    """Blocks of 8 elements (so small tests cut), with a count of body evaluations."""
    calls = {"n": 0}
    for name in ("_forward_body", "_backward_body", "_inference_body"):
        body = getattr(fn, name)

        def counted(*a, _body=body, **k):
            calls["n"] += 1
            return _body(*a, **k)

        monkeypatch.setattr(fn, name, counted)
    monkeypatch.setattr(fn, "_WORTH_BLOCKS", {})
    return calls


CASES = [(n, False) for n in ALL] + [(n, True) for n in actlab.list_activations(learnable=True)]


IDS = [f"{n}-{'channels' if c else 'scalar'}" for n, c in CASES]


@pytest.mark.parametrize("name,per_channel", CASES, ids=IDS)
def test_blocks_give_the_whole_tensor_numbers(name, per_channel, monkeypatch, count_bodies):
    x = _inputs(name)
    k = 4 if per_channel else 1
    monkeypatch.setattr(fn, "_BLOCK", 1 << 40)
    whole = _step(name, x, k)
    whole_calls = count_bodies["n"]
    monkeypatch.setattr(fn, "_BLOCK", 8)
    count_bodies["n"] = 0
    blocked = _step(name, x, k)
    assert count_bodies["n"] >= whole_calls
    torch.testing.assert_close(blocked[0], whole[0], rtol=1e-13, atol=0)
    torch.testing.assert_close(blocked[2], whole[2], rtol=1e-13, atol=0)
    for i, (a, b) in enumerate(zip(blocked[1], whole[1])):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-300, msg=lambda m: f"{name} grad #{i}: {m}")


@pytest.mark.parametrize(
    "name,per_channel", [("mish", False), ("apl", True), ("swiglu", False), ("sparsemax", False)]
)
def test_multi_op_bodies_do_run_in_blocks(name, per_channel, monkeypatch, count_bodies):
    monkeypatch.setattr(fn, "_BLOCK", 8)
    _step(name, _inputs(name), 4 if per_channel else 1)
    # forward, backward and inference of 192 elements in blocks of >= 8: far more than 3 calls
    assert count_bodies["n"] > 12


def test_one_op_bodies_run_whole(monkeypatch, count_bodies):
    # exp(x) forward and g * y backward: a block would cost a copy and save nothing
    monkeypatch.setattr(fn, "_BLOCK", 8)
    _step("exponential", _inputs("exponential"))
    assert count_bodies["n"] == 3 + 3  # forward, backward, inference, each once more as the probe


def test_double_backward_evaluates_whole_tensors(monkeypatch):
    monkeypatch.setattr(fn, "_BLOCK", 8)
    x = _inputs("mish")[:2].clone().requires_grad_(True)
    assert torch.autograd.gradgradcheck(lambda t: at.functional.mish(t, impl="function"), (x,))


# --------------------------------------------------------------------------- branch-free where
def _same_bits(a: torch.Tensor, b: torch.Tensor) -> bool:
    it = ops_torch._BITS[a.dtype]
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a.view(it), b.view(it))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16, torch.bfloat16])
def test_where_without_grad_is_torch_where_bit_for_bit(dtype):
    g = torch.Generator().manual_seed(2)
    a = torch.randn(5, 7, generator=g).to(dtype)
    b = torch.randn(5, 7, generator=g).to(dtype)
    special = torch.tensor([float("nan"), -0.0, 0.0, float("inf"), -float("inf"), 1e-40, -1.0], dtype=dtype)
    a[0], b[1] = special, special
    a.view(ops_torch._BITS[dtype])[2, 0] = -1  # a NaN with a full payload
    cond = torch.rand(5, 7, generator=g) > 0.5
    cases = [
        (cond, a, b),
        (cond[:, :1], a[:1], b),  # broadcast condition and first branch
        (cond, a, 0.0),  # python scalars on either side
        (cond, -0.0, b),
        (cond, a, float("nan")),
        (cond[0], a, b),
    ]
    with torch.no_grad():
        for c, u, v in cases:
            assert _same_bits(ops_torch.where(c, u, v), torch.where(c, u, v))


def test_where_with_grad_stays_differentiable():
    a = torch.randn(6, dtype=torch.float64, requires_grad=True)
    c = torch.tensor([True, False] * 3)
    ops_torch.where(c, a, 0.0).sum().backward()
    assert torch.equal(a.grad, c.to(torch.float64))


def test_where_falls_back_for_other_dtypes():
    with torch.no_grad():
        c = torch.tensor([True, False])
        ints = ops_torch.where(c, torch.tensor([1, 2]), torch.tensor([3, 4]))
        assert torch.equal(ints, torch.tensor([1, 4]))
        mixed = ops_torch.where(c, torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0], dtype=torch.float64))
        assert mixed.dtype == torch.float64 and mixed.tolist() == [1.0, 4.0]
