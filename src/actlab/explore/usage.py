"""Copy-paste usage of one activation in NumPy, PyTorch, Keras 3 and JAX, generated from its spec.

The names are the adapters' own (``actlab.torch.<ClassName>``, ``actlab.torch.functional.<name>``,
``actlab.keras.get``, ``actlab.jax.<name>``); tests/test_explore.py runs the NumPy and torch
snippets of every function.
"""

from __future__ import annotations

import math
from typing import Any

from ..naming import class_name
from ..spec import ActivationSpec

__all__ = ["snippets"]


def _py(v: Any) -> str:
    if isinstance(v, float) and math.isinf(v):
        return 'float("inf")' if v > 0 else 'float("-inf")'
    return repr(v)


def _kwargs(s: ActivationSpec) -> str:
    return ", ".join(f"{p.name}={_py(p.default)}" for p in s.params)


def snippets(s: ActivationSpec) -> dict[str, str]:
    kw = _kwargs(s)
    ckw = f", {kw}" if kw else ""
    cls = class_name(s.name)
    if s.kind == "elementwise":
        np_x, t_x, j_x = (
            "np.linspace(-3.0, 3.0, 7)",
            "torch.randn(8, 16, requires_grad=True)",
            ("jnp.linspace(-3.0, 3.0, 7)"),
        )
        note = ""
    elif s.kind == "vector":
        np_x = "np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])"
        t_x, j_x = "torch.randn(8, 10, requires_grad=True)", "jnp.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])"
        note = "  # along the last axis (axis= / dim= to choose)"
    else:
        np_x = "np.array([[1.0, 2.0, -1.0, 0.5]])"
        t_x, j_x = "torch.randn(8, 16, requires_grad=True)", "jnp.array([[1.0, 2.0, -1.0, 0.5]])"
        note = "  # halves of the last axis: a * gate(b); the output has half the width"
    numpy = (
        "import numpy as np\nimport actlab\n\n"
        f'f = actlab.get("{s.name}"{ckw})\n'
        f"x = {np_x}\n"
        f"y = f(x){note}\n"
        "dy = f.derivative(x)  # the closed-form derivative\n"
    )
    torch = (
        "import torch\nimport actlab.torch as at\n\n"
        f"x = {t_x}\n"
        f"layer = at.{cls}({kw})  # an nn.Module\n"
        "y = layer(x)\n"
        f"y = at.functional.{s.name}(x{ckw})\n"
        "y.sum().backward()\n"
    )
    learnable = any(p.learnable for p in s.params)
    keras_line = (
        f"    ak.{cls}({kw}),  # a layer: its learnable parameters train under fit\n"
        if learnable
        else f'    keras.layers.Activation(ak.get("{s.name}"{ckw})),\n'
    )
    width = "32" if s.kind == "gated" else "16"
    keras = (
        'import os\nos.environ.setdefault("KERAS_BACKEND", "torch")  # or "jax"; before keras is imported\n'
        "import keras\nimport actlab.keras as ak\n\n"
        "model = keras.Sequential([\n"
        "    keras.Input((16,)),\n"
        f"    keras.layers.Dense({width}),\n"
        f"{keras_line}"
        "    keras.layers.Dense(1),\n"
        "])\n"
    )
    jax = (
        "import jax\nimport jax.numpy as jnp\nimport actlab.jax as aj\n\n"
        f"x = {j_x}\n"
        f"y = aj.{s.name}(x{ckw})\n"
        f"g = jax.grad(lambda v: aj.{s.name}(v{ckw}).sum())(x)  # uses the closed-form derivative\n"
    )
    return {"NumPy": numpy, "PyTorch": torch, "Keras": keras, "JAX": jax}
