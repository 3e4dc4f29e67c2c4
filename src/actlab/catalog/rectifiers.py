"""Rectifiers and other piecewise-linear units: ReLU6, leaky/randomized ReLU, hardtanh,
threshold, squared ReLU, StarReLU, and the learnable SReLU and APL."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    INF,
    NONNEG,
    PYTORCH,
    REALS,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    closed,
    keep_nan,
    step,
)
from ._piecewise import clipped, piecewise_linear

GUIDE = "beginners' guide worked example"


# ----------------------------------------------------------------------------- relu6 / hardtanh
def _hardtanh_pieces(p):
    return clipped(
        p["min_val"],
        p["max_val"],
        Line(1.0),
        "one-sided slopes 0 | 1; f'(min_val) = 0 as torch (gradient zero for x <= min_val)",
        "one-sided slopes 1 | 0; f'(max_val) = 0 as torch (gradient zero for x >= max_val)",
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
    _hardtanh_pieces,
    name="hardtanh",
    aliases=("hard_tanh",),
    family="piecewise-linear",
    summary="The identity clipped to [min_val, max_val]: a piecewise-linear tanh.",
    reference=lambda x, min_val, max_val: _ref_clip(x, min_val, max_val),
    formula=r"f(x) = \min(\max(x, a), b), \quad a = \mathrm{min\_val},\ b = \mathrm{max\_val}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & a < x < b \\ 0 & \text{otherwise} \end{cases}",
    params=(
        Param(
            "min_val",
            -1.0,
            bounds=REALS,
            doc="the lower clipping value a",
            elsewhere=("torch Hardtanh(min_val=-1.0)", "keras hard_tanh: fixed -1"),
            test_values=(0.0, -2.5),
        ),
        Param(
            "max_val",
            1.0,
            bounds=REALS,
            doc="the upper clipping value b",
            elsewhere=("torch Hardtanh(max_val=1.0)", "keras hard_tanh: fixed 1"),
            test_values=(6.0, 0.5),
        ),
    ),
    constraint=lambda p: (
        None
        if p["min_val"] <= p["max_val"]
        else f"min_val ({p['min_val']}) must not be greater than max_val ({p['max_val']})"
    ),
    references=(
        Reference("Collobert, R.", 2004, "Large Scale Machine Learning (PhD thesis, Universite Paris VI)"),
        PYTORCH,
    ),
    test_params=({"min_val": 0.5, "max_val": 0.5},),
    note="A cheap, bounded, zero-centred squashing function that is exactly linear inside its band; "
    "outside the band the gradient is exactly zero, so saturated units stop learning.",
    examples=(
        Example(-2.0, -1.0),
        Example(-0.5, -0.5),
        Example(1.0, 1.0),
        Example(3.0, 1.0),
        Example(-0.5, 1.0, of="derivative"),
        Example(2.0, 0.0, of="derivative"),
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


def _leaky_kinks(slope, why):
    return () if slope == 1 else (Kink(0.0, slope, why),)


def _leaky_range(slope):
    return REALS if slope > 0 else NONNEG


def _leaky_drange(slope):
    return closed(min(1.0, slope), max(1.0, slope))


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


# ----------------------------------------------------------------------------- threshold
def _threshold(x, ops, threshold, value):
    # x <= threshold picks the constant (gradient 0 at the threshold, as torch); NaN falls through.
    return ops.where(x <= threshold, ops.full_like(x, value), x)


def _threshold_pieces(p):
    why = (
        "f jumps from v to t unless v = t (then slopes 0 | 1); f(t) = v and f'(t) = 0 "
        "as torch (gradient zero for x <= threshold)"
    )
    return Pieces((Knot(p["threshold"], 0.0, why, "left"),), (Line(0.0, value=p["value"]), Line(1.0)))


piecewise_linear(
    _threshold_pieces,
    name="threshold",
    family="piecewise-linear",
    summary="x above a threshold, a constant `value` at or below it (torch's Threshold).",
    reference=lambda x, threshold, value: x if x > threshold else mp.mpf(value),
    reference_derivative=lambda x, threshold, value: mp.mpf(1) if x > threshold else mp.mpf(0),
    formula=r"f(x) = \begin{cases} x & x > t \\ v & x \le t \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > t \\ 0 & x \le t \end{cases}",
    params=(
        Param(
            "threshold",
            0.0,
            bounds=REALS,
            doc="the threshold t; torch.nn.Threshold has no default and requires it (0 here, "
            "so that the default is ReLU)",
            elsewhere=(
                "torch Threshold(threshold, value): required",
                "keras threshold(x, threshold, default_value): required",
            ),
            test_values=(-1.0,),
        ),
        Param(
            "value",
            0.0,
            bounds=REALS,
            doc="the value v returned for x <= t (torch requires it; keras calls it default_value)",
            test_values=(-2.0,),
        ),
    ),
    test_params=({"threshold": 0.5, "value": 20.0},),
    references=(PYTORCH,),
    note="A generalised ReLU that replaces everything at or below t by a constant. With v != t it "
    "jumps, which gradients cannot see. In float32/float16 the comparison uses t rounded to the "
    "input's type, as torch.threshold does.",
    examples=(Example(0.5, 20.0, 12, params={"threshold": 0.5, "value": 20.0}, source="f(t) = v"),),
)


# ----------------------------------------------------------------------------- squared rectifiers
def _ref_scaled_square(x, scale, bias):
    if x <= 0:
        return mp.mpf(bias)
    if scale == 0:
        return mp.mpf(bias)
    return scale * x * x + bias


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


# ----------------------------------------------------------------------------- SReLU
def _srelu(x, ops, t_left, a_left, t_right, a_right):
    # Each knot belongs to its outer piece (x >= t_right, x <= t_left), as in the paper.
    zero = ops.zeros_like(x)
    dr = a_right * (x - t_right)
    dl = a_left * (x - t_left)
    # A zero outer slope at x = +-inf gives 0 * inf = NaN; the limit is the knot. Finite x never
    # hits this, and a NaN x takes the middle branch, so NaN still propagates.
    right = t_right + ops.where(ops.isnan(dr), zero, dr)
    left = t_left + ops.where(ops.isnan(dl), zero, dl)
    return ops.where(x >= t_right, right, ops.where(x <= t_left, left, x))


def _srelu_d(x, ops, t_left, a_left, t_right, a_right):
    one = ops.ones_like(x)
    return keep_nan(x, ops.where(x >= t_right, a_right * one, ops.where(x <= t_left, a_left * one, one)), ops)


def _srelu_dp(which):
    def d(x, ops, t_left, a_left, t_right, a_right):
        zero = ops.zeros_like(x)
        if which == "t_right":
            return ops.where(x >= t_right, (1.0 - a_right) * ops.ones_like(x), zero)
        if which == "a_right":
            return ops.where(x >= t_right, x - t_right, zero)
        if which == "t_left":
            inner = ops.where(x <= t_left, (1.0 - a_left) * ops.ones_like(x), zero)
        else:
            inner = ops.where(x <= t_left, x - t_left, zero)
        return ops.where(x >= t_right, zero, inner)

    return d


def _ref_srelu(x, t_left, a_left, t_right, a_right):
    if x >= t_right:
        return t_right + a_right * (x - t_right) if a_right != 0 else mp.mpf(t_right)
    if x <= t_left:
        return t_left + a_left * (x - t_left) if a_left != 0 else mp.mpf(t_left)
    return x


def _srelu_pieces(p):
    tl, al, tr, ar = p["t_left"], p["a_left"], p["t_right"], p["a_right"]
    left, right = Line(al, tl, tl), Line(ar, tr, tr)
    if tl == tr:
        why = (
            "t_left = t_right: one-sided slopes a_left | a_right; f' = a_right there (the right "
            "piece x >= t_right takes precedence)"
        )
        return Pieces((Knot(tr, ar, why, "right"),), (left, right))
    return Pieces(
        (
            Knot(
                tl,
                al,
                "one-sided slopes a_left | 1; f'(t_left) = a_left: the knot belongs to the outer piece "
                "x <= t_left, as in the paper's definition",
                "left",
            ),
            Knot(
                tr,
                ar,
                "one-sided slopes 1 | a_right; f'(t_right) = a_right: the knot belongs to the outer "
                "piece x >= t_right, as in the paper's definition",
                "right",
            ),
        ),
        (left, Line(1.0), right),
    )


SRELU_PARAMS = (
    Param(
        "t_left",
        0.0,
        bounds=REALS,
        learnable=True,
        per_channel=True,
        doc="left knot t_l",
        elsewhere=("keras-contrib SReLU: t_left_initializer='zeros'",),
    ),
    Param(
        "a_left",
        0.2,
        bounds=REALS,
        learnable=True,
        per_channel=True,
        doc="slope a_l left of t_l (0.2: starts as a leaky ReLU, as the paper initialises)",
        elsewhere=("keras-contrib SReLU: a_left random uniform",),
    ),
    Param(
        "t_right",
        1.0,
        bounds=REALS,
        learnable=True,
        per_channel=True,
        doc="right knot t_r",
        elsewhere=("keras-contrib SReLU: t_right random uniform",),
    ),
    Param(
        "a_right",
        1.0,
        bounds=REALS,
        learnable=True,
        per_channel=True,
        doc="slope a_r right of t_r (1: no knot at t_r until it is learned)",
        elsewhere=("keras-contrib SReLU: a_right_initializer='ones'",),
    ),
)

piecewise_linear(
    _srelu_pieces,
    name="srelu",
    aliases=("s_shaped_relu",),
    family="piecewise-linear",
    summary="S-shaped ReLU: three linear pieces with learnable knots and outer slopes per channel.",
    forward=_srelu,
    derivative=_srelu_d,
    param_derivatives={n: _srelu_dp(n) for n in ("t_left", "a_left", "t_right", "a_right")},
    reference=_ref_srelu,
    formula=r"f(x) = \begin{cases} t_r + a_r (x - t_r) & x \ge t_r \\ x & t_l < x < t_r \\ "
    r"t_l + a_l (x - t_l) & x \le t_l \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} a_r & x \ge t_r \\ 1 & t_l < x < t_r \\ a_l & x \le t_l "
    r"\end{cases}, \quad \frac{\partial f}{\partial t_r} = (1 - a_r) [x \ge t_r], \quad "
    r"\frac{\partial f}{\partial a_r} = (x - t_r) [x \ge t_r]",
    params=SRELU_PARAMS,
    test_params=(
        {"t_left": -1.0, "a_left": 0.1, "t_right": 2.0, "a_right": 0.5},
        {"t_left": -1.0, "a_left": -0.5, "t_right": 1.0, "a_right": 0.0},
    ),
    constraint=lambda p: (
        None if p["t_left"] <= p["t_right"] else f"t_left ({p['t_left']}) must be <= t_right ({p['t_right']})"
    ),
    references=(
        Reference(
            "Jin, X., Xu, C., Feng, J., Wei, Y., Xiong, J. and Yan, S.",
            2015,
            "Deep Learning with S-shaped Rectified Linear Activation Units",
            "https://arxiv.org/abs/1512.07030",
        ),
    ),
    note="Can learn convex and non-convex shapes (ReLU, leaky ReLU, saturating or expanding ends) at "
    "four extra parameters per channel. The learned knots make it harder to analyse and can drift "
    "without careful initialisation.",
    examples=(
        Example(-2.0, -0.4),
        Example(-0.5, -0.1),
        Example(1.0, 1.0),
        Example(3.0, 3.0),
        Example(-1.0, 0.2, of="derivative"),
        Example(1.0, 1.0, of="derivative"),
    ),
)


# ----------------------------------------------------------------------------- APL
def _apl(x, ops, hinges, a, b):
    y = ops.relu(x)
    zero = ops.zeros_like(x)
    for s in range(hinges):
        # Hinge knots take the left slope (x <= b_s keeps the live branch), matching relu'(0) = 0.
        term = a[s] * ops.where(x <= b[s], b[s] - x, zero)
        # a_s = 0 at x = -inf gives 0 * inf = NaN; the limit is 0 (finite x never hits this).
        y = y + ops.where(ops.isnan(term), zero, term)
    return y


def _apl_d(x, ops, hinges, a, b):
    d = step(x > 0, x, ops)
    for s in range(hinges):
        d = d - a[s] * step(x <= b[s], x, ops)
    return d


def _stack(ops, terms):
    return ops.concat([t[None] for t in terms], 0)


def _apl_da(x, ops, hinges, a, b):
    zero = ops.zeros_like(x)
    return _stack(ops, [ops.where(x <= b[s], b[s] - x, zero) for s in range(hinges)])


def _apl_db(x, ops, hinges, a, b):
    zero = ops.zeros_like(x)
    return _stack(ops, [ops.where(x <= b[s], a[s] * ops.ones_like(x), zero) for s in range(hinges)])


def _ref_apl(x, hinges, a, b):
    pairs = _ref_pairs(hinges, a, b)
    if x == -mp.inf:
        # left of every knot f = sum a_s b_s - (sum a_s) x
        slope = mp.fsum(a_s for a_s, _ in pairs)
        if slope == 0:
            return mp.fsum(a_s * b_s for a_s, b_s in pairs)
        return mp.inf if slope > 0 else -mp.inf
    y = x if x > 0 else mp.mpf(0)
    for a_s, b_s in pairs:
        if x < b_s and a_s != 0:
            y += a_s * (b_s - x)
    return y


def _ref_pairs(hinges, a, b):
    n = int(hinges)
    try:
        return [(a[i], b[i]) for i in range(n)]
    except TypeError:
        return [(a, b)] * n


def _apl_pieces(p):
    """Knots at 0 and every b_s; on each piece the live hinges (x <= b_s) and relu's side fix the
    slope, and the line is anchored at a knot, where f is evaluated exactly as defined."""
    pairs = [(float(u), float(v)) for u, v in _ref_pairs(p["hinges"], p["a"], p["b"])]
    knots = sorted({0.0} | {v for _, v in pairs})

    def f(x):
        return max(0.0, x) + sum(u * max(0.0, v - x) for u, v in pairs)

    def slope(x):  # f' at a point x strictly inside a piece
        return (1.0 if x > 0 else 0.0) - sum(u for u, v in pairs if v > x)

    inner = [knots[0] - 1.0] + [(a + b) / 2 for a, b in zip(knots, knots[1:])] + [knots[-1] + 1.0]
    anchors = knots + [knots[-1]]
    lines = tuple(Line(slope(m), q, f(q)) for m, q in zip(inner, anchors))
    why = (
        "one-sided slopes differ; f' takes the left slope at every knot (relu'(0) = 0 as torch, "
        "and max(0, b_s - x) counts x = b_s as live)"
    )
    return Pieces(tuple(Knot(q, lines[i].slope, why, "left") for i, q in enumerate(knots)), lines)


piecewise_linear(
    _apl_pieces,
    name="apl",
    aliases=("adaptive_piecewise_linear",),
    family="piecewise-linear",
    summary="Adaptive piecewise linear unit: ReLU plus `hinges` learnable hinge functions per channel.",
    forward=_apl,
    derivative=_apl_d,
    param_derivatives={"a": _apl_da, "b": _apl_db},
    reference=_ref_apl,
    formula=r"f(x) = \max(0, x) + \sum_{s=1}^{S} a_s \max(0, -x + b_s)",
    derivative_formula=r"f'(x) = [x > 0] - \sum_{s=1}^{S} a_s [x \le b_s], \quad "
    r"\frac{\partial f}{\partial a_s} = \max(0, b_s - x), \quad "
    r"\frac{\partial f}{\partial b_s} = a_s [x \le b_s]",
    params=(
        Param(
            "hinges",
            1,
            bounds=closed(1, 100),
            integer=True,
            doc="the number S of hinges (a hyper-parameter; the paper used S = 5 on CIFAR-10, "
            "S = 2 on CIFAR-100)",
            test_values=(2,),
        ),
        Param(
            "a",
            0.0,
            bounds=REALS,
            learnable=True,
            per_channel=True,
            leading="hinges",
            doc="hinge slopes a_s, shape (S,) or (S, C); 0 starts as ReLU",
            test_values=(-0.2,),
        ),
        Param(
            "b",
            0.0,
            bounds=REALS,
            learnable=True,
            per_channel=True,
            leading="hinges",
            doc="hinge locations b_s, shape (S,) or (S, C)",
        ),
    ),
    test_params=({"hinges": 2, "a": 0.25, "b": 1.0}, {"a": 0.5, "b": -1.0}),
    references=(
        Reference(
            "Agostinelli, F., Hoffman, M., Sadowski, P. and Baldi, P.",
            2014,
            "Learning Activation Functions to Improve Deep Neural Networks",
            "https://arxiv.org/abs/1412.6830",
        ),
    ),
    note="Each neuron learns its own piecewise-linear shape (any convex or non-convex one left of "
    "the hinges), which the paper found beats ReLU on CIFAR; a and b need L2 regularisation "
    "and the shape can become non-monotonic.",
    examples=(
        Example(-2.0, 0.0),
        Example(-0.5, 0.0),
        Example(1.0, 1.0),
        Example(3.0, 3.0),
        Example(-1.0, 0.0, of="derivative"),
        Example(1.0, 1.0, of="derivative"),
    ),
)
