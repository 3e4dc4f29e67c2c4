"""Claim: a ReLU network reaches a training-error target several times faster than a tanh one.

AlexNet's Figure 1: a four-layer convolutional network with ReLUs reached 25% training error on
CIFAR-10 six times faster (in epochs) than the same network with tanh units; no regularisation,
each network with the learning rate that made it train fastest.

Setting (scaled down): the lab's 4-weight-layer CNN (3 conv + 1 linear, max-pooling), plain SGD
(no momentum), batch 64, no weight decay, dropout or augmentation, torch's default init. The
learning rate of each activation is chosen from a small grid by the lowest training loss after
E_CAL epochs on a probe seed that no evaluation run uses (the lab's ``choose_lr``). The target
scales AlexNet's "25%, where tanh needs ~35 epochs" to this data: it is the training error tanh
reaches after E_CAL epochs on the probe seed at its chosen rate, so tanh needs about E_CAL
epochs by construction and the question is how many ReLU needs. Each evaluation seed trains
both networks for 2 x E_CAL epochs; training error is the running error over each epoch's
mini-batches, as in AlexNet-era logs. A run that misses the target is counted as needing
2 x E_CAL + 1 epochs, which can only shrink the ratio (conservative for the claim).

Decision rule (fixed before any result was seen): R = mean over seeds of tanh's epochs to the
target divided by the mean of ReLU's, with a paired bootstrap 95% CI over seeds. "Several
times" is read as at least 2x. held if the CI's lower end is >= 2; not held if its upper end
is < 2; inconclusive otherwise. Whether the CI contains AlexNet's 6 is reported, not judged.
"""

from __future__ import annotations

import math

from ..train import TrialConfig, choose_lr_from, lr_probe_configs
from .base import (
    ClaimResult,
    Stopwatch,
    data_settings,
    decision_rule,
    fmt,
    fmt_ci,
    interval_verdict,
    plot_curves,
    ratio_ci,
    run_trials,
)

__all__ = ["KEY", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "relu_speed"
STATEMENT = (
    "A ReLU network reaches a training-error target several (AlexNet: six) times faster than a tanh network."
)
SOURCE = (
    "Krizhevsky, Sutskever & Hinton 2012, ImageNet Classification with Deep CNNs (NIPS), Fig. 1 and sec. 3.1"
)
THRESHOLD = 2.0
PROBE_SEED = 10_007


def decide(ratio_ci_: tuple[float, float, float]) -> str:
    """Verdict from the (estimate, low, high) CI of tanh epochs / ReLU epochs."""
    _, lo, hi = ratio_ci_
    return interval_verdict(lo, hi, THRESHOLD, above=True)


def _epochs(r, budget: int) -> int:
    return r.epochs_to_target if r.epochs_to_target is not None else budget + 1


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment on ``dataset`` (default: see :func:`~actlab.lab.claims.default_dataset`)."""
    ds = data_settings(dataset, quick, data_dir)
    e_cal = 3 if quick else 10
    budget = 2 * e_cal
    seeds = list(range(3 if quick else 5))
    grid = (0.03, 0.1) if quick else (0.01, 0.03, 0.1, 0.3)
    width = 32
    base = dict(
        dataset=ds.name,
        model="cnn",
        width=width,
        optimizer="sgd",
        momentum=0.0,
        batch_size=64,
        init="default",
        n_train=ds.n_train,
        n_test=ds.n_test,
        data_dir=data_dir,
        monitor=False,  # judged by training error and epochs alone: no monitor passes
    )
    with Stopwatch() as sw:
        probes = {}
        for act in ("relu", "tanh"):
            cfg = TrialConfig(activation=act, epochs=e_cal, **base)
            probes[act] = (cfg, lr_probe_configs(cfg, grid, probe_epochs=e_cal, probe_seed=PROBE_SEED))
        flat = [c for _, ps in probes.values() for c in ps]
        probe_results = run_trials(runner, flat)
        by_act = {act: probe_results[i * len(grid) : (i + 1) * len(grid)] for i, act in enumerate(probes)}
        choice = {act: choose_lr_from(probes[act][0], by_act[act], rule="final_loss") for act in probes}
        tanh_probe = next(r for r in by_act["tanh"] if r.config.lr == choice["tanh"].lr)
        target = float(tanh_probe.train_error[-1]) if tanh_probe.train_error else math.nan
        if not math.isfinite(target):
            target = 0.5  # tanh diverged at every rate: any target will do, both will be judged
        evals = [
            TrialConfig(activation=act, seed=s, lr=choice[act].lr, epochs=budget, target_error=target, **base)
            for act in ("relu", "tanh")
            for s in seeds
        ]
        results = run_trials(runner, evals)
        relu_r, tanh_r = results[: len(seeds)], results[len(seeds) :]
        relu_e = [_epochs(r, budget) for r in relu_r]
        tanh_e = [_epochs(r, budget) for r in tanh_r]
        ci = ratio_ci(tanh_e, relu_e)
        sec_relu = [r.seconds_to_target if r.seconds_to_target is not None else math.nan for r in relu_r]
        sec_tanh = [r.seconds_to_target if r.seconds_to_target is not None else math.nan for r in tanh_r]
        sec_ci = ratio_ci(sec_tanh, sec_relu)
        fig = plot_curves(
            {"relu": [r.train_error for r in relu_r], "tanh": [r.train_error for r in tanh_r]},
            ylabel="training error (running, per epoch)",
            hline=(target, f"target {target:.3f}"),
            title=f"{ds.name}: 4-layer CNN, plain SGD",
        )
    missed = {
        "relu": sum(r.epochs_to_target is None for r in relu_r),
        "tanh": sum(r.epochs_to_target is None for r in tanh_r),
    }
    numbers = {
        "target_training_error": target,
        "lr_relu": choice["relu"].lr,
        "lr_tanh": choice["tanh"].lr,
        "lr_grid": list(grid),
        # the probe's final training loss per learning rate (the choice's evidence)
        "lr_probe_final_loss_relu": {f"{lr:g}": v for lr, v in choice["relu"].scores.items()},
        "lr_probe_final_loss_tanh": {f"{lr:g}": v for lr, v in choice["tanh"].scores.items()},
        "calibration_epochs": e_cal,
        "epoch_budget": budget,
        "epochs_to_target_relu": relu_e,
        "epochs_to_target_tanh": tanh_e,
        "missed_target_relu": missed["relu"],
        "missed_target_tanh": missed["tanh"],
        "epochs_ratio": ci[0],
        "seconds_ratio": sec_ci[0],
        "final_test_accuracy_relu": sum(r.final_test_accuracy for r in relu_r) / len(relu_r),
        "final_test_accuracy_tanh": sum(r.final_test_accuracy for r in tanh_r) / len(tanh_r),
        "contains_6": bool(ci[1] <= 6.0 <= ci[2]) if not math.isnan(ci[1]) else None,
    }
    details = (
        f"Target training error {fmt(target)} (tanh's after {e_cal} epochs on the probe seed). Learning "
        f"rates chosen from {list(grid)}: ReLU {choice['relu'].lr:g}, tanh {choice['tanh'].lr:g}. "
        "Epochs to the "
        f"target per seed: ReLU {relu_e}, tanh {tanh_e} (runs missing it within {budget} epochs count as "
        f"{budget + 1}: ReLU {missed['relu']}, tanh {missed['tanh']}). Ratio tanh/ReLU: {fmt_ci(ci)} in "
        f"epochs, {fmt_ci(sec_ci)} in training seconds (wall clock, which depends on the machine's load). "
        "AlexNet's 6x is "
        f"{'inside' if numbers['contains_6'] else 'outside'} the epochs interval. Final test accuracy: "
        f"ReLU {fmt(numbers['final_test_accuracy_relu'])}, tanh {fmt(numbers['final_test_accuracy_tanh'])}."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"{ds.describe}; CNN conv5x5({width // 4})-pool-conv5x5({width // 4})-pool-"
            f"conv3x3({width // 2})-linear, "
            f"plain SGD, batch 64, no regularisation; lr per activation from {list(grid)} (probe seed, "
            f"{e_cal} epochs); {len(seeds)} seeds x {budget} epochs."
            + (" Quick mode: fewer seeds, epochs and rates." if quick else "")
        ),
        verdict=decide(ci),
        rule=decision_rule(__name__),
        numbers=numbers,
        ci={"epochs_ratio_tanh_over_relu": ci, "seconds_ratio_tanh_over_relu": sec_ci},
        details=details,
        figures=[("Training error per epoch, mean and 95% band over seeds", fig)],
        quick=quick,
        dataset=ds.name,
        seeds=seeds,
        seconds=sw.seconds,
    )
