"""Claim: ReLU units die under a high learning rate, while leaky ReLU's do not.

The guides' account: a large gradient step can push a ReLU unit's weights and bias so that its
input is negative for every example; the unit then outputs 0 and gets zero gradient forever.
Leaky ReLU keeps a small slope (0.01) for negative inputs, so its units keep a gradient.

Setting: an MLP with 3 hidden layers of 128 units, torch's default init, plain SGD, batch 64,
trained at a normal learning rate (0.05) and a high one (0.5), ten times larger, fixed in
advance. A unit is dead when, in one pass over (up to 10,000) training samples after training,
it is never active: f(x) = 0 or f'(x) = 0 on every sample (the lab's ActivationMonitor), so no
gradient can reach its incoming weights. With this definition a leaky ReLU unit can never be
dead (f' = 0.01 on negative inputs): its half of the claim holds by construction and is
checked only as such; the measurement is whether ReLU units die. Diverged runs (non-finite
loss) are counted and left out of the averages.

Decision rule (fixed before any result was seen): bootstrap 95% CIs over seeds of ReLU's dead
fraction at the high rate, of its paired increase over the normal rate, and of leaky ReLU's dead
fraction at the high rate. held if ReLU's high-rate CI lower end is >= 0.05, the increase's CI
lower end is > 0 and leaky ReLU's high-rate CI upper end is < 0.05. not held if ReLU's high-rate
CI upper end is < 0.05 (ReLU units did not die) or leaky ReLU's CI lower end is >= 0.05.
inconclusive otherwise, and also when more than half of the runs of either activation at the
high rate diverged.
"""

from __future__ import annotations

import math

import numpy as np

from ..train import TrialConfig
from .base import (
    ClaimResult,
    Stopwatch,
    data_settings,
    decision_rule,
    fmt,
    fmt_ci,
    mean_ci,
    plot_curves,
    run_trials,
)

__all__ = ["KEY", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "dying_relu"
STATEMENT = "ReLU units die under a high learning rate, while leaky ReLU's do not."
SOURCE = (
    "Maas, Hannun & Ng 2013, Rectifier Nonlinearities Improve Neural Network Acoustic Models (ICML WDLASL), "
    "sec. 3; the activation guides' 'dying ReLU' section"
)
LR_NORMAL, LR_HIGH = 0.05, 0.5
DEAD = 0.05


def decide(
    relu_high_ci: tuple[float, float, float],
    relu_increase_ci: tuple[float, float, float],
    leaky_high_ci: tuple[float, float, float],
    *,
    diverged_share: float = 0.0,
) -> str:
    """Verdict from the CIs of the dead fractions (see the module's decision rule)."""
    if diverged_share > 0.5 or any(math.isnan(v) for v in (*relu_high_ci[1:], *leaky_high_ci[1:])):
        return "inconclusive"
    if relu_high_ci[2] < DEAD or leaky_high_ci[1] >= DEAD:
        return "not held"
    if relu_high_ci[1] >= DEAD and relu_increase_ci[1] > 0 and leaky_high_ci[2] < DEAD:
        return "held"
    return "inconclusive"


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment on ``dataset`` (default: see :func:`~actlab.lab.claims.default_dataset`)."""
    ds = data_settings(dataset, quick, data_dir)
    epochs = 6 if quick else 10
    seeds = list(range(3 if quick else 5))
    base = dict(
        dataset=ds.name,
        model="mlp",
        depth=3,
        width=128,
        init="default",
        optimizer="sgd",
        batch_size=64,
        epochs=epochs,
        n_train=ds.n_train,
        n_test=ds.n_test,
        data_dir=data_dir,
    )
    grid = [(a, lr) for a in ("relu", "leaky_relu") for lr in (LR_NORMAL, LR_HIGH)]
    with Stopwatch() as sw:
        cfgs = [TrialConfig(activation=a, lr=lr, seed=s, **base) for a, lr in grid for s in seeds]
        res = run_trials(runner, cfgs)
        by = {g: res[i * len(seeds) : (i + 1) * len(seeds)] for i, g in enumerate(grid)}

        def dead(rs):
            return [r.dead_fraction if not r.diverged else math.nan for r in rs]

        relu_hi, relu_lo = dead(by[("relu", LR_HIGH)]), dead(by[("relu", LR_NORMAL)])
        leaky_hi = dead(by[("leaky_relu", LR_HIGH)])
        ci_hi = mean_ci(relu_hi)
        ci_inc = mean_ci([a - b for a, b in zip(relu_hi, relu_lo)])
        ci_leaky = mean_ci(leaky_hi)
        div = {g: sum(r.diverged for r in rs) for g, rs in by.items()}
        share = max(div[("relu", LR_HIGH)], div[("leaky_relu", LR_HIGH)]) / len(seeds)
        fig = plot_curves(
            {f"{a} lr {lr:g}": [r.train_loss for r in by[(a, lr)]] for a, lr in grid},
            ylabel="training loss",
            title=f"{ds.name}: MLP 3x128, plain SGD",
            logy=True,
        )

    def avg(xs):
        xs = [x for x in xs if not math.isnan(x)]
        return float(np.mean(xs)) if xs else math.nan

    numbers = {
        "dead_fraction_relu_normal_lr": avg(relu_lo),
        "dead_fraction_relu_high_lr": avg(relu_hi),
        "dead_fraction_leaky_normal_lr": avg(dead(by[("leaky_relu", LR_NORMAL)])),
        "dead_fraction_leaky_high_lr": avg(leaky_hi),
        "dead_fraction_relu_high_lr_by_seed": relu_hi,
        "dead_per_layer_relu_high_lr": [
            avg([r.layer_stats[i]["dead_fraction"] for r in by[("relu", LR_HIGH)] if not r.diverged])
            for i in range(3)
        ]
        if any(not r.diverged for r in by[("relu", LR_HIGH)])
        else [],
        "final_test_accuracy": {
            f"{a} lr {lr:g}": avg([r.final_test_accuracy for r in by[(a, lr)] if not r.diverged])
            for a, lr in grid
        },
        "final_train_loss": {
            f"{a} lr {lr:g}": avg([r.train_loss[-1] for r in by[(a, lr)] if not r.diverged]) for a, lr in grid
        },
        "diverged_runs": {f"{a} lr {lr:g}": div[(a, lr)] for a, lr in grid},
        "lr_normal": LR_NORMAL,
        "lr_high": LR_HIGH,
    }
    acc = numbers["final_test_accuracy"]
    details = (
        f"Dead fraction of hidden units (never active on up to 10,000 training samples after training): ReLU "
        f"{fmt(numbers['dead_fraction_relu_normal_lr'])} at lr {LR_NORMAL:g} and {fmt_ci(ci_hi)} at lr "
        f"{LR_HIGH:g} (increase {fmt_ci(ci_inc)}; per layer "
        f"{[round(v, 3) for v in numbers['dead_per_layer_relu_high_lr']]}); "
        f"leaky ReLU {fmt_ci(ci_leaky)} at lr {LR_HIGH:g} (zero by construction of 'dead'). "
        "Final test accuracy: "
        + ", ".join(f"{k} {fmt(v)}" for k, v in acc.items())
        + f". Diverged runs: {numbers['diverged_runs']}."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"{ds.describe}; MLP 3 x 128, torch default init, plain SGD at lr {LR_NORMAL:g} and {LR_HIGH:g}, "
            f"batch 64, {epochs} epochs, {len(seeds)} seeds."
            + (" Quick mode: fewer epochs and seeds." if quick else "")
        ),
        verdict=decide(ci_hi, ci_inc, ci_leaky, diverged_share=share),
        rule=decision_rule(__name__),
        numbers=numbers,
        ci={
            "dead_fraction_relu_high_lr": ci_hi,
            "dead_increase_relu_high_minus_normal": ci_inc,
            "dead_fraction_leaky_high_lr": ci_leaky,
        },
        details=details,
        figures=[("Training loss per epoch, mean and 95% band over seeds", fig)],
        quick=quick,
        dataset=ds.name,
        seeds=seeds,
        seconds=sw.seconds,
    )
