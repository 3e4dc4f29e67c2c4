"""Evaluating an activation on one path ("numpy", "torch", "torch-exact") and dtype, as float64."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from ..api import precision

__all__ = ["path_context", "evaluate", "as_dtype", "to_numpy"]


def path_context(path: str):
    """Paths: "numpy"; "torch" (default precision "fast"); "torch-exact" (``precision("exact")``)."""
    return precision("exact") if path == "torch-exact" else contextlib.nullcontext()


def as_dtype(xs: Any, dtype: str, path: str) -> Any:
    """``xs`` (float64 numbers) as an array of ``dtype`` for ``path``: NumPy or a torch tensor."""
    if path == "numpy":
        return np.asarray(xs, dtype=np.float64).astype(dtype)
    import torch

    return torch.tensor(xs, dtype=torch.float64).to(getattr(torch, dtype))


def to_numpy(y: Any) -> np.ndarray:
    if hasattr(y, "detach"):
        import torch

        return y.detach().to(torch.float64).numpy()
    return np.asarray(y, dtype=np.float64)


def evaluate(act, xs: np.ndarray, dtype: str, path: str, which: str) -> np.ndarray:
    """f (``which="value"``) or f' of an elementwise activation at ``xs`` in ``dtype`` on ``path``."""
    if path == "numpy":
        x = xs.astype(dtype)
        out = act(x) if which == "value" else act.derivative(x)
        return np.asarray(out, dtype=np.float64)
    import torch

    t = torch.tensor(xs, dtype=getattr(torch, dtype))
    with path_context(path):
        out = act(t) if which == "value" else act.derivative(t)
    assert out.dtype == t.dtype, f"output dtype {out.dtype} != input dtype {t.dtype}"
    return out.detach().to(torch.float64).numpy()
