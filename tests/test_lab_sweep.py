"""Sweeps: grid, SQLite store, resume after kill -9, Ctrl-C, and runners that agree."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from actlab.errors import ParameterError
from actlab.lab.runners import make_runner
from actlab.lab.sweep import ResultStore, make_grid, run_sweep
from actlab.lab.train import TrialConfig, train_trial

TINY = dict(datasets=["spirals"], epochs=2, n_train=64, n_test=32, momentum=0.9)


def _env():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _rows(db) -> int:
    if not os.path.exists(db):
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as c:
            return int(c.execute("SELECT COUNT(*) FROM trials").fetchone()[0])
    except sqlite3.OperationalError:  # table not created yet
        return 0


# Hang guards only: every wait below ends on an event (rows written, a process gone); the guard
# turns a hang into a failure instead of a stuck suite, and is far beyond any loaded machine.
HANG = 900.0


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), found by walking parent links."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pids: set[int]) -> set[int]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < HANG:
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.05)
    return {p for p in pids if _alive(p)}


def _wait_rows(db, n, proc, timeout=HANG) -> int:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        k = _rows(db)
        if k >= n:
            return k
        if proc.poll() is not None:
            raise AssertionError(f"sweep process ended early: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.02)
    raise AssertionError(f"fewer than {n} rows after {timeout} s")


def test_grid():
    g = make_grid(["relu", ("elu", {"alpha": 0.5})], seeds=range(3), lrs=[0.1, 0.01], **TINY)
    assert len(g) == 2 * 3 * 2 and len({c.key() for c in g}) == 12
    assert {c.params.get("alpha") for c in g} == {None, 0.5}
    with pytest.raises(ParameterError, match="grid axes"):
        make_grid(["relu"], seed=3)
    with pytest.raises(ParameterError, match="name or"):
        make_grid([3])


def test_store_roundtrip(tmp_path):
    # diverges (as in test_lab_train): the NaN values must survive the store
    cfg = TrialConfig("relu", dataset="spirals", n_train=256, n_test=128, epochs=5, lr=1e3, momentum=0.9)
    r = train_trial(cfg)
    assert r.diverged
    with ResultStore(tmp_path / "s.sqlite") as st:
        assert st.put(r) is True and st.put(r) is False
        assert len(st) == 1 and st.keys() == {cfg.key()}
        back = st.get(cfg.key())
    assert back.config == cfg and back.diverged
    assert math.isnan(back.dead_fraction) and back.epoch_seconds == r.epoch_seconds
    assert back.train_loss[: len(r.train_loss) - 1] == r.train_loss[:-1]


def test_resume_skips_finished(tmp_path):
    trials = make_grid(["relu", "tanh"], seeds=[0, 1, 2], **TINY)
    db = tmp_path / "s.sqlite"
    first = run_sweep(trials[:4], store=db)
    assert (first.n_run, first.n_skipped, first.interrupted) == (4, 0, False)
    second = run_sweep(trials + trials[:2], store=db)  # duplicates are one trial
    assert (second.n_total, second.n_skipped, second.n_run) == (6, 4, 2)
    assert [r.config.key() for r in second.results] == [c.key() for c in trials]
    # stored results are the ones computed, bit for bit
    assert second.results[0].train_loss == first.results[0].train_loss


_SWEEP_SCRIPT = textwrap.dedent(
    """
    import sys
    from actlab.lab.sweep import make_grid, run_sweep
    trials = make_grid(["relu", "tanh", "elu", "sigmoid"], seeds=range(10), datasets=["spirals"], epochs=3,
                       n_train=128, n_test=32)
    s = run_sweep(trials, store=sys.argv[1], workers=int(sys.argv[2]))
    print("done", s.n_run, s.n_skipped, s.interrupted, flush=True)
    """
)


def test_sweep_resumes_after_kill_minus_9(tmp_path):
    script = tmp_path / "sweep.py"
    script.write_text(_SWEEP_SCRIPT)
    db = str(tmp_path / "s.sqlite")
    proc = subprocess.Popen(
        [sys.executable, str(script), db, "1"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_rows(db, 5, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = _rows(db)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys_before = {k for (k,) in c.execute("SELECT key FROM trials")}
        for (res,) in c.execute("SELECT result FROM trials"):
            json.loads(res)  # every stored row is whole
    trials = make_grid(
        ["relu", "tanh", "elu", "sigmoid"],
        seeds=range(10),
        datasets=["spirals"],
        epochs=3,
        n_train=128,
        n_test=32,
    )
    assert 5 <= before < len(trials), "the kill came too late to test a resume"
    res = run_sweep(trials, store=db)
    assert res.n_skipped == before and res.n_run == len(trials) - before  # none lost, none repeated
    assert _rows(db) == len(trials)
    with sqlite3.connect(db) as c:
        keys = [k for (k,) in c.execute("SELECT key FROM trials")]
    assert len(keys) == len(set(keys)) == len(trials) and keys_before <= set(keys)
    # a row written before the kill equals a fresh run of the same trial (deterministic per seed)
    k0 = next(iter(keys_before))
    stored = next(r for r in res.results if r.config.key() == k0)
    assert train_trial(stored.config).train_loss == stored.train_loss


def _compare_cmd(out, activations: str, epochs: int) -> list[str]:
    """``actlab compare`` on spirals, 5 seeds, 2 workers, as a subprocess command line."""
    return [
        sys.executable,
        "-m",
        "actlab",
        "compare",
        "--activations",
        activations,
        "--dataset",
        "spirals",
        "--seeds",
        "5",
        "--epochs",
        str(epochs),
        "--workers",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]


def test_ctrl_c_keeps_finished_rows(tmp_path):
    out = tmp_path / "out"
    # ~1 s per trial: long enough that the sweep cannot finish before the signal arrives
    cmd = _compare_cmd(out, "relu,tanh,elu", 150)
    proc = subprocess.Popen(
        cmd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # pytest-xdist workers ignore SIGINT and children inherit that; give the CLI the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler),
    )
    db = str(out / "results.sqlite")
    try:
        _wait_rows(db, 2, proc)
        below = _descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=HANG)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert below and not _wait_gone(below), "processes left behind after Ctrl-C"
    assert "interrupted" in err and "re-run the same command to resume" in err
    assert "Traceback" not in err
    kept = _rows(db)
    assert 2 <= kept < 15
    assert not (out / "report.html").exists()
    # resuming finishes the rest only
    from actlab.lab.compare import compare

    res = compare(["relu", "tanh", "elu"], dataset="spirals", seeds=5, epochs=150, store=db, workers=2)
    assert res.n_done == 15 and _rows(db) == 15


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_sweep_leaves_no_process_behind(tmp_path, sig):
    cmd = _compare_cmd(tmp_path / "out", "relu,tanh", 400)
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_rows(str(tmp_path / "out" / "results.sqlite"), 1, proc)
        below = _descendants(proc.pid)
        proc.send_signal(sig)
        proc.wait(timeout=HANG)
    finally:
        if proc.poll() is None:
            proc.kill()
    # the forkserver, the resource tracker and both workers (which keep computing otherwise)
    assert len(below) >= 3, below
    assert not _wait_gone(below), "processes left behind after the sweep was killed"


def test_dask_runner_equals_local_runner():
    pytest.importorskip("dask.distributed")
    trials = make_grid(["relu", "tanh"], seeds=[0], **TINY)
    local = run_sweep(trials, runner="local")
    dask = run_sweep(trials, runner="dask", workers=2)
    assert dask.runner.startswith("dask") and dask.n_run == 2
    for a, b in zip(local.results, dask.results):
        assert a.config == b.config
        assert a.train_loss == b.train_loss and a.test_accuracy == b.test_accuracy
        assert a.layer_stats == b.layer_stats


def test_process_pool_equals_serial():
    trials = make_grid(["relu", "softplus", "selu"], seeds=[0], **TINY)
    serial = run_sweep(trials, runner="local", workers=1)
    pool = run_sweep(trials, runner="local", workers=2)
    assert "2 workers" in pool.runner or os.cpu_count() == 1
    assert [r.train_loss for r in serial.results] == [r.train_loss for r in pool.results]


def test_ray_runner_equals_local_runner():
    pytest.importorskip("ray")  # optional extra, not installed by default; CI skips when absent
    trials = make_grid(["relu"], seeds=[0, 1], **TINY)
    local = run_sweep(trials)
    ray = run_sweep(trials, runner="ray", workers=2)
    assert [r.train_loss for r in local.results] == [r.train_loss for r in ray.results]


def test_runner_arguments():
    with pytest.raises(ParameterError, match="valid: local, dask, ray"):
        make_runner("spark")
    with pytest.raises(ParameterError, match="workers"):
        make_runner("local", 0)
    with pytest.raises(ParameterError, match="address"):
        make_runner("local", 1, address="tcp://127.0.0.1:8786")
    r = make_runner("local", 10_000)
    try:
        assert r.workers <= (os.cpu_count() or 1)  # capped at the core count
    finally:
        r.close()
