"""Claim: a unit that never activates at initialisation is never adjusted by gradient training.

Guide 001 (quoting "A Gentle Introduction to the Rectified Linear Unit"): "a gradient-based
optimization algorithm will not adjust the weights of a unit that never activates initially".
The mechanism is the chain rule: a ReLU unit whose input is <= 0 on every sample of a batch
passes no gradient to its incoming weights and bias at that step.

Measured with the lab's unit tracker (actlab.lab.units) on every trial: one pass in eval mode
over *every* training input at initialisation finds the ReLU units that are dead on all of them
(*born dead*: f(x) = 0 or f'(x) = 0 on every input); at every training step a forward hook
records which units had f'(x) != 0 on some sample of the batch, and a gradient hook checks that
a unit never active so far received exactly zero gradient on its incoming weights and bias
(counted, not assumed); after every epoch a full pass again and a bit-for-bit comparison of each
unit's incoming parameters with their initial values. A born-dead unit is *adjusted* when its
incoming weights or bias differ from their initial values at the end. Reported beside the
verdict: the born-dead units that were revived (alive on some input at a later full pass), those
never active at any step, the units whose parameters changed while never active (AdamW's weight
decay shrinks every weight whatever the gradient), the units that got a nonzero gradient before
they were first active (the chain rule says none), and the units that died later (alive at
initialisation, dead at the end), apart from the born dead. Units of the first hidden layer see
the fixed training inputs, so a born-dead unit there stays dead under any optimizer without
weight decay; a deeper one sees the earlier layers' outputs, which training changes.

Run as a map (claims/maps.py) over optimizer (SGD, SGD + momentum 0.9, Adam, AdamW), the learning
rate relative to each setup's measured largest stable rate (measured with ReLU) and depth; MLPs
of 128 ReLU units with torch's default init (deep default-init ReLU nets have many born-dead
units in their later layers), batch 64.

Decision rule (fixed before any result of this claim was seen): per cell, pool the born-dead
units of the seeds that did not diverge, k adjusted of n, and test H0 "adjusted share <= 0.05"
with the one-sided score test, Holm-adjusted over all cells (maps.share_cells). A cell is not
held if its adjusted p < 0.05 and more than 5% of the born-dead units were adjusted in more than
half of its non-diverged seeds with born-dead units; held if the upper end of the Wilson 95%
interval of k/n is < 0.05 (at most a few per cent are ever adjusted); inconclusive otherwise,
also with fewer than 10 born-dead units pooled or more than half of the seeds diverged. The
guide states no condition ("a gradient-based optimization algorithm"), so every cell is in scope
and the claim is universal: held if every cell is held; held in part if some cell is held (the
region is named); refuted if no cell is held and some cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from ..stats import wilson_ci
from ..units import track_totals
from .base import ClaimResult, Stopwatch, data_settings, decision_rule
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

__all__ = [
    "ADJUSTED", "DEFAULT", "KEY", "KIND", "MIN_UNITS", "QUICK", "SOURCE", "STATEMENT", "cell_counts",
    "decide", "decide_cells", "run",
]  # fmt: skip

KEY = "born_dead"
STATEMENT = "A unit that never activates at initialisation is never adjusted by gradient-based training."
SOURCE = (
    "Guide 001 (quoting 'A Gentle Introduction to the Rectified Linear Unit'): 'a gradient-based "
    "optimization algorithm will not adjust the weights of a unit that never activates initially'"
)
KIND = "universal"
ADJUSTED = 0.05  # a cell refutes "never adjusted" when more than this share of born-dead units was adjusted
ALPHA = 0.05
MIN_UNITS = 10  # fewer born-dead units pooled over a cell's seeds: nothing to judge
DEFAULT = MapSpec(
    optimizer=("sgd", "sgd+momentum", "adam", "adamw"), lr_rel=(0.1, 1.0), depth=(3, 6), width=(128,),
    seeds=5, epochs=3,
)  # fmt: skip
QUICK = MapSpec(optimizer=("sgd", "adam"), lr_rel=(1.0,), depth=(6,), width=(128,), seeds=3, epochs=2)
# the trials of leaky_recovery's ReLU half are these (same base, same grids): a shared store holds them once
BASE = {"model": "mlp", "batch_size": 64, "track_units": True}


def _usable(rs) -> list:
    return [r for r in rs if not r.diverged and r.unit_tracks]


def cell_counts(rs: Sequence[Any]) -> dict[str, Any]:
    """The decision's counts of one cell's ReLU trials, and the reported ones (pooled totals of
    :func:`~actlab.lab.units.track_totals`, and the first hidden layer's own)."""
    ok = _usable(rs)
    tot: dict[str, int] = {}
    first: dict[str, int] = {}
    for r in ok:
        for k, v in track_totals(r.unit_tracks).items():
            tot[k] = tot.get(k, 0) + v
        for k, v in track_totals(r.unit_tracks, layers=[0]).items():
            first[k] = first.get(k, 0) + v
    with_born = [track_totals(r.unit_tracks) for r in ok]
    with_born = [t for t in with_born if t["born_dead"] > 0]
    return {
        "k": tot.get("born_dead_adjusted", 0),
        "n": tot.get("born_dead", 0),
        "seeds": len(rs),
        "seeds_ok": len(with_born),
        "seeds_above": sum(t["born_dead_adjusted"] > ADJUSTED * t["born_dead"] for t in with_born),
        "seeds_finished": len(ok),
        "totals": tot,
        "first_layer": first,
    }


def decide_cells(counts: Sequence[Mapping[str, int]]) -> list[tuple[str, float]]:
    """(verdict, Holm-adjusted p) per cell from ``k`` adjusted of ``n`` born-dead units pooled over
    the cell's seeds, ``seeds_above`` of ``seeds_ok`` seeds (with born-dead units) whose own adjusted
    share > ADJUSTED, ``seeds`` run: above ADJUSTED is not held, below it held
    (:func:`~actlab.lab.claims.maps.share_cells`)."""
    verdict = {"above": "not held", "below": "held", "unclear": "inconclusive"}
    return [(verdict[v], p) for v, p in share_cells(counts, ADJUSTED, alpha=ALPHA, min_n=MIN_UNITS)]


def decide(counts: Sequence[Mapping[str, int]], in_scope: Sequence[bool] | None = None) -> str:
    """The scoped verdict from every cell's counts (``in_scope``: per cell; default all)."""
    scope = in_scope if in_scope is not None else [True] * len(counts)
    return scoped_verdict(KIND, [(v, s) for (v, _), s in zip(decide_cells(counts), scope)])


def _w(k: int, n: int) -> str:
    if not n:
        return "n/a"
    est, lo, hi = wilson_ci(k, n)
    return f"{k}/{n} = {est:.3f} [{lo:.3f}, {hi:.3f}]"


def _frac(k: int, n: int) -> str:
    return f"{k}/{n}" if n else "0/0"


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
    an interrupted map resumes)."""
    spec = (QUICK if quick else DEFAULT).override(overrides)
    if spec.dataset == (None,):
        spec = spec.override({"dataset": (data_settings(dataset, quick, data_dir).name,)})
    with Stopwatch() as sw:
        cells = run_map(
            spec, activations=("relu",), reference="relu", base=BASE, quick=quick, data_dir=data_dir,
            store=store, runner=runner, workers=workers,
        )  # fmt: skip
        for c in cells:
            c.numbers = cell_counts(c.results["relu"])
            c.in_scope = True
        for c, (v, p) in zip(cells, decide_cells([c.numbers for c in cells])):
            c.verdict = v
            c.numbers["holm_p"] = p
        verdict = scoped_verdict(KIND, [(c.verdict, c.in_scope) for c in cells])

        def share(c: Cell) -> float:
            return c.numbers["k"] / c.numbers["n"] if c.numbers["n"] else math.nan

        fig = map_figure(
            cells,
            share,
            title="share of born-dead ReLU units adjusted by the end (+ held, - not held, ? inconclusive)",
            label="adjusted / born dead (pooled over seeds)",
        )

    columns = [
        "optimizer", "depth", "width", "init", "dataset", "stable lr", "rate", "born dead / units",
        "adjusted [Wilson 95%]", "Holm p", "cell", "revived", "never active", "changed while never active",
        "nonzero grad before first active", "born dead in layer 1 / adjusted", "died later / dead at end",
        "seeds finished",
    ]  # fmt: skip
    rows = []
    for c in cells:
        m, t, f = c.numbers, c.numbers["totals"], c.numbers["first_layer"]
        rows.append(
            [
                c.setup["optimizer"], c.setup["depth"], c.setup["width"], c.setup["init"], c.setup["dataset"],
                f"{c.stable_lr:.4g}", c.lr_label, _frac(m["n"], t.get("n_units", 0)), _w(m["k"], m["n"]),
                "n/a" if math.isnan(m["holm_p"]) else f"{m['holm_p']:.2g}", c.verdict,
                _frac(t.get("born_dead_revived", 0), m["n"]),
                _frac(t.get("born_dead_never_active", 0), m["n"]),
                t.get("changed_while_inactive", 0), t.get("grad_while_inactive", 0),
                f"{f.get('born_dead', 0)} / {f.get('born_dead_adjusted', 0)}",
                f"{t.get('died', 0)} / {t.get('dead_at_end', 0)}", f"{m['seeds_finished']}/{m['seeds']}",
            ]
        )  # fmt: skip

    def total(key: str) -> int:
        return sum(c.numbers["totals"].get(key, 0) for c in cells)

    n_all, k_all = total("born_dead"), total("born_dead_adjusted")
    first_n = sum(c.numbers["first_layer"].get("born_dead", 0) for c in cells)
    first_k = sum(c.numbers["first_layer"].get("born_dead_adjusted", 0) for c in cells)
    region = describe_region(cells, "held")
    details = (
        f"Born-dead ReLU units (dead on every training input at initialisation): {n_all} of "
        f"{total('n_units')} over the map; adjusted by the end: {_w(k_all, n_all)}. Held (at most a few "
        f"per cent adjusted; Holm over {len(cells)} cells): {region}. Not held: "
        f"{describe_region(cells, 'not held')}. Of the born-dead units, {total('born_dead_revived')} were "
        f"revived (alive on some input at a later full pass) and {total('born_dead_never_active')} were "
        f"never active at any training step. First hidden layer (fixed inputs): {first_n} born dead, "
        f"{first_k} adjusted. Mechanism: units that got a nonzero gradient before they were first active: "
        f"{total('grad_while_inactive')} (the chain rule says 0); units whose incoming parameters changed "
        f"while never active: {total('changed_while_inactive')} (weight decay: AdamW). Units that died later "
        f"(alive at initialisation, dead at the end): {total('died')}, beside {total('dead_at_end')} dead at "
        "the end. Intervals: Wilson 95% over units pooled across non-diverged seeds."
    )
    dsets = sorted({c.setup["dataset"] for c in cells})
    descs = "; ".join(data_settings(d, quick, data_dir).describe for d in dsets)
    setting = (
        f"{descs}; MLP, batch {BASE['batch_size']}, ReLU, every hidden unit followed by the unit tracker "
        "(full passes over every training input at initialisation and after every epoch, gradient hooks at "
        "every step); the largest stable rate of each setup measured with ReLU (1-epoch probes on 1e-4..10, "
        "a factor sqrt(10) apart; stable = finite loss below chance)."
        + (" Quick mode: a smaller grid, fewer epochs." if quick else "")
        + f" The cells' trials took {trial_seconds(cells):.0f} s of training in all."
    )
    top = max(cells, key=lambda c: c.numbers["n"]) if cells else None
    ci = {}
    if top is not None and top.numbers["n"]:
        ci[f"born-dead units adjusted (Wilson over units), {top.setup_label()}, {top.lr_label}"] = wilson_ci(
            top.numbers["k"], top.numbers["n"]
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
            "born_dead": n_all,
            "born_dead_adjusted": k_all,
            "born_dead_revived": total("born_dead_revived"),
            "born_dead_never_active": total("born_dead_never_active"),
            "first_layer_born_dead": first_n,
            "first_layer_born_dead_adjusted": first_k,
            "grad_while_inactive": total("grad_while_inactive"),
            "changed_while_inactive": total("changed_while_inactive"),
            "died_later": total("died"),
            "dead_at_end": total("dead_at_end"),
            "stable_lr": {c.setup_label(): c.stable_lr for c in cells},
        },
        ci=ci,
        details=details,
        figures=[("Map: share of born-dead ReLU units adjusted by the end, with each cell's verdict", fig)],
        quick=quick,
        seconds=sw.seconds,
    )
