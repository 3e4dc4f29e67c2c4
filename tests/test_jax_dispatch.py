"""JAX arrays given to ``actlab.get(name)`` are served by the JAX adapter: JAX in, JAX out, with
the closed-form rules under jit and grad (not a NumPy copy that a tracer cannot become)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import actlab
import actlab.jax as aj
from actlab.errors import InputTypeError


def test_jax_in_jax_out_equal_to_the_jax_adapter():
    x = jnp.linspace(-4.0, 4.0, 17, dtype=jnp.float32)
    y = actlab.get("elu", alpha=0.5)(x)
    assert isinstance(y, jax.Array) and y.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(y), np.asarray(aj.elu(x, alpha=0.5)))
    # the NumPy path's values (float64, rounded once) agree to float32 rounding
    want = actlab.get("elu", alpha=0.5)(np.asarray(x))
    np.testing.assert_allclose(np.asarray(y), want, rtol=2e-7, atol=0)


def test_jit_and_grad_take_the_closed_form():
    act = actlab.get("relu")
    x = jnp.array([-1.0, 0.0, 2.0])
    g = jax.grad(lambda t: jax.jit(act)(t).sum())(x)
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 1.0])  # relu'(0) = 0, the spec's convention
    d = act.derivative(x)
    assert isinstance(d, jax.Array)
    np.testing.assert_array_equal(np.asarray(d), [0.0, 0.0, 1.0])


def test_vector_kind_along_an_axis_and_its_vjp():
    act = actlab.get("softmax")
    x = jnp.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = act(x, axis=0)
    np.testing.assert_allclose(
        np.asarray(y), actlab.get("softmax")(np.asarray(x, np.float64), axis=0), rtol=1e-6
    )
    g = jnp.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    got = act.vjp(x, g, axis=0)
    assert isinstance(got, jax.Array)
    want = actlab.get("softmax").vjp(np.asarray(x, np.float64), np.asarray(g, np.float64), axis=0)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-7)


def test_torch_only_options_are_refused_for_jax_arrays():
    with pytest.raises(InputTypeError, match="apply to torch tensors"):
        actlab.get("gelu")(jnp.ones(3), impl="native")
