"""``actlab compare --memory``: the tier reaches every activation the lab builds, changes what is
saved for backward (and, for few-bit tiers, the gradient), is part of each trial's key, and is
shown in the report."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
import torch
from torch import nn

from actlab.cli import main
from actlab.errors import ParameterError
from actlab.fewbit import fewbit
from actlab.lab.compare import compare, stated_gradient_error
from actlab.lab.models import build_model, make_activation
from actlab.lab.sweep import ResultStore
from actlab.lab.train import TrialConfig, train_trial

TINY = dict(dataset="spirals", epochs=2, n_train=128, n_test=64, width=16, momentum=0.9)
_TINY_CLI = ["--dataset", "spirals", "--seeds", "1", "--epochs", "1", "--n-train", "128", "--n-test", "64",
             "--width", "16", "--workers", "1", "--quiet"]  # fmt: skip


def _acts(model: nn.Module) -> list[nn.Module]:
    return [m for n, m in model.named_children() if n.startswith("act")]


@pytest.mark.parametrize("kind,in_shape", [("mlp", (2,)), ("cnn", (1, 8, 8))])
def test_every_hidden_activation_gets_the_tier(kind, in_shape):
    model = build_model(kind, "gelu", in_shape=in_shape, n_classes=3, width=16, memory="3bit")
    acts = _acts(model)
    assert len(acts) >= 2 and all(m.memory == "3bit" for m in acts)
    # the default leaves the module on the process-wide tier, as before
    assert all(m.memory is None for m in _acts(build_model(kind, "gelu", in_shape=in_shape, n_classes=3)))
    # a module instance is copied with the tier set; the original is left alone
    proto = make_activation("silu")
    assert make_activation(proto, "2bit").memory == "2bit" and proto.memory is None


def test_non_catalog_activations_refuse_a_tier():
    with pytest.raises(ParameterError, match="actlab's activation modules"):
        make_activation(nn.GELU, "3bit")
    assert isinstance(make_activation(nn.GELU, "default"), nn.GELU)
    with pytest.raises(ParameterError, match="not one of"):
        make_activation("gelu", "5bit")


@pytest.mark.parametrize(
    "name,memory,expected",
    [
        ("gelu", "default", 4.0),  # torch's kernel keeps x (float32)
        ("gelu", "3bit", 0.375),
        ("gelu", "2bit", 0.25),
        ("tanh", "4bit", 0.5),
        ("relu", "3bit", 0.125),  # piecewise-linear: the exact 1-bit mask
        ("relu", "lean", 0.125),
    ],
)
def test_saved_bytes_per_element_are_measured_in_a_training_step(name, memory, expected):
    r = train_trial(TrialConfig(activation=name, memory=memory, seed=0, lr=0.05, **TINY))
    assert r.saved_bytes_per_element == pytest.approx(expected)


def test_few_bit_tiers_change_the_gradient_and_exact_ones_do_not():
    def losses(name, memory):
        return train_trial(TrialConfig(activation=name, memory=memory, seed=1, lr=0.05, **TINY)).train_loss

    exact = losses("gelu", "default")
    two = losses("gelu", "2bit")
    assert two != exact  # the approximate gradient moved the weights elsewhere
    assert two == pytest.approx(exact, rel=0.2)  # ... but it still trains
    # lean keeps relu's gradient exact: the same run to the last bit
    assert losses("relu", "lean") == losses("relu", "default")


def test_the_tier_is_part_of_the_trial_key():
    base = dict(activation="gelu", seed=0, lr=0.05, **TINY)
    keys = {t: TrialConfig(memory=t, **base).key() for t in ("default", "lean", "2bit", "3bit", "4bit")}
    assert len(set(keys.values())) == 5
    assert "/3bit/" in keys["3bit"] and "bit" not in keys["default"]
    # the default tier leaves the key as it was before the field existed: old stores resume
    d = TrialConfig(**base).to_dict()
    # fields added later, at their defaults
    for k in (
        "memory",
        "monitor_threshold",
        "monitor_share",
        "monitor",
        "activation_shift",
        "track_units",
        "target_checks",
    ):
        del d[k]
    h = hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]
    assert keys["default"].endswith("/" + h)
    with pytest.raises(ParameterError, match="memory tier"):
        TrialConfig(memory="5bit", **base)
    back = TrialConfig.from_dict(TrialConfig(memory="2bit", **base).to_dict())
    assert back.memory == "2bit" and back.key() == keys["2bit"]


def test_two_tiers_are_two_stored_trials_and_resume_separately(tmp_path):
    db = tmp_path / "r.sqlite"
    kw = dict(dataset="spirals", seeds=2, epochs=1, n_train=128, n_test=64, width=16, workers=1, store=db)
    both = compare(["gelu", "relu"], memory=["default", "3bit"], **kw)
    assert both.n_run == 8 and both.settings["memory"] == ["default", "3bit"]
    assert [s.label for s in both.summaries] == [
        "gelu [default]",
        "gelu [3bit]",
        "relu [default]",
        "relu [3bit]",
    ]
    with ResultStore(db) as st:
        rows = st.results()
    assert len(rows) == 8 and len({r.config.key() for r in rows}) == 8
    assert sorted({(r.config.activation, r.config.memory) for r in rows}) == [
        ("gelu", "3bit"), ("gelu", "default"), ("relu", "3bit"), ("relu", "default")
    ]  # fmt: skip
    by = {s.label: s for s in both.summaries}
    assert by["gelu [3bit]"].saved_bytes_per_element == pytest.approx(0.375)
    assert by["gelu [default]"].saved_bytes_per_element == pytest.approx(4.0)
    assert by["gelu [3bit]"].gradient_error == pytest.approx(fewbit("gelu", 3).relative_error)
    assert by["relu [3bit]"].gradient_error == 0.0 and by["gelu [default]"].gradient_error == 0.0
    # one tier alone: plain labels, every trial read back from the store, none run again
    one = compare(["gelu", "relu"], memory="3bit", **kw)
    assert one.n_run == 0 and one.n_from_store == 4
    assert [s.label for s in one.summaries] == ["gelu", "relu"] and all(
        s.memory == "3bit" for s in one.summaries
    )
    # a tier not run yet is new work
    four = compare(["gelu"], memory="4bit", **kw)
    assert four.n_run == 2 and four.n_from_store == 0


def test_stated_gradient_error():
    assert stated_gradient_error("gelu", {}, "2bit") == pytest.approx(fewbit("gelu", 2).relative_error)
    assert stated_gradient_error("gelu", {}, "default") == 0.0
    assert stated_gradient_error("gelu", {}, "lean") == 0.0
    assert stated_gradient_error("relu", {}, "2bit") == 0.0  # exact mask
    assert stated_gradient_error("prelu", {}, "2bit") == 0.0  # learnable: default path, exact


def test_cli_memory_grid_is_in_the_report(tmp_path, capsys):
    out = tmp_path / "o"
    rc = main(
        ["compare", "--activations", "tanh,relu", "--memory", "default,2bit", "--out", str(out), *_TINY_CLI]
    )
    assert rc == 0
    text = capsys.readouterr().out
    assert "tanh [2bit]" in text and "2 activations x 2 memory tiers x 1 seed)" in text
    assert f"{100 * fewbit('tanh', 2).relative_error:.1f}%" in text
    data = json.loads((out / "results.json").read_text())
    assert data["settings"]["memory"] == ["default", "2bit"]
    assert {t["config"]["memory"] for t in data["trials"]} == {"default", "2bit"}
    html = (out / "report.html").read_text()
    assert "Memory tiers compared" in html and "tanh [2bit]" in html and "saved bytes / element" in html
    rows = list(
        csv.DictReader(r for r in (out / "results.csv").read_text().splitlines() if not r.startswith("#"))
    )
    got = {(r["activation"], r["memory"]): float(r["saved_bytes_per_element"]) for r in rows}
    assert got == {
        ("tanh", "default"): 4.0,
        ("tanh", "2bit"): 0.25,
        ("relu", "default"): 4.0,
        ("relu", "2bit"): 0.125,
    }


@pytest.mark.parametrize("tiers,msg", [("5bit", "'5bit' is not a memory tier"), ("3bit,3bit", "twice"),
                                        ("default,", "'' is not a memory tier")])  # fmt: skip
def test_cli_bad_tier_is_a_clear_error_before_training(tmp_path, capsys, monkeypatch, tiers, msg):
    import actlab.lab.compare as compare_mod

    def no_training(*a, **k):
        raise AssertionError("training started with a bad --memory")

    monkeypatch.setattr(compare_mod, "compare", no_training)
    rc = main(
        ["compare", "--activations", "gelu", "--memory", tiers, "--out", str(tmp_path / "o"), *_TINY_CLI]
    )
    err = capsys.readouterr().err
    assert rc == 2 and msg in err
    if "twice" not in msg:
        assert "default, lean, 2bit, 3bit, 4bit" in err  # the valid ones, to pick from
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_api_bad_tiers():
    for bad, msg in (("5bit", "not one of"), ([], "no tier"), (["3bit", "3bit"], "twice")):
        with pytest.raises(ParameterError, match=msg):
            compare(["gelu"], memory=bad, dataset="spirals", seeds=1, epochs=1, workers=1)


def test_forward_is_the_same_at_every_tier():
    x = torch.randn(32, 2, generator=torch.Generator().manual_seed(0))
    outs = [build_model("mlp", "mish", in_shape=(2,), n_classes=3, width=16, memory=t)(x) for t in
            ("default", "2bit", "4bit")]  # fmt: skip
    for o in outs[1:]:
        torch.testing.assert_close(o, outs[0], rtol=0, atol=0)
