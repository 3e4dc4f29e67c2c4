"""The command line and the generated docs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from actlab.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_list_table_and_json(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "mish" in out and "activation(s)" in out
    assert main(["list", "*relu*", "--format", "json", "--learnable"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["name"] for d in data} >= {"prelu", "srelu"} and all(d["learnable"] for d in data)


def test_show_lists_everything_a_user_needs(capsys):
    assert main(["show", "leaky_relu"]) == 0
    out = capsys.readouterr().out
    for needle in ("negative_slope = 0.01", "0.2", "0.3", "kinks:", "references:", "range", "init gain"):
        assert needle in out, needle
    assert main(["show", "sigmoid"]) == 0
    assert "f(4) = 0.982" in capsys.readouterr().out


def test_unknown_name_exit_code_and_message(capsys):
    assert main(["show", "sigmod"]) == 2
    assert "Did you mean: sigmoid" in capsys.readouterr().err


def test_plot_writes_png(tmp_path):
    out = tmp_path / "f.png"
    assert main(["plot", "relu", "mish", "softmax", "glu", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_check_passes_and_fails(capsys, scratch_spec):
    assert main(["check", "relu", "sigmoid", "--quick"]) == 0
    assert "2/2 activations verified" in capsys.readouterr().out
    import dataclasses

    import actlab

    broken = dataclasses.replace(
        actlab.spec("relu"),
        name="relu_broken_for_cli",
        aliases=(),
        derivative=lambda x, ops: ops.ones_like(x),
    )
    with scratch_spec(broken):
        assert main(["check", "relu_broken_for_cli", "--quick"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_python_dash_m():
    r = subprocess.run(
        [sys.executable, "-m", "actlab", "list", "sig*"], capture_output=True, text=True, check=True
    )
    assert "sigmoid" in r.stdout


def test_activations_md_is_up_to_date():
    from actlab.docs import activations_markdown
    from actlab.registry import all_specs

    path = ROOT / "docs" / "activations.md"
    assert path.read_text() == activations_markdown(all_specs()), (
        "docs/activations.md is stale; run `actlab docs -o docs/activations.md`"
    )


@pytest.mark.parametrize("cmd", [["plot", "relu", "--xmin", "3", "--xmax", "1", "-o", "x.png"]])
def test_bad_cli_arguments(cmd, capsys):
    assert main(cmd) == 2
    assert "xmin < xmax" in capsys.readouterr().err


def test_activation_parameters_are_read_as_their_declared_type():
    from actlab.lab.refs import ActivationRef as Ref
    from actlab.lab.refs import parse_ref_list

    assert parse_ref_list("gelu:approximate=tanh, relu:grad_at_zero=1 ,elu:alpha=0.5,tanh") == [
        Ref("gelu", {"approximate": "tanh"}),
        Ref("relu", {"grad_at_zero": 1.0}),
        Ref("elu", {"alpha": 0.5}),
        Ref("tanh"),
    ]
    assert parse_ref_list("rrelu:eval_slope=paper") == [Ref("rrelu", {"eval_slope": "paper"})]


@pytest.mark.parametrize(
    "value, needles",
    [
        ("elu:alpha=abc", ["alpha='abc'", "not a number"]),
        ("gelu:approximate=fast", ["approximate='fast'", "none", "tanh"]),
        ("relu:grad_at_zero=0.5", ["grad_at_zero='0.5'", "0.0", "1.0"]),
        ("elu:alhpa=1", ["alhpa", "alpha"]),
        ("elu:alpha", ["key=value"]),
        ("elu:alpha=-1", ["alpha", "bounds"]),
        ("", ["names no activation"]),
        (" , ", ["names no activation"]),
        ("relu,,tanh", ["no activation name"]),
        ("not_a_function", ["not_a_function"]),
    ],
)
def test_bad_activation_lists_are_one_clear_error(value, needles, tmp_path, capsys):
    rc = main(
        ["compare", "--activations", value, "--dataset", "spirals", "--out", str(tmp_path / "o"), "--quiet"]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err and err.startswith("actlab: error:")
    for n in needles:
        assert n in err, (n, err)
    assert not (tmp_path / "o").exists()  # rejected before anything was written
