"""The three kinds of activation as objects: how each takes its input, and what every adapter
(NumPy, torch, Keras, JAX) asks of it.

- ``elementwise``: f acts on each entry; the output has the input's shape.
- ``vector``: f acts along an axis (or a tuple of axes taken as one vector), like softmax; its
  derivative is a Jacobian, so the spec gives the vector-Jacobian product.
- ``gated``: the input is split in two halves along an axis, f(a, b) = a * gate(b); the output is
  half as wide, and the derivative holds the partials w.r.t. both halves, concatenated.

An adapter asks the kind to check the axis (``fold``), for the shape of an empty result, for the
keyword arguments of the spec's functions and for the gradient w.r.t. the input; a new kind is
one class here. The policy for low-precision inputs lives here too (``working_dtype``), the one
rule every framework adapter follows.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping

from .axes import Fold, resolve_axes
from .errors import ShapeError, SpecError
from .spec import KINDS, ActivationSpec

__all__ = [
    "Call",
    "prepare",
    "ELEMENTWISE",
    "GATED",
    "KIND_NAMES",
    "Kind",
    "LOW_PRECISION",
    "VECTOR",
    "kind_of",
    "working_dtype",
]

LOW_PRECISION = ("float16", "bfloat16")


def working_dtype(dtype_name: str) -> str:
    """The dtype a framework adapter computes in: float16 and bfloat16 in float32, rounded once
    at the end (as torch's own kernels do); float32 and float64 as they are."""
    return "float32" if dtype_name in LOW_PRECISION else dtype_name


class Kind:
    """What an adapter needs of a kind. The base class is the elementwise kind."""

    name = "elementwise"
    """The kind's name, as specs write it (``ActivationSpec.kind``)."""
    takes_axis = False
    """Whether the function acts along an axis of its input."""

    def doc_args(self, word: str = "axis", many: str = "") -> list[str]:
        """The docstring lines of the kind's own arguments (``many``: how a tuple of axes is taken,
        for kinds that take one)."""
        return []

    def fold(
        self, fname: str, axis: Any, shape: tuple, *, adapter: str = "numpy", one_axis: bool = False
    ) -> Fold | None:
        """The checked axis of an input of ``shape`` (None: the kind takes no axis). ``one_axis``:
        refuse a tuple of axes (a Jacobian is along one axis)."""
        return None

    def validate(self, s: ActivationSpec) -> None:
        """Refuse a spec that lacks what this kind's adapters need (at registration)."""
        if s.derivative is None:
            article = "an" if self.name[0] in "aeiou" else "a"
            raise SpecError(f"{s.name}: {article} {self.name} activation needs a closed-form derivative")

    def output_shape(self, shape: tuple, axis: int | None) -> tuple:
        return tuple(shape)

    def kw(self, axis: int | None) -> dict[str, int]:
        """The keyword arguments the spec's functions take besides the parameters."""
        return {}

    def input_grad(
        self, s: ActivationSpec, x: Any, g: Any, ops: Any, p: Mapping[str, Any], axis: int | None
    ) -> Any:
        """The gradient w.r.t. ``x`` of sum(g * f(x)) from the spec's closed forms."""
        assert s.derivative is not None  # registration requires it of elementwise and gated kinds
        return s.derivative(x, ops, **p) * g


class _AlongAxis(Kind):
    takes_axis = True

    def fold(
        self, fname: str, axis: Any, shape: tuple, *, adapter: str = "numpy", one_axis: bool = False
    ) -> Fold | None:
        fold = resolve_axes(fname, self.name, axis, tuple(shape), adapter=adapter)
        if fold.merged and one_axis:
            raise ShapeError(
                f"{fname}: a tuple of axes ({axis!r}) is taken by the function itself; its "
                f"Jacobian is along one axis. Merge the axes first (reshape), or use vjp."
            )
        return fold

    def kw(self, axis: int | None) -> dict[str, int]:
        return {"axis": axis}  # type: ignore[dict-item]


class Vector(_AlongAxis):
    name = "vector"

    def validate(self, s: ActivationSpec) -> None:
        if s.vjp is None:
            raise SpecError(f"{s.name}: a vector activation needs a closed-form vjp")

    def doc_args(self, word: str = "axis", many: str = "") -> list[str]:
        return [f"    {word}: the axis the function acts along (default -1){many or '.'}"]

    def input_grad(
        self, s: ActivationSpec, x: Any, g: Any, ops: Any, p: Mapping[str, Any], axis: int | None
    ) -> Any:
        assert s.vjp is not None  # registration requires it of vector kinds
        return s.vjp(x, g, ops, axis=axis, **p)


class Gated(_AlongAxis):
    name = "gated"

    def doc_args(self, word: str = "axis", many: str = "") -> list[str]:
        return [f"    {word}: the axis the function acts along (default -1)."]  # one axis, split in halves

    def fold(
        self, fname: str, axis: Any, shape: tuple, *, adapter: str = "numpy", one_axis: bool = False
    ) -> Fold | None:
        fold = super().fold(fname, axis, shape, adapter=adapter, one_axis=one_axis)
        assert fold is not None
        n = 1 if fold.scalar else shape[fold.axis]
        if n is not None and n % 2:  # None: a symbolic size, checked when it is known
            raise ShapeError(
                f"{fname} splits its input in two halves along axis {fold.axis}, which has odd "
                f"size {n}; the size must be even"
            )
        return fold

    def output_shape(self, shape: tuple, axis: int | None) -> tuple:
        out = list(shape)
        assert axis is not None
        out[axis] = None if out[axis] is None else out[axis] // 2
        return tuple(out)

    def input_grad(
        self, s: ActivationSpec, x: Any, g: Any, ops: Any, p: Mapping[str, Any], axis: int | None
    ) -> Any:
        assert s.derivative is not None  # registration requires it of elementwise and gated kinds
        da, db = ops.split_half(s.derivative(x, ops, axis=axis, **p), axis)
        return ops.concat([da * g, db * g], axis)


ELEMENTWISE = Kind()
VECTOR = Vector()
GATED = Gated()
_KINDS = {k.name: k for k in (ELEMENTWISE, VECTOR, GATED)}
KIND_NAMES = tuple(_KINDS)
assert KIND_NAMES == KINDS, "a kind named in spec.KINDS has no class here (or the reverse)"


def kind_of(s: ActivationSpec) -> Kind:
    return _KINDS[s.kind]


_NO_KEYWORDS: Mapping[str, Any] = MappingProxyType({})


class Call:
    """One call's input, checked and folded for the spec's functions: ``x`` with the axes the
    function acts along merged into ``axis`` (a tuple of axes becomes one), the keywords the
    kind adds, and how to give the result its shape back. ``empty_shape`` is set when the input
    has no elements: the result's shape, with nothing to evaluate. (A slotted class, not a
    dataclass: it is made on every call.)"""

    __slots__ = ("x", "axis", "kw", "fold", "empty_shape")

    def __init__(
        self,
        x: Any,
        axis: int | None = None,
        kw: Mapping[str, Any] = _NO_KEYWORDS,
        fold: Fold | None = None,
        empty_shape: tuple | None = None,
    ):
        self.x, self.axis, self.kw, self.fold, self.empty_shape = x, axis, kw, fold, empty_shape

    def fold_like(self, g: Any, moveaxis: Callable, reshape: Callable) -> Any:
        """An array shaped like the input (a vjp's cotangent) folded the same way."""
        return g if self.fold is None else self.fold.fold(g, moveaxis, reshape)

    def finish(self, y: Any, moveaxis: Callable, reshape: Callable) -> Any:
        return y if self.fold is None else self.fold.unfold(y, moveaxis, reshape)


def prepare(
    s: ActivationSpec,
    x: Any,
    axis: Any,
    moveaxis: Callable,
    reshape: Callable,
    *,
    adapter: str = "numpy",
    one_axis: bool = False,
) -> Call:
    """The checks every adapter makes before evaluating ``s`` on ``x`` (already in its working
    dtype), in one place: the kind's axis rules, the empty input, the fold."""
    kind = _KINDS[s.kind]
    if not kind.takes_axis:
        return Call(x)  # the common case, kept to one call: elementwise functions take no axis
    fold = kind.fold(s.name, axis, tuple(x.shape), adapter=adapter, one_axis=one_axis)
    if fold is None:
        return Call(x)
    ax = fold.axis
    if fold.empty:
        return Call(x, ax, kind.kw(ax), fold, kind.output_shape(tuple(x.shape), ax))
    return Call(fold.fold(x, moveaxis, reshape), ax, kind.kw(ax), fold)
