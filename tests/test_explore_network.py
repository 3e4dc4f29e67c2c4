"""The explorer's network data: the committed file's coverage, shape and freshness, and the physics
of small fresh computations (depth, training, frames)."""

from __future__ import annotations

import base64
import gzip
import json
import math

import numpy as np
import pytest

import actlab
from actlab.explore import network as nw
from actlab.lab.data import load_dataset

INITS = {"he", "xavier", "lecun", "actlab"}


@pytest.fixture(scope="module")
def committed():
    data = nw.load_network_data()
    assert data is not None, f"{nw.DATA_FILE} is missing; run python -m actlab.explore.network"
    return data


def _is_num_or_null(v):
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))


def test_committed_file_covers_the_catalog(committed):
    names = {s.name for s in actlab.registry.all_specs()}
    assert set(committed["functions"]) == names
    for name, entry in committed["functions"].items():
        kind = actlab.spec(name).kind
        if kind == "elementwise":
            # every elementwise function runs as a hidden layer; none may be skipped
            assert set(entry) == {"depth", "training", "spirals"}, name
        else:
            assert set(entry) == {"skipped"}, name
            assert isinstance(entry["skipped"], str) and kind in entry["skipped"], name


def test_committed_settings_are_the_generators_defaults(committed):
    # like the docs staleness tests: change a default and this fails until the file is regenerated
    assert committed["version"] == 1
    settings = dict(committed["settings"])
    assert isinstance(settings.pop("torch"), str)
    assert settings == nw.default_settings()


def test_committed_file_matches_the_schema(committed):
    s = committed["settings"]
    depth = s["depth"]["layers"]
    epochs = s["training"]["epochs"]
    n = s["spirals"]["grid"]
    frame_epochs = s["spirals"]["frame_epochs"]
    for name, entry in committed["functions"].items():
        if "skipped" in entry:
            continue
        assert set(entry["depth"]) == INITS, name
        for init, d in entry["depth"].items():
            assert d["layers"] == list(range(1, depth + 1)), (name, init)
            for key in ("signal_std", "grad_rms"):
                assert len(d[key]) == depth and all(_is_num_or_null(v) for v in d[key]), (name, init, key)
                assert all(v >= 0 for v in d[key] if v is not None), (name, init, key)
        t = entry["training"]
        assert t["epochs"] == list(range(epochs + 1)), name
        for key in ("train_acc", "test_acc", "dead_share", "saturated_share"):
            assert len(t[key]) == epochs + 1, (name, key)
            assert all(v is None or 0.0 <= v <= 1.0 for v in t[key]), (name, key)
            assert t[key][0] is not None, (name, key)  # epoch 0 (initialisation) is always measured
        sp = entry["spirals"]
        assert sp["n"] == n and sp["extent"] == s["spirals"]["extent"], name
        assert len(sp["frames"]) == len(sp["epochs"]) >= 1, name
        assert sp["epochs"] == frame_epochs[: len(sp["epochs"])], name
        for frame in sp["frames"]:
            assert len(base64.b64decode(frame, validate=True)) == n * n, name
        pts = sp["points"]
        assert len(pts["x"]) == len(pts["y"]) == len(pts["label"]) == s["spirals"]["points"], name
        assert set(pts["label"]) <= {0, 1}, name


def test_committed_file_is_strict_json_and_small():
    raw = gzip.decompress(nw.DATA_FILE.read_bytes()).decode("utf-8")
    # strict JSON (the explorer parses it in a browser): no NaN or Infinity tokens
    json.loads(raw, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c} in the data file"))
    assert nw.DATA_FILE.stat().st_size < 1_500_000


def test_frame_epochs_are_log_spaced_from_zero_to_the_last():
    e = nw.frame_epochs(100, 10)
    assert e[0] == 0 and e[-1] == 100 and e == sorted(set(e)) and 8 <= len(e) <= 11
    assert e[:4] == [0, 1, 2, 3]  # dense at the start, where a net changes most
    assert nw.frame_epochs(1, 10) == [0, 1]


def test_unknown_setting_is_refused():
    with pytest.raises(TypeError, match="depht"):
        nw.compute_network_data(["relu"], depht=3)


def test_load_returns_none_without_a_file(tmp_path):
    assert nw.load_network_data(tmp_path / "absent.json.gz") is None


@pytest.fixture(scope="module")
def shallow():
    # depth 20 on narrow layers and a single epoch: cheap, and enough for the depth physics
    return nw.compute_network_data(
        ["sigmoid", "relu", "binary_step", "glu"], depth=20, depth_width=128, depth_batch=128, epochs=1
    )["functions"]


def test_sigmoid_gradient_vanishes_with_depth_under_xavier(shallow):
    g = shallow["sigmoid"]["depth"]["xavier"]["grad_rms"]
    # sigmoid' <= 1/4: the gradient shrinks on its way down, layer by layer, by orders of magnitude
    assert all(a < b for a, b in zip(g, g[1:]))
    assert g[0] < 1e-6 * g[-1]


def test_relu_signal_survives_depth_under_he_but_not_xavier(shallow):
    he = shallow["relu"]["depth"]["he"]["signal_std"]
    xavier = shallow["relu"]["depth"]["xavier"]["signal_std"]
    assert 0.5 < he[19] / he[0] < 2.0
    # xavier's weights are sqrt(2) smaller: relu halves the second moment at every layer
    assert xavier[19] / xavier[0] < 2.0**-7


def test_binary_step_units_are_all_dead(shallow):
    # f' = 0 everywhere: by the lab's definition every unit is dead, hence saturated too
    t = shallow["binary_step"]["training"]
    assert t["dead_share"] == [1.0, 1.0] and t["saturated_share"] == [1.0, 1.0]
    assert shallow["binary_step"]["depth"]["he"]["grad_rms"][0] == 0.0


def test_gated_function_is_skipped_with_a_reason(shallow):
    assert set(shallow["glu"]) == {"skipped"} and "gated" in shallow["glu"]["skipped"]


@pytest.fixture(scope="module")
def relu_trained():
    # the generator's own training settings (the file's), with depth kept short to save time
    return nw.compute_network_data(["relu"], depth=2)


def test_relu_learns_the_spirals_and_its_last_frame_shows_it(relu_trained):
    entry = relu_trained["functions"]["relu"]
    t = entry["training"]
    assert t["train_acc"][0] < 0.7  # an untrained net guesses
    assert t["train_acc"][-1] > 0.9 and t["test_acc"][-1] > 0.9

    # the frame's pixel under each training point must predict that point's label; a frame
    # flipped upside down (or in x) would show a spiral turning the other way, and one with the
    # classes swapped would disagree everywhere
    sp = entry["spirals"]
    s = relu_trained["settings"]["training"]
    data = load_dataset("spirals", n_train=s["n_train"], n_test=s["n_test"], seed=s["data_seed"])
    n = sp["n"]
    xmin, xmax, ymin, ymax = sp["extent"]
    img = np.frombuffer(base64.b64decode(sp["frames"][-1]), dtype=np.uint8).reshape(n, n)
    col = np.clip(((data.x_train[:, 0] - xmin) / (xmax - xmin) * n).astype(int), 0, n - 1)
    row = np.clip(((ymax - data.x_train[:, 1]) / (ymax - ymin) * n).astype(int), 0, n - 1)
    predicted = (img[row, col] >= 128).astype(int)
    assert (predicted == data.y_train).mean() > 0.85


def test_a_linear_network_cannot_learn_the_spirals():
    # identity activations make the MLP one linear map: no line separates two spirals
    t = nw.compute_network_data(["identity"], depth=2, epochs=20)["functions"]["identity"]["training"]
    assert t["train_acc"][-1] < 0.8


def test_only_recomputes_the_named_functions_and_keeps_the_rest(tmp_path, committed, capsys):
    small = {
        "version": 1,
        "settings": committed["settings"],
        "functions": {"tanh": {"skipped": "placeholder kept by --only"}},
    }
    out = tmp_path / "data.json.gz"
    nw.write_network_data(small, out)
    assert nw.main(["--only", "relu", "--out", str(out)]) == 0
    merged = nw.load_network_data(out)
    assert merged["functions"]["tanh"] == {"skipped": "placeholder kept by --only"}
    assert set(merged["functions"]["relu"]) == {"depth", "training", "spirals"}
    assert "wrote" in capsys.readouterr().out


def test_only_refuses_a_file_with_other_settings(tmp_path):
    stale = {"version": 1, "settings": {"depth": {"layers": 3}}, "functions": {}}
    out = tmp_path / "data.json.gz"
    nw.write_network_data(stale, out)
    with pytest.raises(SystemExit):
        nw.main(["--only", "relu", "--out", str(out)])
