"""Claim: ELU networks can reach a higher classification accuracy than ReLU networks.

Guide 000 (Mate Labs) repeats Clevert et al.: "ELUs can obtain higher classification accuracy
than ReLUs". The paper's evidence is mostly from deep CNNs on CIFAR-10/100 and ImageNet; it
names no condition beyond depth. "Can obtain" is existential, so the claim is run as a map
(claims/maps.py) over optimizer (SGD with momentum 0.9, Adam), depth (3 and the paper's
8-layer MNIST nets) and the learning rate; every cell trains both activations, each at the same
multiple of its own largest stable rate (claims/paired.py), MLPs of 128 units, He-normal init
(the paper's), batch 64, the same seeds (init and batch order) for both.

Measured per run: the test accuracy after the last epoch (no early stopping; the same epoch
budget for both). A run whose loss became non-finite has no value (its pair is dropped).

Decision rule (fixed before any result of this claim was seen): per cell, d = test accuracy
(ELU) - test accuracy (ReLU) per seed (claimed > 0); one-sided paired t-tests of H0 "mean d <=
0" and of H0 "mean d >= 0.005" (half an accuracy point: a smaller gain is not "higher accuracy"
in any useful sense), each side Holm-adjusted over all cells. A cell is held if its adjusted p
on the claimed side is < 0.05; else not held if its adjusted p on the margin side is < 0.05;
else inconclusive (also with fewer than 3 seed pairs where both runs finished). Every cell is
in scope (no condition is stated) and the claim is existential: held if some cell is held
(the region is named); refuted if every cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import math

from .maps import MapSpec
from .paired import PairedMap

__all__ = ["DEFAULT", "KEY", "KIND", "MARGIN", "QUICK", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "elu_accuracy"
STATEMENT = "ELU networks can reach a higher classification accuracy than ReLU networks."
SOURCE = (
    "Clevert, Unterthiner & Hochreiter 2016, Fast and Accurate Deep Network Learning by Exponential "
    "Linear Units (ELUs) (ICLR), abstract and sec. 4; quoted by guide 000 (Mate Labs): 'ELUs can obtain "
    "higher classification accuracy than ReLUs'"
)
KIND = "existential"
MARGIN = 0.005
DEFAULT = MapSpec(
    optimizer=("sgd+momentum", "adam"), lr_rel=(0.3, 1.0), depth=(3, 8), width=(128,), init=("he",),
    seeds=5, epochs=5,
)  # fmt: skip
QUICK = MapSpec(
    optimizer=("sgd+momentum", "adam"),
    lr_rel=(0.3,),
    depth=(3,),
    width=(128,),
    init=("he",),
    seeds=5,
    epochs=3,
)
BASE = {"model": "mlp", "batch_size": 64, "monitor": False}  # judged by loss or accuracy: no monitor passes


def _acc(r) -> float:
    return math.nan if r.diverged else float(r.final_test_accuracy)


PAIRED = PairedMap(
    key=KEY,
    statement=STATEMENT,
    source=SOURCE,
    kind=KIND,
    activations=("elu", "relu"),
    comparisons=(("elu", "relu"),),
    metric=_acc,
    metric_name="test accuracy",
    higher_is_better=True,
    margin=MARGIN,
    default=DEFAULT,
    quick_spec=QUICK,
    module=__name__,
    setting_prefix=f"MLP, batch {BASE['batch_size']}, ELU (alpha 1) and ReLU in every cell of the grid.",
    details_prefix="d = test accuracy of ELU - that of ReLU after the last epoch, per seed. ",
    base=BASE,
)


# the module's rule and run are PAIRED's (claims/paired.py, common to the paired claims); decide takes
# per cell the per-seed differences test accuracy (ELU) - (ReLU)
decide = PAIRED.decide
run = PAIRED.run
