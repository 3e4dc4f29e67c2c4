"""Claim: He initialisation keeps ReLU activations' variance constant; Xavier halves it per layer.

He et al. derive Var(w) = 2/fan_in for ReLU because ReLU zeroes half of a symmetric input, so
E[relu(z)^2] = E[z^2]/2; Xavier/Glorot's Var(w) = 2/(fan_in + fan_out) (= 1/fan_in on square
layers) therefore loses a factor 2 of variance at every layer.

Setting: square dense ReLU layers (no bias) at initialisation, N(0, 1) inputs, float64. Measured
per seed and init: the per-layer factor of the variance of the layer outputs, the geometric
mean from layer 1 to the last layer. Reported beside the verdict (not part of it): PReLU with
slope 0.25, whose He variant uses Var(w) = 2/((1 + a^2) fan_in) (passed here as a gain).

Decision rule (fixed before any result was seen): bootstrap 95% CIs over seeds of the per-layer
variance factor. held if He's CI lies inside [0.9, 1.1] and Xavier's inside [0.45, 0.55]. not
held if He's CI lies entirely outside [0.9, 1.1] or Xavier's entirely outside [0.45, 0.55].
inconclusive otherwise.
"""

from __future__ import annotations

import math
from typing import Any

from ..propagation import plot_propagation, propagate
from .base import ClaimResult, Stopwatch, decision_rule, fmt, fmt_ci, mean_ci

__all__ = ["KEY", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "he_vs_xavier"
STATEMENT = (
    "He init keeps the variance of ReLU activations constant through depth, where Xavier init halves it "
    "per layer."
)
SOURCE = "He, Zhang, Ren & Sun 2015, Delving Deep into Rectifiers (ICCV), sec. 2.2 and Fig. 3"
HE_BAND = (0.9, 1.1)
XAVIER_BAND = (0.45, 0.55)


def _inside(ci: tuple[float, float, float], band: tuple[float, float]) -> bool:
    return band[0] <= ci[1] and ci[2] <= band[1]


def _outside(ci: tuple[float, float, float], band: tuple[float, float]) -> bool:
    return ci[2] < band[0] or ci[1] > band[1]


def decide(he_ci: tuple[float, float, float], xavier_ci: tuple[float, float, float]) -> str:
    """Verdict from the (estimate, low, high) CIs of the per-layer variance factor under each init."""
    if any(math.isnan(v) for v in (*he_ci, *xavier_ci)):
        return "inconclusive"
    if _outside(he_ci, HE_BAND) or _outside(xavier_ci, XAVIER_BAND):
        return "not held"
    if _inside(he_ci, HE_BAND) and _inside(xavier_ci, XAVIER_BAND):
        return "held"
    return "inconclusive"


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment; ``dataset``, ``data_dir`` and ``runner`` are unused (no data, no training)."""
    depth, width = (30, 128) if quick else (50, 256)
    seeds = list(range(5 if quick else 10))
    cis: dict[str, Any] = {}
    numbers: dict[str, float] = {"depth": depth, "width": width}
    shown = []
    with Stopwatch() as sw:
        for init in ("he", "xavier"):
            runs = [
                propagate("relu", init=init, depth=depth, width=width, batch=width, seed=s) for s in seeds
            ]
            cis[f"{init}_variance_factor"] = mean_ci([r.per_layer_ratio("var") for r in runs])
            numbers[f"{init}_variance_at_last_layer"] = sum(r.var[-1] for r in runs) / len(runs)
            # the gradient's size per layer on its way down to the input (< 1: shrinking)
            grad = [r.per_layer_ratio("grad_norm") for r in runs]
            numbers[f"{init}_gradient_factor_per_layer"] = sum(grad) / len(grad)
            shown.append(runs[0])
        a = 0.25
        gain = math.sqrt(2.0 / (1.0 + a * a))
        pr = propagate(("prelu", {"weight": a}), init=gain, depth=depth, width=width, batch=width)
        numbers["prelu_he_variance_factor"] = pr.per_layer_ratio("var")
        pr_x = propagate(("prelu", {"weight": a}), init="xavier", depth=depth, width=width, batch=width)
        numbers["prelu_xavier_variance_factor"] = pr_x.per_layer_ratio("var")
        fig = plot_propagation(shown, panels=("var", "grad_norm"), title=f"ReLU, {depth} layers")
    he, xa = cis["he_variance_factor"], cis["xavier_variance_factor"]
    details = (
        f"Per-layer factor of the activation variance: He {fmt_ci(he)}, Xavier {fmt_ci(xa)} "
        f"(predicted 1 and 1/2). After {depth} layers the variance is "
        f"{fmt(numbers['he_variance_at_last_layer'])} "
        f"with He and {fmt(numbers['xavier_variance_at_last_layer'])} with Xavier. On its way down to the "
        f"input the gradient's size changes per layer by {fmt(numbers['he_gradient_factor_per_layer'])} (He) "
        f"and {fmt(numbers['xavier_gradient_factor_per_layer'])} (Xavier, about 1/sqrt 2). "
        f"PReLU (slope 0.25, seed 0): He's variant gain sqrt(2/(1+a^2)) gives "
        f"{fmt(numbers['prelu_he_variance_factor'])} per layer, Xavier "
        f"{fmt(numbers['prelu_xavier_variance_factor'])} "
        f"(predicted (1+a^2)/2 = {fmt((1 + a * a) / 2)})."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"{depth} square dense ReLU layers of width {width}, no bias, He-normal vs Xavier-normal "
            "weights, "
            f"N(0,1) inputs (batch {width}), float64, {len(seeds)} seeds; at initialisation, no data."
            + (" Quick mode: fewer layers, narrower, fewer seeds." if quick else "")
        ),
        verdict=decide(he, xa),
        rule=decision_rule(__name__),
        numbers=numbers,
        ci=cis,
        details=details,
        figures=[("Variance and gradient size per layer, ReLU (seed 0)", fig)],
        quick=quick,
        dataset=None,
        seeds=seeds,
        seconds=sw.seconds,
    )
