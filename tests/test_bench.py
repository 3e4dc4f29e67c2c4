"""``actlab bench`` measures what it says; the numbers themselves live in docs/benchmarks.md."""

from __future__ import annotations

import csv
import io
import json

import pytest

from actlab.cli import main


def test_bench_cli_json_has_every_column_and_consistent_ratios(capsys):
    assert (
        main(
            [
                "bench",
                "relu",
                "softsign",
                "--numel",
                "64K",
                "--repeats",
                "2",
                "--no-compile",
                "--format",
                "json",
                "--quiet",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["numel"] == 65536 and out["threads"] == 2 and out["roofline_gbps"] > 0
    rows = {r["name"]: r for r in out["rows"]}
    assert set(rows) == {"relu", "softsign"}
    assert set(rows["relu"]["train_ms"]) == {"actlab", "actlab lean", "torch", "naive"}
    # torch has no softsign kernel: the hand-written formula stands beside it
    assert set(rows["softsign"]["train_ms"]) == {"actlab", "naive", "textbook"}
    assert rows["relu"]["path"] == "torch kernel" and rows["softsign"]["path"] == "fused C (input)"
    for r in rows.values():
        assert all(v > 0 for v in r["train_ms"].values())
        assert all(v > 0 for v in r["forward_ms"].values())
    # saved bytes per element are measured, not assumed: relu's default path is torch's kernel,
    # which keeps its 4-byte output; the lean tier a packed 1-bit mask; softsign keeps its float32
    # input where the composite keeps several tensors
    assert rows["relu"]["saved_bytes_per_element"]["actlab"] == pytest.approx(4.0)
    assert rows["relu"]["saved_bytes_per_element"]["actlab lean"] == pytest.approx(0.125)
    assert rows["relu"]["saved_bytes_per_element"]["torch"] == pytest.approx(4.0)
    assert rows["softsign"]["saved_bytes_per_element"]["actlab"] == pytest.approx(4.0)
    assert rows["softsign"]["saved_bytes_per_element"]["naive"] > 8.0


def test_bench_csv_and_table(capsys, tmp_path):
    md = tmp_path / "b.md"
    assert (
        main(
            [
                "bench",
                "sigmoid",
                "--numel",
                "4096",
                "--repeats",
                "1",
                "--no-compile",
                "--format",
                "csv",
                "--quiet",
                "--markdown",
                str(md),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["impl"] for r in rows} == {"actlab", "torch", "naive"}
    text = md.read_text()
    assert "| sigmoid |" in text and "Command: `actlab bench" in text


def test_bench_errors(capsys):
    assert main(["bench", "relu", "--numel", "1000", "--no-compile"]) == 2
    assert "multiple of 2048" in capsys.readouterr().err
    assert main(["bench", "reluu", "--numel", "4096"]) == 2
    assert "relu" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["bench", "--numel", "lots"])


@pytest.mark.parametrize("name", sorted(__import__("actlab.torch.textbook", fromlist=["TEXTBOOK"]).TEXTBOOK))
def test_textbook_formulas_compute_the_function_they_stand_for(name):
    """The hand-written column is the same function (at ordinary inputs) as the spec."""
    import numpy as np
    import torch

    import actlab
    from actlab.torch.textbook import TEXTBOOK

    s = actlab.spec(name)
    d = s.defaults()
    x = torch.linspace(-3.7, 3.3, 64, dtype=torch.float64)
    if s.kind != "elementwise":
        x = x.reshape(4, 16)
    got = TEXTBOOK[name](x, **d).detach().numpy()
    want = actlab.get(name)(x.numpy())
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
