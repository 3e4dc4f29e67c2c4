"""The axis (or axes) a vector or gated function acts along, checked once for every adapter.

Conventions, taken from the host frameworks' own tests:

- a 0-d input to a vector kind (softmax, log_softmax, softmin, sparsemax) is a vector of one entry,
  with axis -1 or 0, as torch's ``softmax(torch.tensor(2.), dim=0)`` is ``1``; gated kinds need an
  even axis and refuse it (torch's "glu does not support scalars");
- an input with no elements gives an output with no elements (the shape the function would give);
- vector kinds take a tuple of axes where Keras and JAX do (``keras.activations.softmax(x,
  axis=(1, 2))``, ``jax.nn.softmax(x, axis=(1, 2))``): the function acts on the entries of those
  axes together, as one vector. torch's ``dim`` is one int (``adapter="torch"`` says so).

``fold`` moves the axes to the end and merges them into one; ``unfold`` undoes it.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable

from .errors import ShapeError

__all__ = ["Fold", "resolve_axes"]


def _is_int(a: Any) -> bool:
    return isinstance(a, numbers.Integral) and not isinstance(a, bool) and type(a).__name__ != "bool_"


def resolve_axes(name: str, kind: str, axis: Any, shape: tuple, *, adapter: str = "numpy") -> "Fold":
    """The checked axes of ``axis`` for an input of ``shape``, as a ``Fold``.

    Raises ``ShapeError`` naming the axis and the number of dimensions when an axis is out of
    range, and naming the fix for a tuple where one int is needed."""
    nd = len(shape)
    word = "dim" if adapter == "torch" else "axis"
    if isinstance(axis, (tuple, list)):
        if kind == "gated":
            raise ShapeError(
                f"{name} splits its input in two halves along one axis; got {word}={tuple(axis)!r}. "
                f"Pass one int."
            )
        if adapter == "torch":
            raise ShapeError(
                f"{name}: dim={tuple(axis)!r}: torch's dim is one int. To act on several dims as one "
                f"vector, merge them first: x.flatten(start, end) (or move them together with "
                f"x.movedim), apply {name} along the merged dim, then .unflatten(...) it back"
            )
        axes = tuple(axis)
        if not axes:
            raise ShapeError(f"{name}: axis=() names no axis; pass an int or a non-empty tuple of ints")
    else:
        axes = (axis,)
    for a in axes:
        if not _is_int(a):
            want = "an int" if adapter == "torch" else "an int or a tuple of ints"
            raise ShapeError(f"{name}: {word} must be {want}, got {type(a).__name__} {a!r}")
    if nd == 0:
        if kind == "gated":
            raise ShapeError(
                f"{name} splits its input in two halves along an axis; got a scalar (0-d input). "
                f"Pass an array of shape (..., 2n)."
            )
        # a scalar is a vector of one entry (torch accepts dim -1 and 0 for it)
        for a in axes:
            if not -1 <= int(a) <= 0:
                raise ShapeError(
                    f"{name}: {word} {a} is out of range for a 0-d input (a scalar is a vector of one "
                    f"entry: {word} -1 or 0)"
                )
        if len(axes) > 1:
            raise ShapeError(f"{name}: {word}={axes!r} repeats an axis of a 0-d input")
        return Fold(tuple(shape), (0,), scalar=True)
    norm = []
    for a in axes:
        a = int(a)
        if not -nd <= a < nd:
            raise ShapeError(
                f"{name}: {word} {a} is out of range for an input with {nd} dimension"
                f"{'s' if nd != 1 else ''} (valid: {-nd} to {nd - 1})"
            )
        norm.append(a % nd)
    if len(set(norm)) != len(norm):
        raise ShapeError(f"{name}: {word}={axes!r} names the same axis twice (input with {nd} dimensions)")
    return Fold(tuple(shape), tuple(sorted(norm)))


@dataclass(frozen=True)
class Fold:
    """Checked axes of an input: ``axis`` is the one axis the function acts along after ``fold``."""

    shape: tuple
    axes: tuple
    scalar: bool = False

    @property
    def merged(self) -> bool:
        return len(self.axes) > 1

    @property
    def axis(self) -> int:
        """The axis to act along in the folded array."""
        if self.scalar:
            return 0
        return len(self.shape) - len(self.axes) if self.merged else self.axes[0]

    @property
    def empty(self) -> bool:
        """No element at all: the output has none either (the folded computation is skipped)."""
        return any(n == 0 for n in self.shape if n is not None)

    def _perm(self) -> tuple:
        rest = [i for i in range(len(self.shape)) if i not in self.axes]
        return tuple(rest) + tuple(self.axes)

    def fold(self, x: Any, moveaxis: Callable, reshape: Callable) -> Any:
        if self.scalar:
            return reshape(x, (1,))
        if not self.merged:
            return x
        k = len(self.axes)
        moved = moveaxis(x, list(self.axes), list(range(len(self.shape) - k, len(self.shape))))
        lead = tuple(moved.shape[: len(self.shape) - k])
        return reshape(moved, lead + (math.prod(self.shape[a] for a in self.axes),))

    def unfold(self, y: Any, moveaxis: Callable, reshape: Callable) -> Any:
        if self.scalar:
            return reshape(y, ())
        if not self.merged:
            return y
        k = len(self.axes)
        perm = self._perm()
        moved = reshape(y, tuple(self.shape[i] for i in perm))
        return moveaxis(moved, list(range(len(self.shape) - k, len(self.shape))), list(self.axes))
