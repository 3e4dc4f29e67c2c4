"""Claim: ELU's mean activations are closer to zero than ReLU's, and its training loss falls faster.

Clevert et al. argue that ELU's negative values push the mean unit activation toward zero,
which brings the gradient closer to the natural gradient and speeds up learning; their MNIST
figure shows, for an 8-layer network of 128 units, the median over units of each unit's mean
activation (ELU's closest to zero) and the training cross-entropy (ELU's falling fastest).

Setting (scaled down): an MLP with 8 hidden layers of 128 units, He-normal init, plain SGD with
the paper's learning rate 0.01 and mini-batch 64, no regularisation, the same epochs for both.
Mean activation: after training, one pass over (up to 10,000) training samples; per hidden
layer the median over units of the unit's mean output (the lab's ActivationMonitor); then the
average over the 8 layers of its absolute value. Loss speed: the mean of the per-epoch training
loss over all epochs (the area under the training-loss curve; lower = fell faster).

Decision rule (fixed before any result was seen): paired per seed, d_mean = |mean activation|
(ELU) - |mean activation| (ReLU) and d_loss = loss area (ELU) - loss area (ReLU), each with a
bootstrap 95% CI over seeds. Each part is held if its CI's upper end is < 0, not held if its
CI's lower end is > 0, inconclusive otherwise. The claim is held if both parts are held, not
held if either part is not held, inconclusive otherwise.
"""

from __future__ import annotations

import numpy as np

from ..train import TrialConfig
from .base import (
    ClaimResult,
    Stopwatch,
    combine_all,
    data_settings,
    decision_rule,
    fmt,
    fmt_ci,
    mean_ci,
    plot_curves,
    run_trials,
    sign_verdict,
)

__all__ = ["KEY", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "elu_mean"
STATEMENT = "ELU's mean activations are closer to zero than ReLU's, and its training loss falls faster."
SOURCE = (
    "Clevert, Unterthiner & Hochreiter 2016, Fast and Accurate Deep Network Learning by ELUs (ICLR), "
    "Fig. 2 / sec. 4.1"
)


def decide(d_mean_ci: tuple[float, float, float], d_loss_ci: tuple[float, float, float]) -> str:
    """Verdict from the CIs of the paired differences ELU - ReLU (|mean activation|, loss area)."""
    parts = [sign_verdict(d_mean_ci, negative=True), sign_verdict(d_loss_ci, negative=True)]
    return combine_all(parts)


def _abs_mean(r) -> float:
    meds = [s["unit_mean_median"] for s in r.layer_stats]
    return float(np.mean(np.abs(meds))) if meds else float("nan")


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment on ``dataset`` (default: see :func:`~actlab.lab.claims.default_dataset`)."""
    ds = data_settings(dataset, quick, data_dir)
    epochs = 4 if quick else 15
    seeds = list(range(3 if quick else 5))
    base = dict(
        dataset=ds.name,
        model="mlp",
        depth=8,
        width=128,
        init="he",
        lr=0.01,
        optimizer="sgd",
        batch_size=64,
        epochs=epochs,
        n_train=ds.n_train,
        n_test=ds.n_test,
        data_dir=data_dir,
    )
    with Stopwatch() as sw:
        cfgs = [TrialConfig(activation=a, seed=s, **base) for a in ("elu", "relu") for s in seeds]
        res = run_trials(runner, cfgs)
        elu, relu = res[: len(seeds)], res[len(seeds) :]
        m_elu, m_relu = [_abs_mean(r) for r in elu], [_abs_mean(r) for r in relu]
        a_elu = [float(np.mean(r.train_loss)) if not r.diverged else float("nan") for r in elu]
        a_relu = [float(np.mean(r.train_loss)) if not r.diverged else float("nan") for r in relu]
        d_mean = mean_ci([a - b for a, b in zip(m_elu, m_relu)])
        d_loss = mean_ci([a - b for a, b in zip(a_elu, a_relu)])
        fig = plot_curves(
            {"elu": [r.train_loss for r in elu], "relu": [r.train_loss for r in relu]},
            ylabel="training loss (cross-entropy)",
            title=f"{ds.name}: MLP 8x128, SGD lr 0.01",
            logy=True,
        )
    per_layer = {
        act: [
            float(np.mean([r.layer_stats[i]["unit_mean_median"] for r in rs]))
            for i in range(len(rs[0].layer_stats))
        ]
        for act, rs in (("elu", elu), ("relu", relu))
    }
    numbers = {
        "abs_mean_activation_elu": float(np.nanmean(m_elu)),
        "abs_mean_activation_relu": float(np.nanmean(m_relu)),
        "median_unit_mean_per_layer_elu": per_layer["elu"],
        "median_unit_mean_per_layer_relu": per_layer["relu"],
        "loss_area_elu": float(np.nanmean(a_elu)),
        "loss_area_relu": float(np.nanmean(a_relu)),
        "final_loss_elu": float(np.mean([r.train_loss[-1] for r in elu])),
        "final_loss_relu": float(np.mean([r.train_loss[-1] for r in relu])),
        "final_test_accuracy_elu": float(np.mean([r.final_test_accuracy for r in elu])),
        "final_test_accuracy_relu": float(np.mean([r.final_test_accuracy for r in relu])),
        "diverged": sum(r.diverged for r in res),
    }
    details = (
        f"|median unit mean| averaged over the 8 layers: ELU {fmt(numbers['abs_mean_activation_elu'])}, "
        f"ReLU {fmt(numbers['abs_mean_activation_relu'])}; paired difference {fmt_ci(d_mean)}. Per layer "
        f"(median over units of the unit mean, averaged over seeds): ELU "
        f"{[round(v, 3) for v in per_layer['elu']]}, ReLU {[round(v, 3) for v in per_layer['relu']]}. "
        f"Mean training loss over {epochs} epochs: ELU {fmt(numbers['loss_area_elu'])}, ReLU "
        f"{fmt(numbers['loss_area_relu'])}; paired difference {fmt_ci(d_loss)}. Final loss ELU "
        f"{fmt(numbers['final_loss_elu'])} vs ReLU {fmt(numbers['final_loss_relu'])}; final test accuracy "
        f"{fmt(numbers['final_test_accuracy_elu'])} vs {fmt(numbers['final_test_accuracy_relu'])}."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"{ds.describe}; MLP 8 x 128, He-normal init, plain SGD lr 0.01, batch 64, {epochs} epochs, "
            f"{len(seeds)} seeds." + (" Quick mode: fewer epochs and seeds." if quick else "")
        ),
        verdict=decide(d_mean, d_loss),
        rule=decision_rule(__name__),
        numbers=numbers,
        ci={"abs_mean_elu_minus_relu": d_mean, "loss_area_elu_minus_relu": d_loss},
        details=details,
        figures=[("Training loss per epoch, mean and 95% band over seeds", fig)],
        quick=quick,
        dataset=ds.name,
        seeds=seeds,
        seconds=sw.seconds,
    )
