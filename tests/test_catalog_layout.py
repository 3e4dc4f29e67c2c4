"""The catalog has one classification: each function is defined in the file named after its
family, and a paper cited by several functions is defined once."""

from __future__ import annotations

import pytest

import actlab
from .conftest import ALL


@pytest.mark.parametrize("name", ALL)
def test_defined_in_the_file_of_its_family(name):
    s = actlab.spec(name)
    module = s.reference.__module__  # the reference is written at the definition site
    assert module == "actlab.catalog." + s.family.replace("-", "_"), (name, s.family, module)


def test_a_shared_paper_is_one_object():
    seen = {}
    for name in ALL:
        for r in actlab.spec(name).references:
            key = (r.authors, r.year, r.title)
            assert seen.setdefault(key, r) is r, f"{r.title!r} is defined twice (cited by {name})"
