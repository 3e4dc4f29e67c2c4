"""Map claims that compare activations cell by cell: each at its own stable rate, paired over seeds.

The guides' comparisons ("tanh converges faster than sigmoid", "ELU reaches higher accuracy than
ReLU", "ReLU is best in hidden layers") are about activations that want different learning
rates: sigmoid's gradient is at most a quarter of tanh's, so one shared rate favours one of
them. Here every activation gets **its own largest stable rate** per setup, measured by the
probes of :func:`~actlab.lab.claims.maps.run_map` (the same trials, so a shared store holds
them once) with that activation as the reference, and a
cell of the map (a setup and a multiple ``lr_rel`` of the stable rate) trains each activation at
the same multiple of its own rate (with ``--lr``, at the same absolute rate instead). An
activation none of whose 1-epoch probes got below the chance loss (sigmoid in a deep net under
plain SGD, typically: it does not move in one epoch at any rate) has no stable rate in that
sense; it gets the largest stable rate of the other activations of the claim in that setup (so
that cell compares them at a shared rate), or, when none has one, its probed rate with the
lowest finite loss; the table marks such a rate "(none below chance)". Seed ``i``
of one activation and seed ``i`` of another share the data subset, the data order and the init
seed (seeds differ in all three), so the per-seed differences are paired.

The test for one comparison (:func:`paired_pvalues`): ``d`` = the per-seed difference, signed
so that the claim says ``d > 0``; a one-sided paired t-test of H0 "mean d <= 0" (small p: the
claimed direction) and one of H0 "mean d >= margin" (small p: the claimed effect is smaller than
the margin that would matter, or reversed). :func:`decide_cells` adjusts each side's p-values
with Holm over all comparisons of the map, and rules per cell: **held** if every comparison of
the cell has an adjusted p < 0.05 on the claimed side; otherwise **not held** if some comparison
has an adjusted p < 0.05 on the margin side; **inconclusive** otherwise, and for a comparison
with fewer than :data:`MIN_PAIRS` seed pairs where both runs finished.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..stats import holm
from ..train import TrialResult
from .base import ClaimResult, Stopwatch, data_settings, decision_rule, fmt, fmt_ci, mean_ci
from .maps import (
    PROBE_LRS,
    Cell,
    MapSpec,
    _probe_loss,
    _run,
    describe_region,
    map_figure,
    map_result,
    probe_config,
    scoped_verdict,
    stable_lr_from,
    trial_maker,
    trial_seconds,
)

__all__ = [
    "ALPHA",
    "MIN_PAIRS",
    "PairedMap",
    "decide_cells",
    "finish",
    "own_stable_lr",
    "paired_pvalues",
    "run_own_rate_map",
]

ALPHA = 0.05
MIN_PAIRS = 3
_SETUP_AXES = ("optimizer", "depth", "width", "init", "dataset")


def paired_pvalues(diffs: Sequence[float], margin: float) -> tuple[float, float]:
    """(p claimed, p small): one-sided paired t-tests of the per-seed differences ``diffs``
    (signed so the claim says > 0) against H0 "mean <= 0" and H0 "mean >= margin".

    Non-finite differences (a diverged run) are dropped; fewer than :data:`MIN_PAIRS` left:
    (NaN, NaN). Differences without spread give p 0 on the side their mean lies strictly on
    and 1 otherwise (the t statistic is infinite or undefined)."""
    d = np.asarray([float(v) for v in diffs], dtype=np.float64)
    d = d[np.isfinite(d)]
    if d.size < MIN_PAIRS:
        return (math.nan, math.nan)
    mean = float(d.mean())
    sd = float(d.std(ddof=1))
    if not sd > 1e-12 * max(1.0, abs(mean)):
        return (0.0 if mean > 0 else 1.0, 0.0 if mean < margin else 1.0)
    from scipy import stats as st

    se = sd / math.sqrt(d.size)
    df = d.size - 1
    return (float(st.t.sf(mean / se, df)), float(st.t.cdf((mean - margin) / se, df)))


def decide_cells(cells: Sequence[Sequence[Sequence[float]]], margin: float) -> list[dict[str, Any]]:
    """Per cell: its verdict and the Holm-adjusted p-values of its comparisons.

    ``cells[i][j]``: the per-seed differences of comparison ``j`` in cell ``i`` (the claim says
    > 0). Returns ``[{"verdict", "p_claimed": [...], "p_small": [...]}, ...]``; each side is
    Holm-adjusted over every comparison of every cell (see the module docstring)."""
    raw = [[paired_pvalues(d, margin) for d in comps] for comps in cells]
    flat_c = holm([p for comps in raw for p, _ in comps])
    flat_s = holm([q for comps in raw for _, q in comps])
    out = []
    k = 0
    for comps in raw:
        pc = flat_c[k : k + len(comps)]
        ps = flat_s[k : k + len(comps)]
        k += len(comps)
        if comps and all(not math.isnan(p) and p < ALPHA for p in pc):
            v = "held"
        elif any(not math.isnan(q) and q < ALPHA for q in ps):
            v = "not held"
        else:
            v = "inconclusive"
        out.append({"verdict": v, "p_claimed": pc, "p_small": ps})
    return out


def own_stable_lr(points: Sequence[tuple[float, float]]) -> tuple[float, bool]:
    """(rate, below chance) from one activation's probe ``(lr, loss)`` points: the largest stable
    rate of :func:`~actlab.lab.claims.maps.stable_lr_from`; when no probe got below the chance
    loss, the probed rate with the lowest finite loss instead (the activation trains, if at all,
    best there), flagged False. NaN when every probe's loss was non-finite."""
    best = stable_lr_from(points)
    if not math.isnan(best):
        return best, True
    finite = [(loss, lr) for lr, loss in points if math.isfinite(loss)]
    return (min(finite)[1], False) if finite else (math.nan, False)


def run_own_rate_map(
    spec: MapSpec,
    *,
    activations: Sequence[str],
    base: Mapping[str, Any],
    quick: bool,
    data_dir: str | None = None,
    store: Any = None,
    runner: Any = None,
    workers: int | None = 1,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Cell]:
    """Every cell of ``spec`` with each activation trained at the cell's multiple of its own
    stable rate (:func:`own_stable_lr`, probes as in :func:`~actlab.lab.claims.maps.run_map`), or
    at the cell's absolute rate. A cell keeps the first activation's rates as its own (for the
    labels); ``numbers["lr"]``, ``numbers["stable_lr"]`` and ``numbers["below_chance"]`` hold
    each activation's. Probes and trials run as two sweeps (cached in ``store``). ``variants``:
    activation labels that stand for other trial fields (see
    :func:`~actlab.lab.claims.maps.trial_maker`)."""
    setups = spec.setups()
    # run_map's trials: a shared store holds them once
    config = trial_maker(setups, base, quick, data_dir, variants)

    probes = {
        (i, a): [probe_config(config, s, a, lr) for lr in PROBE_LRS]
        for i, s in enumerate(setups)
        for a in activations
    }
    done = _run([c for cs in probes.values() for c in cs], store, runner, workers, "stable-rate probes")
    stable = {k: own_stable_lr([(c.lr, _probe_loss(done[c.key()])) for c in cs]) for k, cs in probes.items()}
    for (i, a), (_, below) in list(stable.items()):
        # no probe below chance: the comparison at a rate shared with the others is the fair one
        shared = [stable[(i, b)][0] for b in activations if b != a and stable[(i, b)][1]]
        if not below and shared:
            stable[(i, a)] = (max(shared), False)

    cells: list[Cell] = []
    rates: dict[tuple[int, str], float] = {}
    for i, s in enumerate(setups):
        for rel_given, values in ((True, spec.lr_rel), (False, spec.lr)):
            for v in values:
                j = len(cells)
                first = stable[(i, activations[0])][0]
                lr0 = float(f"{v * first:.6g}") if rel_given else float(v)
                rel0 = float(v) if rel_given else (v / first if first > 0 else math.nan)
                c = Cell(dict(s), lr0, rel0, first, rel_given)
                c.numbers = {"lr": {}, "stable_lr": {}, "below_chance": {}}
                for a in activations:
                    st_lr, below = stable[(i, a)]
                    c.numbers["stable_lr"][a] = st_lr
                    c.numbers["below_chance"][a] = below
                    lr = float(f"{v * st_lr:.6g}") if rel_given else float(v)
                    if math.isfinite(lr) and lr > 0:
                        rates[(j, a)] = lr
                        c.numbers["lr"][a] = lr
                cells.append(c)
    trials = {
        (j, a): [config(cells[j].setup, a, lr, seed, spec.epochs) for seed in range(spec.seeds)]
        for (j, a), lr in rates.items()
    }
    done = _run([t for ts in trials.values() for t in ts], store, runner, workers, "map cells")
    for (j, a), ts in trials.items():
        cells[j].results[a] = [done[t.key()] for t in ts]
    return cells


@dataclass
class PairedMap:
    """What a claim module states: the activations, the per-trial metric, the comparisons
    ``(claimed better, other)``, how a difference is signed, the grids and the report's opening
    sentences. Its :meth:`decide` and :meth:`run` are the module's ``decide`` and ``run`` (the
    four paired claims differ only in what is stated here)."""

    key: str
    statement: str
    source: str
    kind: str  # "existential" or "universal" (maps.scoped_verdict)
    activations: tuple[str, ...]
    comparisons: tuple[tuple[str, str], ...]
    metric: Callable[[TrialResult], float]  # NaN for a run that gives no value (e.g. diverged)
    metric_name: str
    higher_is_better: bool
    margin: float
    default: MapSpec  # the full grid (the module's DEFAULT)
    quick_spec: MapSpec  # the --quick grid (the module's QUICK)
    module: str  # the claim module's __name__: its docstring holds the decision rule
    setting_prefix: str  # the setting's opening sentence (network, batch, activations)
    details_prefix: str = ""  # what d is, ahead of the details
    base: dict[str, Any] = field(default_factory=dict)
    in_scope: Callable[[Cell], bool] = lambda c: True
    scope_text: str = "every cell (the source states no condition)"
    extra_columns: tuple[str, ...] = ()
    extra: Callable[[Cell], list[Any]] | None = None
    # figures after the map's own (built after the trials, outside the timed part)
    figures: Callable[[MapSpec, list[Cell]], list[tuple[str, Any]]] | None = None
    # activation labels that stand for other trial fields (maps.trial_maker), e.g. a shifted sigmoid
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a metric per comparison where they differ (a claim with two parts, e.g. ELU's mean activation
    # and its loss); empty: ``metric`` for every comparison. Names label the comparisons.
    metrics: tuple[Callable[[TrialResult], float], ...] = ()
    comparison_names: tuple[str, ...] = ()

    def decide(self, diffs_per_cell: Sequence[Any], in_scope: Sequence[bool] | None = None) -> str:
        """The map verdict from per-cell per-seed differences (signed so the claim says > 0): per
        cell one list of differences when the claim has one comparison, else one list per
        comparison in the order of ``comparisons``; ``in_scope``: per cell (default: all)."""
        cells = diffs_per_cell if len(self.comparisons) > 1 else [[d] for d in diffs_per_cell]
        decided = decide_cells(cells, self.margin)
        scope = in_scope if in_scope is not None else [True] * len(decided)
        return scoped_verdict(self.kind, [(c["verdict"], s) for c, s in zip(decided, scope)])

    def run(
        self,
        quick: bool = False,
        dataset: str | None = None,
        *,
        data_dir: str | None = None,
        runner: Any = None,
        overrides: Mapping[str, Any] | None = None,
        store: Any = None,
        workers: int | None = 1,
    ) -> ClaimResult:
        """Run the map (``overrides``: axes to replace; ``store``: sweep store, so a map resumes)."""
        spec = spec_for(self.default, self.quick_spec, quick, dataset, data_dir, overrides)
        with Stopwatch() as sw:
            cells = run_own_rate_map(
                spec, activations=self.activations, base=self.base, quick=quick, data_dir=data_dir,
                store=store, runner=runner, workers=workers, variants=self.variants,
            )  # fmt: skip
        return finish(
            self,
            spec,
            cells,
            quick=quick,
            data_dir=data_dir,
            seconds=sw.seconds,
            rule=decision_rule(self.module),
            setting_prefix=self.setting_prefix,
            details_prefix=self.details_prefix,
            figures=self.figures(spec, cells) if self.figures is not None else (),
        )

    def diffs(self, c: Cell, better: str, other: str, j: int = 0) -> list[float]:
        """Per-seed differences of comparison ``j`` (``better`` vs ``other``) in cell ``c``, signed so
        the claim says > 0."""
        if better not in c.results or other not in c.results:
            return []
        metric = self.metrics[j] if self.metrics else self.metric
        a = [metric(r) for r in c.results[better]]
        b = [metric(r) for r in c.results[other]]
        sign = 1.0 if self.higher_is_better else -1.0
        return [sign * (x - y) for x, y in zip(a, b)]


def _mean(vals: Sequence[float]) -> float:
    v = [x for x in vals if isinstance(x, (int, float)) and math.isfinite(x)]
    return float(np.mean(v)) if v else math.nan


def _lr_text(c: Cell, a: str) -> str:
    if a not in c.numbers["lr"]:
        return "not run"
    return f"{c.numbers['lr'][a]:.4g}" + (
        "" if c.numbers["below_chance"].get(a, True) else " (none below chance)"
    )


def _p(p: float) -> str:
    if math.isnan(p):
        return "n/a"
    return "< 1e-15" if p < 1e-15 else f"{p:.2g}"


def finish(
    pm: PairedMap,
    spec: MapSpec,
    cells: list[Cell],
    *,
    quick: bool,
    data_dir: str | None,
    seconds: float,
    rule: str,
    setting_prefix: str,
    details_prefix: str = "",
    numbers: Mapping[str, Any] | None = None,
    figures: Sequence[tuple[str, Any]] = (),
) -> ClaimResult:
    """Decide every cell and the map, and build the claim's result (table, figure, intervals)."""
    comps = [[pm.diffs(c, a, b, j) for j, (a, b) in enumerate(pm.comparisons)] for c in cells]
    decisions = decide_cells(comps, pm.margin)
    for c, d, ds in zip(cells, decisions, comps):
        c.verdict = d["verdict"]
        c.in_scope = pm.in_scope(c)
        c.numbers["p_claimed"] = d["p_claimed"]
        c.numbers["p_small"] = d["p_small"]
        c.numbers["diff_ci"] = [mean_ci(x) if x else (math.nan,) * 3 for x in ds]
        c.numbers["metric"] = {a: _mean([pm.metric(r) for r in rs]) for a, rs in c.results.items()}
        c.numbers["diverged"] = {a: sum(r.diverged for r in rs) for a, rs in c.results.items()}
    verdict = scoped_verdict(pm.kind, [(c.verdict, c.in_scope) for c in cells])

    comp_names = list(pm.comparison_names) or [f"{a} vs {b}" for a, b in pm.comparisons]
    columns = ["optimizer", "depth", "width", "init", "dataset", "rate", "in scope"]
    columns += [f"lr {a}" for a in pm.activations] + [f"{pm.metric_name} {a}" for a in pm.activations]
    for n in comp_names:
        columns += [f"d {n} [bootstrap 95%]", f"Holm p {n} (claimed / below margin)"]
    columns += ["cell", "diverged"] + list(pm.extra_columns)
    rows = []
    for c in cells:
        row = [c.setup[a] for a in _SETUP_AXES] + [c.lr_label, "yes" if c.in_scope else "no"]
        row += [_lr_text(c, a) for a in pm.activations]
        row += [fmt(c.numbers["metric"].get(a, math.nan)) for a in pm.activations]
        for j in range(len(pm.comparisons)):
            dci = c.numbers["diff_ci"][j]
            row += [
                "n/a" if math.isnan(dci[0]) else fmt_ci(dci),
                f"{_p(c.numbers['p_claimed'][j])} / {_p(c.numbers['p_small'][j])}",
            ]
        row += [c.verdict, "/".join(str(c.numbers["diverged"].get(a, "-")) for a in pm.activations)]
        if pm.extra is not None:
            row += list(pm.extra(c))
        rows.append(row)

    def headline(c: Cell) -> float:
        v = c.numbers["diff_ci"][0][0]
        return v if not math.isnan(v) else -math.inf

    scoped = [c for c in cells if c.in_scope] or cells
    top = max(scoped, key=headline) if scoped else None
    finite = [c.numbers["diff_ci"][0][0] for c in cells if not math.isnan(c.numbers["diff_ci"][0][0])]
    lo, hi = (min(finite), max(finite)) if finite else (-1.0, 1.0)
    span = max(abs(lo), abs(hi), 1e-9)
    fig = map_figure(
        cells,
        lambda c: c.numbers["diff_ci"][0][0],
        title=f"{comp_names[0]}: mean paired difference of {pm.metric_name}, signed so the claim says > 0 "
        "(+ held, - not held, ? inconclusive; * in scope)",
        label=f"d ({pm.metric_name})",
        vmin=-span,
        vmax=span,
    )
    region = describe_region(cells, "held")
    ci: dict[str, tuple[float, float, float]] = {}
    where = ""
    if top is not None:
        where = f"{top.setup_label()}, {top.lr_label}"
        for n, x in zip(comp_names, top.numbers["diff_ci"]):
            what = "claimed > 0" if pm.metrics else f"{pm.metric_name}, claimed > 0"  # names say the metric
            ci[f"d {n} ({what}), {where}"] = x
    missing = sorted(
        {f"{a} in {c.setup_label()}" for c in cells for a in pm.activations if a not in c.results}
    )
    fallback = sorted(
        {
            f"{a} in {c.setup_label()}"
            for c in cells
            for a in pm.activations
            if a in c.results and not c.numbers["below_chance"].get(a, True)
        }
    )
    details = (
        details_prefix
        + f"Held (Holm-adjusted over {len(cells) * len(pm.comparisons)} comparisons): {region}. "
        f"Not held: {describe_region(cells, 'not held')}. In scope: {pm.scope_text}. "
        + (f"Largest in-scope difference ({comp_names[0]}) at {where}: "
           f"{fmt_ci(top.numbers['diff_ci'][0])}. " if top else "")
        + (f"No probe of these got below the chance loss (they ran at the others' stable rate): "
           f"{'; '.join(fallback)}. " if fallback else "")
        + (f"Not run (every probe non-finite): {'; '.join(missing)}. " if missing else "")
        + "Differences: mean over seeds with a bootstrap 95% interval; p-values: one-sided paired t-tests."
    )  # fmt: skip
    dsets = sorted({str(c.setup["dataset"]) for c in cells})
    descs = "; ".join(data_settings(d, quick, data_dir).describe for d in dsets)
    setting = (
        f"{descs}; {setting_prefix} Each activation at the cell's multiple of its own largest stable rate "
        "(measured per setup with that activation: 1-epoch probes on 1e-4..10, a factor sqrt(10) apart; "
        "stable = finite loss below chance), the same seeds (init and batch order) for every activation."
        + (
            f" Cells at an absolute rate ({', '.join(f'{v:g}' for v in spec.lr)}) train every activation at "
            "that rate."
            if spec.lr
            else ""
        )
        + (" Quick mode: a smaller grid, fewer epochs." if quick else "")
        + f" The cells' trials took {trial_seconds(cells):.0f} s of training in all."
    )
    nums = {
        "margin": pm.margin,
        "stable_lr": {
            f"{c.setup_label()} / {a}": v for c in cells for a, v in c.numbers["stable_lr"].items()
        },
        **dict(numbers or {}),
    }
    return map_result(
        cells=cells,
        spec=spec,
        verdict=verdict,
        region=region,
        numbers=nums,
        columns=columns,
        rows=rows,
        dsets=dsets,
        key=pm.key,
        statement=pm.statement,
        source=pm.source,
        setting=setting,
        rule=rule,
        ci=ci,
        details=details,
        figures=[("Map: mean paired difference per cell, with each cell's verdict", fig), *figures],
        quick=quick,
        seconds=seconds,
    )


def spec_for(default: MapSpec, quick_spec: MapSpec, quick: bool, dataset: str | None, data_dir: str | None,
             overrides: Mapping[str, Any] | None) -> MapSpec:  # fmt: skip
    """The claim's grid: quick or full, with ``overrides``, on the claims' dataset when none is set."""
    spec = (quick_spec if quick else default).override(overrides)
    if spec.dataset == (None,):
        spec = spec.override({"dataset": (data_settings(dataset, quick, data_dir).name,)})
    return spec
