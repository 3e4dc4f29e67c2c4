"""Claim: with sigmoid hidden units a network refuses to learn, or learns very slowly after some epochs.

Guide 000 (Mate Labs) on sigmoid: "the network refuses to learn or the learning is very slow
after certain epochs" (the vanishing gradient: sigma' <= 1/4 squeezes the error at every layer);
guide 003 says the same of saturated sigmoid units. Tested against ReLU, the guides' remedy, as
a map (claims/maps.py) over optimizer (plain SGD, Adam) and depth; every cell trains both, each
at the same multiple of its own largest stable rate (claims/paired.py), MLPs of 128 units,
torch's default init, batch 64, the same seeds (init and batch order) for both.

"Stalls", made precise: epoch t (2 <= t <= E) of a run is *stalled* when the running training
loss fell by less than 1% from epoch t-1 (L[t-1] - L[t] < 0.01 L[t-1], a rise included) while
the training error of epoch t is still above 0.2 (the net has not learnt the task: every
dataset here is learnt to below 20% training error by a working MLP within a few epochs). The
measure of a run is its number of stalled epochs S (0 .. E-1); "refuses to learn" (a loss flat
from the start) and "very slow after certain epochs" (flat later) both count. A run whose loss
became non-finite has no value (its pair is dropped). Reported beside it, not judged: the
saturated share of the sigmoid units per layer (|f'| < 0.01 on more than 99% of 1,000 fixed
training samples; the lab's per-epoch monitor) at initialisation and after the last epoch.

Decision rule (fixed before any result of this claim was seen): per cell, d = S (sigmoid) - S
(ReLU) per seed (claimed > 0); one-sided paired t-tests of H0 "mean d <= 0" and of H0 "mean d >=
1" (one stalled epoch more: less is not "refusing to learn"), each side Holm-adjusted over all
cells. A cell is held if its adjusted p on the claimed side is < 0.05; else not held if its
adjusted p on the margin side is < 0.05; else inconclusive (also with fewer than 3 seed pairs
where both runs finished). The guide states no condition, so every cell is in scope; read as
"this happens to sigmoid networks" the claim is existential: held if some cell is held (the
region is named); refuted if every cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .maps import Cell, MapSpec
from .paired import PairedMap

__all__ = [
    "DEFAULT", "KEY", "KIND", "MARGIN", "QUICK", "SOURCE", "STATEMENT", "decide", "run", "stalled_epochs",
]  # fmt: skip

KEY = "sigmoid_stalls"
STATEMENT = "With sigmoid hidden units a network refuses to learn, or learns very slowly after some epochs."
SOURCE = (
    "Guide 000 (Mate Labs, 2017), on sigmoid: 'the network refuses to learn or the learning is very slow "
    "after certain epochs'; guide 003 on saturated sigmoid units"
)
KIND = "existential"
MARGIN = 1.0
MIN_DROP = 0.01  # relative loss decrease per epoch below which an epoch is stalled
ERROR_TARGET = 0.2  # ... while the training error is still above this
DEFAULT = MapSpec(optimizer=("sgd", "adam"), lr_rel=(0.3,), depth=(2, 5), width=(128,), seeds=5, epochs=10)
QUICK = MapSpec(optimizer=("sgd",), lr_rel=(0.3,), depth=(5,), width=(128,), seeds=5, epochs=5)
BASE = {"model": "mlp", "batch_size": 64}


def stalled_epochs(loss: Sequence[float], error: Sequence[float]) -> int:
    """Number of epochs t >= 2 whose loss fell by less than MIN_DROP (relative) from epoch t-1
    while the training error stayed above ERROR_TARGET."""
    n = 0
    for t in range(1, min(len(loss), len(error))):
        if loss[t - 1] - loss[t] < MIN_DROP * loss[t - 1] and error[t] > ERROR_TARGET:
            n += 1
    return n


def _stalls(r) -> float:
    if r.diverged or not r.train_loss:
        return math.nan
    return float(stalled_epochs(r.train_loss, r.train_error))


def _saturation(rs, row: int) -> str:
    """Saturated share per hidden layer at monitor checkpoint ``row`` (0: init, -1: end), mean over runs."""
    per = [
        [layer["saturated_fraction"] for layer in r.monitor_curve[row]["layers"]]
        for r in rs
        if r.monitor_curve and not r.diverged
    ]
    if not per:
        return "n/a"
    m = np.nanmean(np.asarray(per, dtype=float), axis=0)
    return "[" + ", ".join(f"{v:.2f}" for v in m) + "]"


def _extra(c) -> list[str]:
    sig = c.results.get("sigmoid", [])
    relu = c.results.get("relu", [])
    return [
        f"{_saturation(sig, 0)} -> {_saturation(sig, -1)}",
        _saturation(relu, -1),
        " / ".join(f"{np.nanmean([_stalls(r) for r in rs]):.1f}" if rs else "-" for rs in (sig, relu)),
    ]


def _figures(spec: MapSpec, cells: list[Cell]) -> list[tuple[str, Any]]:
    """The training-loss curves of both activations at the map's largest depth (every optimizer and
    rate pooled): where a stall shows as a flat stretch."""
    from .base import plot_curves

    deepest = max(spec.depth)
    sg = [r.train_loss for c in cells for r in c.results.get("sigmoid", []) if c.setup["depth"] == deepest]
    rl = [r.train_loss for c in cells for r in c.results.get("relu", []) if c.setup["depth"] == deepest]
    if not (sg and rl):
        return []
    fig = plot_curves(
        {"sigmoid": sg, "relu": rl},
        ylabel="training loss (running, per epoch)",
        title=f"depth {deepest}, every optimizer and rate of the map pooled",
        logy=True,
    )
    return [(f"Training loss per epoch at depth {deepest}, mean and 95% band over runs", fig)]


PAIRED = PairedMap(
    key=KEY,
    statement=STATEMENT,
    source=SOURCE,
    kind=KIND,
    activations=("sigmoid", "relu"),
    comparisons=(("sigmoid", "relu"),),
    metric=_stalls,
    metric_name="stalled epochs",
    higher_is_better=True,
    margin=MARGIN,
    default=DEFAULT,
    quick_spec=QUICK,
    module=__name__,
    setting_prefix=f"MLP, batch {BASE['batch_size']}, sigmoid and ReLU in every cell of the grid below.",
    details_prefix=(
        f"d = stalled epochs of sigmoid - those of ReLU, per seed (stalled: loss fell < {MIN_DROP:.0%} "
        f"while the training error was > {ERROR_TARGET:g}). "
    ),
    base=BASE,
    extra_columns=(
        "sigmoid saturated share per layer, init -> end",
        "ReLU saturated (dead) share per layer, end",
        "stalled epochs sigmoid / ReLU",
    ),
    extra=_extra,
    figures=_figures,
)


# the module's rule and run are PAIRED's (claims/paired.py, common to the paired claims); decide takes
# per cell the per-seed differences S (sigmoid) - S (ReLU)
decide = PAIRED.decide
run = PAIRED.run
