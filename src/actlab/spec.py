"""The data model of an activation function: frozen dataclasses, no behaviour beyond lookups.

A spec is the single definition of one function. Everything else (NumPy and torch callables,
modules, docs, CLI, tests) is derived from it. Metadata that may depend on parameter values
(range, monotonicity, kinks, ...) is stored either as a constant or as a function of the
resolved parameter dict, and read through the ``*_for(params)`` helpers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .errors import ShapeError

__all__ = [
    "INF",
    "ActivationSpec",
    "Example",
    "Interval",
    "Kink",
    "Param",
    "Reference",
    "KINDS",
]

INF = math.inf
KINDS = ("elementwise", "vector", "gated")


def _fmt(v: float) -> str:
    if v == INF:
        return "inf"
    if v == -INF:
        return "-inf"
    return f"{v:.10g}"


@dataclass(frozen=True)
class Interval:
    """A real interval; ``lo``/``hi`` may be infinite. Used for ranges and parameter bounds."""

    lo: float = -INF
    hi: float = INF
    lo_closed: bool = False
    hi_closed: bool = False

    def contains(self, v: float, tol: float = 0.0) -> bool:
        if math.isnan(v):
            return False
        lo_ok = v >= self.lo - tol if (self.lo_closed or tol > 0) else v > self.lo
        hi_ok = v <= self.hi + tol if (self.hi_closed or tol > 0) else v < self.hi
        return lo_ok and hi_ok

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    def __str__(self) -> str:
        left = "[" if self.lo_closed and math.isfinite(self.lo) else "("
        right = "]" if self.hi_closed and math.isfinite(self.hi) else ")"
        return f"{left}{_fmt(self.lo)}, {_fmt(self.hi)}{right}"


REALS = Interval()


@dataclass(frozen=True)
class Param:
    """One parameter. ``learnable`` ones become ``nn.Parameter``s in modules.

    ``per_channel``: a learnable parameter may hold one value per channel (``num_parameters``),
    read along dim 1 of the input as ``nn.PReLU`` does. ``leading``: name of an integer
    structural parameter that adds a leading axis (APL's hinges). ``elsewhere``: the defaults
    other libraries use for the same parameter, shown by ``actlab show`` and the docs.
    """

    name: str
    default: Any
    bounds: Interval | None = None
    choices: tuple | None = None
    learnable: bool = False
    per_channel: bool = False
    integer: bool = False
    leading: str | None = None
    doc: str = ""
    elsewhere: tuple[str, ...] = ()
    test_values: tuple = ()

    # --- the leading axis (APL's hinges), for every adapter -----------------------------
    def count(self, params: Mapping[str, Any]) -> int:
        """Values along the leading axis (one per hinge for APL's a and b); 0 without one."""
        return int(params[self.leading]) if self.leading else 0

    def constant(self, v: Any, params: Mapping[str, Any]) -> Any:
        """A number given for this parameter as catalog code reads it: repeated once per entry of
        the leading axis (the code indexes a[s]; a tuple is indexable and hashable), else a float."""
        return tuple([float(v)] * self.count(params)) if self.leading else float(v)

    def check_leading(self, owner: str, shape: tuple, params: Mapping[str, Any]) -> None:
        """An array for this parameter must hold ``count`` values along its first axis."""
        n = self.count(params)
        if self.leading and (len(shape) == 0 or shape[0] != n):
            raise ShapeError(
                f"{owner}: {self.name!r} has shape {tuple(shape)}; it needs {n} values along its first "
                f"axis (one per {self.leading[:-1] if self.leading.endswith('s') else self.leading}), "
                f"e.g. shape ({n},) or ({n}, C)"
            )


@dataclass(frozen=True)
class Kink:
    """A point where f is not differentiable (or jumps), with the derivative used there.

    ``at`` and ``derivative`` may be functions of the parameter dict. ``left``/``right`` are the
    one-sided slopes (for documentation and the kink check).
    """

    at: float | Callable[[Mapping[str, Any]], float]
    derivative: float | Callable[[Mapping[str, Any]], float]
    why: str
    jump: bool = False

    def at_for(self, p: Mapping[str, Any]) -> float:
        return float(self.at(p)) if callable(self.at) else float(self.at)

    def derivative_for(self, p: Mapping[str, Any]) -> float:
        return float(self.derivative(p)) if callable(self.derivative) else float(self.derivative)


@dataclass(frozen=True)
class Reference:
    authors: str
    year: int
    title: str
    url: str = ""

    def __str__(self) -> str:
        tail = f" {self.url}" if self.url else ""
        return f"{self.authors} ({self.year}). {self.title}.{tail}"


@dataclass(frozen=True)
class Example:
    """A worked example from the classic guides: f(x) (or f'(x)) rounded to ``digits`` places."""

    x: float
    expected: float
    digits: int = 12
    params: Mapping[str, Any] = field(default_factory=dict)
    of: str = "value"  # or "derivative"
    source: str = ""


Meta = Any  # a constant, or a function of the resolved parameter dict


def _resolve(value: Meta, params: Mapping[str, Any]) -> Any:
    return value(params) if callable(value) else value


@dataclass(frozen=True)
class ActivationSpec:
    """The one definition of an activation function.

    ``forward(x, ops, **params)`` and ``derivative(x, ops, **params)`` are written against an
    ``ops`` namespace so one definition serves every array library. Vector kinds take ``axis``
    and give ``vjp(x, g, ops, axis, **params)`` instead of an elementwise derivative; gated
    kinds split ``x`` in halves along ``axis`` and their derivative returns the two partials
    concatenated (same shape as ``x``). ``reference`` is an mpmath function written without
    looking at ``forward``.
    """

    name: str
    family: str
    forward: Callable[..., Any]
    reference: Callable[..., Any]
    formula: str
    derivative_formula: str
    summary: str
    kind: str = "elementwise"
    derivative: Callable[..., Any] | None = None
    vjp: Callable[..., Any] | None = None
    derivative_from_output: Callable[..., Any] | None = None
    # False where f' from the output loses the relative accuracy of f' from the input (the ELU
    # family's f + alpha cancels in the left tail, where f rounds to -alpha): the output is then
    # kept only by in-place calls, as torch's in-place elu does; out of place the input is kept
    derivative_from_output_exact: bool = True
    # vector kinds: vjp_from_output(y, g, ops, axis) = vjp(x, g) with y = f(x), so backward can keep
    # the output instead of recomputing f (sparsemax's sort) from the input
    vjp_from_output: Callable[..., Any] | None = None
    # gated kinds: partials(x, ops, axis, **params) = (df/da, df/db), the halves of ``derivative``
    # before they are joined (backward multiplies each by g and joins once)
    partials: Callable[..., Any] | None = None
    # gated kinds built as a * gate(b): the catalog name of the gate (fused kernels reuse its checks)
    gate: str | None = None
    param_derivatives: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    reference_derivative: Callable[..., Any] | None = None
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    range: Meta = REALS
    derivative_range: Meta = None
    monotonic: Meta = False
    smoothness: Meta = INF  # -1 discontinuous, 0 continuous with kinks, k for C^k, INF smooth
    kinks: Meta = ()
    # f' is constant between the kinks (checked): training needs only which piece each input
    # fell in, so the torch path saves a 1-byte mask instead of the input.
    piecewise_linear: Meta = False
    # piecewise-linear functions: their ``piecewise.Pieces`` (knots, slopes, intercepts, the
    # convention at each knot), from which the builder derived the rest; the torch path reads its
    # mask plan here
    pieces: Meta = None
    approximates_identity: Meta = False
    references: tuple[Reference, ...] = ()
    note: str = ""
    examples: tuple[Example, ...] = ()
    test_params: tuple[Mapping[str, Any], ...] = ()
    constraint: Callable[[Mapping[str, Any]], str | None] | None = None
    stochastic: bool = False
    float32_ulp: int = 4
    float32_ulp_why: str = ""
    probe_points: tuple[float, ...] = ()
    # Vector kinds whose outputs are differences like x_i - tau carry an absolute error of a few
    # ulp of |x_i|; with this set, their accuracy is measured against max(|f_i|, |x_i|).
    error_relative_to_input: bool = False

    # --- parameter-dependent metadata -------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def range_for(self, params: Mapping[str, Any]) -> Interval:
        return _resolve(self.range, params)

    def derivative_range_for(self, params: Mapping[str, Any]) -> Interval | None:
        return _resolve(self.derivative_range, params)

    def monotonic_for(self, params: Mapping[str, Any]) -> bool:
        return bool(_resolve(self.monotonic, params))

    def smoothness_for(self, params: Mapping[str, Any]) -> float:
        return _resolve(self.smoothness, params)

    def kinks_for(self, params: Mapping[str, Any]) -> Sequence[Kink]:
        return tuple(_resolve(self.kinks, params))

    def piecewise_linear_for(self, params: Mapping[str, Any]) -> bool:
        return bool(_resolve(self.piecewise_linear, params))

    def pieces_for(self, params: Mapping[str, Any]) -> Any:
        return _resolve(self.pieces, params)

    def approximates_identity_for(self, params: Mapping[str, Any]) -> bool:
        return bool(_resolve(self.approximates_identity, params))

    # --- random draws (rrelu): the one protocol every adapter follows ------------------
    def samples(self, training: Any) -> bool:
        """Whether a call draws random values: a randomized function in training. Such a call is
        differentiated by autograd of the sampled forward (the closed forms describe the
        evaluation function)."""
        return self.stochastic and bool(training)

    def draw_keywords(self, training: Any, source: Any) -> dict[str, Any]:
        """The keywords a randomized function's ``forward`` takes: ``training``, and the source of
        randomness as ``generator`` (a torch Generator, a JAX key, a Keras seed); none for others."""
        return {"training": training, "generator": source} if self.stochastic else {}

    @property
    def learnable(self) -> bool:
        return any(p.learnable for p in self.params)

    @property
    def bounded(self) -> bool:
        return self.range_for(self.defaults()).bounded
