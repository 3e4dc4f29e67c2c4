"""Claim: SELU keeps (mean, variance) near (0, 1) through 50+ layers with LeCun init; ReLU and tanh drift.

Klambauer et al. chose SELU's alpha and lambda so that (0, 1) is an attracting fixed point of
the map from one layer's activation mean and variance to the next's, for weights with
sum w = 0 and sum w^2 = 1 (LeCun-normal in expectation) and standardised inputs.

Setting: square dense layers (no bias) at initialisation with LeCun-normal weights,
Var(w) = 1/fan_in, for all three activations (the claim's setting), N(0, 1) inputs, float64,
width 256 in both modes: the fixed point is a wide-layer statement, and at width 128 the
layer-to-layer fluctuations of a finite network alone reach about 0.1.
Measured per seed and activation, over layers 50..depth: the largest |mean| and the largest
|variance - 1| of the layer outputs (taken over all samples and units of a layer); their
maximum is the activation's deviation from (0, 1). "Near" means within TOL = 0.1 of both.
Reported beside the verdict (not part of it): ReLU with He weights and tanh with actlab's gain,
and the per-layer growth of the backpropagated gradient.

Decision rule (fixed before any result was seen): bootstrap 95% CIs over seeds of each
activation's deviation from (0, 1) over layers 50..depth. held if SELU's CI upper end is
<= 0.1 and both ReLU's and tanh's CI lower ends are > 0.1. not held if SELU's CI lower end is
> 0.1, or ReLU's or tanh's CI upper end is <= 0.1 (they did not drift). inconclusive otherwise.
"""

from __future__ import annotations

from ..propagation import plot_propagation, propagate
from .base import ClaimResult, Stopwatch, decision_rule, fmt, fmt_ci, mean_ci

__all__ = ["KEY", "SOURCE", "STATEMENT", "TOL", "decide", "run"]

KEY = "selu_fixed_point"
STATEMENT = (
    "SELU keeps the activations' (mean, variance) near (0, 1) through 50+ layers with LeCun init, "
    "while ReLU and tanh drift."
)
SOURCE = (
    "Klambauer, Unterthiner, Mayr & Hochreiter 2017, Self-Normalizing Neural Networks (NeurIPS), "
    "sec. 2, Theorem 1"
)
TOL = 0.1
FIRST_LAYER = 50


def decide(
    selu_ci: tuple[float, float, float],
    relu_ci: tuple[float, float, float],
    tanh_ci: tuple[float, float, float],
) -> str:
    """Verdict from the (estimate, low, high) CIs of each activation's deviation from (0, 1)."""
    if selu_ci[1] > TOL or relu_ci[2] <= TOL or tanh_ci[2] <= TOL:
        return "not held"
    if selu_ci[2] <= TOL and relu_ci[1] > TOL and tanh_ci[1] > TOL:
        return "held"
    return "inconclusive"


def _deviation(r) -> tuple[float, float, float]:
    layers = range(FIRST_LAYER, r.depth + 1)
    m = max(abs(r.mean[i]) for i in layers)
    v = max(abs(r.var[i] - 1.0) for i in layers)
    return max(m, v), m, v


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment; ``dataset``, ``data_dir`` and ``runner`` are unused (no data, no training)."""
    depth, width, batch = (56, 256, 128) if quick else (64, 256, 256)
    seeds = list(range(4 if quick else 10))
    numbers: dict = {"depth": depth, "width": width, "layers_checked": f"{FIRST_LAYER}..{depth}"}
    cis: dict = {}
    shown = []
    with Stopwatch() as sw:
        for act in ("selu", "relu", "tanh"):
            runs = [
                propagate(act, init="lecun", depth=depth, width=width, batch=batch, seed=s) for s in seeds
            ]
            devs = [_deviation(r) for r in runs]
            cis[f"{act}_deviation"] = mean_ci([d[0] for d in devs])
            numbers[f"{act}_max_abs_mean"] = sum(d[1] for d in devs) / len(devs)
            numbers[f"{act}_max_abs_var_minus_1"] = sum(d[2] for d in devs) / len(devs)
            numbers[f"{act}_var_at_last_layer"] = sum(r.var[-1] for r in runs) / len(runs)
            numbers[f"{act}_mean_at_last_layer"] = sum(r.mean[-1] for r in runs) / len(runs)
            if act == "selu":
                # per_layer_ratio("grad_norm") is the factor going down the network (> 1: growing)
                grads = [r.per_layer_ratio("grad_norm") for r in runs]
                numbers["selu_gradient_growth_per_layer"] = sum(grads) / len(grads)
            shown.append(runs[0])
        extra = {}
        for act, init in (("relu", "he"), ("tanh", "actlab")):
            r = propagate(act, init=init, depth=depth, width=width, batch=batch, seed=0)
            extra[f"{act}/{init}"] = r
            shown.append(r)
        fig = plot_propagation(shown, panels=("mean", "var"), title=f"{depth} layers at initialisation")
    verdict = decide(cis["selu_deviation"], cis["relu_deviation"], cis["tanh_deviation"])
    he, ta = extra["relu/he"], extra["tanh/actlab"]
    details = (
        f"Deviation from (0, 1) over layers {FIRST_LAYER}..{depth} (max of |mean| and |var-1|): SELU "
        f"{fmt_ci(cis['selu_deviation'])}, ReLU {fmt_ci(cis['relu_deviation'])}, tanh "
        f"{fmt_ci(cis['tanh_deviation'])}. At layer {depth}: SELU mean "
        f"{fmt(numbers['selu_mean_at_last_layer'])}, "
        f"var {fmt(numbers['selu_var_at_last_layer'])}; ReLU var {fmt(numbers['relu_var_at_last_layer'])} "
        f"(halves per layer with LeCun weights); tanh var {fmt(numbers['tanh_var_at_last_layer'])} "
        "(decays slowly toward 0). With their own inits the others stop collapsing but do not sit at "
        "(0, 1): "
        f"ReLU/He mean {fmt(he.mean[-1])}, var {fmt(he.var[-1])}; tanh/actlab-gain mean {fmt(ta.mean[-1])}, "
        f"var {fmt(ta.var[-1])} (seed 0). The forward statistics are stable, but SELU's backpropagated "
        f"gradient grows by a factor {fmt(numbers['selu_gradient_growth_per_layer'])} per layer "
        f"toward the input."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"{depth} square dense layers of width {width}, no bias, LeCun-normal weights, N(0,1) inputs "
            f"(batch {batch}), float64, {len(seeds)} seeds; at initialisation, no data."
            + (" Quick mode: fewer layers, samples and seeds." if quick else "")
        ),
        verdict=verdict,
        rule=decision_rule(__name__),
        numbers=numbers,
        ci=cis,
        details=details,
        figures=[("Mean and variance of each layer's output (seed 0)", fig)],
        quick=quick,
        dataset=None,
        seeds=seeds,
        seconds=sw.seconds,
    )
