"""Piecewise-linear functions as data: knots, and a line on each piece.

One ``Pieces`` value says everything a piecewise-linear activation is: which piece x is in, f and
f' there, the convention at each knot. Forward, derivative, kinks, range, derivative range,
monotonicity, order of continuity and the torch path's 1-byte mask plan are all read from it
(``catalog.piecewise_linear`` builds a spec from it), so none of them is written, or sampled,
twice.

Conventions at a knot ``t`` (``Knot.side``):

- ``"left"``: x = t belongs to the piece on its left (f(t) and the gradient autograd takes
  through the forward are that piece's), ``"right"`` likewise;
- a number: f(t) is that value, an isolated point (binary_step's H(0)); f' there is 0.

``Knot.derivative`` is the f' used at t; it must be the slope of the side t belongs to (0 for an
isolated value), because the torch path's autograd of the forward takes that side's branch, and
the verifier checks that autograd and the closed form agree there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Union

from .errors import SpecError
from .spec import INF, Interval, Kink

__all__ = ["Knot", "Line", "Pieces", "forward", "derivative"]

Side = Union[str, float]


@dataclass(frozen=True)
class Knot:
    """Where two pieces meet: ``derivative`` is the f' used at ``at`` (the slope of the side the
    knot belongs to), ``why`` the convention's reason (shown in docs and ``actlab show``), ``side``
    which piece holds the knot ("left", "right") or the value f takes there alone."""

    at: float
    derivative: float
    why: str
    side: Side = "left"
    """"left" or "right": the piece the knot belongs to; a number: f's value there alone."""


@dataclass(frozen=True)
class Line:
    """f(x) = value + slope * (x - at): a line through (at, value). Anchoring each piece at one of its
    knots keeps x - at exact near that knot, where slope * x + intercept cancels (42 float32 ulp
    at x = -2.99 for the hard sigmoid)."""

    slope: Any
    at: Any = 0.0
    """The x the line is anchored at (a knot of its piece)."""
    value: Any = 0.0
    """f at ``at``."""

    def __call__(self, x: float) -> float:
        return self.value if self.slope == 0 else self.value + self.slope * (x - self.at)


@dataclass(frozen=True)
class Pieces:
    """f(x) = ``lines[i](x)`` on the i-th piece; the pieces are separated by the knots, in increasing
    order (one more line than knots)."""

    knots: tuple[Knot, ...]
    lines: tuple[Line, ...]

    @property
    def slopes(self) -> tuple[Any, ...]:
        return tuple(ln.slope for ln in self.lines)

    def __post_init__(self) -> None:
        if len(self.lines) != len(self.knots) + 1:
            raise SpecError(
                f"pieces: {len(self.knots)} knots need {len(self.knots) + 1} lines, got {len(self.lines)}"
            )
        ats = [k.at for k in self.knots]
        if not _numeric(self):
            return  # tensor values (a learned slope): only the numeric metadata below needs numbers
        if any(b <= a for a, b in zip(ats, ats[1:])):
            raise SpecError(f"pieces: knots must increase strictly, got {ats}")
        for i, k in enumerate(self.knots):
            if isinstance(k.side, str) and k.side not in ("left", "right"):
                raise SpecError(
                    f"pieces: knot at {k.at}: side must be 'left', 'right' or a value, got {k.side!r}"
                )
            own = self._slope_at_knot(i)
            if k.derivative != own:
                raise SpecError(
                    f"pieces: knot at {k.at}: the derivative convention {k.derivative} is not the slope of "
                    f"the side the knot belongs to ({k.side!r}: {own}); autograd of the forward would "
                    f"disagree with the closed form there"
                )

    # ------------------------------------------------------------------ points
    def _slope_at_knot(self, i: int) -> float:
        side = self.knots[i].side
        if side == "left":
            return self.slopes[i]
        if side == "right":
            return self.slopes[i + 1]
        return 0.0

    def _piece_value(self, i: int, x: float) -> float:
        return self.lines[i](x)

    def knot_value(self, i: int) -> float:
        k = self.knots[i]
        if k.side == "left":
            return self._piece_value(i, k.at)
        if k.side == "right":
            return self._piece_value(i + 1, k.at)
        return float(k.side)

    def jump(self, i: int) -> bool:
        t = self.knots[i].at
        left, right = self._piece_value(i, t), self._piece_value(i + 1, t)
        return not (left == right == self.knot_value(i))

    # ------------------------------------------------------------------ metadata
    def is_kink(self, i: int) -> bool:
        """f' changes at knot i, f jumps there, or the convention there is neither one-sided slope
        (a removable discontinuity of f', as a shrink's f'(0) = 0 at lambda = 0); a knot between
        two equal slopes is no kink."""
        s = self.slopes
        return s[i] != s[i + 1] or self.jump(i) or self.knots[i].derivative != s[i]

    def kinks(self) -> tuple[Kink, ...]:
        return tuple(
            Kink(k.at, k.derivative, k.why, jump=self.jump(i))
            for i, k in enumerate(self.knots)
            if self.is_kink(i)
        )

    def range(self) -> Interval:
        """The hull of f's values: attained values close an end, limits (a tail's constant is
        attained; a value approached at a jump is not) leave it open."""
        vals: list[tuple[float, bool]] = []  # (value, attained)
        for i, k in enumerate(self.knots):
            vals.append((self.knot_value(i), True))
            vals.append((self._piece_value(i, k.at), False))
            vals.append((self._piece_value(i + 1, k.at), False))
        for i, sign in ((0, -1.0), (len(self.slopes) - 1, 1.0)):
            s = self.slopes[i]
            if s == 0:
                vals.append((self.lines[i].value, True))
            else:
                vals.append((math.copysign(INF, s * sign), False))
        lo = min(v for v, _ in vals)
        hi = max(v for v, _ in vals)
        return Interval(
            lo,
            hi,
            lo_closed=math.isfinite(lo) and any(a for v, a in vals if v == lo),
            hi_closed=math.isfinite(hi) and any(a for v, a in vals if v == hi),
        )

    def derivative_values(self) -> list[float]:
        """f' on each piece and at each knot, in order: piece 0, knot 1, piece 1, ..., piece n."""
        out = [self.slopes[0]]
        for i, k in enumerate(self.knots):
            out += [k.derivative, self.slopes[i + 1]]
        return out

    def derivative_range(self) -> Interval:
        d = self.derivative_values()
        return Interval(min(d), max(d), True, True)

    def monotonic(self) -> bool:
        if any(s < 0 for s in self.slopes):
            return False
        for i, k in enumerate(self.knots):
            left, mid, right = self._piece_value(i, k.at), self.knot_value(i), self._piece_value(i + 1, k.at)
            if not left <= mid <= right:
                return False
        return True

    def smoothness(self) -> float:
        """-1 with a jump, 0 with a change of slope, 1 where only f'-conventions differ from the
        slopes (f is smooth, but a listed kink rules out claiming C^inf), else C^inf."""
        knots = range(len(self.knots))
        if any(self.jump(i) for i in knots):
            return -1
        if any(self.slopes[i] != self.slopes[i + 1] for i in knots):
            return 0
        return 1 if any(self.is_kink(i) for i in knots) else INF

    def approximates_identity(self) -> bool:
        """f(0) = 0 and f'(0) = 1 (0 not a knot, or a knot whose side has slope 1 through 0)."""
        for i, k in enumerate(self.knots):
            if k.at == 0:
                return self.knot_value(i) == 0 and k.derivative == self.slopes[i] == self.slopes[i + 1] == 1
        i = sum(1 for k in self.knots if k.at < 0)
        return self.slopes[i] == 1 and self.lines[i](0.0) == 0


def _numeric(pc: Pieces) -> bool:
    vals = [v for ln in pc.lines for v in (ln.slope, ln.at, ln.value)] + [k.at for k in pc.knots]
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)


# ---------------------------------------------------------------------- array functions
def _is(v: Any, c: float) -> bool:
    return isinstance(v, (int, float)) and v == c


def _piece(pc: Pieces, i: int, x: Any, ops: Any) -> Any:
    ln = pc.lines[i]
    if _is(ln.slope, 0):
        return (
            ops.full_like(x, ln.value) if isinstance(ln.value, (int, float)) else ops.zeros_like(x) + ln.value
        )
    d = x if _is(ln.at, 0) else x - ln.at
    y = d if _is(ln.slope, 1) else ln.slope * d
    return y if _is(ln.value, 0) else ln.value + y


def forward(pc: Pieces, x: Any, ops: Any) -> Any:
    """f(x) by selecting the piece x is in. Each knot goes to the side its convention names, so
    autograd through this takes the documented slope there. The pieces left of the first sloped
    piece are selected by ``x <= knot`` tests, those right of it by ``x >= knot`` tests, and the
    sloped piece is what no test selects: NaN compares False everywhere, lands there and
    propagates through its arithmetic, with no extra pass (and nothing more saved by autograd).
    Only a function of constant pieces restores NaN explicitly."""
    n = len(pc.knots)
    d = next((i for i, s in enumerate(pc.slopes) if not _is(s, 0)), None)
    home = n if d is None else d
    y = _piece(pc, home, x, ops)
    for j in range(home + 1, n + 1):  # right of the sloped piece: the rightmost test outermost
        k = pc.knots[j - 1]
        y = ops.where((x >= k.at) if k.side == "right" else (x > k.at), _piece(pc, j, x, ops), y)
    for i in reversed(range(home)):  # left of it: the leftmost test outermost
        k = pc.knots[i]
        y = ops.where((x <= k.at) if k.side == "left" else (x < k.at), _piece(pc, i, x, ops), y)
    for k in pc.knots:
        if not isinstance(k.side, str):
            y = ops.where(x == k.at, ops.full_like(x, float(k.side)), y)
    if d is None:
        y = _keep_nan(x, y, ops)
    return x * 1.0 if y is x else y  # a new array: the caller may write into the result


def derivative(pc: Pieces, x: Any, ops: Any) -> Any:
    """f'(x): the slope of x's piece, the convention at a knot, NaN for NaN."""
    n = len(pc.knots)
    d = _const(pc.slopes[n], x, ops)
    for i in reversed(range(n)):
        k = pc.knots[i]
        below = (x <= k.at) if k.side == "left" else (x < k.at)
        d = ops.where(below, _const(pc.slopes[i], x, ops), d)
        if not isinstance(k.side, str):
            d = ops.where(x == k.at, ops.zeros_like(x), d)
    return _keep_nan(x, d, ops)


def _const(v: Any, x: Any, ops: Any) -> Any:
    return ops.full_like(x, v) if isinstance(v, (int, float)) else ops.zeros_like(x) + v


def _keep_nan(x: Any, y: Any, ops: Any) -> Any:
    # max(y, -inf - |x|) is y for every x but NaN, which maximum propagates
    return ops.maximum(y, -math.inf - ops.abs(x))
