"""Sweeps: grid, SQLite store, resume after kill -9, Ctrl-C, and runners that agree."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from actlab.cli import main
from actlab.errors import ParameterError
from actlab.lab.report import OutputError
from actlab.lab.runners import Runner, make_runner
from actlab.lab.sweep import ResultStore, StoreError, StoreWarning, make_grid, run_sweep
from actlab.lab.train import TrialConfig, TrialResult, train_trial

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


# --------------------------------------------------------------------------- faults: store, claims, runners
def _fake_result(cfg: TrialConfig) -> TrialResult:
    """A finished trial without training (the store and the claims do not look at the numbers)."""
    return TrialResult(
        config=cfg,
        train_loss=[1.0],
        train_error=[0.5],
        test_accuracy=[0.5],
        epoch_seconds=[0.0],
        epochs_to_target=None,
        seconds_to_target=None,
        final_test_accuracy=0.5,
        dead_fraction=0.0,
        saturated_fraction=0.0,
        layer_stats=[],
        diverged=False,
    )


class FakeRunner(Runner):
    """Finishes every trial at once and records which it was given."""

    name = "fake"

    def __init__(self):
        self.ran: list[str] = []

    def run(self, configs):
        for c in configs:
            self.ran.append(c.key())
            yield _fake_result(c)


def _filled_store(path, n=40):
    trials = make_grid(["relu", "tanh"], seeds=range(n // 2), **TINY)
    run_sweep(trials, store=path, runner=FakeRunner())
    return trials


def test_store_that_is_a_text_file_gives_one_clear_error(tmp_path):
    db = tmp_path / "results.sqlite"
    db.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(StoreError) as e:
        ResultStore(db)
    msg = str(e.value)
    assert str(db) in msg and "--fresh" in msg and "Move it aside" in msg
    assert db.read_text().startswith("these are my notes")  # not touched


def test_truncated_store_gives_one_clear_error(tmp_path):
    db = tmp_path / "results.sqlite"
    _filled_store(db)
    blob = db.read_bytes()
    assert len(blob) > 8 * 4096, "store too small to truncate meaningfully"
    db.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(StoreError, match="not a readable actlab result store") as e:
        run_sweep(make_grid(["relu"], seeds=[0], **TINY), store=db, runner=FakeRunner())
    assert str(db) in str(e.value) and ".recover" in str(e.value)


def test_foreign_database_is_refused_and_left_alone(tmp_path):
    db = tmp_path / "results.sqlite"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE users (name TEXT)")
        c.execute("INSERT INTO users VALUES ('ada')")
    c.close()
    with pytest.raises(StoreError, match="not an actlab result store") as e:
        ResultStore(db)
    assert str(db) in str(e.value) and "users" in str(e.value)
    with sqlite3.connect(db) as c:  # nothing of ours was added to it
        tables = {n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    c.close()
    assert tables == {"users"}


def test_other_schema_version_is_refused(tmp_path):
    db = tmp_path / "results.sqlite"
    _filled_store(db, 2)
    with sqlite3.connect(db) as c:
        c.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    c.close()
    with pytest.raises(StoreError, match="version 99"):
        ResultStore(db)


def test_malformed_rows_are_set_aside_and_rerun(tmp_path):
    db = tmp_path / "results.sqlite"
    trials = _filled_store(db, 6)
    bad_keys = [trials[1].key(), trials[4].key()]
    with sqlite3.connect(db) as c:
        c.execute("UPDATE trials SET result='{\"train_loss\": [1.0' WHERE key=?", (bad_keys[0],))  # cut JSON
        c.execute("UPDATE trials SET result='[1, 2, 3]' WHERE key=?", (bad_keys[1],))  # JSON, not a result
    c.close()
    runner = FakeRunner()
    with pytest.warns(StoreWarning, match="2 malformed row") as w:
        res = run_sweep(trials, store=db, runner=runner)
    assert str(db) in str(w[0].message)
    assert sorted(runner.ran) == sorted(bad_keys)  # only the bad rows ran again; the good ones kept
    assert (res.n_done, res.n_skipped, res.n_run, res.n_bad_rows) == (6, 4, 2, 2)
    with ResultStore(db) as st:
        assert len(st.results()) == 6 and st.keys() == {t.key() for t in trials}
        moved = st.conn.execute("SELECT key, reason FROM quarantine").fetchall()
    assert sorted(k for k, _ in moved) == sorted(bad_keys) and all(r for _, r in moved)


def test_full_disk_while_storing_names_the_store(tmp_path):
    db = tmp_path / "results.sqlite"
    trials = _filled_store(db, 2)
    more = make_grid(["elu"], seeds=range(200), **TINY)
    with ResultStore(db) as st:
        # SQLite's own "database or disk is full" (SQLITE_FULL), as on a full disk
        (pages,) = st.conn.execute("PRAGMA page_count").fetchone()
        st.conn.execute(f"PRAGMA max_page_count={pages}")
        with pytest.raises(OutputError, match="disk is full") as e:
            run_sweep(more, store=st, runner=FakeRunner())
        assert str(db) in str(e.value) and "re-run" in str(e.value)
    with ResultStore(db) as st:
        assert {t.key() for t in trials} <= st.keys()  # rows stored before are kept


def test_read_only_store_names_the_path(tmp_path, monkeypatch):
    db = tmp_path / "results.sqlite"
    _filled_store(db, 2)
    uri = f"file:{db}?mode=ro"
    real = sqlite3.connect
    # root ignores file modes, so open the file read-only the way SQLite reports it
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(uri, uri=True, **{**k}))
    with pytest.raises(OutputError, match="read-only") as e:
        ResultStore(db)
    assert str(db) in str(e.value)


def test_stale_claim_of_a_dead_process_is_taken_over(tmp_path, monkeypatch):
    import actlab.lab.sweep as sweep_mod

    def no_wait(_seconds):
        raise AssertionError("the sweep waited for a claim whose holder is dead")

    monkeypatch.setattr(sweep_mod, "_sleep", no_wait)
    db = tmp_path / "results.sqlite"
    trials = make_grid(["relu"], seeds=[0, 1], **TINY)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # reaped: its pid names no process now
    with ResultStore(db) as st:
        st.conn.execute(
            "INSERT INTO claims VALUES (?, 'someone-else', ?, ?, '2000-01-01T00:00:00+00:00', ?)",
            (trials[0].key(), socket.gethostname(), dead.pid, time.time()),
        )
    runner = FakeRunner()
    res = run_sweep(trials, store=db, runner=runner)
    assert sorted(runner.ran) == sorted(t.key() for t in trials) and res.n_done == 2
    with ResultStore(db) as st:
        assert st.conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0  # none left behind


def test_live_claim_of_another_process_is_left_to_it(tmp_path, monkeypatch):
    """A trial claimed by a live process is not run here; its row is read when it appears."""
    db = tmp_path / "results.sqlite"
    trials = make_grid(["relu"], seeds=[0, 1], **TINY)
    holder = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with ResultStore(db) as st:
            st.conn.execute(
                "INSERT INTO claims VALUES (?, 'someone-else', ?, ?, '2000-01-01T00:00:00+00:00', ?)",
                (trials[0].key(), socket.gethostname(), holder.pid, time.time()),
            )
        import actlab.lab.sweep as sweep_mod

        def poll(_seconds):  # instead of waiting: the holder finishes its trial now
            with ResultStore(db) as other:
                other.put(_fake_result(trials[0]))

        monkeypatch.setattr(sweep_mod, "_sleep", poll)
        runner = FakeRunner()
        res = run_sweep(trials, store=db, runner=runner)
    finally:
        holder.stdin.close()
        holder.wait()
    assert runner.ran == [trials[1].key()]  # never the claimed one
    assert (res.n_done, res.n_run, res.n_by_others) == (2, 1, 1)


_RACE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from actlab.lab.runners import Runner
    from actlab.lab.sweep import make_grid, run_sweep
    from actlab.lab.train import TrialResult

    trials = make_grid(["relu", "tanh"], seeds=range(30), datasets=["spirals"], epochs=1)
    ran = []

    class Fake(Runner):
        name = "fake"

        def run(self, configs):
            for c in configs:
                ran.append(c.key())
                yield TrialResult(c, [1.0], [0.5], [0.5], [0.0], None, None, 0.5, 0.0, 0.0, [], False)
                if len(ran) == 1:
                    # hold here until the test says both processes have one trial done, so the
                    # two really run at the same time
                    print("first", flush=True)
                    sys.stdin.readline()

    s = run_sweep(trials, store=sys.argv[1], runner=Fake())
    print(json.dumps({"ran": ran, "n_done": s.n_done, "n_run": s.n_run, "n_by_others": s.n_by_others,
                      "n_skipped": s.n_skipped}), flush=True)
    """
)


def _readline(proc) -> str:
    box: list[str] = []
    t = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(HANG)  # hang guard only: the line comes as soon as the child gets there
    line = box[0] if box else ""
    if not line:
        proc.kill()
        raise AssertionError(f"no line from the child: {proc.stderr.read()}")
    return line


def test_two_processes_share_one_store_without_running_a_trial_twice(tmp_path):
    script = tmp_path / "race.py"
    script.write_text(_RACE_SCRIPT)
    db = str(tmp_path / "results.sqlite")
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), db],
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for p in procs:
            assert _readline(p).strip() == "first"
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = [json.loads(_readline(p)) for p in procs]
        for p in procs:
            p.wait(timeout=HANG)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(p.returncode == 0 for p in procs), [p.stderr.read() for p in procs]
    a, b = (set(o["ran"]) for o in outs)
    assert a and b, "both processes must have run trials"
    assert not (a & b), f"run twice: {sorted(a & b)}"
    assert len(a | b) == 60 and _rows(db) == 60  # nothing lost
    for o in outs:
        assert o["n_done"] == 60  # each returns every result, its own and the other's
        assert o["n_run"] + o["n_by_others"] + o["n_skipped"] == 60
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    c.close()


def test_two_compare_commands_on_one_out_share_the_trials(tmp_path):
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "actlab", "compare", "--activations", "relu,tanh", "--dataset", "spirals",
        "--seeds", "4", "--epochs", "10", "--workers", "1", "--out", str(out), "--quiet",
    ]  # fmt: skip
    procs = [
        subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        outs = [p.communicate(timeout=HANG) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    counts = []
    for p, (so, se) in zip(procs, outs):
        assert p.returncode == 0, se
        m = re.search(r"(\d+) run here, (\d+) read back from .*, (\d+) run by another process", so)
        assert m, so
        assert so.count("8 trials (2 activations x 4 seeds)") == 1
        counts.append(tuple(map(int, m.groups())))
    assert sum(c[0] for c in counts) == 8, counts  # every trial trained once, by one of the two
    assert all(sum(c) == 8 for c in counts)
    data = json.loads((out / "results.json").read_text())
    assert len(data["trials"]) == 8 and _rows(str(out / "results.sqlite")) == 8


def test_compare_cli_on_a_corrupt_store_says_how_to_go_on(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    db = out / "results.sqlite"
    db.write_text("overwritten by accident\n" * 50)
    args = ["compare", "--activations", "relu", "--dataset", "spirals", "--seeds", "1", "--epochs", "1",
            "--workers", "1", "--out", str(out), "--quiet"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "--fresh" in err and "Traceback" not in err
    assert err.count("actlab: error:") == 1
    # --fresh moves the bad file aside (nothing deleted) and starts a new store
    assert main(args + ["--fresh"]) == 0
    kept = [p for p in out.iterdir() if p.name.startswith("results.sqlite.old-")]
    assert len(kept) == 1 and kept[0].read_text().startswith("overwritten by accident")
    assert _rows(str(db)) == 1


def test_compare_cli_keeps_good_rows_when_one_is_malformed(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["compare", "--activations", "relu", "--dataset", "spirals", "--seeds", "3", "--epochs", "1",
            "--workers", "1", "--out", str(out), "--quiet"]  # fmt: skip
    assert main(args) == 0
    capsys.readouterr()
    db = str(out / "results.sqlite")
    with sqlite3.connect(db) as c:
        c.execute("UPDATE trials SET result='not json' WHERE rowid=(SELECT MIN(rowid) FROM trials)")
    c.close()
    assert main(args) == 0
    o, err = capsys.readouterr()
    assert "1 malformed row" in err and db in err and "Traceback" not in err
    assert "1 run here, 2 read back" in o
    assert _rows(db) == 3


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    import dask

    from actlab.lab.runners import DaskRunner, RunnerConnectionError

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    addr = f"tcp://127.0.0.1:{port}"
    with pytest.raises(RunnerConnectionError, match="cannot reach the dask scheduler") as e:
        DaskRunner(1, addr, timeout=0.5)
    assert addr in str(e.value)
    with pytest.raises(RunnerConnectionError, match="invalid address"):
        DaskRunner(1, "nonsense::", timeout=0.5)
    # through the command line: one line, no traceback
    with dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}):
        rc = main(["compare", "--activations", "relu", "--dataset", "spirals", "--seeds", "1", "--epochs",
                   "1", "--runner", "dask", "--address", addr, "--out", str(tmp_path / "o"),
                   "--quiet"])  # fmt: skip
    assert rc == 2
    err = capsys.readouterr().err
    assert addr in err and "Traceback" not in err
