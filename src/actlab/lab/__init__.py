"""The lab: measure what is claimed about activations, on real data, with honest statistics.

Plain functions that return dataclasses (usable from notebooks and tests); the command line
only parses and prints. Modules:

- :mod:`actlab.lab.data` -- datasets: scikit-learn's ``digits`` (embedded), Fashion-MNIST and
  MNIST from checksummed IDX files, synthetic spirals and a teacher network.
- :mod:`actlab.lab.models` -- MLP and a small 4-weight-layer CNN with any activation and init.
- :mod:`actlab.lab.monitors` -- forward-hook monitors: dead and saturated units, mean/variance.
- :mod:`actlab.lab.stats` -- bootstrap confidence intervals.
- :mod:`actlab.lab.train` -- one deterministic training trial (``TrialConfig`` -> ``TrialResult``).
- :mod:`actlab.lab.sweep`, :mod:`actlab.lab.runners` -- grids of trials, a resumable SQLite
  store, local / process-pool / Dask / Ray runners.
- :mod:`actlab.lab.compare_config` -- every option of ``actlab compare`` (its flags are made from it).
- :mod:`actlab.lab.compare` -- ``actlab compare``: train a set of activations and summarise.
- :mod:`actlab.lab.compare_report` -- the compare result as a terminal table, HTML, JSON and CSV.
- :mod:`actlab.lab.refs` -- activation references (``elu:alpha=0.5``), parsed in one place.
- :mod:`actlab.lab.inits`, :mod:`actlab.lab.choices` -- the names options choose from (torch-free).
- :mod:`actlab.lab.report` -- self-contained HTML, JSON and CSV helpers.
- :mod:`actlab.lab.propagation` -- signal propagation at init through depth, per activation and init.
- :mod:`actlab.lab.claims` -- ``actlab claims``: one experiment and pre-registered verdict per claim.

Submodules are imported on first use so that ``import actlab.lab`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "claims",
    "choices",
    "compare",
    "compare_config",
    "compare_report",
    "data",
    "models",
    "inits",
    "jsonable",
    "monitors",
    "output_errors",
    "propagation",
    "refs",
    "report",
    "runners",
    "stats",
    "sweep",
    "train",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'actlab.lab' has no attribute {name!r}")
