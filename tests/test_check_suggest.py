"""``actlab check NAME --suggest``: the metadata measured from the reference and the forward, beside
what the spec declares. Expected values are the textbook ones, written here by hand."""

from __future__ import annotations

import dataclasses

import pytest

import actlab
from actlab.check import suggest
from actlab.cli import main
from actlab.spec import Interval

# name -> (range, derivative range, monotonic, approximates identity near 0)
KNOWN = {
    "relu": ("[0, inf)", "[0, 1]", "yes", "no"),
    "tanh": ("(-1, 1)", "(0, 1]", "yes", "yes"),
    "elu": ("(-1, inf)", "(0, 1]", "yes", "yes"),
    "sigmoid": ("(0, 1)", "(0, 0.25]", "yes", "no"),
    "hardtanh": ("[-1, 1]", "[0, 1]", "yes", "yes"),  # f(x) = x on [-1, 1]
    "sinusoid": ("[-1, 1]", "[-1, 1]", "no", "yes"),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_suggest_measures_the_textbook_properties(name):
    rng, drng, mono, ident = KNOWN[name]
    sg = suggest(actlab.spec(name))
    assert sg.row("range").measured == rng
    assert sg.row("derivative range").measured == drng
    assert sg.row("monotonic").measured == mono
    assert sg.row("approximates identity near 0").measured == ident
    assert sg.ok, [r for r in sg.rows if r.ok is False]


def test_suggest_rounds_an_interior_extremum_outward():
    # silu's minimum is -0.27846454 at x = -1.27846: shown to 3 decimals, rounded down
    r = suggest(actlab.spec("silu")).row("range")
    assert r.measured == "[-0.279, inf)" and r.ok


def test_suggest_reports_each_wrong_declaration(scratch_spec):
    wrong = dataclasses.replace(
        actlab.spec("elu"),
        name="wrongly_declared_elu",
        aliases=(),
        range=Interval(-0.5, float("inf")),
        derivative_range=Interval(0.0, 1.0, True, True),  # 0 is only approached, at -inf
        monotonic=False,
        approximates_identity=lambda p: False,
    )
    with scratch_spec(wrong):
        sg = suggest(wrong)
    assert not sg.ok
    assert {r.what for r in sg.rows if r.ok is False} == {
        "range",
        "derivative range",
        "monotonic",
        "approximates identity near 0",
    }, sg.rows
    assert "goes below the declared lower bound" in sg.row("range").why
    assert sg.row("derivative range").why == "lower end open"
    assert sg.row("range").measured == "(-1, inf)"


def test_suggest_flags_a_float32_error_over_the_budget(scratch_spec):
    # gelu's float32 error on the torch path is tens of ulp (docs/accuracy.md); a budget of 1 is too tight
    tight = dataclasses.replace(actlab.spec("gelu"), name="tight_gelu", aliases=(), float32_ulp=1)
    with scratch_spec(tight):
        row = suggest(tight).row("float32 error (torch)")
    assert row.ok is False and "float32_ulp=" in row.why, row


def test_cli_suggest_prints_declared_and_measured(capsys):
    assert main(["check", "relu", "tanh", "--suggest"]) == 0
    out = capsys.readouterr().out
    assert "relu(grad_at_zero=0.0): measured at default parameters" in out
    assert "declared: [0, inf)" in out and "measured: [0, inf)  ok" in out
    assert "measured: (-1, 1)  ok" in out  # tanh
    assert "DIFFERS" not in out


def test_cli_suggest_exits_1_on_a_mismatch(capsys, scratch_spec):
    wrong = dataclasses.replace(actlab.spec("relu"), name="not_monotonic_relu", aliases=(), monotonic=False)
    with scratch_spec(wrong):
        assert main(["check", "not_monotonic_relu", "--suggest"]) == 1
    out = capsys.readouterr().out
    assert "declared: no" in out and "measured: yes  DIFFERS: f never decreases" in out
