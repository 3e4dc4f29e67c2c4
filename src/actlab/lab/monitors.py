"""Monitors for any torch training loop: dead units, saturated units, activation mean/variance.

``ActivationMonitor(model)`` puts a forward hook on every elementwise activation module of the
model (actlab's generated modules, and torch's own ``nn.ReLU``, ``nn.Tanh``, ...). For each
forward pass it records, per unit (dim 1: a feature of a dense layer, a channel of a conv
layer, pooled over positions):

- whether the unit was *active* on any sample: f(x) != 0 and f'(x) != 0, i.e. it passed on a
  signal and a gradient. A unit inactive on every sample of an epoch is **dead**: no gradient
  reaches its incoming weights, so plain SGD can never revive it (for ReLU this is the classic
  "dying ReLU": x < 0 on every input). A permanently saturated hardtanh unit is dead too.
- how often |f'(x)| < ``threshold``. A unit below it on more than ``share`` of its samples is
  **saturated** (sigmoid/tanh far from 0: learning through it crawls). Dead units are saturated
  by this definition as well (f' = 0), so ``saturated_fraction >= dead_fraction``.
- whether the unit's *input* was negative on every sample (``negative_fraction``): for ReLU
  the same units as dead; for leaky ReLU the units that only pass the small negative slope.
- running mean and variance of the outputs (all elements), and the per-unit mean (for the
  "median over units of the mean activation" of the ELU paper).

f' comes from the spec's closed-form derivative for actlab modules (the monitor measures the
function the catalog defines), and from autograd for other modules.

>>> with ActivationMonitor(model) as mon:
...     for xb, yb in loader: model(xb)          # or a training epoch
... for layer in mon.summary(): print(layer.name, layer.dead_fraction)

Call ``start_epoch()`` to clear the statistics between epochs; ``stop()`` removes the hooks.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import ParameterError
from ..torch.surgery import TORCH_ELEMENTWISE

__all__ = ["ActivationMonitor", "LayerStats", "activation_modules"]


@dataclass
class LayerStats:
    """Statistics of one activation module over the samples seen since ``start_epoch()``."""

    name: str
    n_units: int
    n_samples: int
    dead_fraction: float
    saturated_fraction: float
    mean: float
    var: float
    unit_mean_median: float
    unit_means: list[float] = field(repr=False, default_factory=list)
    # share of units whose input was < 0 on every sample (a leaky unit there passes only the
    # negative slope's gradient; for ReLU it is a dead unit)
    negative_fraction: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def activation_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(qualified name, module) of every elementwise activation module in ``model``, in order."""
    from ..torch import ActivationModule

    out: list[tuple[str, nn.Module]] = []
    for name, m in model.named_modules():
        if isinstance(m, ActivationModule):
            if m.spec.kind == "elementwise":
                out.append((name, m))
        elif isinstance(m, TORCH_ELEMENTWISE):
            out.append((name, m))
    return out


def _spec_derivative(m: nn.Module, x: torch.Tensor) -> torch.Tensor | None:
    from ..api import Activation
    from ..torch import ActivationModule

    if not isinstance(m, ActivationModule):
        return None
    params = dict(m._fixed)
    for n in m._learn_names:
        v = getattr(m, n).detach()
        if m.num_parameters == 1:
            v = v.reshape(v.shape[0]) if v.dim() == 2 else v.reshape(())
        params[n] = v
    return Activation(m.spec, params).derivative(x)


def _autograd_derivative(m: nn.Module, x: torch.Tensor) -> torch.Tensor:
    # exact for elementwise modules: d(sum f(x))/dx_i = f'(x_i)
    with torch.enable_grad():
        xg = x.detach().requires_grad_(True)
        y = m(xg.clone())  # a non-leaf copy: in-place modules may overwrite it
        (g,) = torch.autograd.grad(y, xg, torch.ones_like(y))
    return g


class _Acc:
    __slots__ = (
        "n_units",
        "active",
        "nonneg",
        "below",
        "count",
        "unit_sum",
        "total",
        "total_sq",
        "n_el",
        "n_samples",
    )

    def __init__(self, n_units: int):
        self.n_units = n_units
        self.active = torch.zeros(n_units, dtype=torch.bool)
        self.nonneg = torch.zeros(n_units, dtype=torch.bool)
        self.below = torch.zeros(n_units, dtype=torch.float64)
        self.count = torch.zeros(n_units, dtype=torch.float64)
        self.unit_sum = torch.zeros(n_units, dtype=torch.float64)
        self.total = 0.0
        self.total_sq = 0.0
        self.n_el = 0
        self.n_samples = 0


class ActivationMonitor:
    """Forward-hook monitor of every elementwise activation module of ``model``.

    Args:
        model: any ``nn.Module``.
        threshold: |f'| below this counts as saturated on a sample (default 0.01: sigmoid beyond
            |x| ~ 4.6, tanh beyond |x| ~ 3.8).
        share: a unit is saturated if below the threshold on more than this share of its
            samples (default 0.99).
        modules: monitor these (name, module) pairs instead of all activation modules.
        units_only: record only which units were active and which had a non-negative input
            (:meth:`unit_dead`, :meth:`unit_negative`; a cheaper pass): the other statistics of
            :meth:`summary` are then NaN.
    """

    def __init__(
        self,
        model: nn.Module,
        *,
        threshold: float = 0.01,
        share: float = 0.99,
        modules: list[tuple[str, nn.Module]] | None = None,
        units_only: bool = False,
    ):
        if not (isinstance(threshold, (int, float)) and threshold >= 0):
            raise ParameterError(f"threshold must be a number >= 0, got {threshold!r}")
        if not (isinstance(share, (int, float)) and 0.0 <= share < 1.0):
            raise ParameterError(f"share must be in [0, 1), got {share!r}")
        self.threshold = float(threshold)
        self.share = float(share)
        self.units_only = bool(units_only)
        self.modules = list(modules) if modules is not None else activation_modules(model)
        if not self.modules:
            raise ParameterError(
                f"{type(model).__name__} has no elementwise activation modules to monitor "
                "(functional calls such as F.relu inside forward() cannot be hooked; use modules)"
            )
        self._acc: dict[str, _Acc] = {}
        self._handles: list[Any] = []
        self._saved: dict[str, torch.Tensor] = {}
        self._busy = False
        for name, m in self.modules:
            if getattr(m, "inplace", False):
                # an in-place module overwrites its input; keep a copy for f'(x)
                self._handles.append(m.register_forward_pre_hook(self._save(name)))
            self._handles.append(m.register_forward_hook(self._hook(name)))

    # ------------------------------------------------------------------ hooks
    def _save(self, name: str):
        def pre_hook(m: nn.Module, inputs: tuple[Any, ...]) -> None:
            if not self._busy and inputs and isinstance(inputs[0], torch.Tensor):
                self._saved[name] = inputs[0].detach().clone()

        return pre_hook

    def _hook(self, name: str):
        def hook(m: nn.Module, inputs: tuple[Any, ...], output: Any) -> None:
            if self._busy:  # the module's own call made by the autograd derivative below
                return
            if not inputs or not isinstance(inputs[0], torch.Tensor) or not isinstance(output, torch.Tensor):
                return
            x = self._saved.pop(name, None)
            self._busy = True
            try:
                with torch.no_grad():
                    self._record(name, m, inputs[0].detach() if x is None else x, output.detach())
            finally:
                self._busy = False

        return hook

    def _record(self, name: str, m: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
        d = _spec_derivative(m, x)
        if d is None:
            d = _autograd_derivative(m, x)
        if y.dim() == 1:
            y, d, x = y[:, None], d[:, None], x[:, None]
        n_units = y.shape[1]
        batch = int(y.shape[0])
        # units along dim 1; samples are batch x positions. A dense layer's (batch, units) tensor
        # is reduced over dim 0 as it is (no transposed copy); a conv layer's is moved to
        # (batch x positions, units) first
        if y.dim() > 2:
            y, d, x = (t.detach().movedim(1, -1).reshape(-1, n_units) for t in (y, d, x))
        d = d.detach()
        acc = self._acc.get(name)
        if acc is None or acc.n_units != n_units:
            acc = self._acc[name] = _Acc(n_units)
        if self.units_only:
            if (
                math.isfinite(float(y.sum()))
                and math.isfinite(float(d.sum()))
                and math.isfinite(float(x.sum()))
            ):
                acc.active |= torch.minimum(y.abs(), d.abs()).amax(dim=0) > 0
                acc.nonneg |= x.amax(dim=0) >= 0
            else:
                acc.active |= ((y != 0) & (d != 0)).any(dim=0)
                acc.nonneg |= (x >= 0).any(dim=0)
            acc.count += y.shape[0]
            acc.n_el += y.numel()
            acc.n_samples += batch
            return
        yd = y.double()
        total = float(yd.sum())
        if math.isfinite(total) and math.isfinite(float(d.sum())) and math.isfinite(float(x.sum())):
            # every element finite (a non-finite one makes its sum non-finite): the same tests in
            # float arithmetic, which torch runs several times faster than its boolean reductions.
            # y != 0 and f' != 0 <=> min(|y|, |f'|) > 0; some x >= 0 <=> max(x) >= 0;
            # |f'| < threshold counted as the sign of the clamped difference (1 or 0)
            acc.active |= torch.minimum(y.abs(), d.abs()).amax(dim=0) > 0
            acc.nonneg |= x.amax(dim=0) >= 0
            acc.below += (self.threshold - d.abs()).clamp_(min=0).sign_().sum(dim=0, dtype=torch.float64)
            acc.total += total
            flat = yd.reshape(-1)
            acc.total_sq += float(torch.dot(flat, flat))
            acc.n_el += yd.numel()
        else:
            acc.active |= ((y != 0) & (d != 0)).any(dim=0)
            acc.nonneg |= (x >= 0).any(dim=0)
            acc.below += (d.abs() < self.threshold).sum(dim=0)
            finite = torch.isfinite(yd)
            acc.total += float(torch.where(finite, yd, 0.0).sum())
            acc.total_sq += float(torch.where(finite, yd * yd, 0.0).sum())
            acc.n_el += int(finite.sum())
        acc.count += y.shape[0]
        acc.unit_sum += yd.sum(dim=0)
        acc.n_samples += batch

    # ------------------------------------------------------------------ public
    def start_epoch(self) -> None:
        """Forget the statistics gathered so far (call at the start of each epoch)."""
        self._acc.clear()

    def stop(self) -> None:
        """Remove the hooks; statistics stay readable."""
        for h in self._handles:
            h.remove()
        self._handles.clear()

    def __enter__(self) -> ActivationMonitor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def summary(self) -> list[LayerStats]:
        """One :class:`LayerStats` per monitored module that has seen data, in model order."""
        out = []
        for name, _ in self.modules:
            acc = self._acc.get(name)
            if acc is None or acc.n_el == 0:
                continue
            if self.units_only:  # only the unit masks were recorded
                mean = var = sat_share = math.nan
                unit_means: list[float] = []
            else:
                mean = acc.total / acc.n_el
                var = max(acc.total_sq / acc.n_el - mean * mean, 0.0)
                unit_means = (acc.unit_sum / acc.count.clamp_min(1)).tolist()
                sat_share = float((acc.below > self.share * acc.count).double().mean())
            out.append(
                LayerStats(
                    name=name,
                    n_units=acc.n_units,
                    n_samples=acc.n_samples,
                    dead_fraction=float((~acc.active).double().mean()),
                    saturated_fraction=sat_share,
                    mean=mean,
                    var=var,
                    unit_mean_median=float(np.median(unit_means)) if unit_means else math.nan,
                    unit_means=unit_means,
                    negative_fraction=float((~acc.nonneg).double().mean()),
                )
            )
        return out

    def unit_dead(self) -> dict[str, np.ndarray]:
        """Per monitored module that has seen data: a bool array, True for each dead unit (not
        active on any sample seen since ``start_epoch()``). Lets a caller follow single units
        from one pass to the next (born dead, died, recovered)."""
        return {
            name: (~acc.active).numpy().copy()
            for name, _ in self.modules
            if (acc := self._acc.get(name)) is not None and acc.n_el > 0
        }

    def unit_negative(self) -> dict[str, np.ndarray]:
        """Per monitored module that has seen data: a bool array, True for each unit whose input
        was negative on every sample seen since ``start_epoch()`` (a leaky unit there passes only
        its negative slope's gradient; for ReLU these are the dead units)."""
        return {
            name: (~acc.nonneg).numpy().copy()
            for name, _ in self.modules
            if (acc := self._acc.get(name)) is not None and acc.n_el > 0
        }

    def negative_total(self) -> float:
        """Share of all monitored units whose input was negative on every sample seen."""
        stats = self.summary()
        units = sum(s.n_units for s in stats)
        return sum(s.negative_fraction * s.n_units for s in stats) / units if units else math.nan

    def totals(self) -> tuple[float, float]:
        """(dead, saturated) fractions over all monitored units of all layers together."""
        stats = self.summary()
        units = sum(s.n_units for s in stats)
        if units == 0:
            return (math.nan, math.nan)
        dead = sum(s.dead_fraction * s.n_units for s in stats) / units
        sat = sum(s.saturated_fraction * s.n_units for s in stats) / units
        return (dead, sat)
