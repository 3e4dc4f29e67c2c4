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

try:
    import jax as _jax  # noqa: F401
except ImportError as _e:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "actlab.jax needs JAX, which is not installed. Install the extra: pip install 'actlab[jax]'"
    ) from _e

from ..docs import docstring as _docstring
from ..registry import all_specs as _all_specs
from ..registry import python_names
from ..spec import ActivationSpec as _Spec
from ._core import JaxActivation, apply, get, make_function

__all__ = ["JaxActivation", "apply", "get"]


def _doc(s: _Spec) -> str:
    # The spec-derived part (formulas, properties, kinks, note) is shared with the torch forms;
    # the calling convention is JAX's.
    head = _docstring(s, form="function").split("\nArgs:")[0].rstrip()
    args = ["Args:", "    x: a floating-point array (float16, bfloat16, float32 or float64)."]
    for p in s.params:
        rng = (
            f" Valid: {p.bounds}." if p.bounds is not None else (f" One of {p.choices}." if p.choices else "")
        )
        arr = " A number is a constant; an array is a differentiable input." if not p.choices else ""
        args.append(f"    {p.name}: {p.doc or p.name} (default {p.default!r}).{rng}{arr}")
    if s.kind != "elementwise":
        args.append("    axis: the axis the function acts along (default -1).")
    if s.stochastic:
        args.append("    training: sample the random slopes; then ``key`` (a jax.random key) is required.")
    shape = "4," if s.kind == "elementwise" else "4, 6"
    example = ["Example:", f"    >>> actlab.jax.{s.name}(jax.numpy.ones(({shape})))"]
    return "\n".join([head, "", *args, "", *example])


def _populate() -> None:
    g = globals()
    for s in _all_specs():
        f = make_function(s)
        f.__doc__ = _doc(s)
        g[s.name] = f
        __all__.append(s.name)
        for key in python_names(s)[1:]:
            g.setdefault(key, f)


_populate()
