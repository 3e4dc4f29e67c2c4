"""Limits everywhere the math is finite: every function at +-float max, +-inf and NaN, every dtype,
every kind, through NumPy, torch (functional and module) and JAX.

Expected values come from the 50-digit references: at +-max the reference at that very number;
at +-inf the limit (``check.limit``: the reference far out, never at infinity itself); NaN in
gives NaN out. Vector and gated kinds are checked against limits worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import actlab
import actlab.torch as at
from actlab.check import limit, ref_derivative, ref_value, round_to

from .conftest import ALL

INF, NAN = math.inf, math.nan
ELEMENTWISE = [n for n in ALL if actlab.spec(n).kind == "elementwise"]
TOL = {"float64": 1e-10, "float32": 1e-4}


def _close(got: float, want: float, dtype: str) -> bool:
    if math.isnan(want):
        return math.isnan(got)
    return got == want or (math.isfinite(want) and abs(got - want) <= TOL[dtype] * max(1.0, abs(want)))


def _torch_eval(name: str, x: float, dtype: torch.dtype, module: bool) -> tuple[float, float, list[float]]:
    """f, f' and the learnable parameters' gradients at one point."""
    t = torch.tensor([x], dtype=dtype, requires_grad=True)
    f = at.create(name, dtype=dtype).eval() if module else getattr(at.functional, name)
    y = f(t)
    params = list(f.parameters()) if module else []
    grads = torch.autograd.grad(y.sum(), [t, *params], allow_unused=True)
    pg = [float(g.sum()) for g in grads[1:] if g is not None]
    return float(y.detach().double()), float(grads[0].double()), pg


def _expected(s, p, x: float, dtype: str, which: str) -> float:
    if math.isnan(x):
        return NAN
    if math.isinf(x):
        return limit(s, p, math.copysign(1.0, x), which)
    ref = ref_value if which == "value" else ref_derivative
    try:
        return round_to(float(ref(s, p, x)), dtype)
    except (OverflowError, ValueError):  # mpmath's erfc at 1e308: the limit is the expectation there
        lim = limit(s, p, math.copysign(1.0, x), which)
        # unless it is infinite: then f(max) may be max itself (tanh_exp(x) ~ x) or overflow to inf
        return lim if math.isfinite(lim) else NAN


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_limits_on_every_path(name):
    s = actlab.spec(name)
    p = s.defaults()
    act = actlab.get(name)
    fails = []
    for dtype, npdt, tdt in (("float64", np.float64, torch.float64), ("float32", np.float32, torch.float32)):
        big = float(np.finfo(npdt).max)
        for x in (big, -big, INF, -INF, NAN):
            want_f = _expected(s, p, x, dtype, "value")
            want_d = _expected(s, p, x, dtype, "derivative")
            has_limit = not math.isnan(want_f)
            with np.errstate(all="ignore"):
                a = np.array([x], dtype=npdt)
                got = {"numpy": (float(act(a)[0]), float(act.derivative(a)[0]), [])}
            for module in (False, True):
                got["module" if module else "functional"] = _torch_eval(name, x, tdt, module)
            for path, (f, d, pg) in got.items():
                if not _close(f, want_f, dtype) and not (math.isnan(want_f) and not math.isnan(x)):
                    fails.append(f"{path}/{dtype} f({x}) = {f}, want {want_f}")
                if math.isnan(x):
                    # NumPy and the Function give NaN; torch's kernels give their slope at NaN
                    # (a convention of theirs: docs/torch.md), never a number outside f's slopes
                    if path == "numpy" and not math.isnan(d):
                        fails.append(f"{path}/{dtype} f'(nan) = {d}")
                    continue
                if not math.isnan(want_d) and not _close(d, want_d, dtype):
                    fails.append(f"{path}/{dtype} f'({x}) = {d}, want {want_d}")
                if has_limit and math.isnan(d):
                    fails.append(f"{path}/{dtype} f'({x}) is NaN where f has a limit")
                if has_limit and any(math.isnan(v) for v in pg):
                    fails.append(f"{path}/{dtype} parameter gradient at {x} is NaN")
    assert not fails, "\n".join(fails)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
def test_half_types_at_infinities_and_nan(name, dtype):
    s = actlab.spec(name)
    p = s.defaults()
    for x in (INF, -INF, NAN):
        want = NAN if math.isnan(x) else limit(s, p, math.copysign(1.0, x))
        if math.isnan(want) and not math.isnan(x):
            continue  # no limit
        t = torch.tensor([x], dtype=dtype)
        for f in (getattr(at.functional, name), at.create(name, dtype=dtype).eval()):
            got = float(f(t).double())
            rounded = (
                float(torch.tensor(want, dtype=torch.float64).to(dtype).double())
                if math.isfinite(want)
                else want
            )
            assert (
                got == rounded
                or (math.isnan(got) and math.isnan(rounded))
                or abs(got - rounded) <= 1e-2 * max(1, abs(rounded))
            ), f"{name} {dtype} f({x}) = {got}, want {want}"


def test_jax_limits_match_numpy():
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    import actlab.jax as aj

    fails = []
    for name in ELEMENTWISE:
        s = actlab.spec(name)
        p = s.defaults()
        if s.stochastic:
            continue
        big = float(np.finfo(np.float32).max)
        f = getattr(aj, name)
        for x in (big, -big, INF, -INF, NAN):
            want = _expected(s, p, x, "float32", "value")
            got = float(f(jnp.array([x], dtype=jnp.float32))[0])
            if not _close(got, want, "float32") and not (math.isnan(want) and not math.isnan(x)):
                fails.append(f"jax {name}: f({x}) = {got}, want {want}")
            d = float(jax.grad(lambda t: f(t).sum())(jnp.array([x], dtype=jnp.float32))[0])
            if not math.isnan(x) and not math.isnan(want) and math.isnan(d):
                fails.append(f"jax {name}: f'({x}) is NaN where f has a limit")
    assert not fails, "\n".join(fails)


M32 = float(np.finfo(np.float32).max)
# (function, input vector, limit of the output): softmax-like of a vector with a +inf entry is
# all the mass on that entry; two +inf entries or all -inf have no limit (NaN)
VECTOR_LIMITS = [
    ("softmax", [INF, 0.0], [1.0, 0.0]),
    ("softmax", [0.0, -INF], [1.0, 0.0]),
    ("softmax", [M32, 0.0], [1.0, 0.0]),
    ("softmax", [-M32, 0.0], [0.0, 1.0]),
    ("softmax", [INF, INF], [NAN, NAN]),
    ("softmax", [NAN, 0.0], [NAN, NAN]),
    ("log_softmax", [INF, 0.0], [0.0, -INF]),
    ("log_softmax", [M32, 0.0], [0.0, -M32]),
    ("log_softmax", [0.0, -INF], [0.0, -INF]),
    ("softmin", [-INF, 0.0], [1.0, 0.0]),
    ("softmin", [M32, 0.0], [0.0, 1.0]),
    ("sparsemax", [INF, 0.0], [1.0, 0.0]),
    ("sparsemax", [M32, 0.0], [1.0, 0.0]),
    ("sparsemax", [0.0, -INF], [1.0, 0.0]),
]
# gated units a * g(b): an infinite a times a gate that is 0 (or vanishes) is 0, signed
GATED_LIMITS = [
    ("glu", [-INF, -INF], -0.0),
    ("glu", [INF, -INF], 0.0),
    ("glu", [M32, -INF], 0.0),
    ("glu", [INF, INF], INF),
    ("glu", [1.0, INF], 1.0),
    ("reglu", [INF, 0.0], 0.0),
    ("reglu", [INF, -1.0], 0.0),
    ("reglu", [0.0, INF], 0.0),
    ("reglu", [-INF, 1.0], -INF),
    ("swiglu", [INF, -INF], 0.0),
    ("swiglu", [INF, 0.0], 0.0),
    ("swiglu", [0.0, INF], 0.0),
    ("geglu", [INF, -INF], 0.0),
    ("geglu", [-INF, 0.0], -0.0),
    ("bilinear", [INF, 0.0], 0.0),
    ("bilinear", [0.0, -INF], -0.0),
]
# torch's own kernels (the default path for these) give NaN for a +inf entry / an infinite half
# times a vanished sigmoid; the Function and NumPy give the limit (docs/torch.md)
TORCH_KERNEL_NAN = {("softmax", 0), ("log_softmax", 0), ("softmin", 0), ("glu", 0), ("glu", 1)}


def _vector_paths(name: str, x: list[float]):
    yield "numpy", np.asarray(actlab.get(name)(np.array(x)), dtype=np.float64)
    t = torch.tensor(x, dtype=torch.float64)
    yield "torch-function", getattr(at.functional, name)(t, impl="function").double().numpy()
    yield "torch-default", getattr(at.functional, name)(t).double().numpy()
    try:
        import jax.numpy as jnp

        import actlab.jax as aj
    except ImportError:
        return
    yield "jax", np.asarray(getattr(aj, name)(jnp.array(x, dtype=jnp.float32)), dtype=np.float64)


@pytest.mark.parametrize("case", range(len(VECTOR_LIMITS)))
def test_vector_kinds_at_infinities(case):
    name, x, want = VECTOR_LIMITS[case]
    k = [i for i, c in enumerate(VECTOR_LIMITS) if c[0] == name].index(case)
    for path, got in _vector_paths(name, x):
        if path == "torch-default" and (name, k) in TORCH_KERNEL_NAN:
            assert np.isnan(got).all()  # torch's kernel: documented difference
            continue
        np.testing.assert_allclose(
            got, want, rtol=1e-6 if path == "jax" else 1e-12, err_msg=f"{path} {name}{x}"
        )


@pytest.mark.parametrize("case", range(len(GATED_LIMITS)))
def test_gated_kinds_at_infinities_and_their_gradients(case):
    name, x, want = GATED_LIMITS[case]
    k = [i for i, c in enumerate(GATED_LIMITS) if c[0] == name].index(case)
    for path, got in _vector_paths(name, x):
        if path == "torch-default" and (name, k) in TORCH_KERNEL_NAN:
            assert np.isnan(got).all()
            continue
        assert got.shape == (1,)
        assert got[0] == want and math.copysign(1, got[0]) == math.copysign(1, want), (
            f"{path} {name}{x}: {got}"
        )
    # the partials: d/da = g(b), d/db = a g'(b): never NaN where the unit has a limit
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(getattr(at.functional, name)(t, impl="function").sum(), t)
    assert not bool(g.isnan().any()), f"{name}{x}: gradient {g}"
