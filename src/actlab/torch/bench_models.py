"""End-to-end training steps: the same model with actlab's activations and with torch.nn's.

One op in isolation is not what a user runs. ``bench_models`` times whole training steps
(forward, loss, backward) of three models where the activation matters, each built twice from
one seed, once with ``actlab.torch`` modules and once with the torch.nn (or hand-written torch)
equivalent, and measures them side by side in one process (repeats go round the columns):

- ``mlp``: the lab's MLP on 8x8 digits (64 inputs, 2x128, batch 64): per-call overhead dominates;
- ``cnn``: the lab's CNN on 28x28 images (batch 64);
- ``transformer-mlp``: a transformer's MLP block, Linear(512, 2048) -> activation ->
  Linear(2048, 512) on 8 x 512 tokens (SwiGLU/GeGLU: Linear(512, 4096) -> gated unit -> 2048).

Peak memory is the resident set above the starting level during one step (sampled). Seconds
per epoch of ``actlab compare`` are a separate measurement (see docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ParameterError
from .bench import _peak_mb, _time_ms, calls_per_run
from .modules import create

__all__ = ["E2E_MODELS", "ModelRow", "bench_models", "markdown_models", "to_dicts"]

E2E_MODELS = ("mlp", "cnn", "transformer-mlp")
DEFAULT_ACTIVATIONS = ("relu", "gelu", "silu", "mish", "tanh", "swiglu")


class _GatedTorch(nn.Module):
    """The hand-written torch form of a gated unit: a * gate(b), halves of the last dimension."""

    def __init__(self, gate: Callable[[torch.Tensor], torch.Tensor]):
        super().__init__()
        self.gate = gate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = x.chunk(2, dim=-1)
        return a * self.gate(b)


def _torch_activation(name: str) -> nn.Module:
    table: dict[str, Callable[[], nn.Module]] = {
        "relu": nn.ReLU,
        "gelu": nn.GELU,
        "silu": nn.SiLU,
        "mish": nn.Mish,
        "tanh": nn.Tanh,
        "sigmoid": nn.Sigmoid,
        "elu": nn.ELU,
        "leaky_relu": nn.LeakyReLU,
        "softplus": nn.Softplus,
        "hardswish": nn.Hardswish,
        "swiglu": lambda: _GatedTorch(F.silu),
        "geglu": lambda: _GatedTorch(F.gelu),
        "reglu": lambda: _GatedTorch(F.relu),
    }
    if name not in table:
        raise ParameterError(f"no torch counterpart to compare {name!r} with; choose from {sorted(table)}")
    return table[name]()


def _model(kind: str, act: Callable[[], nn.Module], gated: bool) -> tuple[nn.Module, torch.Tensor, Any]:
    g = torch.Generator().manual_seed(0)
    if kind == "mlp":
        w = 2 if gated else 1
        m = nn.Sequential(nn.Linear(64, 128 * w), act(), nn.Linear(128, 128 * w), act(), nn.Linear(128, 10))
        x = torch.randn(64, 64, generator=g)
        return m, x, torch.randint(0, 10, (64,), generator=g)
    if kind == "cnn":
        m = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), act(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 14 * 14, 10)
        )
        x = torch.randn(64, 1, 28, 28, generator=g)
        return m, x, torch.randint(0, 10, (64,), generator=g)
    hidden = 2048
    m = nn.Sequential(nn.Linear(512, hidden * (2 if gated else 1)), act(), nn.Linear(hidden, 512))
    x = torch.randn(8 * 512, 512, generator=g)
    return m, x, None


@dataclass
class ModelRow:
    model: str
    activation: str
    step_ms: dict[str, float] = field(default_factory=dict)  # "actlab", "torch"
    peak_mb: dict[str, float] = field(default_factory=dict)

    def ratio(self) -> float:
        return self.step_ms["actlab"] / self.step_ms["torch"]


def bench_models(
    activations: Sequence[str] = DEFAULT_ACTIVATIONS,
    models: Sequence[str] = E2E_MODELS,
    *,
    repeats: int = 20,
    warmup: int = 3,
    threads: int = 2,
    memory: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[ModelRow]:
    """Training-step time and peak memory, actlab vs torch, for each model and activation."""
    for k in models:
        if k not in E2E_MODELS:
            raise ParameterError(f"unknown model {k!r}; choose from {', '.join(E2E_MODELS)}")
    torch.set_num_threads(threads)
    rows = []
    for kind in models:
        for name in activations:
            if progress:
                progress(f"{kind} {name}")
            gated = name in ("swiglu", "geglu", "reglu")
            if gated and kind == "cnn":
                continue  # a gated unit halves the channels: not the same network
            kw: dict[str, Any] = {} if memory is None else {"memory": memory}
            ours, x, y = _model(kind, functools.partial(create, name, **kw), gated)
            theirs, _, _ = _model(kind, functools.partial(_torch_activation, name), gated)
            theirs.load_state_dict(ours.state_dict())

            def step(m: nn.Module) -> Callable[[], None]:
                def run() -> None:
                    m.zero_grad(set_to_none=True)
                    out = m(x)
                    loss = F.cross_entropy(out, y) if y is not None else out.square().mean()
                    loss.backward()

                return run

            steps = {"actlab": step(ours), "torch": step(theirs)}
            for f in steps.values():
                for _ in range(warmup):
                    f()
            times: dict[str, list[float]] = {k: [] for k in steps}
            calls = calls_per_run(steps["actlab"])
            for _ in range(repeats):
                for k, f in steps.items():
                    times[k].append(_time_ms(f, calls))
            row = ModelRow(kind, name)
            for k, f in steps.items():
                row.step_ms[k] = statistics.median(times[k])
                row.peak_mb[k] = _peak_mb(f)
            rows.append(row)
    return rows


def markdown_models(rows: Sequence[ModelRow], command: str) -> str:
    head = "| model | activation | step ms actlab | torch | actlab/torch | peak MB actlab | torch |"
    sep = "|---|---|---:|---:|---:|---:|---:|"
    body = [
        f"| {r.model} | {r.activation} | {r.step_ms['actlab']:.2f} | {r.step_ms['torch']:.2f} | "
        f"{r.ratio():.2f}x | {r.peak_mb['actlab']:.0f} | {r.peak_mb['torch']:.0f} |"
        for r in rows
    ]
    return f"Command: `{command}`\n\n" + "\n".join([head, sep, *body]) + "\n"


def to_dicts(rows: Sequence[ModelRow]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]
