"""Periodic and oscillating functions: sinusoid, sinc, snake."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import INF, POS, REALS, WIKI_TABLE, Example, Param, Reference, closed, horner

# ----------------------------------------------------------------------------- sinusoid
PARASCANDOLO = Reference(
    "Parascandolo, G., Huttunen, H. and Virtanen, T.",
    2016,
    "Taming the waves: sine as activation function in deep neural networks",
    "https://openreview.net/forum?id=Sks3zF9eg",
)


# ----------------------------------------------------------------------------- sinc
# Below the switch sinc and its derivative come from their Taylor series: the closed form of f'
# cancels there (cos x - sin x / x ~ -x^2/3), and autograd of sin(x)/x would cancel likewise.
# 10 terms leave a truncation below 1e-16 at |x| = 1.5; from there on float32 evaluation of the
# closed form is within a few ulp.
_SINC_SWITCH = 1.5


_SINC = tuple((-1.0) ** n / math.factorial(2 * n + 1) for n in range(10))  # coefficients of y = x^2


_SINC_D = tuple((-1.0) ** n * 2 * n / math.factorial(2 * n + 1) for n in range(1, 11))  # f'/x in y


def _sinc_parts(x, ops):
    small = ops.abs(x) < _SINC_SWITCH
    inf = ops.abs(x) == INF
    xs = ops.where(small, x, ops.zeros_like(x))
    # large branch never sees |x| < 1.5 (no 0/0) nor +-inf (sin(inf) is NaN; the limit is 0)
    xl = ops.where(small | inf, ops.full_like(x, 2.0), x)
    return small, inf, xs, xl


def _sinc(x, ops):
    small, inf, xs, xl = _sinc_parts(x, ops)
    far = ops.where(inf, ops.zeros_like(x), ops.sin(xl) / xl)
    return ops.where(small, horner(xs * xs, _SINC), far)


def _sinc_d(x, ops):
    small, inf, xs, xl = _sinc_parts(x, ops)
    far = ops.where(inf, ops.zeros_like(x), (ops.cos(xl) - ops.sin(xl) / xl) / xl)
    return ops.where(small, xs * horner(xs * xs, _SINC_D), far)


def _sinc_ref(x):
    if x == 0:
        return mp.mpf(1)
    if mp.isinf(x):
        return mp.mpf(0)
    return mp.sin(x) / x


_SINC_MIN = -0.2172337  # -0.21723362821122165741 at x = 4.4934094579, rounded outward


_SINC_DMAX = 0.4361819  # |f'| peaks at 0.43618181727 at x = -+2.0815759778


# ----------------------------------------------------------------------------- snake
ZIYIN = Reference(
    "Ziyin, L., Hartwig, T. and Ueda, M.",
    2020,
    "Neural Networks Fail to Learn Periodic Functions and How to Fix It",
    "https://arxiv.org/abs/2006.08195",
)


def _snake_u(x, ops, alpha):
    # sin(inf) is NaN, but f(+-inf) = +-inf: the bounded term is evaluated at 0 there.
    inf = ops.abs(x) == INF
    return alpha * ops.where_lazy(inf, lambda: ops.where(inf, ops.zeros_like(x), x), lambda: x)


def _snake(x, ops, alpha):
    s = ops.sin(_snake_u(x, ops, alpha))
    return x + s * s / alpha


def _snake_d(x, ops, alpha):
    # f' = 1 + sin 2u has double zeros at u = -pi/4 + k pi, where 1 + sin 2u keeps only the absolute
    # accuracy ulp(1). There (s = sin 2u < 0) 1 + s = (1 - s^2)/(1 - s) = cos^2(2u)/(1 + |s|): the
    # small factor is cos 2u, which sin/cos range reduction gets to a relative ulp. Without a
    # select: c^2/(1 + |s|) + (s + |s|) is that for s < 0, and (1 - s) + 2s = 1 + s for s >= 0, a
    # sum of two non-negative terms.
    u = _snake_u(x, ops, alpha)
    v = 2.0 * u

    def from_sc(s, c):
        a = ops.abs(s)
        return c * c / (1.0 + a) + (s + a)

    regular = from_sc(ops.sin(v), ops.cos(v))
    # 2u overflows to +-inf for |u| > max/2 (x near float max) where sin(2u) would be NaN; there
    # sin 2u = 2 sin u cos u and cos 2u = (cos u - sin u)(cos u + sin u) from u itself
    big = ops.abs(v) == INF

    def doubled():
        su, cu = ops.sin(u), ops.cos(u)
        return ops.where(big, from_sc(2.0 * su * cu, (cu - su) * (cu + su)), regular)

    return ops.where_lazy(big, doubled, lambda: regular)


def _snake_dalpha(x, ops, alpha):
    # d/da [sin^2(ax)/a] = (u sin 2u - sin^2 u)/a^2 = sin u (2u cos u - sin u)/a^2: the factored form
    # has no cancellation near u = 0, where u sin 2u and sin^2 u are both ~u^2.
    u = _snake_u(x, ops, alpha)
    s = ops.sin(u)
    return s * (2.0 * u * ops.cos(u) - s) / (alpha * alpha)


register(
    ActivationSpec(
        name="sinusoid",
        aliases=("sin", "sine"),
        family="periodic",
        summary="The sine function: periodic, bounded, and equal to the identity to first order at 0.",
        forward=lambda x, ops: ops.sin(x),
        derivative=lambda x, ops: ops.cos(x),
        reference=lambda x: mp.sin(x),  # no limit at +-inf: mpmath gives nan there
        formula=r"f(x) = \sin x",
        derivative_formula=r"f'(x) = \cos x",
        range=closed(-1.0, 1.0),
        derivative_range=closed(-1.0, 1.0),
        monotonic=False,
        approximates_identity=True,
        references=(WIKI_TABLE, PARASCANDOLO),
        note="Never saturates for good and its gradient never vanishes for long, but the periodic "
        "response creates many shallow local minima; trained networks mostly use only the "
        "tanh-like part near 0. Helpful where the target itself is periodic.",
        examples=(Example(math.pi / 2, 1.0, 15),),
    )
)


register(
    ActivationSpec(
        name="sinc",
        aliases=("cardinal_sine",),
        family="periodic",
        summary="The unnormalised sinc sin(x)/x with f(0) = 1: a decaying, oscillating bump.",
        forward=_sinc,
        derivative=_sinc_d,
        reference=_sinc_ref,
        formula=r"f(x) = \begin{cases} \dfrac{\sin x}{x} & x \ne 0 \\ 1 & x = 0 \end{cases}",
        derivative_formula=r"f'(x) = \begin{cases} \dfrac{\cos x}{x} - \dfrac{\sin x}{x^2} & x \ne 0 \\ "
        r"0 & x = 0 \end{cases}",
        range=closed(_SINC_MIN, 1.0),
        derivative_range=closed(-_SINC_DMAX, _SINC_DMAX),
        monotonic=False,
        float32_ulp=20,
        float32_ulp_why="f' = (cos x - sin(x)/x)/x cancels near the zeros of f' (x = tan x: 4.4934, "
        "7.7253, ...): the rounding of cos x and sin x, each within an ulp of numbers ~5-10x "
        "larger than the numerator, is amplified accordingly. Measured 5.5 ulp on the check "
        "grid (x = 7.7071) and 19.3 ulp on a dense scan (x = 4.48564); f itself stays within "
        "1.3 ulp.",
        references=(WIKI_TABLE,),
        note="Unnormalised (sin x / x, not sin(pi x)/(pi x) as numpy.sinc). A bump at 0 with decaying "
        "ripples, so units respond to several input bands; rarely used because its many "
        "extrema make optimisation awkward.",
        examples=(
            Example(
                1e-8,
                -3.3333333333333335e-9,
                20,
                of="derivative",
                source="cancellation probe: naive cos x / x - sin x / x^2 gives 0",
            ),
            Example(4.493409457909064, -0.21723362821122166, 15, source="first minimum"),
            Example(0.0, 1.0),
        ),
    )
)


register(
    ActivationSpec(
        name="snake",
        family="periodic",
        summary="The snake x + sin^2(alpha x)/alpha: identity plus a learnable periodic ripple.",
        forward=_snake,
        derivative=_snake_d,
        param_derivatives={"alpha": _snake_dalpha},
        reference=lambda x, alpha: x if mp.isinf(x) else x + mp.sin(alpha * x) ** 2 / alpha,
        formula=r"f(x) = x + \frac{\sin^2(\alpha x)}{\alpha}",
        derivative_formula=r"f'(x) = 1 + \sin(2\alpha x), \quad "
        r"\frac{\partial f}{\partial \alpha} = \frac{2x \sin(\alpha x)\cos(\alpha x)}{\alpha} "
        r"- \frac{\sin^2(\alpha x)}{\alpha^2}",
        params=(
            Param(
                "alpha",
                1.0,
                bounds=POS,
                learnable=True,
                per_channel=True,
                doc="the frequency a of the ripple (learnable, one per channel with num_parameters=C); "
                "small a approaches x + a x^2",
                elsewhere=("BigVGAN Snake(alpha=1.0)", "tensorflow_addons snake(frequency=1)"),
                test_values=(0.5, 2.0),
            ),
        ),
        range=REALS,
        derivative_range=closed(0.0, 2.0),
        monotonic=True,
        approximates_identity=True,
        references=(ZIYIN,),
        note="Monotone like ReLU-family functions but with a periodic component, so networks can "
        "extrapolate periodic signals instead of flattening out; used in audio vocoders "
        "(BigVGAN, DAC). The slope touches 0 once per period.",
        examples=(Example(0.0, 0.0), Example(0.0, 1.0, of="derivative")),
    )
)
