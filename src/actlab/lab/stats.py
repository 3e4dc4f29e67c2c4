"""Bootstrap confidence intervals that stay honest with few seeds.

The default interval is Hesterberg's *expanded percentile* bootstrap (T. Hesterberg, "What
Teachers Should Know About the Bootstrap", The American Statistician 69(4), 2015, sec. 5). The
ordinary percentile interval is too narrow for small samples (it uses the plug-in standard
deviation and normal quantiles), so the tail probability is shrunk from alpha/2 to
Phi(-sqrt(n/(n-1)) * t_{alpha/2, n-1}). Coverage of the true mean by the nominal 95% interval,
measured on N(0, 1) samples (2000 repeats, n_boot 2000, ``bootstrap_ci(x, method=...)``):

====  ==========  ========
n     percentile  expanded
====  ==========  ========
3     0.75        0.75
5     0.83        0.92
10    0.90        0.94
20    0.93        0.95
====  ==========  ========

With n = 3 no bootstrap can do better: every resampled mean lies inside the data's range, and
the range of 3 draws from a symmetric distribution misses its centre with probability 1/4;
reports say so next to intervals from fewer than 5 seeds (:func:`coverage_note`).
``method="percentile"`` gives the plain percentile interval.

Proportions (a share of units, say) get intervals that respect the [0, 1] boundary:
:func:`wilson_ci` (the score interval, Wilson 1927) and :func:`clopper_pearson_ci` (exact,
conservative). Both stay inside [0, 1] and never collapse to a point: 0 dead units out of 640
is ``0 [0, 0.0060]`` (Wilson), not ``0 [0, 0]``. :func:`proportion_above_p` is the one-sided
score test that the Wilson interval inverts, and :func:`holm` adjusts several p-values that
decide one verdict together (Holm 1979).
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Callable, Sequence

import numpy as np

from ..errors import ParameterError

__all__ = [
    "METHODS",
    "bootstrap_ci",
    "bootstrap_ratio_ci",
    "clopper_pearson_ci",
    "coverage_note",
    "curve_ci",
    "holm",
    "newcombe_ci",
    "proportion_above_p",
    "two_proportion_p",
    "wilson_ci",
]

METHODS = ("expanded", "percentile")

Stat = Callable[..., float]


def _check(level: float, n_boot: int, method: str) -> None:
    if not (isinstance(level, (int, float)) and 0.0 < level < 1.0):
        raise ParameterError(f"level must be in (0, 1), e.g. 0.95; got {level!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 100:
        raise ParameterError(f"n_boot must be an integer >= 100, got {n_boot!r}")
    if method not in METHODS:
        raise ParameterError(f"unknown bootstrap method {method!r}; valid: {', '.join(METHODS)}")


def _values(values: Sequence[float] | np.ndarray, what: str = "values") -> np.ndarray:
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[~np.isnan(v)]  # a NaN is a missing measurement (e.g. a target never reached), not a value
    return v


@functools.lru_cache(maxsize=256)
def _tail(level: float, n: int, method: str) -> float:
    """The tail probability used at each end of the bootstrap distribution."""
    alpha = 1.0 - level
    if method == "percentile" or n < 2:
        return alpha / 2.0
    from scipy import stats as st

    t = st.t.ppf(1.0 - alpha / 2.0, df=n - 1)
    return float(st.norm.cdf(-math.sqrt(n / (n - 1.0)) * t))


def _apply(stat: Stat, samples: np.ndarray) -> np.ndarray:
    try:
        out = np.asarray(stat(samples, axis=1), dtype=np.float64)
        if out.shape == (samples.shape[0],):
            return out
    except TypeError:
        pass
    return np.array([stat(row) for row in samples], dtype=np.float64)


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    *,
    stat: Stat = np.mean,
    level: float = 0.95,
    n_boot: int = 10000,
    seed: int = 0,
    method: str = "expanded",
) -> tuple[float, float, float]:
    """(estimate, low, high): ``stat(values)`` and its bootstrap confidence interval.

    NaNs are dropped first. With one value the bounds are NaN (no interval can be made);
    with none, all three are NaN. ``stat`` takes an array (and, for speed, ``axis=``).
    """
    _check(level, n_boot, method)
    v = _values(values)
    n = len(v)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    est = float(stat(v))
    if n == 1:
        return (est, math.nan, math.nan)
    rng = np.random.default_rng(seed)
    boots = _apply(stat, v[rng.integers(0, n, size=(n_boot, n))])
    p = _tail(level, n, method)
    lo, hi = np.quantile(boots, [p, 1.0 - p])
    return (est, float(lo), float(hi))


def bootstrap_ratio_ci(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    stat: Stat = np.mean,
    level: float = 0.95,
    n_boot: int = 10000,
    seed: int = 0,
    paired: bool = False,
    method: str = "expanded",
) -> tuple[float, float, float]:
    """(ratio, low, high) for ``stat(a) / stat(b)``: "a is k times b" with a confidence interval.

    ``paired=True`` resamples pairs (a[i], b[i]) together (same seeds, say); otherwise a and b
    are resampled independently. NaNs are dropped (pairwise when paired). The expanded-percentile
    tail uses the smaller sample size, a conservative choice for a ratio (the expansion is
    derived for a mean).
    """
    _check(level, n_boot, method)
    av = np.asarray(a, dtype=np.float64).ravel()
    bv = np.asarray(b, dtype=np.float64).ravel()
    if paired:
        if av.shape != bv.shape:
            raise ParameterError(f"paired=True needs samples of equal length, got {len(av)} and {len(bv)}")
        keep = ~(np.isnan(av) | np.isnan(bv))
        av, bv = av[keep], bv[keep]
    else:
        av, bv = av[~np.isnan(av)], bv[~np.isnan(bv)]
    if len(av) == 0 or len(bv) == 0:
        return (math.nan, math.nan, math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = float(np.float64(stat(av)) / np.float64(stat(bv)))
    n = min(len(av), len(bv))
    if n == 1:
        return (est, math.nan, math.nan)
    rng = np.random.default_rng(seed)
    ia = rng.integers(0, len(av), size=(n_boot, len(av)))
    ib = ia if paired else rng.integers(0, len(bv), size=(n_boot, len(bv)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = _apply(stat, av[ia]) / _apply(stat, bv[ib])
    ratios = ratios[~np.isnan(ratios)]
    if len(ratios) == 0:
        return (est, math.nan, math.nan)
    p = _tail(level, n, method)
    lo, hi = np.quantile(ratios, [p, 1.0 - p])
    return (est, float(lo), float(hi))


def curve_ci(
    curves: Sequence[Sequence[float]] | np.ndarray,
    *,
    level: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    method: str = "expanded",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-epoch (mean, low, high) over runs of unequal length (shorter runs are NaN-padded,
    e.g. stopped after divergence): the bands drawn around training curves."""
    rows = [np.asarray(c, dtype=np.float64) for c in curves]
    if not rows:
        return np.array([]), np.array([]), np.array([])
    width = max(len(r) for r in rows)
    m = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        m[i, : len(r)] = r
    _check(level, n_boot, method)
    # one resampling of the runs serves every epoch (vectorised); columns with NaNs use the
    # runs present there, and the expanded tail of their own sample size
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, m.shape[0], size=(n_boot, m.shape[0]))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN resamples give NaN, dropped below
        boots = np.nanmean(m[idx], axis=1)  # (n_boot, width)
        est = np.nanmean(m, axis=0)
    counts = (~np.isnan(m)).sum(axis=0)
    lo = np.full(width, np.nan)
    hi = np.full(width, np.nan)
    for j in range(width):
        if counts[j] < 2:
            continue
        p = _tail(level, int(counts[j]), method)
        col = boots[:, j]
        col = col[~np.isnan(col)]
        lo[j], hi[j] = np.quantile(col, [p, 1.0 - p])
    est[counts == 0] = np.nan
    return est, lo, hi


def coverage_note(n: int, level: float = 0.95) -> str:
    """A plain sentence on what an interval from ``n`` samples can promise (shown in reports)."""
    if n <= 1:
        return "one sample: no confidence interval can be given."
    if n < 5:
        # the bootstrap distribution of the mean lies within [min, max] of the data; for a
        # symmetric distribution that range misses the centre with probability 2 * 2**-n
        cover = 1.0 - 2.0 * 0.5**n
        return (
            f"only {n} samples: a bootstrap interval cannot be wider than the data's range, which "
            f"covers the true mean about {cover:.0%} of the time, not {level:.0%}; use 5 or more seeds "
            "(10 or more for close to nominal coverage)."
        )
    if n < 10:
        return (
            f"{n} samples; expanded-percentile bootstrap {level:.0%} interval (Hesterberg 2015), which "
            "covers somewhat less than nominal at this size (about 92% at n = 5 for normal data)."
        )
    return f"{n} samples; expanded-percentile bootstrap {level:.0%} interval (Hesterberg 2015)."


# --------------------------------------------------------------------------- proportions
def _check_counts(k: int, n: int) -> tuple[int, int]:
    for what, v in (("k", k), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ParameterError(f"{what} must be a non-negative integer count, got {v!r}")
    if k > n:
        raise ParameterError(f"k ({k}) cannot exceed n ({n})")
    return int(k), int(n)


def wilson_ci(k: int, n: int, *, level: float = 0.95) -> tuple[float, float, float]:
    """(k / n, low, high): the Wilson score interval for a proportion (two-sided ``level``).

    Inside [0, 1] and of positive width even at k = 0 or k = n; all NaN when n = 0.
    """
    k, n = _check_counts(k, n)
    _check(level, 100, "expanded")
    if n == 0:
        return (math.nan, math.nan, math.nan)
    from scipy import stats as st

    z = float(st.norm.ppf(0.5 + level / 2.0))
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return (p, lo, hi)


def clopper_pearson_ci(k: int, n: int, *, level: float = 0.95) -> tuple[float, float, float]:
    """(k / n, low, high): the exact (Clopper-Pearson) interval; at least ``level`` coverage."""
    k, n = _check_counts(k, n)
    _check(level, 100, "expanded")
    if n == 0:
        return (math.nan, math.nan, math.nan)
    from scipy import stats as st

    a = 1.0 - level
    lo = 0.0 if k == 0 else float(st.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(st.beta.ppf(1 - a / 2, k + 1, n - k))
    return (k / n, lo, hi)


def proportion_above_p(k: int, n: int, p0: float) -> float:
    """One-sided p-value of the score test of H0: proportion <= ``p0`` against > ``p0``.

    The test the Wilson interval inverts: the Wilson lower bound at two-sided level 1 - 2a
    exceeds ``p0`` exactly when this p-value is below a. NaN when n = 0.
    """
    k, n = _check_counts(k, n)
    if not (0.0 < p0 < 1.0):
        raise ParameterError(f"p0 must be in (0, 1), got {p0!r}")
    if n == 0:
        return math.nan
    from scipy import stats as st

    z = (k / n - p0) / math.sqrt(p0 * (1 - p0) / n)
    return float(st.norm.sf(z))


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given; NaN stays NaN and is not
    counted among the tests). Reject H_i at family-wise level a when adjusted p_i < a."""
    ps = [float(p) for p in pvalues]
    idx = [i for i, p in enumerate(ps) if not math.isnan(p)]
    for i in idx:
        if not 0.0 <= ps[i] <= 1.0:
            raise ParameterError(f"p-values are in [0, 1], got {ps[i]!r}")
    m = len(idx)
    out = [math.nan] * len(ps)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda j: ps[j])):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """One-sided p-value of the pooled two-proportion z-test of H0: p1 <= p2 against p1 > p2.

    NaN when either count is empty, or when the pooled proportion is 0 or 1 (no variance: the
    two samples cannot be told apart)."""
    k1, n1 = _check_counts(k1, n1)
    k2, n2 = _check_counts(k2, n2)
    if n1 == 0 or n2 == 0:
        return math.nan
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return math.nan
    from scipy import stats as st

    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(st.norm.sf(z))


def newcombe_ci(k1: int, n1: int, k2: int, n2: int, *, level: float = 0.95) -> tuple[float, float, float]:
    """(p1 - p2, low, high): Newcombe's hybrid score interval for a difference of two
    independent proportions (method 10 of Newcombe 1998), from the two Wilson intervals; inside
    [-1, 1] and well-behaved at 0 and n. All NaN when either count is empty."""
    p1, l1, u1 = wilson_ci(k1, n1, level=level)
    p2, l2, u2 = wilson_ci(k2, n2, level=level)
    if math.isnan(p1) or math.isnan(p2):
        return (math.nan, math.nan, math.nan)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (d, max(-1.0, lo), min(1.0, hi))
