"""What every claim module shares: the result dataclass, the verdict vocabulary, CI-based rules.

A claim module defines ``KEY``, ``STATEMENT``, ``SOURCE``, a pure ``decide(...)`` function (its
decision rule, applied to numbers, testable on synthetic inputs) and
``run(quick, dataset, *, data_dir=None, runner=None) -> ClaimResult``. The rule is written in the
module docstring under "Decision rule", before any result was looked at; :func:`decision_rule`
extracts it so reports print the very text the verdict was decided by.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Iterable, Sequence

import numpy as np

from ...errors import ParameterError

__all__ = [
    "CLAIM_DATASETS",
    "INDICATIVE_SEEDS",
    "VERDICTS",
    "ClaimResult",
    "DataSettings",
    "Stopwatch",
    "combine_all",
    "data_settings",
    "decision_rule",
    "default_dataset",
    "fmt",
    "fmt_ci",
    "interval_verdict",
    "mean_ci",
    "plot_curves",
    "ratio_ci",
    "run_trials",
    "sign_verdict",
]

# "held" / "not held" / "inconclusive": one-setting claims. Map claims (claims/maps.py) give a
# verdict with a scope: "held", "held in part", "not reproduced in the tested range", "refuted"
# (or "inconclusive").
VERDICTS = (
    "held",
    "held in part",
    "not reproduced in the tested range",
    "refuted",
    "not held",
    "inconclusive",
)
SETTING_VERDICTS = ("held", "not held", "inconclusive")
INDICATIVE_SEEDS = 5  # fewer seeds than this: the verdict is labelled "indicative"


@dataclass
class ClaimResult:
    """The outcome of one claim's experiment.

    ``numbers`` holds the measured point values; ``ci`` maps a quantity to
    ``(estimate, low, high)``, a 95% interval (bootstrap over seeds unless the quantity's name
    says otherwise); ``figures`` holds ``(caption, matplotlib Figure)`` pairs for the HTML
    report and is left out of ``to_dict``. Map claims also fill ``scope`` (the region where the
    claim held, in words), ``grid`` (what was run) and ``table`` (``{"columns": [...],
    "rows": [[...], ...]}``, one row per cell). ``indicative`` marks a verdict from fewer than
    :data:`INDICATIVE_SEEDS` seeds; ``coverage`` is the note on what its intervals can promise.
    """

    key: str
    statement: str
    source: str
    setting: str
    verdict: str
    rule: str
    numbers: dict[str, Any] = field(default_factory=dict)
    ci: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    details: str = ""
    figures: list[tuple[str, Any]] = field(default_factory=list)
    quick: bool = False
    dataset: str | None = None
    seeds: list[int] = field(default_factory=list)
    seconds: float = 0.0
    scope: str = ""
    grid: str = ""
    table: dict[str, Any] | None = None
    indicative: bool = False
    coverage: str = ""
    amendments: str = ""  # changes of the decision rule after a recorded run, with that run's result

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ParameterError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.seeds and len(self.seeds) < INDICATIVE_SEEDS:
            self.indicative = True
        if self.seeds and not self.coverage:
            from ..stats import coverage_note

            self.coverage = coverage_note(len(self.seeds))

    @property
    def label(self) -> str:
        """The verdict as printed: ``held`` or ``held (indicative)``."""
        return f"{self.verdict} (indicative)" if self.indicative else self.verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "statement": self.statement,
            "source": self.source,
            "setting": self.setting,
            "verdict": self.verdict,
            "rule": self.rule,
            "numbers": {k: _jsonable(v) for k, v in self.numbers.items()},
            "ci": {k: [_jsonable(x) for x in v] for k, v in self.ci.items()},
            "details": self.details,
            "quick": self.quick,
            "dataset": self.dataset,
            "seeds": list(self.seeds),
            "seconds": round(self.seconds, 3),
            "scope": self.scope,
            "grid": self.grid,
            "table": _jsonable(self.table) if self.table is not None else None,
            "indicative": self.indicative,
            "coverage": self.coverage,
            "amendments": self.amendments,
        }


def _jsonable(v: Any) -> Any:
    """Plain Python values; NaN and infinities become None so the JSON stays standard."""
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return v if math.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


def decision_rule(module: ModuleType | str) -> str:
    """The "Decision rule" section of a claim module's docstring (module or its name), as one paragraph."""
    if isinstance(module, str):
        module = sys.modules[module]
    doc = module.__doc__ or ""
    marker = "Decision rule"
    i = doc.find(marker)
    if i < 0:
        raise ParameterError(
            f"claim module {module.__name__} has no 'Decision rule' section in its docstring"
        )
    body = doc[i:].split(":", 1)[1] if ":" in doc[i:] else doc[i + len(marker) :]
    text = " ".join(body.split())
    return text[:1].upper() + text[1:]


def interval_verdict(low: float, high: float, threshold: float, *, above: bool = True) -> str:
    """``held`` when the whole interval is on the claimed side of ``threshold``, ``not held`` when
    it is entirely on the other side, ``inconclusive`` when it straddles it (or is NaN).

    ``above=True``: the claim is "the quantity is >= threshold"; ``above=False``: "<= threshold".
    """
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return "inconclusive"
    if above:
        return "held" if low >= threshold else ("not held" if high < threshold else "inconclusive")
    return "held" if high <= threshold else ("not held" if low > threshold else "inconclusive")


def sign_verdict(ci: tuple[float, float, float], *, negative: bool = True) -> str:
    """For a paired difference claimed to be < 0 (``negative``) or > 0: ``held`` when the CI
    excludes 0 on the claimed side, ``not held`` when it excludes 0 on the other, else
    ``inconclusive`` (also for NaN bounds)."""
    _, lo, hi = ci
    if math.isnan(lo) or math.isnan(hi):
        return "inconclusive"
    if negative:
        return "held" if hi < 0 else ("not held" if lo > 0 else "inconclusive")
    return "held" if lo > 0 else ("not held" if hi < 0 else "inconclusive")


def combine_all(verdicts: Iterable[str]) -> str:
    """A claim that is a conjunction: any part not held -> not held; all held -> held; else inconclusive."""
    vs = list(verdicts)
    for v in vs:
        if v not in SETTING_VERDICTS:
            raise ParameterError(f"verdict must be one of {SETTING_VERDICTS}, got {v!r}")
    if "not held" in vs:
        return "not held"
    return "held" if vs and all(v == "held" for v in vs) else "inconclusive"


def mean_ci(values: Sequence[float], *, seed: int = 0) -> tuple[float, float, float]:
    """(mean, low, high): bootstrap 95% interval of the mean over seeds."""
    from ..stats import bootstrap_ci

    # NaNs (diverged runs) are dropped; fewer than two values give NaN bounds, never a fake interval
    vals = np.asarray([float(v) for v in values], dtype=np.float64)
    est, lo, hi = bootstrap_ci(vals, seed=seed)
    return (float(est), float(lo), float(hi))


def ratio_ci(
    a: Sequence[float], b: Sequence[float], *, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """(mean(a) / mean(b), low, high): paired bootstrap interval over seeds (a[i], b[i] share seed
    i), 95% unless ``level`` says otherwise."""
    from ..stats import bootstrap_ratio_ci

    aa = np.asarray([float(v) for v in a], dtype=np.float64)
    bb = np.asarray([float(v) for v in b], dtype=np.float64)
    if aa.size == 0 or bb.size == 0:
        return (math.nan, math.nan, math.nan)
    est, lo, hi = bootstrap_ratio_ci(aa, bb, seed=seed, paired=True, level=level)
    return (float(est), float(lo), float(hi))


def fmt_ci(ci: tuple[float, float, float]) -> str:
    """``1.23 [1.10, 1.35]`` for prose. A bootstrap interval of zero width (every seed gave the
    same value, e.g. all zeros) is not printed as ``0 [0, 0]``, which reads as certainty: it
    says that the seeds did not vary instead; proportions get a Wilson interval for that."""
    est, lo, hi = ci
    if lo == hi and not math.isnan(lo):
        return f"{fmt(est)} (every seed the same; no bootstrap spread)"
    return f"{fmt(est)} [{fmt(lo)}, {fmt(hi)}]"


def fmt(v: float | None) -> str:
    """A number for prose: 4 significant digits, scientific when tiny or huge."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "nan"
    a = abs(v)
    if a != 0 and (a < 1e-3 or a >= 1e5):
        return f"{v:.3g}"
    return f"{v:.4g}" if a < 10 else f"{v:.1f}"


class Stopwatch:
    """``with Stopwatch() as sw: ...; sw.seconds``"""

    def __enter__(self) -> "Stopwatch":
        self._t0 = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self._t0


# --------------------------------------------------------------------------- data and trials
CLAIM_DATASETS = ("fashion-mnist", "mnist", "digits")
# Fashion-MNIST/MNIST are subsampled so the full claims run fits in ~25 minutes on 2 cores
FULL_SUBSET = (10_000, 2_000)
QUICK_SUBSET = (2_000, 500)


@dataclass(frozen=True)
class DataSettings:
    """Which dataset a training claim uses and how much of it."""

    name: str
    n_train: int | None
    n_test: int | None

    @property
    def describe(self) -> str:
        if self.n_train is None:
            return f"{self.name} (all of it: the fixed train/test split)"
        return (
            f"{self.name}, random subsets of {self.n_train:,} training / {self.n_test:,} test images, a "
            "new draw per seed (seed i: its data subset, init and batch order)"
        )


def default_dataset(quick: bool, data_dir: str | None = None) -> str:
    """``digits`` in quick mode; otherwise ``fashion-mnist`` when its files are found, else ``digits``."""
    if quick:
        return "digits"
    from ..data import DatasetNotFoundError, find_idx_dir

    try:
        find_idx_dir("fashion-mnist", data_dir)
        return "fashion-mnist"
    except DatasetNotFoundError:
        return "digits"


def data_settings(dataset: str | None, quick: bool, data_dir: str | None = None) -> DataSettings:
    """Dataset name and subset sizes for a training claim (see :data:`FULL_SUBSET`)."""
    name = default_dataset(quick, data_dir) if dataset is None else dataset
    key = name.lower().replace("_", "-")
    if key in ("fashion", "fashionmnist"):
        key = "fashion-mnist"
    if key not in CLAIM_DATASETS:
        raise ParameterError(
            f"claims train image classifiers; dataset {name!r} is not one of {', '.join(CLAIM_DATASETS)}"
        )
    if key == "digits":
        return DataSettings(key, None, None)
    n_train, n_test = QUICK_SUBSET if quick else FULL_SUBSET
    return DataSettings(key, n_train, n_test)


def run_trials(runner: Any, configs: Sequence[Any]) -> list[Any]:
    """Results of ``configs`` in their order, through ``runner`` (None: one after another here)."""
    from ..train import train_trial

    if not configs:
        return []
    if runner is None:
        return [train_trial(c) for c in configs]
    by_key: dict[str, Any] = {}
    for r in runner.run(list(configs)):
        by_key[r.config.key()] = r
    missing = [c.key() for c in configs if c.key() not in by_key]
    if missing:
        raise RuntimeError(f"the runner returned no result for {len(missing)} trial(s), e.g. {missing[0]}")
    return [by_key[c.key()] for c in configs]


def plot_curves(
    curves: dict[str, Sequence[Sequence[float]]],
    *,
    ylabel: str,
    title: str = "",
    hline: tuple[float, str] | None = None,
    logy: bool = False,
):
    """Mean curve per label with a bootstrap 95% band over seeds; x is the epoch (1-based)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..stats import curve_ci

    fig, ax = plt.subplots(figsize=(6.4, 4.0), constrained_layout=True)
    for label, runs in curves.items():
        est, lo, hi = curve_ci([list(r) for r in runs])
        xs = np.arange(1, len(est) + 1)
        (line,) = ax.plot(xs, est, lw=1.8, label=f"{label} (n={len(runs)})")
        ax.fill_between(xs, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    if hline is not None:
        ax.axhline(hline[0], color="0.3", ls="--", lw=1, label=hline[1])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig
