"""Claim: ELU's mean activations are closer to zero than ReLU's, and its training loss falls faster.

Clevert et al. argue that ELU's negative values push the mean unit activation toward zero,
which brings the gradient closer to the natural gradient and speeds up learning; their MNIST
figure shows, for an 8-layer network of 128 units, the median over units of each unit's mean
activation (ELU's closest to zero) and the training cross-entropy (ELU's falling fastest).

Run as a map (claims/maps.py, claims/paired.py) over the optimizer (plain SGD, Adam), depth (4,
8 hidden layers of 128 units, He-normal init, batch 64) and the rate: the paper's absolute rate
0.01 for both activations, and each activation at its own largest stable rate. **In scope**:
the source's conditions, plain SGD at lr 0.01 with 8 layers. Mean activation: after training,
one pass over (up to 10,000) training samples; per hidden layer the median over units of the
unit's mean output (the lab's ActivationMonitor); then the average over the layers of its
absolute value. Loss speed: the mean of the per-epoch training loss over all epochs (the area
under the training-loss curve; lower = fell faster).

Decision rule (fixed before the map was run; it replaces the one-setting rule of the first
version, an amendment recorded in docs/claims.md): per cell, two comparisons with the same
seeds (init and batch order): d_mean = |mean activation| (ReLU) - |mean activation| (ELU) and
d_loss = loss area (ReLU) - loss area (ELU), both claimed > 0; for each, one-sided paired
t-tests of H0 "mean d <= 0" and H0 "mean d >= 0.01" (a hundredth of an activation unit, or of a
nat, does not matter), each side Holm-adjusted over every comparison of the map. A cell is held
if both comparisons' adjusted p on the claimed side are < 0.05; not held if one comparison's
adjusted p on the margin side is < 0.05; inconclusive otherwise (also with fewer than 3 seed
pairs where both runs finished). The claim is universal within its scope: held if every
in-scope cell is held; held in part if some cell held but not every in-scope one (the region is
named); refuted if no cell held and an in-scope cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from .base import ClaimResult, fmt
from .maps import Cell, MapSpec
from .paired import PairedMap

__all__ = ["AMENDMENTS", "DEFAULT", "KEY", "KIND", "MARGIN", "QUICK", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "elu_mean"
STATEMENT = "ELU's mean activations are closer to zero than ReLU's, and its training loss falls faster."
SOURCE = (
    "Clevert, Unterthiner & Hochreiter 2016, Fast and Accurate Deep Network Learning by ELUs (ICLR), "
    "Fig. 2 / sec. 4.1"
)
KIND = "universal"
MARGIN = 0.01
SOURCE_LR = 0.01
DEFAULT = MapSpec(
    optimizer=("sgd", "adam"), lr=(SOURCE_LR,), lr_rel=(1.0,), depth=(4, 8), width=(128,), init=("he",),
    seeds=5, epochs=10,
)  # fmt: skip
QUICK = MapSpec(
    optimizer=("sgd",), lr=(SOURCE_LR,), lr_rel=(), depth=(8,), width=(128,), init=("he",), seeds=5, epochs=4
)
BASE = {"model": "mlp", "batch_size": 64}  # the monitor's pass after training gives the mean activations
AMENDMENTS = (
    "2026-12-03, run as a map. Before: one setting, fashion-mnist 10,000/2,000, MLP 8 x 128, He-normal "
    "init, plain SGD lr 0.01, batch 64, 15 epochs, 5 seeds; each part held if the bootstrap 95% CI over "
    "seeds of its paired difference ELU - ReLU lay below 0, not held if above; the claim held if both "
    "parts held. That run (`actlab claims --out out/claims --markdown docs/claims.md --workers 1`, "
    "2026-12-02) gave |mean activation| ELU - ReLU -0.2898 [-0.3345, -0.2453] and a lower loss area for "
    "ELU: **held**. The map and the rule above replaced it (paired t-tests against a margin, Holm over "
    "the map's comparisons)."
)


def abs_mean(r) -> float:
    """The average over hidden layers of |median over units of the unit's mean output| after
    training (NaN: diverged, or no monitor pass)."""
    meds = [s["unit_mean_median"] for s in r.layer_stats]
    return float(np.mean(np.abs(meds))) if meds and not r.diverged else math.nan


def loss_area(r) -> float:
    """Mean per-epoch training loss (NaN when the run diverged)."""
    return math.nan if r.diverged or not r.train_loss else float(np.mean(r.train_loss))


def in_scope(c: Cell) -> bool:
    """The source's conditions: plain SGD at lr 0.01 with 8 hidden layers."""
    return c.setup["optimizer"] == "sgd" and c.setup["depth"] == 8 and not c.rel_given and c.lr == SOURCE_LR


def _mean_of(c: Cell, a: str, f) -> str:
    return fmt(float(np.nanmean([f(r) for r in c.results[a]]))) if a in c.results else "-"


PAIRED = PairedMap(
    key=KEY,
    statement=STATEMENT,
    source=SOURCE,
    kind=KIND,
    activations=("elu", "relu"),
    comparisons=(("elu", "relu"), ("elu", "relu")),
    metrics=(abs_mean, loss_area),
    comparison_names=("|mean activation| relu - elu", "loss area relu - elu"),
    metric=abs_mean,
    metric_name="|mean activation|",
    higher_is_better=False,
    margin=MARGIN,
    default=DEFAULT,
    quick_spec=QUICK,
    module=__name__,
    setting_prefix=f"MLP, He-normal init, batch {BASE['batch_size']}, ELU (alpha 1) and ReLU in every cell.",
    details_prefix=(
        "d_mean = |mean activation| of ReLU - that of ELU, d_loss = mean training loss of ReLU - that of "
        "ELU, per seed (> 0: as claimed). "
    ),
    base=BASE,
    in_scope=in_scope,
    scope_text="plain SGD at lr 0.01 with 8 hidden layers (the source's)",
    extra_columns=("loss area elu / relu",),
    extra=lambda c: [" / ".join(_mean_of(c, a, loss_area) for a in ("elu", "relu"))],
)


# the module's rule and run are PAIRED's (claims/paired.py); decide takes per cell [d_mean, d_loss],
# the per-seed differences ReLU - ELU
decide = PAIRED.decide


def run(quick: bool = False, dataset: str | None = None, **kw: Any) -> ClaimResult:
    """Run the map on ``dataset`` (default: see :func:`~actlab.lab.claims.default_dataset`); keywords
    as :meth:`~actlab.lab.claims.paired.PairedMap.run` (``overrides``, ``store``, ...)."""
    return dataclasses.replace(PAIRED.run(quick, dataset, **kw), amendments=AMENDMENTS)
