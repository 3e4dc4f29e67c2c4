"""Models for the lab: an MLP, a small 4-weight-layer CNN and a small ResNet, with any activation
and init.

Activations are separate modules (``act1``, ``act2``, ...) so monitors can hook them and
``actlab.torch.replace_activations``-style surgery can find them.

Inits (weights drawn from a normal distribution, biases zero; every Linear/Conv layer,
including the classifier):

========== ============================== ===================================================
init       std of W                        why
========== ============================== ===================================================
default    torch's own (Kaiming-uniform,  what a user gets without thinking about it
           a=sqrt(5); biases uniform)
he         sqrt(2 / fan_in)               He et al. 2015: keeps ReLU pre-activation variance
xavier     sqrt(2 / (fan_in + fan_out))   Glorot & Bengio 2010: keeps variance for linear/tanh
lecun      sqrt(1 / fan_in)               LeCun 1998; the init SELU's fixed point assumes
actlab     g / sqrt(fan_in),              per activation, from the spec: the gain that keeps
           g = 1/sqrt(E[f(z)^2]), z~N(0,1) E[x^2] of the next pre-activation at 1
normal0.01 0.01, whatever the fan-in         AlexNet's weights (Krizhevsky et al. 2012, sec. 5):
                                          a fixed small std
alexnet    0.01; biases 1 in the hidden   AlexNet's whole rule (sec. 5): biases of 1 "provide
           layers after the first          the ReLUs with positive inputs" early in training
========== ============================== ===================================================
"""

from __future__ import annotations

import copy
import math
from collections import OrderedDict
from typing import Any, Mapping

import torch
from torch import nn

from ..errors import ParameterError
from .choices import MODELS
from .inits import INITS
from .refs import ActivationRef

__all__ = [
    "INITS",
    "MODELS",
    "ResidualBlock",
    "ShiftedActivation",
    "activation_label",
    "build_model",
    "init_gain_for",
    "init_weights",
    "make_activation",
]


ActivationLike = (
    Any  # str | tuple[str, dict] | {"name":..., "params":...} | nn.Module class/instance | factory
)


def _name_params(activation: ActivationLike) -> tuple[str, dict[str, Any]] | None:
    """(name, params) when ``activation`` names a catalog entry, else None."""
    if (
        isinstance(activation, str)
        or (isinstance(activation, tuple) and len(activation) == 2 and isinstance(activation[0], str))
        or (isinstance(activation, Mapping) and "name" in activation)
    ):
        ref = ActivationRef.parse(activation)
        return ref.name, dict(ref.params)
    from ..torch import ActivationModule

    if isinstance(activation, ActivationModule):
        return activation.spec.name, dict(activation.to_config().get("params", {}))
    if isinstance(activation, type) and issubclass(activation, ActivationModule):
        return activation.spec.name, {}
    return None


def activation_label(activation: ActivationLike) -> str:
    """A short human label: ``elu``, ``elu(alpha=0.5)``, or the factory's name."""
    np_ = _name_params(activation)
    if np_ is not None:
        return ActivationRef(*np_).label
    return getattr(activation, "__name__", type(activation).__name__)


def make_activation(activation: ActivationLike, memory: str | None = None) -> nn.Module:
    """A fresh activation module from a name, (name, params), config dict, module class,
    module instance (deep-copied, so layers never share learnable parameters) or factory.

    ``memory``: the :data:`actlab.torch.MEMORY_TIERS` tier the module saves for backward with
    (None: the process-wide one, ``actlab.torch.memory(...)``). It is set on catalog modules
    (names, pairs, config dicts, actlab module classes and instances); any other module has no
    tiers, so a tier other than None or ``"default"`` is refused for it.
    """
    from ..torch import MEMORY_TIERS, ActivationModule, create

    if memory is not None and memory not in MEMORY_TIERS:
        raise ParameterError(f"memory={memory!r} is not one of {', '.join(MEMORY_TIERS)}")
    np_ = _name_params(activation)
    if np_ is not None and not isinstance(activation, nn.Module):
        name, params = np_
        return create(name, memory=memory, **params) if memory is not None else create(name, **params)
    if memory not in (None, "default") and not (
        isinstance(activation, ActivationModule)
        or (isinstance(activation, type) and issubclass(activation, ActivationModule))
    ):
        raise ParameterError(
            f"memory={memory!r} applies to actlab's activation modules; {activation!r} is not one. "
            "Give the activation by name (e.g. 'gelu') or leave memory at 'default'"
        )
    if isinstance(activation, nn.Module):
        m = copy.deepcopy(activation)
        if memory is not None:
            # an actlab module's tier, or "default" on any module (typed by nn.Module as a tensor or module)
            m.memory = memory  # type: ignore[assignment]
        return m
    if isinstance(activation, type) and issubclass(activation, ActivationModule) and memory is not None:
        return activation(memory=memory)
    if isinstance(activation, type) and issubclass(activation, nn.Module):
        return activation()
    if callable(activation):
        m = activation()
        if not isinstance(m, nn.Module):
            raise ParameterError(
                f"an activation factory must return an nn.Module; {activation!r} returned {type(m).__name__}"
            )
        return m
    raise ParameterError(
        "activation must be an actlab name ('relu'), a (name, params) pair, a {'name', 'params'} dict, "
        f"an nn.Module class or instance, or a zero-argument factory; got {activation!r}"
    )


def init_gain_for(activation: ActivationLike) -> float:
    """actlab's gain 1/sqrt(E[f(z)^2]), z ~ N(0,1), for a catalog activation."""
    np_ = _name_params(activation)
    if np_ is None:
        raise ParameterError(
            f"init='actlab' computes the gain from the activation's spec; {activation!r} is not a "
            "catalog activation. Use init='he', 'xavier', 'lecun' or 'default', or pass its name."
        )
    from ..properties import init_gain

    name, params = np_
    g = init_gain(name, **params)
    if not math.isfinite(g) or g <= 0:
        raise ParameterError(
            f"init='actlab': {name} has E[f(z)^2] = 0 under N(0,1), so no finite gain exists"
        )
    return g


def _check_init(init: str) -> str:
    if init not in INITS:
        raise ParameterError(f"unknown init {init!r}; valid: {', '.join(INITS)}")
    return init


def init_weights(model: nn.Module, init: str, activation: ActivationLike = None) -> None:
    """Re-initialise every Linear/Conv layer of ``model`` in place (see the module table).

    ``activation`` is needed only for ``init='actlab'``. Uses torch's global RNG; seed it (or
    wrap in ``torch.random.fork_rng``) for reproducible draws.
    """
    _check_init(init)
    if init == "default":
        for m in model.modules():
            if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
                m.reset_parameters()
        return
    gain = init_gain_for(activation) if init == "actlab" else 1.0
    layers = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d))]
    with torch.no_grad():
        for i, m in enumerate(layers):
            fan_in = m.weight[0].numel()
            fan_out = m.weight.shape[0] * (m.weight[0, 0].numel() if m.weight.dim() > 2 else 1)
            if init == "he":
                std = math.sqrt(2.0 / fan_in)
            elif init == "xavier":
                std = math.sqrt(2.0 / (fan_in + fan_out))
            elif init == "lecun":
                std = math.sqrt(1.0 / fan_in)
            elif init in ("normal0.01", "alexnet"):
                std = 0.01
            else:
                std = gain / math.sqrt(fan_in)
            m.weight.normal_(0.0, std)
            if m.bias is not None:
                # AlexNet: biases 1 where a hidden layer's input comes from another hidden layer
                hidden_after_first = 0 < i < len(layers) - 1
                m.bias.fill_(1.0 if init == "alexnet" and hidden_after_first else 0.0)


class ResidualBlock(nn.Module):
    """x -> act(BN(conv(act(BN(conv(x))))) + x): the basic block of He et al. 2016 (same channels
    and resolution in and out, so the shortcut is the identity). ``make_act()`` builds each of its
    two activation modules (``act1``, ``act2``: monitors find them as any other layer's)."""

    def __init__(self, channels: int, make_act: Any):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.act1 = make_act()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.act2 = make_act()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act2(self.bn2(self.conv2(self.act1(self.bn1(self.conv1(x))))) + x)


class ShiftedActivation(nn.Module):
    """``f(x) - shift``: an activation moved down by a constant. Same shape and derivative as
    ``f``; ``sigmoid - 1/2`` is zero-centred where sigmoid is not. A network of such units
    computes exactly the functions of one with ``f`` (the next layer's bias absorbs the shift),
    so a difference in training is a difference in optimisation alone. The activation itself
    is the child ``f`` (monitors hook it and see f, not f - shift)."""

    def __init__(self, f: nn.Module, shift: float):
        super().__init__()
        self.f = f
        self.shift = float(shift)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.f(x) - self.shift

    def extra_repr(self) -> str:
        return f"shift={self.shift:g}"


def _positive_int(what: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ParameterError(f"{what} must be a positive integer, got {v!r}")
    return v


def build_model(
    kind: str,
    activation: ActivationLike,
    *,
    in_shape: tuple[int, ...],
    n_classes: int,
    width: int = 128,
    depth: int = 2,
    init: str = "default",
    output_activation: ActivationLike = None,
    seed: int = 0,
    memory: str | None = None,
    shift: float = 0.0,
) -> nn.Module:
    """An ``nn.Sequential`` classifier producing logits (or ``output_activation`` of them).

    Args:
        kind: ``"mlp"``: flatten, then ``depth`` x (Linear(width) -> activation), then
            Linear(n_classes). ``"cnn"``: the 4-weight-layer net of AlexNet's Figure 1 setting,
            scaled down: conv5x5(width/4) -> act -> maxpool2 -> conv5x5(width/4) -> act ->
            maxpool2 -> conv3x3(width/2) -> act -> Linear(n_classes); ``depth`` is ignored
            (it is always 3 conv + 1 linear). Pools are skipped when the map is already 1 pixel.
            ``"resnet"``: a small ResNet (He et al. 2016) with batch-norm and a hidden fully-
            connected layer: conv3x3(C) -> BN -> act -> maxpool2, then ``depth`` residual blocks
            (conv3x3 -> BN -> act -> conv3x3 -> BN, plus the block's input, -> act), global
            average pooling, Linear(width) -> act -> Linear(n_classes); C = max(4, width // 8).
        activation: see :func:`make_activation`; each layer gets its own module.
        in_shape: shape of one input, e.g. ``(64,)`` or ``(1, 8, 8)`` (the CNN needs (C, H, W)).
        init: one of :data:`INITS`.
        output_activation: appended after the classifier (None: raw logits, for cross-entropy).
        seed: seeds the weight draw without disturbing torch's global RNG.
        memory: the memory tier of every hidden activation (see :func:`make_activation`; the
            output activation keeps the process-wide one). ``"2bit"``/``"3bit"``/``"4bit"``
            make smooth activations' gradients approximate.
        shift: a constant subtracted from every hidden activation's output
            (:class:`ShiftedActivation`; 0: the activation as it is).
    """
    if kind not in MODELS:
        raise ParameterError(f"unknown model kind {kind!r}; valid: {', '.join(MODELS)}")
    _check_init(init)
    _positive_int("width", width)
    _positive_int("depth", depth)
    _positive_int("n_classes", n_classes)
    in_shape = tuple(int(s) for s in in_shape)
    if isinstance(shift, bool) or not isinstance(shift, (int, float)) or not math.isfinite(shift):
        raise ParameterError(f"shift must be a finite number (0: no shift), got {shift!r}")

    def hidden() -> nn.Module:
        f = make_activation(activation, memory)
        return ShiftedActivation(f, shift) if shift else f

    if init == "actlab":
        init_gain_for(activation)  # fail before building
    layers: list[tuple[str, nn.Module]] = []
    with torch.random.fork_rng(devices=[]):
        # the CPU RNG only: torch.manual_seed also queues accelerator seeds (milliseconds per call)
        torch.default_generator.manual_seed(seed)
        if kind == "mlp":
            d = math.prod(in_shape)
            layers.append(("flatten", nn.Flatten()))
            for i in range(1, depth + 1):
                layers.append((f"fc{i}", nn.Linear(d, width)))
                layers.append((f"act{i}", hidden()))
                d = width
            layers.append(("out", nn.Linear(d, n_classes)))
        elif kind == "resnet":
            if len(in_shape) != 3:
                raise ParameterError(
                    f"the ResNet takes images of shape (C, H, W), got in_shape={in_shape}; "
                    "load the dataset with flat=False"
                )
            c, h, w = in_shape
            ch = max(4, width // 8)
            layers.append(("conv1", nn.Conv2d(c, ch, 3, padding=1, bias=False)))
            layers.append(("bn1", nn.BatchNorm2d(ch)))
            layers.append(("act1", hidden()))
            if min(h, w) >= 2:
                layers.append(("pool1", nn.MaxPool2d(2)))
            for i in range(1, depth + 1):
                layers.append((f"block{i}", ResidualBlock(ch, hidden)))
            layers.append(("gap", nn.AdaptiveAvgPool2d(1)))
            layers.append(("flatten", nn.Flatten()))
            layers.append(("fc", nn.Linear(ch, width)))
            layers.append(("act_fc", hidden()))
            layers.append(("out", nn.Linear(width, n_classes)))
        else:
            if len(in_shape) != 3:
                raise ParameterError(
                    f"the CNN takes images of shape (C, H, W), got in_shape={in_shape}; "
                    "load the dataset with flat=False"
                )
            c, h, w = in_shape
            chans = (max(4, width // 4), max(4, width // 4), max(8, width // 2))
            specs = ((5, 2, True), (5, 2, True), (3, 1, False))
            for i, (cout, (k, pad, pool)) in enumerate(zip(chans, specs), start=1):
                layers.append((f"conv{i}", nn.Conv2d(c, cout, k, padding=pad)))
                layers.append((f"act{i}", hidden()))
                if pool and min(h, w) >= 2:
                    layers.append((f"pool{i}", nn.MaxPool2d(2)))
                    h, w = h // 2, w // 2
                c = cout
            layers.append(("flatten", nn.Flatten()))
            layers.append(("out", nn.Linear(c * h * w, n_classes)))
        if output_activation is not None:
            layers.append(("out_act", make_activation(output_activation)))
        model = nn.Sequential(OrderedDict(layers))
        init_weights(model, init, activation)
    return model
