"""actlab.jax: a function per catalog entry, traceable under jit/vmap/grad/jvp, derivatives from the
spec's closed forms (kinks included), float32 and float64, clear errors.

Registry-wide traceability is checked on jaxprs (tracing is what jit, vmap and grad need from
the Python code; XLA compilation of a valid jaxpr adds nothing the catalog could break), so it
stays fast; values and derivatives of every entry against NumPy on the grid with hard points are
in tests/test_parity.py.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy

import actlab  # noqa: E402
import actlab.jax as aj  # noqa: E402
from actlab import InputTypeError, ParameterError, ShapeError, UnknownActivationError  # noqa: E402
from actlab.ops import numpy as onp  # noqa: E402

from .conftest import ALL  # noqa: E402

LEARNABLE = actlab.list_activations(learnable=True)


def _x(name: str, dtype=jnp.float32):
    s = actlab.spec(name)
    shape = (3, 4) if s.kind == "elementwise" else (3, 6)
    return jax.ShapeDtypeStruct(shape, dtype)


def _out_shape(name: str, shape: tuple) -> tuple:
    return shape[:-1] + (shape[-1] // 2,) if actlab.spec(name).kind == "gated" else shape


# ----------------------------------------------------------------------------- every entry
@pytest.mark.parametrize("name", ALL)
def test_every_entry_has_a_function_and_get(name):
    s = actlab.spec(name)
    f = getattr(aj, name)
    assert f.__name__ == name and name in aj.__all__
    assert s.formula in f.__doc__ and "Args:" in f.__doc__
    assert aj.get(name).spec is s
    for a in s.aliases:
        assert aj.get(a).spec is s


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ALL)
def test_traces_under_jit_vmap_grad_and_jvp(name, dtype):
    s = actlab.spec(name)
    with jax.enable_x64(dtype == "float64"):
        dt = jnp.dtype(dtype)
        x = _x(name, dt)
        f = aj.get(name)
        row = jax.ShapeDtypeStruct(x.shape[1:], dt)

        def loss(v):
            return jnp.sum(f(v) ** 2)

        y = jax.eval_shape(jax.jit(f), x)
        assert (y.shape, y.dtype) == (_out_shape(name, x.shape), dt)
        assert jax.eval_shape(jax.vmap(f), x).shape == _out_shape(name, x.shape)
        assert jax.eval_shape(jax.jit(jax.grad(loss)), x).dtype == dt
        # forward mode works too (custom_jvp, not custom_vjp): jacfwd of one row
        j = jax.eval_shape(jax.jacfwd(f), row)
        assert j.shape == _out_shape(name, row.shape) + row.shape
        jax.make_jaxpr(jax.vmap(jax.grad(loss)))(x)
        if s.stochastic:
            key = jax.random.key(0)
            jax.make_jaxpr(jax.jit(lambda v, k: f(v, training=True, key=k)))(x, key)


def test_jit_vmap_grad_compose_and_match_the_closed_form_at_kinks():
    # relu'(0) = 0 (torch), elu'(0) = alpha (x <= 0 branch), hardtanh'(+-1) = 0, leaky'(0) = slope
    x = jnp.array([-1.0, 0.0, 1.0, 2.0])
    for name, params in (("relu", {}), ("elu", {"alpha": 0.5}), ("hardtanh", {}), ("leaky_relu", {})):
        f = aj.get(name, **params)
        got = jax.jit(jax.vmap(jax.grad(f)))(x)
        want = actlab.get(name, **params).derivative(np.asarray(x, np.float64))
        np.testing.assert_array_equal(np.asarray(got), want.astype(np.float32))
    np.testing.assert_array_equal(np.asarray(jax.grad(aj.relu)(0.0)), 0.0)
    assert float(jax.grad(aj.get("relu", grad_at_zero=1.0))(0.0)) == 1.0
    # jvp of an elementwise function is f' * t
    y, t = jax.jvp(aj.mish, (x,), (jnp.full_like(x, 2.0),))
    np.testing.assert_allclose(
        np.asarray(t), 2 * actlab.get("mish").derivative(np.asarray(x, np.float64)), rtol=1e-6
    )


@pytest.mark.parametrize("name", actlab.list_activations(kind="vector"))
def test_vector_kinds_forward_and_reverse_mode_agree_with_the_closed_form_vjp(name):
    x = np.array([[1.0, 2.0, 3.0, -1.0], [1000.0, 999.0, -1000.0, 0.5]])
    with jax.enable_x64(True):
        f = aj.get(name)
        # one jit: compiling the whole computation once is far cheaper than eager op by op
        fwd, rev = jax.jit(lambda v: (jax.vmap(jax.jacfwd(f))(v), jax.vmap(jax.jacrev(f))(v)))(jnp.asarray(x))
        fwd, rev = np.asarray(fwd), np.asarray(rev)
    want = actlab.get(name).derivative(x)  # Jacobian from the spec's vjp
    np.testing.assert_allclose(fwd, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(rev, want, rtol=1e-12, atol=1e-15)


def test_gated_kinds_split_the_last_axis_and_give_both_partials():
    x = jnp.array([[1.0, -2.0, 0.0, 0.5], [3.0, 1.0, -1.0, 2.0]])
    y = aj.swiglu(x)
    assert y.shape == (2, 2)
    np.testing.assert_allclose(np.asarray(y), actlab.get("swiglu")(np.asarray(x, np.float64)), rtol=1e-6)
    g = jax.grad(lambda v: aj.reglu(v).sum())(x)
    want = actlab.get("reglu").derivative(np.asarray(x, np.float64))
    np.testing.assert_allclose(np.asarray(g), want, rtol=1e-6)
    assert aj.glu(x, axis=0).shape == (1, 4)


# ----------------------------------------------------------------------------- parameters
def _param_values(s, C: int) -> dict:
    """Non-default learnable values, per channel where the spec allows it (channels last)."""
    rng = np.random.default_rng(1)
    out = {}
    for p in s.params:
        if not p.learnable:
            continue
        base = float(p.test_values[0]) if p.test_values else float(p.default)
        shape = (C,) if p.per_channel else ()
        if p.leading:
            shape = (int(s.defaults()[p.leading]),) + shape
        v = base + 0.1 * rng.random(shape)
        if p.bounds is not None and p.bounds.lo == 0:
            v = np.abs(v) + 0.1  # keep snake's alpha, PELU's a, b, swish's beta inside their bounds
        out[p.name] = v
    return out


@pytest.mark.parametrize("name", LEARNABLE)
def test_parameter_gradients_are_the_closed_forms(name):
    s = actlab.spec(name)
    C = 3
    x = np.array([[-2.0, -0.5, 0.0], [0.0, 0.7, 1.0], [2.5, -1e-3, 0.3]])
    G = np.linspace(-1.0, 2.0, x.size).reshape(x.shape)
    pv = _param_values(s, C)
    fixed = {k: v for k, v in s.defaults().items() if k not in pv}
    with jax.enable_x64(True):

        def loss(params):
            return jnp.sum(getattr(aj, name)(jnp.asarray(x), **fixed, **params) * G)

        grads = jax.jit(jax.grad(loss))({k: jnp.asarray(v) for k, v in pv.items()})
    p_np = {**fixed, **pv}
    for pname, v in pv.items():
        dp = s.param_derivatives[pname](x, onp, **p_np) * (G[None] if s.param(pname).leading else G)
        axes = (1,) if s.param(pname).leading else (0,)
        want = (
            dp.sum(axis=axes)
            if np.ndim(v) > (1 if s.param(pname).leading else 0)
            else dp.sum(axis=tuple(range(1 if s.param(pname).leading else 0, dp.ndim)))
        )
        np.testing.assert_allclose(np.asarray(grads[pname]), want, rtol=1e-12, atol=1e-14, err_msg=pname)


def test_array_parameters_broadcast_along_the_last_axis():
    x = np.array([[-1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    w = np.array([0.1, 0.2, 0.3])
    with jax.enable_x64(True):
        y = np.asarray(aj.prelu(jnp.asarray(x), weight=jnp.asarray(w)))
    np.testing.assert_allclose(y, np.where(x > 0, x, w * x), rtol=0)
    # a number is a compile-time constant; both give the same values
    np.testing.assert_allclose(
        np.asarray(aj.elu(x, 0.5)), np.asarray(aj.elu(x, alpha=jnp.float32(0.5))), rtol=1e-6
    )


def test_positional_parameters_follow_the_spec_order():
    x = jnp.array([-1.0, 0.5, 3.0])
    np.testing.assert_array_equal(np.asarray(aj.hardtanh(x, -0.5, 2.0)), [-0.5, 0.5, 2.0])
    with pytest.raises(ParameterError, match="at most 2 parameters"):
        aj.hardtanh(x, -0.5, 2.0, 3.0)
    with pytest.raises(ParameterError, match="given twice"):
        aj.hardtanh(x, -0.5, min_val=-0.5)


# ----------------------------------------------------------------------------- dtypes
def test_float32_stays_float32_and_float64_needs_x64():
    x32 = jax.ShapeDtypeStruct((3,), jnp.float32)
    assert jax.eval_shape(aj.mish, x32).dtype == jnp.float32
    with jax.enable_x64(True):
        assert jax.eval_shape(aj.mish, x32).dtype == jnp.float32
        x64 = jnp.array([-30.0, -1.0, 0.0, 1e-8, 2.0], dtype=jnp.float64)
        y, g = jax.jit(lambda v: (aj.mish(v), jax.grad(lambda u: aj.mish(u).sum())(v)))(x64)
        assert y.dtype == g.dtype == jnp.float64
        # float64 values and derivatives are the NumPy path's to float64 accuracy
        np.testing.assert_allclose(np.asarray(y), actlab.get("mish")(np.asarray(x64)), rtol=1e-15, atol=0)
        np.testing.assert_allclose(
            np.asarray(g), actlab.get("mish").derivative(np.asarray(x64)), rtol=1e-15, atol=0
        )


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_is_computed_in_float32_and_rounded_once(dtype):
    x = jnp.linspace(-4.0, 4.0, 33, dtype=dtype)
    y = aj.gelu(x)
    assert y.dtype == jnp.dtype(dtype)
    want = actlab.get("gelu")(np.asarray(x.astype(jnp.float32), np.float64))
    np.testing.assert_array_equal(
        np.asarray(y.astype(jnp.float32)), np.asarray(jnp.asarray(want).astype(dtype).astype(jnp.float32))
    )


# ----------------------------------------------------------------------------- randomized
def test_rrelu_training_needs_a_key_and_differentiates_the_drawn_slope():
    x = -jnp.linspace(0.5, 3.0, 200)
    with pytest.raises(ParameterError, match="key=jax.random.key"):
        aj.rrelu(x, training=True)
    key = jax.random.key(3)

    def train(v, k):
        return aj.rrelu(v, training=True, key=k)

    both = jax.jit(lambda v, k: (train(v, k), jax.grad(lambda u: train(u, k).sum())(v)))
    y, g = both(x, key)
    slope = np.asarray(y / x)
    assert ((slope >= 1 / 8) & (slope <= 1 / 3)).all() and np.unique(slope).size > 150
    np.testing.assert_array_equal(np.asarray(both(x, key)[0]), np.asarray(y))  # same key, same draw
    assert not np.array_equal(np.asarray(both(x, jax.random.key(4))[0]), np.asarray(y))
    np.testing.assert_allclose(np.asarray(g), slope, rtol=1e-6)  # the drawn slope's derivative
    # evaluation: the fixed slope (lower + upper) / 2 = 11/48, no key needed
    np.testing.assert_allclose(np.asarray(aj.rrelu(x)), np.asarray(x) * 11 / 48, rtol=1e-6)


# ----------------------------------------------------------------------------- errors
def test_bad_inputs_give_clear_errors():
    with pytest.raises(UnknownActivationError, match="mish"):
        aj.get("mihs")
    with pytest.raises(ParameterError, match="alpha"):
        aj.get("elu", alpah=1.0)
    with pytest.raises(ParameterError, match="out of bounds"):
        aj.get("snake", alpha=-1.0)
    # integers and bools are promoted to the default float (tests/test_peer_conventions.py)
    with pytest.raises(InputTypeError, match="complex64"):
        aj.relu(jnp.array([1, 2], dtype=jnp.complex64))
    with pytest.raises(ShapeError, match="odd size 3"):
        aj.glu(jnp.ones((2, 3)))
    with pytest.raises(ShapeError, match="scalar"):
        aj.glu(1.0)  # a 0-d softmax is 1, as torch's
    with pytest.raises(ShapeError, match="out of range"):
        aj.softmax(jnp.ones((2, 3)), axis=2)
    with pytest.raises(ShapeError, match="one per hinge"):
        aj.apl(jnp.ones(3), hinges=2, a=jnp.ones(3), b=jnp.ones(2))
    with pytest.raises(ShapeError, match="jax.jacobian"):
        aj.get("softmax").derivative(jnp.ones(3))


def test_import_without_jax_names_the_extra():
    code = "import sys; sys.modules['jax'] = None\nimport actlab.jax"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "pip install 'actlab[jax]'" in proc.stderr, proc.stderr[-2000:]
