"""PyTorch adapter: functional forms and ``nn.Module`` classes generated from the catalog.

>>> import actlab.torch as at
>>> at.Mish(); at.PReLU(num_parameters=64); at.create("srelu", num_parameters=16)
>>> at.functional.mish(x)
>>> at.replace_activations(model, "relu", "mish")
"""

from __future__ import annotations

from . import functional
from .ckernels import ckernels_enabled, use_ckernels
from .function import IMPLS, MEMORY_TIERS, compiled_enabled, memory, use_compiled
from .modules import ActivationModule, create, from_config, module_class, module_classes
from .surgery import TORCH_EQUIVALENTS, replace_activations

__all__ = [
    "IMPLS",
    "MEMORY_TIERS",
    "TORCH_EQUIVALENTS",
    "ActivationModule",
    "ckernels_enabled",
    "compiled_enabled",
    "create",
    "from_config",
    "functional",
    "memory",
    "module_class",
    "module_classes",
    "replace_activations",
    "use_ckernels",
    "use_compiled",
]


def __getattr__(name: str):
    # Module classes (at.Mish, at.PReLU, ...) are generated from the registry on first use.
    classes = module_classes()
    if name in classes:
        return classes[name]
    raise AttributeError(f"module 'actlab.torch' has no attribute {name!r}")


def __dir__():
    return sorted(set(__all__) | set(module_classes()))
