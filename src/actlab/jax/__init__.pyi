# Generated from the catalog by `python -m actlab.stubs`; do not edit (a test fails when it is stale).

from jax import Array
from jax.typing import ArrayLike

from ._core import JaxActivation as JaxActivation
from ._core import apply as apply
from ._core import get as get

__all__ = [
    "JaxActivation",
    "apply",
    "get",
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

def apl(x: ArrayLike, hinges: int = 1, a: float | Array = 0.0, b: float | Array = 0.0) -> Array: ...
def arctan(x: ArrayLike) -> Array: ...
def bent_identity(x: ArrayLike) -> Array: ...
def bilinear(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def binary_step(x: ArrayLike, value_at_zero: float | Array = 0.0) -> Array: ...
def celu(x: ArrayLike, alpha: float | Array = 1.0) -> Array: ...
def elish(x: ArrayLike) -> Array: ...
def elu(x: ArrayLike, alpha: float | Array = 1.0) -> Array: ...
def exponential(x: ArrayLike) -> Array: ...
def gaussian(x: ArrayLike) -> Array: ...
def geglu(x: ArrayLike, approximate: str = "none", *, axis: int | tuple[int, ...] = -1) -> Array: ...
def gelu(x: ArrayLike, approximate: str = "none") -> Array: ...
def glu(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def hard_mish(x: ArrayLike) -> Array: ...
def hardshrink(x: ArrayLike, lambd: float | Array = 0.5) -> Array: ...
def hardsigmoid(
    x: ArrayLike,
    slope: float | Array = 0.16666666666666666,
    offset: float | Array = 0.5,
) -> Array: ...
def hardswish(x: ArrayLike) -> Array: ...
def hardtanh(x: ArrayLike, min_val: float | Array = -1.0, max_val: float | Array = 1.0) -> Array: ...
def identity(x: ArrayLike) -> Array: ...
def isrlu(x: ArrayLike, alpha: float | Array = 1.0) -> Array: ...
def isru(x: ArrayLike, alpha: float | Array = 1.0) -> Array: ...
def leaky_relu(x: ArrayLike, negative_slope: float | Array = 0.01) -> Array: ...
def lecun_tanh(x: ArrayLike) -> Array: ...
def lisht(x: ArrayLike) -> Array: ...
def log_sigmoid(x: ArrayLike) -> Array: ...
def log_softmax(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def mish(x: ArrayLike) -> Array: ...
def pelu(x: ArrayLike, a: float | Array = 1.0, b: float | Array = 1.0) -> Array: ...
def prelu(x: ArrayLike, weight: float | Array = 0.25) -> Array: ...
def quick_gelu(x: ArrayLike) -> Array: ...
def reglu(x: ArrayLike, grad_at_zero: float | Array = 0.0, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def relu(x: ArrayLike, grad_at_zero: float | Array = 0.0) -> Array: ...
def relu6(x: ArrayLike) -> Array: ...
def relu_squared(x: ArrayLike) -> Array: ...
def rrelu(
    x: ArrayLike,
    lower: float | Array = 0.125,
    upper: float | Array = 0.3333333333333333,
    eval_slope: str = "mean",
    *,
    training: bool = False,
    key: Array | None = None,
) -> Array: ...
def selu(x: ArrayLike) -> Array: ...
def serf(x: ArrayLike) -> Array: ...
def sigmoid(x: ArrayLike) -> Array: ...
def silu(x: ArrayLike) -> Array: ...
def sinc(x: ArrayLike) -> Array: ...
def sinusoid(x: ArrayLike) -> Array: ...
def smht(
    x: ArrayLike,
    a: float | Array = 1.0,
    b: float | Array = 1.0,
    c: float | Array = 1.0,
    d: float | Array = 1.0,
) -> Array: ...
def snake(x: ArrayLike, alpha: float | Array = 1.0) -> Array: ...
def soft_clipping(x: ArrayLike, alpha: float | Array = 1.0) -> Array: ...
def softmax(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def softmin(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def softplus(x: ArrayLike, beta: float | Array = 1.0, threshold: float | Array = ...) -> Array: ...
def softshrink(x: ArrayLike, lambd: float | Array = 0.5) -> Array: ...
def softsign(x: ArrayLike) -> Array: ...
def sparse_plus(x: ArrayLike) -> Array: ...
def sparse_sigmoid(x: ArrayLike) -> Array: ...
def sparsemax(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def sqnl(x: ArrayLike) -> Array: ...
def squareplus(x: ArrayLike, b: float | Array = 4.0) -> Array: ...
def srelu(
    x: ArrayLike,
    t_left: float | Array = 0.0,
    a_left: float | Array = 0.2,
    t_right: float | Array = 1.0,
    a_right: float | Array = 1.0,
) -> Array: ...
def star_relu(x: ArrayLike, scale: float | Array = 0.8944, bias: float | Array = -0.4472) -> Array: ...
def swiglu(x: ArrayLike, *, axis: int | tuple[int, ...] = -1) -> Array: ...
def swish(x: ArrayLike, beta: float | Array = 1.0) -> Array: ...
def tanh(x: ArrayLike) -> Array: ...
def tanh_exp(x: ArrayLike) -> Array: ...
def tanhshrink(x: ArrayLike) -> Array: ...
def threshold(x: ArrayLike, threshold: float | Array = 0.0, value: float | Array = 0.0) -> Array: ...

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
