"""A user's mistake or a closed pipe never ends in a traceback; plot takes parameters and never
overwrites silently."""

from __future__ import annotations

import subprocess
import sys

import pytest

from actlab import __version__
from actlab.cli import main

BAD = [
    ["list", "--family", "rectifer"],
    ["list", "--format", "xml"],
    ["show", "nope"],
    ["show", "relu", "--bogus"],
    ["check", "nope"],
    ["check", "--max-failures", "-1", "relu"],
    ["plot", "relu", "--xmin", "3", "--xmax", "1"],
    ["plot", "elu:alpha=abc"],
    ["plot", "elu:alpha=-1"],
    ["plot", "relu", "-o", "x.txt"],
    ["plot", "nope"],
    ["bench", "nope"],
    ["bench", "--numel", "0"],
    ["bench", "--numel", "lots"],
    ["bench", "--repeats", "0"],
    ["bench", "--threads", "0"],
    ["bench", "relu", "--format", "xml"],
    ["docs", "-o", "/proc/actlab-test/x.md"],
    ["docs", "--check", "-o", "/nonexistent/x.md"],
    ["compare", "--seeds", "0"],
    ["compare", "--epochs", "-1"],
    ["compare", "--lr", "-1"],
    ["compare", "--momentum", "-1"],
    ["compare", "--dataset", "nope"],
    ["compare", "--activations", ""],
    ["compare", "--activations", "elu:alpha=abc"],
    ["compare", "--memory", "9bit"],
    ["claims", "--only", "nope"],
]


@pytest.mark.parametrize("argv", BAD, ids=lambda a: " ".join(a))
def test_bad_values_give_one_error_line_and_no_traceback(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        rc = main([*argv, *(["--out", str(tmp_path / "out")] if argv[0] in ("compare", "claims") else [])])
    except SystemExit as e:  # argparse's usage errors
        rc = e.code
    err = capsys.readouterr().err
    assert rc not in (0, None), argv
    assert err.strip() and "Traceback" not in err, err
    assert len(err.strip().splitlines()[-1]) > 10  # a message, not a bare exit
    assert not (tmp_path / "out" / "results.sqlite").exists()  # refused before any training


def test_no_arguments_prints_the_help_and_version_works(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "usage: actlab" in out and "compare" in out and "plot" in out
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"actlab {__version__}"


@pytest.mark.parametrize("argv", [["list"], ["show", "relu", "gelu"], ["check", "--quick", "relu", "elu"]])
def test_a_closed_pipe_is_not_an_error(argv):
    code = "import sys; from actlab.cli import main; sys.exit(main(sys.argv[1:]))"
    p = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdout.readline()  # like `| head -1`: read one line, then go away
        p.stdout.close()
        err = p.stderr.read().decode()
        rc = p.wait(timeout=600)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert rc == 0


def test_plot_takes_parameters_names_its_file_and_never_overwrites_silently(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["plot", "relu", "elu:alpha=0.5"]) == 0
    made = tmp_path / "relu-elu_alpha=0.5.png"
    assert made.exists() and made.read_bytes()[:4] == b"\x89PNG"
    assert str(made.name) in capsys.readouterr().out
    # a second run with the default name refuses; an explicit -o is an explicit overwrite
    before = made.stat().st_mtime_ns
    assert main(["plot", "relu", "elu:alpha=0.5"]) == 2
    assert "exists" in capsys.readouterr().err and made.stat().st_mtime_ns == before
    assert main(["plot", "relu", "elu:alpha=0.5", "-o", str(made)]) == 0
    assert main(["plot", "silu", "swish", "-o", str(tmp_path / "s.svg")]) == 0
    svg = (tmp_path / "s.svg").read_text()
    assert "same curves as SiLU" in svg  # swish at beta = 1 lies on SiLU: the legend says so


def test_a_single_activation_compare_prints_an_aligned_table(tmp_path, capsys):
    args = ["compare", "--activations", "elu", "--dataset", "spirals", "--seeds", "1", "--epochs", "1",
            "--workers", "1", "--out", str(tmp_path / "o"), "--quiet"]  # fmt: skip
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    head = next(ln for ln in lines if ln.startswith("activation"))
    row = next(ln for ln in lines if ln.startswith("elu "))
    # the lr column ends at the same place in the header and the row
    assert row.index("0.05") + len("0.05") == head.index("lr") + len("lr")
    assert "1 trial (1 activation x 1 seed)" in "\n".join(lines)
