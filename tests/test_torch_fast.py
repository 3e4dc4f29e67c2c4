"""The fast default path: torch's kernels, repaired tails, fused C kernels, the lean memory tier.

Every path is compared with the spec's closed form (itself checked against 50-digit references by
tests/test_catalog_exact.py): gradients of the default training path in float32 within the
function's float32 budget, in float64 within the catalog's 1e-12; the repair regions and the
infinities included.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import actlab
import actlab.torch as at
from actlab.check import RTOL64, local_scale, points, ulp_error
from actlab.naming import class_name
from actlab.torch import ckernels, fixed_kernels
from actlab.torch.bits import pack_bits, unpack_bits
from actlab.torch.function import plan_for
from actlab.torch.repair import REPAIRED

from .conftest import ALL

ELEMENTWISE = [n for n in ALL if actlab.spec(n).kind == "elementwise" and not actlab.spec(n).stochastic]


def _from_output(name: str) -> bool:
    """Whether training derives f' from the saved output (torch's sigmoid and tanh kernels, the
    Function's output plan): then f' carries the output's rounding, an absolute error of a few
    ulp of 1 (1 - y^2 where y rounds to 1), which is the documented accuracy of those paths."""
    s = actlab.spec(name)
    return name in ("sigmoid", "tanh") or plan_for(s, s.defaults()).strategy == "output"


def _train_grad(name: str, x: torch.Tensor, **kw) -> tuple[torch.Tensor, torch.Tensor]:
    xx = x.clone().requires_grad_(True)
    y = getattr(at.functional, name)(xx, **kw)
    (gx,) = torch.autograd.grad(y, xx, torch.ones_like(y))
    return y.detach(), gx


def _hard_points(name: str) -> np.ndarray:
    s = actlab.spec(name)
    p = s.defaults()
    extra = [-1e4, -1000.0, -700.0, -100.0, -90.0, -88.5, -80.0, -20.0, 20.0, 100.0, 1e4]
    return np.unique(np.concatenate([points(s, p), extra]))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_default_training_gradient_is_exact_in_float32(name):
    """The gradient the default path gives in training (torch's backward kernel, a repaired one
    or a fused kernel) is within the float32 budget of the closed form, at every test point."""
    s = actlab.spec(name)
    p = s.defaults()
    xs = _hard_points(name).astype(np.float32).astype(np.float64)
    xs = xs[np.isfinite(xs)]
    _, g = _train_grad(name, torch.tensor(xs, dtype=torch.float32))
    want = actlab.get(name).derivative(xs)  # float64 closed form, within 1e-12 of the reference
    budget = max(s.float32_ulp or 4, 4)
    worst = 0.0
    for x, got, w in zip(xs, g.double().numpy(), want):
        kinks = [k.at_for(p) for k in s.kinks_for(p)]
        if x in kinks:
            continue  # kink conventions: tests/test_torch_function.py
        scale = local_scale(s, p, float(x), "derivative", float(w))
        err = ulp_error(float(got), float(w), max(scale, 1.0) if _from_output(name) else scale, "float32")
        worst = max(worst, err)
        assert err <= budget + 1, f"{name}'({x!r}) = {got!r}, closed form {w!r}: {err:.3g} ulp"
    assert math.isfinite(worst)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_default_training_path_equals_the_closed_form_in_float64(name):
    xs = _hard_points(name)
    y, g = _train_grad(name, torch.tensor(xs, dtype=torch.float64))
    a = actlab.get(name)
    want_y, want_g = a(xs), a.derivative(xs)
    for is_grad, got, want in ((False, y.numpy(), want_y), (True, g.numpy(), want_g)):
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        floor = 1.0 if (_from_output(name) and is_grad) else 1e-300
        with np.errstate(invalid="ignore"):
            close = np.abs(got - want) <= 1e3 * RTOL64 * np.maximum(np.abs(want), floor)
        assert (same | close).all(), f"{name}: {xs[~(same | close)][:5]}"


@pytest.mark.parametrize("name", sorted(REPAIRED))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16], ids=str)
def test_repaired_kernels_are_exact_at_the_infinities_and_tails(name, dtype):
    inf = math.inf
    x = torch.tensor([-inf, -1e4, -750.0, -100.0, -1.0, 0.0, 1.0, 100.0, inf, math.nan], dtype=dtype)
    y, g = _train_grad(name, x)
    a = actlab.get(name)
    xs = x.double().numpy()
    want_y = torch.tensor(a(xs)).to(dtype).double().numpy()
    want_g = torch.tensor(a.derivative(xs)).to(dtype).double().numpy()
    for got, want in ((y.double().numpy(), want_y), (g.double().numpy(), want_g)):
        np.testing.assert_allclose(got, want, rtol=1e-2 if dtype == torch.bfloat16 else 1e-6, atol=1e-30)
    # no repair needed: torch's own kernel under plain autograd, nothing wrapped around it
    xx = torch.linspace(-5, 5, 11, dtype=dtype, requires_grad=True)
    assert "Repaired" not in type(getattr(at.functional, name)(xx).grad_fn).__name__
    assert "Repaired" in type(getattr(at.functional, name)(xx * -math.inf).grad_fn).__name__


def test_default_path_uses_torch_kernels_where_torch_has_them():
    x = torch.randn(8, requires_grad=True)
    assert type(at.functional.relu(x).grad_fn).__name__ == "ReluBackward0"
    assert type(at.ReLU()(x).grad_fn).__name__ == "ReluBackward0"
    assert type(at.functional.softplus(x).grad_fn).__name__ == "SoftplusBackward0"
    assert type(at.functional.leaky_relu(x).grad_fn).__name__ == "LeakyReluBackward0"
    # float64 hardsigmoid: torch's backward is inexact (a float32 1/6), so the Function
    assert "Apply" in type(at.functional.hardsigmoid(x.double()).grad_fn).__name__


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
def test_half_types_go_straight_to_torch_kernels(dtype):
    x = torch.randn(16, dtype=dtype, requires_grad=True)
    y = at.functional.relu(x)
    assert y.dtype == dtype and type(y.grad_fn).__name__ == "ReluBackward0"
    y = at.functional.gelu(x)  # the Function: evaluated in float32, saved in the input's dtype
    assert y.dtype == dtype
    (g,) = torch.autograd.grad(y.sum(), x)
    assert g.dtype == dtype
    want = actlab.get("gelu").derivative(x.detach().double().numpy())
    np.testing.assert_allclose(g.double().numpy(), want, rtol=2**-7, atol=1e-3)


# ----------------------------------------------------------------------------- bits
@pytest.mark.parametrize("n", [1, 7, 8, 9, 64, 1000, 65537])
def test_bit_packing_round_trips_and_matches_numpy(n):
    m = torch.rand(n, generator=torch.Generator().manual_seed(n)) < 0.5
    p = pack_bits(m)
    assert p.dtype == torch.uint8 and p.numel() == (n + 7) // 8
    np.testing.assert_array_equal(p.numpy(), np.packbits(m.numpy(), bitorder="little"))
    assert torch.equal(unpack_bits(p, m.shape), m)
    m2 = m[: n - n % 4].reshape(-1, 2, 2) if n >= 4 else m
    assert torch.equal(unpack_bits(pack_bits(m2), m2.shape), m2)


def test_memory_tier_errors_and_module_round_trip():
    with pytest.raises(actlab.ParameterError, match="memory='tiny' is not one of"):
        at.ReLU(memory="tiny")
    with pytest.raises(actlab.ParameterError, match="memory='tiny'"):
        at.functional.relu(torch.randn(3), memory="tiny")
    with pytest.raises(actlab.ParameterError, match="memory='tiny'"):
        with at.memory("tiny"):
            pass
    m = at.ReLU(memory="lean")
    assert "memory='lean'" in repr(m)
    m2 = at.from_config(m.to_config())
    assert m2.memory == "lean"


# ----------------------------------------------------------------------------- fused kernels
FUSED = [
    n for n in ELEMENTWISE if ckernels.kernels_for(actlab.spec(n), actlab.spec(n).defaults()) is not None
]


def test_fused_kernels_cover_the_functions_torch_lacks():
    from actlab.torch.native import TORCH_KERNELS

    lacking = [n for n in ELEMENTWISE if n not in TORCH_KERNELS and not actlab.spec(n).learnable]
    missing = sorted(set(lacking) - set(FUSED))
    # a function without a kernel is one whose kernel the accuracy gate refused on this CPU (seen:
    # serf's derivative at its zero, 189 ulp against a budget of 144, with AVX2's erff), and why
    assert set(missing) <= set(ckernels.REJECTED), f"no fused kernel for {missing}"


def test_the_accuracy_gate_rejects_a_kernel_that_misses_its_budget():
    good = actlab.spec("squareplus")
    ks = ckernels.kernels_for(good, good.defaults())
    assert ckernels.check_kernels(good, good.defaults(), ks) is None
    # the same kernels judged as another function's: far outside any budget, and refused
    other = actlab.spec("softsign")
    why = ckernels.check_kernels(other, other.defaults(), ks)
    assert why is not None and "float32 value" in why and "budget 4" in why


@pytest.mark.parametrize("name", FUSED)
def test_fused_kernels_equal_the_eager_bodies(name):
    """Same closed forms, evaluated in one pass: equal to the eager torch ops to a few ulp."""
    xs = _hard_points(name)
    for dtype, rtol in ((torch.float64, 1e-13), (torch.float32, 1e-5)):
        x = torch.tensor(xs, dtype=dtype)
        y1, g1 = _train_grad(name, x, impl="function")
        ckernels.use_ckernels(False)
        try:
            y0, g0 = _train_grad(name, x, impl="function")
        finally:
            ckernels.use_ckernels(True)
        for a, b in ((y1, y0), (g1, g0)):
            floor = 1.0 if (b is g0 and _from_output(name)) else (1e-30 if dtype == torch.float32 else 1e-300)
            scale = torch.clamp(b.abs(), min=floor)
            ok = (a == b) | (a.isnan() & b.isnan()) | ((a - b).abs() <= rtol * scale * 64)
            tiny = (b.abs() < 1e-36) & (a.abs() < 1e-36)  # subnormals may flush
            assert bool((ok | tiny).all()), f"{name} {dtype}: at {xs[~(ok | tiny).numpy()][:5]}"


LEARNABLE = [
    n
    for n in ELEMENTWISE
    if actlab.spec(n).learnable
    and not any(p.leading for p in actlab.spec(n).params)
    and all(p.name in actlab.spec(n).param_derivatives for p in actlab.spec(n).params if p.learnable)
]


def _learnable_step(name: str, x: torch.Tensor, g: torch.Tensor, scale: float):
    """f, df/dx and df/dp of a module whose learnable scalars are moved off their defaults."""
    m = at.create(name).to(x.dtype)
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(scale)
    x = x.clone().requires_grad_()
    y = m(x)
    y.backward(g)
    return y.detach(), x.grad, [p.grad for p in m.parameters()]


def test_learnable_scalar_parameters_have_fused_kernels():
    # the functions with scalar learnable parameters and closed-form parameter derivatives
    assert {"snake", "swish", "pelu", "star_relu"} <= set(LEARNABLE)
    for name in LEARNABLE:
        s = actlab.spec(name)
        runtime = tuple(p.name for p in s.params if p.learnable)
        assert ckernels.param_kernels_for(s, {}, runtime) is not None or name in ckernels.REJECTED, name


@pytest.mark.parametrize("name", LEARNABLE)
@pytest.mark.parametrize("n", [1001, 3 * (1 << 17) + 5])  # one call; split across threads
def test_fused_learnable_kernels_equal_the_eager_gradients(name, n):
    """Input and parameter gradients through the runtime-parameter kernels equal the eager ops'."""
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(n, generator=gen, dtype=torch.float64) * 4
    x[:4] = torch.tensor([0.0, -1e-3, 30.0, -30.0], dtype=torch.float64)
    g = torch.randn(n, generator=gen, dtype=torch.float64)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        for dtype, rtol in ((torch.float64, 1e-11), (torch.float32, 2e-4)):
            got = _learnable_step(name, x.to(dtype), g.to(dtype), 1.3)
            ckernels.use_ckernels(False)
            try:
                want = _learnable_step(name, x.to(dtype), g.to(dtype), 1.3)
            finally:
                ckernels.use_ckernels(True)
            torch.testing.assert_close(got[0], want[0], rtol=rtol, atol=rtol)
            torch.testing.assert_close(got[1], want[1], rtol=rtol, atol=rtol)
            for a, b in zip(got[2], want[2]):
                # a sum over n elements: compared relative to the sum of magnitudes
                assert abs(float(a) - float(b)) <= rtol * 10 * float(b.abs().sum() + 1), (name, dtype, a, b)
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("n", [1001, 3 * (1 << 17) + 5])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_apl_hinges_run_fused_and_equal_the_formula(n, dtype, monkeypatch):
    """APL's per-hinge slopes and locations (shape (S, 1)) are the fused kernels' run-time values:
    f, df/dx, df/da_s and df/db_s equal plain autograd of the paper's formula in float64."""
    calls = []
    real = ckernels.ParamKernels.backward
    monkeypatch.setattr(ckernels.ParamKernels, "backward", lambda *a: calls.append(1) or real(*a))
    a0 = torch.tensor([-0.3, 0.5, 0.25], dtype=torch.float64)
    b0 = torch.tensor([-1.0, 0.5, 2.0], dtype=torch.float64)
    gen = torch.Generator().manual_seed(3)
    x0 = torch.randn(n, generator=gen, dtype=torch.float64) * 3
    x0[:3] = torch.tensor([-1.0, 0.5, 2.0])  # on the hinges' knots (f' takes the left slope)
    g = torch.randn(n, generator=gen, dtype=torch.float64)
    m = at.create("apl", hinges=3).to(dtype)
    with torch.no_grad():
        m.a.copy_(a0.reshape(3, 1))
        m.b.copy_(b0.reshape(3, 1))
    x = x0.to(dtype).requires_grad_()
    y = m(x)
    y.backward(g.to(dtype))
    assert calls, "the fused kernels did not run"
    # the reference: the formula with the values the module holds, in float64
    xr = x0.to(dtype).double().requires_grad_()
    ar, br = (
        m.a.detach().double().reshape(3).requires_grad_(),
        m.b.detach().double().reshape(3).requires_grad_(),
    )
    # max(0, b_s - x) written so that autograd counts x = b_s as live (the spec's convention:
    # f' takes the left slope at a knot), where torch.relu(b_s - x) would count it dead
    zero = torch.zeros((), dtype=torch.float64)
    yr = torch.relu(xr) + sum(ar[s] * torch.where(xr <= br[s], br[s] - xr, zero) for s in range(3))
    yr.backward(g)
    tol = 1e-12 if dtype == torch.float64 else 2e-6
    torch.testing.assert_close(y.double(), yr.detach(), rtol=tol, atol=tol)
    torch.testing.assert_close(x.grad.double(), xr.grad, rtol=tol, atol=tol)
    for got, want in ((m.a.grad, ar.grad), (m.b.grad, br.grad)):
        assert got.shape == (3, 1)
        scale = float(g.abs().sum() * (x0.abs().max() + 3))
        assert (got.double().reshape(3) - want).abs().max() <= tol * scale, (got, want)


def test_apl_fused_double_backward_is_the_closed_form():
    """Through the fused path, a gradient of a gradient (create_graph) is the closed form's:
    d/da_s of sum(df/dx) = -sum [x <= b_s], by the general Function's differentiable backward."""
    m = at.create("apl", hinges=2).double()
    with torch.no_grad():
        m.a.copy_(torch.tensor([[0.5], [-0.25]], dtype=torch.float64))
        m.b.copy_(torch.tensor([[0.0], [1.0]], dtype=torch.float64))
    x = torch.linspace(-3, 3, 601, dtype=torch.float64).requires_grad_()
    (gx,) = torch.autograd.grad(m(x).sum(), x, create_graph=True)
    (ga,) = torch.autograd.grad(gx.sum(), m.a)
    want = -torch.tensor([[(x <= 0.0).sum()], [(x <= 1.0).sum()]], dtype=torch.float64)
    torch.testing.assert_close(ga, want, rtol=0, atol=1e-9)


def test_fused_learnable_parameter_gradient_is_the_closed_form_sum():
    # snake: df/da = sin(u)(2u cos u - sin u)/a^2 with u = a x, summed over the elements
    x = torch.linspace(-5, 5, 4097, dtype=torch.float64)
    m = at.create("snake").double()
    with torch.no_grad():
        m.alpha.fill_(0.7)
    m(x).sum().backward()
    u = 0.7 * x.numpy()
    want = float(np.sum(np.sin(u) * (2 * u * np.cos(u) - np.sin(u)) / 0.49))
    assert abs(float(m.alpha.grad) - want) <= 1e-12 * float(np.sum(np.abs(u)))


def test_fused_kernels_split_large_tensors_across_threads():
    x = torch.randn(1 << 18, dtype=torch.float64)
    y = at.functional.squareplus(x)
    torch.testing.assert_close(y, (x + torch.sqrt(x * x + 4)) / 2, rtol=1e-14, atol=0)


@pytest.mark.parametrize("n", [(1 << 14) + 3, 1 << 16, (1 << 18) + 517])
def test_openmp_split_equals_one_thread(n):
    """The par_ kernels (OpenMP, torch's runtime) cut n into whole 512-element blocks per thread:
    every element is computed once, including the ragged end, as one thread computes it."""
    s = actlab.spec("gelu")
    ks = ckernels.kernels_for(s, s.defaults())
    assert ks is not None and ks._par, "the kernels were built without OpenMP"
    x = torch.randn(n, generator=torch.Generator().manual_seed(n))
    g = torch.randn(n, generator=torch.Generator().manual_seed(n + 1))
    one, split = torch.full_like(x, math.nan), torch.full_like(x, math.nan)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        ks.run("dx_grad", one, x, g)
        torch.set_num_threads(max(2, before))
        ks.run("dx_grad", split, x, g)
    finally:
        torch.set_num_threads(before)
    assert torch.equal(one, split)


def test_no_compiler_falls_back_with_one_warning(tmp_path):
    code = (
        "import warnings, torch, actlab.torch as at\n"
        "x = torch.linspace(-3, 3, 7, dtype=torch.float64)\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    a = at.functional.squareplus(x); b = at.functional.sinc(x)\n"
        "print(sum('fused CPU kernels are not available' in str(m.message) for m in w))\n"
        "print(float((a - (x + (x * x + 4).sqrt()) / 2).abs().max()))\n"
    )
    env = dict(os.environ, CC=str(tmp_path / "no-such-compiler"), ACTLAB_CACHE=str(tmp_path / "cache"))
    env["PATH"] = str(tmp_path)  # no gcc or cc
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    warned, err = r.stdout.split()
    assert warned == "1" and float(err) <= 1e-15


def test_kernels_are_cached_across_processes(tmp_path):
    code = (
        "import torch, actlab.torch as at; at.functional.bent_identity(torch.randn(5, dtype=torch.float64))"
    )
    env = dict(os.environ, ACTLAB_CACHE=str(tmp_path))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=600)
    built = sorted((tmp_path / "kernels").glob("*.so"))
    assert len(built) == len(ckernels._VARIANTS)  # one build per vector width tried on this CPU
    stamps = [p.stat().st_mtime_ns for p in built]
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=600)
    assert sorted((tmp_path / "kernels").glob("*.so")) == built
    assert [p.stat().st_mtime_ns for p in built] == stamps  # loaded, not built again


# ----------------------------------------------------------------------------- transforms
def _inp(name: str) -> torch.Tensor:
    s = actlab.spec(name)
    x = torch.tensor([-2.5, -0.7, 0.3, 1.9, -1.2, 0.8], dtype=torch.float64)
    return x if s.kind == "elementwise" else x.reshape(1, 6)[:, : 6 if s.kind == "vector" else 4]


@pytest.mark.parametrize("name", ALL)
def test_forward_mode_and_func_transforms_agree_with_reverse_mode(name):
    """jvp (dual numbers), torch.func.jacfwd, jacrev and vmap give reverse mode's derivatives and
    the plain values for every function: none drops a tangent (a silent zero) or fails."""
    import torch.autograd.forward_ad as fwad

    f = getattr(at.functional, name)
    x = _inp(name)
    jac_rev = torch.autograd.functional.jacobian(f, x)
    torch.testing.assert_close(torch.func.jacfwd(f)(x), jac_rev)
    torch.testing.assert_close(torch.func.jacrev(f)(x), jac_rev)
    t = torch.linspace(0.5, 1.5, x.numel(), dtype=x.dtype).reshape(x.shape)
    with fwad.dual_level():
        y = f(fwad.make_dual(x, t))
        tangent = fwad.unpack_dual(y).tangent
    assert tangent is not None, f"{name}: forward mode dropped the tangent"
    want = (jac_rev.reshape(y.numel(), x.numel()) @ t.reshape(-1)).reshape(y.shape)
    torch.testing.assert_close(tangent, want)
    torch.testing.assert_close(torch.func.vmap(f)(x.unsqueeze(0)).squeeze(0), f(x))


@pytest.mark.parametrize("name", [n for n in ALL if actlab.spec(n).kind == "gated"])
@pytest.mark.parametrize("shape,dim", [((4, 6, 10), -1), ((4, 6, 10), 1), ((4, 6, 10), 0), ((64, 4096), -1)])
def test_fused_gated_units_equal_the_eager_path(name, shape, dim):
    """Gated units through their fused kernel (halves along any axis; the large case is split
    across threads) give the eager path's values and gradients."""
    x = torch.randn(shape, generator=torch.Generator().manual_seed(3), dtype=torch.float64) * 3
    f = getattr(at.functional, name)
    xx = x.clone().requires_grad_(True)
    y = f(xx, dim=dim)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(4), dtype=y.dtype)
    (gx,) = torch.autograd.grad(y, xx, g)
    ckernels.use_ckernels(False)
    try:
        x0 = x.clone().requires_grad_(True)
        y0 = f(x0, dim=dim)
        (g0,) = torch.autograd.grad(y0, x0, g)
    finally:
        ckernels.use_ckernels(True)
    # near a zero of the partials (swiglu's d/db at b = -1.28) the two round apart: compare at the scale
    torch.testing.assert_close(y, y0, rtol=1e-13, atol=1e-14 * float(y0.abs().max()))
    torch.testing.assert_close(gx, g0, rtol=1e-13, atol=1e-14 * float(g0.abs().max()))
    if actlab.spec(name).gate is not None and name != "glu":  # glu runs torch's kernel
        assert ckernels.gated_kernels_for(actlab.spec(name), actlab.spec(name).defaults()) is not None


@pytest.mark.parametrize("name", [n for n in ALL if actlab.spec(n).gate is not None and n != "glu"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_fused_gated_rows_with_and_without_tail_elements(name, dtype):
    """A row whose gate inputs reach the rare tails (-50, -90, -800, +-inf) runs the whole closed form,
    the other rows its common branches alone: both equal the eager path."""
    x = torch.randn(6, 2, 64, generator=torch.Generator().manual_seed(5), dtype=torch.float64) * 3
    # -90: in float32 the gate e^-90 is subnormal while b times it is not (the tail form keeps it)
    x[1, 1, :7] = torch.tensor([-50.0, -800.0, -math.inf, math.inf, -45.0, 60.0, -90.0], dtype=torch.float64)
    x = x.reshape(6, 128).to(dtype)
    f = getattr(at.functional, name)
    xx = x.clone().requires_grad_(True)
    y = f(xx)
    (gx,) = torch.autograd.grad(y, xx, torch.ones_like(y))
    ckernels.use_ckernels(False)
    try:
        x0 = x.clone().requires_grad_(True)
        y0 = f(x0)
        (g0,) = torch.autograd.grad(y0, x0, torch.ones_like(y0))
    finally:
        ckernels.use_ckernels(True)
    tol = dict(rtol=1e-13, atol=1e-14) if dtype == torch.float64 else dict(rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(y, y0, equal_nan=True, **tol)
    torch.testing.assert_close(gx, g0, equal_nan=True, **tol)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
@pytest.mark.parametrize("name", ["gelu", "mish", "squareplus", "log_sigmoid", "hardswish", "tanhshrink"])
def test_fused_kernels_take_half_types_and_round_once(name, dtype):
    """bfloat16/float16 are loaded and stored by the kernel and computed in float: the result is
    the float32 computation rounded once, as evaluating in float32 and casting gives (to one ulp
    of the half type: gcc may vectorize the half loop at another width, and glibc's vector
    functions of another width round a float32 ulp apart)."""
    x = (torch.randn(4099, generator=torch.Generator().manual_seed(2)) * 4).to(dtype)
    y, g = _train_grad(name, x)
    assert y.dtype == dtype and g.dtype == dtype
    want_y, want_g = _train_grad(name, x.float())
    ulp = torch.finfo(dtype).eps
    pairs = [(y, want_y)] + ([] if _from_output(name) else [(g, want_g)])  # f' from the output: +1 rounding
    for got, want in pairs:
        torch.testing.assert_close(got.float(), want.to(dtype).float(), rtol=ulp, atol=0)
        assert (got == want.to(dtype)).float().mean() > 0.99
    ks = ckernels.kernels_for(actlab.spec(name), actlab.spec(name).defaults())
    assert ks is not None and ks.takes("fwd", torch.bfloat16)


def test_fused_kernels_work_in_a_forked_child():
    """A child forked after the kernels' thread pool started must not wait on the parent's threads."""
    import multiprocessing as mp

    x = torch.from_numpy(np.random.default_rng(0).standard_normal(1 << 18))
    want = at.functional.squareplus(x)  # starts the pool in this process
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child_squareplus, args=(q,))
    p.start()
    try:
        got = q.get(timeout=600)  # a hang guard: the child answers in a second
    finally:
        p.join(timeout=60)
        if p.is_alive():
            p.kill()
            p.join()
    assert p.exitcode == 0 and got == pytest.approx(float(want.numpy().sum()), rel=1e-12)


def _child_squareplus(q) -> None:
    # NumPy for everything around the kernel: torch's own OpenMP regions are not fork-safe (a
    # child of a process that ran them can hang in them), and this test is about actlab's pool
    x = torch.from_numpy(np.random.default_rng(0).standard_normal(1 << 18))
    q.put(float(at.functional.squareplus(x).numpy().sum()))


def test_rrelu_randomness_follows_vmaps_randomness_mode():
    """torch's own rrelu has no vmap rule at all; actlab's draws its slopes with torch's random ops,
    so vmap's ``randomness`` decides: 'error' refuses, 'same' shares slopes across the batch,
    'different' draws per batch element — each slope within [lower, upper]."""
    x = -torch.ones(3, 2000)
    f = lambda t: at.functional.rrelu(t, training=True)  # noqa: E731
    with pytest.raises(RuntimeError, match="randomness"):
        torch.func.vmap(f)(x)
    same = torch.func.vmap(f, randomness="same")(x)
    diff = torch.func.vmap(f, randomness="different")(x)
    assert torch.equal(same[0], same[1]) and torch.equal(same[1], same[2])
    assert not torch.equal(diff[0], diff[1])
    for y in (same, diff):
        assert bool(((-y >= 1 / 8) & (-y <= 1 / 3)).all())


def _param_sets(name: str) -> list[dict]:
    s = actlab.spec(name)
    sets = [dict(p) for p in s.test_params]
    for p in s.params:
        if not p.learnable:
            sets += [{p.name: v} for v in p.test_values]
    return sets or [{}]


def _valid(name: str, params: dict) -> bool:
    try:
        actlab.get(name, **params)
    except actlab.ParameterError:  # a value the spec's constraints refuse on its own
        return False
    return True


FROM_OUTPUT = [
    (n, p)
    for n in ELEMENTWISE
    if actlab.spec(n).derivative_from_output is not None
    for p in _param_sets(n)
    if _valid(n, p)
]


@pytest.mark.parametrize("name,params", FROM_OUTPUT, ids=[f"{n}-{p}" for n, p in FROM_OUTPUT])
def test_training_keeps_relative_accuracy_in_the_tails_at_every_parameter(name, params):
    """Where f' from the saved output would cancel (elu: f + alpha, with f rounded to -alpha),
    training out of place keeps the input: f' stays relatively accurate far into the tail."""
    act = actlab.get(name, **params)
    xs = np.array([-40.0, -20.0, -5.0, -0.5, 0.5, 2.0])
    want = act.derivative(xs)
    for dtype, rtol in ((torch.float64, 1e-12), (torch.float32, 1e-5)):
        _, g = _train_grad(name, torch.tensor(xs, dtype=dtype), **params)
        g = g.double().numpy()
        tiny = np.abs(want) < (1e-300 if dtype == torch.float64 else 1e-37)  # underflows in dtype
        ok = (np.abs(g - want) <= rtol * np.abs(want) + 1e-300) | tiny
        if name in ("sigmoid", "tanh"):  # torch's kernels, whose own backward reads the output
            ok |= np.abs(g - want) <= 4 * np.finfo(np.float32 if dtype == torch.float32 else np.float64).eps
        assert ok.all(), f"{name}{params} {dtype}: f'({xs[~ok]}) = {g[~ok]}, closed form {want[~ok]}"


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
@pytest.mark.parametrize(
    "name",
    ["relu", "leaky_relu", "relu6", "hardtanh", "threshold", "hardshrink", "softshrink", "hardsigmoid"],
)
def test_lean_tier_takes_half_types_on_its_fused_kernels(name, dtype):
    """The 1-bit mask kernels load and store bfloat16/float16 (computing in float, rounding once):
    the same values as the default path and gradients within one rounding of them."""
    gen = torch.Generator().manual_seed(5)
    x = (torch.randn(3000, generator=gen) * 4).to(dtype)
    g = torch.randn(3000, generator=gen).to(dtype)
    out = {}
    for tier in ("default", "lean"):
        xx = x.clone().requires_grad_()
        y = at.create(name, memory=tier)(xx)
        (gx,) = torch.autograd.grad(y, xx, g)
        out[tier] = (y.detach(), gx)
    assert out["lean"][0].dtype == dtype and out["lean"][1].dtype == dtype
    torch.testing.assert_close(out["lean"][0], out["default"][0], rtol=0, atol=0)
    torch.testing.assert_close(out["lean"][1], out["default"][1], rtol=1e-2, atol=1e-3)
    ks = ckernels.mask_kernels_for(
        actlab.spec(name),
        actlab.get(name).params,
        *(lambda p: (p.runs, p.low, p.high))(plan_for(actlab.spec(name), actlab.get(name).params)),
    )
    assert ks is not None and ks.takes("bits_fwd", dtype)  # the fused path, not eager packing


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_mode_tangent_is_the_closed_form_derivative_at_the_kinks_too(name):
    """Forward mode (dual numbers) gives f'(x) t from the spec's closed form, float64, at ordinary
    points and exactly at every kink, where the value is the spec's stated convention."""
    import torch.autograd.forward_ad as fwad

    s = actlab.spec(name)
    p = s.defaults()
    kinks = [k.at_for(p) for k in s.kinks_for(p)]
    xs = np.array([-2.5, -0.7, 0.3, 1.9, *kinks], dtype=np.float64)
    x = torch.tensor(xs)
    t = torch.linspace(0.5, 1.5, x.numel(), dtype=x.dtype)
    with fwad.dual_level():
        tangent = fwad.unpack_dual(getattr(at.functional, name)(fwad.make_dual(x, t))).tangent
    want = actlab.get(name).derivative(xs) * t.numpy()
    np.testing.assert_allclose(tangent.numpy(), want, rtol=1e-12, atol=1e-300, err_msg=f"{name} at {xs}")


LEARNABLE_ALL = [n for n in ELEMENTWISE if any(p.learnable for p in actlab.spec(n).params)]


@pytest.mark.parametrize("name", LEARNABLE_ALL)
def test_forward_mode_through_learnable_parameters_is_the_closed_form(name):
    """torch.func.jvp with respect to a module's learnable parameters gives sum_p (df/dp) t_p from
    the spec's param_derivatives, and agrees with reverse mode."""
    s = actlab.spec(name)
    m = at.create(name).double()
    x = torch.tensor([-2.5, -0.7, 0.3, 1.9], dtype=torch.float64)
    params = {k: v.detach().clone() for k, v in m.named_parameters()}
    tang = {k: torch.full_like(v, 0.7) for k, v in params.items()}

    def f(ps):
        return torch.func.functional_call(m, ps, (x,))

    _, jvp = torch.func.jvp(f, (params,), (tang,))
    # reverse mode, one output element at a time
    jac = torch.func.jacrev(f)(params)
    want = sum((jac[k].reshape(x.numel(), -1) @ tang[k].reshape(-1)) for k in params)
    torch.testing.assert_close(jvp, want.reshape(jvp.shape))
    if s.param_derivatives and not any(q.leading for q in s.params):  # the closed form (scalars)
        pv = {k.split(".")[-1]: float(v.reshape(-1)[0]) for k, v in params.items()}
        closed = sum(
            s.param_derivatives[k](x.numpy(), actlab.ops.numpy, **{**s.defaults(), **pv}) * 0.7
            for k in pv
            if k in s.param_derivatives
        )
        if len(pv) == len([k for k in pv if k in s.param_derivatives]):
            np.testing.assert_allclose(jvp.detach().numpy(), closed, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["relu", "hardtanh", "leaky_relu"])
def test_lean_tier_openmp_split_equals_one_thread(name):
    """The lean tier's mask kernels split across OpenMP threads: each thread packs and reads its own
    bytes of the mask (offset by lo / 8), so values and gradients equal a one-thread run and the
    exact derivative, ragged end included."""
    n = (1 << 18) + 517
    x = torch.randn(n, generator=torch.Generator().manual_seed(7))
    x[:4] = torch.tensor([0.0, -1.0, 1.0, -0.0])  # kinks of relu and hardtanh
    g = torch.randn(n, generator=torch.Generator().manual_seed(8))
    m = getattr(at, class_name(name))(memory="lean")
    out = []
    before = torch.get_num_threads()
    try:
        for threads in (1, max(2, before)):
            torch.set_num_threads(threads)
            xx = x.clone().requires_grad_(True)
            y = m(xx)
            (gx,) = torch.autograd.grad(y, xx, g)
            out.append((y, gx))
    finally:
        torch.set_num_threads(before)
    assert torch.equal(out[0][0], out[1][0]) and torch.equal(out[0][1], out[1][1])
    # the exact derivative, as the eager Function computes it in float32 (g times the slope)
    xf = x.clone().requires_grad_(True)
    (want,) = torch.autograd.grad(getattr(at.functional, name)(xf, impl="function"), xf, g)
    assert torch.equal(out[1][1], want)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16], ids=str)
@pytest.mark.parametrize("n", [1000, (1 << 16) + 37])
def test_region_scan_finds_each_kind_of_element_anywhere(dtype, n):
    """The scan that decides whether a repaired kernel needs its repair: below the bound, +inf and
    NaN count, anything else does not; the last element too (split across threads from 16K)."""
    top = 6e4 if dtype == torch.float16 else 1e30  # finite in the dtype
    base = torch.linspace(-79.0, top, n, dtype=torch.float64).to(dtype)
    assert fixed_kernels.outside(base, -80.0) is False
    for bad in (-80.5, -math.inf, math.inf, math.nan):
        for at_ in (0, n // 2, n - 1):
            x = base.clone()
            x[at_] = bad
            assert fixed_kernels.outside(x, -80.0) is True, (bad, at_)
    assert fixed_kernels.outside(base[::2], -80.0) is None  # not contiguous: the caller asks torch
    assert fixed_kernels.outside(base.to(torch.int32), -80.0) is None  # not a float: torch decides


def _half_converters():
    """The kernels' float16 load and store (cgen.HALF_HELPERS) over arrays, built as a kernel is."""
    import ctypes

    from actlab.torch.cgen import HALF_HELPERS

    src = "\n".join(
        ["#include <stdint.h>", "#include <string.h>", *HALF_HELPERS]
        + [
            "void to_f(const uint16_t* h, float* f, int64_t n) {",
            "  for (int64_t i = 0; i < n; i++) f[i] = f16_to_f(h[i]);",
            "}",
            "void to_h(const float* f, uint16_t* h, int64_t n) {",
            "  for (int64_t i = 0; i < n; i++) h[i] = f_to_f16(f[i]);",
            "}",
            "void blocks_to_f(const uint16_t* h, float* f, int64_t n) { f16_block_to_f(h, f, n); }",
            "void blocks_to_h(const float* f, uint16_t* h, int64_t n) { f_block_to_f16(f, h, n); }",
        ]
    )
    lib = ctypes.CDLL(str(ckernels._build(src)))
    for fn in (lib.to_f, lib.to_h, lib.blocks_to_f, lib.blocks_to_h):
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    return lib


@pytest.mark.parametrize("form", ["element", "blocks"])
def test_float16_loads_and_stores_equal_ieee_conversions(form):
    """The kernels convert float16 by integer and float arithmetic (vectorized, where _Float16 casts
    are scalar calls) or, in blocks, by the CPU's F16C instructions where it has them: every half
    to float, and floats of every kind to half with round-to-nearest-even (normal, subnormal,
    overflow to inf, ties, NaN), equal numpy's IEEE conversions."""
    lib = _half_converters()
    to_f, to_h = (lib.to_f, lib.to_h) if form == "element" else (lib.blocks_to_f, lib.blocks_to_h)
    halves = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    got = np.empty(1 << 16, dtype=np.float32)
    to_f(halves.ctypes.data, got.ctypes.data, got.size)
    want = halves.view(np.float16).astype(np.float32)
    same = (got.view(np.uint32) == want.view(np.uint32)) | (np.isnan(got) & np.isnan(want))
    assert same.all(), halves[~same][:5]
    rng = np.random.default_rng(0)
    bits = np.concatenate(
        [
            rng.integers(0, 1 << 32, 1 << 20, dtype=np.uint64).astype(np.uint32),  # any float
            # every float within a few half ulps of each half: the rounding boundaries and ties
            (
                (
                    halves.view(np.float16).astype(np.float32).view(np.uint32)[:, None]
                    + np.arange(-4096, 4097, 1024)
                )
                .ravel()
                .astype(np.uint32)
            ),
            np.array(
                [0x477FEFFF, 0x477FF000, 0x47800000, 0x7F800000, 0x7FC00000, 0x33000000, 0x33000001],
                np.uint32,
            ),
        ]
    )
    floats = bits.view(np.float32)
    out = np.empty(floats.size, dtype=np.uint16)
    to_h(floats.ctypes.data, out.ctypes.data, floats.size)
    with np.errstate(over="ignore"):
        want_h = floats.astype(np.float16)
    ok = (out == want_h.view(np.uint16)) | (np.isnan(want_h) & np.isnan(out.view(np.float16)))
    assert ok.all(), [hex(b) for b in bits[~ok][:5]]


@pytest.mark.parametrize("name", ["gelu", "mish", "squareplus", "lecun_tanh"])
def test_default_fused_path_is_the_closed_form_for_strided_inputs_and_double_backward(name):
    """The default path's light Function (fused forward and f' kernels, nothing resolved per call):
    a non-contiguous input, and create_graph through it (the differentiable closed form)."""
    a = actlab.get(name)
    base = torch.linspace(-6, 6, 2 * 513, dtype=torch.float64)
    xs = base[::2].requires_grad_(True)  # a strided view as the input
    y = getattr(at.functional, name)(xs)
    assert type(y.grad_fn).__name__ == "_FusedBackward"
    (g,) = torch.autograd.grad(y, xs, torch.ones_like(y), create_graph=True)
    np.testing.assert_allclose(y.detach().numpy(), a(base[::2].numpy()), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(g.detach().numpy(), a.derivative(base[::2].numpy()), rtol=1e-12, atol=1e-300)
    # the second derivative, against central differences of the closed-form f'
    (h,) = torch.autograd.grad(g.sum(), xs)
    xn = base[::2].numpy()
    fd = (a.derivative(xn + 1e-6) - a.derivative(xn - 1e-6)) / 2e-6
    np.testing.assert_allclose(h.numpy(), fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", [n for n in ALL if actlab.spec(n).gate is not None and n != "glu"])
def test_default_gated_path_runs_the_fused_kernels_and_keeps_the_general_checks(name):
    """Gated units take a light Function on their fused kernels by default (functional and module);
    what that path does not take (odd halves, a dim out of range, a tuple) reaches the general
    path and its clear errors; double backward goes through the differentiable closed form."""
    from actlab.errors import ShapeError

    f = getattr(at.functional, name)
    m = at.create(name, dtype=torch.float64)
    x = torch.randn(3, 8, 4, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    for call in (lambda t: f(t, dim=1), lambda t: at.create(name, dim=1)(t)):
        y = call(x.clone().requires_grad_(True))
        assert type(y.grad_fn).__name__ == "_FusedGatedBackward"
    assert type(m(x.clone().requires_grad_(True)).grad_fn).__name__ == "_FusedGatedBackward"
    with pytest.raises(ShapeError, match="odd"):
        f(torch.randn(3, 5))
    with pytest.raises(ShapeError, match="out of range"):
        f(torch.randn(3, 4), dim=2)
    with pytest.raises(ShapeError, match="one int"):
        f(torch.randn(3, 4), dim=(0, 1))
    xs = x[:, :, :2].clone().requires_grad_(True)
    assert torch.autograd.gradgradcheck(lambda t: f(t, dim=1), (xs,), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "glu"])
def test_default_path_of_torch_kernels_along_a_dim(name):
    """Vector kinds and glu call torch's kernel straight from the default path, along any dim, and
    leave errors to the general path."""
    from actlab.errors import ShapeError

    x = torch.randn(4, 6, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    want = {
        "softmax": lambda t, d: torch.softmax(t, d),
        "log_softmax": lambda t, d: torch.log_softmax(t, d),
        "softmin": lambda t, d: torch.softmax(-t, d),
        "glu": lambda t, d: torch.nn.functional.glu(t, d),
    }[name]
    f = getattr(at.functional, name)
    for d in (0, 1, -1, -2):
        torch.testing.assert_close(f(x, dim=d), want(x, d), rtol=0, atol=0)
    with pytest.raises(ShapeError, match="out of range"):
        f(x, dim=2)


@pytest.mark.parametrize("name", ["relu", "hardtanh", "softshrink", "sparse_sigmoid"])
def test_light_mask_path_saves_one_bit_and_is_exact(name):
    """Piecewise-linear functions through the light mask Function: in the lean tier where torch
    has a kernel, by default where it has none. One bit per element saved; f' exact; create_graph
    goes through the differentiable closed form."""
    a = actlab.get(name)
    lean_only = name != "sparse_sigmoid"
    x = torch.linspace(-3, 3, 1001, dtype=torch.float64)
    x = x[
        (x.unsqueeze(1) - torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=torch.float64)).abs().min(1).values
        > 1e-9
    ]
    for kw in ({"memory": "lean"},) + (() if lean_only else ({},)):
        xx = x.clone().requires_grad_(True)
        saved = []
        with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(t) or t, lambda t: t):
            y = getattr(at.functional, name)(xx, **kw)
        assert type(y.grad_fn).__name__ == "_FusedBitsBackward"
        assert sum(t.numel() * t.element_size() for t in saved) == (x.numel() + 7) // 8
        g = torch.ones_like(y).requires_grad_(True)
        (gx,) = torch.autograd.grad(y, xx, g, create_graph=True)
        np.testing.assert_array_equal(y.detach().numpy(), a(x.numpy()))
        np.testing.assert_array_equal(gx.detach().numpy(), a.derivative(x.numpy()))
        # create_graph: the gradient is a function of the upstream gradient, d gx / d g = f'(x)
        (dg,) = torch.autograd.grad(gx.sum(), g)
        np.testing.assert_array_equal(dg.numpy(), a.derivative(x.numpy()))
    if lean_only:  # default tier: torch's kernel, which saves what torch saves
        y = getattr(at.functional, name)(x.clone().requires_grad_(True))
        assert type(y.grad_fn).__name__ != "_FusedBitsBackward"


@pytest.mark.parametrize("channels", [1, 3])
def test_learnable_prelu_module_runs_torchs_kernel_with_its_weight(channels, monkeypatch):
    """A learnable PReLU goes straight to torch's kernel with the module's weight (resolved once;
    no general path per call): values and both gradients equal F.prelu's; an input of another
    dtype than the weight, or with the wrong channel count, still takes the general path (casts,
    clear errors)."""
    m = at.create("prelu", num_parameters=channels)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([0.1, -0.3, 0.7][:channels]))
    x = torch.randn(4, channels, 5, generator=torch.Generator().manual_seed(3)).requires_grad_(True)
    from actlab.torch import modules

    def general(*a, **k):
        raise AssertionError("the general path ran")

    monkeypatch.setattr(modules, "Activation", general)
    y = m(x)
    monkeypatch.undo()
    assert "prelu" in type(y.grad_fn).__name__.lower()  # torch's own backward node
    w = m.weight.detach().clone().requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    want = torch.nn.functional.prelu(x2, w)
    g = torch.randn_like(want)
    torch.testing.assert_close(y, want, rtol=0, atol=0)
    gx, gw = torch.autograd.grad(y, [x, m.weight], g)
    wx, ww = torch.autograd.grad(want, [x2, w], g)
    torch.testing.assert_close(gx, wx, rtol=0, atol=0)
    torch.testing.assert_close(gw, ww, rtol=1e-6, atol=1e-6)  # a sum: torch's order either way
    yb = m(x.detach().to(torch.bfloat16))  # weight float32: the general path evaluates and casts
    assert yb.dtype == torch.bfloat16
    torch.testing.assert_close(yb.float(), want.detach(), rtol=1e-2, atol=1e-2)
    if channels > 1:
        with pytest.raises(actlab.errors.ShapeError, match="reads channels from dim 1"):
            m(torch.randn(4, channels + 1, 5))


def test_rrelu_outside_training_runs_torchs_leaky_relu_without_the_general_path(monkeypatch):
    """In eval mode (and the functional's default training=False) rrelu is leaky_relu with the mean
    slope: resolved once to torch's kernel, values and gradient equal F.leaky_relu's; training mode
    and a generator still take the general path (random slopes)."""
    from actlab.torch import functional, modules

    s = actlab.spec("rrelu")
    d = s.defaults()
    slope = (d["lower"] + d["upper"]) / 2
    m = at.create("rrelu").eval()
    x = torch.randn(64, 33, generator=torch.Generator().manual_seed(4)).requires_grad_(True)

    def general(*a, **k):
        raise AssertionError("the general path ran")

    monkeypatch.setattr(modules, "Activation", general)
    monkeypatch.setattr(functional, "Activation", general)
    y, yf = m(x), at.functional.rrelu(x)
    monkeypatch.undo()
    x2 = x.detach().clone().requires_grad_(True)
    want = torch.nn.functional.leaky_relu(x2, slope)
    g = torch.randn_like(want)
    for got in (y, yf):
        torch.testing.assert_close(got, want, rtol=0, atol=0)
        (gx,) = torch.autograd.grad(got, [x], g)
        (wx,) = torch.autograd.grad(want, [x2], g, retain_graph=True)
        torch.testing.assert_close(gx, wx, rtol=0, atol=0)
    neg = x.detach() < 0
    yt = m.train()(x.detach())  # training: a random slope per element in [lower, upper]
    ratio = yt[neg] / x.detach()[neg]
    assert ratio.min() >= d["lower"] - 1e-6 and ratio.max() <= d["upper"] + 1e-6
    assert ratio.std() > 0.01  # not the one mean slope


def _sparsemax_general(x: torch.Tensor, dim: int, g: torch.Tensor):
    """sparsemax and its input gradient by the general path (the spec's sort-based closed form)."""
    ckernels.use_ckernels(False)
    try:
        xx = x.detach().clone().requires_grad_()
        y = at.functional.sparsemax(xx, dim=dim)
        y.backward(g)
    finally:
        ckernels.use_ckernels(True)
    return y.detach(), xx.grad


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("dim", [-1, 0])
def test_sparsemax_hand_written_kernels_equal_the_sort_based_form(dtype, dim, monkeypatch):
    """sparsemax's default path (Michelot's iteration in C, rows along the last dimension) gives the
    sort-based closed form's values and gradients: ties, a one-hot row, huge logits, and a row
    holding +inf (the spec's limit, by the general path) included."""
    from actlab.torch import fast

    calls = []
    real = fast._FromOutput.forward
    monkeypatch.setattr(fast._FromOutput, "forward", staticmethod(lambda *a: calls.append(1) or real(*a)))
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(40, 300, generator=gen, dtype=torch.float64) * 3
    x[0] = 0.5  # all tied: uniform 1/300
    x[1, :3] = torch.tensor([0.25, 0.25, -0.5])
    x[2] = -5.0
    x[2, 7] = 10.0  # one-hot
    x[3] *= 1e4  # huge logits
    x[4, 11] = math.inf
    if dim == 0:
        x = x.t().contiguous()
    x = x.to(dtype)
    g = torch.randn(x.shape, generator=gen, dtype=dtype)
    xx = x.clone().requires_grad_()
    y = at.functional.sparsemax(xx, dim=dim)
    y.backward(g)
    assert calls, "the hand-written kernel did not run"
    want_y, want_g = _sparsemax_general(x, dim, g)
    tol = 1e-14 if dtype == torch.float64 else 3e-7
    torch.testing.assert_close(y.detach(), want_y, rtol=tol, atol=tol)
    torch.testing.assert_close(xx.grad, want_g, rtol=tol, atol=tol * 10)
    sums = y.detach().double().sum(dim)
    torch.testing.assert_close(sums, torch.ones_like(sums), rtol=0, atol=1e-6)


def test_sparsemax_hand_written_double_backward_is_the_general_one():
    gen = torch.Generator().manual_seed(9)
    x = torch.randn(8, 50, generator=gen, dtype=torch.float64)
    w = torch.randn(8, 50, generator=gen, dtype=torch.float64)
    got = []
    for on in (True, False):
        ckernels.use_ckernels(on)
        try:
            # the gradient J^T w is linear in w: differentiating it w.r.t. w runs backward with
            # a graph recorded (the differentiable closed form), where the kernels cannot go
            xx, ww = x.clone().requires_grad_(), w.clone().requires_grad_()
            y = at.functional.sparsemax(xx, dim=-1)
            (gx,) = torch.autograd.grad((y * ww).sum(), xx, create_graph=True)
            (gw,) = torch.autograd.grad((gx * x).sum(), ww)
            got.append((gx.detach(), gw))
        finally:
            ckernels.use_ckernels(True)
    torch.testing.assert_close(got[0][0], got[1][0], rtol=1e-14, atol=1e-14)
    torch.testing.assert_close(got[0][1], got[1][1], rtol=1e-14, atol=1e-14)
