"""``piecewise_linear(pieces, ...)``: a spec for a piecewise-linear function from its pieces.

The pieces (``actlab.piecewise.Pieces``: knots with their conventions, a line (slope, anchor) per
piece; or a function of the parameter dict returning them) give the forward, the derivative, the
kinks, the range, the derivative range, monotonicity, the order of continuity and whether f is
the identity near 0. What is left to write is what only a person can say: the name, the LaTeX,
the mpmath reference (written independently, so the checker compares two things), parameters,
papers and the note.

Functions whose parameters are learned tensors (PReLU, SReLU, APL) or random (RReLU) keep a
forward written for tensors — their knots and slopes may be per-channel arrays, or unordered
while they train — and take the metadata and the torch path's mask plan from the pieces.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, Union

from .. import piecewise as pw
from ..errors import ParameterError, SpecError
from ..registry import register
from ..spec import REALS, ActivationSpec

__all__ = ["clipped", "piecewise_linear", "piecewise_spec"]

PiecesOf = Union[pw.Pieces, Callable[[Mapping[str, Any]], pw.Pieces]]
_DERIVED = ("range", "derivative_range", "monotonic", "smoothness", "kinks", "approximates_identity")


def piecewise_linear(pieces: PiecesOf, **fields: Any) -> ActivationSpec:
    """Register the spec of a piecewise-linear function (see ``piecewise_spec``)."""
    return register(piecewise_spec(pieces, **fields))


def piecewise_spec(pieces: PiecesOf, **fields: Any) -> ActivationSpec:
    """The spec of a piecewise-linear function; ``fields`` are the other ``ActivationSpec`` fields
    (name, family, reference, formula, params, ...)."""
    given = [k for k in _DERIVED if k in fields]
    if given:
        raise SpecError(
            f"{fields.get('name')}: {', '.join(given)} follow from the pieces; remove them (a second "
            f"statement of the same fact could disagree with the first)"
        )
    of = pieces if callable(pieces) else (lambda p: pieces)
    names = [p.name for p in fields.get("params", ())]

    constraint = fields.get("constraint")

    @functools.lru_cache(maxsize=256)  # built once per parameter setting, not per call
    def of_items(items: tuple) -> pw.Pieces:
        q = dict(items)
        # a setting the spec refuses has no pieces: say why, as parameter resolution does
        msg = constraint(q) if constraint is not None else None
        if msg:
            raise ParameterError(f"{fields.get('name')}: {msg}")
        return of(q)

    def bound(p: Mapping[str, Any]) -> pw.Pieces | None:
        """The pieces at these parameters; None where a parameter holds an array (per-channel
        values), whose pieces differ from channel to channel."""
        items = tuple((k, p[k]) for k in names)
        if not all(isinstance(v, (int, float, str)) for _, v in items):
            return None
        return of_items(items)

    def known(p: Mapping[str, Any]) -> pw.Pieces:
        pc = bound(p)
        if pc is None:
            raise ParameterError(
                f"{fields.get('name')}: its parameters are numbers (one setting for every element), got "
                f"{ {k: type(p[k]).__name__ for k in names} }"
            )
        return pc

    def meta(read: Callable[[pw.Pieces], Any], unknown: Any) -> Callable[[Mapping[str, Any]], Any]:
        def get(p: Mapping[str, Any]) -> Any:
            pc = bound(p)
            return unknown if pc is None else read(pc)

        return get

    if "forward" not in fields:
        fields["forward"] = lambda x, ops, **p: pw.forward(known(p), x, ops)
    if "derivative" not in fields:
        fields["derivative"] = lambda x, ops, **p: pw.derivative(known(p), x, ops)
    return ActivationSpec(
        piecewise_linear=True,
        pieces=bound,
        # per-channel arrays: nothing is claimed that one channel could contradict
        range=meta(pw.Pieces.range, REALS),
        derivative_range=meta(pw.Pieces.derivative_range, None),
        monotonic=meta(pw.Pieces.monotonic, False),
        smoothness=meta(pw.Pieces.smoothness, 0),
        kinks=meta(pw.Pieces.kinks, ()),
        approximates_identity=meta(pw.Pieces.approximates_identity, False),
        **fields,
    )


def clipped(lo: float, hi: float, middle: pw.Line, why_lo: str, why_hi: str) -> pw.Pieces:
    """The pieces of ``middle`` clipped to [f(lo), f(hi)]: constant left of ``lo`` and right of
    ``hi``. Both corners go to the constant pieces, so f' = 0 there (torch's hardtanh rule)."""
    if lo == hi:
        return pw.Pieces((), (pw.Line(0.0, value=middle(lo)),))
    return pw.Pieces(
        (pw.Knot(lo, 0.0, why_lo, "left"), pw.Knot(hi, 0.0, why_hi, "right")),
        (pw.Line(0.0, value=middle(lo)), middle, pw.Line(0.0, value=middle(hi))),
    )
