"""Every ops module provides the same primitives, and they agree numerically (float64, NaN included).

Covered: NumPy (the reference), torch, JAX and keras.ops (on the Keras backend of this process;
the other backend is covered end to end by tests/test_parity.py).
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported (xdist imports all modules)

import contextlib  # noqa: E402
import inspect  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from actlab.ops import PRIMITIVES, Ops, for_array  # noqa: E402
from actlab.ops import numpy as onp  # noqa: E402
from actlab.ops import torch as otorch  # noqa: E402

# Keras's torch backend converts with np.array(x), which NumPy 2 warns about
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

X = np.array([-700.0, -30.0, -1.5, -1e-8, 0.0, 1e-8, 0.7, 2.0, 30.0, 700.0, np.nan])
UNARY = (
    "abs sign exp expm1 sqrt reciprocal square tanh sigmoid log_sigmoid softplus erf erfc sin cos arctan "
    "relu isnan"
).split()


class Lib:
    """An ops module with the conversions to and from its array type."""

    def __init__(self, name, mod, to, back, context=contextlib.nullcontext, rng=None):
        self.name, self.mod, self.to, self.back, self.context, self.rng = name, mod, to, back, context, rng

    def __repr__(self) -> str:
        return self.name


def _libs() -> list:
    libs = [
        pytest.param(
            Lib("torch", otorch, torch.tensor, lambda y: y.to(torch.float64).numpy(), rng=torch.Generator()),
            id="torch",
        )
    ]
    try:
        import jax

        from actlab.ops import jax as ojax

        libs.append(
            pytest.param(
                Lib(
                    "jax",
                    ojax,
                    jax.numpy.asarray,
                    lambda y: np.asarray(y, dtype=np.float64),
                    lambda: jax.enable_x64(True),
                    rng=jax.random.key(0),
                ),
                id="jax",
            )
        )
    except ImportError:  # optional extra; CI installs it
        libs.append(pytest.param(None, id="jax", marks=pytest.mark.skip(reason="jax is not installed")))
    try:
        import keras

        from actlab.ops import keras as okeras

        ctx = contextlib.nullcontext
        if keras.backend.backend() == "jax":
            import jax

            ctx = lambda: jax.enable_x64(True)  # noqa: E731
        libs.append(
            pytest.param(
                Lib(
                    "keras",
                    okeras,
                    keras.ops.convert_to_tensor,
                    lambda y: np.asarray(keras.ops.convert_to_numpy(y), dtype=np.float64),
                    ctx,
                    rng=keras.random.SeedGenerator(0),
                ),
                id=f"keras-{keras.backend.backend()}",
            )
        )
    except ImportError:  # optional extra; CI installs it
        libs.append(pytest.param(None, id="keras", marks=pytest.mark.skip(reason="keras is not installed")))
    return libs


LIBS = _libs()


@pytest.mark.parametrize("mod", [onp, otorch] + [p.values[0].mod for p in LIBS[1:] if p.values[0]])
def test_every_primitive_is_provided(mod):
    missing = [n for n in PRIMITIVES if not hasattr(mod, n)]
    assert not missing, f"{mod.__name__} lacks {missing}"


def _members() -> dict[str, inspect.Signature]:
    """The protocol's methods (less ``self``)."""
    out = {}
    for k, v in vars(Ops).items():
        if inspect.isfunction(v) and not k.startswith("_"):
            sig = inspect.signature(v)
            out[k] = sig.replace(parameters=list(sig.parameters.values())[1:])
    return out


def test_protocol_declares_every_primitive():
    assert sorted([*_members(), *Ops.__annotations__]) == sorted(PRIMITIVES)


def _incompatible(proto: inspect.Signature, f) -> str | None:
    """Why ``f`` cannot be called as the protocol says (None: it can): each protocol parameter at
    its position, by name where the protocol allows a keyword, optional where the protocol's is;
    any further parameter of ``f`` optional."""
    P = inspect.Parameter
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: callable positionally only
        named = [p.name for p in proto.parameters.values() if p.kind is not P.POSITIONAL_ONLY]
        return f"no signature, but the protocol passes {named} by name" if named else None
    positional = [p for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
    varargs = any(p.kind is P.VAR_POSITIONAL for p in params)
    for i, want in enumerate(proto.parameters.values()):
        if i >= len(positional):
            if not varargs:
                return f"takes no parameter {want.name!r} at position {i}"
            continue
        got = positional[i]
        if want.kind is not P.POSITIONAL_ONLY and (got.name != want.name or got.kind is P.POSITIONAL_ONLY):
            return f"names parameter {i} {got.name!r} ({got.kind.description}), not {want.name!r}"
        if want.default is not P.empty and got.default is P.empty:
            return f"requires {got.name!r}, which the protocol makes optional"
    extra = positional[len(proto.parameters) :] + [p for p in params if p.kind is P.KEYWORD_ONLY]
    required = [p.name for p in extra if p.default is P.empty]
    return f"requires more parameters {required}" if required else None


@pytest.mark.parametrize("mod", [onp, otorch] + [p.values[0].mod for p in LIBS[1:] if p.values[0]])
def test_every_primitive_matches_the_protocol(mod):
    assert isinstance(mod.name, str)
    bad = {
        k: why for k, sig in _members().items() if (why := _incompatible(sig, getattr(mod, k))) is not None
    }
    assert not bad, f"{mod.__name__} differs from actlab.ops.Ops: {bad}"


def test_the_protocol_check_can_fail():
    sig = _members()["sum"]
    assert _incompatible(sig, lambda x, axis, keepdims=True: x) is None
    assert "names parameter 1" in _incompatible(sig, lambda x, dim, keepdims=True: x)
    assert "optional" in _incompatible(sig, lambda x, axis, keepdims: x)
    assert "no parameter" in _incompatible(sig, lambda x: x)
    assert "more parameters" in _incompatible(_members()["exp"], lambda x, out: x)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("name", UNARY)
def test_unary_primitives_agree(lib, name):
    x = np.abs(X) if name == "sqrt" else X
    with np.errstate(invalid="ignore"):  # NaN input is part of the test
        a = np.asarray(getattr(onp, name)(x), dtype=np.float64)
    with lib.context():
        y = getattr(lib.mod, name)(lib.to(x))
        b = lib.back(y)
    # float64 throughout; XLA's erfc differs from SciPy's by up to ~4 ulp (9.5e-16 on [-20, 20])
    np.testing.assert_allclose(b, a, rtol=1e-14, atol=0, equal_nan=True)


@pytest.mark.parametrize("lib", LIBS)
def test_log_and_log1p_agree(lib):
    x = np.array([1e-300, 1e-8, 0.5, 3.0, 1e300])
    with lib.context():
        for name in ("log", "log1p"):
            np.testing.assert_allclose(
                lib.back(getattr(lib.mod, name)(lib.to(x))), getattr(onp, name)(x), rtol=1e-15
            )


@pytest.mark.parametrize("lib", LIBS)
def test_axis_primitives_agree(lib):
    x = np.random.default_rng(0).normal(size=(3, 4))
    m = lib.mod
    with lib.context():
        t = lib.to(x)
        for name in ("sum", "amax", "cumsum", "sort_desc"):
            np.testing.assert_allclose(lib.back(getattr(m, name)(t, 1)), getattr(onp, name)(x, 1), rtol=1e-15)
        np.testing.assert_array_equal(lib.back(m.arange_along(t, 1)), onp.arange_along(x, 1))
        for a, b in zip(onp.split_half(x, 1), m.split_half(t, 1)):
            np.testing.assert_array_equal(lib.back(b), a)
        np.testing.assert_array_equal(lib.back(m.concat(m.split_half(t, 1), 1)), x)
        np.testing.assert_allclose(lib.back(m.logaddexp(t, 0.0)), onp.logaddexp(x, 0.0), rtol=1e-15)
        np.testing.assert_array_equal(lib.back(m.clip(t, -0.5, 0.5)), onp.clip(x, -0.5, 0.5))
        idx = np.argsort(x, axis=1)
        np.testing.assert_array_equal(
            lib.back(m.take_along_axis(t, lib.to(idx), 1)), onp.take_along_axis(x, idx, 1)
        )
        np.testing.assert_array_equal(lib.back(m.moveaxis(t, 0, 1)), onp.moveaxis(x, 0, 1))
        assert tuple(m.shape(t)) == onp.shape(x)


@pytest.mark.parametrize("lib", LIBS)
def test_binary_primitives_keep_float64_and_nan(lib):
    # A Python number next to a float64 array must not demote the result to float32 (keras.ops'
    # maximum and logaddexp do on the torch backend; ops.keras works around it).
    x = np.array([-1.5, 1e-17 + 0.1, 0.1 + 2e-17, np.nan, -np.inf, np.inf])
    m = lib.mod
    with lib.context(), np.errstate(invalid="ignore"):
        t = lib.to(x)
        for name in ("maximum", "minimum"):
            for other, want_other in ((0.1, 0.1), (lib.to(x[::-1].copy()), x[::-1])):
                want = getattr(onp, name)(x, want_other)
                np.testing.assert_array_equal(lib.back(getattr(m, name)(t, other)), want)
        np.testing.assert_array_equal(lib.back(m.where(t > 0, t, 0.1)), np.where(x > 0, x, 0.1))
        np.testing.assert_array_equal(lib.back(m.full_like(t, 0.1)), np.full_like(x, 0.1))
        np.testing.assert_array_equal(lib.back(m.nan_to_zero(t)), np.where(np.isnan(x), 0.0, x))
        ind = lib.back(m.indicator(t > 0, t))
        assert ind.dtype == np.float64
        np.testing.assert_array_equal(ind, (x > 0).astype(np.float64))
        np.testing.assert_allclose(lib.back(m.logaddexp(t, t)), np.logaddexp(x, x), rtol=1e-15)
        np.testing.assert_allclose(lib.back(m.softplus(t)), onp.softplus(x), rtol=1e-15)


@pytest.mark.parametrize("lib", LIBS)
def test_uniform_like_draws_in_range_with_the_input_dtype(lib):
    x = np.zeros((200,))
    with lib.context():
        u = lib.back(lib.mod.uniform_like(lib.to(x), 0.125, 1.0 / 3.0, lib.rng))
    assert u.shape == x.shape
    assert ((u >= 0.125) & (u <= 1.0 / 3.0)).all()
    assert np.unique(u).size > 150  # random, not a constant


def test_for_array_picks_the_library():
    assert for_array(np.ones(2)) is onp
    assert for_array(1.0) is onp
    assert for_array(torch.ones(2)) is otorch
    jax = pytest.importorskip("jax")
    from actlab.ops import jax as ojax

    assert for_array(jax.numpy.ones(2)) is ojax
    seen = []
    jax.jit(lambda v: seen.append(for_array(v)) or v)(jax.numpy.ones(2))  # tracers too
    assert seen == [ojax]


@pytest.mark.parametrize("lib", LIBS)
def test_where_lazy_equals_where(lib):
    x = np.array([-50.0, -1.0, 0.0, 2.0, np.nan])
    m = lib.mod
    with lib.context(), np.errstate(invalid="ignore"):
        t = lib.to(x)
        for bound in (-40.0, -100.0, 100.0):  # some, none and all below the bound
            got = lib.back(m.where_lazy(t < bound, lambda: t * 3.0, lambda: t + 1.0))
            np.testing.assert_array_equal(got, np.where(x < bound, x * 3.0, x + 1.0))


@pytest.mark.parametrize("lib", LIBS)
def test_polyval_is_horner_from_the_constant_term(lib):
    x = np.array([-2.0, -0.5, 0.0, 1.5, 3.0])
    with lib.context():
        got = lib.back(lib.mod.polyval((1.0, -2.0, 0.5, 0.25), lib.to(x)))
    np.testing.assert_allclose(got, 1.0 - 2.0 * x + 0.5 * x**2 + 0.25 * x**3, rtol=1e-6)


@pytest.mark.parametrize("lib", LIBS)
def test_float32_form_is_the_exact_form_outside_generated_kernels(lib):
    calls = []

    def cheap():
        calls.append("cheap")
        return t * 0.0

    def exact():
        calls.append("exact")
        return t + 1.0

    with lib.context():
        t = lib.to(np.array([1.0, 2.0]))
        got = lib.back(lib.mod.float32_form(cheap, exact))
    np.testing.assert_array_equal(got, [2.0, 3.0])
    assert calls == ["exact"]


def test_where_lazy_skips_the_unused_branch_in_eager_torch():
    t = torch.tensor([-1.0, 0.5, 3.0])
    calls = []

    def branch(tag, v):
        calls.append(tag)
        return v

    with torch.no_grad():
        otorch.where_lazy(t < -40.0, lambda: branch("tail", t * 0.0), lambda: branch("body", t + 1.0))
    assert calls == ["body"]
    calls.clear()
    otorch.where_lazy(t < 0.0, lambda: branch("tail", t * 0.0), lambda: branch("body", t + 1.0))
    assert sorted(calls) == ["body", "tail"]


def test_where_lazy_never_reads_a_device_mask_back_to_the_host():
    """Off the CPU, deciding to skip a branch would need the mask on the host: a sync per call. A
    tensor on another device (meta here, the same rule as CUDA) gets both branches and no test."""
    from torch.overrides import TorchFunctionMode

    seen = []

    class Record(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(getattr(func, "__name__", str(func)))
            return func(*args, **(kwargs or {}))

    t = torch.empty(4, device="meta")
    calls = []
    with torch.no_grad(), Record():
        y = otorch.where_lazy(
            t < -40.0, lambda: calls.append("tail") or t * 0.0, lambda: calls.append("body") or t
        )
    assert sorted(calls) == ["body", "tail"] and y.device.type == "meta"
    assert not {"max", "__bool__", "item", "any"} & set(seen), seen


def test_lazy_selects_are_not_baked_into_a_jit_trace():
    # traced on finite inputs, the trace must still guard snake's sin(inf) for infinite ones
    import actlab.torch as at

    m = at.create("snake")
    with torch.no_grad():
        traced = torch.jit.trace(m, torch.randn(8), check_trace=False)
        x = torch.tensor([-float("inf"), -2.0, 0.5, float("inf")])
        torch.testing.assert_close(traced(x), m(x))
        assert torch.isinf(traced(x)[[0, 3]]).all()


def test_lazy_selects_work_under_vmap():
    import actlab.torch as at

    m = at.create("silu", impl="autograd")
    x = torch.randn(3, 5) * 50
    torch.testing.assert_close(torch.func.vmap(m)(x), m(x))
