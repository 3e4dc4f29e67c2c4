"""Keras 3 adapter: every catalog entry as a Keras activation and as a layer, on any backend.

>>> import os; os.environ.setdefault("KERAS_BACKEND", "torch")   # before keras is first imported
>>> import keras, actlab.keras as ak
>>> keras.layers.Dense(64, activation=ak.get("srelu"))            # a configured, serializable callable
>>> keras.layers.Dense(64, activation=ak.mish)                    # the functional form, like K.tanh
>>> keras.layers.Activation(ak.get("elu", alpha=0.5))
>>> ak.PReLU(shared_axes=[1, 2]); ak.SReLU(); ak.RReLU(seed=0)     # layers; learnable weights train

Names: Keras resolves activation *strings* only to its own built-ins, and this adapter leaves
that alone — ``Activation("gelu")`` stays Keras's GELU. actlab's functions are reached by
``actlab.keras.get(name, **params)`` (names and aliases as everywhere in actlab), by the module
attributes (``actlab.keras.mish``) or by the layer classes. Everything is registered with
``keras.saving.register_keras_serializable(package="actlab")``; import ``actlab.keras`` before
``keras.models.load_model`` so the registrations exist.

Derivatives are the spec's closed forms on every backend, through ``keras.ops.custom_gradient``
(see ``_core``).
"""

from __future__ import annotations

from ..errors import MissingDependencyError

try:
    import keras as _keras
except ModuleNotFoundError as _e:  # pragma: no cover - exercised in subprocesses by the tests
    if _e.name == "keras":
        raise MissingDependencyError("Keras 3", "keras", "actlab.keras") from _e
    if _e.name and _e.name.split(".")[0] == "tensorflow":
        raise ImportError(
            "Keras could not load its backend: it is set to TensorFlow (its default), which is not "
            "installed. Set KERAS_BACKEND=torch or KERAS_BACKEND=jax before keras is first imported "
            "(e.g. os.environ['KERAS_BACKEND'] = 'torch'), or install tensorflow."
        ) from _e
    raise

if int(_keras.__version__.split(".")[0]) < 3:  # pragma: no cover - Keras 2 is not installable with us
    raise ImportError(
        f"actlab.keras needs Keras 3 (found keras {_keras.__version__}). Install the extra: "
        f"pip install 'actlab[keras]'"
    )

from ..naming import export_functions
from ._core import (
    ActivationCall,
    ActivationFunction,
    ActivationLayer,
    apply,
    create,
    function,
    get,
    layer_class,
    layer_classes,
)

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


# Eager, so that every function and layer is registered with Keras before any load_model.
export_functions(globals(), __all__, lambda s: function(s.name))
for _cname, _cls in layer_classes().items():
    globals()[_cname] = _cls
    __all__.append(_cname)
