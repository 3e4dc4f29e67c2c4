"""Claim: tanh networks converge faster than sigmoid networks.

Guide 000 (Mate Labs) on tanh: "tanh quickly converges than sigmoid", the usual explanation being
that tanh is zero-centred and its derivative is up to four times larger (tanh' <= 1, sigma' <=
1/4). The guide names no setting, so the claim is run as a map (claims/maps.py) over optimizer
(plain SGD, Adam), depth and the learning rate; every cell trains both activations, each at the
same multiple of **its own** largest stable rate (claims/paired.py: sigmoid's smaller gradient
would lose at a rate shared with tanh for that reason alone, which is not what "converges
faster" is about), MLPs of 128 units, batch 64, torch's default init, the same seeds (init and
batch order) for both.

Convergence speed of one run: the mean training loss over its epochs (the area under the
training-loss curve, as the running per-epoch loss; lower = converged faster). It uses the whole
curve, so no training-error target has to suit every cell; the final training error is reported
beside it. A run whose loss became non-finite has no value (its pair is dropped).

Decision rule (fixed before any result of this claim was seen): per cell, d = loss area (sigmoid)
- loss area (tanh) per seed (claimed > 0); one-sided paired t-tests of H0 "mean d <= 0" and of
H0 "mean d >= 0.01" (a hundredth of a nat of mean training loss: a difference below it does not
matter), each side Holm-adjusted over all cells. A cell is held if its adjusted p on the claimed
side is < 0.05; else not held if its adjusted p on the margin side is < 0.05; else
inconclusive (also with fewer than 3 seed pairs where both runs finished). The guide states no
condition, so every cell is in scope and the claim is universal: held if every cell is held;
held in part if some cell is held (the region is named); refuted if no cell is held and some
cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from .base import fmt
from .maps import MapSpec
from .paired import PairedMap

__all__ = ["DEFAULT", "KEY", "KIND", "MARGIN", "QUICK", "SOURCE", "STATEMENT", "decide", "loss_area", "run"]

KEY = "tanh_vs_sigmoid_speed"
STATEMENT = "tanh networks converge faster than sigmoid networks."
SOURCE = (
    "Guide 000 (Mate Labs, 'Secret sauce behind the beauty of deep learning', 2017), on tanh: "
    "'tanh quickly converges than sigmoid'"
)
KIND = "universal"
MARGIN = 0.01
DEFAULT = MapSpec(optimizer=("sgd", "adam"), lr_rel=(0.3, 1.0), depth=(2, 5), width=(128,), seeds=5, epochs=5)
QUICK = MapSpec(optimizer=("sgd", "adam"), lr_rel=(1.0,), depth=(2,), width=(128,), seeds=5, epochs=3)
BASE = {"model": "mlp", "batch_size": 64, "monitor": False}  # judged by loss or accuracy: no monitor passes


def loss_area(r) -> float:
    """Mean per-epoch training loss of a run (NaN when it diverged)."""
    if r.diverged or not r.train_loss:
        return math.nan
    return float(np.mean(r.train_loss))


def _final_error(r) -> float:
    return float(r.train_error[-1]) if r.train_error and not r.diverged else math.nan


PAIRED = PairedMap(
    key=KEY,
    statement=STATEMENT,
    source=SOURCE,
    kind=KIND,
    activations=("tanh", "sigmoid"),
    comparisons=(("tanh", "sigmoid"),),
    metric=loss_area,
    metric_name="mean training loss",
    higher_is_better=False,
    margin=MARGIN,
    default=DEFAULT,
    quick_spec=QUICK,
    module=__name__,
    setting_prefix=f"MLP, batch {BASE['batch_size']}, tanh and sigmoid in every cell of the grid below.",
    details_prefix=(
        "d = mean training loss of sigmoid - that of tanh, per seed (> 0: tanh converged faster). "
    ),
    base=BASE,
    extra_columns=("final training error tanh / sigmoid",),
    extra=lambda c: [
        " / ".join(
            fmt(float(np.nanmean([_final_error(r) for r in c.results[a]]))) if a in c.results else "-"
            for a in ("tanh", "sigmoid")
        )
    ],  # fmt: skip
)


# the module's rule and run are PAIRED's (claims/paired.py, common to the paired claims); decide takes
# per cell the per-seed differences loss area (sigmoid) - (tanh)
decide = PAIRED.decide
run = PAIRED.run
