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
        registry.unregister(spec.name)
        # reference values are cached by name: a later spec of the same name must not see these
        from actlab import reference

        reference.clear_cache()


@pytest.fixture
def scratch_spec():
    return scratch


@pytest.hookimpl(tryfirst=True)  # before -k or -m deselect anything
def pytest_collection_modifyitems(session, config, items):
    # the README states the suite's size (rounded); tests/test_readme_numbers.py compares it with
    # this count when the whole suite was collected
    config.actlab_collected = (len(items), not config.args or config.args == ["tests"])
