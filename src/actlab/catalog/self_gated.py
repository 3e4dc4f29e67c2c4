"""Self-gated functions x * gate(x): SiLU/swish, GELU, mish and their relatives."""

from __future__ import annotations

import math

from mpmath import mp

from ..registry import register
from ..spec import ActivationSpec
from ._common import INF, NONNEG, SQRT_2, SQRT_2_OVER_PI, Example, Interval, Param, Reference, keep_nan

# Beyond these cut-offs a gate is exactly 0 or 1 in float64 (sigma(-800), tanh(e^-800), erf(sp(-800))
# and Phi(-40) underflow to 0). Clamping the gate's argument there keeps x * gate from becoming
# inf * 0 = NaN at x = +-inf, and keeps autograd from meeting 0 * inf at huge finite x.
_CUT = 800.0


_GELU_CUT = 40.0


_GELU_TANH_CUT = 30.0


_TANH_EXP_TOP = 40.0  # tanh(e^40) == 1 exactly, and e^40 is finite in every float type


_SECH_TOP = 40.0  # sech^2(40) = 7e-35: e^(+-80) is within float32's exp range


# Below w = -40 every gate here is C e^w to better than 1e-17 relative (1 + e^w rounds to 1).
_TAIL = 40.0


# GELU's left tail x < -12: Phi(x) = phi(x)/|x| * sum_k (-1)^k (2k-1)!! / x^(2k), asymptotic; 16 terms
# leave < 1e-16 relative at |x| = 12 (the first omitted term bounds the error).
_GELU_SERIES_AT = 12.0


# The Mills ratio Phi(-t) / phi(t) for 0 <= t <= 40 as P(t)/Q(t) (coefficients from the constant
# term up): a linearised least-squares rational fit on 1,600 points against mpmath; largest
# relative error 7.8e-10, a hundredth of a float32 ulp (tests/test_gelu_float32.py checks it)
_GELU_MILLS_P = (
    1.2533141369690182,
    1.3284330374090505,
    0.6792051587990808,
    0.2007753285031556,
    0.0342564567674454,
    0.0027737011679122014,
)


_GELU_MILLS_Q = (
    1.0,
    1.8578207452342277,
    1.524254187281717,
    0.7134233507521095,
    0.20355056774141617,
    0.03425642289854275,
    0.002773701473087531,
)


# floats (exact: 29!! < 2^53): as Python ints the larger ones overflow int32 constants under JAX
_GELU_SERIES = tuple(float((-1) ** k * math.prod(range(1, 2 * k, 2))) for k in range(16))


_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


_GELU_K = 0.044715


_QUICK_GELU_BETA = 1.702


# SiLU's minimum, -0.278464542761073795..., rounded outward; Swish-beta's is this over beta.
_SILU_MIN = 0.2784646


# f' of every x * sigma(beta x) with beta > 0 is g(beta x), g = SiLU'; so they share its range.
_SILU_D_RANGE = Interval(-0.0998394, 1.0998394, True, True)


def _tail_where(w, ops, tail, body):
    """``tail(h)`` where w < -40, else ``body()``; h = e^(w/2), for gates that are C e^w there.

    There the gate itself can be subnormal (or flushed to 0) while x * gate is a normal number,
    so the product is formed as (x h) h, whose factors stay normal. h sees w only where it is used
    (double where), so it never overflows. Ordinary inputs never reach the tail: eager torch then
    skips h and the select (``where_lazy``).
    """
    cond = w < -_TAIL

    def in_tail():
        return tail(ops.exp(0.5 * ops.where(cond, w, ops.full_like(w, -_TAIL))))

    return ops.where_lazy(cond, in_tail, body)


GELU_PAPER = Reference(
    "Hendrycks, D. and Gimpel, K.",
    2016,
    "Gaussian Error Linear Units (GELUs)",
    "https://arxiv.org/abs/1606.08415",
)


def _gelu_series(x, ops):
    """(mask x < -12, S, h) with Phi(x) = -S h^2 / (sqrt(2 pi) x) there, h = e^(-x^2/4).

    erfc(-x/sqrt 2) would be subnormal (float32: x < -13) while x Phi(x) is still normal;
    phi(x) S is formed as (S h) h instead.
    """
    tail = x < -_GELU_SERIES_AT
    xt = ops.where(tail, x, ops.full_like(x, -_GELU_SERIES_AT))
    y = ops.reciprocal(xt * xt)
    acc = ops.full_like(x, _GELU_SERIES[-1])
    for a in _GELU_SERIES[-2::-1]:
        acc = acc * y + a
    return tail, xt, acc, ops.exp(-0.25 * xt * xt)


def _gelu(x, ops, approximate):
    if approximate == "tanh":
        # 1 + tanh(u) = 2 sigma(2u): no cancellation for u << 0, where 1 + tanh(u) would round to 0.
        xg = ops.clip(x, -_GELU_TANH_CUT, _GELU_TANH_CUT)
        xs = ops.maximum(x, -_GELU_TANH_CUT)
        z = (2.0 * SQRT_2_OVER_PI) * xg * (1.0 + _GELU_K * xg * xg)
        return _tail_where(z, ops, lambda h: (xs * h) * h, lambda: xs * ops.sigmoid(z))

    def exact():
        # Phi(x) = erfc(-x / sqrt 2) / 2: no 1 + erf(x) cancellation in the left tail.
        xs = ops.maximum(x, -_GELU_CUT)

        def in_tail():
            _, _, s, h = _gelu_series(xs, ops)
            return -_INV_SQRT_2PI * ((s * h) * h)

        return ops.where_lazy(
            xs < -_GELU_SERIES_AT, in_tail, lambda: 0.5 * xs * ops.erfc(xs * (-1.0 / SQRT_2))
        )

    return ops.float32_form(lambda: _gelu_float32(x, ops), exact)


def _gelu_mills(x, ops):
    """(t, h, m) for gelu's float32 kernels, which then need one exp and no erf or erfc (glibc's
    vector erfcf alone costs more than torch's whole gelu): Phi(-t) = m h^2 / sqrt(2 pi) with
    t = min(|x|, 40), h = e^(-x^2/4) and m = M(t), M the Mills ratio Phi(-t) / phi(t), as the
    rational P(t) / Q(t). h^2 is not formed: (m h) h stays normal where Phi is normal and phi is
    not. Past 40 (phi is 0 in float32) t stops, so x = +-inf gives no inf * 0."""
    t = ops.minimum(ops.abs(x), _GELU_CUT)
    return t, ops.exp(-0.25 * x * x), ops.polyval(_GELU_MILLS_P, t) / ops.polyval(_GELU_MILLS_Q, t)


def _gelu_float32(x, ops):
    t, h, m = _gelu_mills(x, ops)
    # x Phi(x) = -t Phi(-t) for x < 0, x (1 - Phi(-t)) for x >= 0
    return ops.where(x < 0, -_INV_SQRT_2PI * (((t * m) * h) * h), x * (1.0 - _INV_SQRT_2PI * ((m * h) * h)))


def _gelu_d_float32(x, ops):
    t, h, m = _gelu_mills(x, ops)
    # Phi + x phi = phi (m - t) for x < 0 and 1 + phi (t - m) for x >= 0
    return ops.where(x < 0, _INV_SQRT_2PI * (((m - t) * h) * h), 1.0 + _INV_SQRT_2PI * (((t - m) * h) * h))


def _gelu_d(x, ops, approximate):
    if approximate == "tanh":
        xg = ops.clip(x, -_GELU_TANH_CUT, _GELU_TANH_CUT)
        x2 = xg * xg
        z = (2.0 * SQRT_2_OVER_PI) * xg * (1.0 + _GELU_K * x2)
        dz = (2.0 * SQRT_2_OVER_PI) * (1.0 + (3.0 * _GELU_K) * x2)
        s = ops.sigmoid(z)
        return _tail_where(
            z, ops, lambda h: ((1.0 + xg * dz) * h) * h, lambda: s + xg * dz * s * ops.sigmoid(-z)
        )

    def exact():
        xc = ops.clip(x, -_GELU_CUT, _GELU_CUT)

        def in_tail():
            # Phi + x phi = phi (x - S/x) in the tail
            _, xt, s, h = _gelu_series(xc, ops)
            return _INV_SQRT_2PI * (((xt - s / xt) * h) * h)

        return ops.where_lazy(
            xc < -_GELU_SERIES_AT,
            in_tail,
            lambda: 0.5 * ops.erfc(xc * (-1.0 / SQRT_2)) + xc * ops.exp(-0.5 * xc * xc) * _INV_SQRT_2PI,
        )

    return ops.float32_form(lambda: _gelu_d_float32(x, ops), exact)


def _ref_gelu(x, approximate):
    if x == -mp.inf:
        return mp.mpf(0)
    if approximate == "tanh":
        u = mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)
        # (1 + tanh u) / 2 written as 1 / (1 + e^(-2u)): at 50 digits 1 + tanh(u) would cancel to 0
        # for u < -60 (the left tail, where the value is e^(2u)-small but far from float64's underflow).
        return x / (1 + mp.exp(-2 * u))
    return x * mp.ncdf(x)


SILU_PAPERS = (
    Reference(
        "Elfwing, S., Uchibe, E. and Doya, K.",
        2017,
        "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning",
        "https://arxiv.org/abs/1702.03118",
    ),
    Reference(
        "Ramachandran, P., Zoph, B. and Le, Q. V.",
        2017,
        "Searching for Activation Functions",
        "https://arxiv.org/abs/1710.05941",
    ),
)


def _swish_z(x, ops, beta):
    z = beta * x
    if isinstance(beta, (int, float)) and beta != 0:
        return z  # NaN only where x is NaN, and x carries it into f and f'
    # beta = 0 and x = +-inf give 0 * inf = NaN; the gate is then sigma(0) = 1/2.
    return ops.nan_to_zero(z)


def _swish(x, ops, beta):
    z = _swish_z(x, ops, beta)
    # Where the gate underflows (z < -800), f is 0: this also keeps -inf * 0 out of the product.
    if isinstance(beta, (int, float)) and beta > 0:
        # a fixed positive beta: clamping x at -800/beta gives -800/beta * sigma(-800) = -0 there
        xs = ops.maximum(x, -_CUT / beta)
        zs = ops.maximum(z, -_CUT)
    else:
        dead = z < -_CUT
        xs = ops.where(dead, ops.zeros_like(z), x)
        zs = ops.where(dead, ops.zeros_like(z), z)
    return _tail_where(zs, ops, lambda h: (xs * h) * h, lambda: xs * ops.sigmoid(zs))


def _swish_d(x, ops, beta):
    z = ops.clip(_swish_z(x, ops, beta), -_CUT, _CUT)
    # d/dx x sigma(z) = sigma(z) (1 + z sigma(-z)): sigma(-z) instead of 1 - sigma(z) (no cancellation).
    d = _tail_where(
        z, ops, lambda h: ((1.0 + z) * h) * h, lambda: ops.sigmoid(z) * (1.0 + z * ops.sigmoid(-z))
    )
    return keep_nan(x, d, ops)


def _swish_dbeta(x, ops, beta):
    z = _swish_z(x, ops, beta)
    # Beyond |z| = 800, sigma(z) sigma(-z) underflows to 0; holding x at +-800/|beta| there keeps
    # inf * 0 out (beta = 0 gives the bound inf: z = 0 and x^2/4 is the value).
    if isinstance(beta, (int, float)):
        bound = _CUT / abs(beta) if beta != 0 else math.inf
    else:
        bound = _CUT / ops.abs(beta)
    xs = ops.minimum(ops.maximum(x, -bound), bound)
    zs = ops.clip(z, -_CUT, _CUT)
    return _tail_where(
        zs, ops, lambda h: (xs * h) * (xs * h), lambda: xs * xs * ops.sigmoid(zs) * ops.sigmoid(-zs)
    )


def _ref_swish(x, beta):
    if beta == 0:
        return x / 2
    if x == -mp.inf:
        return mp.mpf(0)
    return x / (1 + mp.exp(-beta * x))


MISH_PAPER = Reference(
    "Misra, D.",
    2019,
    "Mish: A Self Regularized Non-Monotonic Activation Function",
    "https://arxiv.org/abs/1908.08681",
)


def _mish(x, ops):
    xs = ops.maximum(x, -_CUT)
    # tanh(softplus(x)) = e^x (1 - e^x / 2 + ...)
    return _tail_where(xs, ops, lambda h: (xs * h) * h, lambda: xs * ops.tanh(ops.softplus(xs)))


def _mish_d(x, ops):
    xc = ops.clip(x, -_CUT, _CUT)
    sp = ops.softplus(xc)
    # sech^2 = 4 sigma(2 sp) sigma(-2 sp): no cancellation of 1 - tanh^2 for large sp.
    sech2 = 4.0 * ops.sigmoid(2.0 * sp) * ops.sigmoid(-2.0 * sp)
    return _tail_where(
        xc, ops, lambda h: ((1.0 + xc) * h) * h, lambda: ops.tanh(sp) + xc * sech2 * ops.sigmoid(xc)
    )


TANH_EXP_PAPER = Reference(
    "Liu, X. and Di, X.",
    2020,
    "TanhExp: A Smooth Activation Function with High Convergence Speed for Lightweight Neural Networks",
    "https://arxiv.org/abs/2003.09855",
)


def _tanh_exp(x, ops):
    # e^x is taken of a clamped x: tanh(e^x) is exactly 1 (or 0) beyond, and e^x cannot overflow,
    # so autograd never sees sech^2(inf) * inf.
    xg = ops.clip(x, -_CUT, _TANH_EXP_TOP)
    xs = ops.maximum(x, -_CUT)
    # tanh(e^x) = e^x (1 - e^(2x) / 3 + ...)
    return _tail_where(xs, ops, lambda h: (xs * h) * h, lambda: xs * ops.tanh(ops.exp(xg)))


def _tanh_exp_d(x, ops):
    xc = ops.clip(x, -_CUT, _TANH_EXP_TOP)
    e = ops.exp(xc)
    # x e sech^2(e) is below 1e-31 once e > 40 (x > 3.69): it is taken at e = 40 there, where its
    # value (~1e-32) is as negligible beside tanh(e) = 1 as the true one. Otherwise e^(+-2e) would
    # leave exp's range, and vectorized exp takes a slow scalar path for every vector holding such
    # an element (3x the time of the whole derivative for 3 * randn inputs, measured).
    ec = ops.clip(e, 0.0, _SECH_TOP)
    sech2 = 4.0 * ops.sigmoid(2.0 * ec) * ops.sigmoid(-2.0 * ec)
    return _tail_where(xc, ops, lambda h: ((1.0 + xc) * h) * h, lambda: ops.tanh(e) + xc * ec * sech2)


def _lisht_d(xc, ops):
    # sech^2 x = 4 s (1 - s), s = sigma(-2|x|) <= 1/2: one sigmoid, and 1 - s does not cancel
    s = ops.sigmoid(-2.0 * ops.abs(xc))
    return ops.tanh(xc) + (4.0 * xc) * (s * (1.0 - s))


def _serf(x, ops):
    xs = ops.maximum(x, -_CUT)
    # erf(softplus(x)) = (2 / sqrt pi) e^x (1 - e^x / 2 + ...)
    return _tail_where(
        xs, ops, lambda h: _TWO_OVER_SQRT_PI * ((xs * h) * h), lambda: xs * ops.erf(ops.softplus(xs))
    )


def _serf_d(x, ops):
    xc = ops.clip(x, -_CUT, _CUT)
    sp = ops.softplus(xc)
    return _tail_where(
        xc,
        ops,
        lambda h: _TWO_OVER_SQRT_PI * (((1.0 + xc) * h) * h),
        lambda: ops.erf(sp) + xc * _TWO_OVER_SQRT_PI * ops.exp(-sp * sp) * ops.sigmoid(xc),
    )


register(
    ActivationSpec(
        name="gelu",
        aliases=("gaussian_error_linear_unit",),
        family="self-gated",
        summary="The Gaussian error linear unit x Phi(x): x weighted by the probability that a standard "
        "normal variable is below x; the transformer default.",
        forward=_gelu,
        derivative=_gelu_d,
        reference=_ref_gelu,
        formula=r"f(x) = x\,\Phi(x) = \frac{x}{2}\,\operatorname{erfc}\!\left(-\frac{x}{\sqrt2}\right); "
        r"\quad \text{tanh: } \frac{x}{2}\left(1 + \tanh\!\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)"
        r"\right)",
        derivative_formula=r"f'(x) = \Phi(x) + x\,\varphi(x); \quad \text{tanh: } \tfrac12(1 + \tanh u) + "
        r"\tfrac12 x\,\operatorname{sech}^2 u\,\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)",
        params=(
            Param(
                "approximate",
                "none",
                choices=("none", "tanh"),
                doc="'none': the exact x Phi(x); 'tanh': the tanh approximation of the paper (as "
                "torch's approximate='tanh')",
                elsewhere=(
                    "torch GELU(approximate='none')",
                    "keras.activations.gelu(approximate=False)",
                    "keras.ops.gelu(approximate=True)",
                    "jax.nn.gelu(approximate=True)",
                ),
                test_values=("tanh",),
            ),
        ),
        # minima -0.16997120747990366... at -0.75179... (exact), -0.17004075057125405... (tanh), rounded outward
        range=lambda p: Interval(-0.1700408 if p["approximate"] == "tanh" else -0.1699713, INF, True, False),
        # extrema of f' at x = +-sqrt(2) (exact: f'' = phi(x)(2 - x^2)), +-1.41850 (tanh); f'(-x) = 1 - f'(x)
        derivative_range=lambda p: (
            Interval(-0.1289931, 1.1289931, True, True)
            if p["approximate"] == "tanh"
            else Interval(-0.1289042, 1.1289042, True, True)
        ),
        monotonic=False,
        float32_ulp=144,
        float32_ulp_why="the gate's argument is rounded before the special function: -x/sqrt(2) before erfc "
        "(relative condition ~ x^2; dense scan worst 127 ulp at x = -11.89) and "
        "sqrt(2/pi)(x + 0.044715 x^3) before the sigmoid in the tanh form (condition ~ 2|u|; "
        "112 ulp at x = -9.68, f' 105 ulp at -9.82)",
        references=(GELU_PAPER,),
        note="Smooth and non-monotonic, with a small negative dip; weights inputs by how large they are "
        "rather than gating them by sign. The default in BERT/GPT-style transformers. Costs an erfc "
        "(or a tanh in the approximation, which differs from the exact form by at most ~5e-4).",
        examples=(
            Example(-2.0, -0.0455002638963584),
            Example(-0.5, -0.154268769362993),
            Example(1.0, 0.841344746068543),
            Example(3.0, 2.99595030590511),
            Example(-1.0, -0.0833154705876863, of="derivative"),
            Example(1.0, 1.08331547058769, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="silu",
        aliases=("sigmoid_linear_unit", "swish_1"),
        family="self-gated",
        summary="The sigmoid linear unit x sigma(x) (Swish with beta = 1).",
        forward=lambda x, ops: _swish(x, ops, 1.0),
        derivative=lambda x, ops: _swish_d(x, ops, 1.0),
        reference=lambda x: mp.mpf(0) if x == -mp.inf else x / (1 + mp.exp(-x)),
        formula=r"f(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}",
        derivative_formula=r"f'(x) = \sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)",
        # minimum -0.278464542761073795... at x0 = -1.278464542761073795... (x0 = f(x0) - 1), rounded outward
        range=Interval(-_SILU_MIN, INF, True, False),
        derivative_range=_SILU_D_RANGE,
        monotonic=False,
        float32_ulp=48,
        float32_ulp_why=(
            "f' has a zero at the minimum of f (x = -1.2785) where sigma(x) and "
            "x sigma(x) sigma(-x) (~0.2 each) cancel; their float32 rounding (~1e-8) is up to 39 ulp "
            "of the local scale there (x = -1.2929); <= 4.1 ulp elsewhere, values <= 1.8 ulp"
        ),
        references=SILU_PAPERS,
        note="A smooth, non-monotonic ReLU look-alike: unbounded above, bounded below, with a small "
        "negative dip that keeps some gradient for negative inputs. Found by the Swish search and "
        "used in EfficientNet and many LLMs; costs a sigmoid.",
        examples=(
            Example(-2.0, -0.238405844044235),
            Example(-0.5, -0.188770334399073),
            Example(1.0, 0.731058578630005),
            Example(3.0, 2.8577223804673),
            Example(-1.0, 0.0723294881285133, of="derivative"),
            Example(1.0, 0.927670511871487, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="swish",
        aliases=("swish_beta",),
        family="self-gated",
        summary="Swish x sigma(beta x) with a learnable beta: x/2 at beta = 0, SiLU at 1, ReLU as beta -> inf.",
        forward=_swish,
        derivative=_swish_d,
        param_derivatives={"beta": _swish_dbeta},
        reference=_ref_swish,
        formula=r"f(x) = x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}",
        derivative_formula=r"f'(x) = s + \beta x\,s\,(1 - s), \quad s = \sigma(\beta x); \quad "
        r"\frac{\partial f}{\partial \beta} = x^2 s\,(1 - s)",
        params=(
            Param(
                "beta",
                1.0,
                bounds=NONNEG,
                learnable=True,
                per_channel=True,
                doc="the gate's sharpness; the paper trains it per channel. Kept >= 0 as in the paper "
                "(beta < 0 would turn the gate around: f -> 0 as x -> +inf)",
                elsewhere=(
                    "torch SiLU (beta = 1 only)",
                    "keras.activations.swish / silu (beta = 1 only)",
                    "jax.nn.swish (beta = 1 only)",
                ),
                test_values=(0.0, 2.0, 1.5),
            ),
        ),
        # minimum -0.278465 / beta at -1.278465 / beta (SiLU's, rescaled), rounded outward
        range=lambda p: (
            Interval(-INF, INF) if p["beta"] == 0 else Interval(-_SILU_MIN / p["beta"], INF, True, False)
        ),
        derivative_range=lambda p: Interval(0.5, 0.5, True, True) if p["beta"] == 0 else _SILU_D_RANGE,
        monotonic=lambda p: p["beta"] == 0,
        float32_ulp=176,
        float32_ulp_why="beta * x is rounded before the sigmoid (exact only for beta a power of two): its "
        "relative condition is |beta x| in the left tail (beta = 1.5: 64 ulp at x = -48.35), "
        "and near the zero of f' (x ~ -1.28/beta) that rounding moves f' by up to 158 ulp of "
        "the local scale (x = -0.85); f' itself cancels there (SiLU: 29 ulp)",
        references=(SILU_PAPERS[1],),
        note="Interpolates between the linear x/2 (beta = 0) and ReLU (beta -> inf); with beta learned per "
        "channel the network picks its own shape. Do not apply weight decay to beta.",
        examples=(
            Example(-2.0, -0.238405844044235),
            Example(-0.5, -0.188770334399073),
            Example(1.0, 0.731058578630005),
            Example(3.0, 2.8577223804673),
            Example(-1.0, 0.0723294881285133, of="derivative"),
            Example(1.0, 0.927670511871487, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="quick_gelu",
        aliases=("gelu_sigmoid", "quickgelu"),
        family="self-gated",
        summary="The sigmoid approximation of GELU, x sigma(1.702 x), used by OpenAI's CLIP.",
        forward=lambda x, ops: _swish(x, ops, _QUICK_GELU_BETA),
        derivative=lambda x, ops: _swish_d(x, ops, _QUICK_GELU_BETA),
        reference=lambda x: mp.mpf(0) if x == -mp.inf else x / (1 + mp.exp(-mp.mpf("1.702") * x)),
        formula=r"f(x) = x\,\sigma(1.702\,x)",
        derivative_formula=r"f'(x) = s + 1.702\,x\,s\,(1 - s), \quad s = \sigma(1.702\,x)",
        # minimum -0.278465 / 1.702 = -0.163610189636353581..., rounded outward
        range=Interval(-0.1636102, INF, True, False),
        derivative_range=_SILU_D_RANGE,
        monotonic=False,
        float32_ulp=88,
        float32_ulp_why="1.702 x is rounded before the sigmoid, whose relative condition is |1.702 x| in the "
        "left tail: dense scan worst 77 ulp at x = -50.4 (f' 76 ulp at -41.2); f' also cancels "
        "near its zero at x = -0.751 (48 ulp)",
        references=(
            GELU_PAPER,
            Reference(
                "Radford, A. et al.",
                2021,
                "Learning Transferable Visual Models From Natural Language Supervision",
                "https://arxiv.org/abs/2103.00020",
            ),
        ),
        note="Cheaper than the exact GELU (one sigmoid), but it is a different function: it departs from "
        "x Phi(x) by up to ~2e-2. Use it only to reproduce models trained with it, such as CLIP.",
        examples=(
            Example(-2.0, -0.0643413768557918),
            Example(-0.5, -0.14961156339362),
            Example(1.0, 0.845795765932821),
            Example(3.0, 2.98192869029221),
            Example(-1.0, -0.0677796065563341, of="derivative"),
            Example(1.0, 1.06777960655633, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="mish",
        family="self-gated",
        summary="Mish x tanh(softplus(x)): a smooth, self-regularised, non-monotonic ReLU look-alike.",
        forward=_mish,
        derivative=_mish_d,
        reference=lambda x: mp.mpf(0) if x == -mp.inf else x * mp.tanh(mp.log1p(mp.exp(x))),
        formula=r"f(x) = x \tanh\bigl(\operatorname{softplus}(x)\bigr) = x \tanh\bigl(\ln(1 + e^{x})\bigr)",
        derivative_formula=r"f'(x) = \tanh(\operatorname{sp}(x)) + x\,\operatorname{sech}^2(\operatorname{sp}(x))"
        r"\,\sigma(x)",
        # minimum -0.308843413017250406... at -1.192431214515495212..., rounded outward
        range=Interval(-0.3088435, INF, True, False),
        # f' extrema: -0.112526122389... at -2.25638, 1.088498161251... at 1.49057
        derivative_range=Interval(-0.1125262, 1.0884982, True, True),
        monotonic=False,
        float32_ulp=168,
        float32_ulp_why=(
            "f' has a zero at the minimum of f (x = -1.1924) where tanh(sp) and "
            "x sech^2(sp) sigma(x) "
            "(~0.26 each) cancel; their float32 rounding leaves up to 153 ulp of the local scale "
            "there (dense scan, x = -1.19); <= 6 ulp elsewhere, values <= 2.4 ulp"
        ),
        references=(MISH_PAPER,),
        note="Like SiLU but with a slightly deeper negative dip and f'(0) = 0.6; the paper reports small "
        "gains over Swish in image classification (YOLOv4 uses it). Costs softplus and tanh, so it "
        "is slower than ReLU.",
        examples=(
            Example(-2.0, -0.252501482695709),
            Example(-0.5, -0.22074377465173),
            Example(1.0, 0.86509838826731),
            Example(3.0, 2.98653500496796),
            Example(-1.0, 0.059216755877395, of="derivative"),
            Example(1.0, 1.04903622009979, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="tanh_exp",
        aliases=("tanhexp",),
        family="self-gated",
        summary="TanhExp x tanh(e^x): close to the identity for x > 0, a shallow dip below, for light networks.",
        forward=_tanh_exp,
        derivative=_tanh_exp_d,
        reference=lambda x: mp.mpf(0) if x == -mp.inf else x * mp.tanh(mp.exp(x)),
        formula=r"f(x) = x \tanh(e^{x})",
        derivative_formula=r"f'(x) = \tanh(e^{x}) + x\,e^{x} \operatorname{sech}^2(e^{x})",
        # minimum -0.353285777848211270... at -1.078860058464624..., rounded outward
        range=Interval(-0.3532858, INF, True, False),
        # f' extrema: -0.131570036189... at -2.06597, 1.061975308717... at 0.696564
        derivative_range=Interval(-0.1315701, 1.0619754, True, True),
        monotonic=False,
        float32_ulp=192,
        float32_ulp_why=(
            "f' has a zero at the minimum of f (x = -1.0789) where tanh(e^x) and x e^x sech^2(e^x) "
            "(~0.3 each) cancel; their float32 rounding leaves up to 176 ulp of the local scale "
            "there (dense scan, x = -1.08); <= 5 ulp elsewhere, values <= 2.4 ulp"
        ),
        references=(TANH_EXP_PAPER,),
        note="Its gate reaches 1 very fast (tanh(e^x) is 1 to float64 precision from x ~ 3), so it is almost "
        "linear for positive inputs; the paper reports faster convergence than Mish and Swish in "
        "small mobile networks. Costs exp and tanh.",
        examples=(
            Example(-2.0, -0.26903008257898),
            Example(-0.5, -0.270840165982598),
            Example(1.0, 0.9913289158006),
            Example(3.0, 3.0),
            Example(-1.0, 0.0298728807148071, of="derivative"),
            Example(1.0, 1.03826543566326, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="lisht",
        aliases=("linearly_scaled_tanh",),
        family="self-gated",
        summary="LiSHT x tanh(x): a non-negative, even function with symmetric gradients.",
        forward=lambda x, ops: x * ops.tanh(x),
        # sech^2 x = 4 sigma(2x) sigma(-2x); the clamp keeps inf * 0 out of f'(+-inf).
        derivative=lambda x, ops: _lisht_d(ops.clip(x, -_CUT, _CUT), ops),
        reference=lambda x: x * mp.tanh(x),
        formula=r"f(x) = x \tanh x",
        derivative_formula=r"f'(x) = \tanh x + x \operatorname{sech}^2 x",
        range=NONNEG,
        # f'' = 0 where x tanh x = 1, and there f'(x) = x = +-1.199678640257733833...
        derivative_range=Interval(-1.1996787, 1.1996787, True, True),
        monotonic=False,
        references=(
            Reference(
                "Roy, S. K., Manna, S., Dubey, S. R. and Chaudhuri, B. B.",
                2019,
                "LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for "
                "Neural Networks",
                "https://arxiv.org/abs/1901.05894",
            ),
        ),
        note="Uses negative inputs (mapping them to positive outputs) so their gradients do not die, but "
        "the output is never negative and f'(0) = 0, so it is neither zero-centred nor identity-like "
        "near 0; unbounded on both sides of the input.",
        examples=(
            Example(-2.0, 1.92805516015163),
            Example(-0.5, 0.231058578630005),
            Example(1.0, 0.761594155955765),
            Example(3.0, 2.98516426106019),
            Example(-1.0, -1.18156849756979, of="derivative"),
            Example(1.0, 1.18156849756979, of="derivative"),
        ),
    )
)


register(
    ActivationSpec(
        name="serf",
        aliases=("log_softplus_erf",),
        family="self-gated",
        summary="SERF x erf(softplus(x)): Mish with erf in place of tanh.",
        forward=_serf,
        derivative=_serf_d,
        reference=lambda x: mp.mpf(0) if x == -mp.inf else x * mp.erf(mp.log1p(mp.exp(x))),
        formula=r"f(x) = x \operatorname{erf}\bigl(\ln(1 + e^{x})\bigr)",
        derivative_formula=r"f'(x) = \operatorname{erf}(\operatorname{sp}(x)) + \frac{2x}{\sqrt\pi}\, "
        r"e^{-\operatorname{sp}(x)^2} \sigma(x)",
        # minimum -0.348437458759606420... at -1.193059968928188, rounded outward
        range=Interval(-0.3484375, INF, True, False),
        # f' extrema: -0.126968589057... at -2.25650, 1.086125444150... at 1.09605
        derivative_range=Interval(-0.1269686, 1.0861255, True, True),
        monotonic=False,
        float32_ulp=144,
        float32_ulp_why=(
            "f' has a zero at the minimum of f (x = -1.1931) where erf(sp) and "
            "the x exp(-sp^2) sigma "
            "term (~0.3 each) cancel; their float32 rounding leaves up to 131 ulp of the local scale "
            "there (dense scan, x = -1.18); <= 7 ulp elsewhere, values <= 3.1 ulp"
        ),
        references=(
            Reference(
                "Nag, S. and Bhattacharyya, M.",
                2021,
                "SERF: Towards better training of deep neural networks using log-Softplus ERror "
                "activation Function",
                "https://arxiv.org/abs/2108.09598",
            ),
        ),
        note="A Swish-family function shaped much like Mish (slightly deeper dip, f'(0) = erf(ln 2) = 0.673); "
        "the paper reports gains over Swish and Mish, larger in deeper networks. Costs softplus and erf.",
        examples=(
            Example(-2.0, -0.284914970244188),
            Example(-0.5, -0.248713272493195),
            Example(1.0, 0.936721915471715),
            Example(3.0, 2.99995132253873),
            Example(-1.0, 0.0671456785692733, of="derivative"),
            Example(1.0, 1.08374940445694, of="derivative"),
        ),
    )
)
