"""Few-bit codes of f': optimal under a normal input, stored in bits/8 bytes, within their error."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats
from torch.autograd.graph import saved_tensors_hooks

import actlab
import actlab.torch as at
from actlab.errors import ParameterError
from actlab.fewbit import fewbit

SMOOTH = ["gelu", "silu", "mish", "tanh", "softplus", "sigmoid", "elu", "squareplus"]


def _mse(name: str, boundaries, levels) -> float:
    """E[(f' - q)^2] under N(0, 1) by adaptive quadrature, piece by piece."""
    d = actlab.get(name).derivative
    edges = [-math.inf, *boundaries, math.inf]
    total = 0.0
    for a, b, v in zip(edges[:-1], edges[1:], levels):
        f = lambda t, v=v: (float(d(np.float64(t))) - v) ** 2 * stats.norm.pdf(t)  # noqa: E731
        total += integrate.quad(f, max(a, -12), min(b, 12), limit=200)[0]
    return total


def _best_levels(name: str, boundaries) -> list[float]:
    """The conditional mean of f' on each interval (the MSE-optimal level for fixed intervals)."""
    d = actlab.get(name).derivative
    edges = [-12.0, *boundaries, 12.0]
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        num = integrate.quad(lambda t: float(d(np.float64(t))) * stats.norm.pdf(t), a, b, limit=200)[0]
        out.append(num / (stats.norm.cdf(b) - stats.norm.cdf(a)))
    return out


@pytest.mark.parametrize("name", ["gelu", "tanh", "softplus"])
def test_stated_error_is_the_quadrature_error(name):
    q = fewbit(name, 2)
    assert len(q.boundaries) == 3 and len(q.levels) == 4
    assert list(q.boundaries) == sorted(q.boundaries)
    # the stated error (on a 0.01 grid) agrees with adaptive quadrature of the same code
    assert q.rms_error == pytest.approx(math.sqrt(_mse(name, q.boundaries, q.levels)), rel=2e-3)


def test_two_bit_code_beats_every_split_on_a_coarse_grid():
    # tanh' is even and unimodal: no symmetry argument gives the optimum, a search does
    q = fewbit("tanh", 2)
    mine = _mse("tanh", q.boundaries, q.levels)
    grid = np.arange(-2.5, 2.51, 0.5)
    best = min(_mse("tanh", c, _best_levels("tanh", c)) for c in itertools.combinations(grid, 3))
    assert mine <= best * 1.0001


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("bits", [2, 3, 4])
def test_levels_are_conditional_means_and_error_shrinks_with_bits(name, bits):
    q = fewbit(name, bits)
    assert len(q.levels) == 2**bits
    np.testing.assert_allclose(q.levels, _best_levels(name, q.boundaries), rtol=2e-3, atol=2e-4)
    if bits > 2:
        assert q.relative_error < fewbit(name, bits - 1).relative_error


def _saved_bytes(m, x) -> float:
    total = [0]

    def pack(t):
        total[0] += t.numel() * t.element_size()
        return t

    with saved_tensors_hooks(pack, lambda t: t):
        m(x)
    return total[0] / x.numel()


@pytest.mark.parametrize("tier,bits", [("2bit", 2), ("3bit", 3), ("4bit", 4)])
def test_few_bit_tiers_save_bits_over_8_bytes_and_stay_within_their_error(tier, bits):
    x = torch.randn(1 << 16, generator=torch.Generator().manual_seed(3), requires_grad=True)
    g = torch.randn(1 << 16, generator=torch.Generator().manual_seed(4))
    for name in ["gelu", "silu", "mish", "tanh", "softplus"]:
        m = at.create(name, memory=tier)
        assert _saved_bytes(m, x) == pytest.approx(bits / 8, abs=1e-3)
        y = m(x)
        with torch.no_grad():
            torch.testing.assert_close(y, at.create(name)(x), rtol=0, atol=0)  # forward untouched
        (gx,) = torch.autograd.grad(y, x, g)
        q = fewbit(name, bits)
        # independent of the code under test: the interval by explicit comparisons
        xn = x.detach().double().numpy()
        code = sum((xn > b).astype(int) for b in q.boundaries)
        np.testing.assert_allclose(gx.numpy(), g.numpy() * np.asarray(q.levels)[code], rtol=1e-6, atol=1e-7)
        exact = actlab.get(name).derivative(xn)
        err = np.sqrt(np.mean((np.asarray(q.levels)[code] - exact) ** 2) / np.mean(exact**2))
        assert err == pytest.approx(q.relative_error, rel=0.05)


def test_few_bit_tiers_keep_exact_masks_and_refuse_double_backward():
    x = torch.randn(4096, requires_grad=True)
    with at.memory("2bit"):
        assert _saved_bytes(at.create("relu"), x) == pytest.approx(0.125)  # exact 1-bit mask
        y = at.create("gelu")(x)
    with pytest.raises(RuntimeError, match="no second derivative.*memory='default'"):
        torch.autograd.grad(y.sum(), x, create_graph=True)
    # the default tier is untouched afterwards
    assert _saved_bytes(at.create("gelu"), x) == pytest.approx(4.0)


def test_few_bit_errors_name_the_fix():
    with pytest.raises(ParameterError, match="2, 3 or 4"):
        fewbit("gelu", 5)
    with pytest.raises(ParameterError, match="elementwise"):
        fewbit("softmax", 2)
    with pytest.raises(ParameterError, match="memory='9bit'.*2bit"):
        at.create("gelu", memory="9bit")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("n", [1, 7, 8, 9, 63, 64, 65, 1000, (1 << 17) + 3])
def test_c_packing_equals_torchs_bucketize_and_bit_planes(dtype, n):
    """The CPU tiers pack and unpack in C: the same planes as torch.bucketize of x in float32 and
    pack_bits per plane (NaN and the infinities included, ragged ends, split across threads), and
    the same g * level."""
    from actlab.torch.bits import pack_bits
    from actlab.torch.fixed_kernels import fewbit_pack, fewbit_unpack

    x = torch.randn(n, generator=torch.Generator().manual_seed(n), dtype=dtype) * 2
    if n > 10:
        x[3], x[5], x[6], x[-1] = math.nan, math.inf, -math.inf, 0.7  # 0.7: equal to an edge
    edges = torch.tensor([-1.5, -0.5, 0.0, 0.7, 1.0, 1.1, 2.0])
    code = torch.bucketize(x.float(), edges)
    want = torch.stack([pack_bits(((code >> k) & 1).bool()) for k in range(3)])
    before = torch.get_num_threads()
    torch.set_num_threads(2)  # from 16K elements the pass is split across the threads
    try:
        got = fewbit_pack(x, edges, 3)
    finally:
        torch.set_num_threads(before)
    assert got is not None and torch.equal(got, want)
    levels = torch.linspace(-1, 1, 8, dtype=dtype)
    g = torch.randn(n, generator=torch.Generator().manual_seed(1), dtype=dtype)
    assert torch.equal(fewbit_unpack(got, g, levels), g * levels[code])
    if n > 2:
        assert fewbit_pack(x[::2], edges, 3) is None  # not contiguous: torch's ops
    assert fewbit_unpack(got, g.to(torch.bfloat16), levels.to(torch.bfloat16)) is None
