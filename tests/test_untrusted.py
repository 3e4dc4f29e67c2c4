"""Configs and parameters from untrusted places (files, user input, other libraries' scalars).

Each value below is refused with a ParameterError that names the key or parameter, or read as the
float it stands for; expected numbers are written out by hand (math), not taken from actlab.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import torch
from torch import nn

import actlab
import actlab.torch as at
from actlab import ParameterError, UnknownActivationError
from actlab.registry import MAX_INTEGER_PARAMETER, all_specs
from actlab.torch import modules as at_modules

ELU_AT_MINUS_1 = math.exp(-1.0) - 1.0  # elu(-1) / alpha


# --------------------------------------------------------------------------- config keys
@pytest.mark.parametrize("key", ["inplace", "learnable"])
@pytest.mark.parametrize("value", ["no", "false", "False", 0, 1, None, np.bool_(True), 1.0])
def test_config_booleans_must_be_real_bools(key, value):
    with pytest.raises(ParameterError, match=rf"'{key}' must be True or False, got {type(value).__name__}"):
        at.from_config({"name": "prelu" if key == "learnable" else "relu", key: value})


def test_config_booleans_that_are_bools_work():
    assert at.from_config({"name": "relu", "inplace": True}).inplace is True
    m = at.from_config({"name": "prelu", "learnable": False})
    assert m.learnable is False and not list(m.parameters())


@pytest.mark.parametrize("name", [{"a": 1}, ["relu"], ("relu",), 3, None, b"relu", {"relu"}])
def test_config_name_must_be_a_string(name):
    with pytest.raises(ParameterError, match=r"config key 'name' must be a string"):
        at.from_config({"name": name})


def test_config_unknown_name_is_an_unknown_activation():
    with pytest.raises(UnknownActivationError, match="Did you mean"):
        at.from_config({"name": "relux"})


@pytest.mark.parametrize(
    "params, match",
    [
        ([("alpha", 1.0)], r"'params' must be a dict"),
        ("alpha=1", r"'params' must be a dict"),
        ({1: 2.0}, r"'params' has a key 1 of type int"),
        ({"alpha": [1.0]}, r"'alpha' must be a number or a string, got list"),
        ({"alpha": {"x": 1}}, r"'alpha' must be a number or a string, got dict"),
        ({"alpha": True}, r"'alpha' must be a number or a string, got bool"),
        ({"alpha": None}, r"'alpha' must be a number or a string, got NoneType"),
    ],
)
def test_config_params_map_strings_to_numbers(params, match):
    with pytest.raises(ParameterError, match=match):
        at.from_config({"name": "elu", "params": params})


@pytest.mark.parametrize(
    "key, value, match",
    [
        ("dim", "1", r"'dim' must be an integer"),
        ("dim", 1.0, r"'dim' must be an integer"),
        ("dim", True, r"'dim' must be an integer"),
        ("impl", ["auto"], r"'impl'=\['auto'\] is not one of 'auto'"),
        ("impl", np.array(["auto", "native"]), r"'impl'=array"),
        ("memory", 1, r"'memory'=1 is not one of 'default', 'lean'"),
        ("num_parameters", "4", r"'num_parameters' must be a positive integer"),
        ("num_parameters", 4.0, r"'num_parameters' must be a positive integer"),
        ("num_parameters", True, r"'num_parameters' must be a positive integer"),
        ("num_parameters", 0, r"'num_parameters' must be a positive integer"),
    ],
)
def test_config_other_keys_are_type_checked(key, value, match):
    with pytest.raises(ParameterError, match=match):
        at.from_config({"name": "softmax" if key == "dim" else "prelu", key: value})


@pytest.mark.parametrize("key", ["device", "dtype", "inplace", "num_parameters", "init", "alhpa"])
def test_config_params_are_only_the_spec_parameters(key):
    # module keywords smuggled in through 'params' would reach the constructor unchecked
    with pytest.raises(ParameterError, match=rf"elu has no parameter '{key}'.*Valid parameters: alpha"):
        at.from_config({"name": "elu", "params": {key: "cuda" if key == "device" else 1}})


def test_pickled_modules_round_trip():
    import pickle

    m = pickle.loads(pickle.dumps(at.APL(hinges=2, num_parameters=3, a=0.25)))
    assert type(m) is at.APL and m.a.shape == (2, 3) and m.a.flatten().tolist() == [0.25] * 6


def test_config_unknown_keys_are_named():
    with pytest.raises(ParameterError, match=r"unknown config keys 'alpha'; valid: name, params"):
        at.from_config({"name": "elu", "alpha": 0.5})
    with pytest.raises(ParameterError, match=r"unknown config keys \('x',\)"):
        at.from_config({"name": "elu", ("x",): 0.5})


def test_config_integer_types_of_other_libraries_are_integers():
    m = at.from_config({"name": "prelu", "num_parameters": np.int64(3)})
    assert m.num_parameters == 3 and type(m.num_parameters) is int and m.weight.shape == (3,)


# --------------------------------------------------------------------------- sizes
def _no_allocation(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError(f"torch.full{args} was called: the size was not refused first")

    monkeypatch.setattr(torch, "full", boom)


def test_the_80_byte_config_is_refused_before_allocating(monkeypatch):
    _no_allocation(monkeypatch)
    cfg = {"name": "apl", "params": {"hinges": 100}, "num_parameters": 10**7}
    with pytest.raises(ParameterError, match=r"num_parameters.*MAX_NUM_PARAMETERS = 1048576"):
        at.from_config(cfg)


def test_num_parameters_limit_is_the_stated_constant(monkeypatch):
    assert at_modules.MAX_NUM_PARAMETERS == 1 << 20
    assert at.PReLU(num_parameters=1 << 20).weight.numel() == 1 << 20
    _no_allocation(monkeypatch)
    with pytest.raises(ParameterError, match="MAX_NUM_PARAMETERS"):
        at.PReLU(num_parameters=(1 << 20) + 1)


def test_hinges_times_channels_is_capped_exactly_at_the_limit(monkeypatch):
    monkeypatch.setattr(at_modules, "MAX_PARAMETER_ELEMENTS", 1000)
    # APL holds a and b, each (hinges, num_parameters): 2 * 5 * 100 = 1000 values, the limit
    m = at.create("apl", hinges=5, num_parameters=100)
    assert m.a.shape == (5, 100) and m.b.shape == (5, 100)
    _no_allocation(monkeypatch)
    with pytest.raises(
        ParameterError, match=r"would allocate 1010 learnable values.*MAX_PARAMETER_ELEMENTS = 1000"
    ):
        at.create("apl", hinges=5, num_parameters=101)


@pytest.mark.parametrize(
    "value, match",
    [
        (10**400, r"hinges=an integer of about 401 digits is larger than the limit"),
        (MAX_INTEGER_PARAMETER + 1, rf"hinges={MAX_INTEGER_PARAMETER + 1} is larger than the limit"),
        (1e300, r"hinges=1e\+300 is larger than the limit"),
        (101, r"hinges=101 is out of bounds; valid range is \[1, 100\]"),
        (2.5, r"hinges must be an integer, got 2.5"),
        (float("nan"), r"hinges is NaN"),
        (float("inf"), r"hinges must be an integer"),
        (True, r"hinges must be a number, got bool"),
        ("2", r"hinges must be a number, got str"),
    ],
)
def test_integer_parameters_are_refused_when_odd_or_huge(value, match):
    with pytest.raises(ParameterError, match=match):
        actlab.get("apl", hinges=value)


@pytest.mark.parametrize(
    "value", [3, 3.0, np.int64(3), np.float32(3.0), Fraction(6, 2), Decimal("3"), np.array(3)]
)
def test_integer_parameters_accept_every_spelling_of_an_integer(value):
    got = actlab.get("apl", hinges=value).params["hinges"]
    assert got == 3 and type(got) is int


# --------------------------------------------------------------------------- number types
SPELLINGS_OF_A_HALF = [
    0.5,
    Fraction(1, 2),
    Decimal("0.5"),
    np.float32(0.5),
    np.float16(0.5),
    np.array(0.5),
    np.array(0.5, dtype=np.float32),
    torch.tensor(0.5),
    torch.tensor(0.5, dtype=torch.float64),
]


@pytest.mark.parametrize("value", SPELLINGS_OF_A_HALF, ids=lambda v: type(v).__name__)
def test_every_spelling_of_a_number_is_that_float(value):
    act = actlab.get("elu", alpha=value)
    assert act.params["alpha"] == 0.5 and type(act.params["alpha"]) is float
    assert float(act(np.array(-1.0))) == pytest.approx(0.5 * ELU_AT_MINUS_1, rel=1e-15)
    y = act(torch.tensor([-1.0], dtype=torch.float64))
    assert float(y[0]) == pytest.approx(0.5 * ELU_AT_MINUS_1, rel=1e-15)


SPELLINGS_OF_MINUS_ONE = [
    -1,
    -1.0,
    Fraction(-1),
    Decimal("-1"),
    np.float32(-1.0),
    np.int64(-1),
    np.array(-1.0),
    torch.tensor(-1.0),
    torch.tensor(-1),
    torch.tensor(-1.0, requires_grad=True),
]


@pytest.mark.parametrize("value", SPELLINGS_OF_MINUS_ONE, ids=lambda v: type(v).__name__)
def test_bounds_apply_to_every_number_type(value):
    with pytest.raises(
        ParameterError,
        match=r"elu: alpha=(-1|-1\.0|.* \(= -1\.0\)) is out of bounds; valid range is \[0, inf\)",
    ):
        actlab.get("elu", alpha=value)


@pytest.mark.parametrize(
    "value",
    [float("nan"), np.float32("nan"), Decimal("NaN"), np.array(np.nan), torch.tensor(float("nan"))],
    ids=lambda v: type(v).__name__,
)
def test_nan_is_refused_in_every_number_type(value):
    with pytest.raises(ParameterError, match=r"elu: alpha is NaN"):
        actlab.get("elu", alpha=value)


@pytest.mark.parametrize(
    "value",
    [10**400, -(10**400), Decimal("1e400"), Fraction(10**400, 3), np.longdouble("1e400")],
    ids=lambda v: type(v).__name__,
)
def test_numbers_too_large_for_a_float64_are_refused_not_overflowed(value):
    if isinstance(value, np.longdouble) and np.isinf(value):
        pytest.skip("this platform's long double is a float64")
    with pytest.raises(ParameterError, match=r"prelu: weight=.* is too large to be a float64"):
        actlab.get("prelu", weight=value)


def test_an_explicit_infinity_is_left_to_the_bounds():
    with pytest.raises(ParameterError, match=r"alpha=inf is out of bounds"):
        actlab.get("elu", alpha=float("inf"))
    assert actlab.get("elu", alpha=1e308).params["alpha"] == 1e308


@pytest.mark.parametrize(
    "value", [1j, 0.5 + 0j, np.complex128(0.5), torch.tensor(0.5 + 0j)], ids=lambda v: type(v).__name__
)
def test_complex_numbers_are_refused(value):
    with pytest.raises(
        ParameterError,
        match=r"elu: alpha must (be a real number, got complex|hold real numbers, got a torch.complex)",
    ):
        actlab.get("elu", alpha=value)


@pytest.mark.parametrize(
    "value, match",
    [
        (True, r"alpha must be a number, got bool True"),
        (np.bool_(False), r"alpha must be a number, got bool"),
        (torch.tensor(True), r"alpha must hold numbers, got a bool tensor"),
        (None, r"alpha must be a number, got NoneType"),
        ("0.5", r"alpha must be a number, got str"),
        (b"0.5", r"alpha must be a number, got bytes"),
        (object(), r"alpha must be a number, got object"),
    ],
)
def test_non_numbers_are_refused(value, match):
    with pytest.raises(ParameterError, match=match):
        actlab.get("elu", alpha=value)


def test_parameter_names_must_be_strings():
    from actlab.registry import resolve_params

    with pytest.raises(ParameterError, match=r"parameter names are strings, got int 1"):
        resolve_params(actlab.spec("elu"), {1: 0.5})
    with pytest.raises(ParameterError, match=r"parameters are a mapping"):
        resolve_params(actlab.spec("elu"), [("alpha", 0.5)])


# --------------------------------------------------------------------------- choices
@pytest.mark.parametrize(
    "value", [np.array([0.0, 1.0]), [0.0], True, False, "0", 0.5, float("nan"), torch.tensor([0.0, 1.0])]
)
def test_choice_parameters_refuse_arrays_bools_and_other_values(value):
    with pytest.raises(
        ParameterError,
        match=r"relu: grad_at_zero(=.* is not allowed; choose one of 0.0, 1.0| takes one number)",
    ):
        actlab.get("relu", grad_at_zero=value)


@pytest.mark.parametrize(
    "value", [1, 1.0, np.float32(1.0), np.int8(1), Fraction(1), np.array(1.0), torch.tensor(1.0)]
)
def test_choice_parameters_read_numbers_as_the_listed_choice(value):
    got = actlab.get("relu", grad_at_zero=value).params["grad_at_zero"]
    assert got == 1.0 and type(got) is float


def test_string_choices():
    assert actlab.get("gelu", approximate=np.str_("tanh")).params["approximate"] == "tanh"
    for bad in ("TANH", 1, np.array(["tanh"]), None):
        with pytest.raises(
            ParameterError, match=r"gelu: approximate=.* is not allowed; choose one of 'none', 'tanh'"
        ):
            actlab.get("gelu", approximate=bad)


# --------------------------------------------------------------------------- several values
def _scalar_params():
    for s in all_specs():
        for p in s.params:
            if not p.per_channel and p.choices is None and not p.integer:
                yield s.name, p.name, float(p.default)


SCALAR_PARAMS = list(_scalar_params())


def test_there_are_many_fixed_scalar_parameters():
    assert len(SCALAR_PARAMS) > 20


@pytest.mark.parametrize("name, pname, default", SCALAR_PARAMS, ids=[f"{n}-{p}" for n, p, _ in SCALAR_PARAMS])
def test_several_values_for_a_one_value_parameter_are_refused_at_validation(name, pname, default):
    for value in ([default, default], np.array([default, default]), torch.tensor([default, default])):
        with pytest.raises(
            ParameterError, match=rf"{name}: {pname} takes one number, got values of shape \(2,\)"
        ):
            actlab.get(name, **{pname: value})


def test_per_channel_parameters_still_take_several_values():
    x = np.array([[-1.0, -2.0, 3.0]])
    for w in (
        [0.1, 0.2, 0.3],
        (0.1, 0.2, 0.3),
        np.array([0.1, 0.2, 0.3]),
        [Fraction(1, 10), Decimal("0.2"), 0.3],
    ):
        y = actlab.get("prelu", weight=w)(x)
        np.testing.assert_array_equal(y, [[-0.1, -0.4, 3.0]])


@pytest.mark.parametrize(
    "value, match",
    [
        ([0.1, [0.2, 0.3]], r"weight must be a number or a rectangular list"),
        ([0.1, 10**400], r"weight=an integer of about 401 digits is too large"),
        ([0.1, "0.2"], r"weight must hold numbers, got dtype <U"),
        ([True, False], r"weight must hold numbers, got booleans"),
        ([0.1, 1j], r"weight must hold real numbers, got complex"),
        ([], r"weight holds no values"),
        ([0.1, Decimal("NaN")], r"weight holds nan, out of bounds"),
    ],
)
def test_per_channel_values_are_checked_elementwise(value, match):
    with pytest.raises(ParameterError, match=match):
        actlab.get("prelu", weight=value)


def test_learnable_tensors_are_validated_and_kept():
    with pytest.raises(ParameterError, match=r"snake: alpha holds -1.0, out of bounds"):
        actlab.get("snake", alpha=torch.tensor([1.0, -1.0]))
    with pytest.raises(ParameterError, match=r"snake: alpha holds nan, out of bounds"):
        actlab.get("snake", alpha=torch.tensor([1.0, float("nan")], requires_grad=True))
    with pytest.raises(ParameterError, match=r"snake: alpha=0.0 is out of bounds"):
        actlab.get("snake", alpha=torch.tensor(0.0, requires_grad=True))
    w = torch.tensor([0.25, 0.5], requires_grad=True)
    act = actlab.get("prelu", weight=w)
    assert act.params["weight"] is w  # gradients reach the caller's tensor
    x = torch.tensor([[-2.0, -4.0]])
    act(x).sum().backward()
    assert w.grad.tolist() == [-2.0, -4.0]  # d(w_c x_c)/dw_c = x_c on the negative side


def test_a_fixed_parameter_tensor_that_requires_grad_keeps_its_gradient():
    a = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = actlab.get("elu", alpha=a)(torch.tensor([-1.0], dtype=torch.float64))
    assert float(y) == pytest.approx(0.5 * ELU_AT_MINUS_1, rel=1e-15)
    (g,) = torch.autograd.grad(y.sum(), [a])
    assert float(g) == pytest.approx(ELU_AT_MINUS_1, rel=1e-15)


def test_module_initial_values_are_one_number():
    with pytest.raises(
        ParameterError, match=r"PReLU: weight is learnable; give its initial value as one number"
    ):
        at.PReLU(num_parameters=2, weight=[0.1, 0.2])
    m = at.PReLU(num_parameters=2, init=torch.tensor(0.25))
    assert m.weight.tolist() == [0.25, 0.25]
    assert m.to_config() == {"name": "prelu", "params": {"weight": 0.25}, "num_parameters": 2}


def test_module_configs_hold_plain_numbers_whatever_came_in():
    cfg = at.ELU(alpha=Fraction(1, 4)).to_config()
    assert cfg == {"name": "elu", "params": {"alpha": 0.25}} and type(cfg["params"]["alpha"]) is float
    assert at.from_config({"name": "elu", "params": {"alpha": Decimal("0.25")}}).to_config() == cfg


# --------------------------------------------------------------------------- aliases
def test_a_module_built_through_an_alias_is_the_canonical_class():
    assert at.module_class("swish_1") is at.SiLU
    assert at.module_class("Sigmoid-Linear Unit") is at.SiLU
    assert isinstance(at.create("swish_1"), at.SiLU)
    assert isinstance(at.from_config({"name": "swish-1"}), at.SiLU)
    assert type(at.create("adaptive_piecewise_linear")) is at.APL


def test_replace_activations_finds_modules_built_through_an_alias():
    model = nn.Sequential(nn.Linear(2, 2), at.create("swish_1"), nn.Linear(2, 2), at.SiLU())
    replaced = at.replace_activations(model, at.SiLU, "relu")
    assert [name for name, _, _ in replaced] == ["1", "3"]
    assert isinstance(model[1], at.ReLU) and isinstance(model[3], at.ReLU)


# --------------------------------------------------------------------------- caches
def test_name_spellings_share_one_cache_entry():
    silu = at.SiLU
    for s in all_specs():  # every canonical class built (other tests may have built more)
        at.module_class(s.name)
    before = at_modules._module_class.cache_info().currsize
    assert before >= len(all_specs())
    spellings = [
        "silu",
        "SiLU",
        "SILU",
        " silu ",
        "swish_1",
        "Swish-1",
        "swish 1",
        "sigmoid_linear_unit",
        "Sigmoid Linear Unit",
        "SIGMOID-LINEAR-UNIT",
    ]
    assert {at.module_class(n) for n in spellings} == {silu}
    assert at_modules._module_class.cache_info().currsize == before


def test_value_spellings_are_one_value():
    values = [
        actlab.get("elu", alpha=v).params["alpha"] for v in (1, 1.0, np.float64(1), Fraction(1), Decimal(1))
    ]
    assert {(type(v), v) for v in values} == {(float, 1.0)}


# --------------------------------------------------------------------------- dtype range
F32_RANGE = r"\[-3.4028235e\+38, 3.4028235e\+38\]"


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
@pytest.mark.parametrize(
    "name, pname", [("celu", "alpha"), ("elu", "alpha"), ("hardshrink", "lambd"), ("softshrink", "lambd")]
)
def test_a_parameter_past_float32_is_a_parameter_error_for_float32_work(dtype, name, pname):
    x = torch.tensor([-1.0, 0.0, 2.0], dtype=dtype)
    fn = getattr(at.functional, name)
    m = at.create(name, **{pname: 1e39})
    for run in (
        lambda: m(x),
        lambda: fn(x, **{pname: 1e39}),
        lambda: fn(x.clone().requires_grad_(), **{pname: 1e39}),
    ):
        with pytest.raises(
            ParameterError,
            match=rf"{name}: {pname}=1e\+39 cannot be represented in torch.float32.*{F32_RANGE}",
        ):
            run()


def test_a_parameter_past_float32_works_in_float64():
    x = torch.tensor([-1.0, 2.0], dtype=torch.float64)
    want = [1e39 * ELU_AT_MINUS_1, 2.0]
    for y in (at.ELU(alpha=1e39)(x), at.functional.elu(x, alpha=1e39), actlab.get("elu", alpha=1e39)(x)):
        assert y.dtype == torch.float64
        assert y.tolist() == pytest.approx(want, rel=1e-15)
    with actlab.precision("exact"):  # float32 input evaluated in float64: -6.3e38 rounds to -inf in float32
        assert at.ELU(alpha=1e39)(torch.tensor([-1.0, 2.0])).tolist() == [-math.inf, 2.0]


def test_float32_max_itself_is_representable():
    big = float(np.finfo(np.float32).max)
    y = at.functional.hardshrink(torch.tensor([1.0, -1.0]), lambd=big)
    assert y.tolist() == [0.0, 0.0]


def test_per_channel_values_past_float32_are_refused_for_float32_input():
    with pytest.raises(ParameterError, match=r"prelu: weight=1e\+39 cannot be represented in torch.float32"):
        actlab.get("prelu", weight=np.array([0.5, 1e39]))(torch.ones(1, 2))


def test_learnable_initial_values_must_fit_the_module_dtype():
    with pytest.raises(
        ParameterError, match=rf"PReLU: weight=1e\+39 cannot be represented in torch.float32.*{F32_RANGE}"
    ):
        at.PReLU(init=1e39)
    assert at.PReLU(init=1e39, dtype=torch.float64).weight.item() == 1e39


def test_module_dtype_must_be_floating():
    with pytest.raises(ParameterError, match=r"PReLU: dtype must be a torch floating-point dtype"):
        at.PReLU(dtype=torch.int32)


@pytest.mark.parametrize(
    "name,params,want",
    [
        ("hardshrink", {"lambd": 1e5}, [0.0, 0.0, 0.0, 0.0]),
        ("softshrink", {"lambd": 1e5}, [0.0, 0.0, 0.0, 0.0]),
        ("hardtanh", {"min_val": -1e5, "max_val": 1e5}, [-60000.0, -1.0, 0.5, 60000.0]),
        ("threshold", {"threshold": 1e5, "value": 2.0}, [2.0, 2.0, 2.0, 2.0]),
    ],
)
def test_float16_input_with_a_parameter_past_its_range_computes_in_float32(name, params, want):
    # torch's kernels refuse these (the parameter does not fit a float16); the value is computed in
    # float32 and rounded once, on the functional and the module path, with gradients
    x = torch.tensor([-60000.0, -1.0, 0.5, 60000.0], dtype=torch.float16, requires_grad=True)
    for f in (lambda t: getattr(at.functional, name)(t, **params), at.create(name, **params)):
        y = f(x)
        assert y.dtype == torch.float16
        assert y.detach().double().tolist() == want
        (g,) = torch.autograd.grad(y.sum(), x)
        assert g.dtype == torch.float16 and not bool(g.isnan().any())
