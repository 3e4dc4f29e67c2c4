"""Claim: the output activation should match the task — sigmoid for a binary output, softmax for
multi-class, linear for regression.

The activation guides give this as the rule for the last layer (hidden layers: the ReLU family).
This module checks whether the recommended choice does at least as well as the choices it warns
against, each trained with the loss that matches its output, on one small task per kind.

Setting: one MLP body for every task and choice (2 hidden layers of 64 ReLU units, torch's
default init, the lab's ``build_model``), Adam with lr 1e-3 for all (Adam rescales gradients,
so losses of different scale get comparable step sizes), batch 64, the same epoch budget for
every choice; probabilities clipped to [1e-7, 1 - 1e-7] inside the logs, as Keras does. 20% of
each training set is held out for validation, and each run is scored on the test set at its
epoch with the best validation score (early stopping, the same protocol for every choice). This
protocol was added after a first full run with a fixed 150 epochs on the diabetes data let the
network overfit its 353 training samples (test R^2 0.21 for the linear output), so that run
compared how much each output overfits rather than the outputs themselves (its regression task
came out "not held"); the decision rule below was not changed.

- binary: the dataset's images, label = class index odd or even (balanced). Guide: sigmoid, 1
  unit, binary cross-entropy. Against: softmax over 2 units + cross-entropy (mathematically the
  same model family), linear 1 unit + squared error on 0/1 targets (threshold 0.5), softmax over
  1 unit + binary cross-entropy (a constant output: the classic Dense(1, softmax) mistake).
  Metric: test accuracy.
- multi-class: the dataset's 10 classes. Guide: softmax + cross-entropy. Against: 10 sigmoids +
  binary cross-entropy (one-vs-rest), linear + squared error on one-hot targets; prediction by
  argmax. Metric: test accuracy.
- regression: scikit-learn's bundled diabetes data (442 patients, 10 features, disease
  progression after one year; 80/20 train/test split fixed by seed 0), inputs and target
  standardised on the training part. Guide: linear + squared error. Against: sigmoid + squared error with the
  target min-max scaled to [0, 1] on the training part (so its range is not the handicap;
  predictions mapped back), ReLU + squared error. Metric: test R^2.

Decision rule (fixed before any result was seen in its first form; amended on 2026-12-02 to
correct for multiplicity, before the run it judges: the amendment and the earlier run are
recorded in docs/claims.md): for each task and each alternative (7 comparisons in all), the
paired per-seed difference d = metric(guide) - metric(alternative) over the seeds where both
runs finished, and a margin of 0.01 (one accuracy point, or 0.01 of R^2). Two one-sided paired
t-tests per comparison against the margin: "not worse" (H0: mean d <= -0.01) and "alternative
better" (H0: mean d >= -0.01); a comparison with fewer than 2 finished seed pairs has no p-value.
A task is not held if some alternative of it is better: its "alternative better" p-value,
Holm-adjusted over all 7 comparisons (any one of them would make the claim not held), is
< 0.05. A task is held if it is not "not held" and every alternative's "not worse" p-value is
< 0.05 (an intersection-union test: held needs every test to reject, so the family-wise level
is 0.05 without correction). Inconclusive otherwise, and whenever a p-value is missing. The
claim is held if all three tasks are held, not held if any task is not held, inconclusive
otherwise. The bootstrap 95% CIs of the differences over seeds are reported, not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from ..stats import holm
from .base import ClaimResult, Stopwatch, combine_all, data_settings, decision_rule, fmt, fmt_ci, mean_ci

__all__ = [
    "ALPHA",
    "AMENDMENTS",
    "KEY",
    "MARGIN",
    "SOURCE",
    "STATEMENT",
    "comparison_pvalues",
    "decide",
    "decide_tasks",
    "run",
]

KEY = "output_activation"
STATEMENT = (
    "Use sigmoid for a binary output, softmax for a multi-class output and a linear output for regression "
    "(each with its matching loss)."
)
SOURCE = (
    "The activation guides' advice on the output layer (e.g. the Keras course notes on choosing activations)"
)
MARGIN = 0.01
ALPHA = 0.05
AMENDMENTS = (
    "2026-12-02, rule amended (issue 11: several comparisons decided one verdict without correction). "
    "Before: per task and alternative, the bootstrap 95% CI over seeds of d = metric(guide) - "
    "metric(alternative); a task held if every alternative's CI lower end was >= -0.01, not held if some "
    "alternative's CI upper end was < -0.01, inconclusive otherwise; any one of the 7 comparisons could "
    "make the claim not held, with no correction. That run (`actlab claims --out out/claims --markdown "
    "docs/claims.md`, fashion-mnist 10,000/2,000, 5 seeds) gave binary held, multi-class inconclusive "
    "(sigmoid + BCE -0.0062 [-0.0129, -0.0005], linear + MSE -0.0114 [-0.0194, -0.0046]), regression "
    "inconclusive: **inconclusive**; under `--quick` (3 seeds) the same rule gave **not held**. Now: "
    "one-sided paired t-tests against the margin, the 'alternative better' ones Holm-adjusted over all 7 "
    "comparisons, 'held' an intersection-union test (rule above); the per-seed numbers of the earlier "
    "run were not stored, so it was not re-judged under the new rule."
)
_EPS = 1e-7


def comparison_pvalues(diffs: Sequence[float]) -> tuple[float, float]:
    """(p "not worse", p "alternative better"): one-sided paired t-tests of the per-seed
    differences d = metric(guide) - metric(alternative) against -MARGIN. NaN pairs (a run that
    diverged) are dropped; fewer than 2 left: (NaN, NaN). Differences without spread get p 0 on
    the side their mean lies strictly on and 1 on the other (the t statistic is infinite)."""
    d = np.asarray([float(v) for v in diffs], dtype=np.float64)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return (math.nan, math.nan)
    shift = d.mean() + MARGIN
    sd = float(d.std(ddof=1))
    if not sd > 1e-12 * max(1.0, abs(float(d.mean()))):  # no spread (rounding aside)
        return (0.0 if shift > 0 else 1.0, 0.0 if shift < 0 else 1.0)
    from scipy import stats as st

    t = shift / (sd / math.sqrt(d.size))
    df = d.size - 1
    return (float(st.t.sf(t, df)), float(st.t.cdf(t, df)))


def decide_tasks(
    task_diffs: Mapping[str, Mapping[str, Sequence[float]]],
) -> tuple[dict[str, str], dict[str, dict[str, tuple[float, float]]]]:
    """Each task's verdict and, per task and alternative, (p "not worse", Holm-adjusted p
    "alternative better"), from the per-seed differences metric(guide) - metric(alternative)."""
    keys = [(t, a) for t, alts in task_diffs.items() for a in alts]
    raw = {k: comparison_pvalues(task_diffs[k[0]][k[1]]) for k in keys}
    adj = dict(zip(keys, holm([raw[k][1] for k in keys])))
    verdicts: dict[str, str] = {}
    ps: dict[str, dict[str, tuple[float, float]]] = {}
    for t, alts in task_diffs.items():
        ps[t] = {a: (raw[(t, a)][0], adj[(t, a)]) for a in alts}
        pairs = list(ps[t].values())
        if any(not math.isnan(pb) and pb < ALPHA for _, pb in pairs):
            verdicts[t] = "not held"
        elif pairs and all(not math.isnan(pn) and not math.isnan(pb) and pn < ALPHA for pn, pb in pairs):
            verdicts[t] = "held"
        else:
            verdicts[t] = "inconclusive"
    return verdicts, ps


def decide(task_diffs: Mapping[str, Mapping[str, Sequence[float]]]) -> str:
    """The claim's verdict: every task's verdict (:func:`decide_tasks`), combined (all must hold)."""
    return combine_all(decide_tasks(task_diffs)[0].values())


@dataclass(frozen=True)
class _Choice:
    label: str
    n_out: int
    activation: str | None  # None: linear output (raw pre-activations)
    loss: str  # "bce", "ce" or "mse"


_TASKS: dict[str, tuple[_Choice, ...]] = {
    "binary": (
        _Choice("sigmoid + BCE", 1, "sigmoid", "bce"),
        _Choice("softmax(2) + CE", 2, "softmax", "ce"),
        _Choice("linear + MSE", 1, None, "mse"),
        _Choice("softmax(1) + BCE", 1, "softmax", "bce"),
    ),
    "multi-class": (
        _Choice("softmax + CE", 10, "softmax", "ce"),
        _Choice("sigmoid + BCE", 10, "sigmoid", "bce"),
        _Choice("linear + MSE", 10, None, "mse"),
    ),
    "regression": (
        _Choice("linear + MSE", 1, None, "mse"),
        _Choice("sigmoid + MSE", 1, "sigmoid", "mse"),
        _Choice("relu + MSE", 1, "relu", "mse"),
    ),
}


def _loss(kind: str, out, target):
    import torch.nn.functional as F

    if kind == "bce":
        return F.binary_cross_entropy(out.clamp(_EPS, 1 - _EPS), target)
    if kind == "ce":
        return F.nll_loss(out.clamp_min(_EPS).log(), target)
    return F.mse_loss(out, target)


def _targets(task: str, c: _Choice, y: np.ndarray):
    """Training targets of choice ``c`` for labels/values ``y`` (a torch tensor)."""
    import torch

    if task == "regression":
        return torch.from_numpy(y.astype(np.float32))[:, None]
    if c.loss == "ce":
        return torch.from_numpy(y)
    if c.n_out == 1:
        return torch.from_numpy(y.astype(np.float32))[:, None]
    return torch.nn.functional.one_hot(torch.from_numpy(y), c.n_out).float()


def _train_one(
    task: str,
    c: _Choice,
    fit: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    *,
    seed: int,
    epochs: int,
    score: Callable[[np.ndarray, np.ndarray], float],
) -> tuple[float, int]:
    """(test score at the epoch with the best validation score, that epoch); NaN if it diverged."""
    import torch

    from ..models import build_model
    from ..train import _Adam

    x, y = fit
    model = build_model(
        "mlp",
        "relu",
        in_shape=(x.shape[1],),
        n_classes=c.n_out,
        width=64,
        depth=2,
        output_activation=c.activation,
        seed=seed,
    )
    # the lab's Adam: torch.optim.Adam's update (tested equal), without the torch._dynamo import
    # (seconds per process) that constructing any torch.optim optimizer costs
    opt = _Adam(model.parameters(), lr=1e-3)
    xtr = torch.from_numpy(x)
    ttr = _targets(task, c, y)
    xv, xt = torch.from_numpy(val[0]), torch.from_numpy(test[0])
    gen = torch.Generator().manual_seed(seed)
    n = len(xtr)
    best = (-math.inf, math.nan, 0)  # (validation score, test score, epoch)
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, 64):
            idx = perm[i : i + 64]
            loss = _loss(c.loss, model(xtr[idx]), ttr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            ov = model(xv).double().numpy()
            ot = model(xt).double().numpy()
        if not (np.all(np.isfinite(ov)) and np.all(np.isfinite(ot))):
            break
        sv = score(ov, val[1])
        if sv > best[0]:
            best = (sv, score(ot, test[1]), epoch)
    return best[1], best[2]


def _accuracy(c: _Choice) -> Callable[[np.ndarray, np.ndarray], float]:
    def score(out: np.ndarray, y_true: np.ndarray) -> float:
        pred = (out[:, 0] > 0.5).astype(np.int64) if c.n_out == 1 else out.argmax(1)
        return float((pred == y_true).mean())

    return score


def _holdout(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[tuple, tuple]:
    """(fit, validation): a fixed 80/20 split of a training set."""
    perm = np.random.default_rng(seed).permutation(len(y))
    n_val = int(round(0.2 * len(y)))
    v, f = perm[:n_val], perm[n_val:]
    return (x[f], y[f]), (x[v], y[v])


def _diabetes(seed: int = 0):
    from sklearn.datasets import load_diabetes

    x, y = load_diabetes(return_X_y=True)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    n_test = int(round(0.2 * len(y)))
    te, tr = perm[:n_test], perm[n_test:]
    mu, sd = x[tr].mean(0), x[tr].std(0)
    ym, ys = y[tr].mean(), y[tr].std()
    f = lambda a: ((a - mu) / sd).astype(np.float32)
    return f(x[tr]), (y[tr] - ym) / ys, f(x[te]), (y[te] - ym) / ys


def _r2(back: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray, np.ndarray], float]:
    """R^2 of the predictions mapped back to the standardised target by ``back``."""

    def score(out: np.ndarray, y_true: np.ndarray) -> float:
        p = back(out[:, 0])
        return float(1.0 - np.sum((y_true - p) ** 2) / np.sum((y_true - y_true.mean()) ** 2))

    return score


def run(quick: bool = False, dataset: str | None = None, *, data_dir: str | None = None, runner=None):
    """Run the experiment (in this process; ``runner`` is unused: the trials are tiny and need
    losses other than the lab's standard cross-entropy)."""
    import torch

    from ..data import load_dataset

    ds = data_settings(dataset, quick, data_dir)
    seeds = list(range(3 if quick else 5))
    epochs_img = 3 if quick else 10
    epochs_reg = 40 if quick else 150
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    scores: dict[str, dict[str, list[float]]] = {t: {c.label: [] for c in cs} for t, cs in _TASKS.items()}
    stop_epochs: dict[str, list[int]] = {}
    try:
        with Stopwatch() as sw:
            data = load_dataset(ds.name, flat=True, n_train=ds.n_train, n_test=ds.n_test, data_dir=data_dir)
            xr, yr, xrt, yrt = _diabetes(0)
            reg_fit, reg_val = _holdout(xr, yr)
            lo, hi = float(reg_fit[1].min()), float(reg_fit[1].max())
            for task, choices in _TASKS.items():
                for c in choices:
                    for s in seeds:
                        if task == "regression":
                            if c.activation == "sigmoid":
                                # the target min-max scaled into [0, 1] on the fitting part; predictions
                                # are mapped back before scoring
                                fit = (reg_fit[0], (reg_fit[1] - lo) / (hi - lo))
                                back = lambda p, lo=lo, hi=hi: p * (hi - lo) + lo
                            else:
                                fit, back = reg_fit, (lambda p: p)
                            val, epochs, score = reg_val, epochs_reg, _r2(back)
                            test = (xrt, yrt)
                        else:
                            y, yt = data.y_train, data.y_test
                            if task == "binary":
                                y, yt = y % 2, yt % 2
                            fit, val = _holdout(data.x_train, y)
                            test, epochs, score = (data.x_test, yt), epochs_img, _accuracy(c)
                        value, stop = _train_one(task, c, fit, val, test, seed=s, epochs=epochs, score=score)
                        scores[task][c.label].append(value)
                        stop_epochs.setdefault(f"{task}: {c.label}", []).append(stop)
    finally:
        torch.set_num_threads(threads)

    task_diffs: dict[str, dict[str, list[float]]] = {}
    task_cis: dict[str, dict[str, tuple[float, float, float]]] = {}
    cis: dict[str, tuple[float, float, float]] = {}
    numbers: dict = {}
    for task, choices in _TASKS.items():
        guide = choices[0].label
        task_diffs[task], task_cis[task] = {}, {}
        for c in choices[1:]:
            d = [a - b for a, b in zip(scores[task][guide], scores[task][c.label])]
            task_diffs[task][c.label] = d
            task_cis[task][c.label] = mean_ci(d)
            cis[f"{task}: {guide} minus {c.label}"] = task_cis[task][c.label]
    task_verdicts, pvals = decide_tasks(task_diffs)
    lines = []
    for task, choices in _TASKS.items():
        means = {}
        for c in choices:
            means[c.label] = float(np.nanmean(scores[task][c.label])) if scores[task][c.label] else math.nan
            numbers[f"{task}: {c.label}"] = means[c.label]
        v = task_verdicts[task]
        numbers[f"{task} verdict"] = v
        for alt, (pn, pb) in pvals[task].items():
            numbers[f"{task}: {alt}: p not worse"] = pn
            numbers[f"{task}: {alt}: p better (Holm)"] = pb
        for c in choices:
            numbers[f"{task}: {c.label}: stopping epoch"] = float(np.mean(stop_epochs[f"{task}: {c.label}"]))
        metric = "test R^2" if task == "regression" else "test accuracy"
        lines.append(
            f"{task} ({metric}; verdict {v}): "
            + ", ".join(f"{k} {fmt(m)}" for k, m in means.items())
            + "; guide minus alternative (p not worse; Holm-adjusted p alternative better): "
            + ", ".join(
                f"{k} {fmt_ci(ci)} (p {fmt(pvals[task][k][0])}; {fmt(pvals[task][k][1])})"
                for k, ci in task_cis[task].items()
            )
            + "."
        )
    return ClaimResult(
        key=KEY,
        statement=STATEMENT,
        source=SOURCE,
        setting=(
            f"binary and multi-class: {ds.describe}, flattened; regression: scikit-learn diabetes "
            "(353 train / 89 test). 20% of each training set held out for early stopping. "
            f"MLP 2 x 64 ReLU + output layer, Adam lr 1e-3, batch 64, at most {epochs_img} epochs (images) / "
            f"{epochs_reg} epochs (diabetes), {len(seeds)} seeds. Early stopping was adopted after a first "
            "full run with a fixed 150 epochs overfit the diabetes data (linear output: test R^2 0.21; "
            "regression task 'not held'); the decision rule was not changed."
            + (" Quick mode: fewer epochs and seeds." if quick else "")
        ),
        verdict=combine_all(task_verdicts.values()),
        rule=decision_rule(__name__),
        numbers=numbers,
        ci=cis,
        details=" ".join(lines),
        figures=[],
        quick=quick,
        dataset=ds.name,
        seeds=seeds,
        seconds=sw.seconds,
        amendments=AMENDMENTS,
    )
