"""The textbook classics: identity, binary step, sigmoid, tanh, ReLU, ELU, PReLU."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ..registry import register
from ..spec import ActivationSpec
from ._common import (
    INF,
    NONNEG,
    REALS,
    WIKI_TABLE,
    Example,
    Interval,
    Kink,
    Param,
    Reference,
    keep_nan,
    open_,
    zero_times,
)
from ._piecewise import piecewise_linear

GUIDE = "beginners' guide worked example"

IDENTITY = Pieces((), (Line(1.0),))

piecewise_linear(
    IDENTITY,
    name="identity",
    aliases=("linear",),
    family="linear",
    summary="The identity f(x) = x: the output layer of a regression network.",
    reference=lambda x: x,
    formula=r"f(x) = x",
    derivative_formula=r"f'(x) = 1",
    references=(WIKI_TABLE,),
    note="Keeps the network linear; its gradient is a constant that carries no information about x. "
    "Use it for regression outputs.",
    examples=(Example(2.0, 2.0, source=GUIDE), Example(-4.0, -4.0, source=GUIDE)),
)


def _step_pieces(p):
    why = (
        "jump from 0 to 1; the derivative is 0 on both sides and taken as 0 at the jump "
        "(torch.heaviside has no autograd)"
    )
    return Pieces(
        (Knot(0.0, 0.0, why, side=float(p["value_at_zero"])),), (Line(0.0, value=0.0), Line(0.0, value=1.0))
    )


piecewise_linear(
    _step_pieces,
    name="binary_step",
    aliases=("heaviside", "step"),
    family="step",
    summary="The Heaviside step: 1 for x > 0, 0 for x < 0, and `value_at_zero` at 0.",
    reference=lambda x, value_at_zero: (
        mp.mpf(1) if x > 0 else (mp.mpf(0) if x < 0 else mp.mpf(value_at_zero))
    ),
    reference_derivative=lambda x, value_at_zero: mp.mpf(0),
    formula=r"f(x) = \begin{cases} 1 & x > 0 \\ v_0 & x = 0 \\ 0 & x < 0 \end{cases}",
    derivative_formula=r"f'(x) = 0 \quad (x \neq 0)",
    params=(
        Param(
            "value_at_zero",
            0.0,
            bounds=Interval(0.0, 1.0, True, True),
            doc="f(0); the classic guide uses 0, Wikipedia's table and torch.heaviside(x, 1) use 1",
            elsewhere=("Wikipedia table: H(0)=1",),
            test_values=(1.0, 0.5),
        ),
    ),
    references=(WIKI_TABLE,),
    note="The perceptron's activation. Its gradient is zero almost everywhere, so it cannot be "
    "trained by backpropagation; useful only as a final thresholding step.",
    examples=(
        Example(2.0, 1.0, source=GUIDE),
        Example(-4.0, 0.0, source=GUIDE),
        Example(0.0, 0.0, source=GUIDE),
        Example(1.0, 1.0, source=GUIDE),
        Example(0.0, 1.0, params={"value_at_zero": 1.0}, source="Wikipedia: H(0)=1"),
    ),
)

register(
    ActivationSpec(
        name="sigmoid",
        aliases=("logistic", "soft_step"),
        family="sigmoidal",
        summary="The logistic sigmoid 1 / (1 + e^-x): squashes to (0, 1); for binary outputs.",
        forward=lambda x, ops: ops.sigmoid(x),
        # sigma(x) * sigma(-x) instead of s(1-s): no cancellation in 1-s for large x.
        derivative=lambda x, ops: ops.sigmoid(x) * ops.sigmoid(-x),
        derivative_from_output=lambda y, ops: y * (1.0 - y),
        reference=lambda x: 1 / (1 + mp.exp(-x)),
        formula=r"f(x) = \sigma(x) = \frac{1}{1 + e^{-x}}",
        derivative_formula=r"f'(x) = \sigma(x)\,(1 - \sigma(x)) \le \tfrac14",
        range=open_(0.0, 1.0),
        derivative_range=Interval(0.0, 0.25, False, True),
        monotonic=True,
        references=(WIKI_TABLE,),
        note="Smooth and bounded, but saturates: f' <= 1/4, so each sigmoid layer shrinks "
        "backpropagated errors by at least a factor of 4, and outputs are not zero-centred. "
        "Use it for a binary output, not in hidden layers.",
        examples=(
            Example(4.0, 0.982, 3, source=GUIDE),
            Example(-3.0, 0.0474, 4, source=GUIDE),
            Example(-5.0, 0.0067, 4, source=GUIDE),
            Example(0.0, 0.25, 12, of="derivative", source="max of sigma' is 1/4"),
        ),
    )
)


def _tanh_d(x, ops):
    # sech^2 x = 4t / (1 + t)^2 with t = e^{-2|x|}: no cancellation of 1 - tanh^2 for large |x|,
    # and t stays a normal number as long as the result does (a product of two sigmoids would
    # flush one factor to zero first in float32).
    t = ops.exp(-2.0 * ops.abs(x))
    return 4.0 * t / ((1.0 + t) * (1.0 + t))


register(
    ActivationSpec(
        name="tanh",
        aliases=("hyperbolic_tangent",),
        family="sigmoidal",
        summary="The hyperbolic tangent: a zero-centred sigmoid with range (-1, 1).",
        forward=lambda x, ops: ops.tanh(x),
        derivative=_tanh_d,
        derivative_from_output=lambda y, ops: 1.0 - y * y,
        reference=lambda x: mp.tanh(x),
        formula=r"f(x) = \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivative_formula=r"f'(x) = 1 - \tanh^2 x",
        range=open_(-1.0, 1.0),
        derivative_range=Interval(0.0, 1.0, False, True),
        monotonic=True,
        approximates_identity=True,
        references=(WIKI_TABLE,),
        note="Zero-centred and with stronger gradients than the sigmoid (f'(0) = 1), but it still "
        "saturates for large |x|, so gradients vanish in deep stacks.",
        examples=(
            Example(2.0, 0.9640, 4, source=GUIDE),
            Example(-0.567, -0.5131, 4, source=GUIDE),
            Example(0.0, 0.0, 12, source=GUIDE),
        ),
    )
)

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
