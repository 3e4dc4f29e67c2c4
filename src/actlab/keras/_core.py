"""Keras 3 functions, callable objects and layers generated from specs (no per-function code).

Every evaluation goes through ``apply``: ``forward`` written against ``actlab.ops.keras``
(``keras.ops`` only, so any backend), wrapped in ``keras.ops.custom_gradient`` whose gradient is
the spec's closed form — the input's (``derivative``; gated: both partials; vector: ``vjp``) and
the learnable parameters' (``param_derivatives``). So the derivative at a kink is the spec's
documented convention on every backend, not whatever the backend's autodiff makes of a masked
``where``. Two cases use the backend's autodiff instead, each for a reason: a randomized
activation in training (the closed form describes the evaluation slope; autodiff of the sampled
forward is the derivative of the function actually applied) and symbolic ``KerasTensor`` inputs
(only shapes are computed there).
"""

from __future__ import annotations

import functools
import numbers
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

import keras
import numpy as np
from keras import ops as K

from ..docs import axis_line, doc_head, param_lines
from ..errors import ActlabError, InputTypeError, ParameterError, ShapeError
from ..kinds import GATED, kind_of, prepare, working_dtype
from ..naming import class_name
from ..ops import keras as kops
from ..ops._generic import reduce_to
from ..registry import _show as _short
from ..registry import all_specs, bind_params, canonical, resolve_params
from ..registry import spec as get_spec
from ..signatures import init_with_signature, keras_function, keras_layer, with_signature
from ..spec import ActivationSpec

__all__ = [
    "ActivationCall",
    "ActivationFunction",
    "ActivationLayer",
    "apply",
    "create",
    "function",
    "get",
    "layer_class",
    "layer_classes",
]

PACKAGE = "actlab"
_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _param_grad(s: ActivationSpec, name: str, x: Any, up: Any, v: Any, p: Mapping[str, Any]) -> Any:
    dp = s.param_derivatives[name](x, kops, **p)
    lead = 1 if s.param(name).leading else 0
    g = dp * (K.expand_dims(up, 0) if lead else up)
    return reduce_to(kops, g, tuple(v.shape), lead)


def _check_input(s: ActivationSpec, x: Any) -> Any:
    """``x`` as a floating tensor. Integers and bools are promoted as ``keras.ops.sigmoid``
    promotes them: to ``keras.config.floatx()``."""
    if not keras.utils.is_keras_tensor(x):
        x = K.convert_to_tensor(x)
    dt = K.dtype(x) if not keras.utils.is_keras_tensor(x) else x.dtype
    if dt == "bool" or dt.startswith(("int", "uint")):
        x = K.cast(x, keras.config.floatx())
        dt = keras.config.floatx()
    if dt not in _FLOATS:
        raise InputTypeError(
            f"{s.name}: input has dtype {dt}; accepted are float16, bfloat16, float32 and float64, "
            f"and integers and bools (promoted to keras.config.floatx()). Convert with "
            f"keras.ops.cast(x, 'float32')."
        )
    return x


def _constants(s: ActivationSpec, params: Mapping[str, Any], dtype: str) -> dict[str, Any]:
    """Constant parameters as catalog code expects them: per-hinge numbers as an indexable tuple
    (APL reads a[s]), per-channel arrays as backend tensors broadcasting by trailing alignment."""
    out = dict(params)
    for p in s.params:
        if p.name not in params:
            continue
        v = params[p.name]
        if p.leading and isinstance(v, numbers.Real):
            out[p.name] = p.constant(v, params)
        elif isinstance(v, np.ndarray):
            out[p.name] = K.convert_to_tensor(v, dtype=dtype)
    return out


def apply(
    s: ActivationSpec,
    params: Mapping[str, Any],
    x: Any,
    *,
    learned: Mapping[str, Any] | None = None,
    axis: int | Sequence[int] = -1,
    training: bool = False,
    seed: Any = None,
) -> Any:
    """f(x) for resolved constant ``params`` and ``learned`` parameter tensors (layer weights).

    ``learned`` values broadcast against ``x`` by trailing alignment and get closed-form
    gradients summed back to their shapes.
    """
    x = _check_input(s, x)
    symbolic = keras.utils.is_keras_tensor(x)
    if symbolic and not learned:
        # A direct call on a functional-API input: one graph node that runs this function (and
        # its closed-form gradient) when the model runs, instead of a node per primitive.
        return ActivationCall(s.name, {k: _jsonable(v) for k, v in params.items()}, axis, training)(x)
    dtype = x.dtype if symbolic else K.dtype(x)
    kind = kind_of(s)
    call = prepare(s, x, axis, K.moveaxis, K.reshape)
    if (
        call.empty_shape is not None
    ):  # no elements: the empty output (on the graph where it is the input's shape)
        return x * 0 if call.empty_shape == tuple(x.shape) else K.zeros(call.empty_shape, dtype=dtype)
    x, ax, kw = call.x, call.axis, call.kw
    wdtype = working_dtype(dtype)
    low = wdtype != dtype
    xc = K.cast(x, wdtype) if low else x
    dyn = {k: K.cast(v, wdtype) for k, v in (learned or {}).items()}
    const = _constants(s, {k: v for k, v in params.items() if k not in dyn}, wdtype)
    if s.samples(training):
        y = s.forward(xc, kops, **kw, **const, **dyn, **s.draw_keywords(True, seed))
    elif symbolic or not (
        all(n in s.param_derivatives for n in dyn) and (s.kind == "elementwise" or not dyn)
    ):
        # Symbolic tensors (with learned weights: only when a layer is traced) need shapes only;
        # learnable parameters without a closed form (none in the catalog today) fall back to the
        # backend's autodiff.
        y = s.forward(xc, kops, **kw, **const, **dyn)
    else:
        names = tuple(dyn)

        @K.custom_gradient
        def f(x, *vals):
            p = {**const, **dict(zip(names, vals))}
            y = s.forward(x, kops, **kw, **p)

            # torch calls grad(*inputs, upstream=g); JAX and TensorFlow call grad(g).
            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                gx = kind.input_grad(s, x, upstream, kops, p, ax)
                return (gx, *(_param_grad(s, n, x, upstream, v, p) for n, v in zip(names, vals)))

            return y, grad

        y = f(xc, *dyn.values())
    y = call.finish(y, K.moveaxis, K.reshape)
    return K.cast(y, dtype) if low else y


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _check_int(owner: str, key: str, v: Any) -> None:
    if not isinstance(v, numbers.Integral) or isinstance(v, (bool, np.bool_)):
        raise ParameterError(f"{owner}: {key} must be an integer, got {type(v).__name__} {_short(v)}")


def _check_axis(owner: str, s: ActivationSpec, axis: Any) -> int | tuple[int, ...]:
    """One int, or for vector kinds a non-empty list/tuple of ints (as keras.layers.Softmax)."""
    if isinstance(axis, (list, tuple)) and s.kind == "vector":
        if not axis:
            raise ParameterError(f"{owner}: axis=[] names no axis; give an int or a non-empty list of ints")
        for a in axis:
            _check_int(owner, "axis", a)
        return tuple(int(a) for a in axis)
    _check_int(owner, "axis", axis)
    return int(axis)


def _axis_config(axis: int | tuple[int, ...]) -> int | list[int]:
    return list(axis) if isinstance(axis, tuple) else axis


def _check_scalars(s: ActivationSpec, params: Mapping[str, Any], what: str) -> None:
    for k, v in params.items():
        if not (
            isinstance(v, (numbers.Real, Decimal, str))
            or v is None
            or isinstance(v, (list, tuple, np.ndarray))
        ):
            raise ParameterError(
                f"{s.name}: {what} {k} must be a number (or a list of numbers), got "
                f"{type(v).__name__}; tensors cannot be saved in a Keras config"
            )


class ActivationFunction:
    """A configured actlab activation as a Keras activation: ``Dense(64, activation=get("elu",
    alpha=0.5))``. Serializable (``get_config``/``from_config``, registered as
    ``"actlab>ActivationFunction"``), so models using it save to ``.keras`` and load back.

    Parameters are constants here; for learnable ones use the layer classes (``actlab.keras.PReLU``).
    A randomized activation (rrelu) is evaluated in evaluation mode unless called with
    ``training=True`` (the layer ``actlab.keras.RReLU`` follows Keras's ``training`` flag).
    """

    def __init__(self, name: str, params: Mapping[str, Any] | None = None, axis: int | Sequence[int] = -1):
        if not isinstance(name, str):
            raise ParameterError(
                f"ActivationFunction: 'name' must be a string (an activation name such as 'elu'), got "
                f"{type(name).__name__} {_short(name)}"
            )
        if params is not None and not isinstance(params, Mapping):
            raise ParameterError(
                f"ActivationFunction({name!r}): 'params' must be a dict of parameter names to values, "
                f"got {type(params).__name__} {_short(params)}"
            )
        s = get_spec(name)
        checked = _check_axis(f"ActivationFunction({name!r})", s, axis)
        given = dict(params or {})
        _check_scalars(s, given, "parameter")
        self.spec = s
        self.params = resolve_params(s, given)
        # the checked values (floats, lists of floats): JSON in get_config whatever number type came in
        self._given = {k: _jsonable(self.params[k]) for k in given}
        self.axis = checked
        # Keras and people read __name__ off activation callables (summaries, error messages).
        self.__name__ = s.name

    def __call__(self, x: Any, training: bool = False, seed: Any = None) -> Any:
        return apply(self.spec, self.params, x, axis=self.axis, training=training, seed=seed)

    def get_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"name": self.spec.name, "params": dict(self._given)}
        if self.spec.kind != "elementwise":
            cfg["axis"] = _axis_config(self.axis)
        return cfg

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ActivationFunction:
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ActivationFunction) and self.get_config() == other.get_config()

    def __hash__(self) -> int:
        return hash((self.spec.name, self.axis, repr(sorted(self._given.items()))))

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self._given.items())
        ax = f", axis={self.axis}" if self.spec.kind != "elementwise" and self.axis != -1 else ""
        return f"actlab.keras.get({self.spec.name!r}{extra}{ax})"


keras.saving.register_keras_serializable(package=PACKAGE)(ActivationFunction)


class ActivationCall(keras.Operation):
    """The graph node of an actlab function called directly on a symbolic ``KerasTensor`` (a
    functional-API input): one node that evaluates the function, closed-form gradient included,
    when the model runs; serializable like the layers."""

    __module__ = "actlab.keras"

    def __init__(
        self, name: str, params: Mapping[str, Any], axis: int | Sequence[int] = -1, training: bool = False
    ):
        super().__init__()
        self.act = ActivationFunction(name, params, axis)
        if not isinstance(training, bool):
            raise ParameterError(
                f"ActivationCall({name!r}): 'training' must be True or False, got "
                f"{type(training).__name__} {_short(training)}"
            )
        self.training = training

    def call(self, x: Any) -> Any:
        return self.act(x, training=self.training)

    def compute_output_spec(self, x: Any) -> Any:
        kind = kind_of(self.act.spec)
        axis = self.act.axis  # one int for gated kinds (_check_axis)
        ax = axis % len(x.shape) if kind is GATED and isinstance(axis, int) else None
        return keras.KerasTensor(kind.output_shape(tuple(x.shape), ax), dtype=x.dtype)

    def get_config(self) -> dict[str, Any]:
        cfg = self.act.get_config()
        if self.training:
            cfg["training"] = True
        return cfg

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ActivationCall:
        return cls(**config)


keras.saving.register_keras_serializable(package=PACKAGE)(ActivationCall)


def get(name: str, *, axis: int | Sequence[int] = -1, **params: Any) -> ActivationFunction:
    """The activation ``name`` (canonical or alias) as a serializable Keras activation callable.

    Unknown names raise ``UnknownActivationError`` with close matches; parameters are checked
    against the spec (``ParameterError``). Keras *strings* keep meaning Keras's built-ins:
    ``Activation("gelu")`` is Keras's GELU, ``Activation(actlab.keras.get("gelu"))`` is actlab's.
    """
    return ActivationFunction(name, params, axis=axis)


def function(name: str) -> Callable[..., Any]:
    """The registered functional form of ``name``: ``f(x, *params, axis=-1, training=False,
    seed=None, **params)``, usable directly as ``Dense(64, activation=actlab.keras.mish)``."""
    return _function(canonical(name))


@functools.lru_cache(maxsize=None)  # canonical names only: one entry per catalog entry
def _function(name: str) -> Callable[..., Any]:
    s = get_spec(name)

    def fn(
        x: Any,
        *args: Any,
        axis: int | Sequence[int] = -1,
        training: bool = False,
        seed: Any = None,
        **params: Any,
    ):
        return apply(s, bind_params(s, args, params), x, axis=axis, training=training, seed=seed)

    fn.__name__ = fn.__qualname__ = s.name
    fn.__module__ = "actlab.keras"
    fn.__doc__ = _function_doc(s)
    with_signature(fn, keras_function(s))
    return keras.saving.register_keras_serializable(package=PACKAGE, name=s.name)(fn)


# ----------------------------------------------------------------------------- layers
# Keras's own Layer keyword arguments; anything else must be an activation parameter.
_LAYER_KWARGS = {
    "name",
    "dtype",
    "trainable",
    "autocast",
    "activity_regularizer",
    "input_shape",
    "input_dim",
    "batch_input_shape",
    "batch_size",
}


class ActivationLayer(keras.layers.Layer):
    """Base of every generated actlab Keras layer (``spec`` is set on each subclass).

    Learnable parameters become trainable weights. As in ``keras.layers.PReLU``, ``shared_axes``
    picks their shape: ``None`` gives one value per element of ``input_shape[1:]``; the listed
    axes (1-based, batch excluded) share one value, e.g. ``shared_axes=[1, 2]`` for per-channel
    values after an NHWC convolution; ``"all"`` gives one value for the whole layer (torch's
    ``num_parameters=1``). Parameters the spec declares scalar (StarReLU's) are always scalars.
    Fixed parameters are constants in ``get_config``. Vector and gated kinds take ``axis``;
    randomized ones (RReLU) follow Keras's ``training`` flag and take a ``seed``.
    """

    spec: ActivationSpec

    def __init__(
        self,
        *,
        shared_axes: Any = None,
        axis: int | Sequence[int] = -1,
        seed: int | None = None,
        **kwargs: Any,
    ):
        s = self.spec
        pnames = {p.name for p in s.params}
        given = {k: kwargs.pop(k) for k in list(kwargs) if k in pnames}
        unknown = {k: kwargs[k] for k in kwargs if k not in _LAYER_KWARGS}
        if unknown:
            resolve_params(s, {**given, **unknown})  # raises ParameterError naming close matches
        owner = type(self).__name__
        for key in ("trainable", "autocast"):
            if key in kwargs and not isinstance(kwargs[key], bool):
                raise ParameterError(
                    f"{owner}: {key} must be True or False, got {type(kwargs[key]).__name__} "
                    f"{_short(kwargs[key])}; strings such as 'false' are not read as booleans"
                )
        if kwargs.get("name") is not None and not isinstance(kwargs["name"], str):
            raise ParameterError(f"{owner}: name must be a string, got {type(kwargs['name']).__name__}")
        checked = _check_axis(owner, s, axis)
        if seed is not None:
            _check_int(owner, "seed", seed)
        super().__init__(**kwargs)
        _check_scalars(s, given, "initial value of")
        resolved = resolve_params(s, given)
        self._given = {k: _jsonable(resolved[k]) for k in given}
        learn = [p for p in s.params if p.learnable]
        for p in learn:
            if not isinstance(resolved[p.name], numbers.Real):
                raise ParameterError(
                    f"{type(self).__name__}: {p.name} is learnable; give its initial value as one "
                    f"number (the weight's shape follows shared_axes), got {resolved[p.name]!r}"
                )
        self._fixed = {p.name: resolved[p.name] for p in s.params if not p.learnable}
        self._init = {p.name: float(resolved[p.name]) for p in learn}
        self._learn = [p.name for p in learn]
        self.shared_axes = _check_shared_axes(type(self).__name__, shared_axes)
        self.axis = checked
        self.seed = seed
        if s.stochastic:
            # a layer-owned generator keeps the random draws traceable under jit (JAX backend)
            self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ActivationLayer:
        if not isinstance(config, Mapping):
            raise ParameterError(f"{cls.__name__}: a layer config is a dict, got {type(config).__name__}")
        try:
            return super().from_config(config)
        except TypeError as e:
            # Keras wraps every construction error in a TypeError; ours already name the key and fix
            if isinstance(e.__context__, ActlabError):
                raise e.__context__ from None
            raise

    def build(self, input_shape: Any) -> None:
        s = self.spec
        shape = _param_shape(type(self).__name__, tuple(input_shape), self.shared_axes)
        for p in s.params:
            if not p.learnable:
                continue
            pshape = shape if p.per_channel else ()
            if p.leading:
                pshape = (p.count(self._fixed),) + tuple(pshape)
            w = self.add_weight(
                name=p.name,
                shape=tuple(pshape),
                initializer=keras.initializers.Constant(self._init[p.name]),
                trainable=True,
            )
            setattr(self, p.name, w)

    def call(self, inputs: Any, training: Any = None) -> Any:
        learned = {n: getattr(self, n) for n in self._learn}
        return apply(
            self.spec,
            self._fixed,
            inputs,
            learned={n: K.convert_to_tensor(v) for n, v in learned.items()},
            axis=self.axis,
            training=self.spec.samples(training),
            seed=getattr(self, "seed_generator", None),
        )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        if self.spec.kind == "gated" and isinstance(self.axis, int):  # one int for gated kinds (_check_axis)
            ax = self.axis % len(shape)
            if shape[ax] is not None:
                shape[ax] //= 2
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.update(self._given)
        if self._learn and self.shared_axes is not None:
            cfg["shared_axes"] = self.shared_axes
        if self.spec.kind != "elementwise":
            cfg["axis"] = _axis_config(self.axis)
        if self.spec.stochastic:
            cfg["seed"] = self.seed
        return cfg


def _check_shared_axes(owner: str, shared_axes: Any) -> Any:
    if shared_axes is None or shared_axes == "all":
        return shared_axes
    axes = (
        [shared_axes] if isinstance(shared_axes, int) and not isinstance(shared_axes, bool) else shared_axes
    )
    if not isinstance(axes, (list, tuple)) or not all(
        isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in axes
    ):
        raise ParameterError(
            f"{owner}: shared_axes must be None, 'all', or a list of input axes >= 1 (the batch axis 0 "
            f"is always shared), got {shared_axes!r}"
        )
    return list(axes)


def _param_shape(owner: str, input_shape: tuple, shared_axes: Any) -> tuple[int, ...]:
    if shared_axes == "all":
        return ()
    shape = list(input_shape[1:])
    for a in shared_axes or ():
        if a > len(shape):
            raise ShapeError(
                f"{owner}: shared axis {a} does not exist in an input of shape {input_shape} "
                f"(valid: 1..{len(shape)})"
            )
        shape[a - 1] = 1
    if any(n is None for n in shape):
        raise ShapeError(
            f"{owner}: the input shape {input_shape} has an unknown size on an axis that is not "
            f"shared; a parameter per element needs it. Share that axis (shared_axes=[...]) or use "
            f"shared_axes='all'."
        )
    return tuple(shape)


def layer_class(name: str) -> type[ActivationLayer]:
    """The generated, registered Keras layer class for ``name`` (canonical or alias): one class
    per function, whichever spelling asks for it."""
    return _layer_class(canonical(name))


@functools.lru_cache(maxsize=None)  # canonical names only: one entry per catalog entry
def _layer_class(name: str) -> type[ActivationLayer]:
    s = get_spec(name)
    cls = type(
        class_name(s.name),
        (ActivationLayer,),
        {
            "spec": s,
            "__doc__": _layer_doc(s),
            "__module__": "actlab.keras",
            # the spec's parameters and the keywords that apply, for inspect.signature and IDEs
            "__init__": init_with_signature(
                ActivationLayer.__init__, "actlab.keras", class_name(s.name), keras_layer(s)
            ),
        },
    )
    return keras.saving.register_keras_serializable(package=PACKAGE)(cls)


def layer_classes() -> dict[str, type[ActivationLayer]]:
    return {class_name(s.name): layer_class(s.name) for s in all_specs()}


def create(name: str, **kwargs: Any) -> ActivationLayer:
    """A layer from a name: ``create("srelu", shared_axes=[1, 2])``."""
    return layer_class(name)(**kwargs)


# ----------------------------------------------------------------------------- docstrings
def _head(s: ActivationSpec) -> str:
    # The spec-derived part (formulas, properties, kinks, note) is shared with the torch forms.
    return "\n".join(doc_head(s))


def _function_doc(s: ActivationSpec) -> str:
    args = ["Args:", "    x: a floating-point tensor of the active Keras backend."]
    args += param_lines(s, " A constant here; learnable in the layer form.")
    args += axis_line(s, many="; a tuple of axes acts on their entries together.")
    if s.stochastic:
        args.append("    training: sample the random slopes (seed: an int or keras.random.SeedGenerator).")
    ex = ["Example:", f"    >>> keras.layers.Dense(64, activation=actlab.keras.{s.name})"]
    return "\n".join([_head(s), "", *args, "", *ex])


def _layer_doc(s: ActivationSpec) -> str:
    args = ["Args:"]
    args += param_lines(s, " Learnable: the initial value of a trainable weight.")
    if any(p.learnable and p.per_channel for p in s.params):
        args.append("    shared_axes: axes sharing one learned value (as keras.layers.PReLU), or 'all'.")
    args += axis_line(s, many="; a list of axes acts on their entries together.")
    if s.stochastic:
        args.append("    seed: seed of the layer's random generator (training draws).")
    ex = ["Example:", f"    >>> model.add(actlab.keras.{class_name(s.name)}())"]
    return "\n".join([_head(s), "", *args, "", *ex])
