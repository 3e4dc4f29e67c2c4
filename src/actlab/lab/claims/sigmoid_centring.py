"""Claim: sigmoid's output is not zero-centred, and that makes optimisation harder.

Guides 002 and 003 on sigmoid: "Sigmoid outputs are not zero-centered" (002); "Its output isn't
zero centered. It makes the gradient updates go too far in different directions. 0 < output <
1, and it makes optimization harder" (003). The argument (LeCun et al., Efficient BackProp):
when every input of a unit is positive, the gradients of its incoming weights all share one
sign per example, so the weights can only move in zig-zags.

The control isolates the centring: ``sigmoid(x) - 1/2`` (the lab's ``activation_shift`` 0.5)
has sigmoid's shape and derivative and is zero-centred, and a network of such units computes
exactly the functions of the sigmoid network (the next layer's bias absorbs the shift), so any
difference in training is a difference in optimisation alone. Not tanh: tanh(x) = 2 sigmoid(2x)
- 1 is centred too, but also four times steeper, which is another claim (row 16,
``tanh_vs_sigmoid_speed``). Run as a map (claims/maps.py) over optimizer (plain SGD, Adam),
depth and the learning rate; every cell trains both, each at the same multiple of its own
largest stable rate (claims/paired.py), MLPs of 128 units, batch 64, torch's default init, the
same seeds (init and batch order) for both. "Harder": a higher mean training loss over the
epochs (the area under the training-loss curve, as in ``tanh_vs_sigmoid_speed``).

Decision rule (fixed before any result of this claim was seen): per cell, d = loss area
(sigmoid) - loss area (sigmoid - 1/2) per seed (claimed > 0); one-sided paired t-tests of H0
"mean d <= 0" and of H0 "mean d >= 0.01" (a hundredth of a nat of mean training loss), each side
Holm-adjusted over all cells. A cell is held if its adjusted p on the claimed side is < 0.05;
else not held if its adjusted p on the margin side is < 0.05; else inconclusive (also with
fewer than 3 seed pairs where both runs finished). The guides state no condition, so every cell
is in scope and the claim is universal: held if every cell is held; held in part if some cell
is held (the region is named); refuted if no cell is held and some cell is not held;
inconclusive otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from .base import fmt
from .maps import MapSpec
from .paired import PairedMap
from .tanh_vs_sigmoid_speed import loss_area

__all__ = ["CENTRED", "DEFAULT", "KEY", "KIND", "MARGIN", "QUICK", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "sigmoid_centring"
STATEMENT = "Sigmoid's output is not zero-centred, and that makes optimisation harder."
SOURCE = (
    "Guide 002 (ML_101 notes): 'Sigmoid outputs are not zero-centered'; guide 003: 'Its output isn't zero "
    "centered. It makes the gradient updates go too far in different directions ... it makes optimization "
    "harder'"
)
KIND = "universal"
MARGIN = 0.01
CENTRED = "sigmoid_centred"  # the control's label: sigmoid(x) - 1/2
DEFAULT = MapSpec(optimizer=("sgd", "adam"), lr_rel=(0.3, 1.0), depth=(2, 5), width=(128,), seeds=5, epochs=5)
QUICK = MapSpec(optimizer=("sgd", "adam"), lr_rel=(1.0,), depth=(2,), width=(128,), seeds=5, epochs=3)
BASE = {"model": "mlp", "batch_size": 64}
VARIANTS = {CENTRED: {"activation": "sigmoid", "activation_shift": 0.5}}


def _final_error(r) -> float:
    return float(r.train_error[-1]) if r.train_error and not r.diverged else math.nan


def _mean_output(r) -> float:
    """Mean hidden activation at the end (the monitor sees sigmoid itself; the control's output is
    that - 1/2)."""
    if r.diverged or not r.monitor_curve:
        return math.nan
    shift = r.config.activation_shift
    return float(np.mean([layer["mean"] for layer in r.monitor_curve[-1]["layers"]])) - shift


PAIRED = PairedMap(
    key=KEY,
    statement=STATEMENT,
    source=SOURCE,
    kind=KIND,
    activations=(CENTRED, "sigmoid"),
    comparisons=((CENTRED, "sigmoid"),),
    metric=loss_area,
    metric_name="mean training loss",
    higher_is_better=False,
    margin=MARGIN,
    default=DEFAULT,
    quick_spec=QUICK,
    module=__name__,
    setting_prefix=(
        f"MLP, batch {BASE['batch_size']}, sigmoid and its zero-centred twin sigmoid(x) - 1/2 "
        f"(label {CENTRED}: same shape and derivative, same function class) in every cell of the grid below."
    ),
    details_prefix=(
        "d = mean training loss of sigmoid - that of sigmoid(x) - 1/2, per seed (> 0: the centred twin "
        "trained faster). "
    ),
    base=BASE,
    extra_columns=("final training error centred / sigmoid", "mean hidden output centred / sigmoid"),
    extra=lambda c: [
        " / ".join(
            fmt(float(np.nanmean([f(r) for r in c.results[a]]))) if a in c.results else "-"
            for a in (CENTRED, "sigmoid")
        )
        for f in (_final_error, _mean_output)
    ],
    variants=VARIANTS,
)


# the module's rule and run are PAIRED's (claims/paired.py, common to the paired claims); decide takes
# per cell the per-seed differences loss area (sigmoid) - (sigmoid - 1/2)
decide = PAIRED.decide
run = PAIRED.run
