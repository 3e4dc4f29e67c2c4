# Generated from the catalog by `python -m actlab.stubs`; do not edit (a test fails when it is stale).

import torch
from torch import Tensor

__all__ = [
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
]

def apl(
    input: Tensor,
    hinges: int = 1,
    a: float | Tensor = 0.0,
    b: float | Tensor = 0.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def arctan(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def bent_identity(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def bilinear(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def binary_step(
    input: Tensor,
    value_at_zero: float | Tensor = 0.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def celu(
    input: Tensor,
    alpha: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def elish(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def elu(
    input: Tensor,
    alpha: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def exponential(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def gaussian(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def geglu(
    input: Tensor,
    approximate: str = "none",
    *,
    dim: int = -1,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def gelu(
    input: Tensor,
    approximate: str = "none",
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def glu(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def hard_mish(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def hardshrink(
    input: Tensor,
    lambd: float | Tensor = 0.5,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def hardsigmoid(
    input: Tensor,
    slope: float | Tensor = 0.16666666666666666,
    offset: float | Tensor = 0.5,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def hardswish(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def hardtanh(
    input: Tensor,
    min_val: float | Tensor = -1.0,
    max_val: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def identity(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def isrlu(
    input: Tensor,
    alpha: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def isru(
    input: Tensor,
    alpha: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def leaky_relu(
    input: Tensor,
    negative_slope: float | Tensor = 0.01,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def lecun_tanh(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def lisht(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def log_sigmoid(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def log_softmax(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def mish(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def pelu(
    input: Tensor,
    a: float | Tensor = 1.0,
    b: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def prelu(
    input: Tensor,
    weight: float | Tensor = 0.25,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def quick_gelu(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def reglu(
    input: Tensor,
    grad_at_zero: float | Tensor = 0.0,
    *,
    dim: int = -1,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def relu(
    input: Tensor,
    grad_at_zero: float | Tensor = 0.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def relu6(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def relu_squared(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def rrelu(
    input: Tensor,
    lower: float | Tensor = 0.125,
    upper: float | Tensor = 0.3333333333333333,
    eval_slope: str = "mean",
    *,
    training: bool = False,
    generator: torch.Generator | None = None,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def selu(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def serf(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def sigmoid(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def silu(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def sinc(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def sinusoid(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def smht(
    input: Tensor,
    a: float | Tensor = 1.0,
    b: float | Tensor = 1.0,
    c: float | Tensor = 1.0,
    d: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def snake(
    input: Tensor,
    alpha: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def soft_clipping(
    input: Tensor,
    alpha: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def softmax(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def softmin(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def softplus(
    input: Tensor,
    beta: float | Tensor = 1.0,
    threshold: float | Tensor = ...,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def softshrink(
    input: Tensor,
    lambd: float | Tensor = 0.5,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def softsign(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def sparse_plus(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def sparse_sigmoid(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def sparsemax(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def sqnl(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def squareplus(
    input: Tensor,
    b: float | Tensor = 4.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def srelu(
    input: Tensor,
    t_left: float | Tensor = 0.0,
    a_left: float | Tensor = 0.2,
    t_right: float | Tensor = 1.0,
    a_right: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def star_relu(
    input: Tensor,
    scale: float | Tensor = 0.8944,
    bias: float | Tensor = -0.4472,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def swiglu(input: Tensor, *, dim: int = -1, impl: str = "auto", memory: str | None = None) -> Tensor: ...
def swish(
    input: Tensor,
    beta: float | Tensor = 1.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def tanh(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def tanh_exp(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def tanhshrink(
    input: Tensor,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...
def threshold(
    input: Tensor,
    threshold: float | Tensor = 0.0,
    value: float | Tensor = 0.0,
    *,
    inplace: bool = False,
    impl: str = "auto",
    memory: str | None = None,
) -> Tensor: ...

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
