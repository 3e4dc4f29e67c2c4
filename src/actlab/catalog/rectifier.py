"""Rectifiers: ReLU and its relatives that pass x for x > 0 (leaky, parametric, randomized, capped,
squared, StarReLU)."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    GUIDE,
    INF,
    NONNEG,
    REALS,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    closed,
    keep_nan,
    step,
    zero_times,
)
from ._piecewise import clipped, piecewise_linear

RELU_PAPERS = (
    Reference(
        "Nair, V. and Hinton, G. E.",
        2010,
        "Rectified Linear Units Improve Restricted Boltzmann Machines",
        "https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf",
    ),
    Reference(
        "Glorot, X., Bordes, A. and Bengio, Y.",
        2011,
        "Deep Sparse Rectifier Neural Networks",
        "https://proceedings.mlr.press/v15/glorot11a.html",
    ),
)


def _relu_pieces(p):
    why = (
        "one-sided slopes 0 | 1; f'(0) = 0 by default, as torch and jax.nn.relu; "
        "grad_at_zero=1 gives Wikipedia's table's convention"
    )
    g = p["grad_at_zero"]
    # the side of the knot decides which branch autograd takes at 0: x <= 0 -> 0, x < 0 -> 1
    return Pieces((Knot(0.0, g, why, "left" if g == 0 else "right"),), (Line(0.0), Line(1.0)))


PRELU_PAPER = Reference(
    "He, K., Zhang, X., Ren, S. and Sun, J.",
    2015,
    "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification",
    "https://arxiv.org/abs/1502.01852",
)


def _prelu_pieces(p):
    w = p["weight"]
    return Pieces(
        (Knot(0.0, w, "one-sided slopes a | 1; f'(0) = a as torch (x > 0 ? 1 : a)"),), (Line(w), Line(1.0))
    )


RELU6 = clipped(
    0.0,
    6.0,
    Line(1.0),
    "one-sided slopes 0 | 1; f'(0) = 0 as torch (hardtanh's gradient is zero for x <= min_val)",
    "one-sided slopes 1 | 0; f'(6) = 0 as torch (zero for x >= max_val)",
)


def _ref_clip(x, lo, hi):
    if x <= lo:
        return mp.mpf(lo)
    if x >= hi:
        return mp.mpf(hi)
    return x


RELU6_PAPERS = (
    Reference(
        "Krizhevsky, A.",
        2010,
        "Convolutional Deep Belief Networks on CIFAR-10",
        "https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf",
    ),
    Reference(
        "Howard, A. G., Zhu, M., Chen, B., Kalenichenko, D., Wang, W., Weyand, T., Andreetto, M. "
        "and Adam, H.",
        2017,
        "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications",
        "https://arxiv.org/abs/1704.04861",
    ),
)


# ----------------------------------------------------------------------------- leaky / randomized
def _leaky(x, ops, slope):
    if slope == 0:
        # 0 * (-inf) would be NaN; the limit is 0.
        return ops.relu(x)
    return ops.where(x > 0, x, slope * x)


def _leaky_d(x, ops, slope):
    return step(x > 0, x, ops, 1.0, slope)


def _ref_leaky(x, slope):
    if x > 0:
        return x
    return slope * x if slope != 0 else mp.mpf(0)


LEAKY_PAPER = Reference(
    "Maas, A. L., Hannun, A. Y. and Ng, A. Y.",
    2013,
    "Rectifier Nonlinearities Improve Neural Network Acoustic Models",
    "https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf",
)


def _leaky_pieces(slope, why="one-sided slopes a | 1; f'(0) = a as torch (x > 0 ? 1 : a)"):
    return Pieces((Knot(0.0, slope, why, "left"),), (Line(slope), Line(1.0)))


def _rrelu_slope(lower, upper, eval_slope):
    """The fixed negative slope used in evaluation."""
    if eval_slope == "mean":
        return (lower + upper) / 2.0
    # The paper divides by the mean of the divisor 1/a: slope = harmonic mean of lower and upper.
    if lower == 0 or upper == 0:
        return 0.0
    return 2.0 * lower * upper / (lower + upper)


def _rrelu(x, ops, lower, upper, eval_slope, training=False, generator=None):
    if training:
        r = ops.uniform_like(x, lower, upper, generator)
        return ops.where(x > 0, x, r * x)
    return _leaky(x, ops, _rrelu_slope(lower, upper, eval_slope))


def _ref_rrelu(x, lower, upper, eval_slope):
    if eval_slope == "mean":
        slope = (lower + upper) / 2
    elif lower == 0 or upper == 0:
        slope = mp.mpf(0)
    else:
        slope = 1 / ((1 / lower + 1 / upper) / 2)
    return _ref_leaky(x, slope)


def _rs(p):
    return _rrelu_slope(p["lower"], p["upper"], p["eval_slope"])


RRELU_PAPER = Reference(
    "Xu, B., Wang, N., Chen, T. and Li, M.",
    2015,
    "Empirical Evaluation of Rectified Activations in Convolutional Network",
    "https://arxiv.org/abs/1505.00853",
)


def _rrelu_pieces(p):
    why = (
        "one-sided slopes r | 1; f'(0) = r (evaluation slope) as torch's rrelu in eval mode "
        "(x > 0 ? 1 : r); in training torch also uses the random slope at 0"
    )
    return _leaky_pieces(_rs(p), why)


# ----------------------------------------------------------------------------- squared rectifiers
def _ref_scaled_square(x, scale, bias):
    if x <= 0:
        return mp.mpf(bias)
    if scale == 0:
        return mp.mpf(bias)
    return scale * x * x + bias


def _star_relu(x, ops, scale, bias):
    r = ops.relu(x)
    return scale * (r * r) + bias


def _star_relu_range(p):
    s, b = p["scale"], p["bias"]
    if s > 0:
        return Interval(b, INF, True, False)
    if s < 0:
        return Interval(-INF, b, False, True)
    return closed(b, b)


piecewise_linear(
    _relu_pieces,
    name="relu",
    aliases=("rectifier", "rectified_linear"),
    family="rectifier",
    summary="The rectified linear unit max(0, x): the default hidden-layer activation.",
    reference=lambda x, grad_at_zero: x if x > 0 else mp.mpf(0),
    formula=r"f(x) = \max(0, x)",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}, \quad f'(0) = 0",
    params=(
        Param(
            "grad_at_zero",
            0.0,
            choices=(0.0, 1.0),
            doc="the derivative used at the kink x = 0",
            elsewhere=(
                "torch relu, jax.nn.relu: 0",
                "Wikipedia's 2018 table: 1 (x >= 0 counts as active)",
            ),
            test_values=(1.0,),
        ),
    ),
    references=RELU_PAPERS,
    note="Cheap, does not saturate for x > 0 and gives sparse activations; trains several times "
    "faster than tanh in the classic experiments. Units whose input stays negative get no "
    "gradient and can 'die'.",
    examples=(
        Example(-5.0, 0.0, source=GUIDE),
        Example(0.0, 0.0, source=GUIDE),
        Example(5.0, 5.0, source=GUIDE),
    ),
)


piecewise_linear(
    _prelu_pieces,
    name="prelu",
    aliases=("parametric_relu",),
    family="rectifier",
    summary="The parametric ReLU: a leaky ReLU whose negative slope `weight` is learned.",
    forward=lambda x, ops, weight: ops.where(x > 0, x, zero_times(weight, x, ops)),
    derivative=lambda x, ops, weight: keep_nan(
        x, ops.where(x > 0, ops.ones_like(x), weight * ops.ones_like(x)), ops
    ),
    param_derivatives={"weight": lambda x, ops, weight: ops.where(x > 0, ops.zeros_like(x), x)},
    reference=lambda x, weight: x if x > 0 else weight * x,
    formula=r"f(x) = \max(0, x) + a \min(0, x)",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}, \quad "
    r"\frac{\partial f}{\partial a} = \min(0, x)",
    params=(
        Param(
            "weight",
            0.25,
            bounds=REALS,
            learnable=True,
            per_channel=True,
            doc="the learned negative slope a (torch's `init`); one per channel with num_parameters=C",
            elsewhere=(
                "torch PReLU(init=0.25)",
                "keras PReLU(alpha_initializer='zeros')",
                "flax PReLU(negative_slope_init=0.01)",
            ),
            test_values=(0.0, -0.5, 1.5),
        ),
    ),
    references=(PRELU_PAPER,),
    note="Learns the leak per channel at almost no cost; the paper reports it beats ReLU on "
    "ImageNet. Do not apply weight decay to `weight`. Can overfit small data sets.",
    examples=(
        Example(-2.0, -0.5),
        Example(-0.5, -0.125),
        Example(1.0, 1.0),
        Example(3.0, 3.0),
        Example(-1.0, 0.25, of="derivative"),
        Example(1.0, 1.0, of="derivative"),
    ),
)


piecewise_linear(
    RELU6,
    name="relu6",
    aliases=("relu_6",),
    family="rectifier",
    summary="ReLU capped at 6: min(max(0, x), 6), torch's ReLU6 = hardtanh(x, 0, 6).",
    reference=lambda x: _ref_clip(x, 0, 6),
    formula=r"f(x) = \min(\max(0, x), 6)",
    derivative_formula=r"f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}",
    references=RELU6_PAPERS,
    note="The cap keeps activations in a small fixed range, which suits low-precision and fixed-point "
    "inference (MobileNets); the price is a second flat region where gradients vanish.",
    examples=(
        Example(-2.0, 0.0),
        Example(-0.5, 0.0),
        Example(1.0, 1.0),
        Example(3.0, 3.0),
        Example(-1.0, 0.0, of="derivative"),
        Example(1.0, 1.0, of="derivative"),
    ),
)


piecewise_linear(
    lambda p: _leaky_pieces(p["negative_slope"]),
    name="leaky_relu",
    aliases=("leakyrelu", "lrelu"),
    family="rectifier",
    summary="ReLU with a small fixed slope for x < 0, so negative inputs still get a gradient.",
    reference=lambda x, negative_slope: _ref_leaky(x, negative_slope),
    formula=r"f(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
    params=(
        Param(
            "negative_slope",
            0.01,
            bounds=REALS,
            doc="the slope a for x < 0 (torch's default)",
            elsewhere=(
                "torch LeakyReLU(negative_slope=0.01)",
                "jax.nn.leaky_relu(negative_slope=0.01)",
                "keras.activations.leaky_relu(negative_slope=0.2)",
                "keras.layers.LeakyReLU(negative_slope=0.3)",
                "tf.nn.leaky_relu(alpha=0.2)",
            ),
            test_values=(0.2, 0.3, 0.0, -0.5),
        ),
    ),
    references=(LEAKY_PAPER,),
    note="The small leak keeps units from dying without changing ReLU's cost. Libraries disagree on "
    "the default slope (0.01 torch/jax, 0.2 keras.activations, 0.3 keras.layers), so say which.",
    examples=(
        Example(-10.0, -0.1, 12, source=GUIDE),
        Example(5.0, 5.0, 12, source=GUIDE),
        Example(-10.0, -2.0, 12, params={"negative_slope": 0.2}, source="keras.activations default"),
        Example(-10.0, -3.0, 12, params={"negative_slope": 0.3}, source="keras.layers default"),
    ),
)


piecewise_linear(
    _rrelu_pieces,
    name="rrelu",
    aliases=("randomized_leaky_relu", "randomized_relu"),
    family="rectifier",
    summary="Randomized leaky ReLU: a random slope U(lower, upper) per element in training, a fixed "
    "slope in evaluation.",
    forward=_rrelu,
    derivative=lambda x, ops, lower, upper, eval_slope: _leaky_d(
        x, ops, _rrelu_slope(lower, upper, eval_slope)
    ),
    reference=_ref_rrelu,
    stochastic=True,
    formula=r"f(x) = \begin{cases} x & x > 0 \\ r x & x \le 0 \end{cases}, \quad "
    r"r \sim U(l, u) \text{ (training)}, \quad r = \tfrac{l + u}{2} \text{ or } "
    r"\tfrac{2}{1/l + 1/u} \text{ (evaluation)}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ r & x \le 0 \end{cases}",
    params=(
        Param(
            "lower",
            1.0 / 8.0,
            bounds=NONNEG,
            doc="lower bound l of the training slope",
            elsewhere=("torch RReLU(lower=1/8)", "paper: divisor a ~ U(3, 8), slope in (1/8, 1/3)"),
            test_values=(0.25,),
        ),
        Param(
            "upper",
            1.0 / 3.0,
            bounds=NONNEG,
            doc="upper bound u of the training slope",
            elsewhere=("torch RReLU(upper=1/3)",),
            test_values=(0.5,),
        ),
        Param(
            "eval_slope",
            "mean",
            choices=("mean", "paper"),
            doc="evaluation slope: 'mean' = (l+u)/2 as torch (11/48 by default); 'paper' = "
            "2/(1/l + 1/u), the paper's x / mean(divisor) (2/11 by default)",
            elsewhere=("torch: (lower+upper)/2", "Xu et al. 2015: x / ((l+u)/2) with divisor bounds"),
        ),
    ),
    test_params=({"eval_slope": "paper"}, {"eval_slope": "paper", "lower": 0.0}),
    constraint=lambda p: (
        None if p["lower"] <= p["upper"] else f"lower ({p['lower']}) must be <= upper ({p['upper']})"
    ),
    references=(RRELU_PAPER,),
    note="The random leak acts as a regulariser, which the paper found helps on small data sets. "
    "Evaluation uses a fixed slope, and torch's (mean slope, 11/48) differs from the paper's "
    "(mean divisor, 2/11).",
    examples=(
        Example(-1.0, -11.0 / 48.0, 12, source="torch eval slope (1/8 + 1/3)/2 = 11/48"),
        Example(
            -1.0,
            -2.0 / 11.0,
            12,
            params={"eval_slope": "paper", "lower": 0.125},
            source="Xu et al. 2015: test slope 2/(3 + 8) = 2/11",
        ),
    ),
)


register(
    ActivationSpec(
        name="relu_squared",
        aliases=("squared_relu", "relu2"),
        family="rectifier",
        summary="The square of ReLU, max(0, x)^2: Primer's feed-forward activation.",
        forward=lambda x, ops: ops.square(ops.relu(x)),
        derivative=lambda x, ops: 2.0 * ops.relu(x),
        reference=lambda x: _ref_scaled_square(x, 1, 0),
        formula=r"f(x) = \max(0, x)^2",
        derivative_formula=r"f'(x) = 2 \max(0, x)",
        range=NONNEG,
        derivative_range=NONNEG,
        monotonic=True,
        smoothness=1,
        kinks=(
            Kink(
                0.0,
                0.0,
                "C^1: f' = 2 max(0, x) is continuous with f'(0) = 0 from both sides; f'' jumps 0 | 2",
            ),
        ),
        references=(
            Reference(
                "So, D. R., Manke, W., Liu, H., Dai, Z., Shazeer, N. and Le, Q. V.",
                2021,
                "Primer: Searching for Efficient Transformers for Language Modeling",
                "https://arxiv.org/abs/2109.08668",
            ),
        ),
        note="Found by architecture search for transformer feed-forward blocks, where it beat GELU at the "
        "same cost. Unbounded and growing quadratically, so large inputs can blow up; dead for x < 0.",
        examples=(
            Example(-2.0, 0.0),
            Example(-0.5, 0.0),
            Example(1.0, 1.0),
            Example(3.0, 9.0),
            Example(-1.0, 0.0, of="derivative"),
            Example(1.0, 2.0, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="star_relu",
        aliases=("starrelu",),
        family="rectifier",
        summary="StarReLU: s * relu(x)^2 + b with learnable scalars, scaled so the output of a unit "
        "normal input has mean 0 and variance 1.",
        forward=_star_relu,
        derivative=lambda x, ops, scale, bias: 2.0 * scale * ops.relu(x),
        param_derivatives={
            "scale": lambda x, ops, scale, bias: ops.square(ops.relu(x)),
            "bias": lambda x, ops, scale, bias: keep_nan(x, ops.ones_like(x), ops),
        },
        reference=lambda x, scale, bias: _ref_scaled_square(x, scale, bias),
        formula=r"f(x) = s \max(0, x)^2 + b",
        derivative_formula=r"f'(x) = 2 s \max(0, x), \quad \frac{\partial f}{\partial s} = \max(0, x)^2, "
        r"\quad \frac{\partial f}{\partial b} = 1",
        params=(
            Param(
                "scale",
                0.8944,
                bounds=REALS,
                learnable=True,
                doc="the scale s; 0.8944 ~ 1/sqrt(Var relu(z)^2) = 1/sqrt(5/4) for z ~ N(0, 1), the "
                "paper's value (rounded as printed there)",
                elsewhere=("timm StarReLU(scale_value=1.0)",),
                test_values=(1.0, -0.5),
            ),
            Param(
                "bias",
                -0.4472,
                bounds=REALS,
                learnable=True,
                doc="the bias b; -0.4472 ~ -s E[relu(z)^2] = -s/2 for z ~ N(0, 1), the paper's value",
                elsewhere=("timm StarReLU(bias_value=0.0)",),
                test_values=(0.0, 1.0),
            ),
        ),
        range=_star_relu_range,
        derivative_range=lambda p: NONNEG if p["scale"] >= 0 else Interval(-INF, 0.0, False, True),
        monotonic=lambda p: p["scale"] >= 0,
        smoothness=lambda p: 1 if p["scale"] != 0 else INF,
        kinks=lambda p: (
            ()
            if p["scale"] == 0
            else (Kink(0.0, 0.0, "C^1: f' = 2 s max(0, x) is continuous with f'(0) = 0; f'' jumps 0 | 2s"),)
        ),
        approximates_identity=False,
        float32_ulp=48,
        float32_ulp_why="f crosses zero at x = sqrt(-b/s) ~ 0.7071, where r^2 ~ 0.5 and s r^2 ~ 0.447 are each "
        "rounded (~3e-8 absolute) and then cancel against b, while |f| nearby is ~1e-2: 4.7 ulp "
        "at the checker's grid point 0.70710 (a dense float32 sweep of [0.69, 0.72] reaches 42 "
        "ulp right at the zero); needs an FMA to avoid",
        references=(
            Reference(
                "Yu, W., Si, C., Zhou, P., Luo, M., Zhou, Y., Feng, J., Yan, S. and Wang, X.",
                2022,
                "MetaFormer Baselines for Vision",
                "https://arxiv.org/abs/2210.13452",
            ),
        ),
        note="Squared ReLU with a scale and shift that remove the distribution shift of relu(x)^2, "
        "learned as two scalars per layer; the paper reports it matches GELU at fewer FLOPs. "
        "Shares squared ReLU's quadratic growth.",
        examples=(
            Example(-2.0, -0.4472),
            Example(-0.5, -0.4472),
            Example(1.0, 0.4472),
            Example(3.0, 7.6024),
            Example(-1.0, 0.0, of="derivative"),
            Example(1.0, 1.7888, of="derivative"),
        ),
    )
)
