"""Every check on a spec, in the order its kind needs: ``check_spec`` and ``check``."""

from __future__ import annotations

from typing import Any, Iterable

from ..reference import param_sets
from ..registry import all_specs
from ..registry import spec as get_spec
from ..spec import ActivationSpec
from .autograd import check_autograd
from .gated import check_gated
from .guides import check_guide_properties
from .infinities import check_infinities
from .metadata import check_metadata
from .parameters import check_param_derivatives
from .report import Failure, Report
from .values import check_elementwise_values
from .vector import check_vector

__all__ = ["check_spec", "check"]


def check_spec(
    s: ActivationSpec,
    *,
    paths: Iterable[str] = ("numpy", "torch", "torch-exact"),
    dtypes: Iterable[str] = ("float64", "float32", "float16", "bfloat16"),
    metadata: bool = True,
) -> Report:
    """Run every check on one spec; the report lists failures and the worst error per path/dtype."""
    rep = Report(s.name)
    paths, dtypes = tuple(paths), tuple(dtypes)
    for params in param_sets(s):
        try:
            if s.kind == "elementwise":
                check_elementwise_values(s, params, rep, paths, dtypes)
                check_infinities(s, params, rep)
                if metadata:
                    check_metadata(s, params, rep)
                    check_guide_properties(s, params, rep)
                check_param_derivatives(s, params, rep)
            elif s.kind == "vector":
                check_vector(s, params, rep, paths, dtypes)
                if metadata:
                    check_guide_properties(s, params, rep)
            else:
                check_gated(s, params, rep, paths, dtypes)
            if "torch" in paths:
                check_autograd(s, params, rep)
        except Exception as e:  # a crash is a failure to report, not a reason to stop checking
            rep.failures.append(Failure(s.name, params, "crash", f"{type(e).__name__}: {e}"))
    return rep


def check(names: Iterable[str] | None = None, **kw: Any) -> list[Report]:
    specs = [get_spec(n) for n in names] if names else all_specs()
    return [check_spec(s, **kw) for s in specs]
