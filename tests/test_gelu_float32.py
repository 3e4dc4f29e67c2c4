"""gelu's float32 kernels: the Mills-ratio form (one exp, no erf or erfc) and how it is chosen."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from actlab import registry
from actlab.catalog import self_gated as sg
from actlab.torch import cgen, ckernels


def _rational(t: float) -> float:
    p = sum(c * t**k for k, c in enumerate(sg._GELU_MILLS_P))
    q = sum(c * t**k for k, c in enumerate(sg._GELU_MILLS_Q))
    return p / q


def test_mills_rational_matches_mpmath_to_a_hundredth_of_a_float32_ulp():
    mp.mp.dps = 30
    worst = 0.0
    for t in np.concatenate([np.linspace(0.0, 4.0, 801), np.linspace(4.0, 40.0, 361)]):
        exact = mp.ncdf(-mp.mpf(t)) / mp.npdf(mp.mpf(t))  # Phi(-t) / phi(t)
        worst = max(worst, abs(_rational(float(t)) / float(exact) - 1.0))
    assert worst < 1e-9, worst


def test_mills_ratio_known_values():
    # M(0) = sqrt(pi/2); far out M(t) ~ 1/t - 1/t^3 + 3/t^5 - 15/t^7 (next term: 2e-10 relative at 30)
    assert _rational(0.0) == pytest.approx(math.sqrt(math.pi / 2), rel=1e-9)
    assert _rational(30.0) == pytest.approx(1 / 30 - 1 / 30**3 + 3 / 30**5 - 15 / 30**7, rel=2e-9)


def _source() -> str:
    s = registry.spec("gelu")
    return cgen.kernel_source("gelu", ckernels._bodies(s), {"approximate": "none"})


def _function(src: str, name: str) -> str:
    start = src.index(f"void {name}(")
    return src[start : src.index("\n}\n", start)]


def test_float_kernels_take_the_cheap_form_and_double_kernels_the_exact_one():
    src = _source()
    for tag in ("f32", "bf16"):
        body = _function(src, f"fwd_{tag}")
        assert "erfcf(" not in body and "erff(" not in body and "expf(" in body
        assert "MADDF(" in body  # the rational's terms as fused multiply-adds
    # float16 runs the float32 kernel over blocks converted on the stack
    assert "fwd_f32(" in _function(src, "fwd_f16") and "erf" not in _function(src, "fwd_f16")
    for kind in ("fwd", "dx_grad"):
        assert "erfc(" in _function(src, f"{kind}_f64")


def test_fused_gelu_float32_at_special_inputs():
    torch = pytest.importorskip("torch")
    from actlab.torch import functional as F

    x = torch.tensor(
        [-math.inf, -45.0, -40.0, -13.5, -1.5, -1.4999, -0.75, -0.0, 0.0, 1e-30, 2.0, 40.0, 45.0, math.inf],
        dtype=torch.float32,
    )
    x = x.repeat(1 << 15)  # large enough for the fused kernel on every thread split
    x.requires_grad_(True)
    y = F.gelu(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    mp.mp.dps = 30
    for k, v in enumerate(x[:14].tolist()):
        if math.isinf(v):
            assert y[k].item() == (math.inf if v > 0 else 0.0)
            assert g[k].item() == (1.0 if v > 0 else 0.0)
            continue
        f = float(mp.mpf(v) * mp.ncdf(v))
        d = float(mp.ncdf(v) + mp.mpf(v) * mp.npdf(v))
        assert y[k].item() == pytest.approx(f, rel=144 * 2**-23, abs=1e-44)
        assert g[k].item() == pytest.approx(d, rel=144 * 2**-23, abs=1e-44)
    assert torch.isnan(F.gelu(torch.full((1 << 17,), math.nan))).all()
