"""Signal propagation at initialisation: how activations and gradients travel through depth.

A stack of ``depth`` square dense layers ``h_l = f(W_l h_{l-1})`` (no bias) is fed standard
normal inputs; the forward pass records the mean and variance of every layer's output, and one
backward pass from a standard normal output gradient records the size of the backpropagated
gradient at every layer. Nothing is trained: this is the picture behind vanishing and exploding
gradients, He-versus-Xavier initialisation and SELU's self-normalising fixed point.

Named inits are drawn by the lab's :func:`~actlab.lab.models.init_weights` (one definition of
each init for propagation and training); the weights' standard deviation is:

=========== =====================================================================
``he``      sqrt(2 / fan_in)                         (He et al. 2015)
``xavier``  sqrt(2 / (fan_in + fan_out)); alias ``glorot`` (Glorot & Bengio 2010)
``lecun``   sqrt(1 / fan_in)                         (LeCun et al. 1998)
``actlab``  g / sqrt(fan_in), g = 1 / sqrt(E[f(z)^2]), z ~ N(0, 1), from the spec
``default`` torch's ``nn.Linear`` default, uniform(+-1 / sqrt(fan_in))
a number g  g / sqrt(fan_in)
=========== =====================================================================

The computation runs in float64 by default because a sigmoid stack shrinks gradients by about
4x per layer: after 100 layers they are ~1e-60, below float32's smallest subnormal.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from ..errors import ParameterError
from .inits import INIT_ALIASES, PROPAGATION_INITS
from .refs import ActivationRef

__all__ = [
    "INITS",
    "PropagationResult",
    "plot_propagation",
    "propagate",
    "resolve_activation",
]

# the fan-scaled inits and torch's default (see actlab.lab.inits)
INITS = PROPAGATION_INITS


def resolve_activation(
    activation: Any, params: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """``"elu"``, ``("elu", {"alpha": 0.5})`` or ``{"name": ..., "params": ...}`` -> (canonical name, params).

    Unknown names raise :class:`actlab.UnknownActivationError` (with close matches); parameters
    are checked against the spec's bounds.
    """
    ref = ActivationRef.parse(activation)
    if params:
        ref = ActivationRef.parse((ref.name, {**ref.params, **params}))
    return ref.name, dict(ref.params)


def _check_init(init: str | float) -> str:
    """The canonical init name (``glorot`` -> ``xavier``), or ``gain <g>`` for a number."""
    if isinstance(init, bool) or not isinstance(init, (str, int, float)):
        raise ParameterError(f"init must be one of {', '.join(INITS)} or a positive gain, got {init!r}")
    if isinstance(init, str):
        key = init.lower()
        if key not in INITS:
            raise ParameterError(
                f"unknown init {init!r}; choose one of {', '.join(INITS)} or a positive gain"
            )
        return INIT_ALIASES.get(key, key)
    if not (math.isfinite(init) and init > 0):
        raise ParameterError(f"an init gain must be a positive finite number, got {init!r}")
    return f"gain {float(init):g}"


def _draw_weights(
    init: str | float, key: str, name: str, params: dict, depth: int, width: int, dtype, seed: int
):
    """``depth`` weight matrices of shape (width, width), reproducible from ``seed``."""
    import torch
    from torch import nn

    if isinstance(init, str):
        from .models import init_weights

        # init_weights draws from torch's global RNG: seed a private copy of it
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            layers = [nn.Linear(width, width, bias=False, dtype=dtype) for _ in range(depth)]
            init_weights(nn.Sequential(*layers), key, (name, dict(params)))
        return [layer.weight.detach() for layer in layers]
    gen = torch.Generator().manual_seed(seed)
    std = float(init) / math.sqrt(width)
    return [torch.randn(width, width, generator=gen, dtype=dtype) * std for _ in range(depth)]


@dataclass
class PropagationResult:
    """Per-layer statistics of one random deep network at initialisation.

    Every list has ``depth + 1`` entries; index 0 is the input, index ``l`` the output of layer ``l``.
    ``weight_std`` is the standard deviation of the drawn weights (all layers), ``gain`` that
    times sqrt(width). ``mean`` and ``var`` are taken over all samples and units of a layer's output ``h_l``;
    ``pre_second_moment`` is E[z_l^2] of the pre-activations (the input's at index 0);
    ``grad_norm`` is the root-mean-square element of dL/dh_l for L = sum(g * h_depth) with
    g ~ N(0, 1), i.e. the typical size of the gradient reaching one unit of that layer.
    """

    activation: str
    params: dict[str, Any]
    init: str
    weight_std: float
    gain: float
    width: int
    depth: int
    batch: int
    seed: int
    dtype: str
    mean: list[float] = field(default_factory=list)
    var: list[float] = field(default_factory=list)
    pre_second_moment: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.activation}{'(' + extra + ')' if extra else ''} / {self.init}"

    def per_layer_ratio(self, what: str = "var", start: int = 1, stop: int | None = None) -> float:
        """Geometric-mean factor by which ``what`` changes per layer from layer ``start`` to ``stop``.

        For ``"grad_norm"`` the factor is taken going *down* the network (layer l-1 over layer l),
        so a value < 1 means gradients shrink on their way to the input. Returns 0.0 when the
        quantity has underflowed to zero at the end of the range.
        """
        values = self._series(what)
        stop = self.depth if stop is None else stop
        if not (0 <= start < stop <= self.depth):
            raise ParameterError(
                f"per_layer_ratio needs 0 <= start < stop <= depth ({self.depth}); "
                f"got start={start}, stop={stop}"
            )
        a, b = values[start], values[stop]
        if what == "grad_norm":
            a, b = b, a  # down the network: from layer `stop` to layer `start`
        if a <= 0 or not math.isfinite(a):
            return math.nan
        if b <= 0:
            return 0.0
        return math.exp((math.log(b) - math.log(a)) / (stop - start))

    def _series(self, what: str) -> list[float]:
        if what not in ("mean", "var", "pre_second_moment", "grad_norm"):
            raise ParameterError(f"unknown series {what!r}; choose mean, var, pre_second_moment or grad_norm")
        return getattr(self, what)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def propagate(
    activation: Any,
    params: Mapping[str, Any] | None = None,
    *,
    init: str | float = "he",
    depth: int = 100,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    dtype: str = "float64",
) -> PropagationResult:
    """Push N(0, 1) inputs through ``depth`` random ``width x width`` layers of ``activation``.

    Args:
        activation: an actlab name (``"selu"``), a ``(name, params)`` pair or a config dict.
        params: parameters of the activation (merged over those given with ``activation``).
        init: ``"he"``, ``"xavier"``/``"glorot"``, ``"lecun"``, ``"actlab"`` (the spec's gain),
            ``"default"`` (torch's ``nn.Linear`` default) or a positive gain.
        depth, width, batch: layers, units per layer, samples in the input batch.
        seed: seeds the input, every weight matrix and the output gradient.
        dtype: ``"float64"`` (default; gradients through deep sigmoid stacks underflow float32)
            or ``"float32"``.

    Returns:
        A :class:`PropagationResult` with per-layer mean, variance, pre-activation second moment
        and gradient size.
    """
    import torch

    from ..registry import spec as get_spec
    from ..torch import create

    name, p = resolve_activation(activation, params)
    s = get_spec(name)
    if s.kind != "elementwise":
        raise ParameterError(
            f"{name} is a {s.kind} activation; signal propagation is defined here for elementwise "
            f"ones (a square layer keeps its width). Pick an elementwise activation."
        )
    for label, v, lo in (("depth", depth, 1), ("width", width, 1), ("batch", batch, 2)):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ParameterError(f"{label} must be an integer >= {lo}, got {v!r}")
    if dtype not in ("float64", "float32"):
        raise ParameterError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    tdtype = getattr(torch, dtype)
    init_name = _check_init(init)
    if init_name == "actlab":
        from .models import init_gain_for

        init_gain_for((name, p))  # fails early, naming the activation, when no finite gain exists
    weights = _draw_weights(init, init_name, name, p, depth, width, tdtype, int(seed))
    std = float(torch.cat([w.reshape(-1) for w in weights]).std())

    gen = torch.Generator().manual_seed(int(seed))
    act = create(name, **p)
    if any(True for _ in act.parameters()):
        act = act.to(tdtype)  # learnable activation parameters (PReLU's slope) follow the dtype
    x = torch.randn(batch, width, generator=gen, dtype=tdtype)
    hs = [x.requires_grad_(True)]
    pre_m2 = [float((x.detach() ** 2).mean())]
    h = hs[0]
    for w in weights:
        z = h @ w.T
        pre_m2.append(float((z.detach() ** 2).mean()))
        h = act(z)
        h.retain_grad()
        hs.append(h)
    g = torch.randn(batch, width, generator=gen, dtype=tdtype)
    (h * g).sum().backward()

    means, variances, grads = [], [], []
    for t in hs:
        d = t.detach()
        means.append(float(d.mean()))
        variances.append(float(d.var(unbiased=False)))
        gr = t.grad
        grads.append(0.0 if gr is None else float(gr.pow(2).mean().sqrt()))
    return PropagationResult(
        activation=name,
        params=p,
        init=init_name,
        weight_std=std,
        gain=std * math.sqrt(width),
        width=width,
        depth=depth,
        batch=batch,
        seed=int(seed),
        dtype=dtype,
        mean=means,
        var=variances,
        pre_second_moment=pre_m2,
        grad_norm=grads,
    )


def plot_propagation(
    results: Sequence[PropagationResult],
    *,
    panels: Sequence[str] = ("mean", "var", "grad_norm"),
    title: str | None = None,
):
    """Mean (linear), variance and gradient size (log scale) against depth, one line per result.

    Returns a matplotlib ``Figure`` (the caller saves it or embeds it in a report).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not results:
        raise ParameterError("plot_propagation needs at least one PropagationResult")
    titles = {
        "mean": "mean of h_l",
        "var": "variance of h_l (log)",
        "pre_second_moment": "E[z_l^2] (log)",
        "grad_norm": "gradient size |dL/dh_l| (log)",
    }
    for what in panels:
        if what not in titles:
            raise ParameterError(f"unknown panel {what!r}; choose from {', '.join(titles)}")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.8), constrained_layout=True)
    axes = [axes] if len(panels) == 1 else list(axes)
    for ax, what in zip(axes, panels):
        for r in results:
            ys = getattr(r, what)
            xs = list(range(len(ys)))
            if what != "mean":
                # zeros (underflow) cannot be drawn on a log axis; leave a gap instead
                ys = [y if y > 0 else math.nan for y in ys]
            ax.plot(xs, ys, lw=1.6, label=r.label)
        if what != "mean":
            ax.set_yscale("log")
        ax.set_title(titles[what])
        ax.set_xlabel("layer")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="best")
    if title:
        fig.suptitle(title)
    return fig
