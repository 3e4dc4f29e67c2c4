"""``actlab compare``: train the same model with several activations and compare them honestly.

:func:`compare` runs a :class:`~actlab.lab.compare_config.CompareConfig` (activations x seeds,
optionally choosing each activation's learning rate from a grid first), through any runner,
into a resumable store, and summarises every activation with bootstrap confidence intervals
over seeds. :mod:`actlab.lab.compare_report` renders the result (``report.html``,
``results.json``, ``results.csv``, the terminal table).

``memory`` gives the :data:`actlab.torch.MEMORY_TIERS` tier every hidden activation is built
with; several tiers are a grid axis (each activation x tier is compared as its own entry,
labelled ``gelu [3bit]``), so exact and few-bit gradients can be compared in one run.

The defaults are the README's main job: 10 activations x 5 seeds, scikit-learn's digits, a
2 x 128 MLP, 30 epochs of SGD (lr 0.05, momentum 0.9, batch 64, no regularisation), two local
worker processes.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import ParameterError
from .compare_config import DEFAULT_ACTIVATIONS, CompareConfig
from .data import load_dataset
from .runners import LazyRunner, Runner, max_workers
from .stats import bootstrap_ci, curve_ci
from .sweep import ResultStore, run_sweep
from .train import LrChoice, TrialConfig, TrialResult, choose_lr_from, lr_probe_configs

__all__ = [
    "ActivationSummary",
    "CompareConfig",
    "CompareResult",
    "DEFAULT_ACTIVATIONS",
    "compare",
    "stated_gradient_error",
    "default_epochs",
    "default_target_error",
    "summarise",
]

# defaults per (dataset, model): enough epochs for the curves to flatten on digits within the
# main job's one-minute budget; fewer where an epoch is 40x larger
_EPOCHS = {"digits": 30, "spirals": 30, "teacher": 30, "fashion-mnist": 10, "mnist": 10}
# a training error every default activation can reach, so epochs-to-target separates them
_TARGET = {"digits": 0.01, "spirals": 0.05, "teacher": 0.05, "fashion-mnist": 0.15, "mnist": 0.02}

CI3 = tuple[float, float, float]


def default_epochs(dataset: str) -> int:
    return _EPOCHS.get(dataset, 20)


def default_target_error(dataset: str) -> float:
    return _TARGET.get(dataset, 0.05)


@dataclass
class ActivationSummary:
    """One activation over its seeds; every (estimate, low, high) is a bootstrap CI over seeds."""

    activation: str
    params: dict
    label: str
    lr: float
    seeds: list[int]
    n_diverged: int
    final_test_accuracy: CI3
    final_train_loss: CI3
    final_train_error: CI3
    epochs_to_target: CI3
    n_reached_target: int
    seconds_to_target: CI3
    dead_fraction: CI3
    saturated_fraction: CI3
    seconds_per_epoch: float
    curves: dict[str, dict[str, list[float]]] = field(repr=False, default_factory=dict)
    memory: str = "default"
    # measured on each trial's first step: bytes the activations saved for backward per element
    saved_bytes_per_element: float = math.nan
    # the stated relative RMS error of f' under N(0,1) (actlab.fewbit) where the tier makes the
    # gradient approximate; 0.0 where it stays exact
    gradient_error: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CompareResult:
    """Everything :func:`compare` measured; :mod:`actlab.lab.compare_report` renders it.

    ``config`` is the configuration as run: the dataset's name, the epochs and target error
    filled in from its defaults, ``n_train``/``n_test`` the sample counts used, ``probe_epochs``
    those of the learning-rate probes, ``runner`` the runner's description."""

    config: CompareConfig
    summaries: list[ActivationSummary]
    results: list[TrialResult]
    lr_choices: list[LrChoice]
    environment: dict[str, Any]
    wall_seconds: float
    interrupted: bool
    n_trials: int
    dataset_source: str
    store_path: str | None = None
    n_from_store: int = 0
    n_run: int = 0  # trials (probes included) this process trained
    n_by_others: int = 0  # trials another process sharing the store trained meanwhile

    @property
    def n_done(self) -> int:
        return len(self.results)

    @property
    def settings(self) -> dict[str, Any]:
        """The configuration as results.json records it: plain values, the activations as labels,
        the learning rate only without a grid and the rule only with one."""
        c = self.config
        out: dict[str, Any] = {}
        for f in dataclasses.fields(c):
            if f.name in _NOT_RECORDED:
                continue
            v = getattr(c, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        out["activations"] = [r.label for r in c.activations]
        out["dataset"] = str(c.dataset)
        if c.lr_grid:
            out["lr"] = None
        else:
            out["lr_rule"] = None
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "environment": self.environment,
            "wall_seconds": self.wall_seconds,
            "interrupted": self.interrupted,
            "n_trials": self.n_trials,
            "n_done": self.n_done,
            "dataset_source": self.dataset_source,
            "store_path": self.store_path,
            "n_from_store": self.n_from_store,
            "n_run": self.n_run,
            "n_by_others": self.n_by_others,
            "lr_choices": [asdict(c) for c in self.lr_choices],
            "summaries": [s.to_dict() for s in self.summaries],
            "trials": [r.to_dict() for r in self.results],
        }


# options that say where data and workers are, not what was run: left out of the recorded settings
_NOT_RECORDED = ("data_dir", "workers", "address")


def stated_gradient_error(name: str, params: dict, memory: str) -> float:
    """The relative RMS error of f' under N(0, 1) that ``memory`` gives ``name`` with ``params``
    in the lab's models (:func:`actlab.fewbit.fewbit`), 0.0 where the gradient stays exact: the
    default and lean tiers, piecewise-linear functions (exact 1-bit mask), constant slopes and
    learnable parameters (the few-bit code needs fixed ones)."""
    from ..torch.fewbit import tier_bits

    bits = tier_bits(memory)
    if not bits:
        return 0.0
    from ..fewbit import fewbit
    from ..registry import resolve_params, spec
    from ..torch.function import _fewbit_applies

    s = spec(name)
    if any(p.learnable for p in s.params):
        return 0.0
    resolved = resolve_params(s, params)
    if not _fewbit_applies(s, resolved):
        return 0.0
    return float(fewbit(s.name, bits, resolved).relative_error)


def compare(
    config: CompareConfig | Sequence[Any] | None = None,
    *,
    store: str | Path | None = None,
    progress: bool = False,
    **options: Any,
) -> CompareResult:
    """Train ``model`` on ``dataset`` with each activation and ``seeds`` seeds; summarise.

    ``config`` is a :class:`~actlab.lab.compare_config.CompareConfig`, or the activations (names,
    ``name:key=value`` text, (name, params) pairs or :class:`~actlab.lab.refs.ActivationRef`;
    default :data:`DEFAULT_ACTIVATIONS`) with the other fields as keyword ``options``; options
    given beside a config replace its fields. The fields, in short:

        seeds: a count (seeds 0..n-1) or explicit seeds. 5 or more give CIs that mean what
            they say (see :func:`actlab.lab.stats.coverage_note`).
        epochs: default per dataset (:func:`default_epochs`).
        lr: the learning rate of every activation, unless ``lr_grid`` is given: then each
            activation gets the grid's best by ``lr_rule`` from short probe runs on a separate
            seed (:func:`actlab.lab.train.choose_lr`).
        memory: the memory tier (:data:`actlab.torch.MEMORY_TIERS`) every hidden activation is
            built with, or several: each activation is then run at each tier (its own summary,
            labelled ``name [tier]``; with one tier labels are the plain names). Part of every
            trial's key, so different tiers are different trials in the store.
        target_error: training error for epochs/seconds-to-target (default per dataset).
        target_checks: 0: the running error of each epoch's mini-batches decides when the target
            is reached (whole epochs); k >= 1: a full pass over the training set k times per epoch
            (epochs to target in steps of 1/k; see :class:`~actlab.lab.train.TrialConfig`).
        runner, workers, address: see :func:`actlab.lab.runners.make_runner`; ``local`` uses
            min(2, cores) workers by default here.

    ``store``: SQLite file for finished trials; re-running with the same store resumes.
    ``progress``: tqdm bars on stderr (terminal only).

    A Ctrl-C stops the runs; the result then has ``interrupted=True`` and summarises the trials
    finished so far (all of them kept in ``store``).
    """
    t0 = time.perf_counter()
    cfg = _config(config, options)
    acts = [(r.name, dict(r.params), t) for r in cfg.activations for t in cfg.memory]
    labels = cfg.labels
    seed_list = list(cfg.seeds)
    grid = list(cfg.lr_grid) if cfg.lr_grid else None
    dataset = cfg.dataset
    # every setting checked before anything is written: one trial's configuration, as it will be
    TrialConfig(
        **_trial_options(cfg),
        activation=acts[0][0],
        params=acts[0][1],
        memory=acts[0][2],
        seed=seed_list[0],
        lr=grid[0] if grid else cfg.lr,
        dataset=dataset if isinstance(dataset, str) else "digits",
        epochs=cfg.epochs if cfg.epochs is not None else 1,
        target_error=cfg.target_error,
    )
    from .data import DATASETS, is_file_dataset

    if isinstance(dataset, str) and dataset not in DATASETS and not is_file_dataset(dataset):
        raise ParameterError(
            f"unknown dataset {dataset!r}; valid: {', '.join(sorted(DATASETS))}, or a path to an .npz file"
        )
    # open the store first: an unusable one is reported before data is read or anything trains
    st = ResultStore(store) if store is not None else None
    try:
        # before workers
        data = load_dataset(dataset, data_dir=cfg.data_dir, n_train=cfg.n_train, n_test=cfg.n_test)
    except BaseException:
        if st is not None:
            st.close()
        raise
    ds = data.name
    ep = cfg.epochs if cfg.epochs is not None else default_epochs(ds)
    tgt = cfg.target_error if cfg.target_error is not None else default_target_error(ds)
    runner, workers = cfg.runner, cfg.workers
    if workers is None and isinstance(runner, str) and runner == "local":
        workers = min(2, max_workers())
    base = dict(
        _trial_options(cfg),
        dataset=ds,
        epochs=ep,
        target_error=tgt,
        data_dir=str(cfg.data_dir) if cfg.data_dir is not None else None,
    )

    own_runner = isinstance(runner, str)
    run_obj: Runner | None = None
    interrupted = False
    choices: list[LrChoice] = []
    results: list[TrialResult] = []
    n_trials = len(acts) * len(seed_list)
    n_from_store = n_run = n_by_others = 0
    try:
        run_obj = LazyRunner(runner, workers, address=cfg.address) if own_runner else runner
        lrs = {lab: float(cfg.lr) for lab in labels}
        if grid is not None:
            protos = {
                lab: TrialConfig(activation=n, params=p, memory=t, seed=seed_list[0], lr=grid[0], **base)
                for lab, (n, p, t) in zip(labels, acts)
            }
            probes = {
                lab: lr_probe_configs(c, grid, probe_epochs=cfg.probe_epochs) for lab, c in protos.items()
            }
            flat = [c for cs in probes.values() for c in cs]
            n_trials += len(flat)
            sw = run_sweep(flat, store=st, runner=run_obj, progress=progress, desc="lr probes")
            n_from_store += sw.n_skipped
            n_run += sw.n_run
            n_by_others += sw.n_by_others
            by_key = {r.config.key(): r for r in sw.results}
            if sw.interrupted:
                interrupted = True
            else:
                for lab, cs in probes.items():
                    ch = choose_lr_from(protos[lab], [by_key[c.key()] for c in cs], rule=cfg.lr_rule)
                    choices.append(ch)
                    lrs[lab] = ch.lr
        if not interrupted:
            trials = [
                TrialConfig(activation=n, params=p, memory=t, seed=s, lr=lrs[lab], **base)
                for lab, (n, p, t) in zip(labels, acts)
                for s in seed_list
            ]
            sw = run_sweep(trials, store=st, runner=run_obj, progress=progress, desc="trials")
            n_from_store += sw.n_skipped
            n_run += sw.n_run
            n_by_others += sw.n_by_others
            results = sw.results
            interrupted = sw.interrupted
    finally:
        if run_obj is not None and own_runner:
            try:
                run_obj.close()
            except Exception:  # noqa: BLE001 - a stopped pool may fail to close cleanly; results are kept
                pass
        if st is not None:
            st.close()

    from .report import environment_info

    summaries = summarise(results, acts, labels, level=cfg.level, n_boot=cfg.n_boot)
    as_run = cfg.replace(
        dataset=ds,
        epochs=ep,
        target_error=tgt,
        n_train=len(data.y_train),
        n_test=len(data.y_test),
        probe_epochs=(choices[0].probe_epochs if choices else None),
        runner=(run_obj.describe() if run_obj is not None else str(runner)),
    )
    return CompareResult(
        config=as_run,
        summaries=summaries,
        results=results,
        lr_choices=choices,
        environment=environment_info(),
        wall_seconds=time.perf_counter() - t0,
        interrupted=interrupted,
        n_trials=n_trials,
        dataset_source=data.source,
        store_path=str(st.path) if st is not None else None,
        n_from_store=n_from_store,
        n_run=n_run,
        n_by_others=n_by_others,
    )


def _config(config: CompareConfig | Sequence[Any] | None, options: dict[str, Any]) -> CompareConfig:
    known = {f.name for f in dataclasses.fields(CompareConfig)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(
            f"compare() got unknown option(s) {', '.join(unknown)}; valid: {', '.join(sorted(known))}"
        )
    if isinstance(config, CompareConfig):
        return config.replace(**options) if options else config
    if "activations" in options:
        if config is not None:
            raise TypeError("compare() got the activations twice: as the first argument and as activations=")
        return CompareConfig(**options)
    return CompareConfig(activations=config, **options)


# what a run resolves for itself (the dataset's defaults, a rate per activation, a tier per entry)
_PER_RUN = frozenset({"dataset", "epochs", "lr", "memory", "target_error", "data_dir"})


def _trial_options(cfg: CompareConfig) -> dict[str, Any]:
    """The options every trial takes from the config as they are: the fields it shares with
    :class:`~actlab.lab.train.TrialConfig`, less those resolved per run."""
    trial = {f.name for f in dataclasses.fields(TrialConfig)}
    return {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg) if f.name in trial - _PER_RUN}


def summarise(
    results: Sequence[TrialResult],
    acts: Sequence[tuple[str, dict] | tuple[str, dict, str]],
    labels: Sequence[str],
    *,
    level: float = 0.95,
    n_boot: int = 10000,
) -> list[ActivationSummary]:
    """Per-activation summaries (bootstrap CIs over seeds) of finished trials.

    ``acts`` items are (name, params) or (name, params, memory tier); a pair means the
    default tier."""
    out = []
    for lab, a in zip(labels, acts):
        name, params = a[0], a[1]
        tier = a[2] if len(a) > 2 else "default"
        rs = sorted(
            (
                r
                for r in results
                if r.config.activation == name and r.config.params == params and r.config.memory == tier
            ),
            key=lambda r: r.config.seed,
        )
        if not rs:
            continue

        def ci(vals: Sequence[float | None], _seed: int = 0) -> CI3:
            v = [math.nan if x is None else float(x) for x in vals]
            return bootstrap_ci(v, level=level, n_boot=n_boot, seed=_seed)

        curves = {}
        for key in ("train_loss", "train_error", "test_accuracy"):
            est, lo, hi = curve_ci([getattr(r, key) for r in rs], level=level, n_boot=2000)
            curves[key] = {"mean": est.tolist(), "low": lo.tolist(), "high": hi.tolist()}
        secs = [s for r in rs for s in r.epoch_seconds]
        out.append(
            ActivationSummary(
                activation=name,
                params=params,
                label=lab,
                lr=rs[0].config.lr,
                seeds=[r.config.seed for r in rs],
                n_diverged=sum(r.diverged for r in rs),
                final_test_accuracy=ci([r.final_test_accuracy for r in rs], 1),
                final_train_loss=ci([r.train_loss[-1] if r.train_loss else math.nan for r in rs], 2),
                final_train_error=ci([r.train_error[-1] if r.train_error else math.nan for r in rs], 3),
                epochs_to_target=ci([r.epochs_to_target for r in rs], 4),
                n_reached_target=sum(r.epochs_to_target is not None for r in rs),
                seconds_to_target=ci([r.seconds_to_target for r in rs], 5),
                dead_fraction=ci([r.dead_fraction for r in rs], 6),
                saturated_fraction=ci([r.saturated_fraction for r in rs], 7),
                seconds_per_epoch=float(np.mean(secs)) if secs else math.nan,
                curves=curves,
                memory=tier,
                saved_bytes_per_element=_mean_finite([r.saved_bytes_per_element for r in rs]),
                gradient_error=stated_gradient_error(name, params, tier),
            )
        )
    return out


def _mean_finite(vals: Sequence[float]) -> float:
    v = [float(x) for x in vals if x is not None and math.isfinite(x)]
    return float(np.mean(v)) if v else math.nan
