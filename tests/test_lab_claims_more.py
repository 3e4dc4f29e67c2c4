"""The claims of guide-coverage rows 11, 21 and 23, and what they measure with.

sigmoid_centring (sigmoid vs its zero-centred twin sigmoid - 1/2), born_dead (a unit dead at
initialisation is never adjusted) and leaky_recovery (leaky units stuck negative recover, ReLU
ones do not): each decision rule is driven to each verdict with synthetic counts or per-seed
numbers whose verdicts are worked out by hand here. The unit tracker is checked on hand-built
networks whose units' fates are known, the shifted activation against the bias it is equivalent
to, and the three claims run end to end on a tiny grid sharing one store.
"""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pytest
import torch
from torch import nn

import actlab.torch as at
from actlab.errors import ParameterError
from actlab.lab.claims import CLAIMS, VERDICTS, claim_module, is_map_claim, run_claims
from actlab.lab.claims.maps import share_cells
from actlab.lab.data import load_dataset
from actlab.lab.models import ShiftedActivation, build_model
from actlab.lab.stats import newcombe_ci, two_proportion_p
from actlab.lab.train import TrialConfig, train_trial
from actlab.lab.units import UnitTracker, track_totals

NEW = ("sigmoid_centring", "born_dead", "leaky_recovery")


def test_the_three_claims_are_registered_maps_with_rules():
    for key in NEW:
        assert key in CLAIMS and is_map_claim(key)
        mod = claim_module(key)
        assert mod.KEY == key and mod.STATEMENT and mod.SOURCE
        assert "Decision rule (fixed before" in (mod.__doc__ or "")
    assert "003" in claim_module("leaky_recovery").SOURCE and "001" in claim_module("born_dead").SOURCE


# ----------------------------------------------------------------------------- statistics
def test_two_proportion_test_by_hand():
    # 30/50 vs 20/50: pooled 0.5, se = sqrt(0.25 * (2 / 50)) = 0.1, z = 0.2 / 0.1 = 2 -> P(Z > 2) = 0.02275
    assert two_proportion_p(30, 50, 20, 50) == pytest.approx(0.02275, abs=1e-5)
    assert two_proportion_p(20, 50, 30, 50) == pytest.approx(1 - 0.02275, abs=1e-5)
    assert math.isnan(two_proportion_p(0, 10, 0, 10))  # no variance
    assert math.isnan(two_proportion_p(0, 0, 1, 10))
    with pytest.raises(ParameterError, match="cannot exceed"):
        two_proportion_p(11, 10, 1, 10)


def test_newcombe_interval_matches_the_paper():
    # Newcombe (1998), Stat Med 17:873, example (a): 56/70 - 48/80 = 0.2, method 10: [0.0524, 0.3339]
    d, lo, hi = newcombe_ci(56, 70, 48, 80)
    assert d == pytest.approx(0.2, abs=1e-12)
    assert lo == pytest.approx(0.0524, abs=1e-4) and hi == pytest.approx(0.3339, abs=1e-4)
    # example (e): 0/10 - 0/20: [-0.1611, 0.2775]
    d, lo, hi = newcombe_ci(0, 10, 0, 20)
    assert d == 0.0 and lo == pytest.approx(-0.1611, abs=1e-4) and hi == pytest.approx(0.2775, abs=1e-4)
    assert all(math.isnan(v) for v in newcombe_ci(0, 0, 1, 2))


# ----------------------------------------------------------------------------- born_dead's rule
def _bd(k, n, above, ok=5, seeds=5):
    return {"k": k, "n": n, "seeds": seeds, "seeds_ok": ok, "seeds_above": above}


def test_share_cells_directions_majority_and_minimum():
    # 2/400: Wilson upper 0.018 < 0.05 -> below; 200/400 with 4 of 5 seeds above -> above;
    # 25/400 (6.25%): one-sided p 0.13, Wilson upper 0.091 -> unclear;
    # 200/400 carried by 2 of 5 seeds -> unclear
    out = share_cells([_bd(2, 400, 0), _bd(200, 400, 4), _bd(25, 400, 2), _bd(200, 400, 2)], 0.05)
    assert [v for v, _ in out] == ["below", "above", "unclear", "unclear"]
    # fewer units than min_n, or more than half of the seeds unusable: unclear, no test counted
    out = share_cells([_bd(0, 5, 0), _bd(200, 400, 2, ok=2)], 0.05, min_n=10)
    assert [v for v, _ in out] == ["unclear", "unclear"] and all(math.isnan(p) for _, p in out)


def test_share_cells_holm_counts_every_usable_cell():
    # 28/400 = 7%: z = 0.02 / sqrt(0.05 * 0.95 / 400) = 1.835, p = 0.0332 < 0.05 alone;
    # x3 cells by Holm: 0.0997
    one = share_cells([_bd(28, 400, 5)], 0.05)
    assert one[0][0] == "above" and one[0][1] == pytest.approx(0.0332, abs=5e-4)
    three = share_cells([_bd(28, 400, 5)] * 3, 0.05)
    assert [v for v, _ in three] == ["unclear"] * 3 and three[0][1] == pytest.approx(0.0997, abs=2e-3)


def test_born_dead_rule_universal_each_verdict():
    mod = claim_module("born_dead")
    never, often, unclear, few = _bd(2, 400, 0), _bd(200, 400, 4), _bd(25, 400, 2), _bd(1, 5, 0)
    assert [v for v, _ in mod.decide_cells([never, often, unclear, few])] == [
        "held", "not held", "inconclusive", "inconclusive",
    ]  # fmt: skip
    assert mod.decide([never, never]) == "held"
    assert mod.decide([never, often]) == "held in part"
    assert mod.decide([often, unclear]) == "refuted"
    assert mod.decide([unclear, few]) == "inconclusive"


# ----------------------------------------------------------------------------- leaky_recovery's rule
def _lr(kl, nl, kr, nr, above, pairs=5, ok=5, seeds=5):
    return {"k_leaky": kl, "n_leaky": nl, "k_relu": kr, "n_relu": nr, "seeds": seeds, "seeds_ok": ok,
            "seed_pairs": pairs, "seeds_above": above}  # fmt: skip


def test_leaky_recovery_rule_existential_each_verdict():
    mod = claim_module("leaky_recovery")
    recovers = _lr(80, 100, 10, 100, 5)  # 0.8 vs 0.1: z = 9.9
    same = _lr(10, 1000, 10, 1000, 2)  # 0.01 both: Newcombe upper 0.0095 < 0.05
    few = _lr(4, 5, 0, 100, 5)  # 5 stuck leaky units: nothing to judge
    carried = _lr(80, 100, 10, 100, 1)  # pooled difference from one seed of five
    unclear = _lr(6, 100, 5, 100, 3)  # 0.06 vs 0.05: upper end about 0.075 > 0.05
    verdicts = [v for v, _ in mod.decide_cells([recovers, same, few, carried, unclear])]
    assert verdicts == ["held", "not held", "inconclusive", "inconclusive", "inconclusive"]
    assert mod.decide([same, recovers]) == "held"  # one cell is enough for "can recover"
    assert mod.decide([same, same]) == "refuted"
    assert mod.decide([same, unclear]) == "inconclusive"


# ----------------------------------------------------------------------------- sigmoid_centring's rule
def test_sigmoid_centring_rule_universal_each_verdict():
    decide = claim_module("sigmoid_centring").decide
    harder = [0.05, 0.06, 0.055, 0.052, 0.058]  # sigmoid's loss area higher by ~0.055 nats
    same = [0.0, 0.001, -0.001, 0.0005, -0.0005]
    noisy = [0.3, -0.2, 0.1, -0.1, 0.05]
    assert decide([harder, harder]) == "held"
    assert decide([harder, same]) == "held in part"
    assert decide([same, noisy]) == "refuted"
    assert decide([noisy]) == "inconclusive"


# ----------------------------------------------------------------------------- the shifted activation
def test_shifted_sigmoid_computes_what_a_shifted_bias_does():
    x = torch.randn(32, 5, generator=torch.Generator().manual_seed(0))
    plain = build_model("mlp", "sigmoid", in_shape=(5,), n_classes=3, width=8, depth=1, seed=4)
    shifted = build_model("mlp", "sigmoid", in_shape=(5,), n_classes=3, width=8, depth=1, seed=4, shift=0.5)
    assert isinstance(shifted.act1, ShiftedActivation) and shifted.act1.shift == 0.5
    # out = W (s(z) - 1/2) + b = W s(z) + (b - W 1 / 2): the same function with another output bias
    with torch.no_grad():
        plain.out.bias.sub_(0.5 * plain.out.weight.sum(dim=1))
        torch.testing.assert_close(shifted(x), plain(x), rtol=1e-6, atol=1e-6)
        h = shifted.act1(shifted.fc1(shifted.flatten(x)))
    assert float(h.min()) > -0.5 and float(h.max()) < 0.5  # sigmoid - 1/2 lies in (-1/2, 1/2)
    with pytest.raises(ParameterError, match="shift must be a finite number"):
        build_model("mlp", "sigmoid", in_shape=(5,), n_classes=3, shift=float("nan"))
    with pytest.raises(ParameterError, match="activation_shift must be a finite number"):
        TrialConfig(activation="sigmoid", activation_shift="half")


def test_new_trial_fields_leave_old_keys_alone():
    # a key written to a store before monitor, activation_shift and track_units existed
    cfg = TrialConfig(
        activation="relu", dataset="digits", depth=3, epochs=1, lr=0.0001, seed=10007, width=128
    )
    assert cfg.key() == "relu/digits/mlp/seed10007/lr0.0001/bd5e983803a83981"
    keys = {
        cfg.key(),
        TrialConfig(**{**cfg.to_dict(), "monitor": False}).key(),
        TrialConfig(**{**cfg.to_dict(), "activation_shift": 0.5}).key(),
        TrialConfig(**{**cfg.to_dict(), "track_units": True}).key(),
    }
    assert len(keys) == 4
    for field, bad in (("monitor", 1), ("track_units", "yes")):
        with pytest.raises(ParameterError, match=f"{field} must be True or False"):
            TrialConfig(activation="relu", **{field: bad})


# ----------------------------------------------------------------------------- train_trial
def test_train_trial_callback_return_model_and_no_monitor():
    data = load_dataset("spirals", n_train=128, n_test=64)
    cfg = TrialConfig(
        activation="relu", dataset="spirals", n_train=128, n_test=64, epochs=3, lr=0.1, width=16
    )
    seen = []

    def norm(m: nn.Module) -> float:
        return float(m.fc1.weight.detach().norm())

    res, model = train_trial(cfg, data, on_epoch=lambda e, m: seen.append((e, norm(m))), return_model=True)
    assert [e for e, _ in seen] == [0, 1, 2, 3] and len({b for _, b in seen}) == 4  # the weights moved
    assert isinstance(model, nn.Module) and norm(model) == seen[-1][1]
    plain = train_trial(cfg, data)
    assert plain.train_loss == res.train_loss  # the callback changed nothing
    quiet = train_trial(TrialConfig(**{**cfg.to_dict(), "monitor": False}), data)
    assert quiet.train_loss == res.train_loss
    assert quiet.monitor_curve == [] and quiet.unit_fates == {} and math.isnan(quiet.dead_fraction)
    with pytest.raises(ParameterError, match="on_epoch must be a callable"):
        train_trial(cfg, data, on_epoch=3)


# ----------------------------------------------------------------------------- the unit tracker
def _net(act: str) -> nn.Sequential:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        m = nn.Sequential(nn.Linear(4, 3), at.create(act), nn.Linear(3, 2))
    with torch.no_grad():
        m[0].weight.mul_(0.01)
        m[0].bias.copy_(torch.tensor([-100.0, 1.0, 1.0]))  # unit 0 negative on every input, 1 and 2 alive
    return m


def _steps(m: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, n: int = 5) -> None:
    m.train()
    for _ in range(n):
        opt.zero_grad()
        m(x).square().mean().backward()
        opt.step()


def test_tracker_born_dead_unit_gets_no_gradient_and_stays_put_under_sgd():
    x = torch.rand(64, 4, generator=torch.Generator().manual_seed(1))
    m = _net("relu")
    tr = UnitTracker(m, x)
    w0 = m[0].weight[0].clone()
    tr(0, m)
    _steps(m, torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9), x)
    tr(1, m)
    tr.close()
    (layer,) = tr.counts()["layers"]
    assert layer["n_units"] == 3 and layer["born_dead"] == 1 and layer["born_dead_adjusted"] == 0
    assert layer["born_dead_never_active"] == 1 and layer["grad_while_inactive"] == 0
    assert layer["changed_while_inactive"] == 0 and layer["dead_at_end"] == 1 and layer["died"] == 0
    assert layer["stuck"] == 1 and layer["recovered"] == 0 and layer["negative_at_init"] == 1
    assert torch.equal(m[0].weight[0], w0)
    assert all(len(mod._forward_hooks) == 0 for mod in m.modules())  # closed: hooks gone


def test_tracker_sees_weight_decay_move_a_unit_without_gradient():
    x = torch.rand(64, 4, generator=torch.Generator().manual_seed(1))
    m = _net("relu")
    tr = UnitTracker(m, x)
    tr(0, m)
    _steps(m, torch.optim.AdamW(m.parameters(), lr=0.01, weight_decay=0.01), x)
    tr(1, m)
    (layer,) = tr.counts()["layers"]
    assert layer["grad_while_inactive"] == 0  # still no gradient ...
    assert layer["changed_while_inactive"] == 1 and layer["born_dead_adjusted"] == 1  # ... yet it moved


def test_tracker_counts_a_gradient_that_bypasses_the_activation():
    # a loss on the weights themselves reaches the dead unit's row without passing its activation
    x = torch.rand(16, 4, generator=torch.Generator().manual_seed(2))
    m = _net("relu")
    tr = UnitTracker(m, x)
    tr(0, m)
    m.train()
    (m(x).sum() + m[0].weight.sum()).backward()
    tr(1, m)
    assert tr.counts()["layers"][0]["grad_while_inactive"] == 1


def test_tracker_revived_and_recovered_units():
    x = torch.rand(32, 4, generator=torch.Generator().manual_seed(3))
    for act, born in (("relu", 1), ("leaky_relu", 0)):  # a leaky unit is never dead (f' = 0.01)
        m = _net(act)
        tr = UnitTracker(m, x)
        tr(0, m)
        with torch.no_grad():
            m[0].bias[0] = 1.0  # revive unit 0 by hand between the two passes
        tr(1, m)
        (layer,) = tr.counts()["layers"]
        assert layer["born_dead"] == born and layer["born_dead_revived"] == born
        assert layer["stuck"] == 1 and layer["recovered"] == 1
        # changed with no training step at all: never active in training
        assert layer["changed_while_inactive"] == 1
    totals = track_totals(tr.counts())
    assert totals["n_units"] == 3 and totals["recovered"] == 1
    assert track_totals({}) == {}
    with pytest.raises(ParameterError, match="out of range"):
        track_totals(tr.counts(), layers=[3])


def test_tracker_errors_name_the_problem():
    with pytest.raises(ParameterError, match="no hidden activation"):
        UnitTracker(nn.Sequential(nn.Linear(2, 2)), torch.zeros(3, 2))
    with pytest.raises(ParameterError, match="has no Linear or Conv layer before it"):
        UnitTracker(nn.Sequential(at.create("relu"), nn.Linear(2, 2)), torch.zeros(3, 2))
    with pytest.raises(ParameterError, match="non-empty tensor"):
        UnitTracker(_net("relu"), np.zeros((3, 4)))


def test_track_units_in_a_trial_cnn_included():
    data = load_dataset("digits", n_train=200, n_test=50, flat=False)
    for model in ("mlp", "cnn"):
        cfg = TrialConfig(activation="relu", dataset="digits", n_train=200, n_test=50, epochs=2, model=model,
                          width=16, depth=3, lr=0.05, track_units=True)  # fmt: skip
        r = train_trial(cfg, data)
        tracks = r.unit_tracks
        assert tracks["checkpoints"] == 3 and len(tracks["layers"]) == 3
        t = track_totals(tracks)
        assert t["grad_while_inactive"] == 0 and t["changed_while_inactive"] == 0  # plain SGD
        assert t["born_dead_adjusted"] <= t["born_dead"] <= t["n_units"]
        # dead at the end = died + born dead and not alive at the end; the born-dead units alive at
        # the end are among the revived ones
        low = t["died"] + t["born_dead"] - t["born_dead_revived"]
        assert low <= t["dead_at_end"] <= t["died"] + t["born_dead"]
        json.dumps(r.to_dict(), allow_nan=False)


# ----------------------------------------------------------------------------- end to end
def test_the_three_claims_end_to_end_sharing_one_store(tmp_path):
    store = tmp_path / "claims.sqlite"
    ov = {"seeds": 3, "epochs": 2, "width": [16], "optimizer": ["adam"]}
    (bd,) = run_claims(["born_dead"], quick=True, overrides=ov, store=store)
    with sqlite3.connect(store) as con:
        before = con.execute("select count(*) from trials").fetchone()[0]
    results = run_claims(["leaky_recovery", "sigmoid_centring"], quick=True, overrides=ov, store=store)
    lk, sc = results
    with sqlite3.connect(store) as con:
        keys = [k for (k,) in con.execute("select key from trials")]
    # leaky_recovery trains leaky ReLU only: ReLU's probes and trials are born_dead's
    new_leaky = [k for k in keys if k.startswith("leaky_relu/") and "seed10007" not in k]
    assert len(new_leaky) == 3 and sum(k.startswith("relu/") for k in keys) == before
    for r in (bd, lk, sc):
        assert r.verdict in VERDICTS and r.quick and r.indicative and r.grid and r.details
        assert r.table and len(r.table["rows"][0]) == len(r.table["columns"])
        assert all(row[r.table["columns"].index("cell")] in ("held", "not held", "inconclusive")
                   for row in r.table["rows"])  # fmt: skip
        json.dumps(r.to_dict(), allow_nan=False)
    assert bd.numbers["grad_while_inactive"] == 0
    assert "sigmoid_centred" in " ".join(sc.table["columns"])
