"""Rendering of a :class:`~actlab.lab.compare.CompareResult`: the terminal table, the findings in
sentences, and ``report.html`` (self-contained), ``results.json`` and ``results.csv``.

Every table and figure lists the entries in one order (best final test accuracy first) and
gives each entry one colour in every figure.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .compare import CI3, ActivationSummary, CompareResult
from .refs import ActivationRef
from .stats import coverage_note
from .train import TrialResult

__all__ = ["findings", "fmt_ci", "text_table", "write_compare_report"]


def _sentence(text: str) -> str:
    """``text`` with a capital first letter, to follow a full stop."""
    return text[:1].upper() + text[1:]


def _same_variant(r: TrialResult, s: ActivationSummary) -> bool:
    c = r.config
    return c.activation == s.activation and c.params == s.params and c.memory == s.memory


def _ci_parts(c: CI3, pct: bool = False, digits: int = 3) -> tuple[str, str]:
    """(estimate, "[low, high]") as text; the interval is "" where there is none (one seed)."""
    e, lo, hi = c
    if math.isnan(e):
        return "–", ""
    f = (lambda x: f"{100 * x:.1f}%") if pct else (lambda x: f"{x:.{digits}g}")
    if math.isnan(lo):
        return f(e), ""
    return f(e), f"[{f(lo)}, {f(hi)}]"


def fmt_ci(c: CI3, pct: bool = False, digits: int = 3) -> str:
    """``0.912 [0.905, 0.919]`` (or ``91.2% [...]`` with ``pct``); the estimate alone where there
    is no interval (one seed), ``–`` where there is no estimate."""
    est, interval = _ci_parts(c, pct, digits)
    return f"{est} {interval}" if interval else est


def _report_order(summaries: Sequence[ActivationSummary]) -> list[ActivationSummary]:
    """The one order of the report, its table's and every figure's: best final test accuracy
    first; entries without one (every seed diverged) last, in run order."""
    return sorted(
        summaries,
        key=lambda s: -s.final_test_accuracy[0] if math.isfinite(s.final_test_accuracy[0]) else math.inf,
    )


def _colors(n: int) -> list[Any]:
    """``n`` colours, neighbours of different hues: tab10, or for more than 10 tab20 with its
    dark shades first and light ones after (tab20 pairs a dark and a light shade of each hue)."""
    import matplotlib

    if n <= 10:
        cmap = matplotlib.colormaps["tab10"]
        return [cmap(i) for i in range(n)]
    cmap = matplotlib.colormaps["tab20"]
    idx = list(range(0, 20, 2)) + list(range(1, 20, 2))
    return [cmap(idx[i % 20]) for i in range(n)]


def _colour_map(res: CompareResult) -> dict[str, Any]:
    """Entry label -> colour, assigned in report order: the same colour in every figure."""
    order = _report_order(res.summaries)
    return dict(zip([s.label for s in order], _colors(len(order))))


def _groups(items: Sequence[Any], most: int = 5) -> list[list[Any]]:
    """``items`` cut in order into as few runs of at most ``most`` as possible, of near-equal size."""
    k = max(1, math.ceil(len(items) / most))
    size, extra = divmod(len(items), k)
    out, i = [], 0
    for j in range(k):
        n = size + (j < extra)
        out.append(list(items[i : i + n]))
        i += n
    return out


# more functions than this and the f/f' figure becomes one small panel per function
_MAX_CURVES = 5


def _function_curve(s: ActivationSummary) -> tuple[Any, Any, Any]:
    from ..plot import curves
    from ..registry import spec

    # an even number of points keeps x = 0 (the usual kink) off the grid, so the NaN inserted
    # below falls between the two sides of the jump
    x, f, d = curves(s.activation, -4.0, 4.0, 800, **s.params)
    sp = spec(s.activation)
    p = {**sp.defaults(), **s.params}
    for kink in sp.kinks_for(p):  # break the lines at kinks: a jump is not a steep segment
        i = int(np.searchsorted(x, kink.at_for(p)))
        if 0 < i < len(x):
            x, f, d = (np.insert(v, i, np.nan) for v in (x, f, d))
    return x, f, d


def _plot_functions(res: CompareResult) -> str:
    import matplotlib.pyplot as plt

    from .report import figure_html

    order = _report_order(res.summaries)
    colour = _colour_map(res)
    # one entry per function, in report order: its memory tiers share f and f', drawn in the
    # colour of its best-ranked entry; a tier's few-bit f' is drawn as steps in that tier's colour
    fns: dict[str, list[ActivationSummary]] = {}
    for s in order:
        fns.setdefault(ActivationRef(s.activation, s.params).label, []).append(s)
    if len(fns) <= _MAX_CURVES:
        fig, (af, ad) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
        for fn, entries in fns.items():
            col = colour[entries[0].label]
            x, f, d = _function_curve(entries[0])
            af.plot(x, f, color=col, lw=1.6, label=fn)
            ad.plot(x, d, color=col, lw=1.6, label=fn)
            for s in entries:
                if s.gradient_error > 0:
                    _plot_fewbit(ad, s, colour[s.label])
        for ax, t in ((af, "f(x)"), (ad, "f'(x)")):
            _function_axes(ax)
            ax.set_title(t)
            ax.set_xlabel("x")
        af.set_ylim(-2.0, 4.0)
        ad.set_ylim(-0.25, 1.85)
        ad.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False)
        return figure_html(fig, alt="activation functions and their derivatives")
    # small multiples: one panel per function, f in its colour and f' dashed black, on shared axes
    ncols = 4
    nrows = math.ceil(len(fns) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(10, 2.3 * nrows + 0.4), sharex=True, sharey=True, constrained_layout=True
    )
    axes = np.atleast_1d(axes).ravel()
    for ax, (fn, entries) in zip(axes, fns.items()):
        col = colour[entries[0].label]
        x, f, d = _function_curve(entries[0])
        ax.plot(x, d, color="k", lw=1.0, ls=(0, (4, 2)))
        ax.plot(x, f, color=col, lw=1.8)
        for s in entries:
            if s.gradient_error > 0:
                _plot_fewbit(ax, s, colour[s.label])
        _function_axes(ax)
        ax.set_title(fn, fontsize=10, color=col)
        if any(s.gradient_error > 0 for s in entries):
            ax.legend(fontsize=7, frameon=False, loc="upper left")
    for ax in axes[len(fns) :]:
        ax.set_visible(False)
    axes[0].set_ylim(-2.0, 4.0)
    axes[0].set_xlim(-4.0, 4.0)
    fig.suptitle(
        "f(x) solid in the activation's colour, f'(x) dashed black; panels in the summary table's order",
        fontsize=10,
    )
    return figure_html(fig, alt="activation functions and their derivatives, one panel per function")


def _function_axes(ax: Any) -> None:
    ax.axhline(0, color="0.6", lw=0.7)
    ax.axvline(0, color="0.6", lw=0.7)
    ax.grid(alpha=0.3)


def _plot_fewbit(ax: Any, s: ActivationSummary, col: Any) -> None:
    """The few-bit f' the tier uses in backward: steps in the function's colour, dashed (4 bits),
    dash-dotted (3) or dotted (2)."""
    from ..fewbit import fewbit
    from ..registry import resolve_params, spec
    from ..torch.fewbit import tier_bits

    bits = tier_bits(s.memory)
    assert bits is not None  # plotted for the few-bit tiers only
    q = fewbit(s.activation, bits, resolve_params(spec(s.activation), s.params))
    x = np.linspace(-4.0, 4.0, 1601)
    ls = {4: "--", 3: "-.", 2: ":"}[bits]
    ax.plot(x, q.derivative(x), color=col, lw=1.3, ls=ls, label=f"{s.label} f'")


def _plot_curves(res: CompareResult) -> str:
    """Training loss, training error and test accuracy per epoch: one row of three panels per
    group of at most five entries (in report order), every column on one shared y axis."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from .report import figure_html

    order = _report_order(res.summaries)
    colour = _colour_map(res)
    groups = _groups(order, _MAX_CURVES) if order else [[]]
    nrows = len(groups)
    fig, axes = plt.subplots(
        nrows, 3, figsize=(12, 3.3 * nrows + 0.5), sharex=True, sharey="col", constrained_layout=True,
        squeeze=False,
    )  # fmt: skip
    specs = (
        ("train_loss", "training loss (cross-entropy, log scale)", True),
        ("train_error", "training error (log; 0 at the bottom; dashed: target)", True),
        ("test_accuracy", "test accuracy", False),
    )
    finals = [
        s.curves["test_accuracy"]["mean"][-1]
        for s in order
        if s.curves.get("test_accuracy")
        and s.curves["test_accuracy"]["mean"]
        and math.isfinite(s.curves["test_accuracy"]["mean"][-1])
    ]
    first = 1
    for r, (row, group) in enumerate(zip(axes, groups)):
        for ax, (key, title, logy) in zip(row, specs):
            drawn = False  # any finite value on this axis (a diverged trial's last loss is NaN)
            for s in group:
                c = s.curves.get(key)
                if not c:
                    continue
                col = colour[s.label]
                m, lo, hi = (np.asarray(c[k], dtype=float) for k in ("mean", "low", "high"))
                ep = np.arange(1, len(m) + 1)
                # a marker where a line has one point (diverged in its first epoch): else nothing shows
                ax.plot(ep, m, color=col, lw=1.5, label=s.label, marker="o" if len(m) == 1 else None)
                ax.fill_between(ep, lo, hi, color=col, alpha=0.15, lw=0)
                drawn = drawn or bool(np.any(np.isfinite(m) & (m > 0 if logy else True)))
            if not drawn:
                # nothing to draw (every trial diverged at once): a log scale of no data cannot be
                # drawn at all, so say it in words on a plain axis
                ax.text(0.5, 0.5, "no finite values:\nevery trial diverged", transform=ax.transAxes,
                        ha="center", va="center", fontsize=10, color="0.3")  # fmt: skip
            elif logy and key == "train_error":
                # symlog: log above one misclassified sample, linear below, so an error of 0 is drawn as 0
                ax.set_yscale("symlog", linthresh=1.0 / max(res.config.n_train or 1, 1), linscale=0.4)
                ax.set_ylim(0.0, 1.0)
                ax.set_yticks([0.0, 1e-3, 1e-2, 1e-1, 1.0], ["0", "0.001", "0.01", "0.1", "1"])
            elif logy:
                ax.set_yscale("log")
            if key == "train_error" and res.config.target_error is not None:
                ax.axhline(res.config.target_error, color="k", ls="--", lw=0.9, label="target")
            if key == "test_accuracy" and finals:
                ax.set_ylim(max(0.0, min(finals) - 0.15), 1.0)
            if r == 0:
                ax.set_title(title, fontsize=10)
            if r == nrows - 1:
                ax.set_xlabel("epoch")
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3, which="both")
        if group:
            last = first + len(group) - 1
            row[2].legend(
                loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False,
                title=(f"table rows {first}–{last}" if nrows > 1 else None), title_fontsize=9,
            )  # fmt: skip
            first = last + 1
    n = len(res.config.seeds)
    fig.suptitle(
        f"mean over {n} seeds; bands: {res.config.level:.0%} bootstrap CI per epoch"
        + ("; at most five activations per row, rows in the summary table's order" if nrows > 1 else ""),
        fontsize=10,
    )
    return figure_html(fig, alt="training curves with confidence bands")


def _dot_plot(
    res: CompareResult, attr: str, per_trial: Any, title: str, xlabel: str, pct: bool = False
) -> str:
    import matplotlib.pyplot as plt

    from .report import figure_html

    # the summary table's order, its first row at the top; rows without a value say so in words
    order = _report_order(res.summaries)[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(order), 1) + 1.4), constrained_layout=True)
    cols = _colour_map(res)
    k = 100.0 if pct else 1.0
    for i, s in enumerate(order):
        e, lo, hi = getattr(s, attr)
        if math.isnan(e):
            ax.text(0.5, i, "no value (e.g. target never reached)", transform=ax.get_yaxis_transform(),
                    ha="center", va="center", fontsize=9, color="0.3")  # fmt: skip
            continue
        if not math.isnan(lo):
            ax.plot([k * lo, k * hi], [i, i], color=cols[s.label], lw=3, alpha=0.55, solid_capstyle="butt")
        ax.plot([k * e], [i], "o", color=cols[s.label], ms=7)
        pts = [
            v
            for v in (per_trial(r) for r in res.results if _same_variant(r, s))
            if v is not None and not math.isnan(v)
        ]
        seen: dict[float, int] = {}
        for v in pts:  # equal values (whole epochs) are stacked, so every seed stays visible
            j = seen.get(v, 0)
            seen[v] = j + 1
            ax.plot([k * v], [i + 0.2 + 0.1 * j], "|", color="0.25", ms=6)
    ax.set_yticks(range(len(order)), [s.label for s in order])
    ax.set_ylim(-0.6, len(order) - 0.1)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return figure_html(fig, alt=title)


def _plot_dead(res: CompareResult) -> str:
    import matplotlib.pyplot as plt

    from .report import figure_html

    sums = _report_order(res.summaries)
    fig, ax = plt.subplots(figsize=(min(10.0, max(6.0, 0.75 * len(sums) + 2)), 3.8), constrained_layout=True)
    x = np.arange(len(sums))
    for off, attr, col, name in (
        (-0.2, "dead_fraction", "#c0392b", "dead"),
        (0.2, "saturated_fraction", "#2c7fb8", "saturated"),
    ):
        est = np.array([100 * getattr(s, attr)[0] for s in sums])
        lo = np.array([100 * getattr(s, attr)[1] for s in sums])
        hi = np.array([100 * getattr(s, attr)[2] for s in sums])
        ax.bar(x + off, est, width=0.38, color=col, alpha=0.8, label=f"{name} units")
        ok = ~np.isnan(lo)
        ax.errorbar(
            (x + off)[ok],
            est[ok],
            yerr=[est[ok] - lo[ok], hi[ok] - est[ok]],
            fmt="none",
            ecolor="k",
            lw=1,
            capsize=3,
        )
    ax.set_xticks(x, [s.label for s in sums], rotation=30, ha="right")
    ax.set_ylabel("% of hidden units (trained net)")
    # NaN (diverged: no trained net to measure) must not reach the limits: max() with NaN is NaN
    tops = [100 * v for s in sums for c in (s.dead_fraction, s.saturated_fraction) for v in (c[0], c[2])]
    top = max([v for v in tops if math.isfinite(v)] + [1.0])
    ax.set_ylim(0, max(2.0, 1.15 * top))
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3, axis="y")
    ax.set_title(
        "dead: no sample gives f(x)≠0 and f'(x)≠0 · saturated: |f'(x)| < 0.01 on > 99% of samples", fontsize=9
    )
    return figure_html(fig, alt="dead and saturated unit fractions")


def _ci_cell(c: CI3, pct: bool = False, digits: int = 3, extra: str = "") -> Any:
    """A table cell: the estimate on one line, its exact interval below it in smaller type
    (and ``extra``, e.g. how many seeds, on a third)."""
    from .report import Html, esc

    est, interval = _ci_parts(c, pct, digits)
    lines = [f'<span class="est">{esc(est)}</span>']
    if interval:
        lines.append(f'<span class="ci">{esc(interval)}</span>')
    if extra:
        lines.append(f'<span class="ci">{esc(extra)}</span>')
    return Html("".join(lines))


def _summary_table(res: CompareResult) -> tuple[list[str], list[list[Any]]]:
    """The summary: what a reader compares, one row per entry in report order; the learning rate
    only where it differs between entries, and the diverged count only where a seed diverged."""
    from .report import Html

    order = _report_order(res.summaries)
    show_lr = len({s.lr for s in order}) > 1
    show_div = any(s.n_diverged for s in order)
    headers = ["activation"] + (["lr"] if show_lr else [])
    headers += ["test accuracy", "train loss", "epochs to target", "dead units", "saturated units"]
    headers += ["diverged"] if show_div else []
    rows = []
    for s in order:
        n = len(s.seeds)
        ett = (
            _ci_cell(
                s.epochs_to_target,
                extra="" if s.n_reached_target == n else f"{s.n_reached_target} of {n} seeds",
            )
            if s.n_reached_target
            else Html(f'<span class="est">not reached</span><span class="ci">0 of {n} seeds</span>')
        )
        row = [s.label] + ([f"{s.lr:g}"] if show_lr else [])
        row += [
            _ci_cell(s.final_test_accuracy, pct=True),
            _ci_cell(s.final_train_loss),
            ett,
            _ci_cell(s.dead_fraction, pct=True),
            _ci_cell(s.saturated_fraction, pct=True),
        ]
        row += [f"{s.n_diverged} of {n}"] if show_div else []
        rows.append(row)
    return headers, rows


_DETAILS_HEADERS = [
    "activation",
    "lr",
    "seeds",
    "diverged",
    "final train error [CI]",
    "seconds to target [CI]",
    "s / epoch",
    "saved bytes / element",
    "f' error (stated)",
]


def _details_rows(res: CompareResult) -> list[list[Any]]:
    """What a reader needs now and then, with exact intervals on one line each, in report order."""
    rows = []
    for s in _report_order(res.summaries):
        rows.append(
            [
                s.label,
                f"{s.lr:g}",
                len(s.seeds),
                s.n_diverged,
                fmt_ci(s.final_train_error, pct=True),
                fmt_ci(s.seconds_to_target),
                f"{s.seconds_per_epoch:.3f}",
                f"{s.saved_bytes_per_element:.3g}" if math.isfinite(s.saved_bytes_per_element) else "–",
                f"{100 * s.gradient_error:.1f}%" if s.gradient_error > 0 else "exact",
            ]
        )
    return rows


_CSV_HEADERS = [
    "activation",
    "params",
    "memory",
    "dataset",
    "model",
    "seed",
    "lr",
    "epochs_run",
    "final_test_accuracy",
    "final_train_loss",
    "final_train_error",
    "epochs_to_target",
    "seconds_to_target",
    "dead_fraction",
    "saturated_fraction",
    "diverged",
    "train_seconds",
    "wall_seconds",
    "n_parameters",
    "saved_bytes_per_element",
]


def _csv_rows(res: CompareResult) -> list[list[Any]]:
    rows = []
    for r in res.results:
        c = r.config
        rows.append(
            [
                c.activation,
                json.dumps(c.params, sort_keys=True),
                c.memory,
                c.dataset,
                c.model,
                c.seed,
                c.lr,
                len(r.train_loss),
                r.final_test_accuracy,
                r.train_loss[-1] if r.train_loss else math.nan,
                r.train_error[-1] if r.train_error else math.nan,
                r.epochs_to_target if r.epochs_to_target else "",
                r.seconds_to_target if r.seconds_to_target is not None else "",
                r.dead_fraction,
                r.saturated_fraction,
                int(r.diverged),
                round(sum(r.epoch_seconds), 4),
                round(r.wall_seconds, 4),
                r.n_parameters,
                r.saved_bytes_per_element,
            ]
        )
    return rows


def _meta(res: CompareResult) -> dict[str, Any]:
    env = res.environment
    return {
        "packages": env.get("packages"),
        "torch_threads_per_trial": env.get("torch_threads_per_trial", 1),
        "torch_threads_main": env.get("torch_threads_main"),
        "seeds": list(res.config.seeds),
        "wall_seconds": round(res.wall_seconds, 2),
        "python": env.get("python"),
        "platform": env.get("platform"),
        "cpu_count": env.get("cpu_count"),
        "command": env.get("command"),
        "time_utc": env.get("time_utc"),
        "runner": res.config.runner,
        "dataset_source": res.dataset_source,
        "trials_done": f"{res.n_done}/{res.n_trials}",
    }


def _memory_text(tiers: Sequence[str]) -> str:
    from .report import esc

    what = {
        "default": "default (what torch saves for backward; exact gradients)",
        "lean": "lean (a 1-bit mask for piecewise-linear functions; exact gradients)",
    }
    parts = [
        what.get(t, f"{t} (a {t[0]}-bit code of f' for smooth functions: approximate gradients, "
                 "error as stated in the summary; piecewise-linear ones keep an exact 1-bit mask)")
        for t in tiers
    ]  # fmt: skip
    head = (
        "Memory tier of the activations: "
        if len(tiers) == 1
        else "Memory tiers compared (each activation at each): "
    )
    return esc(head + "; ".join(parts) + ".")


def _per_seed(res: CompareResult, s: ActivationSummary) -> dict[int, float]:
    """Final test accuracy of each seed of one summary's activation (diverged seeds left out)."""
    return {
        r.config.seed: r.final_test_accuracy
        for r in res.results
        if _same_variant(r, s)
        and not r.diverged
        and r.final_test_accuracy is not None
        and math.isfinite(r.final_test_accuracy)
    }


def findings(res: CompareResult, alpha: float = 0.05) -> list[str]:
    """What the run shows, in sentences: the best final test accuracy, and which activations are
    below it beyond noise — a paired t-test over the seeds they share with the best (the same seed
    gives the same data order and initial weights), Holm-corrected over the comparisons made."""
    from scipy import stats

    ranked = sorted(
        (s for s in res.summaries if math.isfinite(s.final_test_accuracy[0])),
        key=lambda s: -s.final_test_accuracy[0],
    )
    if not ranked:
        return ["Every trial diverged: there is no accuracy to compare."]
    best = ranked[0]
    b = _per_seed(res, best)
    n_test = res.config.n_test or 0
    out = [
        f"Best final test accuracy: {best.label}, {100 * best.final_test_accuracy[0]:.1f}% "
        f"(mean of {len(b)} seeds)."
    ]
    tests: list[tuple[ActivationSummary, float | None, float]] = []
    for s in ranked[1:]:
        o = _per_seed(res, s)
        common = sorted(set(b) & set(o))
        if len(common) < 3:
            tests.append((s, None, math.nan))
            continue
        d = np.array([b[k] - o[k] for k in common])
        p = (
            1.0
            if np.all(d == d[0]) and d[0] == 0
            else float(stats.ttest_rel([b[k] for k in common], [o[k] for k in common]).pvalue)
        )
        tests.append((s, float(d.mean()), p if math.isfinite(p) else 1.0))
    # Holm: the i-th smallest p-value (0-based) is judged at alpha / (m - i), stopping at the first miss
    ordered = sorted(((s, d, p) for s, d, p in tests if d is not None), key=lambda t: t[2])
    m = len(ordered)
    beyond, within = [], []
    still = True
    for i, (s, diff, p) in enumerate(ordered):
        adj = min(1.0, p * (m - i))
        if still and p <= alpha / (m - i):
            images = f", about {diff * n_test:.0f} of {n_test} test images" if n_test else ""
            beyond.append(f"{s.label} ({100 * diff:.1f} points lower{images}; Holm-adjusted p = {adj:.2g})")
        else:
            still = False
            within.append(s.label)
    few = [s.label for s, diff, _ in tests if diff is None]
    test = f"paired t-test over shared seeds, Holm-corrected over {m} comparisons, α = {alpha:g}"
    if beyond:
        out.append(f"Lower than {best.label} beyond noise ({test}): " + "; ".join(beyond) + ".")
    if within:
        out.append(
            f"Not distinguishable from {best.label} with these seeds: {', '.join(within)}"
            + ("" if beyond else f" ({test})")
            + ". More seeds narrow this down; a difference that is not significant is not shown to be absent."
        )
    if few:
        out.append(f"Too few seeds in common with {best.label} to compare: {', '.join(few)}.")
    fast = [s for s in res.summaries if s.n_reached_target and math.isfinite(s.epochs_to_target[0])]
    if fast:
        q = min(fast, key=lambda s: s.epochs_to_target[0])
        out.append(
            f"Fewest epochs to the target training error: {q.label} ({q.epochs_to_target[0]:.1f}); "
            + (
                "not reached by " + ", ".join(s.label for s in res.summaries if not s.n_reached_target) + "."
                if any(not s.n_reached_target for s in res.summaries)
                else "every activation reached it."
            )
        )
    dead = [s for s in res.summaries if math.isfinite(s.dead_fraction[0]) and s.dead_fraction[0] >= 0.01]
    if dead:
        out.append(
            "Dead units at the end (no sample activates them): "
            + ", ".join(f"{s.label} {100 * s.dead_fraction[0]:.1f}%" for s in dead)
            + "."
        )
    return out


def write_compare_report(result: CompareResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``report.html``, ``results.json`` and ``results.csv`` into ``out_dir``; return their paths."""
    import matplotlib

    matplotlib.use("Agg")
    from .report import esc, html_page, jsonable, table_html, write_csv, write_json, write_text

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    res = result
    c = res.config
    meta = _meta(res)
    n_seeds = len(c.seeds)
    lr_text = (
        f"learning rate per activation from {esc(list(c.lr_grid or ()))} by <b>{esc(c.lr_rule)}</b> on "
        f"{esc(c.probe_epochs)}-epoch probe runs with a separate seed"
        if c.lr_grid
        else f"learning rate {esc(c.lr)} for every activation"
    )
    intro = (
        f"<p>{esc(c.model.upper())} (width {esc(c.width)}, depth {esc(c.depth)}, init "
        f"{esc(c.init)}) on <b>{esc(c.dataset)}</b> ({esc(c.n_train)} training / "
        f"{esc(c.n_test)} test samples, from {esc(res.dataset_source)}), {esc(c.epochs)} epochs of "
        f"{esc(c.optimizer)} "
        f"(momentum {esc(c.momentum)}, batch {esc(c.batch_size)}, no regularisation), {lr_text}. "
        f"{_memory_text(c.memory)} "
        f"Seeds: {esc(', '.join(map(str, c.seeds)))}. Wall time {res.wall_seconds:.1f} s with "
        f"{esc(c.runner)}"
        + (
            f" ({res.n_from_store} trials read back from the store of an earlier run)"
            if res.n_from_store
            else ""
        )
        + ".</p>"
        f'<p class="note">Intervals are {c.level:.0%} bootstrap confidence intervals over seeds '
        f"(expanded percentile; Hesterberg 2015). "
        f"{esc(_sentence(coverage_note(n_seeds, c.level)))} Training "
        "loss and error are running averages over each epoch's mini-batches; test accuracy is measured "
        "after each epoch. Epochs to target: "
        + (
            f"the first of {c.target_checks} full passes over the training set per epoch where the "
            "training error is at most "
            if c.target_checks
            else "first epoch whose training error is at most "
        )
        + f"{esc(c.target_error)}; its interval is over the seeds that reached it. Seconds depend on "
        "this machine's load and on each activation's implementation; epochs are the comparable measure. "
        "These are results of "
        "one small model on one dataset; they say how these activations behave here, not in general.</p>"
    )
    n_div = sum(r.diverged for r in res.results)
    if n_div:
        who = "Every trial" if n_div == len(res.results) else f"{n_div} of {len(res.results)} trials"
        intro += (
            f'<p class="note"><b>{who} diverged</b> (the training loss became infinite or NaN; a '
            "diverged trial stops there, and its dead and saturated fractions are not measured)."
            + (
                " Lower the learning rate (--lr), or let each activation choose it (--lr-grid)."
                if n_div == len(res.results)
                else ""
            )
            + "</p>"
        )
    if res.n_by_others:
        intro += (
            f'<p class="note">{res.n_by_others} of these trials were run by another process sharing the '
            "result store at the same time.</p>"
        )
    if res.interrupted:
        intro += (
            f'<p class="note"><b>Interrupted</b>: {res.n_done} of {res.n_trials} trials finished; the '
            "summaries below use those only. Re-run the same command to finish the rest.</p>"
        )
    summary_caption = (
        f"Sorted by final test accuracy, best first (every figure uses this order and one colour per "
        f"activation). Each cell: the mean over seeds, and below it the {c.level:.0%} bootstrap "
        f"confidence interval. Final values are at the last epoch; epochs to target: the first epoch "
        f"with training error ≤ {c.target_error}, over the seeds that reached it. Dead and saturated "
        "units: % of hidden units of the trained net. Seconds, memory and the learning rate are in "
        "Details at the end."
    )
    sections = [
        ("What this run shows", "".join(f"<p>{esc(t)}</p>" for t in findings(res))),
        ("Setup", intro),
    ]
    if res.summaries:
        sections += [
            ("Summary", table_html(*_summary_table(res), caption=summary_caption, cls="summary")),
            ("Activation functions", _plot_functions(res)),
            ("Training curves", _plot_curves(res)),
            (
                "Final test accuracy",
                _dot_plot(
                    res,
                    "final_test_accuracy",
                    lambda r: r.final_test_accuracy,
                    f"final test accuracy: dot = mean, bar = CI, ticks = seeds "
                    f"(one test image = {100 / max(c.n_test or 0, 1):.2g} percentage points)",
                    "test accuracy (%)",
                    pct=True,
                ),
            ),
            (
                "Epochs to target",
                _dot_plot(
                    res,
                    "epochs_to_target",
                    lambda r: r.epochs_to_target,
                    f"epochs to training error ≤ {c.target_error} (seeds that reached it)",
                    "epochs",
                ),
            ),
            ("Dead and saturated units", _plot_dead(res)),
            (
                "Details",
                table_html(
                    _DETAILS_HEADERS,
                    _details_rows(res),
                    caption="Rarely needed columns, in the summary's order. Seconds depend on this "
                    "machine's load and on each implementation; f' error is the stated relative RMS "
                    "error of a few-bit memory tier's derivative (exact otherwise).",
                    cls="details",
                ),
            ),
        ]
    if res.lr_choices:
        rows = [
            [ch.activation if not ch.params else ActivationRef(ch.activation, ch.params).label, f"{ch.lr:g}"]
            + [ch.scores.get(x, math.nan) for x in c.lr_grid or ()]
            for ch in res.lr_choices
        ]
        sections.append(
            (
                "Learning-rate choice",
                table_html(
                    ["activation", "chosen"] + [f"score @ {x:g}" for x in c.lr_grid or ()],
                    rows,
                    caption=f"rule: {c.lr_rule} (lower is better)",
                ),
            )
        )
    html_text = html_page(
        f"actlab compare: {len(res.summaries)} activations on {c.dataset}",
        sections,
        {**meta, "settings": res.settings},
    )
    paths = {
        "html": write_text(out / "report.html", html_text),
        "json": write_json(out / "results.json", {"meta": meta, **res.to_dict()}),
        "csv": write_csv(
            out / "results.csv",
            _csv_rows(res),
            _CSV_HEADERS,
            comments=[
                f"{k}: {v if isinstance(v, str) else json.dumps(jsonable(v))}" for k, v in meta.items()
            ],
        ),
    }
    return paths


def text_table(res: CompareResult) -> list[str]:
    """The terminal's summary: one line per entry in report order (test accuracy and epochs to
    target with their intervals, dead and saturated units; bytes saved and the stated f' error
    when a memory tier was chosen), and a line on diverged trials if any."""
    w = max([len("activation")] + [len(s.label) for s in res.summaries])
    show_mem = list(res.config.memory) != ["default"]
    lines = [
        f"{'activation':<{w}}  {'lr':>6}  {f'test accuracy [{res.config.level:.0%} CI]':<26}  "
        f"{'epochs to target':<22}  dead    saturated" + ("  bytes/elem  f' error" if show_mem else "")
    ]

    def pct(v: float) -> str:  # NaN: not measured (every seed diverged)
        return f"{100 * v:5.1f}%" if math.isfinite(v) else "     –"

    for s in _report_order(res.summaries):
        ett = fmt_ci(s.epochs_to_target) if s.n_reached_target else "not reached"
        lines.append(
            f"{s.label:<{w}}  {s.lr:>6g}  {fmt_ci(s.final_test_accuracy, pct=True):<26}  "
            f"{ett + f' ({s.n_reached_target}/{len(s.seeds)})':<22}  {pct(s.dead_fraction[0])}  "
            f"{pct(s.saturated_fraction[0])}"
            + (
                f"  {s.saved_bytes_per_element:>10.3g}  "
                + (f"{100 * s.gradient_error:7.1f}%" if s.gradient_error > 0 else "   exact")
                if show_mem
                else ""
            )
        )
    n_div = sum(r.diverged for r in res.results)
    if n_div:
        lines.append(
            f"\n{n_div} of {res.n_done} trials diverged (non-finite training loss)"
            + ("; lower --lr or use --lr-grid" if n_div == res.n_done else "")
        )
    return lines
