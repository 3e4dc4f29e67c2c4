"""Closed-form derivatives against torch autograd of the forward, on the autograd path and on the
default (memory-lean) training path."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .. import ops as _ops
from ..api import get, prepare_params
from ..reference import points
from ..spec import ActivationSpec
from .inputs import VECTORS
from .report import Failure, Report

__all__ = ["check_autograd"]


def check_autograd(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    """Closed-form derivatives (input and learnable parameters) equal torch autograd of forward,
    at every test point including the kinks, in float64; NaN where one is NaN is a failure."""
    act = get(s.name, **params)
    if s.kind == "elementwise":
        inputs = [points(s, params)]
    elif s.kind == "gated":
        b = points(s, params, dense=41)
        inputs = [np.concatenate([np.resize(np.array([-3.0, -1.0, 0.0, 0.7, 2.0]), b.size), b])]
    else:
        inputs = [np.array(v) for v in VECTORS]
    # "autograd": torch autograd through forward (catches forwards whose gradient is NaN or
    # wrong, e.g. a single where); "auto": the default training path (the memory-lean Function,
    # whose backward uses the closed forms through a saved mask or output).
    for impl in ("autograd", "auto"):
        for arr in inputs:
            _autograd_once(s, params, rep, act, arr, impl)


def _autograd_once(s, params, rep, act, arr, impl) -> None:
    import torch

    x = torch.tensor(arr, dtype=torch.float64, requires_grad=True)
    learn = {
        p.name: torch.tensor(float(params[p.name]), dtype=torch.float64, requires_grad=True)
        for p in s.params
        if p.learnable and isinstance(params[p.name], (int, float))
    }
    y = get(s.name, **{**params, **learn})(x, impl=impl)
    g = torch.linspace(-1.0, 2.0, y.numel(), dtype=torch.float64).reshape(y.shape)
    grads = torch.autograd.grad(y, [x, *learn.values()], g, allow_unused=True)
    with torch.no_grad():
        if s.kind == "vector":
            want = act.vjp(x.detach(), g)
        elif s.kind == "gated":
            want = act.derivative(x.detach()) * torch.cat([g, g])
        else:
            want = act.derivative(x.detach()) * g
    tag = "autograd" if impl == "autograd" else "default path"
    _compare_grads(s, params, rep, f"{tag} d/dx", arr, grads[0], want)
    tops = _ops.for_array(x)
    for (pname, _), got in zip(learn.items(), grads[1:]):
        xd = x.detach()
        pp = prepare_params(s, act.params, xd, tops)
        dp = s.param_derivatives[pname](xd, tops, **pp)
        want_p = (dp * g).sum()
        _compare_grads(
            s, params, rep, f"{tag} d/d{pname}", np.array([0.0]), got.reshape(1), want_p.reshape(1)
        )


def _compare_grads(s, params, rep, label, xs, got, want) -> None:
    import torch

    got = got if got is not None else torch.zeros_like(want)
    gn, wn = got.detach().numpy(), want.detach().numpy()
    with np.errstate(invalid="ignore"):
        close = np.abs(gn - wn) <= 1e-10 * np.maximum(1.0, np.abs(wn))
    bad = ~((np.isnan(gn) & np.isnan(wn)) | (gn == wn) | close)
    if bad.any():
        i = int(np.argmax(bad))
        where = f"x={float(xs.reshape(-1)[i])!r}: " if xs.size == gn.size else ""
        rep.failures.append(
            Failure(
                s.name,
                params,
                label,
                f"{where}autograd of forward gives {gn.reshape(-1)[i]!r}, closed form {wn.reshape(-1)[i]!r}",
            )
        )
