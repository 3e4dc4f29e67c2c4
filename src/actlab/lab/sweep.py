"""Sweeps: a grid of trials, run by any runner, stored one row per finished trial in SQLite.

Each finished trial is written in its own transaction by the main process, so the file holds
only whole rows whatever happens (``kill -9``, power loss: SQLite's journal rolls back a
half-written row). Re-running the same sweep on the same file skips every trial whose key is
already there, so a killed sweep resumes without losing or repeating any.

Several sweeps may share one store (on one machine): before running a trial a sweep claims it
in the ``claims`` table, trials claimed by another live process are left to it and their rows
read when they appear, and the claim of a process that died (or stopped refreshing its claims
for ``CLAIM_LEASE`` seconds) is taken over. So two processes running the same sweep split the
trials and neither runs one twice. Local runners claim trials as they start them; the dask and
ray runners claim all of theirs when they submit them.

A store that cannot be read (truncated, overwritten, another program's database) raises one
:class:`StoreError` that names the file and how to keep its rows; a row that does not decode is
moved to the store's ``quarantine`` table with a :class:`StoreWarning` and its trial is re-run.

Ctrl-C: the runner is stopped (pending trials cancelled, in-flight ones abandoned), the store
is closed with every finished row kept, and the result says how many were done
(``interrupted=True``); callers decide what to print.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import itertools
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from ..errors import ActlabError, ParameterError
from .jsonable import jsonable
from .output_errors import OutputError, output_error
from .runners import LazyRunner, Runner
from .train import TrialConfig, TrialResult

__all__ = ["BadRow", "ResultStore", "StoreError", "StoreWarning", "SweepResult", "make_grid", "run_sweep"]

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


# --------------------------------------------------------------------------- the result store
# A writer waits this long for another's lock before giving up (SQLite's busy handler).
BUSY_TIMEOUT = 60.0
# A claim not refreshed for this long is taken over: its holder is hung, on another machine, or
# its pid now belongs to another process. A dead holder on this machine is noticed at once.
CLAIM_LEASE = 300.0
HEARTBEAT_SECONDS = 30.0
# How often a sweep looks for the rows of trials that other processes are running.
POLL_SECONDS = 0.5
_sleep = time.sleep  # the pause between those looks (tests replace it to act in between)

_HOST = socket.gethostname()
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS trials (key TEXT PRIMARY KEY, config TEXT NOT NULL, result TEXT NOT NULL,"
    " finished_utc TEXT NOT NULL, wall_seconds REAL)",
    # one row per trial being run: which process runs it, so two sweeps on one store share the work
    "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, host TEXT NOT NULL,"
    " pid INTEGER NOT NULL, claimed_utc TEXT NOT NULL, heartbeat REAL NOT NULL)",
    # rows that could not be decoded, moved out of `trials` (kept, never deleted) so they are re-run
    "CREATE TABLE IF NOT EXISTS quarantine (key TEXT, config TEXT, result TEXT, reason TEXT NOT NULL,"
    " moved_utc TEXT NOT NULL)",
)
_TRIAL_COLUMNS = ["key", "config", "result", "finished_utc", "wall_seconds"]


class StoreError(ActlabError, RuntimeError):
    """A result store that cannot be used: truncated or overwritten, another program's
    database, another store schema, or locked for too long. The message names the file and
    how to go on without losing its rows."""


class StoreWarning(UserWarning):
    """Rows of a result store that could not be read; they were set aside and are re-run."""


class BadRow(NamedTuple):
    key: str
    reason: str
    raw: Any  # the stored text, so only that exact row is moved aside


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate the process there; rely on the lease instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's live process
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended, only not reaped
    except (OSError, IndexError):
        return True


def _claim_is_live(host: str, pid: int, heartbeat: float) -> bool:
    if time.time() - heartbeat > CLAIM_LEASE:
        return False
    return _pid_alive(pid) if host == _HOST else True


_OPEN_ATTEMPTS = 8


def _guarded(fn: Callable) -> Callable:
    """Turn SQLite's exceptions into one actlab error that names the file and the fix."""

    @functools.wraps(fn)
    def wrapper(self: ResultStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise self._error(e) from e

    return wrapper


class ResultStore:
    """An SQLite file of finished trials: one row per trial key, JSON config and result.

    Safe to share between processes on one machine: WAL journal (readers never block the
    writer), a busy timeout, writes in ``BEGIN IMMEDIATE`` transactions, and a ``claims`` table
    through which sweeps on the same file split the trials between them (WAL needs shared
    memory, so not over a network filesystem).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise output_error(self.path.parent, e, "create the directory of the result store") from e
        if self.path.is_dir():
            raise StoreError(
                f"{self.path} is a directory; a result store is a file, e.g. {self.path / 'results.sqlite'}"
            )
        # Two sweeps that create one store at the same moment race on switching it to WAL; SQLite
        # can then answer SQLITE_BUSY without waiting. Opening is idempotent: try again shortly.
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                self._open()
                break
            except StoreError as e:
                self.close()
                if "locked" not in str(e) or attempt == _OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
            except BaseException:
                self.close()
                raise

    def _unreadable(self, why: str) -> str:
        p = self.path
        return (
            f"{p} is not a readable actlab result store ({why}): it is truncated, overwritten or another "
            f"program's file. Move it aside (mv {p} {p}.bad) or re-run with --fresh (which moves it aside "
            f"for you) to start a new store; to salvage the rows SQLite can still read: "
            f"sqlite3 {p} .recover | sqlite3 {p}.recovered, and use {p}.recovered as the store"
        )

    def _error(self, e: sqlite3.Error) -> ActlabError:
        name = getattr(e, "sqlite_errorname", "") or ""
        p = self.path
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            return StoreError(self._unreadable(f"SQLite: {e}"))
        if name.startswith("SQLITE_FULL"):
            return OutputError(
                f"cannot write the result store {p}: the disk is full (SQLite: {e}). The trials finished "
                "before are kept in it: free some space and re-run the same command to resume"
            )
        if name.startswith(
            ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_AUTH")
        ):
            return OutputError(
                f"cannot open or write the result store {p} (SQLite: {e}): it or its directory is read-only, "
                "missing or not yours; pass an --out directory (or store path) you can write to"
            )
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"the result store {p} was locked by another process ({name or 'busy'}: {e}; SQLite "
                f"waits up to {BUSY_TIMEOUT:g} s for an ordinary lock); wait for that process to end, "
                "or use another store"
            )
        return StoreError(f"result store {p}: {e}")

    @_guarded
    def _open(self) -> None:
        c = self._conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None)
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=FULL")  # a committed row survives a crash of the machine
        # find a truncated or overwritten file now, before any training, not at the first row read
        problems = [r[0] for r in c.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise StoreError(self._unreadable("SQLite's quick_check: " + "; ".join(problems[:3])))
        with self._tx():
            tables = {n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables:  # an existing database: write into it only if it is one of ours
                cols = [r[1] for r in c.execute("PRAGMA table_info(trials)")]
                version = (
                    c.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                    if "meta" in tables
                    else None
                )
                if cols != _TRIAL_COLUMNS or version is None:
                    raise StoreError(
                        f"{self.path} is an SQLite database but not an actlab result store (tables: "
                        f"{', '.join(sorted(tables))}); actlab does not write into other databases. Use "
                        "another --out directory or store path, or move the file aside (--fresh does)"
                    )
                if version[0] != _SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path} was written by another actlab store schema (version {version[0]}, "
                        f"this one reads {_SCHEMA_VERSION}); use a new file or out directory, or move "
                        "it aside (--fresh does)"
                    )
            for ddl in _TABLES:
                c.execute(ddl)
            c.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (_SCHEMA_VERSION,))

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. IMMEDIATE takes the write lock at the start: a deferred one
        that reads and then writes fails at once (SQLITE_BUSY, no wait) when another process
        wrote in between."""
        c = self.conn
        for attempt in range(_OPEN_ATTEMPTS):
            t0 = time.monotonic()
            try:
                c.execute("BEGIN IMMEDIATE")  # waits up to BUSY_TIMEOUT for an ordinary lock
                break
            except sqlite3.OperationalError as e:
                # an answer that came without that wait (a peer recovering the WAL index): retry;
                # one that waited the whole timeout is reported
                quick = time.monotonic() - t0 < 1.0
                if not quick or "locked" not in str(e) or attempt == _OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        try:
            yield c
        except BaseException:
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ParameterError(f"result store {self.path} is closed")
        return self._conn

    @_guarded
    def keys(self) -> set[str]:
        return {k for (k,) in self.conn.execute("SELECT key FROM trials")}

    @_guarded
    def __len__(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM trials").fetchone()[0])

    @_guarded
    def put(self, result: TrialResult) -> bool:
        """Store one finished trial in its own transaction (and drop its claim); False if its
        key was already stored."""
        key = result.config.key()
        with self._tx() as c:  # the row is whole or absent
            cur = c.execute(
                "INSERT OR IGNORE INTO trials VALUES (?, ?, ?, ?, ?)",
                (
                    key,
                    json.dumps(result.config.to_dict(), sort_keys=True),
                    json.dumps(jsonable(result.to_dict()), allow_nan=False),
                    _now(),
                    result.wall_seconds,
                ),
            )
            c.execute("DELETE FROM claims WHERE key=?", (key,))
        return cur.rowcount == 1

    @_guarded
    def load(self, keys: Iterable[str] | None = None) -> tuple[dict[str, TrialResult], list[BadRow]]:
        """The stored results of ``keys`` (all rows when None, in insertion order) that decode,
        and the rows that do not (bad JSON, missing fields) as :class:`BadRow`."""
        c = self.conn
        if keys is None:
            rows = c.execute("SELECT key, result FROM trials ORDER BY rowid").fetchall()
        else:
            ks = list(keys)
            rows = []
            for i in range(0, len(ks), 500):  # SQLite limits the number of parameters of one query
                chunk = ks[i : i + 500]
                marks = ",".join("?" * len(chunk))
                q = f"SELECT key, result FROM trials WHERE key IN ({marks}) ORDER BY rowid"
                rows += c.execute(q, chunk).fetchall()
        good: dict[str, TrialResult] = {}
        bad: list[BadRow] = []
        for k, raw in rows:
            try:
                good[k] = _result_from_json(raw)
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                bad.append(BadRow(k, f"{type(e).__name__}: {e}"[:200], raw))
        return good, bad

    @_guarded
    def quarantine(self, bad: Sequence[BadRow]) -> None:
        """Move malformed rows from ``trials`` to the ``quarantine`` table (kept for
        inspection), so their trials count as not done and are run again."""
        with self._tx() as c:
            for b in bad:
                # match the stored text too: another sweep may have replaced the row meanwhile
                c.execute(
                    "INSERT INTO quarantine SELECT key, config, result, ?, ? FROM trials"
                    " WHERE key=? AND result IS ?",
                    (b.reason, _now(), b.key, b.raw),
                )
                c.execute("DELETE FROM trials WHERE key=? AND result IS ?", (b.key, b.raw))

    def _read(self, keys: Iterable[str] | None) -> dict[str, TrialResult]:
        good, bad = self.load(keys)
        if bad:
            self.quarantine(bad)
            warnings.warn(_bad_rows_message(self.path, bad), StoreWarning, stacklevel=3)
        return good

    def get(self, key: str) -> TrialResult | None:
        """The stored result of ``key``; None if absent or malformed (a malformed row is set
        aside with a :class:`StoreWarning`)."""
        return self._read([key]).get(key)

    def results(self) -> list[TrialResult]:
        """Every stored result that decodes, in insertion order (malformed rows are set aside
        with a :class:`StoreWarning`)."""
        return list(self._read(None).values())

    @_guarded
    def claim(self, key: str, owner: str) -> bool:
        """Claim ``key`` for ``owner``: True unless it is stored or claimed by another live process."""
        with self._tx() as c:
            if c.execute("SELECT 1 FROM trials WHERE key=?", (key,)).fetchone() is not None:
                return False
            row = c.execute("SELECT owner, host, pid, heartbeat FROM claims WHERE key=?", (key,)).fetchone()
            if row is not None and row[0] != owner and _claim_is_live(row[1], row[2], row[3]):
                return False
            c.execute(
                "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?, ?)",
                (key, owner, _HOST, os.getpid(), _now(), time.time()),
            )
        return True

    @_guarded
    def release(self, owner: str) -> None:
        """Drop ``owner``'s claims (trials it started but did not finish)."""
        with self._tx() as c:
            c.execute("DELETE FROM claims WHERE owner=?", (owner,))

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _result_from_json(text: str | bytes) -> TrialResult:
    d = json.loads(text)
    if not isinstance(d, dict):
        raise TypeError(f"a stored result is a JSON object, got {type(d).__name__}")
    # JSON has no NaN: a stored null in a float field was a NaN
    for k in (
        "dead_fraction",
        "saturated_fraction",
        "final_test_accuracy",
        "saved_bytes_per_element",
        "negative_fraction",
    ):
        if d.get(k) is None:
            d[k] = float("nan")
    for k in ("train_loss", "train_error", "test_accuracy"):
        d[k] = [float("nan") if v is None else v for v in d.get(k, [])]
    return TrialResult.from_dict(d)


def _bad_rows_message(path: Path, bad: Sequence[BadRow]) -> str:
    return (
        f"{len(bad)} malformed row(s) in {path} could not be read (first: {bad[0].key}: {bad[0].reason}); "
        "they were moved to its 'quarantine' table and their trials are run again"
    )


class _Heartbeat:
    """Refreshes one sweep's claims every HEARTBEAT_SECONDS from a thread with its own
    connection, so a long trial is not taken for an abandoned one."""

    def __init__(self, path: Path, owner: str):
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(str(path), owner), name="actlab-claims-heartbeat", daemon=True
        )
        self._thread.start()

    def _run(self, path: str, owner: str) -> None:
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    conn.execute("UPDATE claims SET heartbeat=? WHERE owner=?", (time.time(), owner))
                except (
                    sqlite3.Error
                ):  # busy or full: the next beat tries again; the sweep reports store errors
                    pass
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class SweepResult:
    """What a sweep produced: results of the requested trials that are finished (from this run,
    an earlier one, or another process sharing the store), in the order the trials were given."""

    results: list[TrialResult]
    n_total: int
    n_skipped: int
    n_run: int
    interrupted: bool
    wall_seconds: float
    store_path: str | None
    runner: str
    errors: list[str] = field(default_factory=list)
    n_by_others: int = 0  # finished meanwhile by other processes sharing the store
    n_bad_rows: int = 0  # malformed rows set aside (their trials were re-run)

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
            Other processes may run sweeps on the same store at the same time: each trial is
            run by one of them, and every one returns all results.
        runner: ``"local"``, ``"dask"``, ``"ray"`` or a :class:`Runner` instance (not closed here).
        workers: runner workers (local: default 1, capped at the core count).
        progress: show a tqdm bar on stderr (only when stderr is a terminal).
        on_result: called with each newly finished result (in the main process), whether this
            process or another one sharing the store ran it.
    """
    t0 = time.perf_counter()
    unique: dict[str, TrialConfig] = {}
    for t in trials:
        if not isinstance(t, TrialConfig):
            raise ParameterError(f"run_sweep takes TrialConfig objects, got {type(t).__name__}")
        unique.setdefault(t.key(), t)
    own_store = store is not None and not isinstance(store, ResultStore)
    st: ResultStore | None = (
        store if (store is None or isinstance(store, ResultStore)) else ResultStore(store)
    )
    owner = uuid.uuid4().hex  # this sweep's name in the claims table
    found: dict[str, TrialResult] = {}
    n_skipped = n_run = n_by_others = n_bad = 0
    interrupted = False
    run_obj: Runner | None = None
    own_runner = isinstance(runner, str)
    beat: _Heartbeat | None = None
    bar = None

    def read_back(keys: Iterable[str]) -> dict[str, TrialResult]:
        nonlocal n_bad
        assert st is not None
        good, bad = st.load(keys)
        if bad:
            n_bad += len(bad)
            st.quarantine(bad)
            warnings.warn(_bad_rows_message(st.path, bad), StoreWarning, stacklevel=3)
        return good

    try:
        if st is not None:
            found = read_back(unique)
        n_skipped = len(found)
        pending = {k: c for k, c in unique.items() if k not in found}
        if pending:
            # lazy: a sweep whose trials all run in other processes starts no pool or cluster
            run_obj = LazyRunner(runner, workers, address=address) if isinstance(runner, str) else runner
            if st is not None:
                beat = _Heartbeat(st.path, owner)
            if progress:
                from tqdm.auto import tqdm

                bar = tqdm(
                    total=len(pending),
                    desc=desc,
                    file=sys.stderr,
                    unit="trial",
                    disable=not sys.stderr.isatty(),
                )

            def done(r: TrialResult) -> None:
                found[r.config.key()] = r
                pending.pop(r.config.key(), None)
                if bar is not None:
                    bar.update(1)
                if on_result is not None:
                    on_result(r)

            given: set[str] = set()

            def claimed(keys: list[str]) -> Iterator[TrialConfig]:
                # claimed one by one as the runner asks for work, so concurrent sweeps interleave
                for k in keys:
                    if k in pending and (st is None or st.claim(k, owner)):
                        given.add(k)
                        yield pending[k]

            while pending:
                progressed = False
                for r in run_obj.run(claimed(list(pending))):
                    if st is not None:
                        st.put(r)
                    n_run += 1
                    progressed = True
                    done(r)
                if not pending or st is None or given & pending.keys():
                    break  # all done, or a runner that dropped trials (asking again would loop)
                # the rest are claimed by other live sweeps: take their rows as they appear (a
                # claim whose holder died is taken over by the next pass)
                for r in read_back(pending).values():
                    n_by_others += 1
                    progressed = True
                    done(r)
                if pending and not progressed:
                    _sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        interrupted = True
        if run_obj is not None:
            run_obj.stop()
    finally:
        if bar is not None:
            bar.close()
        if beat is not None:
            beat.stop()
        if st is not None and st._conn is not None:
            with contextlib.suppress(ActlabError):  # a broken store is reported by what raised
                st.release(owner)
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
        n_by_others=n_by_others,
        n_bad_rows=n_bad,
    )
