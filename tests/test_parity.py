"""Parity across frameworks, parametrised over the registry: NumPy, PyTorch, JAX, Keras on the torch
backend and Keras on the JAX backend agree on values and derivatives of every activation, for
every parameter set the checker uses, on its grid with hard points (0, +-1e-300, +-1e-8, kinks and
kinks +- 1e-8, ... +-1e4), in float64 and float32. An activation added to the catalog is covered
with no new test.

The Keras backend is fixed per process by KERAS_BACKEND (torch unless set). Each test here
evaluates Keras on this process's backend and the framework of that name (torch with torch; JAX
with JAX, whose eager compilations Keras-on-JAX then shares); tests/test_keras.py::test_other_backend
runs this file again on the other backend in one subprocess, so one pytest run covers all five.

"Derivative" is the vector-Jacobian product with a fixed cotangent: all ones for elementwise and
gated kinds (so it *is* f', or both partials of a gated unit), a non-constant vector for vector
kinds (softmax's Jacobian annihilates ones). NumPy's closed forms are the reference; the other
frameworks get theirs from autodiff (torch) or from the closed forms wired into their adapters.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported (xdist imports all modules)

from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import actlab  # noqa: E402
from actlab.check import VECTORS, param_sets, points  # noqa: E402
from actlab.registry import all_specs  # noqa: E402
from actlab.registry import spec as get_spec  # noqa: E402

DTYPES = ("float64", "float32")
KERAS_BACKENDS = ("torch", "jax")
GATE_A = np.array([-3.0, -1.0, 0.0, 0.7, 2.0])


# ----------------------------------------------------------------------------- inputs
def _pad(x: np.ndarray, n: int) -> np.ndarray:
    # One shape for every case: JAX compiles each primitive once per shape, so ragged grids would
    # recompile every op for every activation. Repeating the last point changes nothing compared.
    if x.size > n:
        raise AssertionError(f"grid of {x.size} points exceeds the fixed size {n}; raise GRID")
    return np.concatenate([x, np.full(n - x.size, x[-1])])


GRID = 256


def inputs(name: str, params: dict[str, Any], dtype: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, cotangent) pairs in ``dtype``, all of a few fixed shapes."""
    s = get_spec(name)
    if s.kind == "vector":
        # the checker's vectors, each lengthened to 5 by repeating its last entry (ties stay hard
        # cases), as rows of one (14, 5) array: one shape, one vjp along axis -1
        n = max(len(v) for v in VECTORS)
        x = np.array([list(v) + [v[-1]] * (n - len(v)) for v in VECTORS]).astype(dtype)
        return [(x, np.broadcast_to(np.linspace(-1.0, 2.0, n), x.shape).astype(dtype))]
    if s.kind == "gated":
        # halves of the elementwise grid's shape, so the gate's primitives reuse its compilations
        b = points(s, params, dense=41).astype(dtype)
        b = _pad(np.unique(b[np.isfinite(b)]), GRID)
        x = np.concatenate([np.resize(GATE_A, b.size).astype(dtype), b])
        return [(x, np.ones(b.size, dtype))]
    x = points(s, params).astype(dtype)
    x = _pad(np.unique(x[np.isfinite(x)]), GRID)
    return [(x, np.ones(x.size, dtype))]


def cases() -> list[tuple[str, int]]:
    return [(s.name, i) for s in all_specs() for i in range(len(param_sets(s)))]


# ----------------------------------------------------------------------------- frameworks
def _numpy(name, params, x, g):
    act = actlab.get(name, **params)
    return np.asarray(act(x), np.float64), np.asarray(act.vjp(x, g), np.float64)


def _torch(name, params, x, g):
    import torch

    from actlab.torch import functional

    t = torch.tensor(x, requires_grad=True)
    y = getattr(functional, name)(t, **params)
    (d,) = torch.autograd.grad(y, t, torch.tensor(g))
    return y.detach().double().numpy(), d.double().numpy()


def _jax_vjp(f: Callable, x: np.ndarray, g: np.ndarray, jit: bool = False) -> tuple[np.ndarray, np.ndarray]:
    import jax

    def run(x, g):
        y, vjp = jax.vjp(f, x)
        return y, vjp(g)[0]

    # Eager, mostly: JAX compiles each primitive once per shape and dtype, and the cases here
    # share a few shapes, so that is cheaper than compiling each case as a whole. Not so for the
    # vector kinds' transposed vjps (many primitives used nowhere else): those are jitted.
    y, d = (jax.jit(run) if jit else run)(jax.numpy.asarray(x), jax.numpy.asarray(g))
    return np.asarray(y, np.float64), np.asarray(d, np.float64)


def _jax(name, params, x, g):
    import actlab.jax as aj

    return _jax_vjp(aj.get(name, **params), x, g, jit=get_spec(name).kind == "vector")


def _keras(name, params, x, g):
    """Keras in this process, whatever its backend; gradients by that backend's autodiff, which
    goes through the adapter's keras.ops.custom_gradient."""
    import keras

    import actlab.keras as ak

    f = ak.get(name, **params)
    if keras.backend.backend() == "torch":
        import torch

        t = torch.tensor(x, requires_grad=True)
        y = f(t)
        (d,) = torch.autograd.grad(y, t, torch.tensor(g))
        return y.detach().double().numpy(), d.double().numpy()
    return _jax_vjp(f, x, g)


FRAMEWORKS: dict[str, Callable] = {"numpy": _numpy, "torch": _torch, "jax": _jax}


def evaluate(fn: Callable, only: list[tuple[str, int]] | None = None) -> dict[str, np.ndarray]:
    """Values and vjps of every case, keyed ``name/set/dtype/input/{y,d}``."""
    out: dict[str, np.ndarray] = {}
    for name, i in only or cases():
        params = param_sets(get_spec(name))[i]
        for dtype in DTYPES:
            for j, (x, g) in enumerate(inputs(name, params, dtype)):
                y, d = fn(name, params, x, g)
                out[f"{name}/{i}/{dtype}/{j}/y"] = y
                out[f"{name}/{i}/{dtype}/{j}/d"] = d
    return out


# ----------------------------------------------------------------------------- comparison
def _tolerance(name: str, dtype: str) -> float:
    s = get_spec(name)
    # float64: the checker's bar is 1e-12 relative to the local scale (vs mpmath), and two
    # frameworks may sit on opposite sides of the exact value. float32: the NumPy path is within
    # 1 ulp of the exact value, the others within the spec's measured float32 budget (at least
    # 4 ulp: XLA's float32 kernels are not torch's), so they differ by at most the sum.
    if dtype == "float64":
        return 4e-12
    return (max(s.float32_ulp, 4) + 1) * 2.0**-23


def _local_scale(name: str, params: dict[str, Any], x: np.ndarray, g: np.ndarray, which: str) -> np.ndarray:
    """The checker's local scale, max |f| (or |f'|) over x and x +- h with h = min(|x|, 1)/100: the
    relative error away from zeros, and at a zero reached by cancelling O(1) terms (mish' at its
    minimum) the error relative to the size of the function nearby. NumPy evaluates it."""
    s = get_spec(name)
    act = actlab.get(name, **params)
    x64 = x.astype(np.float64)
    if s.kind == "vector":
        ref = np.asarray(act(x64) if which == "y" else act.vjp(x64, g.astype(np.float64)))
        if which == "d":
            # the vjp is linear in g and its terms (p_i g_i, p_i sum(g p), ...) are at most |g|
            # in size, while their difference can cancel: errors are relative to max |g| per row
            return np.broadcast_to(np.max(np.abs(g), axis=-1, keepdims=True), ref.shape).astype(np.float64)
        # outputs like x_i - tau carry errors of a few ulp of |x_i|
        return np.maximum(np.abs(ref), np.abs(x64)) if s.error_relative_to_input else np.abs(ref)
    out = None
    for sign in (0.0, -1.0, 1.0):
        xs = x64.copy()
        moved = xs[xs.size // 2 :] if s.kind == "gated" else xs  # a gated unit's kinks live in b
        moved += sign * np.minimum(np.abs(moved), 1.0) / 100.0
        with np.errstate(all="ignore"):
            ref = np.abs(np.asarray(act(xs) if which == "y" else act.vjp(xs, g.astype(np.float64))))
        out = ref if out is None else np.fmax(out, ref)
    return out


def compare(name: str, i: int, label: str, want: dict, have: dict, autodiff: bool = False) -> list[str]:
    """Mismatches of ``have`` against the NumPy results ``want`` for case (name, i).

    ``autodiff``: derivatives from autograd through a library's native kernels (torch's
    tanh' = 1 - tanh^2, sigmoid' = s (1 - s)) are accurate to the dtype on the scale of
    max(1, |f'|), not relative to |f'| in the tails where 1 - tanh^2 rounds to 0; the closed
    forms that the JAX and Keras adapters differentiate with are held to the relative bar.
    """
    params = param_sets(get_spec(name))[i]
    bad = []
    for dtype in DTYPES:
        tol = _tolerance(name, dtype)
        for j, (x, g) in enumerate(inputs(name, params, dtype)):
            for which in ("y", "d"):
                key = f"{name}/{i}/{dtype}/{j}/{which}"
                w, h = want[key], have[key]
                if h.shape != w.shape:
                    bad.append(f"{label} {key}: shape {h.shape}, NumPy {w.shape}")
                    continue
                scale = _local_scale(name, params, x, g, which)
                if autodiff and which == "d":
                    scale = np.maximum(scale, 1.0)
                # results in the subnormal range may be flushed to zero (XLA's kernels do, in float64
                # too; torch's vectorised float32 kernels do)
                floor = float(np.finfo(dtype).tiny)
                with np.errstate(invalid="ignore", over="ignore"):
                    err = np.abs(h - w)
                    ok = (h == w) | (np.isnan(h) & np.isnan(w)) | (err <= tol * scale) | (err <= floor)
                if not ok.all():
                    k = np.unravel_index(int(np.argmin(ok)), ok.shape)
                    at = x[k[0]] if x.ndim > 1 else x[k]
                    bad.append(
                        f"{label} {name} {dtype} {'f' if which == 'y' else 'vjp'} at x={at!r} (params "
                        f"{params}): {h[k]!r} vs NumPy {w[k]!r}, tolerance {tol * scale[k]:.3g}"
                    )
    return bad


# ----------------------------------------------------------------------------- tests
def _names() -> list[str]:
    return [s.name for s in all_specs()]


def _frameworks(backend: str) -> dict[str, Callable]:
    """What a process whose Keras runs on ``backend`` evaluates besides NumPy: Keras, and the
    framework of the same name (torch with torch, JAX with JAX, sharing its compilations), so
    that one run over both backends evaluates each framework once."""
    return {backend: FRAMEWORKS[backend], f"keras[{backend}]": _keras}


@pytest.fixture(scope="module")
def keras_backend() -> str:
    pytest.importorskip("jax")
    keras = pytest.importorskip("keras")
    backend = keras.backend.backend()
    assert backend in KERAS_BACKENDS, f"tests run Keras on {KERAS_BACKENDS}, not {backend}"
    return backend


@pytest.mark.parametrize("name", _names())
def test_frameworks_agree_with_numpy(name, keras_backend):
    """Keras on this process's backend, and torch or JAX alike, vs NumPy."""
    import jax

    only = [(n, i) for n, i in cases() if n == name]
    with jax.enable_x64(True):  # float64 JAX arrays within this test only
        want = evaluate(_numpy, only)
        bad = []
        for label, fn in _frameworks(keras_backend).items():
            have = evaluate(fn, only)
            bad += [m for n, i in only for m in compare(n, i, label, want, have, autodiff=label == "torch")]
    assert not bad, "\n".join(bad)
