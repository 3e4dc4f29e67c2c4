"""Claim: sigmoid's gradient shrinks by at least 4x per layer at initialisation.

The argument made for it: sigma'(x) = sigma(x)(1 - sigma(x)) <= 1/4, so each sigmoid layer
multiplies the backpropagated error by at most 1/4 (times the weights), and deep sigmoid
networks see vanishing gradients.

Setting: a stack of square dense sigmoid layers (no bias) at initialisation, N(0, 1) inputs,
a N(0, 1) output gradient, float64; weights LeCun-normal, Var(w) = 1/fan_in — on square layers
the same as Xavier/Glorot — i.e. the unit-gain weights the 1/4 argument assumes. Measured per
seed: the per-layer shrink factor of the gradient size (root-mean-square element of dL/dh_l),
the geometric mean over all layers from the output down to the input. Not part of the verdict,
reported beside it: the same factor under He weights and actlab's own gain, and for tanh and ReLU.

Decision rule (fixed before any result was seen): compute the bootstrap 95% CI over seeds of the
mean per-layer shrink factor with LeCun weights. held if the CI's lower end is >= 4; not held if
its upper end is < 4; inconclusive otherwise.
"""

from __future__ import annotations

from ...properties import derivative_at_zero
from ..propagation import plot_propagation, propagate
from .base import ClaimResult, Stopwatch, decision_rule, fmt, fmt_ci, interval_verdict, mean_ci

__all__ = ["KEY", "SOURCE", "STATEMENT", "decide", "run"]

KEY = "sigmoid_gradient"
STATEMENT = "Sigmoid's gradient shrinks by at least 4x per layer at initialisation (sigma' <= 1/4)."
SOURCE = (
    "The 1/4 bound on sigma' (Hochreiter 1991; Glorot & Bengio 2010, AISTATS, sec. 4), as repeated "
    "by the activation guides"
)
THRESHOLD = 4.0


def decide(shrink_ci: tuple[float, float, float]) -> str:
    """Verdict from the (estimate, low, high) CI of the per-layer shrink factor (LeCun weights)."""
    _, lo, hi = shrink_ci
    return interval_verdict(lo, hi, THRESHOLD, above=True)


def _shrink(activation: str, init: str, depth: int, width: int, seeds: list[int]) -> tuple[list[float], list]:
    runs = [propagate(activation, init=init, depth=depth, width=width, batch=width, seed=s) for s in seeds]
    # per_layer_ratio("grad_norm") is the factor going down the network (< 1: shrinking)
    return [1.0 / r.per_layer_ratio("grad_norm") for r in runs], runs


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment; ``dataset``, ``data_dir`` and ``runner`` are unused (no data, no training)."""
    depth, width = (20, 128) if quick else (50, 256)
    seeds = list(range(5 if quick else 10))
    with Stopwatch() as sw:
        main, runs = _shrink("sigmoid", "lecun", depth, width, seeds)
        ci = mean_ci(main)
        others = {}
        shown = [runs[0]]
        for act, init in (("sigmoid", "he"), ("sigmoid", "actlab"), ("tanh", "lecun"), ("relu", "lecun")):
            vals, rs = _shrink(act, init, depth, width, seeds[:3])
            others[f"{act}/{init}"] = sum(vals) / len(vals)
            if act != "relu":
                shown.append(rs[0])
        fig = plot_propagation(shown, panels=("grad_norm",), title=f"gradient size through {depth} layers")
    verdict = decide(ci)
    max_deriv = derivative_at_zero("sigmoid")
    numbers = {
        "shrink_per_layer_lecun": ci[0],
        "shrink_per_layer_by_seed": main,
        "max_sigmoid_derivative": max_deriv,
        "depth": depth,
        "width": width,
        **{f"shrink_per_layer_{k.replace('/', '_')}": v for k, v in others.items()},
    }
    details = (
        f"With LeCun weights the gradient shrinks by {fmt_ci(ci)} per layer (geometric mean over "
        f"{depth} layers, {len(seeds)} seeds). sigma'(0) = {fmt(max_deriv)} is the largest value "
        f"of the derivative, so the factor from the derivative alone is at least 4; the weights "
        f"multiply it by about 1/gain. With He weights (gain sqrt 2) the factor is "
        f"{fmt(others['sigmoid/he'])}, with actlab's gain 1/sqrt(E[sigma(z)^2]) "
        f"{fmt(others['sigmoid/actlab'])}: the '4x' needs unit-gain weights. For comparison, tanh "
        f"(LeCun): {fmt(others['tanh/lecun'])}; ReLU (LeCun): {fmt(others['relu/lecun'])} (3 seeds each)."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"{depth} square dense sigmoid layers of width {width}, no bias, LeCun-normal weights, "
            f"N(0,1) inputs (batch {width}), float64, {len(seeds)} seeds; at initialisation, no data."
            + (" Quick mode: fewer layers, narrower, fewer seeds." if quick else "")
        ),
        verdict=verdict,
        rule=decision_rule(__name__),
        numbers=numbers,
        ci={"shrink_per_layer_lecun": ci},
        details=details,
        figures=[("Gradient size |dL/dh_l| against layer (seed 0)", fig)],
        quick=quick,
        dataset=None,
        seeds=seeds,
        seconds=sw.seconds,
    )
