"""Single hidden units followed through training: born dead, adjusted, revived, stuck, recovered.

:class:`UnitTracker` is a per-epoch callback of :func:`~actlab.lab.train.train_trial` (the
trial runs it when ``TrialConfig.track_units`` is set). It watches every hidden unit of a model
(an elementwise activation module and the Linear/Conv layer feeding it, whose weight row and
bias are the unit's *incoming parameters*) in three ways:

- **full passes**: at initialisation (epoch 0) and after every epoch, one pass in eval mode over
  *every* training input with an :class:`~actlab.lab.monitors.ActivationMonitor`: per unit,
  *dead* (f(x) = 0 or f'(x) = 0 on every input: no gradient can reach its incoming parameters)
  and *negative* (its input x < 0 on every input);
- **every training step**: a forward hook records which units had f'(x) != 0 on some sample of
  the step's batch (*gradient-active*), and a gradient hook on the incoming parameters records
  every unit that received a nonzero gradient at a step although it had not been
  gradient-active at that step or any before (the chain rule says this cannot happen; it is
  counted, not assumed);
- **the incoming parameters** are compared, bit for bit, with their values at initialisation
  after every epoch and at the end.

:meth:`UnitTracker.counts` gives per layer (and :func:`track_totals` over all layers):

============================ ===============================================================
``n_units``                  hidden units of the layer
``born_dead``                dead on every training input at initialisation
``born_dead_adjusted``       of those, incoming weights or bias changed by the end
``born_dead_revived``        of those, alive on some input at a later full pass
``born_dead_never_active``   of those, not gradient-active at any training step
``changed_while_inactive``   units whose incoming parameters had changed at an epoch's end
                             though they had not been gradient-active at any step so far
``grad_while_inactive``      units that got a nonzero gradient at a step before being
                             gradient-active (0 by the chain rule)
``died``                     alive at initialisation, dead at the end
``dead_at_end``              dead at the last full pass
``negative_at_init``         negative on every input at initialisation
``stuck``                    negative on every input at some full pass before the last
``recovered``                of those, not negative on every input at the last full pass
============================ ===============================================================

Plain SGD, SGD with momentum and Adam start their buffers at zero, so a unit that is never
gradient-active keeps its incoming parameters exactly; AdamW shrinks every weight by its
decoupled weight decay whatever the gradient, so ``changed_while_inactive`` counts them there.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..errors import ParameterError
from .monitors import ActivationMonitor, _autograd_derivative, _spec_derivative, activation_modules

__all__ = ["TRACK_FIELDS", "UnitTracker", "track_totals"]

TRACK_FIELDS = (
    "n_units",
    "born_dead",
    "born_dead_adjusted",
    "born_dead_revived",
    "born_dead_never_active",
    "changed_while_inactive",
    "grad_while_inactive",
    "died",
    "dead_at_end",
    "negative_at_init",
    "stuck",
    "recovered",
)
_WEIGHTED = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def _rows(t: torch.Tensor) -> torch.Tensor:
    """A parameter as (units, everything else): a weight's row per output unit, a bias as a column."""
    return t.reshape(t.shape[0], -1)


class _Layer:
    def __init__(self, name: str, act: nn.Module, incoming: nn.Module):
        self.name = name
        self.act = act
        self.incoming = incoming
        # the weight, and the bias where there is one (None, or absent)
        self.params: list[torch.Tensor] = [
            p for p in (incoming.weight, getattr(incoming, "bias", None)) if isinstance(p, torch.Tensor)
        ]
        n = int(self.params[0].shape[0])
        self.n = n
        self.init = [p.detach().clone() for p in self.params]
        self.active = torch.zeros(n, dtype=torch.bool)  # gradient-active at some step so far
        self.grad_inactive = torch.zeros(n, dtype=torch.bool)
        self.changed_inactive = torch.zeros(n, dtype=torch.bool)
        self.dead: list[np.ndarray] = []  # per full pass
        self.negative: list[np.ndarray] = []

    def changed(self) -> torch.Tensor:
        out = torch.zeros(self.n, dtype=torch.bool)
        for p, p0 in zip(self.params, self.init):
            out |= (_rows(p.detach()) != _rows(p0)).any(dim=1)
        return out


class UnitTracker:
    """Follow every hidden unit of ``model`` through training on inputs ``x_train``.

    Call it as ``tracker(epoch, model)`` at initialisation (epoch 0, before the first step: it
    then hooks the model) and after every epoch; :meth:`close` removes the hooks, and
    :meth:`counts` reads the result. ``chunk``: samples per forward of a full pass.
    """

    def __init__(self, model: nn.Module, x_train: torch.Tensor, *, chunk: int = 1024):
        if not isinstance(x_train, torch.Tensor) or x_train.dim() < 2 or len(x_train) == 0:
            raise ParameterError(
                "UnitTracker needs the training inputs as a non-empty tensor (samples first), "
                f"got {type(x_train).__name__}"
            )
        self.model = model
        self.x = x_train
        self.chunk = int(chunk)
        acts = {id(m): name for name, m in activation_modules(model)}
        self.layers: list[_Layer] = []
        last: nn.Module | None = None
        for name, m in model.named_modules():
            if isinstance(m, _WEIGHTED):
                last = m
            elif id(m) in acts:
                if last is None:
                    raise ParameterError(
                        f"activation {name!r} has no Linear or Conv layer before it; UnitTracker "
                        "follows units fed by one"
                    )
                self.layers.append(_Layer(name, m, last))
                last = None
        if not self.layers:
            raise ParameterError(
                f"{type(model).__name__} has no hidden activation fed by a Linear/Conv layer"
            )
        self._handles: list[Any] = []
        self.checkpoints = 0

    # ------------------------------------------------------------------ hooks
    def _forward_hook(self, layer: _Layer):
        def hook(m: nn.Module, inputs: tuple[Any, ...], output: Any) -> None:
            if not m.training or not torch.is_grad_enabled() or not inputs or bool(layer.active.all()):
                return  # (every unit of the layer active already: nothing left to record)
            x = inputs[0].detach()
            with torch.no_grad():
                d = _spec_derivative(m, x)
            if d is None:
                d = _autograd_derivative(m, x)
            du = d.detach().movedim(1, -1).reshape(-1, layer.n) if d.dim() > 2 else d.detach()
            layer.active |= (du != 0).any(dim=0)

        return hook

    def _grad_hook(self, layer: _Layer):
        def hook(grad: torch.Tensor) -> None:
            layer.grad_inactive |= (_rows(grad) != 0).any(dim=1) & ~layer.active

        return hook

    def _attach(self) -> None:
        for layer in self.layers:
            self._handles.append(layer.act.register_forward_hook(self._forward_hook(layer)))
            for p in layer.params:
                self._handles.append(p.register_hook(self._grad_hook(layer)))

    def close(self) -> None:
        """Remove the hooks (the counts stay readable)."""
        for h in self._handles:
            h.remove()
        self._handles.clear()

    # ------------------------------------------------------------------ checkpoints
    def _full_pass(self) -> None:
        was = self.model.training
        self.model.eval()
        try:
            mods = [(layer.name, layer.act) for layer in self.layers]
            with ActivationMonitor(self.model, modules=mods, units_only=True) as mon, torch.no_grad():
                for i in range(0, len(self.x), self.chunk):
                    self.model(self.x[i : i + self.chunk])
        finally:
            self.model.train(was)
        dead, neg = mon.unit_dead(), mon.unit_negative()
        for layer in self.layers:
            layer.dead.append(dead[layer.name])
            layer.negative.append(neg[layer.name])

    def __call__(self, epoch: int, model: nn.Module) -> None:
        if model is not self.model:
            raise ParameterError("UnitTracker was called with another model than the one it follows")
        if epoch == 0 and not self._handles:
            self._attach()
        else:
            for layer in self.layers:
                layer.changed_inactive |= layer.changed() & ~layer.active
        self._full_pass()
        self.checkpoints += 1

    # ------------------------------------------------------------------ results
    def counts(self) -> dict[str, Any]:
        """``{"checkpoints": full passes, "layers": [{"name", <TRACK_FIELDS>}, ...]}``; empty
        before two full passes."""
        if self.checkpoints < 2:
            return {}
        layers = []
        for layer in self.layers:
            dead = np.stack(layer.dead)
            neg = np.stack(layer.negative)
            changed = layer.changed().numpy()
            never = ~layer.active.numpy()
            born = dead[0]
            stuck = neg[:-1].any(axis=0)
            layers.append(
                {
                    "name": layer.name,
                    "n_units": layer.n,
                    "born_dead": int(born.sum()),
                    "born_dead_adjusted": int((born & changed).sum()),
                    "born_dead_revived": int((born & ~dead[1:].all(axis=0)).sum()),
                    "born_dead_never_active": int((born & never).sum()),
                    "changed_while_inactive": int(layer.changed_inactive.sum()),
                    "grad_while_inactive": int(layer.grad_inactive.sum()),
                    "died": int((~born & dead[-1]).sum()),
                    "dead_at_end": int(dead[-1].sum()),
                    "negative_at_init": int(neg[0].sum()),
                    "stuck": int(stuck.sum()),
                    "recovered": int((stuck & ~neg[-1]).sum()),
                }
            )
        return {"checkpoints": self.checkpoints, "layers": layers}


def track_totals(tracks: dict[str, Any] | None, layers: Sequence[int] | None = None) -> dict[str, int]:
    """The counts of :meth:`UnitTracker.counts` summed over all layers (or the layers at the
    0-based positions ``layers``); empty for an empty record."""
    if not tracks or not tracks.get("layers"):
        return {}
    rows = tracks["layers"]
    if layers is not None:
        bad = [i for i in layers if not (isinstance(i, int) and -len(rows) <= i < len(rows))]
        if bad:
            raise ParameterError(f"layer positions {bad} out of range for {len(rows)} tracked layers")
        rows = [rows[i] for i in layers]
    return {k: int(sum(r.get(k, 0) for r in rows)) for k in TRACK_FIELDS}
