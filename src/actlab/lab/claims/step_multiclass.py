"""Claim: the binary step function cannot handle multiple classes.

Guide 003 (a blog post on step, linear, sigmoid, tanh and ReLU), on the binary step: "Can't
handle multiple classes". Taken literally of one unit it is true by the function's range: one
step unit outputs 0 or 1, so it tells at most two classes apart (``actlab check`` verifies the
range {0, 1}). The testable question is whether step outputs can serve a multi-class task at
all, in the one way they are used for it: a layer of step units, one per class, each trained by
the perceptron rule to fire for its class (one-vs-rest), the prediction being the class whose
unit fires. Where no unit or several units fire the output names no class, and the sample is
counted wrong.

Setting: digits (10 classes, 8x8 images, the fixed 1,437/360 split, standardised), 10 step
units on the 64 pixels plus a bias, the perceptron rule of ``step_perceptron`` (weights from
0, lr 1, sample order from the seed), a fixed epoch budget (the classes are not linearly
separable one-vs-rest, so the rule does not stop by itself); 5 seeds. Measured on the test set:
the step layer's accuracy (exactly one unit fires, and it is the right one), the share of
samples where not exactly one fires, and, not judged, the accuracy of the same weights read out
by the largest pre-activation (argmax: what a linear or softmax output would do with them).

What the test cannot show: other multi-class codings of step outputs (binary codes, error-
correcting codes) or other training methods; and "handle" has no threshold in the guide: the
one below is ours, fixed before the run.

Decision rule (fixed before any result of this claim was seen): with the bootstrap 95% CI over
seeds of the step layer's test accuracy, the claim ("cannot handle multiple classes") is held if
the CI's upper end is < 0.5 (the step layer gets most test samples wrong; chance is 0.1); not
held if its lower end is > 0.5 (it classifies most of them right); inconclusive otherwise.
"""

from __future__ import annotations

import numpy as np

from .base import ClaimResult, Stopwatch, decision_rule, fmt_ci, interval_verdict, mean_ci
from .step_perceptron import _step, perceptron

__all__ = ["KEY", "SOURCE", "STATEMENT", "THRESHOLD", "decide", "evaluate", "run"]

KEY = "step_multiclass"
STATEMENT = "The binary step function cannot handle multiple classes."
SOURCE = (
    "Guide 003 (a blog post on step, linear, sigmoid, tanh and ReLU), on the binary step: "
    "'Can't handle multiple classes'"
)
THRESHOLD = 0.5


def decide(acc_ci: tuple[float, float, float]) -> str:
    """Verdict from the (estimate, low, high) CI of the step layer's test accuracy."""
    _, lo, hi = acc_ci
    # the claim is the negative ("cannot"): held when the accuracy is below the threshold
    return interval_verdict(lo, hi, THRESHOLD, above=False)


def evaluate(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Step read-out accuracy (exactly one unit fires and it is the right one), the share of
    samples where not exactly one fires, and the argmax read-out accuracy of the same weights."""
    xb = np.hstack([np.asarray(x, dtype=np.float64), np.ones((len(x), 1))])
    z = xb @ w
    fired = _step()(z) > 0
    one = fired.sum(axis=1) == 1
    right = one & fired[np.arange(len(y)), y]
    return {
        "step_accuracy": float(right.mean()),
        "ambiguous": float((~one).mean()),
        "argmax_accuracy": float((z.argmax(axis=1) == y).mean()),
    }


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment (``dataset`` is not used: digits, the embedded 10-class set)."""
    from ..data import load_dataset

    seeds = list(range(5))
    epochs = 5 if quick else 20
    with Stopwatch() as sw:
        d = load_dataset("digits", flat=True)
        onehot = np.eye(10)[d.y_train]
        ev = [
            evaluate(perceptron(d.x_train, onehot, epochs=epochs, seed=s)["W"], d.x_test, d.y_test)
            for s in seeds
        ]
    acc = mean_ci([e["step_accuracy"] for e in ev])
    amb = mean_ci([e["ambiguous"] for e in ev])
    arg = mean_ci([e["argmax_accuracy"] for e in ev])
    details = (
        f"One-vs-rest step layer on digits, {epochs} epochs: test accuracy {fmt_ci(acc)} (chance 0.1); no "
        f"unit or several units fired on {fmt_ci(amb)} of the test samples (counted wrong). The same weights "
        f"read out by argmax of the pre-activations: {fmt_ci(arg)} (not judged). A single step unit has two "
        "output values and so tells at most two classes apart (its range, checked by actlab check)."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            "digits (the fixed 1,437/360 split, flattened, standardised); 10 binary_step units (one per "
            f"class) trained by the perceptron rule one-vs-rest, weights from 0, lr 1, {epochs} epochs, "
            f"{len(seeds)} seeds (sample order)." + (" Quick mode: fewer epochs." if quick else "")
        ),
        verdict=decide(acc),
        rule=decision_rule(__name__),
        numbers={
            "epochs": epochs,
            "step_accuracy_per_seed": [e["step_accuracy"] for e in ev],
            "ambiguous_per_seed": [e["ambiguous"] for e in ev],
            "argmax_accuracy_per_seed": [e["argmax_accuracy"] for e in ev],
        },
        ci={
            "step layer test accuracy": acc,
            "share with not exactly one unit firing": amb,
            "argmax read-out accuracy": arg,
        },
        details=details,
        quick=quick,
        dataset="digits",
        seeds=seeds,
        seconds=sw.seconds,
    )
