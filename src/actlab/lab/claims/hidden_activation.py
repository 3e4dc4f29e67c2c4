"""Claim: sigmoid and tanh should not be used in hidden layers; ReLU is the best hidden activation.

Guide 000 (Mate Labs): "sigmoid and tanh ... should not be used in the hidden layers", "ReLUs
are best for hidden layers"; guide 003 (a blog post on step, linear, sigmoid, tanh and ReLU):
ReLU "should only be used within hidden layers". Read as a testable statement: with the same
network, a ReLU hidden layer gives a higher test accuracy than a sigmoid or a tanh one. The
guides state no condition, so the claim is run as a map (claims/maps.py) over optimizer (plain
SGD, Adam) and depth; every cell trains the three hidden activations, each at the same
multiple of its own largest stable rate (claims/paired.py: a rate shared by all three would
handicap sigmoid), MLPs of 128 units, torch's default init, softmax/cross-entropy output, batch
64, the same seeds (init and batch order) for all.

Measured per run: the test accuracy after the last epoch (no early stopping). A run whose loss
became non-finite has no value (its pair is dropped).

Decision rule (fixed before any result of this claim was seen): per cell, two paired
comparisons, d = test accuracy (ReLU) - test accuracy (sigmoid) and d = test accuracy (ReLU) -
test accuracy (tanh) per seed (claimed > 0); one-sided paired t-tests of H0 "mean d <= 0" and
of H0 "mean d >= 0.005" (half an accuracy point), each side Holm-adjusted over both
comparisons of all cells. A cell is held if both comparisons' adjusted p on the claimed side
are < 0.05 (ReLU beats both); else not held if some comparison's adjusted p on the margin side
is < 0.05 (ReLU is not meaningfully better than sigmoid or than tanh); else inconclusive (also
with fewer than 3 seed pairs where both runs finished). Every cell is in scope and the claim is
universal: held if every cell is held; held in part if some cell is held (the region is named);
refuted if no cell is held and some cell is not held; inconclusive otherwise.
"""

from __future__ import annotations

import math

from .maps import MapSpec
from .paired import PairedMap

__all__ = ["DEFAULT", "KEY", "KIND", "MARGIN", "QUICK", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "hidden_activation"
STATEMENT = "Sigmoid and tanh should not be used in hidden layers; ReLU is the best hidden activation."
SOURCE = (
    "Guide 000 (Mate Labs, 2017): 'sigmoid and tanh ... should not be used in the hidden layers. ReLUs are "
    "best for hidden layers'; guide 003: ReLU 'should only be used within hidden layers'"
)
KIND = "universal"
MARGIN = 0.005
DEFAULT = MapSpec(optimizer=("sgd", "adam"), lr_rel=(0.3,), depth=(2, 5), width=(128,), seeds=5, epochs=6)
QUICK = MapSpec(optimizer=("sgd", "adam"), lr_rel=(0.3,), depth=(2,), width=(128,), seeds=5, epochs=3)
BASE = {"model": "mlp", "batch_size": 64, "monitor": False}  # judged by loss or accuracy: no monitor passes


def _acc(r) -> float:
    return math.nan if r.diverged else float(r.final_test_accuracy)


PAIRED = PairedMap(
    key=KEY,
    statement=STATEMENT,
    source=SOURCE,
    kind=KIND,
    activations=("relu", "sigmoid", "tanh"),
    comparisons=(("relu", "sigmoid"), ("relu", "tanh")),
    metric=_acc,
    metric_name="test accuracy",
    higher_is_better=True,
    margin=MARGIN,
    default=DEFAULT,
    quick_spec=QUICK,
    module=__name__,
    setting_prefix=f"MLP, batch {BASE['batch_size']}, ReLU, sigmoid and tanh hidden units in every cell.",
    details_prefix="d = test accuracy of ReLU - that of sigmoid (first) or tanh (second), per seed. ",
    base=BASE,
)


# the module's rule and run are PAIRED's (claims/paired.py, common to the paired claims); decide takes
# per cell [d vs sigmoid, d vs tanh], the per-seed accuracy differences of ReLU
decide = PAIRED.decide
run = PAIRED.run
