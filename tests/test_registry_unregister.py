"""registry.unregister: the inverse of register, for scratch specs in tests and plug-in code."""

from __future__ import annotations

import dataclasses

import pytest

import actlab
from actlab import registry
from actlab.errors import UnknownActivationError

ELU = actlab.spec("elu")


def _scratch():
    return dataclasses.replace(ELU, name="scratch_unit", aliases=("Scratch Unit", "scr-unit"))


def test_unregister_removes_the_name_and_its_aliases():
    s = registry.register(_scratch())
    assert registry.spec("scr_unit") is s
    assert registry.unregister("scratch_unit") is s
    for name in ("scratch_unit", "scratch unit", "scr-unit"):
        with pytest.raises(UnknownActivationError):
            registry.spec(name)
    assert "scratch_unit" not in [x.name for x in registry.all_specs()]


def test_a_spec_can_be_registered_again_after_unregister():
    s = _scratch()
    registry.register(s)
    registry.unregister("Scratch-Unit")  # by an alias, normalised as lookup does
    again = registry.register(s)  # its name and aliases are free again
    try:
        assert registry.spec("scratch_unit") is again
        assert registry.spec("SCR_UNIT") is again
    finally:
        registry.unregister("scratch_unit")


def test_unregister_of_an_unknown_name_suggests_close_ones():
    with pytest.raises(UnknownActivationError, match=r"unknown activation 'relux'.*Did you mean: .*relu"):
        registry.unregister("relux")
    assert registry.spec("relu").name == "relu"  # nothing else was removed


def test_registration_refuses_what_the_kind_cannot_serve():
    import dataclasses

    import pytest

    import actlab
    from actlab import registry
    from actlab.errors import SpecError

    softmax = actlab.spec("softmax")
    with pytest.raises(SpecError, match="a vector activation needs a closed-form vjp"):
        registry.register(dataclasses.replace(softmax, name="scratch_no_vjp", aliases=(), vjp=None))
    relu = actlab.spec("relu")
    with pytest.raises(SpecError, match="an elementwise activation needs a closed-form derivative"):
        registry.register(dataclasses.replace(relu, name="scratch_no_d", aliases=(), derivative=None))
    glu = actlab.spec("glu")
    with pytest.raises(SpecError, match="a gated activation needs"):
        registry.register(dataclasses.replace(glu, name="scratch_no_d2", aliases=(), derivative=None))
    assert "scratch_no_vjp" not in actlab.list_activations()
