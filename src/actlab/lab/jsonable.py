"""Values as strict JSON accepts them; shared by the result store and the reports, so that
storing a trial never needs the presentation code."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping

__all__ = ["jsonable"]


def jsonable(obj: Any) -> Any:
    """``obj`` with NumPy scalars/arrays, dataclasses and paths converted, and non-finite floats
    as None (JSON has no NaN/Infinity; strict parsers reject them)."""
    import dataclasses

    import numpy as np

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = obj.to_dict() if hasattr(obj, "to_dict") else dataclasses.asdict(obj)
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    return obj
