"""Functions of a whole vector along an axis: softmax, log-softmax, softmin, sparsemax."""

from __future__ import annotations

from mpmath import mp

from ..registry import register
from ..spec import INF, ActivationSpec, Reference
from ._common import PYTORCH, WIKI_TABLE, Interval


def _shifted(x, ops, axis):
    """x - max(x) along ``axis``: the softmax family and sparsemax are invariant to the shift.

    A +inf entry would give inf - inf = NaN; in the limit it takes all the mass, so it is shifted
    to 0 and the others to -inf. Two or more +inf entries have no limit (the split depends on how
    they grow): NaN. All -inf has no limit either (NaN, from -inf - -inf)."""
    m = ops.amax(x, axis)

    def with_inf():
        top = x == INF
        n = ops.sum(ops.where(top, ops.ones_like(x), ops.zeros_like(x)), axis)
        z = ops.where(top, ops.zeros_like(x), x - m)
        return ops.where(n > 1.0, ops.full_like(x, float("nan")), z)

    return ops.where_lazy(m == INF, with_inf, lambda: x - m)


def _softmax(x, ops, axis):
    # Shift by the max: exp never overflows and the largest term is exactly 1.
    e = ops.exp(_shifted(x, ops, axis))
    return e / ops.sum(e, axis)


def _softmax_vjp_from_output(p, g, ops, axis):
    return p * (g - ops.sum(g * p, axis))


def _softmax_vjp(x, g, ops, axis):
    return _softmax_vjp_from_output(_softmax(x, ops, axis), g, ops, axis)


def _ref_softmax(xs):
    m = max(xs)
    e = [mp.exp(v - m) for v in xs]
    s = mp.fsum(e)
    return [v / s for v in e]


BRIDLE = Reference(
    "Bridle, J. S.",
    1990,
    "Probabilistic Interpretation of Feedforward Classification Network Outputs, with "
    "Relationships to Statistical Pattern Recognition",
    "https://doi.org/10.1007/978-3-642-76153-9_28",
)


def _log_softmax(x, ops, axis):
    # x_i - max - log(sum exp(x_j - max)): the sum is in [1, n], so its log is exact to an ulp and
    # no term can overflow; log(softmax) would give -inf where softmax underflows.
    s = _shifted(x, ops, axis)
    return s - ops.log(ops.sum(ops.exp(s), axis))


def _log_softmax_vjp(x, g, ops, axis):
    return g - _softmax(x, ops, axis) * ops.sum(g, axis)


def _ref_log_softmax(xs):
    lse = mp.log(mp.fsum(mp.exp(v) for v in xs))
    return [v - lse for v in xs]


def _softmin(x, ops, axis):
    return _softmax(-x, ops, axis)


def _softmin_vjp_from_output(p, g, ops, axis):
    # softmin(x) = softmax(-x): the chain rule flips the sign of the softmax vjp.
    return -_softmax_vjp_from_output(p, g, ops, axis)


def _softmin_vjp(x, g, ops, axis):
    return _softmin_vjp_from_output(_softmin(x, ops, axis), g, ops, axis)


def _ref_softmin(xs):
    e = [mp.exp(-v) for v in xs]
    s = mp.fsum(e)
    return [v / s for v in e]


SPARSEMAX_PAPER = Reference(
    "Martins, A. F. T. and Astudillo, R. F.",
    2016,
    "From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification",
    "https://arxiv.org/abs/1602.02068",
)


def _sparsemax(x, ops, axis):
    # Shift by the max (tau shifts with it): the sorted values start at 0 and the cumulative sums
    # stay of the size of the gaps, so huge logits (1e4) neither lose the '1' nor overflow.
    z = _shifted(x, ops, axis)
    zs = ops.sort_desc(z, axis)
    k = ops.arange_along(z, axis, 1)
    cs = ops.cumsum(zs, axis)
    # k(z) = the largest k with 1 + k z_(k) > sum_{j<=k} z_(j); taking the largest index (not the
    # count) stays right even if rounding breaks the prefix property at a tie.
    ok = ops.where(1.0 + k * zs > cs, k, ops.zeros_like(zs))
    kz = ops.maximum(ops.amax(ok, axis), 1.0)
    top = ops.sum(ops.where(k <= kz, zs, ops.zeros_like(zs)), axis)
    tau = (top - 1.0) / kz
    return ops.relu(z - tau)


def _sparsemax_vjp_from_output(p, g, ops, axis):
    # the support S = {i: p_i > 0} is all the Jacobian needs: no second sort in backward
    s = ops.where(p > 0, ops.ones_like(p), ops.zeros_like(p))
    return s * (g - ops.sum(s * g, axis) / ops.sum(s, axis))


def _sparsemax_vjp(x, g, ops, axis):
    return _sparsemax_vjp_from_output(_sparsemax(x, ops, axis), g, ops, axis)


def _ref_sparsemax(xs):
    zs = sorted(xs, reverse=True)
    kz, acc, top = 0, mp.mpf(0), mp.mpf(0)
    for k, v in enumerate(zs, start=1):
        acc += v
        if 1 + k * v > acc:
            kz, top = k, acc
    tau = (top - 1) / kz
    return [max(v - tau, mp.mpf(0)) for v in xs]


register(
    ActivationSpec(
        name="softmax",
        kind="vector",
        family="softmax",
        summary="The softmax along an axis: exponentials normalised to a probability distribution.",
        forward=_softmax,
        vjp=_softmax_vjp,
        vjp_from_output=_softmax_vjp_from_output,
        reference=_ref_softmax,
        formula=r"f(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
        derivative_formula=r"\frac{\partial f_i}{\partial x_j} = f_i (\delta_{ij} - f_j)",
        range=Interval(0.0, 1.0, True, True),
        monotonic=False,
        float32_ulp=16,
        float32_ulp_why="x - max(x) is rounded before exp; exp amplifies that by |x - max(x)| (~8 ulp at 9)",
        references=(WIKI_TABLE,),
        note="Turns logits into class probabilities that sum to one: the output layer for multi-class "
        "classification. Shift-invariant; computed with the max subtracted so huge logits are safe.",
    )
)


register(
    ActivationSpec(
        name="log_softmax",
        aliases=("logsoftmax",),
        kind="vector",
        family="softmax",
        summary="The logarithm of the softmax along an axis, computed without forming the softmax.",
        forward=_log_softmax,
        vjp=_log_softmax_vjp,
        reference=_ref_log_softmax,
        formula=r"f(x)_i = x_i - \log \sum_j e^{x_j}",
        derivative_formula=r"\frac{\partial f_i}{\partial x_j} = \delta_{ij} - \mathrm{softmax}(x)_j",
        range=Interval(-INF, 0.0, False, True),
        monotonic=False,
        error_relative_to_input=True,
        references=(BRIDLE, PYTORCH),
        note="Log-probabilities for the cross-entropy / NLL loss. Working in the log domain keeps tiny "
        "probabilities representable: at [1000, 999, -1000] the last entry is -2000.313..., where "
        "log(softmax) would give -inf.",
    )
)


register(
    ActivationSpec(
        name="softmin",
        kind="vector",
        family="softmax",
        summary="The softmin along an axis: the softmax of -x, so the smallest entry gets the most mass.",
        forward=_softmin,
        vjp=_softmin_vjp,
        vjp_from_output=_softmin_vjp_from_output,
        reference=_ref_softmin,
        formula=r"f(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
        derivative_formula=r"\frac{\partial f_i}{\partial x_j} = -f_i (\delta_{ij} - f_j)",
        range=Interval(0.0, 1.0, True, True),
        monotonic=False,
        float32_ulp=16,
        float32_ulp_why="-x - max(-x) is rounded before exp; exp amplifies that by |x - min(x)| (as softmax)",
        references=(BRIDLE, PYTORCH),
        note="A probability distribution that favours small entries, e.g. turning distances or costs "
        "into soft assignments. Same stability and saturation behaviour as the softmax.",
    )
)


register(
    ActivationSpec(
        name="sparsemax",
        kind="vector",
        family="softmax",
        summary="The Euclidean projection onto the probability simplex: a softmax that outputs exact zeros.",
        forward=_sparsemax,
        vjp=_sparsemax_vjp,
        vjp_from_output=_sparsemax_vjp_from_output,
        reference=_ref_sparsemax,
        formula=r"f(x)_i = \max(x_i - \tau(x), 0), \quad \tau: \textstyle\sum_i \max(x_i - \tau, 0) = 1",
        derivative_formula=r"\frac{\partial f_i}{\partial x_j} = s_i \Big(\delta_{ij} - \frac{s_j}{|S|}\Big), "
        r"\quad s_i = [f_i > 0], \; |S| = \textstyle\sum_i s_i",
        range=Interval(0.0, 1.0, True, True),
        monotonic=False,
        smoothness=0,
        error_relative_to_input=True,
        references=(SPARSEMAX_PAPER,),
        note="Gives sparse probability vectors (many entries exactly 0), which makes attention "
        "weights easier to read and suits multi-label outputs; entries outside the support get "
        "no gradient. Piecewise linear: not differentiable where an entry sits exactly at the "
        "threshold tau (e.g. [1, 2, 3]); the vjp then treats that entry as outside the support.",
    )
)
