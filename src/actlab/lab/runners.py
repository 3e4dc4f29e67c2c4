"""Runners: execute a list of trials and yield their results as they finish.

- ``local`` with 1 worker: one after another in this process.
- ``local`` with N > 1 workers: a process pool (at most as many workers as cores; the
  ``forkserver`` start method on Linux, ``spawn`` elsewhere, never plain ``fork``, which is
  unsafe once torch has started threads), one torch thread per worker.
- ``dask``: ``dask.distributed``; a ``LocalCluster`` of worker processes on 127.0.0.1 unless an
  ``address`` of a running scheduler is given. Optional dependency (``actlab[dask]``).
- ``ray``: Ray tasks; a local Ray unless ``address`` is given. Optional (``actlab[ray]``),
  imported only when chosen.

Every runner calls the same worker function, :func:`run_trial_dict`, on a plain dict and gets a
plain dict back, and training is deterministic per seed with one thread, so all runners give
the same numbers for the same trials. Workers ignore SIGINT: Ctrl-C reaches the main process
only, which then stops the runner (pending trials cancelled, in-flight ones abandoned).
"""

from __future__ import annotations

import functools
import itertools
import os
import select
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Iterable, Iterator

from ..errors import ActlabError, MissingDependencyError, ParameterError
from .choices import RUNNERS
from .train import TrialConfig, TrialResult, train_trial

__all__ = [
    "DaskRunner",
    "LazyRunner",
    "ProcessPoolRunner",
    "RUNNERS",
    "RayRunner",
    "Runner",
    "RunnerConnectionError",
    "SerialRunner",
    "make_runner",
    "max_workers",
    "run_trial_dict",
]


class RunnerConnectionError(ActlabError, ConnectionError):
    """A dask or ray scheduler address that cannot be reached; the message names it."""


def max_workers() -> int:
    """Cores this process may use (affinity-aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@functools.lru_cache(maxsize=8)  # a map's seeds draw their own subsets: 5 seeds and the probe seed
def _data(dataset: str, data_dir: str | None, n_train: int | None, n_test: int | None, data_seed: int):
    from .data import load_dataset

    # one copy per worker process, shared by all its trials
    return load_dataset(dataset, data_dir=data_dir, n_train=n_train, n_test=n_test, seed=data_seed)


def run_trial_dict(cfg: dict[str, Any]) -> dict[str, Any]:
    """Worker entry point: a config dict in, a result dict out (plain data crosses processes)."""
    c = TrialConfig.from_dict(cfg)
    data = _data(c.dataset, c.data_dir, c.n_train, c.n_test, c.data_seed)
    return train_trial(c, data).to_dict()


def _worker_init(parent: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        _die_with(parent)
    import torch

    torch.set_num_threads(1)


def _die_with(pid: int) -> None:
    """End this worker when process ``pid`` ends, however it ends (SIGKILL included).

    A pool worker's parent is the forkserver, not the sweep, and a worker blocked on its queue
    never notices the sweep is gone: without this, a killed sweep left its workers computing.
    Event-driven where the OS can tell (a pidfd becomes readable when the process exits), else
    polled once a second."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None

    def watch() -> None:
        try:
            if fd is not None:
                select.select([fd], [], [])
                os._exit(1)
        except BaseException:  # noqa: BLE001 - any failure of the event: poll instead
            pass
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                continue

    threading.Thread(target=watch, name="actlab-parent-watch", daemon=True).start()


class Runner:
    """Base class: ``run(configs)`` yields ``TrialResult`` in completion order.

    ``configs`` may be a lazy iterable: local runners take the next config only when a worker
    is free (a sweep sharing its store claims each trial as it is taken)."""

    name = "runner"
    workers = 1

    def run(self, configs: Iterable[TrialConfig]) -> Iterator[TrialResult]:
        raise NotImplementedError

    def stop(self) -> None:
        """Cancel pending work and abandon in-flight trials (called on Ctrl-C)."""

    def close(self) -> None:
        """Release processes and connections."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


class SerialRunner(Runner):
    """One trial after another in this process."""

    name = "local"

    def run(self, configs: Iterable[TrialConfig]) -> Iterator[TrialResult]:
        for c in configs:
            yield TrialResult.from_dict(run_trial_dict(c.to_dict()))


class ProcessPoolRunner(Runner):
    """A pool of ``workers`` processes (forkserver/spawn), one torch thread each."""

    name = "local"

    def __init__(self, workers: int):
        import multiprocessing as mp

        self.workers = workers
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        if method == "forkserver":
            # workers fork from a server that has already imported torch and actlab: fast start
            ctx.set_forkserver_preload(["actlab.lab.runners"])
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),)
        )
        self._pending: set[Future] = set()

    def run(self, configs: Iterable[TrialConfig]) -> Iterator[TrialResult]:
        assert self._pool is not None, "runner is closed"
        todo = iter(configs)
        more = True
        # keep only a few trials queued ahead: cancelling on Ctrl-C is then immediate, and a
        # sweep sharing its store with others claims no more than it is about to run
        while more or self._pending:
            while more and len(self._pending) < 2 * self.workers:
                c = next(todo, None)
                if c is None:
                    more = False
                else:
                    self._pending.add(self._pool.submit(run_trial_dict, c.to_dict()))
            if not self._pending:
                break
            done, self._pending = wait(self._pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield TrialResult.from_dict(f.result())

    def stop(self) -> None:
        if self._pool is None:
            return
        for f in self._pending:
            f.cancel()
        procs = list(getattr(self._pool, "_processes", {}).values())  # abandon in-flight trials
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskRunner(Runner):
    """``dask.distributed``: a LocalCluster of processes on loopback, or a given scheduler."""

    name = "dask"

    def __init__(self, workers: int, address: str | None = None, *, timeout: float | None = None):
        """``timeout``: seconds to wait for the scheduler at ``address`` (default: dask's
        ``distributed.comm.timeouts.connect``)."""
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as e:
            raise MissingDependencyError(
                "dask.distributed", "dask", "runner 'dask'", alternative="use --runner local"
            ) from e
        self.workers = workers
        self._cluster = None
        if address is None:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR: keep worker chatter out of the user's terminal
            )
            self._client = Client(self._cluster)
        else:
            try:
                kw = {} if timeout is None else {"timeout": timeout}
                self._client = Client(address, **kw)
            except (OSError, ValueError, TypeError) as e:  # TimeoutError is an OSError
                raise RunnerConnectionError(
                    f"cannot reach the dask scheduler at {address!r}: {e}. Check that a scheduler runs "
                    "there and the address is right (e.g. tcp://host:8786), or leave --address out to "
                    "start a local cluster"
                ) from e
        self._futures: list[Any] = []
        self._client.run(_worker_init_dask)

    def run(self, configs: Iterable[TrialConfig]) -> Iterator[TrialResult]:
        from dask.distributed import as_completed

        self._futures = [
            self._client.submit(run_trial_dict, c.to_dict(), pure=False, key=f"trial-{c.key()}")
            for c in configs
        ]
        for f in as_completed(self._futures):
            yield TrialResult.from_dict(f.result())

    def stop(self) -> None:
        if self._futures:
            self._client.cancel(self._futures)
            self._futures = []

    def close(self) -> None:
        self.stop()
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _worker_init_dask() -> None:
    import torch

    torch.set_num_threads(1)


class RayRunner(Runner):  # pragma: no cover - exercised only where ray is installed
    """Ray tasks (one CPU each); a local Ray started here unless ``address`` is given."""

    name = "ray"

    def __init__(self, workers: int, address: str | None = None):
        try:
            import ray
        except ImportError as e:
            raise MissingDependencyError(
                "ray", "ray", "runner 'ray'", alternative="use --runner local or dask"
            ) from e
        self._ray = ray
        self.workers = workers
        self._started = False
        if not ray.is_initialized():
            if address is None:
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            else:
                try:
                    ray.init(address=address, log_to_driver=False)
                except (OSError, ValueError, RuntimeError) as e:  # ConnectionError is an OSError
                    raise RunnerConnectionError(
                        f"cannot reach the ray cluster at {address!r}: {e}. Check the address, or leave "
                        "--address out to start a local ray"
                    ) from e
            self._started = True
        self._remote = ray.remote(num_cpus=1)(run_trial_dict)
        self._refs: list[Any] = []

    def run(self, configs: Iterable[TrialConfig]) -> Iterator[TrialResult]:
        ray = self._ray
        self._refs = [self._remote.remote(c.to_dict()) for c in configs]
        pending = list(self._refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield TrialResult.from_dict(ray.get(ref))

    def stop(self) -> None:
        for r in self._refs:
            try:
                self._ray.cancel(r, force=True)
            except Exception:  # noqa: BLE001 - a finished task cannot be cancelled; that is fine
                pass
        self._refs = []

    def close(self) -> None:
        self.stop()
        if self._started:
            self._ray.shutdown()
            self._started = False


class LazyRunner(Runner):
    """A runner created on first use: a sweep whose trials are all in the store starts no
    processes or clusters at all."""

    def __init__(self, name: str = "local", workers: int | None = None, *, address: str | None = None):
        _check_runner_args(name, workers, address)
        self.name, self._workers, self._address = name, workers, address
        self._inner: Runner | None = None

    @property
    def workers(self) -> int:  # type: ignore[override]
        return self._inner.workers if self._inner is not None else _planned_workers(self.name, self._workers)

    def _get(self) -> Runner:
        if self._inner is None:
            self._inner = make_runner(self.name, self._workers, address=self._address)
        return self._inner

    def run(self, configs: Iterable[TrialConfig]) -> Iterator[TrialResult]:
        todo = iter(configs)
        first = next(todo, None)
        if first is None:  # nothing to run (e.g. every trial claimed by another sweep): start nothing
            return iter(())
        return self._get().run(itertools.chain([first], todo))

    def stop(self) -> None:
        if self._inner is not None:
            self._inner.stop()

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
            self._inner = None


def _check_runner_args(name: str, workers: int | None, address: str | None) -> None:
    if name not in RUNNERS:
        raise ParameterError(f"unknown runner {name!r}; valid: {', '.join(RUNNERS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ParameterError(f"workers must be a positive integer, got {workers!r}")
    if name == "local" and address is not None:
        raise ParameterError("address= is for the dask and ray runners; the local runner runs here")


def _planned_workers(name: str, workers: int | None) -> int:
    cores = max_workers()
    if name == "local":
        return min(workers or 1, cores)
    return workers or cores


def make_runner(name: str = "local", workers: int | None = None, *, address: str | None = None) -> Runner:
    """A runner by name. ``workers`` defaults to 1 for ``local`` and to the core count for the
    others; local workers are capped at the core count (more would only contend)."""
    _check_runner_args(name, workers, address)
    n = _planned_workers(name, workers)
    if name == "local":
        return SerialRunner() if n == 1 else ProcessPoolRunner(n)
    if name == "dask":
        return DaskRunner(n if address is not None else min(n, max_workers()), address)
    return RayRunner(n, address)
