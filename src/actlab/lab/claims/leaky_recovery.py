"""Claim: leaky ReLU units stuck negative recover during training, where ReLU units stay dead.

Guide 003 on leaky ReLU: "The main idea is to let the gradient be non zero and recover during
training eventually." A ReLU unit whose input is negative on every example passes no gradient to
its incoming weights (it can only come back if the layers before it change); a leaky unit there
still passes 0.01 of it, so its own weights keep moving.

Measured with the lab's unit tracker (actlab.lab.units) on every trial: a pass in eval mode
over *every* training input at initialisation and after every epoch marks each hidden unit whose
input was negative on all of them. A unit is *stuck* when it was so at some pass before the last,
and *recovered* when, stuck, its input was non-negative on some training input at the last pass.
Leaky ReLU (slope 0.01) and ReLU are compared by the share of their stuck units that recovered
(for ReLU, stuck means dead). Run as a map (claims/maps.py) with the grid and trials of
``born_dead`` (ReLU's trials are the same ones, so a shared store holds them once): optimizer (SGD,
SGD + momentum 0.9, Adam, AdamW), the learning rate relative to each setup's largest stable rate
measured with ReLU (both activations at the same absolute rate), depth; MLPs of 128 units,
torch's default init, batch 64, the same seeds (init and batch order) for both.

Decision rule (fixed before any result of this claim was seen): per cell, pool the stuck units
of the seeds where neither run diverged: leaky k_L recovered of n_L stuck, ReLU k_R of n_R. One
one-sided pooled two-proportion z-test of H0 "leaky's recovered share <= ReLU's" per cell,
Holm-adjusted over all cells. A cell is held if its adjusted p < 0.05 and leaky's recovered share
exceeds ReLU's in more than half of the seeds where both had stuck units; not held if the upper
end of the Newcombe 95% interval of the difference (leaky - ReLU) is < 0.05 (leaky units recover
no more often than ReLU ones, to within 5 points); inconclusive otherwise, also with fewer than 10
stuck units of either activation pooled or more than half of the seeds diverged. The guide
states no condition, so every cell is in scope; "units can recover" is existential: held if some
cell is held (the region is named); refuted if every cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from ..stats import holm, newcombe_ci, two_proportion_p, wilson_ci
from ..units import track_totals
from .base import ClaimResult, Stopwatch, data_settings, decision_rule
from .born_dead import BASE, DEFAULT, QUICK
from .maps import describe_region, map_figure, map_result, run_map, scoped_verdict, trial_seconds

__all__ = [
    "DEFAULT", "KEY", "KIND", "MARGIN", "MIN_UNITS", "QUICK", "SOURCE", "STATEMENT", "cell_counts", "decide",
    "decide_cells", "run",
]  # fmt: skip

KEY = "leaky_recovery"
STATEMENT = (
    "Leaky ReLU units stuck negative on every input recover during training, where ReLU units stay dead."
)
SOURCE = (
    "Guide 003, on leaky ReLU: 'The main idea is to let the gradient be non zero and recover during training "
    "eventually'"
)
KIND = "existential"
ALPHA = 0.05
MARGIN = 0.05  # a recovered share of leaky units no more than this above ReLU's: not held
MIN_UNITS = 10  # fewer stuck units of either activation pooled over a cell: nothing to judge
ACTIVATIONS = ("leaky_relu", "relu")


def cell_counts(leaky: Sequence[Any], relu: Sequence[Any]) -> dict[str, Any]:
    """Counts of one cell from its per-seed trial pairs (seed i of each shares init and batch order)."""
    kl = nl = kr = nr = 0
    pairs = above = 0
    ok = 0
    for a, b in zip(leaky, relu):
        if a.diverged or b.diverged or not a.unit_tracks or not b.unit_tracks:
            continue
        ok += 1
        ta, tb = track_totals(a.unit_tracks), track_totals(b.unit_tracks)
        kl, nl = kl + ta["recovered"], nl + ta["stuck"]
        kr, nr = kr + tb["recovered"], nr + tb["stuck"]
        if ta["stuck"] and tb["stuck"]:
            pairs += 1
            above += ta["recovered"] / ta["stuck"] > tb["recovered"] / tb["stuck"]
    return {
        "k_leaky": kl, "n_leaky": nl, "k_relu": kr, "n_relu": nr, "seeds": min(len(leaky), len(relu)),
        "seeds_ok": ok, "seed_pairs": pairs, "seeds_above": above,
    }  # fmt: skip


def decide_cells(counts: Sequence[Mapping[str, int]]) -> list[tuple[str, float]]:
    """(verdict, Holm-adjusted p) per cell from ``k_leaky`` recovered of ``n_leaky`` stuck leaky
    units, ``k_relu`` of ``n_relu`` ReLU ones, ``seeds_above`` of ``seed_pairs`` seeds where
    leaky's recovered share was the larger, ``seeds_ok`` of ``seeds`` usable."""
    raw = []
    for c in counts:
        usable = min(c["n_leaky"], c["n_relu"]) >= MIN_UNITS and c["seeds_ok"] * 2 >= c["seeds"]
        raw.append(
            two_proportion_p(c["k_leaky"], c["n_leaky"], c["k_relu"], c["n_relu"]) if usable else math.nan
        )
    out = []
    for c, p in zip(counts, holm(raw)):
        usable = min(c["n_leaky"], c["n_relu"]) >= MIN_UNITS and c["seeds_ok"] * 2 >= c["seeds"]
        if not usable:
            out.append(("inconclusive", p))
            continue
        _, _, hi = newcombe_ci(c["k_leaky"], c["n_leaky"], c["k_relu"], c["n_relu"])
        if not math.isnan(p) and p < ALPHA and c["seeds_above"] * 2 > c["seed_pairs"]:
            out.append(("held", p))
        elif hi < MARGIN:
            out.append(("not held", p))
        else:
            out.append(("inconclusive", p))
    return out


def decide(counts: Sequence[Mapping[str, int]], in_scope: Sequence[bool] | None = None) -> str:
    """The scoped verdict from every cell's counts (``in_scope``: per cell; default all)."""
    scope = in_scope if in_scope is not None else [True] * len(counts)
    return scoped_verdict(KIND, [(v, s) for (v, _), s in zip(decide_cells(counts), scope)])


def _w(k: int, n: int) -> str:
    if not n:
        return "n/a"
    est, lo, hi = wilson_ci(k, n)
    return f"{k}/{n} = {est:.3f} [{lo:.3f}, {hi:.3f}]"


def _diff(c: Mapping[str, int]) -> tuple[float, float, float]:
    if not (c["n_leaky"] and c["n_relu"]):
        return (math.nan, math.nan, math.nan)
    return newcombe_ci(c["k_leaky"], c["n_leaky"], c["k_relu"], c["n_relu"])


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
    """Run the map on ``dataset`` (``overrides``: map axes to replace; ``store``: a sweep store, so
    an interrupted map resumes and shares ``born_dead``'s ReLU trials)."""
    spec = (QUICK if quick else DEFAULT).override(overrides)
    if spec.dataset == (None,):
        spec = spec.override({"dataset": (data_settings(dataset, quick, data_dir).name,)})
    with Stopwatch() as sw:
        cells = run_map(
            spec, activations=ACTIVATIONS, reference="relu", base=BASE, quick=quick, data_dir=data_dir,
            store=store, runner=runner, workers=workers,
        )  # fmt: skip
        for c in cells:
            c.numbers = cell_counts(c.results["leaky_relu"], c.results["relu"])
            c.numbers["diff"] = _diff(c.numbers)
            c.in_scope = True
        for c, (v, p) in zip(cells, decide_cells([c.numbers for c in cells])):
            c.verdict = v
            c.numbers["holm_p"] = p
        verdict = scoped_verdict(KIND, [(c.verdict, c.in_scope) for c in cells])
        fig = map_figure(
            cells,
            lambda c: c.numbers["diff"][0],
            title="recovered share of stuck units, leaky - ReLU (+ held, - not held, ? inconclusive)",
            label="leaky - ReLU (pooled over seeds)",
            vmin=-1.0,
            vmax=1.0,
        )

    columns = [
        "optimizer", "depth", "width", "init", "dataset", "stable lr", "rate",
        "leaky recovered / stuck [Wilson]", "ReLU recovered / stuck [Wilson]", "difference [Newcombe 95%]",
        "Holm p", "seeds leaky > ReLU", "cell", "seeds finished",
    ]  # fmt: skip
    rows = []
    for c in cells:
        m = c.numbers
        d = m["diff"]
        rows.append(
            [
                c.setup["optimizer"], c.setup["depth"], c.setup["width"], c.setup["init"], c.setup["dataset"],
                f"{c.stable_lr:.4g}", c.lr_label, _w(m["k_leaky"], m["n_leaky"]),
                _w(m["k_relu"], m["n_relu"]),
                "n/a" if math.isnan(d[0]) else f"{d[0]:.3f} [{d[1]:.3f}, {d[2]:.3f}]",
                "n/a" if math.isnan(m["holm_p"]) else f"{m['holm_p']:.2g}",
                f"{m['seeds_above']}/{m['seed_pairs']}", c.verdict, f"{m['seeds_ok']}/{m['seeds']}",
            ]
        )  # fmt: skip

    def total(key: str) -> int:
        return sum(c.numbers[key] for c in cells)

    region = describe_region(cells, "held")
    scoped = [c for c in cells if not math.isnan(c.numbers["diff"][0])]
    top = max(scoped, key=lambda c: c.numbers["diff"][0]) if scoped else None
    details = (
        f"Stuck units (negative on every training input at some full pass before the last) that recovered by "
        f"the last pass, over the map: leaky {_w(total('k_leaky'), total('n_leaky'))}, ReLU "
        f"{_w(total('k_relu'), total('n_relu'))}. Held (Holm over {len(cells)} cells): {region}. Not held: "
        f"{describe_region(cells, 'not held')}."
        + (
            f" Largest difference (leaky - ReLU) at {top.setup_label()}, {top.lr_label}: "
            f"{top.numbers['diff'][0]:.3f} [{top.numbers['diff'][1]:.3f}, {top.numbers['diff'][2]:.3f}]."
            if top is not None
            else ""
        )
        + " Intervals: Wilson 95% (shares) and Newcombe 95% (difference) over units pooled across seeds."
    )
    dsets = sorted({c.setup["dataset"] for c in cells})
    descs = "; ".join(data_settings(d, quick, data_dir).describe for d in dsets)
    setting = (
        f"{descs}; MLP, batch {BASE['batch_size']}, leaky ReLU (slope 0.01) and ReLU with the same seeds and "
        "rate in every cell of the grid below, every hidden unit followed by the unit tracker (full passes "
        "over every training input at initialisation and after every epoch); the largest stable rate of each "
        "setup measured with ReLU (1-epoch probes on 1e-4..10, a factor sqrt(10) apart; stable = finite loss "
        "below chance)."
        + (" Quick mode: a smaller grid, fewer epochs." if quick else "")
        + f" The cells' trials took {trial_seconds(cells):.0f} s of training in all."
    )
    ci = {}
    if top is not None:
        ci[f"recovered share, leaky - ReLU (Newcombe over units), {top.setup_label()}, {top.lr_label}"] = (
            top.numbers["diff"]
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
            "leaky_stuck": total("n_leaky"),
            "leaky_recovered": total("k_leaky"),
            "relu_stuck": total("n_relu"),
            "relu_recovered": total("k_relu"),
            "stable_lr": {c.setup_label(): c.stable_lr for c in cells},
        },
        ci=ci,
        details=details,
        figures=[
            ("Map: recovered share of stuck units, leaky ReLU minus ReLU, with each cell's verdict", fig)
        ],
        quick=quick,
        seconds=sw.seconds,
    )
