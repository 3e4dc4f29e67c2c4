"""``list_activations``: the catalog's names filtered by metadata, some of it measured.

Above the registry because one filter (zero-centred) evaluates the functions.
"""

from __future__ import annotations

import fnmatch
import math

from .properties import zero_centred
from .registry import all_specs, normalize

__all__ = ["list_activations"]


def list_activations(
    pattern: str | None = None,
    *,
    family: str | None = None,
    kind: str | None = None,
    learnable: bool | None = None,
    monotonic: bool | None = None,
    bounded: bool | None = None,
    smooth: bool | None = None,
    zero_centered: bool | None = None,
) -> list[str]:
    """Canonical names, sorted, filtered by a glob ``pattern`` (matched against names and
    aliases) and by metadata at default parameters."""
    out = []
    for s in all_specs():
        d = s.defaults()
        names = (s.name, *map(normalize, s.aliases))
        if pattern and not any(fnmatch.fnmatchcase(n, normalize(pattern)) for n in names):
            continue
        if family is not None and s.family != family:
            continue
        if kind is not None and s.kind != kind:
            continue
        if learnable is not None and s.learnable != learnable:
            continue
        if monotonic is not None and s.monotonic_for(d) != monotonic:
            continue
        if bounded is not None and s.bounded != bounded:
            continue
        if smooth is not None and (s.smoothness_for(d) == math.inf) != smooth:
            continue
        if zero_centered is not None and zero_centred(s.name, **d) != zero_centered:
            continue
        out.append(s.name)
    return out
