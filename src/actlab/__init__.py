"""actlab: activation functions defined once, exactly, with derivatives and properties."""

from __future__ import annotations

# The catalog fills the registry as it is imported; every submodule import runs this file first,
# so lookups never see an empty registry.
from . import catalog  # noqa: F401  (isort: first)
from .api import Activation, get, precision, set_precision
from .errors import (
    ActlabError,
    ExportError,
    InputTypeError,
    ParameterError,
    ShapeError,
    SpecError,
    UnknownActivationError,
)
from .listing import list_activations
from .registry import register, spec
from .spec import ActivationSpec, Example, Interval, Kink, Param, Reference

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "ActivationSpec",
    "ActlabError",
    "Example",
    "ExportError",
    "InputTypeError",
    "Interval",
    "Kink",
    "Param",
    "ParameterError",
    "Reference",
    "ShapeError",
    "SpecError",
    "UnknownActivationError",
    "get",
    "precision",
    "set_precision",
    "list_activations",
    "register",
    "spec",
    "__version__",
]
