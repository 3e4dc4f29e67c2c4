"""Every option of ``actlab compare``, typed, defaulted and explained once.

:class:`CompareConfig` is what :func:`actlab.lab.compare.compare` runs and what its report
describes; the command line's flags are generated from its fields (:func:`add_flags`,
:func:`from_namespace`), so an option is added by adding a field. Torch-free at import, so that
building the command line does not import torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import ParameterError, UsageError
from .choices import LR_RULES, MODELS, OPTIMIZERS, RUNNERS
from .inits import INITS, init_meaning
from .refs import ActivationRef, parse_ref_list

__all__ = ["DEFAULT_ACTIVATIONS", "CompareConfig", "add_flags", "from_namespace"]

DEFAULT_ACTIVATIONS = (
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "mish",
    "tanh",
    "sigmoid",
    "softplus",
)


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError as e:
        raise UsageError(f"expected comma-separated numbers, e.g. 0.01,0.03,0.1; got {text!r}") from e


def _memory_tiers(text: str) -> tuple[str, ...]:
    """``--memory default,3bit``: the tiers as given; the config checks them (``_tiers``)."""
    return tuple(t.strip() for t in text.split(","))


def option(
    default: Any,
    help: str,
    *,
    type: Callable[[str], Any] | None = None,
    from_text: Callable[[str], Any] | None = None,
    choices: Sequence[Any] | None = None,
    metavar: str | None = None,
) -> Any:
    """A config field and its command-line flag: ``type`` converts in argparse (a bad value is a
    usage message from argparse); ``from_text`` converts after parsing, for values whose errors
    are worth a sentence of their own (lists of activations, rates, tiers)."""
    meta = {"help": help, "type": type, "from_text": from_text, "choices": choices, "metavar": metavar}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class CompareConfig:
    """What ``actlab compare`` trains and how; every value is checked when the config is made.

    ``activations``, ``seeds``, ``lr_grid`` and ``memory`` take the forms the Python call
    takes (a name or :class:`~actlab.lab.refs.ActivationRef` form per activation, a seed count or
    list, a tier or several) and are kept as tuples: activation references, seeds, rates, tiers.
    """

    activations: Any = option(
        None,
        "comma-separated names, parameters as name:key=value (default: 10 common ones)",
        from_text=parse_ref_list,
        metavar="LIST",
    )
    dataset: str | Path = option(
        "digits",
        "digits (default), fashion-mnist, mnist, spirals, teacher, or your own .npz file (x_train, "
        "y_train, x_test, y_test)",
    )
    model: str = option(
        "mlp",
        "network to train (resnet: batch-norm, --depth residual blocks, a hidden --width layer)",
        choices=MODELS,
    )
    seeds: Any = option(5, "number of seeds (default 5: fewer make the 95%% CIs too narrow)", type=int)
    epochs: int | None = option(None, "default: 30 on digits, 10 on (fashion-)mnist", type=int)
    lr: float = option(0.05, "learning rate of every activation (default 0.05)", type=float)
    lr_grid: Any = option(
        None,
        "choose each activation's learning rate from these, e.g. 0.01,0.03,0.1",
        from_text=_floats,
        metavar="LIST",
    )
    lr_rule: str = option("final_loss", "how --lr-grid picks each activation's rate", choices=LR_RULES)
    probe_epochs: int | None = option(None, "epochs of each lr probe (default: epochs/4)", type=int)
    batch_size: int = option(64, "mini-batch size", type=int)
    optimizer: str = option("sgd", "optimizer", choices=OPTIMIZERS)
    momentum: float = option(0.9, "SGD momentum, in [0, 1)", type=float)
    init: str = option(
        "default",
        "weight init: " + "; ".join(f"{n}: {init_meaning(n)}" for n in INITS),
        choices=INITS,
    )
    width: int = option(128, "units per hidden layer", type=int)
    depth: int = option(2, "hidden layers of the MLP", type=int)
    memory: Any = option(
        "default",
        "what the activations save for backward: default, lean (1-bit mask, exact, piecewise-linear "
        "functions), 2bit, 3bit, 4bit (few-bit f' code for smooth functions: approximate gradient); "
        "several, comma-separated, run each activation at each tier (e.g. default,3bit,2bit)",
        from_text=_memory_tiers,
        metavar="TIERS",
    )
    n_train: int | None = option(None, "use a random subset of the training set", type=int)
    n_test: int | None = option(None, "use a random subset of the test set", type=int)
    target_error: float | None = option(None, "training error for epochs-to-target", type=float)
    target_checks: int = option(
        0,
        "measure the target on K full passes over the training set per epoch (epochs to target in "
        "steps of 1/K; default 0: each epoch's running mini-batch error)",
        type=int,
        metavar="K",
    )
    data_dir: str | None = option(None, "directory with the IDX files of fashion-mnist/mnist")
    level: float = option(0.95, "confidence level of the bootstrap intervals", type=float)
    n_boot: int = option(10000, "bootstrap resamples per interval", type=int)
    runner: Any = option("local", "where trials run", choices=RUNNERS)
    workers: int | None = option(None, "parallel trials (default: min(2, cores))", type=int)
    address: str | None = option(None, "scheduler address of a running dask/ray cluster")

    def __post_init__(self) -> None:
        given = self.activations if self.activations is not None else DEFAULT_ACTIVATIONS
        if isinstance(given, (str, ActivationRef, dict)) or (
            isinstance(given, tuple) and len(given) == 2 and isinstance(given[1], dict)
        ):
            raise ParameterError(
                f"activations is a list of activations, got one: {given!r}; wrap it in a list: [{given!r}]"
            )
        refs = tuple(_elementwise(ActivationRef.parse(a)) for a in given)
        if not refs:
            raise ParameterError("no activations to compare")
        labels = [r.label for r in refs]
        if len(set(labels)) != len(labels):
            raise ParameterError(f"activations listed twice: {labels}")
        _set(self, "activations", refs)
        _set(self, "memory", _tiers(self.memory))
        _set(self, "seeds", _seeds(self.seeds))
        if self.lr_rule not in LR_RULES:
            raise ParameterError(f"unknown lr rule {self.lr_rule!r}; valid: {', '.join(LR_RULES)}")
        if self.lr_grid:
            grid = tuple(float(x) for x in self.lr_grid)
            if any(not (x > 0 and math.isfinite(x)) for x in grid):
                raise ParameterError(f"learning rates must be positive numbers, got {list(self.lr_grid)}")
            _set(self, "lr_grid", grid)
        else:
            _set(self, "lr_grid", None)
        if not 0.0 < self.level < 1.0:
            raise ParameterError(f"level is a confidence level in (0, 1), e.g. 0.95; got {self.level!r}")
        if isinstance(self.n_boot, bool) or not isinstance(self.n_boot, int) or self.n_boot < 1:
            raise ParameterError(f"n_boot is a positive number of resamples, e.g. 10000; got {self.n_boot!r}")

    @property
    def labels(self) -> list[str]:
        """The variants compared, activation-major: ``gelu``, or with several memory tiers
        ``gelu [default]``, ``gelu [3bit]``, ..."""
        if len(self.memory) == 1:
            return [r.label for r in self.activations]
        return [f"{r.label} [{t}]" for r in self.activations for t in self.memory]

    def replace(self, **changes: Any) -> CompareConfig:
        return dataclasses.replace(self, **changes)


def _set(cfg: CompareConfig, name: str, value: Any) -> None:
    object.__setattr__(cfg, name, value)  # normalising a frozen config while it is made


def _elementwise(ref: ActivationRef) -> ActivationRef:
    from ..registry import spec

    s = spec(ref.name)
    if s.kind != "elementwise":
        raise ParameterError(
            f"{s.name} is a {s.kind} activation; compare trains hidden layers with elementwise activations"
        )
    return ref


def _tiers(memory: str | Sequence[str]) -> tuple[str, ...]:
    from ..torch import MEMORY_TIERS

    items = [memory] if isinstance(memory, str) else list(memory)
    if not items:
        raise ParameterError(f"memory names no tier; give one or more of {', '.join(MEMORY_TIERS)}")
    for t in items:
        if not isinstance(t, str) or t not in MEMORY_TIERS:
            raise ParameterError(
                f"{t!r} is not a memory tier, not one of {', '.join(MEMORY_TIERS)}: 'default' saves what "
                "torch saves, 'lean' a 1-bit mask for piecewise-linear functions (exact), '2bit'/'3bit'/"
                "'4bit' also a few-bit code of f' for smooth functions (approximate gradient); "
                "comma-separated on the command line (e.g. --memory default,3bit,2bit)"
            )
    if len(set(items)) != len(items):
        raise ParameterError(f"memory tiers listed twice: {items}")
    return tuple(items)


def _seeds(seeds: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(seeds, bool):
        raise ParameterError(f"seeds is a count or a list of seeds, got {seeds!r}")
    if isinstance(seeds, int):
        if seeds < 1:
            raise ParameterError(f"seeds must be >= 1, got {seeds}")
        return tuple(range(seeds))
    out = tuple(int(s) for s in seeds)
    if not out or len(set(out)) != len(out):
        raise ParameterError(f"seeds must be a non-empty list of distinct integers, got {seeds!r}")
    return out


def flag_name(field_name: str) -> str:
    return "--" + field_name.replace("_", "-")


def add_flags(parser: argparse.ArgumentParser, cls: type = CompareConfig) -> None:
    """One flag per field of ``cls``: ``--field-name``, its type, choices, default and help."""
    for f in dataclasses.fields(cls):
        m = f.metadata
        kw: dict[str, Any] = {"default": f.default, "help": m["help"]}
        for key in ("type", "choices", "metavar"):
            if m.get(key) is not None:
                kw[key] = m[key]
        parser.add_argument(flag_name(f.name), dest=f.name, **kw)


def from_namespace(ns: argparse.Namespace, cls: type = CompareConfig, **overrides: Any) -> Any:
    """The config the parsed flags describe (``from_text`` conversions applied here, so their
    errors name the flag's value); ``overrides`` replace fields."""
    values = {}
    for f in dataclasses.fields(cls):
        v = getattr(ns, f.name)
        conv = f.metadata.get("from_text")
        if conv is not None and isinstance(v, str):
            v = conv(v)
        values[f.name] = v
    return cls(**{**values, **overrides})
