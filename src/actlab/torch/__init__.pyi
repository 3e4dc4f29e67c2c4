# Generated from the catalog by `python -m actlab.stubs`; do not edit (a test fails when it is stale).

import torch
from torch import Tensor

from . import functional as functional
from .ckernels import ckernels_enabled as ckernels_enabled
from .ckernels import use_ckernels as use_ckernels
from .function import IMPLS as IMPLS
from .function import MEMORY_TIERS as MEMORY_TIERS
from .function import compiled_enabled as compiled_enabled
from .function import memory as memory
from .function import use_compiled as use_compiled
from .modules import ActivationModule as ActivationModule
from .modules import create as create
from .modules import from_config as from_config
from .modules import module_class as module_class
from .modules import module_classes as module_classes
from .surgery import TORCH_EQUIVALENTS as TORCH_EQUIVALENTS
from .surgery import replace_activations as replace_activations

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

class APL(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        hinges: int = 1,
        a: float | Tensor = 0.0,
        b: float | Tensor = 0.0,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class Arctan(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class BentIdentity(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Bilinear(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class BinaryStep(ActivationModule):
    def __init__(
        self,
        *,
        value_at_zero: float = 0.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class CELU(ActivationModule):
    def __init__(
        self,
        *,
        alpha: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ELU(ActivationModule):
    def __init__(
        self,
        *,
        alpha: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ELiSH(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Exponential(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class GELU(ActivationModule):
    def __init__(
        self,
        *,
        approximate: str = "none",
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class GLU(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class Gaussian(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class GeGLU(ActivationModule):
    def __init__(
        self,
        *,
        approximate: str = "none",
        dim: int = -1,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class HardMish(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Hardshrink(ActivationModule):
    def __init__(
        self,
        *,
        lambd: float = 0.5,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class Hardsigmoid(ActivationModule):
    def __init__(
        self,
        *,
        slope: float = 0.16666666666666666,
        offset: float = 0.5,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class Hardswish(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Hardtanh(ActivationModule):
    def __init__(
        self,
        *,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ISRLU(ActivationModule):
    def __init__(
        self,
        *,
        alpha: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ISRU(ActivationModule):
    def __init__(
        self,
        *,
        alpha: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class Identity(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class LeCunTanh(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class LeakyReLU(ActivationModule):
    def __init__(
        self,
        *,
        negative_slope: float = 0.01,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class LiSHT(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class LogSigmoid(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class LogSoftmax(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class Mish(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class PELU(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        a: float | Tensor = 1.0,
        b: float | Tensor = 1.0,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class PReLU(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        weight: float | Tensor = 0.25,
        init: float | None = None,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class QuickGELU(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class RReLU(ActivationModule):
    def __init__(
        self,
        *,
        lower: float = 0.125,
        upper: float = 0.3333333333333333,
        eval_slope: str = "mean",
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ReGLU(ActivationModule):
    def __init__(
        self,
        *,
        grad_at_zero: float = 0.0,
        dim: int = -1,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ReLU(ActivationModule):
    def __init__(
        self,
        *,
        grad_at_zero: float = 0.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class ReLU6(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class ReLUSquared(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class SELU(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class SERF(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class SMHT(ActivationModule):
    def __init__(
        self,
        *,
        a: float = 1.0,
        b: float = 1.0,
        c: float = 1.0,
        d: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class SQNL(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class SReLU(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        t_left: float | Tensor = 0.0,
        a_left: float | Tensor = 0.2,
        t_right: float | Tensor = 1.0,
        a_right: float | Tensor = 1.0,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class SiLU(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Sigmoid(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Sinc(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Sinusoid(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Snake(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        alpha: float | Tensor = 1.0,
        init: float | None = None,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class SoftClipping(ActivationModule):
    def __init__(
        self,
        *,
        alpha: float = 1.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class Softmax(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class Softmin(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class Softplus(ActivationModule):
    def __init__(
        self,
        *,
        beta: float = 1.0,
        threshold: float = ...,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class Softshrink(ActivationModule):
    def __init__(
        self,
        *,
        lambd: float = 0.5,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class Softsign(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class SparsePlus(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class SparseSigmoid(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Sparsemax(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class Squareplus(ActivationModule):
    def __init__(
        self,
        *,
        b: float = 4.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...

class StarReLU(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        scale: float | Tensor = 0.8944,
        bias: float | Tensor = -0.4472,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class SwiGLU(ActivationModule):
    def __init__(self, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> None: ...

class Swish(ActivationModule):
    def __init__(
        self,
        num_parameters: int = 1,
        *,
        beta: float | Tensor = 1.0,
        init: float | None = None,
        learnable: bool = True,
        impl: str = "auto",
        memory: str | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None: ...

class Tanh(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class TanhExp(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Tanhshrink(ActivationModule):
    def __init__(self, *, inplace: bool = False, impl: str = "auto", memory: str | None = None) -> None: ...

class Threshold(ActivationModule):
    def __init__(
        self,
        *,
        threshold: float = 0.0,
        value: float = 0.0,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
    ) -> None: ...
