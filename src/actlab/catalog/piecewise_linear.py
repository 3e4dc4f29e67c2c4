"""Piecewise-linear units other than the rectifiers: hardtanh, threshold, and the learnable SReLU
and APL."""

from __future__ import annotations

from mpmath import mp

from ..piecewise import Knot, Line, Pieces
from ._common import (
    PYTORCH,
    REALS,
    Example,
    Param,
    Reference,
    closed,
    keep_nan,
    step,
)
from ._piecewise import clipped, piecewise_linear
from .rectifier import _ref_clip


# ----------------------------------------------------------------------------- relu6 / hardtanh
def _hardtanh_pieces(p):
    return clipped(
        p["min_val"],
        p["max_val"],
        Line(1.0),
        "one-sided slopes 0 | 1; f'(min_val) = 0 as torch (gradient zero for x <= min_val)",
        "one-sided slopes 1 | 0; f'(max_val) = 0 as torch (gradient zero for x >= max_val)",
    )


def _threshold_pieces(p):
    why = (
        "f jumps from v to t unless v = t (then slopes 0 | 1); f(t) = v and f'(t) = 0 "
        "as torch (gradient zero for x <= threshold)"
    )
    return Pieces((Knot(p["threshold"], 0.0, why, "left"),), (Line(0.0, value=p["value"]), Line(1.0)))


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
