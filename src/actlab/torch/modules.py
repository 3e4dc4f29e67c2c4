"""``nn.Module`` classes generated from specs: no hand-written class per function.

Learnable parameters become ``nn.Parameter``s holding ``num_parameters`` values (1 = shared,
C = one per channel, read along dim 1 like ``nn.PReLU``); APL's per-hinge parameters have shape
``(hinges, num_parameters)``. Fixed parameters are plain attributes shown by ``extra_repr`` when
they differ from the default. ``to_config()``/``from_config()`` round-trip the construction
arguments; learned values travel in ``state_dict``.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from decimal import Decimal
from typing import Any, Callable, Mapping

import numpy as np
import torch
from torch import nn

from ..api import Activation
from ..docs import docstring
from ..errors import ExportError, ParameterError, ShapeError
from ..naming import class_name
from ..registry import _show as _short
from ..registry import all_specs, canonical, resolve_params
from ..registry import spec as get_spec
from ..signatures import init_with_signature, torch_module
from ..spec import ActivationSpec
from .fast import eval_path, fast_path, learnable_fused_path, learnable_native_path
from .function import IMPLS, MEMORY_TIERS, _check_impl, _check_memory, inplace_supported

__all__ = [
    "MAX_NUM_PARAMETERS",
    "MAX_PARAMETER_ELEMENTS",
    "ActivationModule",
    "create",
    "from_config",
    "module_class",
    "module_classes",
]


class ActivationModule(nn.Module):
    """Base of every generated activation module (``spec`` is set on each subclass)."""

    spec: ActivationSpec

    def __init__(
        self,
        num_parameters: int = 1,
        *,
        dim: int = -1,
        init: float | None = None,
        learnable: bool = True,
        inplace: bool = False,
        impl: str = "auto",
        memory: str | None = None,
        device: Any = None,
        dtype: Any = None,
        **params: Any,
    ):
        super().__init__()
        s = self.spec
        owner = type(self).__name__
        learn = [p for p in s.params if p.learnable]
        num_parameters = _count(owner, "num_parameters", num_parameters)
        dim = _integer(owner, "dim", dim)
        learnable = _flag(owner, "learnable", learnable)
        inplace = _flag(owner, "inplace", inplace)
        impl = _choice(owner, "impl", impl, IMPLS)
        if memory is not None:
            memory = _choice(owner, "memory", memory, MEMORY_TIERS)
        if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
            raise ParameterError(
                f"{owner}: dtype must be a torch floating-point dtype (torch.float32, ...), got {dtype!r}"
            )
        if num_parameters != 1 and not learn:
            raise ParameterError(
                f"{type(self).__name__} has no learnable parameters; num_parameters "
                f"must be 1, got {num_parameters}"
            )
        if init is not None:
            if len(learn) != 1:
                raise ParameterError(
                    f"{type(self).__name__}: `init` sets the single learnable parameter; "
                    f"this activation has {len(learn)} ({', '.join(p.name for p in learn) or 'none'})"
                    f" — pass them by name"
                )
            if learn[0].name in params:
                raise ParameterError(
                    f"{type(self).__name__}: give either init= or {learn[0].name}=, not both"
                )
            params[learn[0].name] = init
        resolved = resolve_params(s, params)
        factory = {"device": device, "dtype": dtype if dtype is not None else torch.get_default_dtype()}
        big = torch.finfo(factory["dtype"]).max
        for p in learn:
            v = resolved[p.name]
            if isinstance(v, torch.Tensor) and v.dim() == 0:  # an initial value given as a 0-d tensor
                v = resolved[p.name] = float(v.detach().item())
            if isinstance(v, float) and math.isfinite(v) and abs(v) > big:
                raise ParameterError(
                    f"{owner}: {p.name}={v!r} cannot be represented in {factory['dtype']}, the dtype of "
                    f"the module's parameters, whose finite range is [{-big:.8g}, {big:.8g}]; give a "
                    f"value within it or dtype=torch.float64"
                )
            if not isinstance(resolved[p.name], (int, float)):
                raise ParameterError(
                    f"{owner}: {p.name} is learnable; give its initial value as one number (the module "
                    f"holds num_parameters={num_parameters} copies of it), got {resolved[p.name]!r}. "
                    f"Set per-channel values afterwards: module.{p.name}.data.copy_(values)"
                )
        _check_size(owner, s, resolved, num_parameters)
        self.impl = _check_impl(impl)
        self.memory = _check_memory(memory)
        if inplace and (learn or not inplace_supported(s, resolved) or impl in ("native", "autograd")):
            raise ParameterError(
                f"{type(self).__name__} has no in-place form"
                f"{' with these parameters' if s.params else ''}: in-place needs fixed parameters and "
                f"a derivative that needs no copy of the input (piecewise-linear functions, or f' from "
                f"the output as for sigmoid/tanh) with impl='auto' or 'function'"
            )
        self.inplace = bool(inplace)
        # the checked values (plain numbers), so to_config gives JSON and spellings of one value agree
        self._given = {k: resolved[k] for k in params}
        self.num_parameters = num_parameters
        self.dim = dim
        self.learnable = learnable
        self._fixed = {p.name: resolved[p.name] for p in s.params if not p.learnable}
        self._learn_names = [p.name for p in learn]
        for p in learn:
            shape: tuple[int, ...] = (num_parameters,)
            if p.leading:
                shape = (p.count(resolved), num_parameters)
            value = torch.full(shape, float(resolved[p.name]), **factory)
            if learnable:
                setattr(self, p.name, nn.Parameter(value))
            else:
                self.register_buffer(p.name, value)
        # fixed parameters and torch's kernel resolved once, not per call
        # (a fixed value past float32's range takes the general path, which says so for float32 input)
        self._fast = (
            fast_path(s, self._fixed)
            if (not learn and impl == "auto" and not inplace and not _past_float32(self._fixed))
            else None
        )
        # a randomized function's eval form (rrelu: leaky_relu with the mean slope), resolved once
        self._eval_fast = (
            eval_path(s, self._fixed)
            if (not learn and impl == "auto" and not inplace and not _past_float32(self._fixed))
            else None
        )
        # learnable tensors torch's kernel takes as they are (prelu's weight), also resolved once
        # (or the fused kernels with the learnable values as arguments: srelu, apl)
        self._learn_fast = (
            (
                learnable_native_path(s, self._fixed, tuple(self._learn_names))
                or learnable_fused_path(s, self._fixed, tuple(self._learn_names))
            )
            if (learn and impl == "auto" and not inplace and not _past_float32(self._fixed))
            else None
        )

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        fast = self._fast
        if fast is not None:
            y = fast(input, self.memory, self.dim)
            if y is not None:
                return y
        if self._eval_fast is not None and not self.training:
            y = self._eval_fast(input, self.memory)
            if y is not None:
                return y
        s = self.spec
        channels_ok = self.num_parameters == 1 or (input.dim() >= 2 and input.shape[1] == self.num_parameters)
        if self._learn_fast is not None and channels_ok:
            y = self._learn_fast(input, self.memory, {n: getattr(self, n) for n in self._learn_names})
            if y is not None:
                return y
        if not channels_ok:
            raise ShapeError(
                f"{type(self).__name__}(num_parameters={self.num_parameters}) reads channels from dim 1 "
                f"of its input, but got shape {tuple(input.shape)}; expected (N, {self.num_parameters}, ...)"
            )
        if s.samples(self.training) and _in_onnx_export():
            # ONNX has no counterpart of the per-element random draw; torch's exporter would fail
            # deep in its op translation with no hint of the cause or the fix.
            raise ExportError(
                f"{type(self).__name__} samples random values in training mode, which ONNX cannot "
                f"express; call model.eval() before torch.onnx.export (in eval mode {s.name} is "
                f"deterministic and exports)"
            )
        params = dict(self._fixed)
        for n in self._learn_names:
            v = getattr(self, n)
            params[n] = (
                v.reshape(v.shape[0])
                if (self.num_parameters == 1 and v.dim() == 2)
                else (v.reshape(()) if (self.num_parameters == 1 and v.dim() == 1) else v)
            )
        return Activation(s, params)(
            input,
            dim=self.dim,
            training=self.training,
            impl=self.impl,
            inplace=self.inplace,
            memory=self.memory,
        )

    def extra_repr(self) -> str:
        s = self.spec
        d = s.defaults()
        parts = []
        if self.num_parameters != 1:
            parts.append(f"num_parameters={self.num_parameters}")
        parts += [f"{k}={v!r}" for k, v in self._fixed.items() if v != d[k]]
        parts += [f"{k}={v!r}" for k, v in self._given.items() if k in self._learn_names and v != d[k]]
        if s.kind != "elementwise" and self.dim != -1:
            parts.append(f"dim={self.dim}")
        if not self.learnable and self._learn_names:
            parts.append("learnable=False")
        if self.inplace:
            parts.append("inplace=True")
        if self.impl != "auto":
            parts.append(f"impl={self.impl!r}")
        if self.memory is not None:
            parts.append(f"memory={self.memory!r}")
        return ", ".join(parts)

    def to_config(self) -> dict[str, Any]:
        """``{"name", "params", ...}``: enough to rebuild this module with ``from_config``."""
        cfg: dict[str, Any] = {"name": self.spec.name, "params": dict(self._given)}
        if self.num_parameters != 1:
            cfg["num_parameters"] = self.num_parameters
        if self.spec.kind != "elementwise" and self.dim != -1:
            cfg["dim"] = self.dim
        if not self.learnable:
            cfg["learnable"] = False
        if self.inplace:
            cfg["inplace"] = True
        if self.impl != "auto":
            cfg["impl"] = self.impl
        if self.memory is not None:
            cfg["memory"] = self.memory
        return cfg

    def __reduce__(self):
        # Generated classes are not importable by name; pickle through the factory instead.
        return (_rebuild, (self.to_config(), self.state_dict(), self.training))


def _in_onnx_export() -> bool:
    # torch.onnx.is_in_onnx_export() is folded to False while dynamo traces, which is how
    # torch.onnx.export retries after a failed non-strict export; read the flag it reads too.
    try:
        from torch.onnx._internal.exporter import _flags
    except ImportError:  # another torch layout: the public query is all there is
        return torch.onnx.is_in_onnx_export()
    return torch.onnx.is_in_onnx_export() or bool(getattr(_flags, "_is_onnx_exporting", False))


def _rebuild(cfg: Mapping[str, Any], state: Mapping[str, Any], training: bool) -> ActivationModule:
    # a pickle's own to_config: built as from_config does, minus the config-file checks (a fixed
    # parameter given as a tensor that requires grad travels as that tensor)
    m = module_class(cfg["name"])(
        **{k: v for k, v in cfg.items() if k not in ("name", "params")}, **cfg["params"]
    )
    m.load_state_dict(state, assign=True)  # keep the saved dtype/device of learned values
    m.train(training)
    return m


def module_class(name: str) -> type[ActivationModule]:
    """The generated module class for ``name`` (canonical or alias): one class per function, so
    ``create("swish_1")`` is an instance of ``SiLU``."""
    return _module_class(canonical(name))


@functools.lru_cache(maxsize=None)  # keyed by canonical names: at most one entry per catalog entry
def _module_class(name: str) -> type[ActivationModule]:
    s = get_spec(name)
    cls = type(
        class_name(s.name),
        (ActivationModule,),
        {
            "spec": s,
            "__doc__": docstring(s, form="module"),
            "__module__": "actlab.torch",
            # the spec's parameters and the keywords that apply, for inspect.signature and IDEs
            "__init__": init_with_signature(
                ActivationModule.__init__,
                "actlab.torch",
                class_name(s.name),
                torch_module(s, inplace_supported(s, s.defaults())),
            ),
        },
    )
    return cls


def module_classes() -> dict[str, type[ActivationModule]]:
    return {class_name(s.name): module_class(s.name) for s in all_specs()}


class _Lambda(nn.Module):
    def __init__(self, fn: Callable[[torch.Tensor], torch.Tensor]):
        super().__init__()
        self.fn = fn

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self.fn(input)

    def extra_repr(self) -> str:
        return getattr(self.fn, "__name__", repr(self.fn))


def create(what: Any = None, *, inplace: bool | None = None, **params: Any) -> nn.Module:
    """A module from a name, class, instance or callable, as timm's activation factory accepts.

    - a name (``"srelu"``, any alias): the actlab module, built with ``params``;
    - an ``nn.Module`` class: ``cls(**params)``;
    - a module instance: returned as is (parameters are refused: it is already built);
    - an ``actlab.get(...)`` activation: the actlab module with the same parameters;
    - any other callable (``torch.tanh``, a lambda): wrapped in a module, ``params`` bound by keyword;
    - ``None``: ``nn.Identity()``, so a config can switch an activation off.

    ``inplace`` is a hint, as in timm: passed on to classes that take it (``nn.ReLU``), dropped
    for those that do not.
    """
    if what is None:
        if params:
            raise ParameterError(f"create(None) gives nn.Identity, which takes no parameters; got {params}")
        return nn.Identity()
    if isinstance(what, Activation):
        d = what.spec.defaults()
        given = {k: v for k, v in what.params.items() if not _same_value(v, d.get(k))}
        return module_class(what.spec.name)(**given, **params)
    if isinstance(what, str):
        return _with_inplace(module_class(what), params, inplace)
    if isinstance(what, type):
        if not issubclass(what, nn.Module):
            raise ParameterError(
                f"create() got the class {what.__name__}, which is not an nn.Module; give an activation "
                f"name, an nn.Module class or instance, or a function"
            )
        return _with_inplace(what, params, inplace)
    if isinstance(what, nn.Module):
        if params:
            raise ParameterError(
                f"create() got a module instance {what!r} and parameters {params}; "
                f"pass a name or class to construct with parameters"
            )
        return what
    if callable(what):
        if params:
            return _Lambda(functools.partial(what, **params))
        return _Lambda(what)
    raise ParameterError(
        f"create() takes an activation name, an nn.Module class or instance, a callable or None; "
        f"got {type(what).__name__} {what!r}"
    )


def _with_inplace(cls: type[nn.Module], params: dict[str, Any], inplace: bool | None) -> nn.Module:
    if inplace is None:
        return cls(**params)
    try:
        accepts = "inplace" in inspect.signature(cls).parameters
    except (TypeError, ValueError):  # no introspectable signature: do not guess
        accepts = False
    if not accepts:
        return cls(**params)
    if inplace and issubclass(cls, ActivationModule):
        try:
            return cls(inplace=True, **params)
        except ParameterError:
            # no in-place form for this function: the hint falls back to out of place (a
            # different mistake in params raises again below)
            return cls(**params)
    return cls(inplace=inplace, **params)


def _same_value(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays compare elementwise: treat as given
        return False


def from_config(cfg: Mapping[str, Any]) -> ActivationModule:
    """Inverse of ``to_config``. Every key is checked before anything is built (a config may come
    from a file): ``name`` a string, ``params`` a mapping of parameter names to numbers or strings,
    ``num_parameters`` an integer in 1..MAX_NUM_PARAMETERS, ``dim`` an integer, ``learnable`` and
    ``inplace`` booleans, ``impl`` and ``memory`` strings."""
    keys = ("num_parameters", "dim", "learnable", "inplace", "impl", "memory")
    if not isinstance(cfg, Mapping) or "name" not in cfg:
        raise ParameterError(
            f"a config is a dict with 'name' and optional 'params', {', '.join(map(repr, keys))}; "
            f"got {_short(cfg)}"
        )
    unknown = [k for k in cfg if k not in ("name", "params", *keys)]
    if unknown:
        raise ParameterError(
            f"unknown config keys {', '.join(_short(k) for k in unknown)}; "
            f"valid: name, params, {', '.join(keys)}"
        )
    name = cfg["name"]
    if not isinstance(name, str):
        raise ParameterError(
            f"config key 'name' must be a string (an activation name such as 'relu'), "
            f"got {type(name).__name__} {_short(name)}"
        )
    params = cfg.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ParameterError(
            f"config key 'params' must be a dict of parameter names to values, "
            f"got {type(params).__name__} {_short(params)}"
        )
    for k in params:
        if not isinstance(k, str):
            raise ParameterError(
                f"config key 'params' has a key {_short(k)} of type {type(k).__name__}; parameter "
                f"names are strings"
            )
    cls = module_class(name)  # unknown names raise UnknownActivationError with close matches
    if any(k not in [p.name for p in cls.spec.params] for k in params):
        # names the unknown parameter and close matches (module keywords such as 'inplace' or
        # 'device' are config keys or not config at all, never parameters)
        resolve_params(cls.spec, params)
    for k, v in params.items():
        if not isinstance(v, (numbers.Real, Decimal, str)) or isinstance(v, (bool, np.bool_)):
            raise ParameterError(
                f"config key 'params': {k!r} must be a number or a string, got {type(v).__name__} {_short(v)}"
            )
    extra = {k: cfg[k] for k in keys if k in cfg}
    owner = f"from_config({name!r})"
    if "num_parameters" in extra:
        extra["num_parameters"] = _count(owner, "config key 'num_parameters'", extra["num_parameters"])
    if "dim" in extra:
        extra["dim"] = _integer(owner, "config key 'dim'", extra["dim"])
    for k in ("learnable", "inplace"):
        if k in extra:
            extra[k] = _flag(owner, f"config key {k!r}", extra[k])
    if "impl" in extra:
        extra["impl"] = _choice(owner, "config key 'impl'", extra["impl"], IMPLS)
    if extra.get("memory") is not None:
        extra["memory"] = _choice(owner, "config key 'memory'", extra["memory"], MEMORY_TIERS)
    return cls(**extra, **dict(params))


# --------------------------------------------------------------------------- checks
MAX_NUM_PARAMETERS = 1 << 20
"""Largest ``num_parameters`` (channels of a per-channel parameter) a module accepts."""
MAX_PARAMETER_ELEMENTS = 1 << 24
"""Largest number of values a module allocates for its learnable parameters, all together
(num_parameters times APL's hinges, per parameter): 64 MiB in float32."""

_F32_MAX = float(np.finfo(np.float32).max)


def _count(owner: str, key: str, n: Any) -> int:
    if (
        not isinstance(n, numbers.Integral)
        or isinstance(n, (bool, np.bool_))
        or not 1 <= int(n) <= MAX_NUM_PARAMETERS
    ):
        raise ParameterError(
            f"{owner}: {key} must be a positive integer at most MAX_NUM_PARAMETERS = {MAX_NUM_PARAMETERS} "
            f"(actlab.torch.modules; 1 for a shared value, C for one per channel), got "
            f"{type(n).__name__} {_short(n)}"
        )
    return int(n)


def _integer(owner: str, key: str, v: Any) -> int:
    if key == "dim" and isinstance(v, (tuple, list)):
        raise ParameterError(
            f"{owner}: dim={_short(v)}: torch's dim is one int (as nn.Softmax's). To act on several "
            f"dims as one vector, merge them first (x.flatten(start, end), or x.movedim to bring them "
            f"together), apply the module along the merged dim, then .unflatten(...) it back"
        )
    if not isinstance(v, numbers.Integral) or isinstance(v, (bool, np.bool_)):
        raise ParameterError(
            f"{owner}: {key} must be an integer (an axis such as -1), got {type(v).__name__} {_short(v)}"
        )
    return int(v)


def _flag(owner: str, key: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise ParameterError(
            f"{owner}: {key} must be True or False, got {type(v).__name__} {_short(v)}; strings such as "
            f"'false' or 'no' are not read as booleans"
        )
    return v


def _choice(owner: str, key: str, v: Any, allowed: tuple) -> str:
    if not isinstance(v, str) or v not in allowed:
        raise ParameterError(f"{owner}: {key}={_short(v)} is not one of {', '.join(map(repr, allowed))}")
    return v


def _check_size(owner: str, s: ActivationSpec, resolved: Mapping[str, Any], num_parameters: int) -> None:
    """Refuse, before allocating, learnable parameters with more values than MAX_PARAMETER_ELEMENTS."""
    total = 0
    for p in s.params:
        if p.learnable:
            total += num_parameters * (p.count(resolved) if p.leading else 1)
    if total > MAX_PARAMETER_ELEMENTS:
        lead = [f"{p.leading}={resolved[p.leading]}" for p in s.params if p.learnable and p.leading]
        raise ParameterError(
            f"{owner}: num_parameters={num_parameters}{' with ' + lead[0] if lead else ''} would allocate "
            f"{total} learnable values, more than MAX_PARAMETER_ELEMENTS = {MAX_PARAMETER_ELEMENTS} "
            f"(actlab.torch.modules); use fewer channels{' or hinges' if lead else ''}"
        )


def _past_float32(fixed: Mapping[str, Any]) -> bool:
    return any(isinstance(v, float) and math.isfinite(v) and abs(v) > _F32_MAX for v in fixed.values())
