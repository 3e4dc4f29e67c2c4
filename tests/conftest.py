"""Shared fixtures: the registry's names (test ids are the names) and a scratch-registration helper."""

from __future__ import annotations

import contextlib

import pytest

import actlab
from actlab import registry

ALL = actlab.list_activations()
ELEMENTWISE = actlab.list_activations(kind="elementwise")


@contextlib.contextmanager
def scratch(spec):
    """Register a throwaway spec for the duration of a test."""
    registry.register(spec)
    try:
        yield spec
    finally:
        registry._SPECS.pop(spec.name, None)
        for a in spec.aliases:
            registry._ALIASES.pop(registry.normalize(a), None)
        from actlab import check

        check._ref_cached.cache_clear()


@pytest.fixture
def scratch_spec():
    return scratch
