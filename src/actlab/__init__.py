"""actlab: activation functions defined once, exactly, with derivatives and properties."""

from __future__ import annotations

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
from .registry import list_activations, register, spec
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
