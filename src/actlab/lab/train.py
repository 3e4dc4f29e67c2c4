"""One training trial: a config in, curves and summary numbers out; deterministic per seed on CPU.

A trial runs with one torch thread (restored afterwards), its own RNG streams (model init from
``seed``, batch order from ``seed``, the data subset from ``data_seed``) and leaves torch's
global RNG untouched, so the same config gives bit-identical results in any process or runner.

What is measured, per epoch:

- ``train_loss`` / ``train_error``: averages over the epoch's mini-batches as they were trained
  on (the running numbers of AlexNet-era training logs; no extra pass over the data);
- ``test_accuracy``: on the test set after the epoch, with the model in eval mode;
- ``epoch_seconds``: wall time of the epoch's training steps only (evaluation excluded).

``memory`` is the :data:`actlab.torch.MEMORY_TIERS` tier every hidden activation is built with
(``"2bit"``/``"3bit"``/``"4bit"``: smooth activations keep a few-bit code of f' for backward,
so their gradients are approximate). ``saved_bytes_per_element`` is measured on the first
training step: the bytes the activation modules saved for backward, over their input elements.

``epochs_to_target`` is the first epoch (1-based) whose training error is <= ``target_error``,
``seconds_to_target`` the training time up to and including it. The training error is the
running error over the epoch's mini-batches, unless ``target_checks`` = k >= 1: then it is the
error of the network as it stands (eval mode, a full pass over the training set) measured k
times per epoch, after every n/k samples, and ``epochs_to_target`` is the first check at or below
the target in epochs (e.g. 2.25 with k = 4): sub-epoch resolution, and no credit for errors the
network made earlier in the epoch. The checks' passes are not counted in ``seconds_to_target``,
and they change neither the weights nor any RNG stream. A non-finite loss stops the trial
(``diverged=True``); its curves are then shorter than ``epochs``. At the end, one pass over (up
to 10,000) training samples with an :class:`~actlab.lab.monitors.ActivationMonitor` gives the
dead and saturated fractions of the trained network, and the share of units whose input was
negative on every sample (NaN for a diverged one).

The monitor also runs on a fixed subset (the first :data:`EPOCH_MONITOR_SAMPLES` = 1,000
training samples, one forward pass in eval mode, which changes neither the weights nor any RNG
stream) at initialisation and after every epoch: ``monitor_curve`` holds, per checkpoint
(epoch 0 = initialisation), the dead, saturated and negative-on-every-input shares of all
hidden units and, per layer, those shares and the mean activation. ``unit_fates`` follows the
single units over those checkpoints: ``born_dead`` units were dead at initialisation and at the
end, ``died`` ones alive at initialisation and dead at the end (the two add up to
``dead_at_end``), ``recovered`` ones dead at some earlier checkpoint and alive at the end. On
1,000 samples a unit counts as dead slightly more often than on the final 10,000-sample pass
(``dead_fraction``), so the two are not mixed. ``monitor_threshold`` and ``monitor_share``
(|f'| below the threshold on more than that share of samples: saturated) apply to every pass.
Results stored before these fields existed read back with an empty curve and empty fates
(their shares are NaN).

``optimizer``: ``sgd`` (with ``momentum``: heavy ball), ``adam``, ``adamw`` (weight decay 0.01).

``monitor=False`` skips every monitor pass (a probe that only needs the loss: its unit shares are
NaN and its curve and fates empty). ``activation_shift`` subtracts a constant from every hidden
activation's output (:class:`~actlab.lab.models.ShiftedActivation`: sigmoid - 1/2 is the
zero-centred twin of sigmoid). ``track_units=True`` follows every hidden unit through training
with a :class:`~actlab.lab.units.UnitTracker` (full passes over every training input at
initialisation and after every epoch, gradient hooks at every step): ``unit_tracks`` holds its
counts per layer (born dead and adjusted or revived, stuck negative and recovered, ...). These
three fields are left out of the key at their defaults, so stored trials keep their keys.

``train_trial(cfg, data, on_epoch=f)`` calls ``f(epoch, model)`` at initialisation (epoch 0) and
after every finished epoch; ``return_model=True`` returns ``(result, trained model)``.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F

from ..errors import ParameterError
from .choices import LR_RULES, OPTIMIZERS
from .data import Dataset, file_digest, is_file_dataset, load_dataset
from .models import INITS, MODELS, build_model
from .monitors import ActivationMonitor

__all__ = [
    "EPOCH_MONITOR_SAMPLES",
    "LR_RULES",
    "LrChoice",
    "OPTIMIZERS",
    "TrialConfig",
    "TrialResult",
    "choose_lr",
    "choose_lr_from",
    "first_epoch_at",
    "lr_probe_configs",
    "train_trial",
    "unit_fates",
]

ADAMW_WEIGHT_DECAY = 0.01  # torch.optim.AdamW's default
_MONITOR_SAMPLES = 10_000
EPOCH_MONITOR_SAMPLES = 1_000
_MONITOR_DEFAULTS = {"monitor_threshold": 0.01, "monitor_share": 0.99}
# fields left out of a trial's key at these values (trials stored before they existed keep their keys)
_KEY_DEFAULTS = {
    **_MONITOR_DEFAULTS, "monitor": True, "activation_shift": 0.0, "track_units": False, "target_checks": 0,
}  # fmt: skip


@dataclass
class TrialConfig:
    """Everything that defines a trial; :meth:`key` is its stable id in a sweep store."""

    activation: str
    params: dict = field(default_factory=dict)
    dataset: str = "digits"
    model: str = "mlp"
    seed: int = 0
    lr: float = 0.05
    epochs: int = 20
    batch_size: int = 64
    optimizer: str = "sgd"
    momentum: float = 0.0
    init: str = "default"
    width: int = 128
    depth: int = 2
    n_train: int | None = None
    target_error: float | None = None
    data_dir: str | None = None
    n_test: int | None = None
    data_seed: int = 0
    memory: str = "default"
    monitor_threshold: float = 0.01
    monitor_share: float = 0.99
    monitor: bool = True
    activation_shift: float = 0.0
    track_units: bool = False
    target_checks: int = 0  # 0: the running error per epoch; k: full-pass error k times per epoch

    def __post_init__(self) -> None:
        if not isinstance(self.activation, str):
            raise ParameterError(f"TrialConfig.activation is a catalog name (str), got {self.activation!r}")
        if self.model not in MODELS:
            raise ParameterError(f"unknown model {self.model!r}; valid: {', '.join(MODELS)}")
        if self.init not in INITS:
            raise ParameterError(f"unknown init {self.init!r}; valid: {', '.join(INITS)}")
        if self.optimizer not in OPTIMIZERS:
            raise ParameterError(f"unknown optimizer {self.optimizer!r}; valid: {', '.join(OPTIMIZERS)}")
        if not (isinstance(self.lr, (int, float)) and self.lr > 0 and math.isfinite(self.lr)):
            raise ParameterError(f"lr must be a positive number, got {self.lr!r}")
        for n in ("epochs", "batch_size", "width", "depth"):
            v = getattr(self, n)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ParameterError(f"{n} must be a positive integer, got {v!r}")
        tc = self.target_checks
        if isinstance(tc, bool) or not isinstance(tc, int) or tc < 0:
            raise ParameterError(
                f"target_checks must be an integer >= 0 (0: the running error per epoch; k: the full-pass "
                f"training error k times per epoch), got {tc!r}"
            )
        if tc and self.target_error is None:
            raise ParameterError("target_checks measures the time to target_error: give target_error too")
        if self.target_error is not None and not (0.0 <= self.target_error <= 1.0):
            raise ParameterError(
                f"target_error is a training error rate in [0, 1], got {self.target_error!r}"
            )
        if not isinstance(self.params, dict):
            raise ParameterError(f"params must be a dict of activation parameters, got {self.params!r}")
        from ..torch import MEMORY_TIERS

        if not isinstance(self.memory, str) or self.memory not in MEMORY_TIERS:
            raise ParameterError(f"unknown memory tier {self.memory!r}; valid: {', '.join(MEMORY_TIERS)}")
        if not (isinstance(self.monitor_threshold, (int, float)) and self.monitor_threshold >= 0):
            raise ParameterError(f"monitor_threshold must be a number >= 0, got {self.monitor_threshold!r}")
        if not (isinstance(self.monitor_share, (int, float)) and 0.0 <= self.monitor_share < 1.0):
            raise ParameterError(f"monitor_share must be in [0, 1), got {self.monitor_share!r}")
        for n in ("monitor", "track_units"):
            if not isinstance(getattr(self, n), bool):
                raise ParameterError(f"{n} must be True or False, got {getattr(self, n)!r}")
        sh = self.activation_shift
        if isinstance(sh, bool) or not isinstance(sh, (int, float)) or not math.isfinite(sh):
            raise ParameterError(
                "activation_shift must be a finite number (0: no shift; 0.5 makes sigmoid zero-centred), "
                f"got {sh!r}"
            )
        self.activation_shift = float(sh)
        self.monitor_threshold = float(self.monitor_threshold)
        self.monitor_share = float(self.monitor_share)
        self.lr = float(self.lr)
        self.momentum = float(self.momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ParameterError(
                f"momentum must be in [0, 1), got {self.momentum!r} (0: plain SGD; 0.9 is usual)"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrialConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def key(self) -> str:
        """Stable id: readable prefix + hash of every field (same config, same key, any process).

        ``memory="default"`` is left out of the hash (and the prefix), so stores written before
        the field existed keep their keys; any other tier is a different trial. The same holds
        for the monitor's threshold and share, ``monitor``, ``activation_shift`` and
        ``track_units`` at their defaults."""
        d = self.to_dict()
        if d["memory"] == "default":
            del d["memory"]
        for k, v in _KEY_DEFAULTS.items():
            if d[k] == v and type(d[k]) is type(v):
                del d[k]
        name = self.dataset
        if is_file_dataset(name):
            # a dataset file: its content, not only its path, makes the trial (an edited file is new)
            d["dataset_sha256"] = file_digest(name)
            name = Path(name).name
        blob = json.dumps(d, sort_keys=True, default=str)
        h = hashlib.sha256(blob.encode()).hexdigest()[:16]
        tier = "" if self.memory == "default" else f"/{self.memory}"
        return f"{self.activation}/{name}/{self.model}/seed{self.seed}/lr{self.lr:g}{tier}/{h}"


@dataclass
class TrialResult:
    """Curves and summary of one trial (see the module docstring for what each number means)."""

    config: TrialConfig
    train_loss: list[float]
    train_error: list[float]
    test_accuracy: list[float]
    epoch_seconds: list[float]
    epochs_to_target: float | None  # an int with the running error; a multiple of 1/k with k checks
    seconds_to_target: float | None
    final_test_accuracy: float
    dead_fraction: float
    saturated_fraction: float
    layer_stats: list[dict]
    diverged: bool
    wall_seconds: float = 0.0
    n_parameters: int = 0
    # bytes the hidden activations saved for backward per input element, first training step
    # (NaN: not measured, e.g. a result stored before this was measured)
    saved_bytes_per_element: float = math.nan
    # share of hidden units whose input was < 0 on every monitored sample after training (for
    # leaky units: passing only the negative slope's gradient); NaN: diverged or not measured
    negative_fraction: float = math.nan
    # the monitor at initialisation (epoch 0) and after every epoch on a fixed 1,000-sample subset:
    # {"epoch", "dead_fraction", "saturated_fraction", "negative_fraction", "layers": [{"name",
    # "dead_fraction", "saturated_fraction", "negative_fraction", "mean"}, ...]} per checkpoint
    monitor_curve: list[dict] = field(default_factory=list)
    # units followed over those checkpoints: n_units, dead_at_init, dead_at_end, born_dead, died,
    # recovered (counts); empty when diverged or not measured
    unit_fates: dict = field(default_factory=dict)
    # with track_units: the UnitTracker's counts per layer (actlab.lab.units); empty otherwise
    unit_tracks: dict = field(default_factory=dict)

    def _fate(self, what: str) -> float:
        n = self.unit_fates.get("n_units", 0) if self.unit_fates else 0
        return self.unit_fates[what] / n if n and what in self.unit_fates else math.nan

    @property
    def born_dead_fraction(self) -> float:
        """Share of hidden units dead at initialisation and still dead at the end (NaN: not measured)."""
        return self._fate("born_dead")

    @property
    def died_fraction(self) -> float:
        """Share of hidden units alive at initialisation and dead at the end (NaN: not measured)."""
        return self._fate("died")

    @property
    def recovered_fraction(self) -> float:
        """Share of hidden units dead at some checkpoint and alive at the end (NaN: not measured)."""
        return self._fate("recovered")

    @property
    def dead_at_init_fraction(self) -> float:
        """Share of hidden units dead at initialisation (NaN: not measured)."""
        return self._fate("dead_at_init")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["config"] = self.config.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrialResult:
        d = dict(d)
        d["config"] = TrialConfig.from_dict(d["config"])
        # JSON has no NaN: a null share in the monitor curve was a NaN
        d["monitor_curve"] = [_nan_for_none(row) for row in d.get("monitor_curve") or []]
        d["unit_fates"] = dict(d.get("unit_fates") or {})
        d["unit_tracks"] = dict(d.get("unit_tracks") or {})
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


def _nan_for_none(v: Any) -> Any:
    if v is None:
        return math.nan
    if isinstance(v, dict):
        return {k: _nan_for_none(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_nan_for_none(x) for x in v]
    return v


def _checkpoint(model: torch.nn.Module, x: torch.Tensor, cfg: TrialConfig, epoch: int) -> tuple[dict, dict]:
    """One monitor pass over ``x`` in eval mode: (the curve's row, per-layer dead-unit masks)."""
    was_training = model.training
    model.eval()
    try:
        with ActivationMonitor(model, threshold=cfg.monitor_threshold, share=cfg.monitor_share) as mon:
            with torch.no_grad():
                for i in range(0, len(x), 1024):
                    model(x[i : i + 1024])
    finally:
        model.train(was_training)
    dead, sat = mon.totals()
    row = {
        "epoch": epoch,
        "dead_fraction": float(dead),
        "saturated_fraction": float(sat),
        "negative_fraction": float(mon.negative_total()),
        "layers": [
            {
                "name": s.name,
                "dead_fraction": s.dead_fraction,
                "saturated_fraction": s.saturated_fraction,
                "negative_fraction": s.negative_fraction,
                "mean": s.mean,
            }
            for s in mon.summary()
        ],
    }
    return row, mon.unit_dead()


def unit_fates(masks: Sequence[dict]) -> dict[str, int]:
    """Counts of units by fate from per-checkpoint dead masks (``{layer: bool array}``, the first
    at initialisation, the last at the end): n_units, dead_at_init, dead_at_end, born_dead (dead
    at init and at the end), died (alive at init, dead at the end), recovered (dead at some
    checkpoint before the end, alive at the end). Empty without at least two checkpoints."""
    import numpy as np

    if len(masks) < 2:
        return {}
    names = [n for n in masks[0] if all(n in m and m[n].shape == masks[0][n].shape for m in masks)]
    if not names:
        return {}
    stack = np.stack([np.concatenate([m[n] for n in names]) for m in masks])  # checkpoints x units
    init, end = stack[0], stack[-1]
    ever_before = stack[:-1].any(axis=0)
    return {
        "n_units": int(stack.shape[1]),
        "checkpoints": int(stack.shape[0]),
        "dead_at_init": int(init.sum()),
        "dead_at_end": int(end.sum()),
        "born_dead": int((init & end).sum()),
        "died": int((~init & end).sum()),
        "recovered": int((ever_before & ~end).sum()),
    }


class _SGD:
    """SGD with heavy-ball momentum, the update of ``torch.optim.SGD`` (dampening 0, no weight decay).

    Written out because constructing any ``torch.optim`` optimizer imports ``torch._dynamo``
    (about 3 s per process in torch 2.13), which would dominate short trials in fresh workers.
    """

    def __init__(self, params: Any, lr: float, momentum: float = 0.0):
        self.params = [p for p in params if p.requires_grad]
        self.lr = lr
        self.momentum = momentum
        self.bufs: list[torch.Tensor | None] = [None] * len(self.params)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if self.momentum:
                b = self.bufs[i]
                if b is None:
                    b = self.bufs[i] = g.clone()
                else:
                    b.mul_(self.momentum).add_(g)
                g = b
            p.add_(g, alpha=-self.lr)


class _Adam:
    """Adam (Kingma & Ba 2015) with torch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.

    ``weight_decay > 0`` gives AdamW (Loshchilov & Hutter 2019), torch's ``AdamW`` update: the
    weights are first shrunk by ``lr * weight_decay`` (decoupled from the gradient's moments)."""

    def __init__(
        self,
        params: Any,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.betas, self.eps = lr, betas, eps
        self.weight_decay = weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            if self.weight_decay:
                p.mul_(1.0 - self.lr * self.weight_decay)
            m.mul_(b1).add_(p.grad, alpha=1.0 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1.0 - b2)
            denom = (v.sqrt() / math.sqrt(c2)).add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / c1)


class _SavedBytes:
    """Counts what the hidden activation modules (``act1``, ``act2``, ...) save for backward in
    one forward pass: ``with counter: model(x)``. Each activation's forward runs inside its own
    ``saved_tensors_hooks`` (entered by a pre-hook, left by a hook), whose pack function adds up
    the bytes and returns the tensor unchanged, so training is not affected."""

    def __init__(self, model: torch.nn.Module):
        self.mods = [m for n, m in model.named_children() if n.startswith("act")]
        self.bytes = 0
        self.elements = 0
        self.pending = bool(self.mods)
        self._handles: list[Any] = []
        self._ctx: list[Any] = []

    def _pack(self, t: torch.Tensor) -> torch.Tensor:
        self.bytes += t.numel() * t.element_size()
        return t

    def _pre(self, module: torch.nn.Module, args: tuple) -> None:
        if args and isinstance(args[0], torch.Tensor):
            self.elements += args[0].numel()
        ctx = torch.autograd.graph.saved_tensors_hooks(self._pack, lambda t: t)
        ctx.__enter__()
        self._ctx.append(ctx)

    def _post(self, module: torch.nn.Module, args: tuple, out: Any) -> None:
        self._ctx.pop().__exit__(None, None, None)

    def __enter__(self) -> _SavedBytes:
        for m in self.mods:
            self._handles.append(m.register_forward_pre_hook(self._pre))
            self._handles.append(m.register_forward_hook(self._post))
        return self

    def __exit__(self, *exc: Any) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()
        while self._ctx:  # a forward that raised
            self._ctx.pop().__exit__(None, None, None)
        self.pending = False

    def per_element(self) -> float:
        return self.bytes / self.elements if self.elements else math.nan


def _evaluate(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, chunk: int = 1024) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), chunk):
            correct += int((model(x[i : i + chunk]).argmax(1) == y[i : i + chunk]).sum())
    return correct / max(len(y), 1)


def _load_for(cfg: TrialConfig) -> Dataset:
    return load_dataset(
        cfg.dataset, data_dir=cfg.data_dir, n_train=cfg.n_train, n_test=cfg.n_test, seed=cfg.data_seed
    )


def train_trial(
    cfg: TrialConfig,
    data: Dataset | None = None,
    *,
    on_epoch: Callable[[int, torch.nn.Module], None] | None = None,
    return_model: bool = False,
) -> Any:
    """Train ``cfg``'s model on ``data`` (loaded from the config when None) and measure it.

    ``on_epoch(epoch, model)`` is called at initialisation (epoch 0, before the first step) and
    after every finished epoch (not after a diverged one); it must not change the weights or
    draw from torch's global RNG if the trial is to stay the one its key names.
    ``return_model=True``: return ``(result, trained model)`` instead of the result alone.
    """
    if on_epoch is not None and not callable(on_epoch):
        raise ParameterError(f"on_epoch must be a callable f(epoch, model), got {on_epoch!r}")
    t_start = time.perf_counter()
    if data is None:
        data = _load_for(cfg)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            # randomized activations (rrelu) draw from the global CPU RNG; seeding only it (not every
            # accelerator, as torch.manual_seed does) costs microseconds instead of milliseconds
            torch.default_generator.manual_seed(cfg.seed)
            result, model = _train(cfg, data, t_start, on_epoch)
    finally:
        torch.set_num_threads(threads)
    return (result, model) if return_model else result


def first_epoch_at(errors: Sequence[float], losses: Sequence[float], target: float) -> int | None:
    """The first epoch (1-based) whose training error is <= ``target`` with a finite loss, or None."""
    for k, (e, loss) in enumerate(zip(errors, losses)):
        if math.isfinite(loss) and e <= target:
            return k + 1
    return None


def _train(
    cfg: TrialConfig, data: Dataset, t_start: float, on_epoch: Callable[[int, torch.nn.Module], None] | None
) -> tuple[TrialResult, torch.nn.Module]:
    model = build_model(
        cfg.model,
        (cfg.activation, cfg.params),
        in_shape=data.in_shape,
        n_classes=data.n_classes,
        width=cfg.width,
        depth=cfg.depth,
        init=cfg.init,
        seed=cfg.seed,
        memory=cfg.memory,
        shift=cfg.activation_shift,
    )
    saved = _SavedBytes(model)
    if cfg.optimizer == "sgd":
        opt: Any = _SGD(model.parameters(), cfg.lr, cfg.momentum)
    else:  # adamw: torch's default decoupled weight decay 0.01
        opt = _Adam(
            model.parameters(), cfg.lr, weight_decay=ADAMW_WEIGHT_DECAY if cfg.optimizer == "adamw" else 0.0
        )
    xtr, ytr = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    xte, yte = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test)
    n = len(ytr)
    gen = torch.Generator().manual_seed(cfg.seed)
    losses: list[float] = []
    errors: list[float] = []
    accs: list[float] = []
    secs: list[float] = []
    diverged = False
    xmon = xtr[:EPOCH_MONITOR_SAMPLES]
    curve: list[dict] = []
    masks: list[dict] = []
    callbacks: list[Callable[[int, torch.nn.Module], None]] = []
    tracker = None
    if cfg.track_units:
        from .units import UnitTracker

        tracker = UnitTracker(model, xtr)
        callbacks.append(tracker)
    if on_epoch is not None:
        callbacks.append(on_epoch)
    if cfg.monitor:
        row, mask = _checkpoint(model, xmon, cfg, 0)
        curve.append(row)
        masks.append(mask)
    for cb in callbacks:
        cb(0, model)
    # full-pass checks of the training error (target_checks): after these sample counts in an epoch
    checks = sorted({min(n, -(-n * j // cfg.target_checks)) for j in range(1, cfg.target_checks + 1)})
    hit: tuple[float, float] | None = None  # (epochs, training seconds) at the first check on target
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        wrong = 0
        pending = list(checks) if cfg.target_checks and hit is None else []
        paused = 0.0
        for i in range(0, n, cfg.batch_size):
            idx = perm[i : i + cfg.batch_size]
            xb, yb = xtr[idx], ytr[idx]
            if saved.pending:
                with saved:
                    out = model(xb)
            else:
                out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_value = loss.item()
            loss_sum += loss_value * len(idx)
            wrong += int((out.argmax(1) != yb).sum())
            done = i + len(idx)
            while pending and done >= pending[0]:
                t_check = time.perf_counter()
                trained = float(sum(secs)) + (t_check - t0 - paused)  # training time so far, no checks
                err = 1.0 - _evaluate(model, xtr, ytr)
                model.train()
                paused += time.perf_counter() - t_check
                # (checks are pending only where a target error is set)
                if math.isfinite(loss_value) and cfg.target_error is not None and err <= cfg.target_error:
                    hit = (round(epoch - 1 + pending[0] / n, 6), trained)
                    pending = []
                else:
                    pending.pop(0)
        secs.append(time.perf_counter() - t0 - paused)
        losses.append(loss_sum / n)
        errors.append(wrong / n)
        if not math.isfinite(losses[-1]):
            diverged = True
            accs.append(_evaluate(model, xte, yte))
            break
        accs.append(_evaluate(model, xte, yte))
        if cfg.monitor:
            row, mask = _checkpoint(model, xmon, cfg, epoch)
            curve.append(row)
            masks.append(mask)
        for cb in callbacks:
            cb(epoch, model)
    if tracker is not None:
        tracker.close()

    ett: float | None = None
    stt = None
    if hit is not None:
        ett, stt = hit
    elif cfg.target_error is not None and not cfg.target_checks:
        k = first_epoch_at(errors, losses, cfg.target_error)
        if k is not None:
            ett, stt = k, float(sum(secs[:k]))

    model.eval()
    layer_stats: list[dict] = []
    dead = sat = neg = math.nan
    if not diverged and cfg.monitor:  # a network with non-finite weights has no meaningful unit statistics
        with (
            ActivationMonitor(model, threshold=cfg.monitor_threshold, share=cfg.monitor_share) as mon,
            torch.no_grad(),
        ):
            xm = xtr[:_MONITOR_SAMPLES]
            for i in range(0, len(xm), 1024):
                model(xm[i : i + 1024])
        dead, sat = mon.totals()
        neg = mon.negative_total()
        for s in mon.summary():
            d = s.to_dict()
            d.pop("unit_means")  # per-unit detail stays out of stored results (size)
            layer_stats.append(d)
    result = TrialResult(
        config=cfg,
        train_loss=losses,
        train_error=errors,
        test_accuracy=accs,
        epoch_seconds=secs,
        epochs_to_target=ett,
        seconds_to_target=stt,
        final_test_accuracy=accs[-1] if accs else math.nan,
        dead_fraction=float(dead),
        saturated_fraction=float(sat),
        layer_stats=layer_stats,
        diverged=diverged,
        wall_seconds=time.perf_counter() - t_start,
        n_parameters=sum(p.numel() for p in model.parameters()),
        saved_bytes_per_element=saved.per_element(),
        negative_fraction=float(neg),
        monitor_curve=curve,
        unit_fates={} if diverged else unit_fates(masks),
        unit_tracks=tracker.counts() if tracker is not None and not diverged else {},
    )
    return result, model


# --------------------------------------------------------------------------- learning-rate choice
@dataclass
class LrChoice:
    """The learning rate chosen for one activation, and the score of every candidate."""

    activation: str
    params: dict
    lr: float
    scores: dict[float, float]
    rule: str
    probe_epochs: int
    probe_seed: int


def _score(r: TrialResult, rule: str) -> float:
    if r.diverged or not r.train_loss or not math.isfinite(r.train_loss[-1]):
        return math.inf
    if rule == "final_loss":
        return float(r.train_loss[-1])
    # epochs to target; not reached scores worse than any reached, ordered by final loss
    if r.epochs_to_target is None:
        return 1e6 + float(r.train_loss[-1])
    return float(r.epochs_to_target) + 1e-6 * float(r.train_loss[-1])


def lr_probe_configs(
    cfg: TrialConfig, lr_grid: Sequence[float], *, probe_epochs: int | None = None, probe_seed: int = 10_007
) -> list[TrialConfig]:
    """The short probe trials :func:`choose_lr` runs (one per learning rate)."""
    if not lr_grid:
        raise ParameterError("lr_grid is empty; give at least one learning rate")
    pe = probe_epochs if probe_epochs is not None else max(1, cfg.epochs // 4)
    out = []
    for lr in lr_grid:
        d = cfg.to_dict()
        d.update(lr=float(lr), epochs=pe, seed=probe_seed)
        out.append(TrialConfig.from_dict(d))
    return out


def choose_lr(
    cfg: TrialConfig,
    lr_grid: Sequence[float],
    *,
    rule: str = "final_loss",
    probe_epochs: int | None = None,
    probe_seed: int = 10_007,
    run: Callable[[list[TrialConfig]], list[TrialResult]] | None = None,
) -> LrChoice:
    """Pick ``cfg``'s learning rate from ``lr_grid`` with short probe runs.

    The rule (as the ReLU-vs-tanh experiment of AlexNet's Figure 1, where each network got the
    learning rate that made it train fastest): train one probe per learning rate for
    ``probe_epochs`` (default ``epochs // 4``, at least 1) on a seed used by no evaluation run
    (``probe_seed``, so the choice is not fitted to the seeds it is then scored on), then

    - ``rule="final_loss"``: lowest training loss at the end of the probe;
    - ``rule="epochs_to_target"``: fewest epochs to ``cfg.target_error`` (ties and misses
      broken by the final loss).

    A diverged probe scores +inf. Ties go to the smaller learning rate. ``run`` executes a list
    of configs (e.g. through a process pool); default: one after another in this process.
    """
    if rule not in LR_RULES:
        raise ParameterError(f"unknown lr rule {rule!r}; valid: {', '.join(LR_RULES)}")
    if rule == "epochs_to_target" and cfg.target_error is None:
        raise ParameterError("rule='epochs_to_target' needs cfg.target_error (a training error rate)")
    probes = lr_probe_configs(cfg, lr_grid, probe_epochs=probe_epochs, probe_seed=probe_seed)
    results = run(probes) if run is not None else [train_trial(c) for c in probes]
    return choose_lr_from(cfg, results, rule=rule)


def choose_lr_from(
    cfg: TrialConfig, probe_results: Sequence[TrialResult], *, rule: str = "final_loss"
) -> LrChoice:
    """The :func:`choose_lr` decision from already-run probe results."""
    if not probe_results:
        raise ParameterError("no probe results to choose a learning rate from")
    scores = {r.config.lr: _score(r, rule) for r in probe_results}
    best = min(sorted(scores), key=lambda lr: (scores[lr], lr))
    first = probe_results[0].config
    return LrChoice(cfg.activation, dict(cfg.params), best, scores, rule, first.epochs, first.seed)
