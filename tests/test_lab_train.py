"""Models, inits, monitors, bootstrap statistics and training trials."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch import nn

import actlab.torch as at
from actlab.errors import ParameterError
from actlab.lab import models as M
from actlab.lab.monitors import ActivationMonitor
from actlab.lab.stats import bootstrap_ci, bootstrap_ratio_ci, coverage_note, curve_ci
from actlab.lab.train import _SGD, TrialConfig, TrialResult, _Adam, choose_lr, train_trial


# --------------------------------------------------------------------------- models and inits
def test_mlp_and_cnn_shapes_and_activation_modules():
    mlp = M.build_model("mlp", "elu", in_shape=(1, 8, 8), n_classes=10, width=32, depth=3)
    assert mlp(torch.randn(5, 1, 8, 8)).shape == (5, 10)
    acts = [m for m in mlp.modules() if isinstance(m, at.ActivationModule)]
    assert len(acts) == 3 and all(a.spec.name == "elu" for a in acts)
    assert len({id(a) for a in acts}) == 3
    cnn = M.build_model("cnn", ("leaky_relu", {"negative_slope": 0.2}), in_shape=(1, 28, 28), n_classes=10)
    assert cnn(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    weights = [m for m in cnn.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert [type(w).__name__ for w in weights] == ["Conv2d", "Conv2d", "Conv2d", "Linear"]  # 4 weight layers
    assert [w.out_channels for w in weights[:3]] == [32, 32, 64]
    small = M.build_model("cnn", "relu", in_shape=(1, 8, 8), n_classes=10, width=16)
    assert small(torch.randn(3, 1, 8, 8)).shape == (3, 10)


def test_learnable_activation_not_shared_between_layers():
    m = M.build_model("mlp", at.create("prelu"), in_shape=(4,), n_classes=2, width=8, depth=2)
    p = [a.weight for a in m.modules() if isinstance(a, at.ActivationModule)]
    assert len(p) == 2 and p[0] is not p[1]


def test_build_is_seeded_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a = M.build_model("mlp", "relu", in_shape=(10,), n_classes=3, seed=7)
    after = torch.rand(3)
    assert torch.equal(before, after)
    b = M.build_model("mlp", "relu", in_shape=(10,), n_classes=3, seed=7)
    c = M.build_model("mlp", "relu", in_shape=(10,), n_classes=3, seed=8)
    assert torch.equal(a.fc1.weight, b.fc1.weight) and not torch.equal(a.fc1.weight, c.fc1.weight)


@pytest.mark.parametrize(
    "init,act,expected_std",
    [
        ("he", "relu", lambda fi, fo: math.sqrt(2 / fi)),
        ("xavier", "tanh", lambda fi, fo: math.sqrt(2 / (fi + fo))),
        ("lecun", "selu", lambda fi, fo: math.sqrt(1 / fi)),
        # E[relu(z)^2] = 1/2 for z ~ N(0,1), so actlab's gain is sqrt(2): He's init
        ("actlab", "relu", lambda fi, fo: math.sqrt(2) / math.sqrt(fi)),
        # E[selu(z)^2] = 1 by construction of SELU's constants: LeCun's init
        ("actlab", "selu", lambda fi, fo: 1 / math.sqrt(fi)),
        # AlexNet's fixed std, whatever the fan-in
        ("normal0.01", "relu", lambda fi, fo: 0.01),
        ("alexnet", "relu", lambda fi, fo: 0.01),
    ],
)
def test_init_scales(init, act, expected_std):
    m = M.build_model("mlp", act, in_shape=(400,), n_classes=10, width=300, depth=1, init=init)
    w = m.fc1.weight
    fo, fi = w.shape
    assert abs(float(w.detach().std()) / expected_std(fi, fo) - 1) < 0.02
    assert float(m.fc1.bias.detach().abs().max()) == 0.0  # the first layer's biases: 0 in every init


def test_the_command_line_offers_every_init():
    import argparse

    from actlab import cli

    sub = next(a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction))
    init = next(a for a in sub.choices["compare"]._actions if a.dest == "init")
    assert tuple(init.choices) == M.INITS


def test_alexnet_init_sets_biases_of_one_after_the_first_layer():
    m = M.build_model("mlp", "relu", in_shape=(20,), n_classes=3, width=16, depth=3, init="alexnet")
    assert float(m.fc1.bias.abs().max()) == 0.0
    assert torch.equal(m.fc2.bias, torch.ones(16)) and torch.equal(m.fc3.bias, torch.ones(16))
    assert float(m.out.bias.abs().max()) == 0.0  # the classifier's: 0
    c = M.build_model("cnn", "relu", in_shape=(1, 8, 8), n_classes=3, width=16, init="alexnet")
    assert float(c.conv1.bias.abs().max()) == 0.0 and torch.equal(c.conv2.bias, torch.ones(4))
    assert abs(float(c.conv3.weight.std()) / 0.01 - 1) < 0.15 and float(c.out.bias.abs().max()) == 0.0


def test_init_errors():
    with pytest.raises(ParameterError, match="valid: default, he"):
        M.build_model("mlp", "relu", in_shape=(4,), n_classes=2, init="kaiming")
    with pytest.raises(ParameterError, match="not a catalog activation"):
        M.build_model("mlp", nn.ReLU, in_shape=(4,), n_classes=2, init="actlab")
    with pytest.raises(ParameterError, match="valid: mlp, cnn"):
        M.build_model("rnn", "relu", in_shape=(4,), n_classes=2)
    with pytest.raises(ParameterError, match=r"\(C, H, W\)"):
        M.build_model("cnn", "relu", in_shape=(64,), n_classes=2)
    with pytest.raises(ParameterError, match="factory"):
        M.make_activation(lambda: 3)


# --------------------------------------------------------------------------- monitors
def _mlp(act="relu", width=64):
    return M.build_model("mlp", act, in_shape=(20,), n_classes=3, width=width, depth=2, seed=0)


def test_monitor_detects_dead_layer():
    m = _mlp("relu")
    with torch.no_grad():
        m.fc1.bias.fill_(-100.0)  # every pre-activation of layer 1 is about -100: all units dead
    x = torch.randn(512, 20)
    with ActivationMonitor(m) as mon:
        m(x)
    s = {layer.name: layer for layer in mon.summary()}
    assert s["act1"].dead_fraction == 1.0 and s["act1"].mean == 0.0
    # layer 2 sees only zeros + its own bias: a unit is alive iff its bias is positive
    alive = int((m.fc2.bias > 0).sum())
    assert s["act2"].dead_fraction == pytest.approx(1 - alive / 64)
    assert s["act1"].n_units == 64 and s["act1"].n_samples == 512
    dead, sat = mon.totals()
    assert sat >= dead > 0.5


def test_monitor_healthy_layer_and_epochs():
    m = _mlp("relu")
    with ActivationMonitor(m) as mon:
        m(torch.randn(256, 20))
        assert mon.summary()[0].dead_fraction < 0.2
        mon.start_epoch()
        assert mon.summary() == []
    # hooks are gone after the context
    assert all(len(x._forward_hooks) == 0 for x in m.modules())


def test_monitor_detects_saturated_sigmoid():
    m = _mlp("sigmoid")
    with torch.no_grad():
        m.fc1.bias.fill_(20.0)  # sigmoid'(~20) ~ 2e-9: saturated, yet not dead (f != 0)
        m.fc1.weight.mul_(0.01)
    with ActivationMonitor(m, threshold=0.01) as mon:
        m(torch.randn(300, 20))
    s = {layer.name: layer for layer in mon.summary()}
    assert s["act1"].saturated_fraction == 1.0 and s["act1"].dead_fraction == 0.0
    assert s["act1"].mean == pytest.approx(1.0, abs=1e-6)
    assert s["act2"].saturated_fraction < 0.5


def test_monitor_moments_of_relu_under_standard_normal():
    # closed forms for z ~ N(0,1): E[relu z] = 1/sqrt(2 pi), Var = 1/2 - 1/(2 pi)
    m = nn.Sequential(at.create("relu"))
    g = torch.Generator().manual_seed(0)
    with ActivationMonitor(m) as mon:
        for _ in range(4):
            m(torch.randn(50_000, 1, generator=g, dtype=torch.float64))
    (s,) = mon.summary()
    assert s.mean == pytest.approx(1 / math.sqrt(2 * math.pi), abs=3e-3)
    assert s.var == pytest.approx(0.5 - 1 / (2 * math.pi), abs=3e-3)
    assert s.n_samples == 200_000 and s.dead_fraction == 0.0


def test_monitor_torch_native_inplace_and_conv():
    # torch's own nn.ReLU(inplace=True): the input is overwritten, the monitor must still see x
    m = nn.Sequential(nn.Linear(5, 8), nn.ReLU(inplace=True))
    with torch.no_grad():
        m[0].bias.copy_(torch.tensor([-50.0] * 4 + [50.0] * 4))
    with ActivationMonitor(m) as mon:
        m(torch.randn(100, 5))
    assert mon.summary()[0].dead_fraction == 0.5
    conv = nn.Sequential(nn.Conv2d(1, 6, 3), at.create("relu"))
    with torch.no_grad():
        conv[0].bias.copy_(torch.tensor([-100.0, 0, 0, 0, 0, 0]))
    with ActivationMonitor(conv) as mon:
        conv(torch.randn(4, 1, 6, 6))
    (s,) = mon.summary()
    assert s.n_units == 6 and s.dead_fraction == pytest.approx(1 / 6)
    with pytest.raises(ParameterError, match="no elementwise activation"):
        ActivationMonitor(nn.Linear(2, 2))


def _naive_unit_stats(x, threshold):
    """Per-unit statistics of relu on pre-activations ``x`` (samples x units), written out in
    numpy: active (f != 0 and f' != 0 on some sample), some x >= 0, count of |f'| < threshold."""
    x = np.asarray(x, dtype=np.float64)
    y = np.maximum(x, 0.0)
    y[np.isnan(x)] = np.nan
    d = (x > 0).astype(np.float64)
    d[np.isnan(x)] = np.nan
    active = ((y != 0) & (d != 0)).any(axis=0)
    nonneg = (x >= 0).any(axis=0)
    below = (np.abs(d) < threshold).sum(axis=0)
    return active, nonneg, below


@pytest.mark.parametrize("poison", [None, "nan", "inf"])
@pytest.mark.parametrize("conv", [False, True])
def test_monitor_unit_statistics_match_a_plain_reference(poison, conv):
    # the float-arithmetic path (all finite) and the masked path (a NaN or inf somewhere) both
    # give the per-unit tests of their definition, dense and conv alike
    g = torch.Generator().manual_seed(3)
    if conv:
        x = torch.randn(7, 5, 3, 3, generator=g)
        x[:, 1] = -1.0 - x[:, 1].abs()  # unit 1: negative everywhere (dead)
        x[:, 2] = 0.0  # unit 2: exactly 0 everywhere: f = 0, not negative
        flat = x.movedim(1, -1).reshape(-1, 5)
    else:
        x = torch.randn(40, 5, generator=g)
        x[:, 1] = -1.0 - x[:, 1].abs()
        x[:, 2] = 0.0
        flat = x
    if poison is not None:
        v = math.nan if poison == "nan" else math.inf
        if conv:
            x[0, 3, 0, 0] = v
        else:
            x[0, 3] = v
        flat = x.movedim(1, -1).reshape(-1, 5) if conv else x
    m = nn.Sequential(at.create("relu"))
    with ActivationMonitor(m, threshold=0.5, share=0.5) as mon:
        m(x)
    (s,) = mon.summary()
    active, nonneg, below = _naive_unit_stats(flat.numpy(), 0.5)
    assert mon.unit_dead()["0"].tolist() == (~active).tolist()
    assert s.dead_fraction == pytest.approx(float((~active).mean()))
    assert s.negative_fraction == pytest.approx(float((~nonneg).mean()))
    sat = below > 0.5 * flat.shape[0]
    assert s.saturated_fraction == pytest.approx(float(sat.mean()))
    assert s.n_samples == x.shape[0]
    if poison is None:
        y = np.maximum(flat.numpy().astype(np.float64), 0.0)
        assert s.mean == pytest.approx(y.mean(), rel=1e-12)
        assert s.var == pytest.approx(y.var(), rel=1e-9)
        assert s.unit_means == pytest.approx(y.mean(axis=0).tolist(), rel=1e-12)


# --------------------------------------------------------------------------- bootstrap
def _coverage(n, method, reps=400, n_boot=2000):
    rng = np.random.default_rng(1234 + n)
    hit = 0
    for r in range(reps):
        x = rng.normal(3.0, 2.0, size=n)
        _, lo, hi = bootstrap_ci(x, n_boot=n_boot, seed=r, method=method)
        hit += lo <= 3.0 <= hi
    return hit / reps


def test_bootstrap_coverage_near_nominal():
    # 400 repeats: the binomial sd of a 95% coverage is 0.011; the band is ~3 sd wide
    cov = _coverage(12, "expanded")
    assert 0.915 <= cov <= 0.985, cov


def test_plain_percentile_undercovers_at_small_n():
    # the reason for the expanded default: at n = 5 the plain interval is clearly too narrow
    plain, expanded = _coverage(5, "percentile"), _coverage(5, "expanded")
    assert plain < 0.88 and expanded > plain + 0.04, (plain, expanded)


def test_bootstrap_edge_cases():
    est, lo, hi = bootstrap_ci([2.0, 2.0, 2.0, 2.0])
    assert (est, lo, hi) == (2.0, 2.0, 2.0)
    est, lo, hi = bootstrap_ci([5.0, float("nan")])
    assert est == 5.0 and math.isnan(lo) and math.isnan(hi)
    assert all(math.isnan(v) for v in bootstrap_ci([]))
    est, lo, hi = bootstrap_ci([1, 2, 3, 4, 10], stat=np.median)
    assert est == 3 and lo <= 3 <= hi
    with pytest.raises(ParameterError, match="level"):
        bootstrap_ci([1, 2], level=95)
    assert "75%" in coverage_note(3) and "92%" in coverage_note(5) and "Hesterberg" in coverage_note(12)


def test_ratio_ci():
    b = np.array([3.0, 4.0, 5.0, 6.0, 7.0])
    est, lo, hi = bootstrap_ratio_ci(2 * b, b, paired=True)
    assert est == pytest.approx(2.0) and lo == pytest.approx(2.0) and hi == pytest.approx(2.0)
    rng = np.random.default_rng(0)
    a = rng.normal(30, 3, size=8)
    c = rng.normal(5, 0.5, size=8)
    est, lo, hi = bootstrap_ratio_ci(a, c)
    assert lo < a.mean() / c.mean() < hi and lo > 4 and hi < 8
    with pytest.raises(ParameterError, match="equal length"):
        bootstrap_ratio_ci([1, 2], [1], paired=True)


def test_curve_ci_ragged():
    est, lo, hi = curve_ci([[1.0, 2.0, 3.0], [3.0, 4.0], [2.0, 3.0, 5.0]], n_boot=500)
    assert est.tolist() == [2.0, 3.0, 4.0]
    assert lo[0] <= 2.0 <= hi[0] and lo[2] <= 4 <= hi[2]


# --------------------------------------------------------------------------- optimizers
def _grads_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2))


@pytest.mark.parametrize("kind", ["sgd", "sgd_momentum", "adam"])
def test_own_optimizers_match_torch_optim(kind):
    a, b = _grads_model(), _grads_model()
    if kind == "adam":
        ours, ref = _Adam(a.parameters(), 0.01), torch.optim.Adam(b.parameters(), lr=0.01)
    else:
        mom = 0.9 if kind == "sgd_momentum" else 0.0
        ours, ref = _SGD(a.parameters(), 0.1, mom), torch.optim.SGD(b.parameters(), lr=0.1, momentum=mom)
    x = torch.randn(16, 6, generator=torch.Generator().manual_seed(1))
    for _ in range(4):
        for model, opt in ((a, ours), (b, ref)):
            opt.zero_grad()
            model(x).square().mean().backward()
            opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------- trials
def _cfg(**kw):
    base = dict(activation="relu", dataset="spirals", n_train=256, n_test=128, epochs=4, lr=0.1, momentum=0.9)
    base.update(kw)
    return TrialConfig(**base)


def test_training_is_deterministic_per_seed():
    threads = torch.get_num_threads()
    a = train_trial(_cfg(seed=3, target_error=0.5))
    b = train_trial(_cfg(seed=3, target_error=0.5))
    c = train_trial(_cfg(seed=4, target_error=0.5))
    assert torch.get_num_threads() == threads  # restored after the trial
    assert a.train_loss == b.train_loss and a.test_accuracy == b.test_accuracy
    assert a.layer_stats == b.layer_stats
    assert a.train_loss != c.train_loss
    assert len(a.train_loss) == len(a.epoch_seconds) == 4 and not a.diverged
    # epochs-to-target is the first epoch at or below the target, by the test's own reading
    first = next((i + 1 for i, e in enumerate(a.train_error) if e <= 0.5), None)
    assert a.epochs_to_target == first
    if first is not None:
        assert a.seconds_to_target == pytest.approx(sum(a.epoch_seconds[:first]))


def test_trial_learns_and_roundtrips():
    r = train_trial(_cfg(activation="tanh", dataset="digits", n_train=None, n_test=None, epochs=3, lr=0.05))
    assert r.final_test_accuracy > 0.85  # chance is 0.1
    assert r.train_loss[-1] < r.train_loss[0]
    assert 0 <= r.dead_fraction <= r.saturated_fraction <= 1
    assert [s["name"] for s in r.layer_stats] == ["act1", "act2"]
    back = TrialResult.from_dict(r.to_dict())
    assert back == r
    assert TrialConfig.from_dict(r.config.to_dict()).key() == r.config.key()


def test_divergence_is_reported_not_hidden():
    r = train_trial(_cfg(lr=1e3, epochs=5))
    assert r.diverged and len(r.train_loss) < 5 and not math.isfinite(r.train_loss[-1])
    assert math.isnan(r.dead_fraction) and r.layer_stats == []


def test_config_validation():
    with pytest.raises(ParameterError, match="lr"):
        _cfg(lr=-1)
    with pytest.raises(ParameterError, match="optimizer"):
        _cfg(optimizer="lbfgs")
    with pytest.raises(ParameterError, match="target_error"):
        _cfg(target_error=5)
    assert _cfg().key() != _cfg(seed=1).key() and _cfg().key() == _cfg().key()


def test_choose_lr_picks_the_rate_that_trains():
    cfg = _cfg(epochs=8, momentum=0.0)
    ch = choose_lr(cfg, [1e-4, 0.3], probe_epochs=3)
    assert ch.lr == 0.3 and ch.scores[0.3] < ch.scores[1e-4]
    assert ch.probe_seed not in (cfg.seed,) and ch.probe_epochs == 3
    diverging = choose_lr(cfg, [0.3, 1e3], probe_epochs=2)
    assert diverging.lr == 0.3 and diverging.scores[1e3] == math.inf
    with pytest.raises(ParameterError, match="target_error"):
        choose_lr(cfg, [0.1], rule="epochs_to_target")


# --------------------------------------------------------------------------- monitor at init and every epoch
def test_unit_fates_from_masks():
    from actlab.lab.train import unit_fates

    f, t = False, True
    masks = [  # 5 units; checkpoints: init, epoch 1, epoch 2 (end)
        {"a": np.array([t, t, f, f, f]), "b": np.array([f])},
        {"a": np.array([t, f, t, t, f]), "b": np.array([f])},
        {"a": np.array([t, f, t, f, f]), "b": np.array([t])},
    ]
    got = unit_fates(masks)
    # unit 0 born dead (dead at init and end); units 2 and "b" died; unit 1 (dead at init) and
    # unit 3 (dead at epoch 1) recovered; unit 4 never dead
    assert got == {
        "n_units": 6, "checkpoints": 3, "dead_at_init": 2, "dead_at_end": 3,
        "born_dead": 1, "died": 2, "recovered": 2,
    }  # fmt: skip
    assert got["born_dead"] + got["died"] == got["dead_at_end"]
    assert unit_fates(masks[:1]) == {}


def _half_dead_at_init(monkeypatch):
    import actlab.lab.train as T

    build = T.build_model

    def build_half_dead(*a, **kw):
        m = build(*a, **kw)
        with torch.no_grad():
            m.fc1.bias[:32] = -100.0  # these units are negative on every input: dead from the start
        return m

    monkeypatch.setattr(T, "build_model", build_half_dead)


def test_monitor_runs_at_init_and_every_epoch_and_tells_born_dead_from_died(monkeypatch):
    _half_dead_at_init(monkeypatch)
    r = train_trial(_cfg(width=64, epochs=3, lr=0.01, momentum=0.0))
    assert [row["epoch"] for row in r.monitor_curve] == [0, 1, 2, 3]
    first = r.monitor_curve[0]
    assert [x["name"] for x in first["layers"]] == ["act1", "act2"]
    assert first["layers"][0]["dead_fraction"] >= 0.5 and first["layers"][0]["negative_fraction"] >= 0.5
    assert all(math.isfinite(x["mean"]) for row in r.monitor_curve for x in row["layers"])
    f = r.unit_fates
    assert f["n_units"] == 128 and f["checkpoints"] == 4
    # plain SGD gives a dead unit no gradient: the 32 stay dead, counted as born dead, not died
    assert f["born_dead"] >= 32 and r.born_dead_fraction >= 0.25
    assert f["died"] < 32 and f["born_dead"] + f["died"] == f["dead_at_end"]
    assert r.dead_at_init_fraction >= 0.25


def test_units_that_die_in_training_are_counted_as_died():
    # Adam at a high rate on a 3 x 64 ReLU net (digits): units alive at init die (deterministic per seed)
    r = train_trial(
        TrialConfig("relu", dataset="digits", epochs=3, optimizer="adam", lr=0.03, depth=3, width=64, seed=1)
    )
    assert r.died_fraction > 0.1 > r.born_dead_fraction
    assert r.monitor_curve[-1]["dead_fraction"] > r.monitor_curve[0]["dead_fraction"] + 0.1


def test_the_epoch_monitor_does_not_change_training(monkeypatch):
    import actlab.lab.train as T

    a = train_trial(_cfg(seed=2))
    monkeypatch.setattr(T, "_checkpoint", lambda *args: ({}, {}))
    b = train_trial(_cfg(seed=2))
    assert a.train_loss == b.train_loss and a.test_accuracy == b.test_accuracy
    assert a.layer_stats == b.layer_stats


def test_monitor_settings_configurable_and_old_results_read_back():
    from actlab.lab.sweep import _result_from_json

    # at their defaults the monitor fields leave the key (old stores keep their keys)
    assert _cfg(monitor_threshold=0.01, monitor_share=0.99).key() == _cfg().key()
    assert _cfg(monitor_threshold=0.1).key() != _cfg().key()
    with pytest.raises(ParameterError, match="monitor_share"):
        _cfg(monitor_share=1.0)
    with pytest.raises(ParameterError, match="monitor_threshold"):
        _cfg(monitor_threshold=-1)
    # a looser saturation threshold can only count more units saturated
    lo = train_trial(_cfg(activation="sigmoid", epochs=1))
    hi = train_trial(_cfg(activation="sigmoid", epochs=1, monitor_threshold=0.3, monitor_share=0.5))
    assert hi.monitor_curve[0]["saturated_fraction"] >= lo.monitor_curve[0]["saturated_fraction"]
    assert hi.saturated_fraction > lo.saturated_fraction
    # a row stored before the fields existed: empty curve and fates, NaN shares
    d = lo.to_dict()
    del d["monitor_curve"], d["unit_fates"]
    old = _result_from_json(json.dumps(d, allow_nan=True).replace("NaN", "null"))
    assert old.monitor_curve == [] and old.unit_fates == {}
    assert math.isnan(old.born_dead_fraction) and math.isnan(old.died_fraction)
    assert math.isnan(old.recovered_fraction)
    # a null in a stored curve reads back as NaN
    d = lo.to_dict()
    d["monitor_curve"][0]["layers"][0]["mean"] = None
    back = _result_from_json(json.dumps(d))
    assert math.isnan(back.monitor_curve[0]["layers"][0]["mean"])
    assert back.unit_fates == lo.unit_fates


def test_resnet_has_batch_norm_residual_blocks_and_a_hidden_dense_layer():
    from torch import nn

    from actlab.lab.monitors import activation_modules

    m = M.build_model("resnet", "relu", in_shape=(1, 8, 8), n_classes=10, width=64, depth=2, seed=0)
    assert sum(isinstance(x, nn.BatchNorm2d) for x in m.modules()) == 1 + 2 * 2
    assert isinstance(m.fc, nn.Linear) and m.fc.out_features == 64 and m.out.in_features == 64
    # the stem's, two per block and the dense layer's: every one found by the monitors
    assert [n for n, _ in activation_modules(m)] == [
        "act1", "block1.act1", "block1.act2", "block2.act1", "block2.act2", "act_fc",
    ]  # fmt: skip
    m.eval()
    x = torch.randn(5, 1, 8, 8)
    assert m(x).shape == (5, 10)
    # the shortcut is the identity: with the block's second BN scaled to 0, a block is act(x)
    blk = m.block1
    with torch.no_grad():
        blk.bn2.weight.zero_()
        blk.bn2.bias.zero_()
    h = torch.randn(3, 8, 4, 4)
    assert torch.equal(blk(h), torch.relu(h))
    with pytest.raises(ParameterError, match="ResNet takes images"):
        M.build_model("resnet", "relu", in_shape=(64,), n_classes=10)


def test_resnet_trains_through_train_trial():
    r = train_trial(
        TrialConfig(
            activation="relu", model="resnet", width=32, depth=1, epochs=3, lr=0.05, momentum=0.9, seed=0
        )
    )
    # it learns: the loss falls well below chance's ln 10 = 2.30, test accuracy well above 0.1
    assert not r.diverged and r.train_loss[-1] < 0.7 * r.train_loss[0] and r.final_test_accuracy > 0.25
    assert r.layer_stats and len(r.layer_stats) == 4  # stem, the block's two, the dense layer


def test_full_pass_checks_give_epochs_to_target_at_sub_epoch_resolution():
    from actlab.lab.data import load_dataset
    from actlab.lab.train import _evaluate

    base = dict(activation="tanh", dataset="digits", epochs=4, lr=0.05, momentum=0.9, seed=1, monitor=False)
    target = 0.15
    d = load_dataset("digits")
    xtr, ytr = torch.from_numpy(d.x_train), torch.from_numpy(d.y_train)
    seen: list[float] = []  # an independent full pass after every epoch, through the public callback
    r0 = train_trial(
        TrialConfig(**base, target_error=target),
        on_epoch=lambda epoch, model: seen.append(1.0 - _evaluate(model, xtr, ytr)),
    )
    first = next(e for e, err in enumerate(seen) if e > 0 and err <= target)
    # one check per epoch: the full pass at each epoch's end
    r1 = train_trial(TrialConfig(**base, target_error=target, target_checks=1))
    assert r1.epochs_to_target == first
    # four per epoch: a quarter-epoch step, in (first - 1, first]
    r4 = train_trial(TrialConfig(**base, target_error=target, target_checks=4))
    assert first - 1 < r4.epochs_to_target <= first and (4 * r4.epochs_to_target) % 1 == 0
    assert r4.seconds_to_target > 0
    # the checks change nothing in the training itself
    assert r4.train_loss == r0.train_loss == r1.train_loss
    # the running error (the default) counts whole epochs
    assert r0.epochs_to_target == int(r0.epochs_to_target)
    with pytest.raises(ParameterError, match="give target_error too"):
        TrialConfig(activation="relu", target_checks=2)
    with pytest.raises(ParameterError, match="target_checks must be an integer >= 0"):
        TrialConfig(activation="relu", target_error=0.1, target_checks=-1)
    # the default keeps every stored trial's key; checks make another trial
    plain = TrialConfig(activation="relu", target_error=0.1)
    assert plain.key() != TrialConfig(activation="relu", target_error=0.1, target_checks=2).key()
    assert "target_checks" not in json.dumps(
        {k: v for k, v in plain.to_dict().items() if k != "target_checks"}
    )
