"""``actlab compare``: the three output files, escaping, numbers that match the trials, real data."""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from actlab.cli import main
from actlab.lab.compare import compare
from actlab.lab.compare_report import write_compare_report
from actlab.lab.report import esc, html_page, table_html

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def _strict_json(path: Path):
    def bad(c):
        raise AssertionError(f"non-standard JSON constant {c} in {path}")

    return json.loads(path.read_text(), parse_constant=bad)


def test_compare_cli_writes_three_files_with_escaped_text(tmp_path, monkeypatch, capsys):
    # the command line is shown in the report: make it carry markup that must not survive
    evil = "<script>alert(1)</script>"
    monkeypatch.setattr(sys, "argv", ["actlab", "compare", "--note", evil])
    out = tmp_path / "o"
    rc = main(
        [
            "compare",
            "--activations",
            "relu,tanh,elu:alpha=0.5",
            "--dataset",
            "spirals",
            "--seeds",
            "2",
            "--epochs",
            "3",
            "--workers",
            "1",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert rc == 0
    text = capsys.readouterr().out
    assert "elu(alpha=0.5)" in text and "wrote" in text
    html = (out / "report.html").read_text()
    assert evil not in html and esc(evil) in html
    assert html.count("<script") == 0  # self-contained, no scripts at all
    assert html.count("data:image/png;base64,") == 5  # f/f', curves, accuracy, epochs-to-target, dead units
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    data = _strict_json(out / "results.json")
    meta = data["meta"]
    assert meta["packages"]["torch"] and meta["torch_threads_per_trial"] == 1
    assert meta["seeds"] == [0, 1] and meta["wall_seconds"] > 0
    assert len(data["trials"]) == 6 and len(data["summaries"]) == 3
    rows = [r for r in (out / "results.csv").read_text().splitlines()]
    assert rows[0].startswith("activation,")  # a plain CSV: the header comes first
    about = (out / "results.csv.about.txt").read_text().splitlines()
    assert any(r.startswith("packages:") and "torch" in r for r in about)
    assert any(r.startswith("seeds: [0, 1]") for r in about)
    assert any(r.startswith("wall_seconds:") for r in about)
    assert any(r.startswith("torch_threads_per_trial: 1") for r in about)
    table = list(csv.DictReader(rows))
    assert len(table) == 6 and {r["activation"] for r in table} == {"relu", "tanh", "elu"}
    # the summary's estimate is the mean of the per-trial values, recomputed here from the CSV
    for s in data["summaries"]:
        vals = [float(r["final_test_accuracy"]) for r in table if r["activation"] == s["activation"]]
        assert s["final_test_accuracy"][0] == pytest.approx(np.mean(vals))
        lo, hi = s["final_test_accuracy"][1:]
        assert min(vals) - 1e-12 <= lo <= hi <= max(vals) + 1e-12


def test_compare_resumes_from_its_store(tmp_path):
    db = tmp_path / "r.sqlite"
    kw = dict(dataset="spirals", seeds=2, epochs=2, workers=1, store=db)
    a = compare(["relu", "tanh"], **kw)
    b = compare(["relu", "tanh", "sigmoid"], **kw)
    assert a.n_done == 4 and b.n_done == 6
    assert [r.train_loss for r in b.results[:4]] == [r.train_loss for r in a.results]
    assert b.summaries[0].label == "relu" and len(b.summaries) == 3


def test_lr_grid_choice_is_reported(tmp_path):
    res = compare(
        ["relu", "tanh"],
        dataset="spirals",
        seeds=2,
        epochs=4,
        lr_grid=[1e-4, 0.3],
        probe_epochs=2,
        workers=1,
        momentum=0.0,
    )
    chosen = {c.activation: c.lr for c in res.lr_choices}
    assert chosen == {"relu": 0.3, "tanh": 0.3}
    assert all(s.lr == 0.3 for s in res.summaries)
    assert res.n_trials == 2 * 2 + 2 * 2 and res.settings["lr_grid"] == [1e-4, 0.3]
    paths = write_compare_report(res, tmp_path)
    assert "Learning-rate choice" in paths["html"].read_text()


def test_compare_errors(tmp_path, capsys):
    assert main(["compare", "--activations", "relu,not_a_function", "--out", str(tmp_path), "--quiet"]) == 2
    assert "not_a_function" in capsys.readouterr().err
    assert main(["compare", "--activations", "softmax", "--out", str(tmp_path), "--quiet"]) == 2
    assert "elementwise" in capsys.readouterr().err
    assert main(["compare", "--lr-grid", "0.1,x", "--out", str(tmp_path), "--quiet"]) == 2


def test_html_helpers_escape_everything():
    t = table_html(["<a>", "b"], [["<b>x</b>", 1.5], ["&", math.nan]], caption="<i>")
    assert "<b>x</b>" not in t and "&lt;b&gt;x&lt;/b&gt;" in t and "&amp;" in t and "&lt;i&gt;" in t
    page = html_page("<title>", [("<h>", "<p>ok</p>")], {"k": "<v>"})
    assert "<title><title>" not in page and "&lt;title&gt;" in page and "&lt;v&gt;" in page
    assert "<p>ok</p>" in page  # section bodies are the caller's HTML


def test_compare_on_real_fashion_mnist(tmp_path):
    if not FASHION_DIR.is_dir():
        if os.environ.get("ACTLAB_REQUIRE_DATA"):
            pytest.fail(
                f"{FASHION_DIR} missing but ACTLAB_REQUIRE_DATA is set: apt-get install dataset-fashion-mnist"
            )
        pytest.skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    res = compare(
        ["relu", "tanh"],
        dataset="fashion-mnist",
        seeds=1,
        epochs=2,
        n_train=1000,
        n_test=500,
        width=64,
        workers=1,
    )
    assert res.dataset_source == str(FASHION_DIR)
    for s in res.summaries:
        # chance is 10%; a 2x64 MLP on 1000 real images gets well above it in 2 epochs
        assert s.final_test_accuracy[0] > 0.6, s
    paths = write_compare_report(res, tmp_path)
    assert "fashion-mnist" in paths["html"].read_text()


# --------------------------------------------------------------------------- faults
_TINY_CLI = ["--dataset", "spirals", "--seeds", "2", "--epochs", "2", "--workers", "1", "--quiet"]


def test_every_trial_diverging_still_writes_a_report_that_says_so(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["compare", "--activations", "relu,elu", "--lr", "1e6", "--out", str(out), *_TINY_CLI]) == 0
    text = capsys.readouterr().out
    assert "4 of 4 trials diverged" in text and "lower --lr" in text
    data = _strict_json(out / "results.json")
    assert len(data["trials"]) == 4 and all(t["diverged"] for t in data["trials"])
    html = (out / "report.html").read_text()
    assert "Every trial diverged" in html
    assert html.count("data:image/png;base64,") == 5  # every plot drawn, none crashed on NaN
    assert (out / "results.csv").is_file()


@pytest.mark.parametrize("how", ["chmod", "EROFS", "ENOSPC"])
def test_unwritable_out_dir_is_reported_before_training(tmp_path, monkeypatch, capsys, how):
    import errno
    import tempfile

    import actlab.lab.compare as compare_mod

    out = tmp_path / "ro" / "o"
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only directories; the EROFS case covers it")
        out.parent.mkdir()
        out.parent.chmod(0o500)
    else:
        code = getattr(errno, how)

        def refuse(*a, **k):
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)

    def no_training(*a, **k):
        raise AssertionError("training started before the output directory was checked")

    monkeypatch.setattr(compare_mod, "compare", no_training)
    try:
        rc = main(["compare", "--activations", "relu", "--out", str(out), *_TINY_CLI])
    finally:
        if how == "chmod":
            out.parent.chmod(0o700)
    err = capsys.readouterr().err
    assert rc == 2 and str(out) in err and "Traceback" not in err
    assert ("full" if how == "ENOSPC" else "read-only") in err


def test_full_disk_while_writing_the_report_names_the_file(tmp_path, monkeypatch):
    import errno
    import io

    from actlab.lab.report import OutputError

    res = compare(["relu"], dataset="spirals", seeds=1, epochs=1, workers=1)

    class Full(io.StringIO):
        def write(self, s):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd, *a, **k):
        os.close(fd)
        return Full()

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(OutputError, match="full") as e:
        write_compare_report(res, tmp_path)
    monkeypatch.undo()
    assert str(tmp_path / "report.html") in str(e.value)
    assert list(tmp_path.iterdir()) == []  # no half-written temporaries left to fill the disk


def test_string_parameters_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "o"
    acts = "gelu:approximate=tanh,relu:grad_at_zero=1,elu:alpha=0.5"
    assert main(["compare", "--activations", acts, "--out", str(out), *_TINY_CLI]) == 0
    assert "gelu(approximate=tanh)" in capsys.readouterr().out
    params = {
        (t["config"]["activation"], json.dumps(t["config"]["params"]))
        for t in _strict_json(out / "results.json")["trials"]
    }
    assert params == {
        ("gelu", '{"approximate": "tanh"}'),
        ("relu", '{"grad_at_zero": 1.0}'),
        ("elu", '{"alpha": 0.5}'),
    }


def test_bad_parameters_in_the_api_fail_before_training(monkeypatch):
    import actlab.lab.compare as compare_mod
    from actlab.errors import ParameterError

    def no_training(*a, **k):
        raise AssertionError("training started with a bad parameter")

    monkeypatch.setattr(compare_mod, "run_sweep", no_training)
    with pytest.raises(ParameterError, match="approximate"):
        compare([("gelu", {"approximate": "fast"})], dataset="spirals", seeds=1, epochs=1, workers=1)


def test_findings_name_what_is_beyond_noise_with_the_test_used():
    from types import SimpleNamespace as NS

    from actlab.lab.compare_report import findings

    acc = {
        "a": [0.90, 0.91, 0.92, 0.93, 0.94],
        "b": [0.85, 0.859, 0.871, 0.88, 0.89],  # 0.05 lower on every seed (+-0.001)
        "c": [0.89, 0.92, 0.90, 0.95, 0.94],  # up and down: no consistent difference
    }
    results = [
        NS(
            config=NS(seed=k, activation=n, params={}, memory="default"),
            diverged=False,
            final_test_accuracy=v,
        )
        for n, vs in acc.items()
        for k, v in enumerate(vs)
    ]

    def summary(n, dead=0.0, reached=5):
        m = float(np.mean(acc[n]))
        return NS(
            label=n, activation=n, params={}, memory="default", final_test_accuracy=(m, m, m),
            n_reached_target=reached, epochs_to_target=(3.0, 3.0, 3.0) if reached else (math.nan,) * 3,
            dead_fraction=(dead, dead, dead),
        )  # fmt: skip

    res = NS(summaries=[summary("a"), summary("b", reached=0), summary("c", dead=0.2)], results=results,
             config=NS(n_test=400))  # fmt: skip
    text = " ".join(findings(res))
    assert "Best final test accuracy: a, 92.0%" in text
    assert (
        "Lower than a beyond noise (paired t-test over shared seeds, Holm-corrected over 2 comparisons"
        in text
    )
    assert "b (5.0 points lower, about 20 of 400 test images" in text
    assert "Not distinguishable from a with these seeds: c." in text
    assert "not reached by b" in text and "c 20.0%" in text


def test_compare_target_checks_reach_the_trials_and_the_report(tmp_path):
    from actlab.lab.compare import compare
    from actlab.lab.compare_report import write_compare_report

    res = compare(["tanh"], seeds=3, epochs=3, lr=0.05, target_error=0.3, target_checks=2, workers=1)
    assert res.settings["target_checks"] == 2
    per_trial = [r.epochs_to_target for r in res.results]
    assert per_trial and all(e is not None and (2 * e) % 1 == 0 for e in per_trial)
    assert any(e != int(e) for e in per_trial) or all(e <= 1 for e in per_trial)
    write_compare_report(res, tmp_path)
    assert (
        "the first of 2 full passes over the training set per epoch" in (tmp_path / "report.html").read_text()
    )
