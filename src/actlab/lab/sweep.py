"""Sweeps: a grid of trials, run by any runner, stored one row per finished trial in SQLite.

Each finished trial is written in its own transaction (``INSERT`` + ``COMMIT``) by the main
process, so the file holds only whole rows whatever happens (``kill -9``, power loss: SQLite's
journal rolls back a half-written row). Re-running the same sweep on the same file skips every
trial whose key is already there, so a killed sweep resumes without losing or repeating any.

Ctrl-C: the runner is stopped (pending trials cancelled, in-flight ones abandoned), the store
is closed with every finished row kept, and the result says how many were done
(``interrupted=True``); callers decide what to print.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import ParameterError
from .runners import Runner, make_runner
from .train import TrialConfig, TrialResult

__all__ = ["ResultStore", "SweepResult", "make_grid", "run_sweep"]

_SCHEMA_VERSION = "1"


def make_grid(
    activations: Iterable[str | tuple[str, dict]],
    *,
    datasets: Sequence[str] = ("digits",),
    models: Sequence[str] = ("mlp",),
    seeds: Iterable[int] = range(5),
    lrs: Sequence[float] = (0.05,),
    **base: Any,
) -> list[TrialConfig]:
    """All trials of activations x datasets x models x seeds x learning rates.

    ``activations`` items are names or (name, params) pairs; ``base`` holds the other
    :class:`TrialConfig` fields (epochs, batch_size, momentum, init, ...).
    """
    acts: list[tuple[str, dict]] = []
    for a in activations:
        if isinstance(a, str):
            acts.append((a, {}))
        elif isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], dict):
            acts.append((a[0], dict(a[1])))
        else:
            raise ParameterError(f"an activation in a grid is a name or (name, params dict), got {a!r}")
    bad = {"activation", "params", "dataset", "model", "seed", "lr"} & set(base)
    if bad:
        raise ParameterError(
            f"{sorted(bad)} are grid axes; pass them as activations/datasets/models/seeds/lrs"
        )
    out = []
    for (name, params), ds, model, seed, lr in itertools.product(acts, datasets, models, list(seeds), lrs):
        out.append(
            TrialConfig(activation=name, params=params, dataset=ds, model=model, seed=seed, lr=lr, **base)
        )
    return out


class ResultStore:
    """An SQLite file of finished trials: one row per trial key, JSON config and result."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn: sqlite3.Connection | None = sqlite3.connect(str(self.path), timeout=30.0)
        c = self._conn
        c.execute("PRAGMA synchronous=FULL")  # a committed row survives a crash of the machine
        with c:
            c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            c.execute(
                "CREATE TABLE IF NOT EXISTS trials ("
                " key TEXT PRIMARY KEY, config TEXT NOT NULL, result TEXT NOT NULL,"
                " finished_utc TEXT NOT NULL, wall_seconds REAL)"
            )
            c.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (_SCHEMA_VERSION,))
        (v,) = c.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if v != _SCHEMA_VERSION:
            raise ParameterError(
                f"{self.path} was written by another actlab store schema (version {v}, this one reads "
                f"{_SCHEMA_VERSION}); use a new file or out directory"
            )

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ParameterError(f"result store {self.path} is closed")
        return self._conn

    def keys(self) -> set[str]:
        return {k for (k,) in self.conn.execute("SELECT key FROM trials")}

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM trials").fetchone()[0])

    def put(self, result: TrialResult) -> bool:
        """Store one finished trial in its own transaction; False if its key was already stored."""
        from .report import jsonable

        with self.conn:  # BEGIN ... COMMIT (ROLLBACK on error): the row is whole or absent
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO trials VALUES (?, ?, ?, ?, ?)",
                (
                    result.config.key(),
                    json.dumps(result.config.to_dict(), sort_keys=True),
                    json.dumps(jsonable(result.to_dict()), allow_nan=False),
                    _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                    result.wall_seconds,
                ),
            )
        return cur.rowcount == 1

    def get(self, key: str) -> TrialResult | None:
        row = self.conn.execute("SELECT result FROM trials WHERE key=?", (key,)).fetchone()
        return None if row is None else _result_from_json(row[0])

    def results(self) -> list[TrialResult]:
        return [
            _result_from_json(r) for (r,) in self.conn.execute("SELECT result FROM trials ORDER BY rowid")
        ]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _result_from_json(text: str) -> TrialResult:
    d = json.loads(text)
    # JSON has no NaN: a stored null in a float field was a NaN
    for k in ("dead_fraction", "saturated_fraction", "final_test_accuracy"):
        if d.get(k) is None:
            d[k] = float("nan")
    for k in ("train_loss", "train_error", "test_accuracy"):
        d[k] = [float("nan") if v is None else v for v in d.get(k, [])]
    return TrialResult.from_dict(d)


@dataclass
class SweepResult:
    """What a sweep produced: results of the requested trials that are finished (from this run
    or an earlier one), in the order the trials were given."""

    results: list[TrialResult]
    n_total: int
    n_skipped: int
    n_run: int
    interrupted: bool
    wall_seconds: float
    store_path: str | None
    runner: str
    errors: list[str] = field(default_factory=list)

    @property
    def n_done(self) -> int:
        return len(self.results)


def run_sweep(
    trials: Sequence[TrialConfig],
    *,
    store: str | os.PathLike | ResultStore | None = None,
    runner: str | Runner = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool = False,
    desc: str = "trials",
    on_result: Callable[[TrialResult], None] | None = None,
) -> SweepResult:
    """Run ``trials`` (skipping those already in ``store``), store each as it finishes.

    Args:
        store: SQLite path (or an open :class:`ResultStore`); None keeps results in memory only.
        runner: ``"local"``, ``"dask"``, ``"ray"`` or a :class:`Runner` instance (not closed here).
        workers: runner workers (local: default 1, capped at the core count).
        progress: show a tqdm bar on stderr (only when stderr is a terminal).
        on_result: called with each newly finished result (in the main process).
    """
    t0 = time.perf_counter()
    unique: dict[str, TrialConfig] = {}
    for t in trials:
        if not isinstance(t, TrialConfig):
            raise ParameterError(f"run_sweep takes TrialConfig objects, got {type(t).__name__}")
        unique.setdefault(t.key(), t)
    own_store = store is not None and not isinstance(store, ResultStore)
    st: ResultStore | None = ResultStore(store) if own_store else store  # type: ignore[assignment]
    done_keys = st.keys() if st is not None else set()
    found: dict[str, TrialResult] = {}
    if st is not None:
        for k in set(unique) & done_keys:
            r = st.get(k)
            if r is not None:
                found[k] = r
    todo = [c for k, c in unique.items() if k not in found]
    n_skipped = len(found)
    own_runner = isinstance(runner, str)
    interrupted = False
    n_run = 0
    run_obj: Runner | None = None
    bar = None
    try:
        if todo:
            run_obj = make_runner(runner, workers, address=address) if own_runner else runner  # type: ignore[arg-type]
            if progress:
                from tqdm.auto import tqdm

                bar = tqdm(
                    total=len(todo), desc=desc, file=sys.stderr, unit="trial", disable=not sys.stderr.isatty()
                )
            for r in run_obj.run(todo):
                if st is not None:
                    st.put(r)
                found[r.config.key()] = r
                n_run += 1
                if bar is not None:
                    bar.update(1)
                if on_result is not None:
                    on_result(r)
    except KeyboardInterrupt:
        interrupted = True
        if run_obj is not None:
            run_obj.stop()
    finally:
        if bar is not None:
            bar.close()
        if run_obj is not None and own_runner:
            try:
                run_obj.close()
            except Exception:  # noqa: BLE001 - closing a stopped pool/cluster must not mask the result
                pass
        if own_store and st is not None:
            st.close()
    results = [found[k] for k in unique if k in found]
    return SweepResult(
        results=results,
        n_total=len(unique),
        n_skipped=n_skipped,
        n_run=n_run,
        interrupted=interrupted,
        wall_seconds=time.perf_counter() - t0,
        store_path=str(st.path) if st is not None else None,
        runner=run_obj.describe()
        if run_obj is not None
        else (runner if isinstance(runner, str) else runner.name),
    )
