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
from typing import Any, Callable, Mapping

import torch
from torch import nn

from ..api import Activation
from ..docs import docstring
from ..errors import ExportError, ParameterError, ShapeError
from ..naming import class_name
from ..registry import all_specs, resolve_params
from ..registry import spec as get_spec
from ..spec import ActivationSpec
from .fast import fast_path
from .function import _check_impl, _check_memory, inplace_supported

__all__ = ["ActivationModule", "create", "from_config", "module_class", "module_classes"]


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
        learn = [p for p in s.params if p.learnable]
        if not isinstance(num_parameters, int) or isinstance(num_parameters, bool) or num_parameters < 1:
            raise ParameterError(
                f"{type(self).__name__}: num_parameters must be a positive integer "
                f"(1 for a shared value, C for one per channel), got {num_parameters!r}"
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
        self._given = dict(params)
        self.num_parameters = num_parameters
        self.dim = dim
        self.learnable = learnable
        self._fixed = {p.name: resolved[p.name] for p in s.params if not p.learnable}
        self._learn_names = [p.name for p in learn]
        factory = {"device": device, "dtype": dtype if dtype is not None else torch.get_default_dtype()}
        for p in learn:
            shape: tuple[int, ...] = (num_parameters,)
            if p.leading:
                shape = (int(resolved[p.leading]), num_parameters)
            value = torch.full(shape, float(resolved[p.name]), **factory)
            if learnable:
                setattr(self, p.name, nn.Parameter(value))
            else:
                self.register_buffer(p.name, value)
        # fixed parameters and torch's kernel resolved once, not per call
        self._fast = fast_path(s, self._fixed) if (not learn and impl == "auto" and not inplace) else None

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        fast = self._fast
        if fast is not None:
            y = fast(input, self.memory)
            if y is not None:
                return y
        s = self.spec
        if self.num_parameters > 1 and (input.dim() < 2 or input.shape[1] != self.num_parameters):
            raise ShapeError(
                f"{type(self).__name__}(num_parameters={self.num_parameters}) reads channels from dim 1 "
                f"of its input, but got shape {tuple(input.shape)}; expected (N, {self.num_parameters}, ...)"
            )
        if s.stochastic and self.training and _in_onnx_export():
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
    m = from_config(cfg)
    m.load_state_dict(state, assign=True)  # keep the saved dtype/device of learned values
    m.train(training)
    return m


@functools.lru_cache(maxsize=None)
def module_class(name: str) -> type[ActivationModule]:
    """The generated module class for ``name`` (canonical or alias)."""
    s = get_spec(name)
    cls = type(
        class_name(s.name),
        (ActivationModule,),
        {
            "spec": s,
            "__doc__": docstring(s, form="module"),
            "__module__": "actlab.torch",
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
    """Inverse of ``to_config``."""
    if not isinstance(cfg, Mapping) or "name" not in cfg:
        raise ParameterError(f"a config is a dict with 'name' and optional 'params', got {cfg!r}")
    keys = ("num_parameters", "dim", "learnable", "inplace", "impl", "memory")
    extra = {k: cfg[k] for k in keys if k in cfg}
    unknown = set(cfg) - {"name", "params", *keys}
    if unknown:
        raise ParameterError(f"unknown config keys {sorted(unknown)}; valid: name, params, {', '.join(keys)}")
    return module_class(cfg["name"])(**extra, **dict(cfg.get("params", {})))
