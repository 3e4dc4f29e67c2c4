"""Claims as condition maps: a training claim runs over a grid of the conditions it depends on.

A claim such as "ReLU units die under a high learning rate" is not about one setting. A map
claim declares the axes it depends on and a default grid over them (:class:`MapSpec`):

- ``optimizer``: ``sgd``, ``sgd+momentum`` (heavy ball 0.9), ``adam``, ``adamw`` (weight decay
  0.01) (:data:`OPTIMIZER_SETUPS`);
- the learning rate, either absolute (``lr``) or relative to the setup's largest stable rate
  (``lr_rel``; 1 is the largest stable rate itself);
- ``depth`` and ``width`` of the MLP, ``init``, ``dataset``.

**The largest stable rate** of a setup (optimizer, depth, width, init, dataset, with the claim's
reference activation) is measured, not guessed: one probe trial per rate of the geometric grid
:data:`PROBE_LRS` (1e-4 to 10, a factor sqrt(10) apart), each trained for
:data:`PROBE_EPOCHS` epoch on a seed no evaluation run uses (:data:`PROBE_SEED`). A probe is
*stable* when its training loss stays finite and its mean loss over the probe epoch is below
the chance loss ln(10) (the loss of a network that learnt nothing; one whose units all died
sits there). Scanning upwards from the smallest stable rate, the largest stable rate is the
last stable one before the first unstable one (:func:`stable_lr_from`). The probes are trials
like any other, so they are cached in the sweep store with the map's trials and a rerun reads
them back instead of training them again.

**Every cell** (a setup and a rate) trains each of the claim's activations with ``seeds`` seeds
through :func:`~actlab.lab.sweep.run_sweep`; with a store path, an interrupted map resumes where
it stopped. The claim then gives every cell a verdict (held / not held / inconclusive) and says
which cells are within the conditions the source states (``in scope``); :func:`scoped_verdict`
turns those into the claim's verdict:

- **held**: existential claim ("X can happen under C"): some in-scope cell held; universal
  claim ("X happens wherever C"): every in-scope cell held;
- **held in part**: it held in some cells but not as the first rule needs (a universal claim
  held in only part of its scope; an existential one held only outside its stated
  conditions); the region is named (:func:`describe_region`);
- **refuted**: no cell held, in-scope cells were run, and every in-scope cell (existential)
  or at least one (universal) is "not held";
- **not reproduced in the tested range**: no cell held and no in-scope cell was run (the grid,
  e.g. an override, left the source's conditions out), while some tested cell is "not held";
- **inconclusive**: anything else (cells whose intervals straddle the threshold).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from ...errors import ParameterError
from ..train import TrialConfig, TrialResult
from .base import ClaimResult

__all__ = [
    "AXES",
    "MAP_KINDS",
    "OPTIMIZER_SETUPS",
    "PROBE_EPOCHS",
    "PROBE_LRS",
    "PROBE_SEED",
    "SCOPED_VERDICTS",
    "Cell",
    "MapSpec",
    "describe_region",
    "map_figure",
    "map_result",
    "parse_overrides",
    "probe_config",
    "run_map",
    "scoped_verdict",
    "stable_lr_from",
    "trial_seconds",
    "trial_maker",
]

OPTIMIZER_SETUPS: dict[str, dict[str, Any]] = {
    "sgd": {"optimizer": "sgd", "momentum": 0.0},
    "sgd+momentum": {"optimizer": "sgd", "momentum": 0.9},
    "adam": {"optimizer": "adam", "momentum": 0.0},
    "adamw": {"optimizer": "adamw", "momentum": 0.0},
}
AXES = ("optimizer", "lr", "lr_rel", "depth", "width", "init", "dataset", "seeds", "epochs")
MAP_KINDS = ("existential", "universal")
SCOPED_VERDICTS = ("held", "held in part", "not reproduced in the tested range", "refuted", "inconclusive")
PROBE_LRS = tuple(float(f"{10 ** (k / 2):.4g}") for k in range(-8, 3))  # 1e-4, 3.162e-4, ..., 10
PROBE_SEED = 10_007
PROBE_EPOCHS = 1
CHANCE_LOSS = math.log(10)  # every claim dataset has 10 classes


def _tuple(v: Any) -> tuple:
    if isinstance(v, (str, int, float)) or v is None:
        return (v,)
    return tuple(v)


@dataclass(frozen=True)
class MapSpec:
    """The grid of one map: every combination of the axes' values is a cell.

    ``lr`` (absolute rates) and ``lr_rel`` (multiples of each setup's largest stable rate) may
    both be given; their cells are run side by side. ``dataset`` None: the claims' default.
    """

    optimizer: tuple[str, ...] = ("sgd",)
    depth: tuple[int, ...] = (3,)
    width: tuple[int, ...] = (128,)
    init: tuple[str, ...] = ("default",)
    dataset: tuple[str | None, ...] = (None,)
    lr: tuple[float, ...] = ()
    lr_rel: tuple[float, ...] = (1.0,)
    seeds: int = 5
    epochs: int = 5

    def __post_init__(self) -> None:
        for name in ("optimizer", "depth", "width", "init", "dataset", "lr", "lr_rel"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        for o in self.optimizer:
            if o not in OPTIMIZER_SETUPS:
                raise ParameterError(f"unknown optimizer {o!r}; valid: {', '.join(OPTIMIZER_SETUPS)}")
        from ..models import INITS

        for i in self.init:
            if i not in INITS:
                raise ParameterError(f"unknown init {i!r}; valid: {', '.join(INITS)}")
        for name in ("depth", "width"):
            for v in getattr(self, name):
                if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                    raise ParameterError(f"{name} values are positive integers, got {v!r}")
        for name in ("lr", "lr_rel"):
            for v in getattr(self, name):
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 < v < math.inf):
                    raise ParameterError(f"{name} values are positive numbers, got {v!r}")
        if not self.lr and not self.lr_rel:
            raise ParameterError("a map needs learning rates: lr (absolute) or lr_rel (relative to stable)")
        for name in ("optimizer", "depth", "width", "init", "dataset"):
            if not getattr(self, name):
                raise ParameterError(f"a map needs at least one {name}")
        for name in ("seeds", "epochs"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ParameterError(f"{name} must be a positive integer, got {v!r}")

    def override(self, overrides: Mapping[str, Any] | None) -> MapSpec:
        """This grid with some axes replaced. Giving ``lr`` alone drops the default ``lr_rel``
        values (and the other way round); giving both runs both."""
        if not overrides:
            return self
        ov = {k.replace("-", "_"): v for k, v in overrides.items() if v is not None}
        bad = set(ov) - set(AXES)
        if bad:
            raise ParameterError(f"unknown map axes {sorted(bad)}; valid: {', '.join(AXES)}")
        if "lr" in ov and "lr_rel" not in ov:
            ov["lr_rel"] = ()
        if "lr_rel" in ov and "lr" not in ov:
            ov["lr"] = ()
        return replace(self, **ov)

    def setups(self) -> list[dict[str, Any]]:
        return [
            {"optimizer": o, "depth": d, "width": w, "init": i, "dataset": ds}
            for o, d, w, i, ds in itertools.product(
                self.optimizer, self.depth, self.width, self.init, self.dataset
            )
        ]

    def describe(self) -> str:
        rates = []
        if self.lr_rel:
            rates.append("lr = " + ", ".join(f"{v:g}" for v in self.lr_rel) + " x the largest stable rate")
        if self.lr:
            rates.append("lr = " + ", ".join(f"{v:g}" for v in self.lr))
        return (
            f"optimizer {', '.join(self.optimizer)}; {'; '.join(rates)}; "
            f"depth {', '.join(map(str, self.depth))}; "
            f"width {', '.join(map(str, self.width))}; init {', '.join(self.init)}; {self.seeds} seeds x "
            f"{self.epochs} epochs per cell"
        )


def _split(text: str) -> list[str]:
    return [t.strip() for t in str(text).split(",") if t.strip()]


def parse_overrides(**texts: str | None) -> dict[str, Any]:
    """Typed map overrides from command-line text: ``optimizer="adam,sgd"``, ``lr="0.01,0.03"``,
    ``lr_rel="0.1,1"``, ``depth="3,6"``, ``width``, ``init``, ``dataset``, ``seeds="5"``,
    ``epochs``. None values are left out."""
    out: dict[str, Any] = {}
    for name, text in texts.items():
        if text is None:
            continue
        name = name.replace("-", "_")
        if name not in AXES:
            raise ParameterError(f"unknown map axis {name!r}; valid: {', '.join(AXES)}")
        items = _split(text) if not isinstance(text, int) else [str(text)]
        if not items:
            raise ParameterError(f"--{name.replace('_', '-')} is empty")
        try:
            if name in ("lr", "lr_rel"):
                out[name] = tuple(float(t) for t in items)
            elif name in ("depth", "width"):
                out[name] = tuple(int(t) for t in items)
            elif name in ("seeds", "epochs"):
                if len(items) != 1:
                    raise ValueError
                out[name] = int(items[0])
            else:
                out[name] = tuple(items)
        except ValueError:
            kind = "one integer" if name in ("seeds", "epochs") else "comma-separated numbers"
            raise ParameterError(f"--{name.replace('_', '-')} takes {kind}, got {text!r}") from None
    return out


# --------------------------------------------------------------------------- stable rate
def stable_lr_from(points: Iterable[tuple[float, float]], chance_loss: float = CHANCE_LOSS) -> float:
    """The largest stable rate from probe ``(lr, mean training loss of the probe)`` points.

    Stable: the loss is finite and below ``chance_loss``. Scanning the rates upwards from the
    smallest stable one, the answer is the last stable rate before the first unstable one (a
    lucky stable rate above an unstable one is not trusted). NaN when no rate is stable.
    """
    best = math.nan
    for lr, loss in sorted(points):
        stable = math.isfinite(loss) and loss < chance_loss
        if stable:
            best = lr
        elif not math.isnan(best):
            break
    return best


def _probe_loss(r: TrialResult) -> float:
    if r.diverged or not r.train_loss:
        return math.inf
    return float(r.train_loss[-1])


# --------------------------------------------------------------------------- running a map
@dataclass
class Cell:
    """One point of a map: its setup, its rate and the results of each activation's seeds."""

    setup: dict[str, Any]
    lr: float
    lr_rel: float  # lr / the setup's largest stable rate (NaN when no stable rate was found)
    stable_lr: float
    rel_given: bool  # the rate was asked for relative to the stable one
    results: dict[str, list[TrialResult]] = field(default_factory=dict)
    numbers: dict[str, Any] = field(default_factory=dict)
    verdict: str = "inconclusive"
    in_scope: bool = False

    @property
    def lr_label(self) -> str:
        return f"{self.lr_rel:g} x stable" if self.rel_given else f"lr {self.lr:g}"

    def setup_label(self, axes: Sequence[str] | None = None) -> str:
        axes = list(axes) if axes is not None else ["optimizer", "depth", "width", "init", "dataset"]
        parts = []
        for a in axes:
            v = self.setup[a]
            parts.append(str(v) if a in ("optimizer", "init", "dataset") else f"{a} {v}")
        return ", ".join(parts)


def trial_maker(
    setups: Sequence[Mapping[str, Any]],
    base: Mapping[str, Any],
    quick: bool,
    data_dir: str | None,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Mapping[str, Any], str, float, int, int], TrialConfig]:
    """``config(setup, activation, lr, seed, epochs)``: the trial of one run of a map over ``setups``.

    The one builder of :func:`run_map` and :func:`~actlab.lab.claims.paired.run_own_rate_map`, so
    that the same probe or cell is the same trial (the same key) in both, and a shared store
    holds it once. ``variants``: activation labels that stand for a catalog activation with
    other trial fields, e.g. ``{"sigmoid_centred": {"activation": "sigmoid", "activation_shift":
    0.5}}``; any other label is a catalog name."""
    from .base import data_settings

    dsets = {s["dataset"]: data_settings(s["dataset"], quick, data_dir) for s in setups}
    variants = dict(variants or {})

    def config(setup: Mapping[str, Any], activation: str, lr: float, seed: int, epochs: int) -> TrialConfig:
        ds = dsets[setup["dataset"]]
        fields = {"activation": activation, **dict(base), **dict(variants.get(activation, {}))}
        return TrialConfig(
            dataset=ds.name,
            n_train=ds.n_train,
            n_test=ds.n_test,
            data_dir=data_dir,
            depth=setup["depth"],
            width=setup["width"],
            init=setup["init"],
            lr=lr,
            seed=seed,
            # seed i draws its own data subset as well as its init and batch order (the subsets of
            # Fashion-MNIST/MNIST vary; digits' fixed split does not); the activations compared at
            # seed i share all three, so per-seed differences stay paired
            data_seed=seed,
            epochs=epochs,
            **OPTIMIZER_SETUPS[setup["optimizer"]],
            **fields,
        )

    return config


def probe_config(
    config: Callable[[Mapping[str, Any], str, float, int, int], TrialConfig],
    setup: Mapping[str, Any],
    activation: str,
    lr: float,
) -> TrialConfig:
    """The stable-rate probe of ``activation`` at ``lr`` in ``setup``: the map's trial on
    :data:`PROBE_SEED` for :data:`PROBE_EPOCHS`, with no monitor and no unit tracking (a probe is
    judged by its loss alone), so probes are shared by every claim with the same setup."""
    return replace(config(setup, activation, lr, PROBE_SEED, PROBE_EPOCHS), monitor=False, track_units=False)


def _run(
    trials: list[TrialConfig], store: Any, runner: Any, workers: int | None, desc: str
) -> dict[str, TrialResult]:
    from ..sweep import run_sweep

    res = run_sweep(
        trials,
        store=store,
        runner=runner if runner is not None else "local",
        workers=workers if runner is None else None,
        desc=desc,
    )
    if res.interrupted:
        raise KeyboardInterrupt
    return {r.config.key(): r for r in res.results}


def run_map(
    spec: MapSpec,
    *,
    activations: Sequence[str],
    reference: str,
    base: Mapping[str, Any],
    quick: bool,
    data_dir: str | None = None,
    store: Any = None,
    runner: Any = None,
    workers: int | None = 1,
) -> list[Cell]:
    """Measure each setup's largest stable rate (with ``reference``), then train every cell.

    ``base``: the other :class:`~actlab.lab.train.TrialConfig` fields (model, batch_size, ...);
    ``store``: a sweep store path (resumable) or None (in memory); ``runner``: a
    :class:`~actlab.lab.runners.Runner` or None (the local runner with ``workers``).
    """
    setups = spec.setups()
    config = trial_maker(setups, base, quick, data_dir)

    # 1. the largest stable rate of each setup (probes: cached in the store like any trial)
    probes = {i: [probe_config(config, s, reference, lr) for lr in PROBE_LRS] for i, s in enumerate(setups)}
    stable: dict[int, float] = {}
    if spec.lr_rel or spec.lr:
        done = _run([c for cs in probes.values() for c in cs], store, runner, workers, "stable-rate probes")
        for i, cs in probes.items():
            stable[i] = stable_lr_from((c.lr, _probe_loss(done[c.key()])) for c in cs)

    # 2. the cells
    cells: list[Cell] = []
    for i, s in enumerate(setups):
        for rel in spec.lr_rel:
            if math.isnan(stable[i]):
                continue  # no stable rate: the setup does not train at any probed rate
            cells.append(Cell(dict(s), float(f"{rel * stable[i]:.6g}"), float(rel), stable[i], True))
        for lr in spec.lr:
            cells.append(
                Cell(dict(s), float(lr), lr / stable[i] if stable[i] > 0 else math.nan, stable[i], False)
            )
    trials = {
        (j, a): [config(c.setup, a, c.lr, seed, spec.epochs) for seed in range(spec.seeds)]
        for j, c in enumerate(cells)
        for a in activations
    }
    done = _run([t for ts in trials.values() for t in ts], store, runner, workers, "map cells")
    for (j, a), ts in trials.items():
        cells[j].results[a] = [done[t.key()] for t in ts]
    return cells


# --------------------------------------------------------------------------- verdicts
def share_cells(
    counts: Sequence[Mapping[str, int]], threshold: float, *, alpha: float = 0.05, min_n: int = 1
) -> list[tuple[str, float]]:
    """Per cell, whether a share of units pooled over seeds lies above or below ``threshold``:
    ``("above" | "below" | "unclear", Holm-adjusted p)``.

    Each cell's counts: ``k`` of ``n`` units (pooled over the usable seeds), ``seeds`` run,
    ``seeds_ok`` usable (e.g. not diverged), ``seeds_above`` of those with their own share >
    ``threshold``. The one-sided score test of H0 "share <= threshold" (the test the Wilson
    interval inverts) is Holm-adjusted over all usable cells. **above**: adjusted p < ``alpha``
    and more than half of the usable seeds above (one network does not carry a cell);
    **below**: the Wilson 95% interval's upper end < ``threshold``; **unclear** otherwise, and
    for a cell with fewer than ``min_n`` units or with more than half of its seeds unusable.
    Units of one network are not independent: the pooled interval is narrower than one over
    seeds would be, which the per-seed majority guards against."""
    from ..stats import holm, proportion_above_p, wilson_ci

    raw = []
    for c in counts:
        usable = c["n"] >= max(1, min_n) and c["seeds_ok"] * 2 >= c["seeds"]
        raw.append(proportion_above_p(c["k"], c["n"], threshold) if usable else math.nan)
    out = []
    for c, p in zip(counts, holm(raw)):
        if math.isnan(p):
            out.append(("unclear", p))
        elif p < alpha and c["seeds_above"] * 2 > c["seeds_ok"]:
            out.append(("above", p))
        elif wilson_ci(c["k"], c["n"])[2] < threshold:
            out.append(("below", p))
        else:
            out.append(("unclear", p))
    return out


def scoped_verdict(kind: str, cells: Sequence[tuple[str, bool]]) -> str:
    """The claim's verdict from ``(cell verdict, in scope)`` pairs (see the module docstring)."""
    if kind not in MAP_KINDS:
        raise ParameterError(f"kind must be one of {MAP_KINDS}, got {kind!r}")
    for v, _ in cells:
        if v not in ("held", "not held", "inconclusive"):
            raise ParameterError(f"a cell verdict is held, not held or inconclusive, got {v!r}")
    inside = [v for v, s in cells if s]
    any_held = any(v == "held" for v, _ in cells)
    if kind == "existential":
        if "held" in inside:
            return "held"
        if any_held:
            return "held in part"
        if inside and all(v == "not held" for v in inside):
            return "refuted"
    else:
        if inside and all(v == "held" for v in inside):
            return "held"
        if any_held:
            return "held in part"
        if "not held" in inside:
            return "refuted"
    if not inside and any(v == "not held" for v, _ in cells):
        return "not reproduced in the tested range"
    return "inconclusive"


def varying_axes(cells: Sequence[Cell]) -> list[str]:
    """The setup axes that take more than one value among ``cells`` (at least the optimizer)."""
    axes = [
        a
        for a in ("optimizer", "depth", "width", "init", "dataset")
        if len({str(c.setup[a]) for c in cells}) > 1
    ]
    return axes or ["optimizer"]


def describe_region(cells: Sequence[Cell], verdict: str = "held") -> str:
    """Where the cells with ``verdict`` lie, in words: one entry per setup with its rates."""
    if not cells:
        return "no cells were run"
    axes = varying_axes(cells)
    hits = [c for c in cells if c.verdict == verdict]
    if not hits:
        return f"no cell {verdict}"
    by_setup: dict[str, list[str]] = {}
    for c in hits:
        by_setup.setdefault(c.setup_label(axes), []).append(c.lr_label)
    n_setup: dict[str, int] = {}
    for c in cells:
        n_setup[c.setup_label(axes)] = n_setup.get(c.setup_label(axes), 0) + 1
    parts = []
    for label, rates in by_setup.items():
        every = len(rates) == n_setup[label]
        parts.append(f"{label} at {'every tested rate' if every else ', '.join(rates)}")
    return f"{len(hits)} of {len(cells)} cells: " + "; ".join(parts)


def map_figure(
    cells: Sequence[Cell],
    value: Callable[[Cell], float],
    *,
    title: str,
    label: str,
    vmin: float = 0.0,
    vmax: float = 1.0,
):
    """A heat-map: one row per setup, one column per rate; colour = ``value``, with the value and
    the cell's verdict (+ held, - not held, ? inconclusive; * in scope) written in each cell."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    axes = varying_axes(cells)
    rows = list(dict.fromkeys(c.setup_label(axes) for c in cells))
    cols = list(
        dict.fromkeys(
            c.lr_label
            for c in sorted(cells, key=lambda c: (not c.rel_given, c.lr_rel if c.rel_given else c.lr))
        )
    )
    m = np.full((len(rows), len(cols)), np.nan)
    text: dict[tuple[int, int], str] = {}
    mark = {"held": "+", "not held": "-", "inconclusive": "?"}
    for c in cells:
        i, j = rows.index(c.setup_label(axes)), cols.index(c.lr_label)
        v = value(c)
        m[i, j] = v
        text[(i, j)] = (
            f"{v:.2f}"
            + ("" if math.isnan(v) else "")
            + f"\n{mark.get(c.verdict, '?')}{'*' if c.in_scope else ''}"
        )
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(cols), 1.0 + 0.55 * len(rows)), constrained_layout=True)
    im = ax.imshow(np.ma.masked_invalid(m), cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
    for (i, j), t in text.items():
        v = m[i, j]
        ax.text(
            j,
            i,
            t,
            ha="center",
            va="center",
            fontsize=8,
            color="white" if (math.isnan(v) or v < (vmin + vmax) / 2) else "black",
        )
    ax.set_xticks(range(len(cols)), cols, fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax, label=label)
    return fig


def trial_seconds(cells: Sequence[Cell]) -> float:
    """The map's trials' own training time (some may have been read back from a store)."""
    return sum(r.wall_seconds for c in cells for rs in c.results.values() for r in rs)


def map_result(
    *,
    cells: Sequence[Cell],
    spec: MapSpec,
    verdict: str,
    region: str,
    numbers: Mapping[str, Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    dsets: Sequence[str],
    **fields: Any,
) -> ClaimResult:
    """A map claim's result: what every map reports (its cells' verdicts and training time, the
    scope, the grid, the table of cells) beside the claim's own ``numbers`` and ``fields`` (key,
    statement, setting, ci, figures, ...: the rest of :class:`ClaimResult`)."""
    nums = {
        "cells": len(cells),
        "cells_held": sum(c.verdict == "held" for c in cells),
        "cells_not_held": sum(c.verdict == "not held" for c in cells),
        "cells_in_scope": sum(c.in_scope for c in cells),
        "trial_seconds": round(trial_seconds(cells), 1),
        **numbers,
    }
    return ClaimResult(
        verdict=verdict,
        numbers=nums,
        dataset=", ".join(dsets),
        seeds=list(range(spec.seeds)),
        scope=("held in " + region) if verdict in ("held", "held in part") else region,
        grid=spec.describe(),
        table={"columns": list(columns), "rows": list(rows)},
        **fields,
    )
