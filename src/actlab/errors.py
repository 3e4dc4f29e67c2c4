"""One exception type per kind of mistake; each message names the bad value and the fix."""

from __future__ import annotations

__all__ = [
    "ActlabError",
    "UnknownActivationError",
    "ParameterError",
    "InputTypeError",
    "ShapeError",
    "SpecError",
    "ExportError",
    "UsageError",
    "MissingDependencyError",
]


class ActlabError(Exception):
    """Base class of every error actlab raises on purpose."""


class UnknownActivationError(ActlabError, KeyError):
    """An activation name that is not in the registry; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class ParameterError(ActlabError, ValueError):
    """An unknown parameter name, or a value outside its bounds or choices."""


class InputTypeError(ActlabError, TypeError):
    """Input of a type or dtype actlab does not accept (integer, bool, complex, object, ...)."""


class ShapeError(ActlabError, ValueError):
    """Input whose shape does not fit (channel count, odd gated axis, missing axis)."""


class SpecError(ActlabError, ValueError):
    """A malformed activation spec (raised at registration time)."""


class ExportError(ActlabError, RuntimeError):
    """A module that cannot be exported as asked (e.g. a randomized activation in training mode
    to ONNX); the message says which mode or form exports."""


class UsageError(ActlabError, ValueError):
    """A value or combination of options the user gave that cannot run as asked (e.g. a
    scheduler address without a dask or ray runner); the message names the option and the fix."""


class MissingDependencyError(ActlabError, ImportError):
    """An optional package a feature needs is not installed; the message names the package and
    the ``pip install 'actlab[extra]'`` command that brings it."""

    def __init__(self, package: str, extra: str, needed_for: str, alternative: str = ""):
        self.package = package
        self.extra = extra
        self.install = f"pip install 'actlab[{extra}]'"
        super().__init__(
            f"{needed_for} needs {package}: {self.install}" + (f" (or {alternative})" if alternative else ""),
            name=package,
        )
