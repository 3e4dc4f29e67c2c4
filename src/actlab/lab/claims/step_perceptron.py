"""Claim: the binary step function is only useful in single-layer perceptrons on linearly separable data.

Guide 000 (Mate Labs) on the binary step: "only useful within single-layer perceptrons ... where
the input data is linearly separable". Three things are checked, each where it can be:

1. *Useful on separable data*: Rosenblatt's perceptron rule (w += lr (t - step(w.x)) x; the
   rule step units are trained by, since step' = 0 almost everywhere gives gradient descent
   nothing) with the catalog's ``binary_step`` (step(0) = 0, the guide's convention), weights
   starting at 0, samples in a new random order every epoch (from the seed), lr 1. On two
   linearly separable sets it must reach 0 training errors (an epoch without a single update):
   a synthetic set (10 Gaussian features, labels from a random hyperplane, points within 0.2 of
   it dropped: margin > 0) and a real one (digits "0" vs "1", 8x8 images, standardised).
2. *Not useful on non-separable data*: the same rule on XOR (the 4 points of {0,1}^2) and on the
   lab's two spirals (500 points) can never reach 0 training errors (no hyperplane separates
   them); the best and last training accuracy are measured.
3. *Only single-layer*: in an MLP with a hidden step layer trained by backpropagation, the
   gradient reaching the hidden layer's weights and biases is exactly 0 (step' = 0), so only the
   output layer can learn; measured on a batch of the spirals.

What the test cannot show: that no other training method makes hidden step units useful
(straight-through estimators, evolutionary search or hand-set weights do: a hand-set two-layer
step network computes XOR exactly, which is reported), and "only useful" is not a measurable
property; what is measured is where the perceptron rule and gradient training succeed and fail.

Decision rule (fixed before any result of this claim was seen): held if (1) on both separable
sets every seed reaches 0 training errors within the epoch budget, (2) on both non-separable
sets no seed reaches 0 training errors in any epoch, and (3) the hidden step layer's gradient is
exactly 0 in every seed. Not held if on some separable set a majority of seeds do not reach 0
training errors within the budget, or some seed fits a non-separable set exactly, or a hidden
step gradient is non-zero. Inconclusive otherwise (e.g. a minority of seeds needing more
epochs than the budget).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import ClaimResult, Stopwatch, decision_rule, fmt, fmt_ci, mean_ci

if TYPE_CHECKING:  # torch is imported where a claim runs, not with the module
    from torch import nn

__all__ = ["KEY", "SOURCE", "STATEMENT", "decide", "perceptron", "run", "separable_set", "xor_set"]

KEY = "step_perceptron"
STATEMENT = (
    "The binary step function is only useful in single-layer perceptrons, where the input data is linearly "
    "separable."
)
SOURCE = (
    "Guide 000 (Mate Labs, 2017), on the binary step: 'only useful within single-layer perceptrons ... where "
    "the input data is linearly separable'; Rosenblatt 1958 (the perceptron rule) and Novikoff 1962 "
    "(its convergence on separable data)"
)


def _step():
    import actlab

    return actlab.get("binary_step")


def perceptron(
    x: np.ndarray, targets: np.ndarray, *, epochs: int, seed: int, lr: float = 1.0
) -> dict[str, Any]:
    """Rosenblatt's rule for step units: ``targets`` (n,) in {0, 1} for one unit, or (n, k) 0/1
    (one-vs-rest: k units, each updated on its own mistakes). Weights (with a bias) start at 0;
    the sample order is redrawn every epoch from ``seed``. Stops after an epoch without an update.

    Returns ``W`` ((d+1, k)), ``train_error`` (share of samples with some unit wrong, after each
    epoch, one full pass) and ``converged_epoch`` (the epoch without updates, or None)."""
    step = _step()
    t = np.asarray(targets, dtype=np.float64)
    t = t[:, None] if t.ndim == 1 else t
    xb = np.hstack([np.asarray(x, dtype=np.float64), np.ones((len(x), 1))])
    w = np.zeros((xb.shape[1], t.shape[1]))
    rng = np.random.default_rng(seed)
    errors: list[float] = []
    converged = None
    for epoch in range(1, epochs + 1):
        updates = 0
        for i in rng.permutation(len(xb)):
            delta = t[i] - step(xb[i] @ w)
            if delta.any():
                w += lr * np.outer(xb[i], delta)
                updates += 1
        errors.append(float((step(xb @ w) != t).any(axis=1).mean()))
        if updates == 0:
            converged = epoch
            break
    return {"W": w, "train_error": errors, "converged_epoch": converged}


def separable_set(
    seed: int, n: int = 400, dim: int = 10, margin: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian points labelled by a random hyperplane (unit normal, offset 0.3), those closer
    than ``margin`` to it dropped: linearly separable with margin >= ``margin`` by construction."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(dim)
    w /= np.linalg.norm(w)
    xs: list[np.ndarray] = []
    while sum(len(a) for a in xs) < n:
        x = rng.standard_normal((2 * n, dim))
        xs.append(x[np.abs(x @ w + 0.3) >= margin])
    x = np.concatenate(xs)[:n]
    return x, (x @ w + 0.3 > 0).astype(np.int64)


def xor_set() -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return x, np.array([0, 1, 1, 0])


def _digits01() -> tuple[np.ndarray, np.ndarray]:
    from ..data import load_dataset

    d = load_dataset("digits", flat=True)
    keep = d.y_train <= 1
    return d.x_train[keep], d.y_train[keep]


def _spirals(seed: int) -> tuple[np.ndarray, np.ndarray]:
    from ..data import load_dataset

    d = load_dataset("spirals", n_train=500, n_test=1, seed=seed)
    return d.x_train, d.y_train


def hidden_step_gradient(seed: int) -> tuple[float, float]:
    """(largest |gradient| at the hidden step layer's weights and bias, that at the output layer)
    of an MLP 2-16(step)-2 on a batch of 256 spirals, cross-entropy, one backward pass."""
    import torch
    import torch.nn.functional as F

    from ..models import build_model

    x, y = _spirals(seed)
    model = build_model("mlp", "binary_step", in_shape=(2,), n_classes=2, width=16, depth=1, seed=seed)
    loss = F.cross_entropy(model(torch.from_numpy(x[:256])), torch.from_numpy(y[:256]))
    loss.backward()
    return _largest_grad(model.get_submodule("fc1")), _largest_grad(model.get_submodule("out"))


def _largest_grad(m: nn.Module) -> float:
    return max(float(p.grad.abs().max()) for p in m.parameters() if p.grad is not None)


def hand_set_xor() -> float:
    """Accuracy on XOR of a two-layer step network with hand-set weights (h1 = x1 OR x2,
    h2 = x1 AND x2, out = h1 AND NOT h2): representation is not what limits step units."""
    step = _step()
    x, y = xor_set()
    h1 = step(x[:, 0] + x[:, 1] - 0.5)
    h2 = step(x[:, 0] + x[:, 1] - 1.5)
    out = step(h1 - h2 - 0.5)
    return float((out == y).mean())


def decide(
    converged: dict[str, list[bool]], fitted_nonsep: dict[str, list[bool]], hidden_grads: list[float]
) -> str:
    """Verdict from: per separable set, whether each seed reached 0 training errors; per
    non-separable set, whether each seed ever reached 0 training errors; the hidden step layer's
    largest |gradient| per seed."""
    if any(sum(not c for c in cs) * 2 > len(cs) for cs in converged.values()):
        return "not held"
    if any(any(f) for f in fitted_nonsep.values()) or any(g != 0.0 for g in hidden_grads):
        return "not held"
    if all(all(cs) for cs in converged.values()) and converged and fitted_nonsep and hidden_grads:
        return "held"
    return "inconclusive"


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the checks (``dataset`` is not used: the sets are fixed by what the claim is about)."""
    seeds = list(range(5))
    budget = 30 if quick else 200
    with Stopwatch() as sw:
        sep = {"linear teacher (10-d, margin 0.2)": separable_set, "digits 0 vs 1": lambda s: _digits01()}
        nonsep = {"XOR": lambda s: xor_set(), "two spirals (500)": _spirals}
        runs: dict[str, list[dict]] = {}
        for name, make in {**sep, **nonsep}.items():
            runs[name] = []
            for s in seeds:
                x, y = make(s)
                runs[name].append(perceptron(x, y, epochs=budget, seed=s))
        grads = [hidden_step_gradient(s) for s in seeds]
        xor_hand = hand_set_xor()
    converged = {n: [r["converged_epoch"] is not None for r in runs[n]] for n in sep}
    fitted = {n: [min(r["train_error"]) == 0.0 for r in runs[n]] for n in nonsep}
    verdict = decide(converged, fitted, [g for g, _ in grads])
    epochs_ci = {
        n: mean_ci([r["converged_epoch"] if r["converged_epoch"] else math.nan for r in runs[n]]) for n in sep
    }
    best_acc = {n: mean_ci([1.0 - min(r["train_error"]) for r in runs[n]]) for n in nonsep}
    last_acc = {n: mean_ci([1.0 - r["train_error"][-1] for r in runs[n]]) for n in nonsep}
    details = (
        "Separable sets, epochs until an epoch without updates (0 training errors): "
        + "; ".join(
            f"{n}: {[r['converged_epoch'] for r in runs[n]]} (mean {fmt_ci(epochs_ci[n])})" for n in sep
        )
        + f". Non-separable sets, {budget} epochs: "
        + "; ".join(
            f"{n}: reached 0 errors in {sum(fitted[n])} of {len(seeds)} seeds, best training accuracy "
            f"{fmt_ci(best_acc[n])}, last {fmt_ci(last_acc[n])}"
            for n in nonsep
        )
        + ". MLP 2-16(step)-2 on spirals, one backward pass: largest |gradient| at the hidden step layer "
        f"{max(g for g, _ in grads):g} over all seeds, at the output layer {fmt(min(o for _, o in grads))} "
        f"or more. Not judged: a hand-set two-layer step network gets XOR {xor_hand:.0%} right (hidden step "
        "units can represent what one cannot; they cannot be trained by gradients)."
    )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            "Perceptron rule with actlab's binary_step (step(0) = 0), weights from 0, lr 1, sample order "
            f"from the seed, up to {budget} epochs; separable: a 10-d linear-teacher set (400 points, margin "
            "0.2, drawn per seed) and digits 0 vs 1 (the fixed training split, 288 images); non-separable: "
            f"XOR and two spirals (500 points per seed); {len(seeds)} seeds. Backprop check: MLP "
            "2-16(binary_step)-2, torch default init, cross-entropy on 256 spirals."
            + (" Quick mode: a smaller epoch budget." if quick else "")
        ),
        verdict=verdict,
        rule=decision_rule(__name__),
        numbers={
            "epoch_budget": budget,
            **{f"converged_epochs {n}": [r["converged_epoch"] for r in runs[n]] for n in sep},
            **{f"seeds fitting {n} exactly": sum(fitted[n]) for n in nonsep},
            "hidden_step_gradient_max": max(g for g, _ in grads),
            "output_gradient_min": min(o for _, o in grads),
            "hand_set_xor_accuracy": xor_hand,
        },
        ci={
            **{f"epochs to 0 training errors, {n}": epochs_ci[n] for n in sep},
            **{f"best training accuracy, {n}": best_acc[n] for n in nonsep},
        },
        details=details,
        quick=quick,
        dataset="synthetic, digits 0/1, XOR, spirals",
        seeds=seeds,
        seconds=sw.seconds,
    )
