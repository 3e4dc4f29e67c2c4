"""One parser for activation references: every accepted form gives the same reference, and every
bad form is one error naming the bad text and what is accepted."""

from __future__ import annotations

import pickle

import pytest

from actlab.errors import ParameterError, UnknownActivationError
from actlab.lab.refs import ActivationRef, parse_ref_list


@pytest.mark.parametrize(
    "form",
    [
        "elu:alpha=0.5",
        " elu : alpha = 0.5 ",
        ("elu", {"alpha": 0.5}),
        ["elu", {"alpha": 0.5}],
        {"name": "elu", "params": {"alpha": 0.5}},
        ActivationRef("elu", {"alpha": 0.5}),
    ],
)
def test_every_form_gives_the_same_reference(form):
    ref = ActivationRef.parse(form)
    assert ref.name == "elu" and dict(ref.params) == {"alpha": 0.5}
    assert ref.label == "elu(alpha=0.5)"
    assert ref.to_dict() == {"name": "elu", "params": {"alpha": 0.5}}
    assert ActivationRef.parse(ref.to_dict()) == ref


def test_plain_names_aliases_and_typed_values():
    assert ActivationRef.parse("relu") == ActivationRef("relu", {})
    assert ActivationRef.parse({"name": "relu"}).label == "relu"
    assert ActivationRef.parse("rectifier").name == "relu"  # an alias: the canonical name is kept
    grad = ActivationRef.parse("relu:grad_at_zero=1").params["grad_at_zero"]
    assert grad == 1.0 and isinstance(grad, float)  # a numeric choice: the declared value's type
    assert ActivationRef.parse("gelu:approximate=tanh").params["approximate"] == "tanh"
    two = ActivationRef.parse("leaky_relu:negative_slope=0.2")
    assert two.label == "leaky_relu(negative_slope=0.2)"


def test_a_reference_is_read_only_hashable_and_pickles():
    ref = ActivationRef.parse("elu:alpha=0.5")
    with pytest.raises(TypeError):
        ref.params["alpha"] = 2.0  # type: ignore[index]
    assert len({ref, ActivationRef("elu", {"alpha": 0.5})}) == 1
    assert pickle.loads(pickle.dumps(ref)) == ref
    assert ref.label == "elu(alpha=0.5)"


@pytest.mark.parametrize(
    "bad, needles",
    [
        ("elu:alpha", ["'alpha'", "'elu:alpha'", "key=value"]),
        (":alpha=1", ["':alpha=1'", "has no name", "name:key=value"]),
        ("elu:alpha=abc", ["alpha='abc'", "not a number", "elu:alpha=1.0"]),
        ("gelu:approximate=fast", ["approximate='fast'", "none", "tanh"]),
        ("elu:alhpa=1", ["alhpa", "alpha"]),
        ("elu:alpha=-1", ["alpha", "bounds"]),
        (("elu", 0.5), ["('elu', 0.5)", "(name, params dict)"]),
        ({"params": {"alpha": 1.0}}, ["'name' key", "name:key=value"]),
        ({"name": "elu", "alpha": 1.0}, ["['alpha']", "'name' and 'params'"]),
        (3.5, ["3.5", "a name ('elu')", "name:key=value", "(name, params) pair", "'params'"]),
    ],
)
def test_each_bad_form_names_the_bad_text_and_the_accepted_forms(bad, needles):
    with pytest.raises(ParameterError) as e:
        ActivationRef.parse(bad)
    for n in needles:
        assert n in str(e.value), (n, str(e.value))


def test_an_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownActivationError, match="gelu"):
        ActivationRef.parse("gelux")


@pytest.mark.parametrize(
    "text, needle",
    [("", "names no activation"), (" , ", "names no activation"), ("relu,,tanh", "no activation name")],
)
def test_a_list_names_the_option_it_came_from(text, needle):
    with pytest.raises(ParameterError, match=needle) as e:
        parse_ref_list(text, option="--only")
    assert "--only" in str(e.value)
