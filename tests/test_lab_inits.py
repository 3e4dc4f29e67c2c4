"""One list of inits: every module's list is that list or a subset of it, in its order."""

from __future__ import annotations

import argparse

from actlab import cli
from actlab.explore import network
from actlab.lab import inits, models, propagation


def _in_order(sub, full):
    pos = [full.index(x) for x in sub]
    return pos == sorted(pos)


def test_the_one_list_is_what_the_models_accept():
    assert models.INITS is inits.INITS
    assert len(set(inits.INITS)) == len(inits.INITS) == 7
    for name in inits.INITS:
        assert inits.init_meaning(name)  # every init says what it draws


def test_the_modules_lists_are_subsets_of_it():
    names = set(inits.INITS)
    canonical = [inits.INIT_ALIASES.get(n, n) for n in propagation.INITS]
    assert set(canonical) <= names and set(network.DEPTH_INITS) <= names
    assert set(inits.INIT_ALIASES.values()) <= names and not set(inits.INIT_ALIASES) & names
    assert _in_order(list(network.DEPTH_INITS), list(inits.INITS))
    # propagation: the fan-scaled inits, glorot beside xavier, torch's default last
    assert propagation.INITS == ("he", "xavier", "glorot", "lecun", "actlab", "default")
    assert network.DEPTH_INITS == ("he", "xavier", "lecun", "actlab")


def test_the_command_line_offers_the_one_list():
    sub = next(a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction))
    compare_init = next(a for a in sub.choices["compare"]._actions if a.dest == "init")
    assert tuple(compare_init.choices) == models.INITS
    claims_init = next(a for a in sub.choices["claims"]._actions if a.dest == "init")
    assert all(n in claims_init.help for n in models.INITS)
