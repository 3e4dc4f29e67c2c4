"""JAX adapter: one function per catalog entry, generated from the specs.

>>> import actlab.jax as aj, jax, jax.numpy as jnp
>>> aj.mish(jnp.linspace(-3.0, 3.0, 7))
>>> jax.jit(jax.vmap(jax.grad(aj.elu)))(jnp.array([-1.0, 0.0, 2.0]))   # f'(0) = alpha, as the spec says
>>> act = aj.get("swish", beta=1.5); act(x)
>>> aj.rrelu(x, training=True, key=jax.random.key(0))

Every function is ``jit``/``vmap``/``grad``/``jvp`` compatible; derivatives are the spec's closed
forms through ``jax.custom_jvp`` (see ``_core``). Positional arguments after the input follow
the spec's parameter order; vector and gated kinds take ``axis`` (default -1); randomized ones
take ``training`` and, when training, an explicit PRNG ``key``. float16/bfloat16 inputs are
evaluated in float32 and rounded once; float64 needs ``jax.config.update("jax_enable_x64", True)``.
"""

from __future__ import annotations

from ..errors import MissingDependencyError

try:
    import jax as _jax  # noqa: F401
except ImportError as _e:  # pragma: no cover - exercised in a subprocess by the tests
    raise MissingDependencyError("JAX", "jax", "actlab.jax") from _e

from ..docs import axis_line, doc_head, param_lines
from ..naming import export_functions
from ..spec import ActivationSpec as _Spec
from ._core import JaxActivation, apply, get, make_function

__all__ = ["JaxActivation", "apply", "get"]


def _doc(s: _Spec) -> str:
    # The spec-derived part (formulas, properties, kinks, note) is shared with the torch forms;
    # the calling convention is JAX's.
    head = "\n".join(doc_head(s))
    args = ["Args:", "    x: a floating-point array (float16, bfloat16, float32 or float64)."]
    args += param_lines(s, other_note=" A number is a constant; an array is a differentiable input.")
    args += axis_line(s)
    if s.stochastic:
        args.append("    training: sample the random slopes; then ``key`` (a jax.random key) is required.")
    shape = "4," if s.kind == "elementwise" else "4, 6"
    example = ["Example:", f"    >>> actlab.jax.{s.name}(jax.numpy.ones(({shape})))"]
    return "\n".join([head, "", *args, "", *example])


def _make(s: _Spec) -> object:
    f = make_function(s)
    f.__doc__ = _doc(s)
    return f


export_functions(globals(), __all__, _make)
