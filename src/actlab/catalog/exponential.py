"""The exponential linear family: ELU, SELU, CELU, PELU, ISRLU, ELiSH and the plain exponential."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    INF,
    ISRLU_PAPER,
    NONNEG,
    POS,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    open_,
    zero_times,
)

ELU_PAPER = Reference(
    "Clevert, D.-A., Unterthiner, T. and Hochreiter, S.",
    2015,
    "Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)",
    "https://arxiv.org/abs/1511.07289",
)


def _elu(x, ops, alpha):
    # Double where: the unused branch sees 0, so expm1 can neither overflow nor poison grads.
    neg = ops.where(x > 0, ops.zeros_like(x), x)
    return ops.where(x > 0, x, alpha * ops.expm1(neg))


def _elu_d(x, ops, alpha):
    neg = ops.where(x > 0, ops.zeros_like(x), x)
    return ops.where(x > 0, ops.ones_like(x), alpha * ops.exp(neg))


def _elu_d_from_output(y, ops, alpha):
    # y > 0 exactly where x > 0; below, f' = alpha e^x = y + alpha (torch's in-place elu backward)
    return ops.where(y > 0, ops.ones_like(y), y + alpha)


def _masked_neg(x, ops, strict=True):
    # The x < 0 (or x <= 0) branch sees 0 elsewhere, so exp/expm1 there can neither overflow nor
    # poison gradients; NaN compares False and so lands here and propagates.
    return ops.where(x > 0 if strict else x >= 0, ops.zeros_like(x), x)


# ----------------------------------------------------------------------------- SELU
SELU_ALPHA = 1.6732632423543772848170429916717  # the paper's / torch's strings (correctly rounded doubles)


SELU_LAMBDA = 1.0507009873554804934193349852946


SELU_LA = SELU_LAMBDA * SELU_ALPHA


# 50+ digits of the fixed point of eq. (14) in the paper, for the reference (created per call so
# they keep their digits whatever mp.dps was at import).
_SELU_ALPHA_50 = "1.67326324235437728481704299167165203846115534828121627"


_SELU_LAMBDA_50 = "1.05070098735548049341933498529460635195898120437640455"


SELU_PAPER = Reference(
    "Klambauer, G., Unterthiner, T., Mayr, A. and Hochreiter, S.",
    2017,
    "Self-Normalizing Neural Networks",
    "https://arxiv.org/abs/1706.02515",
)


def _selu(x, ops):
    neg = _masked_neg(x, ops)
    return ops.where(x > 0, SELU_LAMBDA * x, SELU_LA * ops.expm1(neg))


def _selu_d(x, ops):
    neg = _masked_neg(x, ops)
    return ops.where(x > 0, ops.full_like(x, SELU_LAMBDA), SELU_LA * ops.exp(neg))


def _selu_d_from_output(y, ops):
    # y > 0 exactly where x > 0; below, f' = lambda alpha e^x = y + lambda alpha
    return ops.where(y > 0, ops.full_like(y, SELU_LAMBDA), y + SELU_LA)


def _selu_ref(x):
    lam, alpha = mp.mpf(_SELU_LAMBDA_50), mp.mpf(_SELU_ALPHA_50)
    return lam * x if x > 0 else lam * alpha * mp.expm1(x)


# ----------------------------------------------------------------------------- CELU
CELU_PAPER = Reference(
    "Barron, J. T.",
    2017,
    "Continuously Differentiable Exponential Linear Units",
    "https://arxiv.org/abs/1704.07483",
)


def _celu(x, ops, alpha):
    neg = _masked_neg(x, ops)
    return ops.where(x > 0, x, alpha * ops.expm1(neg / alpha))


def _celu_d(x, ops, alpha):
    neg = _masked_neg(x, ops)
    return ops.where(x > 0, ops.ones_like(x), ops.exp(neg / alpha))


def _celu_d_from_output(y, ops, alpha):
    # y > 0 exactly where x > 0; below, f' = e^(x/alpha) = (y + alpha) / alpha
    return ops.where(y > 0, ops.ones_like(y), (y + alpha) / alpha)


# ----------------------------------------------------------------------------- PELU
PELU_PAPER = Reference(
    "Trottier, L., Giguere, P. and Chaib-draa, B.",
    2017,
    "Parametric Exponential Linear Unit for Deep Convolutional Neural Networks",
    "https://arxiv.org/abs/1605.09332",
)


def _pelu(x, ops, a, b):
    neg = _masked_neg(x, ops, strict=False)
    # a * (x / b) rather than (a / b) * x: f(0) = 0 even where a / b overflows (b subnormal)
    return ops.where(x >= 0, a * (x / b), a * ops.expm1(neg / b))


def _pelu_d(x, ops, a, b):
    # (a/b) e^{min(x, 0)/b}: the same expression serves both sides (exp(0) = 1 for x >= 0).
    return a * ops.exp(_masked_neg(x, ops, strict=False) / b) / b


def _pelu_da(x, ops, a, b):
    neg = _masked_neg(x, ops, strict=False)
    return ops.where(x >= 0, x / b, ops.expm1(neg / b))


def _pelu_db(x, ops, a, b):
    # d/db: -a x / b^2 for x >= 0 and -a x e^{x/b} / b^2 below, again one expression.
    # at x = -inf, (x / b) e^{x/b} is inf * 0: the limit is 0 (the exponential wins)
    return -a * zero_times(x / b, ops.exp(_masked_neg(x, ops, strict=False) / b), ops) / b


_PELU_DOC = "learned per channel; the paper requires a, b > 0"


# ----------------------------------------------------------------------------- ISRLU
def _isrlu(x, ops, alpha):
    n = _masked_neg(x, ops, strict=False)
    # Below -1 use -1/sqrt(alpha + 1/x^2): alpha x^2 cannot overflow and f(-inf) = -1/sqrt(alpha).
    big = n < -1.0
    nb = ops.where(big, n, -ops.ones_like(n))
    ns = ops.where(big, ops.zeros_like(n), n)  # NaN stays here and propagates
    u = ops.reciprocal(nb)
    neg = ops.where(big, -1.0 / ops.sqrt(alpha + u * u), ns / ops.sqrt(1.0 + alpha * ns * ns))
    return ops.where(x >= 0, x, neg)


def _isrlu_d(x, ops, alpha):
    n = _masked_neg(x, ops, strict=False)
    q = 1.0 + alpha * n * n  # overflow to inf gives 0, the correctly rounded (1 + a x^2)^{-3/2}
    # one power instead of sqrt, product and quotient: ~3 float32 ulp worst case instead of ~5
    return q**-1.5


def _isrlu_ref(x, alpha):
    if x >= 0:
        return x
    if x == -mp.inf:
        return -1 / mp.sqrt(alpha)
    return x / mp.sqrt(1 + alpha * x * x)


# ----------------------------------------------------------------------------- ELiSH
ELISH_PAPER = Reference(
    "Basirat, M. and Roth, P. M.",
    2018,
    "The Quest for the Golden Activation Function",
    "https://arxiv.org/abs/1808.00783",
)


# For x < 0, f' = sigma(x) sigma(-x) (e^{2x} + 2e^x - 1) = sigma(x) (1 - (2 - sqrt2) sigma(x)) (e^{x-c} - 1),
# c = ln(sqrt2 - 1) = -asinh(1), where f' vanishes. expm1(x - c) resolves that zero; c is split in a
# float32-exact head and a tail, so x - c is (nearly) exact in float32 and float64. This form also
# needs fewer roundings than the product of two sigmoids (float32 worst case ~4 ulp instead of ~6).
_ELISH_K = 2.0 - math.sqrt(2.0)


_ELISH_C_HI = -0.8813735842704773  # float32(ln(sqrt(2) - 1))


_ELISH_C_LO = -2.7490657303107342e-09  # ln(sqrt(2) - 1) - _ELISH_C_HI


def _elish(x, ops):
    pos = ops.where(x >= 0, x, ops.zeros_like(x))
    neg = _masked_neg(x, ops, strict=False)
    return ops.where(x >= 0, pos * ops.sigmoid(pos), ops.expm1(neg) * ops.sigmoid(neg))


def _elish_d(x, ops):
    pos = ops.where(x >= 0, x, ops.zeros_like(x))
    neg = _masked_neg(x, ops, strict=False)
    # x sigma(-x) is 0 in float64 beyond x = 800; capping x there keeps f'(+inf) = 1 instead of inf * 0
    capped = ops.minimum(pos, 1000.0)
    d_pos = ops.sigmoid(pos) * (1.0 + capped * ops.sigmoid(-capped))
    sn = ops.sigmoid(neg)
    d_neg = (sn - _ELISH_K * sn * sn) * ops.expm1((neg - _ELISH_C_HI) - _ELISH_C_LO)
    return ops.where(x >= 0, d_pos, d_neg)


register(
    ActivationSpec(
        name="elu",
        family="exponential",
        summary="The exponential linear unit: x for x > 0, alpha (e^x - 1) below; pushes mean "
        "activations towards zero.",
        forward=_elu,
        derivative=_elu_d,
        derivative_from_output=_elu_d_from_output,
        derivative_from_output_exact=False,
        reference=lambda x, alpha: x if x > 0 else alpha * mp.expm1(x),
        formula=r"f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}",
        params=(
            Param(
                "alpha",
                1.0,
                bounds=NONNEG,
                doc="the saturation value -alpha for x -> -inf",
                elsewhere=("torch ELU(alpha=1.0)", "keras elu(alpha=1.0)", "jax.nn.elu(alpha=1.0)"),
                test_values=(0.5, 2.0),
            ),
        ),
        range=lambda p: Interval(-p["alpha"], INF, p["alpha"] == 0, False),
        derivative_range=lambda p: Interval(0.0, max(1.0, p["alpha"]), p["alpha"] == 0, True),
        monotonic=True,
        smoothness=lambda p: 1 if p["alpha"] == 1 else 0,
        kinks=lambda p: (
            ()
            if p["alpha"] == 1
            else (
                Kink(
                    0.0,
                    p["alpha"],
                    "one-sided slopes alpha | 1; f'(0) = alpha, torch's elu_backward uses the x <= 0 branch",
                ),
            )
        ),
        approximates_identity=lambda p: p["alpha"] == 1,
        references=(ELU_PAPER,),
        note="Negative outputs push the mean activation towards zero, which the paper shows speeds up "
        "learning; saturates smoothly at -alpha, so it is robust to noise. Costs an exp.",
        examples=(Example(-1.0, -0.632120558828558, 12),),
    )
)


register(
    ActivationSpec(
        name="selu",
        aliases=("scaled_elu",),
        family="exponential",
        summary="The scaled ELU lambda * elu(x, alpha) with the fixed constants that make activations "
        "self-normalising (mean 0, variance 1).",
        forward=_selu,
        derivative=_selu_d,
        derivative_from_output=_selu_d_from_output,
        derivative_from_output_exact=False,
        reference=_selu_ref,
        formula=r"f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}, \quad "
        r"\alpha \approx 1.6732632, \ \lambda \approx 1.0507010",
        derivative_formula=r"f'(x) = \begin{cases} \lambda & x > 0 \\ \lambda \alpha e^{x} & x \le 0 \end{cases}",
        range=Interval(-1.758099340847377, INF),
        derivative_range=Interval(0.0, SELU_LA, False, True),
        monotonic=True,
        smoothness=0,
        kinks=(
            Kink(
                0.0,
                SELU_LA,
                "one-sided slopes lambda*alpha = 1.7581 | lambda = 1.0507; f'(0) = "
                "lambda*alpha as torch (its elu kernel takes the x <= 0 branch at 0)",
            ),
        ),
        references=(SELU_PAPER, ELU_PAPER),
        note="With LeCun-normal weights and no batch norm, layer outputs are pulled towards zero mean and "
        "unit variance, so deep plain MLPs train stably. The guarantee needs that init (and alpha-dropout); "
        "with other architectures it is just an ELU with a slope of 1.05.",
        examples=(Example(1.0, SELU_LAMBDA, 15), Example(-1.0, -1.11133073781256, 12)),
    )
)


register(
    ActivationSpec(
        name="celu",
        family="exponential",
        summary="The continuously differentiable ELU: alpha (e^{x/alpha} - 1) below 0, x above; slope 1 "
        "at 0 for every alpha.",
        forward=_celu,
        derivative=_celu_d,
        derivative_from_output_exact=False,
        derivative_from_output=_celu_d_from_output,
        reference=lambda x, alpha: x if x > 0 else alpha * mp.expm1(x / alpha),
        formula=r"f(x) = \max(0, x) + \min\!\left(0, \alpha\,(e^{x/\alpha} - 1)\right)",
        derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}",
        params=(
            Param(
                "alpha",
                1.0,
                bounds=POS,
                doc="the saturation value -alpha for x -> -inf and the scale "
                "of the exponential; alpha -> 0 gives ReLU",
                elsewhere=(
                    "torch CELU(alpha=1.0)",
                    "keras.activations.celu(alpha=1.0)",
                    "jax.nn.celu(alpha=1.0)",
                ),
                test_values=(0.5, 2.0),
            ),
        ),
        range=lambda p: Interval(-p["alpha"], INF),
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        smoothness=1,
        kinks=(
            Kink(
                0.0,
                1.0,
                "C^1: f'(0) = 1 from both sides; f'' jumps from 1/alpha to 0 (torch's celu "
                "gradient is 1 there too)",
            ),
        ),
        approximates_identity=True,
        references=(CELU_PAPER,),
        note="ELU rescaled so its slope at 0 is 1 for any alpha, keeping f' continuous; alpha only sets the "
        "negative saturation level -alpha. Costs one exp like ELU.",
        examples=(
            Example(-1.0, -0.632120558828558, 12),
            Example(-1.0, -0.786938680574733, 12, params={"alpha": 2.0}),
        ),
    )
)


register(
    ActivationSpec(
        name="pelu",
        aliases=("parametric_elu",),
        family="exponential",
        summary="The parametric ELU: slope a/b for x >= 0 and a (e^{x/b} - 1) below, with a, b learned per "
        "channel.",
        forward=_pelu,
        derivative=_pelu_d,
        param_derivatives={"a": _pelu_da, "b": _pelu_db},
        reference=lambda x, a, b: (a / b) * x if x >= 0 else a * mp.expm1(x / b),
        formula=r"f(x) = \begin{cases} \frac{a}{b}\,x & x \ge 0 \\ a\,(e^{x/b} - 1) & x < 0 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} \frac{a}{b} & x \ge 0 \\ \frac{a}{b} e^{x/b} & x < 0 "
        r"\end{cases}, "
        r"\quad \frac{\partial f}{\partial a} = \begin{cases} x/b \\ e^{x/b} - 1 \end{cases}, "
        r"\quad \frac{\partial f}{\partial b} = \begin{cases} -a x / b^2 \\ "
        r"-a x e^{x/b} / b^2 \end{cases}",
        params=(
            Param(
                "a",
                1.0,
                bounds=POS,
                learnable=True,
                per_channel=True,
                doc="the saturation value -a for x -> -inf; " + _PELU_DOC,
                test_values=(0.5, 2.0),
            ),
            Param(
                "b",
                1.0,
                bounds=POS,
                learnable=True,
                per_channel=True,
                doc="the scale of the exponential decay; " + _PELU_DOC,
                test_values=(0.5, 2.0),
            ),
        ),
        range=lambda p: Interval(-p["a"], INF),
        derivative_range=lambda p: Interval(0.0, p["a"] / p["b"], False, True),
        monotonic=True,
        smoothness=1,
        kinks=lambda p: (
            Kink(0.0, p["a"] / p["b"], "C^1: both one-sided slopes are a/b; f'' jumps from a/b^2 to 0"),
        ),
        approximates_identity=lambda p: p["a"] == p["b"],
        references=(PELU_PAPER,),
        note="Lets each channel learn both the saturation level and the decay of ELU, and the slope a/b "
        "ties them so f' stays continuous at 0. Two extra parameters per channel, which must be kept "
        "positive during training.",
        examples=(Example(-1.0, -0.632120558828558, 12), Example(2.0, 4.0, 12, params={"a": 2.0})),
    )
)


register(
    ActivationSpec(
        name="isrlu",
        aliases=("inverse_square_root_linear_unit",),
        family="exponential",
        summary="The inverse square root linear unit: x for x >= 0, x / sqrt(1 + alpha x^2) below; an ELU "
        "look-alike without exp.",
        forward=_isrlu,
        derivative=_isrlu_d,
        reference=_isrlu_ref,
        formula=r"f(x) = \begin{cases} x & x \ge 0 \\ \dfrac{x}{\sqrt{1 + \alpha x^2}} & x < 0 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} 1 & x \ge 0 \\ (1 + \alpha x^2)^{-3/2} & x < 0 \end{cases}",
        params=(
            Param(
                "alpha",
                1.0,
                bounds=POS,
                doc="sets the negative saturation -1/sqrt(alpha)",
                test_values=(3.0, 0.25),
            ),
        ),
        range=lambda p: Interval(math.nextafter(-1.0 / math.sqrt(p["alpha"]), -INF), INF),
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        smoothness=2,
        kinks=(Kink(0.0, 1.0, "C^2: f' = 1 and f'' = 0 from both sides; f''' jumps from -3 alpha to 0"),),
        approximates_identity=True,
        references=(ISRLU_PAPER,),
        note="Behaves like ELU (identity above 0, smooth saturation below) but uses an inverse square root, "
        "which the authors argue is cheaper than exp in hardware. Smoother at 0 than ELU (C^2).",
        examples=(Example(-1.0, -0.707106781186548, 12), Example(-1.0, -0.5, 12, params={"alpha": 3.0})),
    )
)


register(
    ActivationSpec(
        name="elish",
        family="exponential",
        summary="The exponential linear squashing unit: x sigma(x) for x >= 0 (SiLU) and (e^x - 1) sigma(x) "
        "below (ELU times sigmoid).",
        forward=_elish,
        derivative=_elish_d,
        reference=lambda x: x / (1 + mp.exp(-x)) if x >= 0 else mp.expm1(x) / (1 + mp.exp(-x)),
        formula=r"f(x) = \begin{cases} x\,\sigma(x) & x \ge 0 \\ (e^{x} - 1)\,\sigma(x) & x < 0 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} \sigma(x)\,(1 + x\,\sigma(-x)) & x \ge 0 \\ "
        r"\sigma(x)\,\sigma(-x)\,(e^{2x} + 2e^{x} - 1) & x < 0 \end{cases}",
        # min 2 sqrt2 - 3 at x = ln(sqrt2 - 1); f' from -0.0785468 (x = -1.7175) to SiLU's max 1.0998393
        range=Interval(-0.1715728753, INF, lo_closed=True),
        derivative_range=Interval(-0.07854685, 1.09983933, True, True),
        monotonic=False,
        smoothness=1,
        kinks=(Kink(0.0, 0.5, "C^1: both one-sided slopes are 1/2; f'' jumps from 1 (left) to 1/2 (right)"),),
        references=(ELISH_PAPER,),
        note="Combines SiLU's shape for positive inputs with an ELU-like negative part scaled by a sigmoid; "
        "proposed with the paper's evolutionary search for activations. Non-monotone (minimum "
        "2*sqrt(2) - 3 = -0.1716) and costs two exponentials.",
        examples=(
            Example(-0.881373587019543, -0.171572875253810, 12),
            Example(0.0, 0.5, 12, of="derivative"),
        ),
    )
)


# ----------------------------------------------------------------------------- exponential
register(
    ActivationSpec(
        name="exponential",
        aliases=("exp",),
        family="exponential",
        summary="The exponential e^x, e.g. for positive rate parameters in an output layer.",
        forward=lambda x, ops: ops.exp(x),
        derivative=lambda x, ops: ops.exp(x),
        derivative_from_output=lambda y, ops: y,
        reference=lambda x: mp.exp(x),
        formula=r"f(x) = e^{x}",
        derivative_formula=r"f'(x) = e^{x}",
        range=open_(0.0, INF),
        derivative_range=open_(0.0, INF),
        monotonic=True,
        references=(
            Reference(
                "Chollet, F. et al.",
                2015,
                "Keras: keras.activations.exponential",
                "https://keras.io/api/layers/activations/",
            ),
        ),
        note="Maps to positive values, so it suits outputs such as Poisson rates or scales. It overflows "
        "for moderate inputs (float32 beyond x = 88.7) and its gradient explodes, so it is rarely "
        "used in hidden layers.",
        examples=(Example(1.0, 2.718281828459045, 15), Example(0.0, 1.0, 15)),
    )
)
