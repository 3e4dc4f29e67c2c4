"""``actlab compare``'s flags are generated from CompareConfig: every field is a flag with its
default and help, the flags give back the config, and compare() takes the config."""

from __future__ import annotations

import argparse
import dataclasses
import re

import pytest

from actlab.cli import _parser, main
from actlab.errors import ParameterError, UsageError
from actlab.lab.compare_config import DEFAULT_ACTIVATIONS, CompareConfig, add_flags, from_namespace, option
from actlab.lab.refs import ActivationRef


def _parse(*argv):
    return _parser().parse_args(["compare", *argv])


def test_every_field_has_a_flag_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    text = capsys.readouterr().out
    flags = set(re.findall(r"--[a-z][a-z0-9-]*", text))
    for f in dataclasses.fields(CompareConfig):
        flag = "--" + f.name.replace("_", "-")
        assert flag in flags, flag
        assert f.metadata["help"][:20].replace("%%", "%") in " ".join(text.split()), f.name


def test_the_flags_defaults_are_the_configs():
    assert from_namespace(_parse()) == CompareConfig()
    cfg = CompareConfig()
    assert [r.name for r in cfg.activations] == list(DEFAULT_ACTIVATIONS)
    assert cfg.momentum == 0.9 and cfg.seeds == (0, 1, 2, 3, 4) and cfg.memory == ("default",)


def test_flag_values_reach_the_config():
    cfg = from_namespace(
        _parse("--activations", "relu,elu:alpha=0.5", "--momentum", "0.5", "--lr-grid", "0.01,0.1",
               "--seeds", "3", "--memory", "default,3bit", "--init", "he", "--n-boot", "200")
    )  # fmt: skip
    assert cfg.activations == (ActivationRef("relu"), ActivationRef("elu", {"alpha": 0.5}))
    assert cfg.momentum == 0.5 and cfg.lr_grid == (0.01, 0.1) and cfg.seeds == (0, 1, 2)
    assert cfg.memory == ("default", "3bit") and cfg.init == "he" and cfg.n_boot == 200
    assert cfg.labels == [
        "relu [default]",
        "relu [3bit]",
        "elu(alpha=0.5) [default]",
        "elu(alpha=0.5) [3bit]",
    ]


def test_a_bad_rate_list_is_a_usage_error_naming_it():
    with pytest.raises(UsageError, match="0.01,x"):
        from_namespace(_parse("--lr-grid", "0.01,x"))


def test_a_new_field_is_a_new_flag():
    @dataclasses.dataclass(frozen=True)
    class Toy:
        rate: float = option(0.5, "a rate", type=float)
        kind: str = option("a", "a kind", choices=("a", "b"))
        sizes: tuple = option((1,), "sizes", from_text=lambda t: tuple(int(x) for x in t.split(",")))

    p = argparse.ArgumentParser()
    add_flags(p, Toy)
    assert from_namespace(p.parse_args([]), Toy) == Toy()
    assert from_namespace(p.parse_args(["--rate", "2", "--kind", "b", "--sizes", "3,4"]), Toy) == Toy(
        2.0, "b", (3, 4)
    )


@pytest.mark.parametrize(
    "kw, needle",
    [
        ({"activations": []}, "no activations"),
        ({"activations": ["relu", "relu"]}, "listed twice"),
        ({"activations": ["softmax"]}, "elementwise"),
        ({"activations": "relu"}, "wrap it in a list"),
        ({"seeds": 0}, "seeds must be >= 1"),
        ({"lr_rule": "best"}, "unknown lr rule 'best'"),
        ({"lr_grid": [0.1, -1]}, "positive"),
        ({"memory": ["default", "default"]}, "listed twice"),
        ({"level": 95}, "level"),
    ],
)
def test_a_bad_config_is_refused_when_made(kw, needle):
    with pytest.raises(ParameterError, match=needle):
        CompareConfig(**kw)


def test_compare_takes_the_config_and_records_it(monkeypatch):
    from actlab.lab import compare as compare_mod

    cfg = CompareConfig(activations=["relu"], dataset="spirals", seeds=1, epochs=1, momentum=0.5, workers=1)
    res = compare_mod.compare(cfg)
    assert res.config.momentum == 0.5 and res.settings["momentum"] == 0.5
    assert {r.config.momentum for r in res.results} == {0.5}  # every trial ran with it
    assert res.config.n_train == res.settings["n_train"] > 0
    with pytest.raises(TypeError, match="momentun"):
        compare_mod.compare(cfg, momentun=0.1)


def test_activations_by_keyword_as_before_the_config():
    from actlab.lab.compare import _config

    cfg = _config(None, {"activations": ["relu", "elu:alpha=0.5"], "epochs": 3})
    assert cfg.activations == (ActivationRef("relu", {}), ActivationRef("elu", {"alpha": 0.5}))
    assert cfg.epochs == 3
    with pytest.raises(TypeError, match="activations twice"):
        _config(["relu"], {"activations": ["tanh"]})
