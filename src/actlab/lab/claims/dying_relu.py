"""Claim: ReLU units die under a high learning rate, while leaky ReLU's do not.

The guides' account: a large gradient step can push a ReLU unit's weights and bias so that its
input is negative for every example; the unit then outputs 0 and gets zero gradient forever.
Leaky ReLU keeps a small slope (0.01) for negative inputs, so its units keep a gradient.

"Units can die" is an existential claim about a region of conditions, not about one setting,
so it is run as a map (claims/maps.py): MLPs (batch 64, torch's default init unless
overridden) over optimizer (SGD, SGD + momentum 0.9, Adam, AdamW), learning rate relative to
each setup's measured largest stable rate, and depth; every cell trains ReLU and leaky ReLU
with the same seeds and the same absolute rate (the stable rate is measured with ReLU). A unit
is dead when, in one pass over (up to 10,000) training samples after training, it is never
active: f(x) = 0 or f'(x) = 0 on every sample (the lab's ActivationMonitor), so no gradient
reaches its incoming weights. The source's condition, "a high learning rate", is read as a rate
of at least a quarter of the largest stable one (cells with lr >= 0.25 x stable are in scope).

When units die is reported per cell, not judged: the monitor also runs at initialisation and
after every epoch on a fixed 1,000-sample subset, so a unit dead at the end is either *born
dead* (dead at initialisation already) or *died* (alive at initialisation), and units dead at
some epoch but alive at the end are counted as *recovered* (shares of the pooled ReLU units of
the non-diverged seeds; trials stored before this was measured show n/a).

The leaky half is not judged: with this definition a leaky unit can never be dead (f' = 0.01 on
negative inputs), so a "pass" would hold by construction. Reported instead, per cell: the share
of leaky units whose input was negative on every sample (they pass only 1% of the gradient),
with its Wilson interval.

Decision rule (fixed before this map was run; it replaces the one-setting rule of the first
version, an amendment recorded in docs/claims.md): per cell, pool the hidden ReLU units of the
seeds that did not diverge, k dead of n, and test H0 "dead share <= 0.05" with the one-sided
score test (the test the Wilson interval inverts); the p-values of all cells are Holm-adjusted
together, because the claim is held if any cell holds. A cell is held if its Holm-adjusted p <
0.05 and the dead share exceeds 0.05 in more than half of its non-diverged seeds (so one
collapsed network does not carry a cell); not held if the upper end of its Wilson 95% interval
is < 0.05; inconclusive otherwise, and also when more than half of its ReLU seeds diverged. The
claim (existential): held if some in-scope cell is held; held in part if cells held only below
the in-scope rates; refuted if every in-scope cell is not held; not reproduced in the tested
range if no in-scope cell was run and no cell held; inconclusive otherwise. Units of one network
are not independent, so the pooled Wilson interval is narrower than one over seeds would be; the
per-seed majority condition and the bootstrap over seeds (reported) guard against that.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from ..stats import wilson_ci
from .base import ClaimResult, Stopwatch, data_settings, decision_rule, fmt, fmt_ci, mean_ci
from .maps import (
    Cell,
    MapSpec,
    describe_region,
    map_figure,
    map_result,
    run_map,
    scoped_verdict,
    share_cells,
    trial_seconds,
)

__all__ = ["DEAD", "DEFAULT", "KEY", "KIND", "QUICK", "SOURCE", "STATEMENT", "decide", "decide_cells", "run"]

KEY = "dying_relu"
STATEMENT = "ReLU units die under a high learning rate, while leaky ReLU's do not."
SOURCE = (
    "Maas, Hannun & Ng 2013, Rectifier Nonlinearities Improve Neural Network Acoustic Models (ICML WDLASL), "
    "sec. 3; the activation guides' 'dying ReLU' section"
)
KIND = "existential"
DEAD = 0.05  # a cell "has dying units" when more than this share of its ReLU units is dead
ALPHA = 0.05
HIGH_REL = 0.25  # "a high learning rate": at least this multiple of the largest stable rate
ACTIVATIONS = ("relu", "leaky_relu")
DEFAULT = MapSpec(
    optimizer=("sgd", "sgd+momentum", "adam", "adamw"),
    lr_rel=(0.1, 0.3, 1.0),
    depth=(3, 6),
    width=(128,),
    seeds=5,
    epochs=5,
)
QUICK = MapSpec(optimizer=("sgd", "adam"), lr_rel=(1.0,), depth=(3,), width=(128,), seeds=5, epochs=3)
BASE = {"model": "mlp", "batch_size": 64}
AMENDMENTS = (
    "2026-12-02, rule amended (issue 11). Before: one setting, fashion-mnist 10,000/2,000, MLP 3 x 128, "
    "torch default init, plain SGD at lr 0.05 and 0.5, 10 epochs, 5 seeds; held if the bootstrap CI over "
    "seeds of ReLU's dead fraction at lr 0.5 was >= 0.05 and leaky ReLU's < 0.05. That run "
    "(`actlab claims --out out/claims --markdown docs/claims.md`, 2026-11-23) gave ReLU dead fraction "
    "0.003125 at lr 0.05 and 0 (every seed 0) at lr 0.5, leaky 0 by construction: **not held**. On that net "
    "SGD 0.5 is close to the rate that trains best, not a high one, and an existential claim cannot be "
    "decided by one setting; the map and the rule above replaced it, and its verdict is the one shown "
    "here. The leaky half, a pass by construction before, is now reported (negative-on-every-input share) "
    "and not judged."
)


def decide_cells(counts: Sequence[Mapping[str, int]]) -> list[tuple[str, float]]:
    """(verdict, Holm-adjusted p) per cell from its counts: ``k`` dead of ``n`` pooled ReLU units,
    ``seeds_above`` seeds with dead share > DEAD out of ``seeds_ok`` non-diverged of ``seeds``
    (:func:`~actlab.lab.claims.maps.share_cells`: above DEAD is held, below it not held)."""
    verdict = {"above": "held", "below": "not held", "unclear": "inconclusive"}
    return [(verdict[v], p) for v, p in share_cells(counts, DEAD, alpha=ALPHA)]


def decide(counts: Sequence[Mapping[str, int]], in_scope: Sequence[bool]) -> str:
    """The scoped verdict from every cell's counts and whether it is in the source's conditions."""
    return scoped_verdict(KIND, [(v, s) for (v, _), s in zip(decide_cells(counts), in_scope)])


def _units(r) -> int:
    return int(sum(s.get("n_units", 0) for s in r.layer_stats))


def _pooled(rs, attr: str) -> tuple[int, int]:
    k = n = 0
    for r in rs:
        v = getattr(r, attr)
        if r.diverged or v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        u = _units(r)
        k += int(round(v * u))
        n += u
    return k, n


def _fates(rs) -> dict[str, Any]:
    """Pooled unit fates over the non-diverged trials that measured them: {fate: (share, lo, hi)}
    (Wilson over units) for born_dead, died, recovered; NaN when none measured them."""
    tot: dict[str, int] = {"n_units": 0, "born_dead": 0, "died": 0, "recovered": 0}
    for r in rs:
        f = getattr(r, "unit_fates", None)
        if r.diverged or not f or not f.get("n_units"):
            continue
        for k in tot:
            tot[k] += int(f.get(k, 0))
    n = tot["n_units"]
    return {k: (wilson_ci(tot[k], n) if n else (math.nan,) * 3) for k in ("born_dead", "died", "recovered")}


def _measure(c: Cell) -> dict[str, Any]:
    relu, leaky = c.results["relu"], c.results["leaky_relu"]
    ok = [r for r in relu if not r.diverged]
    k, n = _pooled(relu, "dead_fraction")
    kl, nl = _pooled(leaky, "negative_fraction")
    kd, nd = _pooled(leaky, "dead_fraction")

    def acc(rs):
        v = [r.final_test_accuracy for r in rs if not r.diverged]
        return float(np.mean(v)) if v else math.nan

    return {
        "k": k,
        "n": n,
        "seeds": len(relu),
        "seeds_ok": len(ok),
        "seeds_above": sum(r.dead_fraction > DEAD for r in ok),
        "relu_dead": wilson_ci(k, n) if n else (math.nan,) * 3,
        "relu_dead_by_seed": mean_ci([r.dead_fraction if not r.diverged else math.nan for r in relu]),
        "leaky_negative": wilson_ci(kl, nl) if nl else (math.nan,) * 3,
        "leaky_dead": wilson_ci(kd, nd) if nd else (math.nan,) * 3,
        "relu_fates": _fates(relu),
        "acc_relu": acc(relu),
        "acc_leaky": acc(leaky),
        "diverged": f"{sum(r.diverged for r in relu)}/{sum(r.diverged for r in leaky)}",
    }


def _p(p: float) -> str:
    if math.isnan(p):
        return "n/a"
    return "< 1e-15" if p < 1e-15 else f"{p:.2g}"


def _share(ci: tuple[float, float, float]) -> str:
    return "n/a" if math.isnan(ci[0]) else f"{ci[0]:.3f}"


def _w(ci: tuple[float, float, float]) -> str:
    est, lo, hi = ci
    return "n/a" if math.isnan(est) else f"{est:.3f} [{lo:.3f}, {hi:.3f}]"


def run(
    quick: bool = False,
    dataset: str | None = None,
    *,
    data_dir: str | None = None,
    runner=None,
    overrides: Mapping[str, Any] | None = None,
    store: Any = None,
    workers: int | None = 1,
) -> ClaimResult:
    """Run the map on ``dataset`` (default: see :func:`~actlab.lab.claims.default_dataset`).

    ``overrides``: map axes to replace, e.g. ``{"optimizer": ["adam"], "lr": [0.01, 0.03],
    "depth": [3, 6]}`` (see :meth:`~actlab.lab.claims.maps.MapSpec.override`); ``store``: a
    sweep store path, so an interrupted map resumes.
    """
    spec = (QUICK if quick else DEFAULT).override(overrides)
    if spec.dataset == (None,):
        spec = spec.override({"dataset": (data_settings(dataset, quick, data_dir).name,)})
    with Stopwatch() as sw:
        cells = run_map(
            spec,
            activations=ACTIVATIONS,
            reference="relu",
            base=BASE,
            quick=quick,
            data_dir=data_dir,
            store=store,
            runner=runner,
            workers=workers,
        )
        for c in cells:
            c.numbers = _measure(c)
            c.in_scope = not math.isnan(c.lr_rel) and c.lr_rel >= HIGH_REL
        decisions = decide_cells([c.numbers for c in cells])
        for c, (v, p) in zip(cells, decisions):
            c.verdict = v
            c.numbers["holm_p"] = p
        verdict = scoped_verdict(KIND, [(c.verdict, c.in_scope) for c in cells])
        fig = map_figure(
            cells,
            lambda c: c.numbers["relu_dead"][0],
            title="dead share of ReLU units (+ held, - not held, ? inconclusive; * in scope)",
            label="dead ReLU units (pooled over seeds)",
        )
        fig2 = map_figure(
            cells,
            lambda c: c.numbers["leaky_negative"][0],
            title="leaky ReLU units negative on every input (not judged)",
            label="share of leaky units",
        )

    dsets = sorted({c.setup["dataset"] for c in cells})
    descs = "; ".join(data_settings(d, quick, data_dir).describe for d in dsets)
    columns = [
        "optimizer", "depth", "width", "init", "dataset", "stable lr", "lr", "lr / stable", "in scope",
        "ReLU dead [Wilson 95%, units]", "ReLU dead, mean over seeds [bootstrap]", "seeds > 5% dead",
        "Holm p", "cell", "ReLU born dead [Wilson]", "ReLU died [Wilson]", "ReLU recovered",
        "leaky negative on every input [Wilson]", "test acc ReLU / leaky", "diverged ReLU/leaky",
    ]  # fmt: skip
    rows = []
    first: dict[str, int] = {}
    for c in cells:
        first.setdefault(c.setup_label(), len(first))
    for c in sorted(cells, key=lambda c: (first[c.setup_label()], c.lr)):
        m = c.numbers
        rows.append(
            [
                c.setup["optimizer"], c.setup["depth"], c.setup["width"], c.setup["init"], c.setup["dataset"],
                f"{c.stable_lr:.4g}", f"{c.lr:.4g}", f"{c.lr_rel:.3g}", "yes" if c.in_scope else "no",
                _w(m["relu_dead"]), fmt_ci(m["relu_dead_by_seed"]), f"{m['seeds_above']}/{m['seeds_ok']}",
                _p(m["holm_p"]), c.verdict, _w(m["relu_fates"]["born_dead"]), _w(m["relu_fates"]["died"]),
                _share(m["relu_fates"]["recovered"]),
                _w(m["leaky_negative"]),
                f"{fmt(m['acc_relu'])} / {fmt(m['acc_leaky'])}", m["diverged"],
            ]
        )  # fmt: skip
    scope_cells = [c for c in cells if c.in_scope] or cells
    top = max(
        scope_cells,
        key=lambda c: c.numbers["relu_dead"][0] if not math.isnan(c.numbers["relu_dead"][0]) else -1,
    )
    where = f"{top.setup_label()}, {top.lr_label} (lr {top.lr:.4g})"
    region = describe_region(cells, "held")
    leaky_max = max(
        (c.numbers["leaky_negative"][0] for c in cells if not math.isnan(c.numbers["leaky_negative"][0])),
        default=math.nan,
    )
    leaky_dead_max = max(
        (c.numbers["leaky_dead"][0] for c in cells if not math.isnan(c.numbers["leaky_dead"][0])),
        default=math.nan,
    )
    details = (
        f"ReLU units died (dead share > {DEAD:g}, Holm-adjusted over {len(cells)} cells) in {region}. "
        f"Not held in: {describe_region(cells, 'not held')}. "
        f"Largest in-scope dead share: {_w(top.numbers['relu_dead'])} at {where}; of its ReLU units "
        f"{_w(top.numbers['relu_fates']['born_dead'])} were born dead (dead at initialisation and at the "
        f"end) and {_w(top.numbers['relu_fates']['died'])} died in training (alive at initialisation; fixed "
        "1,000-sample subset). "
        "Leaky half (not judged): leaky units are never dead by the monitor's definition (largest dead "
        f"share {fmt(leaky_dead_max)}), but up to {fmt(leaky_max)} of them were negative on every input, "
        "passing only the 0.01 slope's gradient. Intervals: Wilson 95% over units pooled across non-diverged "
        "seeds; "
        f"the per-seed mean has a bootstrap 95% interval over seeds."
    )
    setting = (
        f"{descs}; MLP, batch {BASE['batch_size']}, ReLU and leaky ReLU (slope 0.01) with the same seeds and "
        "rate "
        "in every cell of the grid below; the largest stable rate of each setup measured with ReLU (probe: "
        "1 epoch per rate on 1e-4..10, a factor sqrt(10) apart; stable = finite loss below chance)."
        + (" Quick mode: a smaller grid, fewer epochs." if quick else "")
        + f" The cells' trials took {trial_seconds(cells):.0f} s"
        " of training in all (one thread each; a rerun reads them back from the store)."
    )
    return map_result(
        cells=cells,
        spec=spec,
        verdict=verdict,
        region=region,
        columns=columns,
        rows=rows,
        dsets=dsets,
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=setting,
        rule=decision_rule(__name__),
        numbers={
            "max_leaky_negative_share": leaky_max,
            "max_leaky_dead_share": leaky_dead_max,
            "born_dead_share_at_top": top.numbers["relu_fates"]["born_dead"][0],
            "died_share_at_top": top.numbers["relu_fates"]["died"][0],
            "born_dead_share_max": max(
                (
                    c.numbers["relu_fates"]["born_dead"][0]
                    for c in cells
                    if not math.isnan(c.numbers["relu_fates"]["born_dead"][0])
                ),
                default=math.nan,
            ),
            "died_share_max": max(
                (
                    c.numbers["relu_fates"]["died"][0]
                    for c in cells
                    if not math.isnan(c.numbers["relu_fates"]["died"][0])
                ),
                default=math.nan,
            ),
            "stable_lr": {c.setup_label(): c.stable_lr for c in cells},
        },
        ci={
            f"ReLU dead share (Wilson over units), {where}": top.numbers["relu_dead"],
            f"leaky negative on every input (Wilson over units), {where}": top.numbers["leaky_negative"],
        },
        details=details,
        figures=[
            ("Map: dead share of ReLU units per cell (pooled over seeds), with each cell's verdict", fig),
            ("Map: share of leaky ReLU units whose input was negative on every sample", fig2),
        ],
        quick=quick,
        seconds=sw.seconds,
        amendments=AMENDMENTS,
    )
