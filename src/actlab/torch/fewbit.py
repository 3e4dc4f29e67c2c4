"""The few-bit memory tiers (``memory="2bit"``, ``"3bit"``, ``"4bit"``) for smooth functions.

Forward computes f(x) along the default path and keeps, instead of x, the index of the interval
of x each element fell in (``actlab.fewbit``: the intervals and levels of f' with the least
mean-squared error under a standard normal input), packed as ``bits`` bit planes of one bit per
element: ``bits / 8`` bytes per element (on the CPU one pass of C each way, ``fixed_kernels``;
elsewhere torch's integer ops). Backward multiplies the incoming gradient by the level of
each element's interval. The gradient is approximate by design — its error is stated per function
and width (``actlab.fewbit.fewbit(name, bits).relative_error``) — so these tiers are chosen by
name, never by default. Backward with ``create_graph=True`` raises (a quantized f' has no
useful derivative).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import torch

from .._lru import LRU
from ..fewbit import FewBit, fewbit
from .bits import pack_bits, unpack_bits
from .fixed_kernels import fewbit_pack, fewbit_unpack

__all__ = ["FEWBIT_TIERS", "apply_fewbit", "tier_bits"]

FEWBIT_TIERS = {"2bit": 2, "3bit": 3, "4bit": 4}


def tier_bits(tier: str) -> int | None:
    return FEWBIT_TIERS.get(tier)


class _Tables:
    """A code's boundaries and levels as tensors, per device and dtype (made once)."""

    def __init__(self, q: FewBit):
        self.q = q
        self._cache: dict[tuple, tuple[torch.Tensor, torch.Tensor]] = {}

    def get(self, device: torch.device, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        key = (device, dtype)
        t = self._cache.get(key)
        if t is None:
            t = self._cache[key] = (
                torch.tensor(self.q.boundaries, dtype=torch.float32, device=device),
                torch.tensor(self.q.levels, dtype=dtype, device=device),
            )
        return t


_TABLES: dict[tuple, _Tables] = LRU(256)  # one entry per (function, parameters, width) in use


def _tables(name: str, bits: int, params: Mapping[str, Any]) -> _Tables:
    q = fewbit(name, bits, params)
    key = (q.name, q.bits, q.params)
    t = _TABLES.get(key)
    if t is None:
        t = _TABLES[key] = _Tables(q)
    return t


class _FewBit(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, value: Callable, tables: _Tables):
        y = value(x)
        bounds, _ = tables.get(x.device, x.dtype)
        xd = x.detach()
        # the planes as one (bits, ceil(n / 8)) uint8 tensor: one pass of C on the CPU, else torch
        planes = fewbit_pack(xd.contiguous(), bounds, tables.q.bits)
        if planes is None:
            code = torch.bucketize(xd.float(), bounds)  # int64 in [0, 2^bits)
            planes = torch.stack(
                [
                    pack_bits(torch.bitwise_and(torch.bitwise_right_shift(code, k), 1).bool())
                    for k in range(tables.q.bits)
                ]
            )
        ctx.save_for_backward(planes)
        ctx.tables, ctx.shape = tables, x.shape
        return y

    @staticmethod
    def backward(ctx, g: torch.Tensor):
        if torch.is_grad_enabled():
            # create_graph=True: a second derivative through a quantized f' would be zero, silently
            raise RuntimeError(
                f"actlab: memory='{ctx.tables.q.bits}bit' keeps a few-bit code of "
                f"{ctx.tables.q.name}' only, which has no second derivative; use memory='default' "
                f"(or 'lean') for double backward (create_graph=True)"
            )
        (planes,) = ctx.saved_tensors
        _, levels = ctx.tables.get(g.device, g.dtype)
        gx = fewbit_unpack(planes, g.contiguous(), levels)
        if gx is not None:
            return gx.view(ctx.shape), None, None
        code = torch.zeros(ctx.shape, dtype=torch.int64, device=g.device)
        for k, p in enumerate(planes):
            code |= unpack_bits(p, ctx.shape).to(torch.int64) << k
        return g * levels[code], None, None


def apply_fewbit(
    name: str, bits: int, params: Mapping[str, Any], x: torch.Tensor, value: Callable
) -> torch.Tensor:
    """f(x) by ``value`` (run without a graph), with a ``bits``-bit code of f' saved for backward."""
    return _FewBit.apply(x, value, _tables(name, bits, params))
