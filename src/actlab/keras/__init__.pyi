# Generated from the catalog by `python -m actlab.stubs`; do not edit (a test fails when it is stale).

from typing import Any

from ._core import ActivationCall as ActivationCall
from ._core import ActivationFunction as ActivationFunction
from ._core import ActivationLayer as ActivationLayer
from ._core import apply as apply
from ._core import create as create
from ._core import function as function
from ._core import get as get
from ._core import layer_class as layer_class
from ._core import layer_classes as layer_classes

__all__ = [
    "ActivationCall",
    "ActivationFunction",
    "ActivationLayer",
    "apply",
    "create",
    "function",
    "get",
    "layer_class",
    "layer_classes",
    "apl",
    "arctan",
    "bent_identity",
    "bilinear",
    "binary_step",
    "celu",
    "elish",
    "elu",
    "exponential",
    "gaussian",
    "geglu",
    "gelu",
    "glu",
    "hard_mish",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "identity",
    "isrlu",
    "isru",
    "leaky_relu",
    "lecun_tanh",
    "lisht",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "pelu",
    "prelu",
    "quick_gelu",
    "reglu",
    "relu",
    "relu6",
    "relu_squared",
    "rrelu",
    "selu",
    "serf",
    "sigmoid",
    "silu",
    "sinc",
    "sinusoid",
    "smht",
    "snake",
    "soft_clipping",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "sqnl",
    "squareplus",
    "srelu",
    "star_relu",
    "swiglu",
    "swish",
    "tanh",
    "tanh_exp",
    "tanhshrink",
    "threshold",
    "APL",
    "Arctan",
    "BentIdentity",
    "Bilinear",
    "BinaryStep",
    "CELU",
    "ELU",
    "ELiSH",
    "Exponential",
    "GELU",
    "GLU",
    "Gaussian",
    "GeGLU",
    "HardMish",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "ISRLU",
    "ISRU",
    "Identity",
    "LeCunTanh",
    "LeakyReLU",
    "LiSHT",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "PELU",
    "PReLU",
    "QuickGELU",
    "RReLU",
    "ReGLU",
    "ReLU",
    "ReLU6",
    "ReLUSquared",
    "SELU",
    "SERF",
    "SMHT",
    "SQNL",
    "SReLU",
    "SiLU",
    "Sigmoid",
    "Sinc",
    "Sinusoid",
    "Snake",
    "SoftClipping",
    "Softmax",
    "Softmin",
    "Softplus",
    "Softshrink",
    "Softsign",
    "SparsePlus",
    "SparseSigmoid",
    "Sparsemax",
    "Squareplus",
    "StarReLU",
    "SwiGLU",
    "Swish",
    "Tanh",
    "TanhExp",
    "Tanhshrink",
    "Threshold",
]

def apl(x: Any, hinges: int = 1, a: float = 0.0, b: float = 0.0) -> Any: ...
def arctan(x: Any) -> Any: ...
def bent_identity(x: Any) -> Any: ...
def bilinear(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def binary_step(x: Any, value_at_zero: float = 0.0) -> Any: ...
def celu(x: Any, alpha: float = 1.0) -> Any: ...
def elish(x: Any) -> Any: ...
def elu(x: Any, alpha: float = 1.0) -> Any: ...
def exponential(x: Any) -> Any: ...
def gaussian(x: Any) -> Any: ...
def geglu(x: Any, approximate: str = "none", *, axis: int | tuple[int, ...] = -1) -> Any: ...
def gelu(x: Any, approximate: str = "none") -> Any: ...
def glu(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def hard_mish(x: Any) -> Any: ...
def hardshrink(x: Any, lambd: float = 0.5) -> Any: ...
def hardsigmoid(x: Any, slope: float = 0.16666666666666666, offset: float = 0.5) -> Any: ...
def hardswish(x: Any) -> Any: ...
def hardtanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any: ...
def identity(x: Any) -> Any: ...
def isrlu(x: Any, alpha: float = 1.0) -> Any: ...
def isru(x: Any, alpha: float = 1.0) -> Any: ...
def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any: ...
def lecun_tanh(x: Any) -> Any: ...
def lisht(x: Any) -> Any: ...
def log_sigmoid(x: Any) -> Any: ...
def log_softmax(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def mish(x: Any) -> Any: ...
def pelu(x: Any, a: float = 1.0, b: float = 1.0) -> Any: ...
def prelu(x: Any, weight: float = 0.25) -> Any: ...
def quick_gelu(x: Any) -> Any: ...
def reglu(x: Any, grad_at_zero: float = 0.0, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def relu(x: Any, grad_at_zero: float = 0.0) -> Any: ...
def relu6(x: Any) -> Any: ...
def relu_squared(x: Any) -> Any: ...
def rrelu(
    x: Any,
    lower: float = 0.125,
    upper: float = 0.3333333333333333,
    eval_slope: str = "mean",
    *,
    training: bool = False,
    seed: Any = None,
) -> Any: ...
def selu(x: Any) -> Any: ...
def serf(x: Any) -> Any: ...
def sigmoid(x: Any) -> Any: ...
def silu(x: Any) -> Any: ...
def sinc(x: Any) -> Any: ...
def sinusoid(x: Any) -> Any: ...
def smht(x: Any, a: float = 1.0, b: float = 1.0, c: float = 1.0, d: float = 1.0) -> Any: ...
def snake(x: Any, alpha: float = 1.0) -> Any: ...
def soft_clipping(x: Any, alpha: float = 1.0) -> Any: ...
def softmax(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def softmin(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def softplus(x: Any, beta: float = 1.0, threshold: float = ...) -> Any: ...
def softshrink(x: Any, lambd: float = 0.5) -> Any: ...
def softsign(x: Any) -> Any: ...
def sparse_plus(x: Any) -> Any: ...
def sparse_sigmoid(x: Any) -> Any: ...
def sparsemax(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def sqnl(x: Any) -> Any: ...
def squareplus(x: Any, b: float = 4.0) -> Any: ...
def srelu(
    x: Any,
    t_left: float = 0.0,
    a_left: float = 0.2,
    t_right: float = 1.0,
    a_right: float = 1.0,
) -> Any: ...
def star_relu(x: Any, scale: float = 0.8944, bias: float = -0.4472) -> Any: ...
def swiglu(x: Any, *, axis: int | tuple[int, ...] = -1) -> Any: ...
def swish(x: Any, beta: float = 1.0) -> Any: ...
def tanh(x: Any) -> Any: ...
def tanh_exp(x: Any) -> Any: ...
def tanhshrink(x: Any) -> Any: ...
def threshold(x: Any, threshold: float = 0.0, value: float = 0.0) -> Any: ...

# aliases that are Python identifiers
adaptive_piecewise_linear = apl
atan = arctan
bilinear_glu = bilinear
cardinal_sine = sinc
elliot_sig = softsign
exp = exponential
gauss = gaussian
gaussian_bump = gaussian
gaussian_error_linear_unit = gelu
gelu_sigmoid = quick_gelu
hard_shrink = hardshrink
hard_sigmoid = hardsigmoid
hard_silu = hardswish
hard_swish = hardswish
hard_tanh = hardtanh
hard_threshold = hardshrink
hardmish = hard_mish
heaviside = binary_step
hyperbolic_tangent = tanh
inverse_square_root_linear_unit = isrlu
inverse_square_root_unit = isru
leakyrelu = leaky_relu
linear = identity
linearly_scaled_tanh = lisht
log_softplus_erf = serf
logistic = sigmoid
logsigmoid = log_sigmoid
logsoftmax = log_softmax
lrelu = leaky_relu
parametric_elu = pelu
parametric_relu = prelu
quickgelu = quick_gelu
randomized_leaky_relu = rrelu
randomized_relu = rrelu
rectified_linear = relu
rectifier = relu
relu2 = relu_squared
relu_6 = relu6
s_shaped_relu = srelu
scaled_elu = selu
scaled_tanh = lecun_tanh
sigmoid_linear_unit = silu
sin = sinusoid
sine = sinusoid
smooth_relu = softplus
soboleva_modified_hyperbolic_tangent = smht
soft_clip = soft_clipping
soft_shrink = softshrink
soft_step = sigmoid
soft_threshold = softshrink
sparseplus = sparse_plus
square_nonlinearity = sqnl
squared_relu = relu_squared
starrelu = star_relu
step = binary_step
swish_1 = silu
swish_beta = swish
tanh_shrink = tanhshrink
tanhexp = tanh_exp

class APL(ActivationLayer):
    def __init__(
        self,
        *,
        hinges: int = 1,
        a: float = 0.0,
        b: float = 0.0,
        shared_axes: int | list[int] | str | None = None,
        **kwargs: Any,
    ) -> None: ...

class Arctan(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class BentIdentity(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Bilinear(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class BinaryStep(ActivationLayer):
    def __init__(self, *, value_at_zero: float = 0.0, **kwargs: Any) -> None: ...

class CELU(ActivationLayer):
    def __init__(self, *, alpha: float = 1.0, **kwargs: Any) -> None: ...

class ELU(ActivationLayer):
    def __init__(self, *, alpha: float = 1.0, **kwargs: Any) -> None: ...

class ELiSH(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Exponential(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class GELU(ActivationLayer):
    def __init__(self, *, approximate: str = "none", **kwargs: Any) -> None: ...

class GLU(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class Gaussian(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class GeGLU(ActivationLayer):
    def __init__(
        self,
        *,
        approximate: str = "none",
        axis: int | tuple[int, ...] | list[int] = -1,
        **kwargs: Any,
    ) -> None: ...

class HardMish(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Hardshrink(ActivationLayer):
    def __init__(self, *, lambd: float = 0.5, **kwargs: Any) -> None: ...

class Hardsigmoid(ActivationLayer):
    def __init__(self, *, slope: float = 0.16666666666666666, offset: float = 0.5, **kwargs: Any) -> None: ...

class Hardswish(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Hardtanh(ActivationLayer):
    def __init__(self, *, min_val: float = -1.0, max_val: float = 1.0, **kwargs: Any) -> None: ...

class ISRLU(ActivationLayer):
    def __init__(self, *, alpha: float = 1.0, **kwargs: Any) -> None: ...

class ISRU(ActivationLayer):
    def __init__(self, *, alpha: float = 1.0, **kwargs: Any) -> None: ...

class Identity(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class LeCunTanh(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class LeakyReLU(ActivationLayer):
    def __init__(self, *, negative_slope: float = 0.01, **kwargs: Any) -> None: ...

class LiSHT(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class LogSigmoid(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class LogSoftmax(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class Mish(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class PELU(ActivationLayer):
    def __init__(
        self,
        *,
        a: float = 1.0,
        b: float = 1.0,
        shared_axes: int | list[int] | str | None = None,
        **kwargs: Any,
    ) -> None: ...

class PReLU(ActivationLayer):
    def __init__(
        self,
        *,
        weight: float = 0.25,
        shared_axes: int | list[int] | str | None = None,
        **kwargs: Any,
    ) -> None: ...

class QuickGELU(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class RReLU(ActivationLayer):
    def __init__(
        self,
        *,
        lower: float = 0.125,
        upper: float = 0.3333333333333333,
        eval_slope: str = "mean",
        seed: int | None = None,
        **kwargs: Any,
    ) -> None: ...

class ReGLU(ActivationLayer):
    def __init__(
        self,
        *,
        grad_at_zero: float = 0.0,
        axis: int | tuple[int, ...] | list[int] = -1,
        **kwargs: Any,
    ) -> None: ...

class ReLU(ActivationLayer):
    def __init__(self, *, grad_at_zero: float = 0.0, **kwargs: Any) -> None: ...

class ReLU6(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class ReLUSquared(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class SELU(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class SERF(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class SMHT(ActivationLayer):
    def __init__(
        self,
        *,
        a: float = 1.0,
        b: float = 1.0,
        c: float = 1.0,
        d: float = 1.0,
        **kwargs: Any,
    ) -> None: ...

class SQNL(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class SReLU(ActivationLayer):
    def __init__(
        self,
        *,
        t_left: float = 0.0,
        a_left: float = 0.2,
        t_right: float = 1.0,
        a_right: float = 1.0,
        shared_axes: int | list[int] | str | None = None,
        **kwargs: Any,
    ) -> None: ...

class SiLU(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Sigmoid(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Sinc(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Sinusoid(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Snake(ActivationLayer):
    def __init__(
        self,
        *,
        alpha: float = 1.0,
        shared_axes: int | list[int] | str | None = None,
        **kwargs: Any,
    ) -> None: ...

class SoftClipping(ActivationLayer):
    def __init__(self, *, alpha: float = 1.0, **kwargs: Any) -> None: ...

class Softmax(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class Softmin(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class Softplus(ActivationLayer):
    def __init__(self, *, beta: float = 1.0, threshold: float = ..., **kwargs: Any) -> None: ...

class Softshrink(ActivationLayer):
    def __init__(self, *, lambd: float = 0.5, **kwargs: Any) -> None: ...

class Softsign(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class SparsePlus(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class SparseSigmoid(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Sparsemax(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class Squareplus(ActivationLayer):
    def __init__(self, *, b: float = 4.0, **kwargs: Any) -> None: ...

class StarReLU(ActivationLayer):
    def __init__(self, *, scale: float = 0.8944, bias: float = -0.4472, **kwargs: Any) -> None: ...

class SwiGLU(ActivationLayer):
    def __init__(self, *, axis: int | tuple[int, ...] | list[int] = -1, **kwargs: Any) -> None: ...

class Swish(ActivationLayer):
    def __init__(
        self,
        *,
        beta: float = 1.0,
        shared_axes: int | list[int] | str | None = None,
        **kwargs: Any,
    ) -> None: ...

class Tanh(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class TanhExp(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Tanhshrink(ActivationLayer):
    def __init__(self, **kwargs: Any) -> None: ...

class Threshold(ActivationLayer):
    def __init__(self, *, threshold: float = 0.0, value: float = 0.0, **kwargs: Any) -> None: ...
