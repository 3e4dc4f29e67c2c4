"""The lab data behind the explorer's "what happens in a network" section.

For every catalog function this computes, with the lab's own code (nothing re-implemented):

- **depth**: :func:`actlab.lab.propagation.propagate` through 100 square random layers at
  initialisation, per init (``he``, ``xavier``, ``lecun``, ``actlab``): the standard deviation
  of each layer's output and the RMS of the gradient backpropagated to it;
- **training**: a small MLP (:func:`actlab.lab.models.build_model`) trained on the lab's
  two-spirals set (:func:`actlab.lab.data.load_dataset`), with train and test accuracy and the
  shares of dead and saturated hidden units (:class:`actlab.lab.monitors.ActivationMonitor`,
  with the lab's thresholds) at initialisation and after every epoch;
- **spirals**: the predicted probability of class 1 on a grid over the plane, at a few
  log-spaced epochs, as 8-bit frames, and a sample of the training points.

The result is committed as ``network_data.json.gz`` beside this file, because training 60-odd
networks takes minutes and the explorer must build in seconds. Regenerate it with::

    python -m actlab.explore.network            # every function (a few minutes on 2 cores)
    python -m actlab.explore.network --only relu,tanh   # recompute some, keep the rest

Numbers are rounded to 4 significant digits (a plot needs no more, and the file stays small);
``null`` stands for a non-finite value (an overflowing signal, a diverged run), because JSON
has no NaN or infinity.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..lab.inits import FAN_SCALED_INITS

__all__ = [
    "DATA_FILE",
    "DEFAULTS",
    "DEPTH_INITS",
    "compute_function",
    "compute_network_data",
    "default_settings",
    "frame_epochs",
    "load_network_data",
    "main",
    "settings_for",
    "write_network_data",
]

VERSION = 1
DATA_FILE = Path(__file__).with_name("network_data.json.gz")
# the depth figure shows the fan-scaled inits, the ones signal-propagation theory is about
DEPTH_INITS = FAN_SCALED_INITS

# Everything that determines the data. The spirals net is small and trained with Adam because
# under these settings relu, tanh and gelu all fit the spirals (> 0.99 train accuracy) well
# before the last epoch, so differences between functions show in *how fast* and *how* they
# learn, not in whether an optimiser setting happened to suit one of them.
DEFAULTS: dict[str, Any] = {
    "depth": 100,
    "depth_width": 256,
    "depth_batch": 256,
    "depth_seed": 0,
    "hidden_width": 32,
    "hidden_layers": 2,
    "init": "he",
    "optimizer": "adam",
    "lr": 0.01,
    "batch_size": 32,
    "epochs": 100,
    "seed": 0,
    "n_train": 1000,
    "n_test": 1000,
    "data_seed": 0,
    "grid": 40,
    "extent": (-2.5, 2.5, -2.5, 2.5),
    "n_frames": 10,
    "n_points": 300,
}

_SIG = 4  # significant digits kept in the file


def frame_epochs(epochs: int, n_frames: int) -> list[int]:
    """Epoch 0 and about ``n_frames`` log-spaced epochs from 1 to ``epochs`` (always the last).

    Log-spaced because a net changes most in its first epochs; rounding can merge neighbours,
    so there may be fewer frames than asked for, never more than ``n_frames + 1``.
    """
    if epochs < 1 or n_frames < 1:
        raise ValueError(f"epochs and n_frames must be >= 1, got {epochs} and {n_frames}")
    if n_frames == 1:
        return [0, epochs]
    ratio = epochs ** (1.0 / (n_frames - 1))
    picked = {round(ratio**k) for k in range(n_frames)} | {epochs}
    return [0] + sorted(e for e in picked if 1 <= e <= epochs)


def _monitor_defaults() -> tuple[float, float]:
    # the lab's trials decide what "saturated" means; take their defaults rather than restating them
    from ..lab.train import TrialConfig

    return float(TrialConfig.monitor_threshold), float(TrialConfig.monitor_share)


def settings_for(**kw: Any) -> dict[str, Any]:
    """The ``settings`` block (without the torch version) for the given computation settings."""
    o = {**DEFAULTS, **kw}
    unknown = set(kw) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}")
    threshold, share = _monitor_defaults()
    return {
        "depth": {
            "function": "actlab.lab.propagation.propagate",
            "layers": o["depth"],
            "width": o["depth_width"],
            "batch": o["depth_batch"],
            "seed": o["depth_seed"],
            "inits": list(DEPTH_INITS),
            "dtype": "float64",
            "network": "square dense layers without bias, h_l = f(W_l h_(l-1)), N(0, 1) inputs",
            "signal_std": "standard deviation of layer l's output over all samples and units",
            "grad_rms": "RMS of dL/dh_l for L = sum(g * h_last), g ~ N(0, 1); about 1 at the last layer",
            "note": "xavier and lecun draw the same weights for square layers (fan_in = fan_out)",
        },
        "training": {
            "dataset": "spirals",
            "n_train": o["n_train"],
            "n_test": o["n_test"],
            "data_seed": o["data_seed"],
            "model": f"mlp 2 -> {o['hidden_layers']} x {o['hidden_width']} -> 2, "
            "actlab.lab.models.build_model",
            "hidden_width": o["hidden_width"],
            "hidden_layers": o["hidden_layers"],
            "init": o["init"],
            "optimizer": o["optimizer"],
            "lr": o["lr"],
            "batch_size": o["batch_size"],
            "epochs": o["epochs"],
            "seed": o["seed"],
            "loss": "cross-entropy",
            "threads": 1,
            "accuracy": "whole train / test set, eval mode, at initialisation (epoch 0) and after each epoch",
            "dead_share": "share of hidden units with f(x) = 0 or f'(x) = 0 on every training sample "
            "(actlab.lab.monitors.ActivationMonitor)",
            "saturated_share": f"share of hidden units with |f'(x)| < {threshold:g} on more than "
            f"{share:g} of the training samples (dead units count as saturated)",
            "monitor_threshold": threshold,
            "monitor_share": share,
        },
        "spirals": {
            "grid": o["grid"],
            "extent": list(o["extent"]),
            "frame_epochs": frame_epochs(o["epochs"], o["n_frames"]),
            "points": o["n_points"],
            "frames": "round(255 * P(class 1)) at the centres of a grid x grid raster over extent, "
            "row-major, row 0 at ymax; eval mode",
        },
        "numbers": f"{_SIG} significant digits; null where a value is not finite",
    }


def default_settings() -> dict[str, Any]:
    """The settings block of the committed file when it is up to date (the torch version aside)."""
    return settings_for()


def _num(v: float) -> float | None:
    v = float(v)
    if not math.isfinite(v):
        return None
    return float(f"{v:.{_SIG}g}")


def _skip_reason(s: Any) -> str | None:
    """Why ``s`` gets no network data, or None when it runs as a hidden-layer activation."""
    if s.kind == "gated":
        return (
            f"{s.name} is gated: it splits its input into two halves and returns half as many units, "
            "so it is not a drop-in hidden-layer activation (the layer before it must be twice as wide); "
            "the lab's depth study needs square layers and its dead/saturated monitor is defined "
            "for elementwise functions only"
        )
    if s.kind == "vector":
        return (
            f"{s.name} is a vector function: it acts along a whole axis (each output depends on every unit "
            "of the layer), so it is an output-layer function rather than a hidden-layer activation; the "
            "lab's depth study and its dead/saturated monitor are defined for elementwise functions only"
        )
    if s.kind != "elementwise":
        return f"{s.name} is of kind {s.kind!r}; only elementwise functions are run in a network here"
    return None


def _depth(name: str, o: dict[str, Any]) -> dict[str, Any]:
    from ..lab.propagation import propagate

    out: dict[str, Any] = {}
    for init in DEPTH_INITS:
        r = propagate(
            name,
            init=init,
            depth=o["depth"],
            width=o["depth_width"],
            batch=o["depth_batch"],
            seed=o["depth_seed"],
            dtype="float64",
        )
        # index 0 of propagate's lists is the input; layers are 1..depth
        out[init] = {
            "layers": list(range(1, r.depth + 1)),
            "signal_std": [_num(math.sqrt(v)) if v >= 0 else None for v in r.var[1:]],
            "grad_rms": [_num(g) for g in r.grad_norm[1:]],
        }
    return out


def _grid_inputs(n: int, extent: Sequence[float]):
    import torch

    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    # pixel centres; rows run from ymax down to ymin so row 0 is the top of the picture
    xs = xmin + (torch.arange(n, dtype=torch.float64) + 0.5) * (xmax - xmin) / n
    ys = ymax - (torch.arange(n, dtype=torch.float64) + 0.5) * (ymax - ymin) / n
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1).float()


def _frame(model: Any, grid: Any) -> str:
    import torch

    with torch.no_grad():
        logits = model(grid).double()
        p = torch.softmax(logits, dim=1)[:, 1]
    # a non-finite logit (an overflowing function far from the data) gives no probability: the
    # frame shows it as undecided (128) rather than as either class
    p = torch.where(torch.isfinite(p), p, torch.full_like(p, 128 / 255))
    u8 = torch.round(p * 255).clamp(0, 255).to(torch.uint8).numpy()
    return base64.b64encode(u8.tobytes()).decode("ascii")


def _accuracy(model: Any, x: Any, y: Any) -> float:
    import torch

    with torch.no_grad():
        return float((model(x).argmax(1) == y).double().mean())


def _unit_shares(model: Any, x: Any, threshold: float, share: float) -> tuple[float, float]:
    import torch

    from ..lab.monitors import ActivationMonitor

    with ActivationMonitor(model, threshold=threshold, share=share) as mon, torch.no_grad():
        model(x)
    return mon.totals()


def _train(name: str, o: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    import torch
    import torch.nn.functional as F

    from ..lab.data import load_dataset
    from ..lab.models import build_model

    threshold, share = _monitor_defaults()
    data = load_dataset("spirals", n_train=o["n_train"], n_test=o["n_test"], seed=o["data_seed"])
    xtr, ytr = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    xte, yte = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test)
    grid = _grid_inputs(o["grid"], o["extent"])
    snap = set(frame_epochs(o["epochs"], o["n_frames"]))

    model = build_model(
        "mlp",
        name,
        in_shape=data.in_shape,
        n_classes=data.n_classes,
        width=o["hidden_width"],
        depth=o["hidden_layers"],
        init=o["init"],
        seed=o["seed"],
    )
    if o["optimizer"] == "adam":
        opt: Any = torch.optim.Adam(model.parameters(), lr=o["lr"])
    elif o["optimizer"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=o["lr"], momentum=0.9)
    else:
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {o['optimizer']!r}")
    order = torch.Generator().manual_seed(o["seed"])

    train_acc, test_acc, dead, sat = [], [], [], []
    epochs_shot, frames = [], []

    def checkpoint(epoch: int) -> None:
        model.eval()
        train_acc.append(_num(_accuracy(model, xtr, ytr)))
        test_acc.append(_num(_accuracy(model, xte, yte)))
        d, s = _unit_shares(model, xtr, threshold, share)
        dead.append(_num(d))
        sat.append(_num(s))
        if epoch in snap:
            epochs_shot.append(epoch)
            frames.append(_frame(model, grid))

    diverged = False
    checkpoint(0)
    for epoch in range(1, o["epochs"] + 1):
        model.train()  # rrelu draws its random slopes in training mode
        perm = torch.randperm(len(ytr), generator=order)
        for i in range(0, len(ytr), o["batch_size"]):
            idx = perm[i : i + o["batch_size"]]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            if not torch.isfinite(loss):
                diverged = True
                break
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if diverged:
            break
        checkpoint(epoch)
    # a diverged run keeps its curves' length; the epochs it never reached are null, and it has
    # no frames after its last finite epoch
    missing = o["epochs"] + 1 - len(train_acc)
    for series in (train_acc, test_acc, dead, sat):
        series.extend([None] * missing)

    k = min(o["n_points"], len(ytr))
    training = {
        "epochs": list(range(o["epochs"] + 1)),
        "train_acc": train_acc,
        "test_acc": test_acc,
        "dead_share": dead,
        "saturated_share": sat,
    }
    spirals = {
        "extent": [float(v) for v in o["extent"]],
        "n": o["grid"],
        "epochs": epochs_shot,
        "frames": frames,
        "points": {
            # the training set is already in random order, so its first k points are a fair sample
            "x": [round(float(v), 3) for v in data.x_train[:k, 0]],
            "y": [round(float(v), 3) for v in data.x_train[:k, 1]],
            "label": [int(v) for v in data.y_train[:k]],
        },
    }
    return training, spirals


def compute_function(name: str, **settings: Any) -> dict[str, Any]:
    """The network entry of one catalog function (see :func:`compute_network_data`)."""
    import torch

    from ..registry import spec

    settings_for(**settings)  # rejects unknown settings
    o = {**DEFAULTS, **settings}
    s = spec(name)
    reason = _skip_reason(s)
    if reason is not None:
        return {"skipped": reason}
    threads = torch.get_num_threads()
    # one thread and a private copy of torch's global RNG (rrelu's slopes draw from it): the same
    # settings give the same numbers on every run on a machine, as the lab's trials do
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(o["seed"])
            entry: dict[str, Any] = {"depth": _depth(s.name, o)}
            entry["training"], entry["spirals"] = _train(s.name, o)
    finally:
        torch.set_num_threads(threads)
    return entry


def compute_network_data(
    names: Iterable[str] | None = None, *, progress: bool = False, **settings: Any
) -> dict:
    """Compute the explorer's network data for ``names`` (None: every catalog function).

    Keyword settings override :data:`DEFAULTS` (``depth``, ``depth_width``, ``depth_batch``,
    ``depth_seed``, ``hidden_width``, ``hidden_layers``, ``init``, ``optimizer`` (``adam`` or
    ``sgd`` with momentum 0.9), ``lr``, ``batch_size``, ``epochs``, ``seed``, ``n_train``,
    ``n_test``, ``data_seed``, ``grid``, ``extent``, ``n_frames``, ``n_points``).

    Returns ``{"version": 1, "settings": {...}, "functions": {name: entry}}``; an entry holds
    ``depth``, ``training`` and ``spirals``, or only ``skipped`` (the reason) for a function
    that is not a hidden-layer activation (gated and vector kinds).
    """
    import torch

    from ..registry import all_specs, spec

    settings_block = settings_for(**settings)
    settings_block["torch"] = torch.__version__
    chosen = [s.name for s in all_specs()] if names is None else [spec(n).name for n in names]
    functions: dict[str, Any] = {}
    for i, name in enumerate(chosen, 1):
        t0 = time.perf_counter()
        functions[name] = compute_function(name, **settings)
        if progress:
            print(
                f"[{i}/{len(chosen)}] {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True
            )
    return {"version": VERSION, "settings": settings_block, "functions": functions}


def load_network_data(path: str | Path | None = None) -> dict | None:
    """The committed network data (``network_data.json.gz`` beside this module), or None if absent."""
    p = Path(path) if path is not None else DATA_FILE
    if not p.is_file():
        return None
    with gzip.open(p, "rt", encoding="utf-8") as f:
        return json.load(f)


def write_network_data(data: dict, path: str | Path | None = None) -> Path:
    """Write ``data`` as compact gzipped JSON; the same data gives the same bytes (mtime 0)."""
    p = Path(path) if path is not None else DATA_FILE
    blob = json.dumps(data, separators=(",", ":"), sort_keys=True, allow_nan=False).encode("utf-8")
    p.write_bytes(gzip.compress(blob, compresslevel=9, mtime=0))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actlab.explore.network",
        description="Regenerate the explorer's network data (depth, training, spirals frames).",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated functions to recompute; the others are kept from the existing file "
        "(whose settings must then be the current ones)",
    )
    parser.add_argument("--out", metavar="PATH", help=f"where to write (default: {DATA_FILE})")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else DATA_FILE
    t0 = time.perf_counter()
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        old = load_network_data(out)
        if old is None:
            parser.error(f"--only needs an existing {out} to merge into; run without --only first")
        old_settings = {k: v for k, v in old.get("settings", {}).items() if k != "torch"}
        if old.get("version") != VERSION or old_settings != default_settings():
            parser.error(f"{out} was computed with other settings; regenerate it whole (without --only)")
        fresh = compute_network_data(names, progress=True)
        old["functions"].update(fresh["functions"])
        old["settings"]["torch"] = fresh["settings"]["torch"]
        data = old
    else:
        data = compute_network_data(progress=True)
    write_network_data(data, out)
    took = time.perf_counter() - t0
    print(
        f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(data['functions'])} functions) in {took:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
