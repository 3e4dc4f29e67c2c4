"""The claims of the guides' statements (docs/guide-coverage.md rows 5, 6, 9, 16, 25, 30).

Each decision rule is driven to each verdict with synthetic per-seed numbers whose verdicts are
worked out by hand here (so a rule that could only say "held" is caught); the perceptron is
checked against what the convergence theorem and XOR's geometry say; each claim's quick run
returns a verdict with the fields the report needs.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from actlab.cli import main
from actlab.lab.claims import CLAIMS, VERDICTS, claim_module, is_map_claim, run_claims
from actlab.lab.claims.paired import decide_cells, own_stable_lr, paired_pvalues

NEW_MAPS = ("tanh_vs_sigmoid_speed", "elu_accuracy", "hidden_activation", "sigmoid_stalls")
NEW_PLAIN = ("step_perceptron", "step_multiclass")
NAN = math.nan


def test_new_claims_are_registered_with_rules():
    for key in NEW_MAPS + NEW_PLAIN:
        assert key in CLAIMS
        mod = claim_module(key)
        assert mod.KEY == key and mod.STATEMENT and mod.SOURCE
        assert "Decision rule (fixed before" in (mod.__doc__ or "")
    assert all(is_map_claim(k) for k in NEW_MAPS)
    assert not any(is_map_claim(k) for k in NEW_PLAIN)
    assert "Clevert" in claim_module("elu_accuracy").SOURCE


# ----------------------------------------------------------------------------- the paired test
def test_paired_pvalues_sides_and_edge_cases():
    # a clear positive effect: the claimed side rejects, the "below margin" side does not
    pc, ps = paired_pvalues([1.0, 1.2, 0.9, 1.1, 1.0], margin=0.1)
    assert pc < 0.001 and ps > 0.99
    # t = mean / (sd / sqrt(n)) for d = [1, 2, 3]: mean 2, sd 1 -> t = 2 sqrt(3) = 3.464, df 2 ->
    # one-sided p = 0.03709 (t table)
    pc, _ = paired_pvalues([1.0, 2.0, 3.0], margin=0.0)
    assert pc == pytest.approx(0.03709, abs=2e-4)
    # no spread: p 0 on the side the mean lies strictly on, 1 on the other
    assert paired_pvalues([0.0, 0.0, 0.0, 0.0], margin=1.0) == (1.0, 0.0)
    assert paired_pvalues([2.0, 2.0, 2.0], margin=1.0) == (0.0, 1.0)
    # fewer than 3 finite pairs: no test
    pc, ps = paired_pvalues([1.0, NAN, 2.0], margin=0.1)
    assert math.isnan(pc) and math.isnan(ps)


def test_decide_cells_gives_each_verdict_and_holm_matters():
    strong = [1.0, 1.1, 0.9, 1.05, 0.95]
    zero = [0.001, -0.001, 0.0, 0.0005, -0.0005]
    noisy = [1.0, -1.0, 0.5, -0.4, 0.2]
    out = decide_cells([[strong], [zero], [noisy], [[1.0, NAN, NAN, NAN, NAN]]], margin=0.1)
    assert [c["verdict"] for c in out] == ["held", "not held", "inconclusive", "inconclusive"]
    # d = [1, 2, 3]: raw p 0.037 < 0.05 holds alone, but not when Holm counts four comparisons
    weak = [1.0, 2.0, 3.0]
    assert decide_cells([[weak]], margin=0.0)[0]["verdict"] == "held"
    four = decide_cells([[weak], [weak], [weak], [weak]], margin=0.0)
    assert [c["verdict"] for c in four] == ["inconclusive"] * 4
    assert four[0]["p_claimed"][0] == pytest.approx(4 * 0.03709, abs=1e-3)
    # a cell with two comparisons is held only when both are
    both = decide_cells([[strong, strong], [strong, noisy], [strong, zero]], margin=0.1)
    assert [c["verdict"] for c in both] == ["held", "inconclusive", "not held"]


def test_own_stable_rate_falls_back_to_the_lowest_loss():
    ln10 = math.log(10)
    assert own_stable_lr([(0.01, 2.0), (0.1, 1.5), (1.0, math.inf)]) == (0.1, True)
    assert own_stable_lr([(0.01, ln10 + 0.01), (0.1, ln10 + 0.002), (1.0, ln10 + 0.5)]) == (0.1, False)
    lr, below = own_stable_lr([(0.01, math.inf), (0.1, math.nan)])
    assert math.isnan(lr) and below is False


# ----------------------------------------------------------------------------- each map rule
def test_tanh_vs_sigmoid_rule_universal():
    decide = claim_module("tanh_vs_sigmoid_speed").decide
    faster = [0.5, 0.6, 0.55, 0.52, 0.58]  # sigmoid's loss area higher by ~0.55 nats
    same = [0.0, 0.001, -0.001, 0.0005, -0.0005]
    assert decide([faster, faster]) == "held"
    assert decide([faster, same]) == "held in part"
    assert decide([same, same]) == "refuted"
    assert decide([[0.3, -0.2, 0.1, -0.1, 0.05], same]) == "refuted"  # one cell not held suffices
    assert decide([[0.3, -0.2, 0.1, -0.1, 0.05]]) == "inconclusive"


def test_elu_accuracy_rule_existential():
    decide = claim_module("elu_accuracy").decide
    better = [0.02, 0.025, 0.018, 0.03, 0.022]
    worse = [-0.02, -0.025, -0.018, -0.03, -0.022]
    noisy = [0.01, -0.01, 0.02, -0.015, 0.0]
    assert decide([worse, better]) == "held"  # one cell is enough for "can obtain"
    assert decide([worse, worse]) == "refuted"
    assert decide([worse, noisy]) == "inconclusive"
    assert decide([better, worse], in_scope=[False, True]) == "held in part"


def test_hidden_activation_rule_needs_both_comparisons():
    decide = claim_module("hidden_activation").decide
    big = [0.05, 0.06, 0.055, 0.05, 0.065]
    tie = [0.0, 0.001, -0.001, 0.0, 0.0]
    assert decide([[big, big], [big, big]]) == "held"
    assert decide([[big, big], [big, tie]]) == "held in part"
    assert decide([[big, tie], [big, tie]]) == "refuted"  # tanh as good as ReLU everywhere
    assert decide([[big, [0.05, -0.05, 0.02, -0.03, 0.01]]]) == "inconclusive"


def test_sigmoid_stalls_definition_and_rule():
    mod = claim_module("sigmoid_stalls")
    # losses 2.30 -> 2.29 (-0.4%: stalled, error 0.9) -> 1.5 (-34%) -> 1.49 (-0.7%, but error 0.1 <= 0.2:
    # learnt, not stalled) -> 1.6 (a rise, error 0.3: stalled)
    loss = [2.30, 2.29, 1.5, 1.49, 1.6]
    err = [0.9, 0.9, 0.4, 0.1, 0.3]
    assert mod.stalled_epochs(loss, err) == 2
    assert mod.stalled_epochs([2.3], [0.9]) == 0
    assert mod.stalled_epochs([2.3, 2.3, 2.3, 2.3], [0.9] * 4) == 3  # refuses to learn from the start
    decide = mod.decide
    assert decide([[0, 0, 0, 0, 0], [4, 5, 4, 3, 5]]) == "held"
    assert decide([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]) == "refuted"  # never more stalls than ReLU
    assert decide([[2, -2, 1, -1, 0]]) == "inconclusive"


# ----------------------------------------------------------------------------- the step function
def test_perceptron_converges_on_separable_data_and_not_on_xor():
    mod = claim_module("step_perceptron")
    x, y = mod.separable_set(seed=3, n=200, dim=5)
    r = mod.perceptron(x, y, epochs=100, seed=0)
    assert r["converged_epoch"] is not None and r["train_error"][-1] == 0.0
    # the weights separate the set: every prediction right, checked here with numpy only
    pred = (np.hstack([x, np.ones((len(x), 1))]) @ r["W"])[:, 0] > 0
    assert np.array_equal(pred, y.astype(bool))
    xx, yy = mod.xor_set()
    rx = mod.perceptron(xx, yy, epochs=100, seed=0)
    assert rx["converged_epoch"] is None and len(rx["train_error"]) == 100
    assert min(rx["train_error"]) >= 0.25  # no line gets all four XOR points right
    assert mod.hand_set_xor() == 1.0
    hidden, out = mod.hidden_step_gradient(seed=0)
    assert hidden == 0.0 and out > 0.0


def test_step_perceptron_rule():
    decide = claim_module("step_perceptron").decide
    ok = {"a": [True] * 5, "b": [True] * 5}
    never = {"xor": [False] * 5}
    assert decide(ok, never, [0.0] * 5) == "held"
    assert decide({"a": [True, False, False, False, True]}, never, [0.0]) == "not held"
    assert decide(ok, {"xor": [False, True]}, [0.0]) == "not held"
    assert decide(ok, never, [0.0, 1e-3]) == "not held"
    assert decide({"a": [True, True, True, True, False]}, never, [0.0]) == "inconclusive"


def test_step_multiclass_readout_and_rule():
    mod = claim_module("step_multiclass")
    # 3 classes, 2 features + bias: unit k fires when feature pattern k is present
    w = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [-0.5, -0.5, 0.0]])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    y = np.array([0, 1, 2, 1])
    e = mod.evaluate(w, x, y)
    # sample 0: unit 0 fires alone, right; 1: unit 1 alone, right; 2: none fires (0, 0, 0): wrong and
    # ambiguous; 3: unit 0 fires alone, wrong
    assert e["step_accuracy"] == 0.5 and e["ambiguous"] == 0.25
    # pre-activations: [0.5, -1.5, 0], [-1.5, 0.5, 0], [-0.5, -0.5, 0], [1.5, -2.5, 0] -> argmax 0, 1, 2, 0
    assert e["argmax_accuracy"] == 0.75
    assert mod.decide((0.2, 0.15, 0.3)) == "held"
    assert mod.decide((0.85, 0.8, 0.9)) == "not held"
    assert mod.decide((0.5, 0.4, 0.6)) == "inconclusive"


# ----------------------------------------------------------------------------- quick runs
@pytest.mark.parametrize("key", NEW_MAPS)
def test_quick_map_claim_reports(key):
    (r,) = run_claims([key], quick=True, overrides={"seeds": 3, "epochs": 2, "width": [32]})
    assert r.verdict in VERDICTS and r.quick and r.dataset == "digits"
    assert r.rule.startswith("Per cell") and r.grid and r.scope and r.details
    assert r.table and r.table["rows"] and len(r.table["rows"][0]) == len(r.table["columns"])
    assert all(
        row[r.table["columns"].index("cell")] in ("held", "not held", "inconclusive")
        for row in r.table["rows"]
    )
    assert r.ci and all(lo <= hi for _, lo, hi in r.ci.values() if not (math.isnan(lo) or math.isnan(hi)))
    assert r.figures and r.indicative  # 3 seeds: labelled indicative
    json.dumps(r.to_dict(), allow_nan=False)


@pytest.mark.parametrize("key", NEW_PLAIN)
def test_quick_step_claims_report(key):
    (r,) = run_claims([key], quick=True)
    assert r.verdict in ("held", "not held", "inconclusive") and r.quick
    assert r.rule and r.setting and r.details and r.ci and len(r.seeds) == 5
    json.dumps(r.to_dict(), allow_nan=False)


def test_cli_overrides_reach_a_guide_map(tmp_path, capsys):
    args = ["claims", "hidden_activation", "--quick", "--optimizer", "adam", "--depth", "1,2", "--seeds", "3",
            "--epochs", "1", "--width", "16", "--out", str(tmp_path), "--quiet"]  # fmt: skip
    assert main(args) == 0
    data = json.loads((tmp_path / "results.json").read_text())
    (c,) = data["claims"]
    assert c["key"] == "hidden_activation"
    assert [(row[0], row[1]) for row in c["table"]["rows"]] == [("adam", 1), ("adam", 2)]
    assert "hidden_activation" in capsys.readouterr().out
