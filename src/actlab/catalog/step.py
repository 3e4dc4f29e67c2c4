"""The step function."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ._common import (
    GUIDE,
    WIKI_TABLE,
    Example,
    Interval,
    Param,
)
from ._piecewise import piecewise_linear


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
