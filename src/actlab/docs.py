"""Text generated from specs: docstrings of the functional and module forms, ``actlab show``,
and ``docs/activations.md`` (regenerated with ``actlab docs``; a test fails when it is stale)."""

from __future__ import annotations

import math
from typing import Any

from .kinds import kind_of
from .naming import class_name
from .spec import INF, ActivationSpec
from .unicode_math import to_unicode

__all__ = [
    "accuracy_markdown",
    "activations_markdown",
    "docstring",
    "number_text",
    "properties_text",
    "show_text",
    "smoothness_text",
]


def smoothness_text(k: float) -> str:
    if k == INF:
        return "C^inf (smooth)"
    if k < 0:
        return "discontinuous"
    if k == 0:
        return "C^0 (continuous, with kinks)"
    return f"C^{int(k)}"


def number_text(v: Any, digits: int = 10, other=repr) -> str:
    """A parameter value or a point as text: floats to ``digits`` significant digits, infinities as
    inf / -inf, anything else through ``other``."""
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return f"{v:.{digits}g}"
    return other(v)


# One line per property name used by ``actlab show``, docs/activations.md and the explorer.
PROPERTY_TERMS = {
    "range": "the set of values f takes over all real x (brackets: the bound is reached; "
    "parentheses: approached)",
    "f' in": "the set of values the derivative takes (a bound on how much a unit scales a gradient)",
    "monotonic": "f never decreases as x grows",
    "C^k": "f and its first k derivatives are continuous (C^0: continuous with kinks; C^inf: smooth)",
    "kink": "a point where f' jumps; the value f' is given there is the convention stated per kink",
    "zero-centred": "the mean output for a standard normal input is 0 (|E f(z)| <= 5% of its RMS), "
    "as for tanh; ReLU, sigmoid, ELU and GELU are not, though some take both signs",
    "bounded": "f stays between two finite values",
    "approximates identity near 0": "f(0) = 0 and f'(0) = 1: near 0 the unit passes its input through",
    "init gain": "1/sqrt(E[f(z)^2]) for z ~ N(0, 1): the weight scale that keeps the signal's size "
    "from layer to layer",
    "saturation": "where |f'| < 0.01: a gradient passing through is cut a hundredfold or more",
}


def terms_text() -> str:
    w = max(len(k) for k in PROPERTY_TERMS)
    return "terms:\n" + "\n".join(f"  {k:<{w}}  {v}" for k, v in PROPERTY_TERMS.items())


def properties_text(s: ActivationSpec, p: dict[str, Any] | None = None) -> list[str]:
    from .properties import zero_centred  # evaluates f: above this module

    p = s.defaults() if p is None else p
    out = [f"range {s.range_for(p)}"]
    dr = s.derivative_range_for(p)
    if dr is not None:
        out.append(f"f' in {dr}")
    out.append("monotonic" if s.monotonic_for(p) else "not monotonic")
    out.append(smoothness_text(s.smoothness_for(p)))
    if s.kind == "elementwise":
        out.append("zero-centred" if zero_centred(s.name, **p) else "not zero-centred")
        if s.approximates_identity_for(p):
            out.append("approximates identity near 0")
    if s.range_for(p).bounded:
        out.append("bounded")
    return out


def doc_head(s: ActivationSpec) -> list[str]:
    """The part of every docstring that is the spec's, whatever the framework: summary, f and f'
    as ``.. math::``, properties, kink conventions, note."""
    d = s.defaults()
    lines = [
        s.summary,
        "",
        ".. math::",
        "",
        f"    {s.formula}",
        "",
        ".. math::",
        "",
        f"    {s.derivative_formula}",
        "",
    ]
    lines.append("Properties (default parameters): " + ", ".join(properties_text(s, d)) + ".")
    kinks = s.kinks_for(d)
    if kinks:
        lines += ["", "Kinks (derivative convention):"]
        lines += [
            f"    x = {number_text(k.at_for(d))}: f' = {number_text(k.derivative_for(d))} — {k.why}"
            for k in kinks
        ]
    if s.note:
        lines += ["", s.note]
    return lines


def param_lines(
    s: ActivationSpec, learnable_note: str = " Learnable.", other_note: str = "", elsewhere: bool = False
) -> list[str]:
    """One ``Args:`` line per parameter: meaning, default, valid values, and a note on learnable
    (``learnable_note``) or other (``other_note``) parameters in this framework's form."""
    lines = []
    for p in s.params:
        rng = (
            f" Valid: {p.bounds}." if p.bounds is not None else (f" One of {p.choices}." if p.choices else "")
        )
        note = learnable_note if p.learnable else ("" if p.choices else other_note)
        lines.append(f"    {p.name}: {p.doc or p.name} (default {number_text(p.default)}).{rng}{note}")
        if elsewhere:
            lines += [f"        Elsewhere: {e}." for e in p.elsewhere]
    return lines


def axis_line(s: ActivationSpec, word: str = "axis", many: str = "") -> list[str]:
    """The axis argument of vector and gated kinds (``many``: how a tuple of axes is taken)."""
    return kind_of(s).doc_args(word, many)


def docstring(s: ActivationSpec, form: str = "function") -> str:
    """Google-style docstring with ``.. math::`` blocks, generated from the spec."""
    lines = doc_head(s)
    lines += ["", "Args:"]
    lines.append(
        "    input: a floating-point tensor (float16, bfloat16, float32 or float64)."
        if form == "function"
        else "    num_parameters: 1 for shared learnable values, or the channel count C (dim 1)."
    )
    lines += param_lines(s, elsewhere=True)
    lines += axis_line(s, "dim")
    if s.stochastic:
        lines.append("    training: sample the random slopes (module: follows .train()/.eval()).")
    if s.references:
        lines += ["", "References:"] + [f"    {r}" for r in s.references]
    lines += ["", "Example:"]
    shape = "4" if s.kind == "elementwise" else "4, 6"
    call = f"functional.{s.name}" if form == "function" else f"{class_name(s.name)}()"
    lines.append(f"    >>> actlab.torch.{call}(torch.randn({shape}))")
    return "\n".join(lines)


def show_text(s: ActivationSpec) -> str:
    """What ``actlab show NAME`` prints."""
    from .properties import derivative_at_zero, init_gain, value_at_zero

    d = s.defaults()
    out = [f"{s.name}  ({class_name(s.name)}; family {s.family}; {s.kind})"]
    if s.aliases:
        out.append(f"aliases: {', '.join(s.aliases)}")
    formula = to_unicode(s.formula).replace("\n", "\n  ")
    derivative = to_unicode(s.derivative_formula).replace("\n", "\n  ")
    out += ["", s.summary, "", f"  {formula}", f"  {derivative}", ""]
    if s.examples:
        out.append("worked examples:")
        for e in s.examples:
            ps = ", ".join(f"{k}={v}" for k, v in e.params.items())
            fn = "f" if e.of == "value" else "f'"
            out.append(
                f"  {fn}({number_text(e.x)}{', ' + ps if ps else ''}) = {e.expected}"
                f"{'  (' + e.source + ')' if e.source else ''}"
            )
        out.append("")
    if s.params:
        out.append("parameters:")
        for p in s.params:
            tags = [t for t, on in (("learnable", p.learnable), ("per-channel", p.per_channel)) if on]
            valid = (
                f"valid {p.bounds}" if p.bounds is not None else (f"one of {p.choices}" if p.choices else "")
            )
            out.append(f"  {p.name} = {number_text(p.default)}  {valid}  {' '.join(tags)}".rstrip())
            if p.doc:
                out.append(f"      {p.doc}")
            for other in p.elsewhere:
                out.append(f"      elsewhere: {other}")
        out.append("")
    out.append("properties: " + ", ".join(properties_text(s, d)))
    if s.kind == "elementwise":
        out.append(
            f"f(0) = {value_at_zero(s.name):.10g}, f'(0) = {derivative_at_zero(s.name):.10g}, "
            f"init gain 1/sqrt(E[f(z)^2]) = {init_gain(s.name):.6g}"
        )
    kinks = s.kinks_for(d)
    if kinks:
        out.append("kinks:")
        out += [
            f"  x = {number_text(k.at_for(d))}{' (jump)' if k.jump else ''}: f' taken as "
            f"{number_text(k.derivative_for(d))} — {k.why}"
            for k in kinks
        ]
    if s.note:
        out += ["", s.note]
    if s.references:
        out += ["", "references:"] + [f"  {r}" for r in s.references]
    if s.float32_ulp_why:
        out += ["", f"float32 (torch) accuracy budget {s.float32_ulp} ulp: {s.float32_ulp_why}"]
    return "\n".join(out)


def _cell(t: str) -> str:
    return t.replace("|", r"\|").replace("\n", " ")


def activations_markdown(specs: list[ActivationSpec]) -> str:
    """docs/activations.md: one table row and one short section per activation."""
    from .properties import init_gain

    head = [
        "# Activation catalog",
        "",
        "Generated from the specs by `actlab docs` — do not edit by hand (a test fails when this file",
        "is stale). Properties are at default parameters; each is verified numerically by `actlab check`",
        "or computed from its definition below (zero-centred, init gain). Derivatives at kinks follow",
        "PyTorch's autograd where torch has the function.",
        "",
        f"{len(specs)} activations.",
        "",
        "Terms:",
        "",
        *[f"- **{k}**: {v}" for k, v in PROPERTY_TERMS.items()],
        "",
        "| name | f(x) | f'(x) | range | properties | parameters (default) | defaults elsewhere |",
        "|---|---|---|---|---|---|---|",
    ]
    rows, sections = [], []
    for s in specs:
        d = s.defaults()
        props = [x for x in properties_text(s, d) if not x.startswith("range")]
        params = ", ".join(
            f"`{p.name}`={number_text(p.default)}{' (learnable)' if p.learnable else ''}" for p in s.params
        )
        rows.append(
            f"| [`{s.name}`](#{s.name}) | ${_cell(s.formula)}$ | ${_cell(s.derivative_formula)}$ | "
            f"{_cell(str(s.range_for(d)))} | {_cell(', '.join(props))} | {_cell(params) or '—'} | "
            f"{_cell('; '.join(e for p in s.params for e in p.elsewhere)) or '—'} |"
        )
        sec = [f"## {s.name}", "", f"**{class_name(s.name)}** — {s.summary}", ""]
        if s.aliases:
            sec.append(f"Aliases: {', '.join(f'`{a}`' for a in s.aliases)}. ")
        sec.append(f"Family: {s.family}; kind: {s.kind}.")
        if s.kind == "elementwise":
            g = init_gain(s.name)
            sec.append(f"Init gain 1/sqrt(E[f(z)²]), z~N(0,1): {g:.4g}.")
        sec.append("")
        for p in s.params:
            if p.elsewhere:
                default = number_text(p.default)
                sec.append(f"- `{p.name}` = {default} here; elsewhere: {'; '.join(p.elsewhere)}.")
        for k in s.kinks_for(d):
            sec.append(
                f"- kink at x = {number_text(k.at_for(d))}{' (jump)' if k.jump else ''}: f' = "
                f"{number_text(k.derivative_for(d))} — {k.why}"
            )
        if s.float32_ulp_why:
            sec.append(f"- float32 (torch path) accuracy budget {s.float32_ulp} ulp: {s.float32_ulp_why}")
        if s.note:
            sec += ["", s.note]
        if s.references:
            sec += [""] + [f"- {r}" for r in s.references]
        sections.append("\n".join(sec))
    return "\n".join(head + rows) + "\n\n" + "\n\n".join(sections) + "\n"


_ACC_COLUMNS = [
    ("float64 f", ("numpy/float64/value", "torch/float64/value")),
    (
        "float64 f'",
        ("numpy/float64/derivative", "torch/float64/derivative", "numpy/float64/vjp", "torch/float64/vjp"),
    ),
    (
        "NumPy and torch exact: f32/f16/bf16 (ulp)",
        tuple(
            f"{p}/{d}/{w}"
            for p in ("numpy", "torch-exact")
            for d in ("float32", "float16", "bfloat16")
            for w in ("value", "derivative")
        ),
    ),
    ("torch fast f32 f (ulp)", ("torch/float32/value",)),
    ("torch fast f32 f' (ulp)", ("torch/float32/derivative",)),
    (
        "torch fast f16 / bf16 (ulp)",
        (
            "torch/float16/value",
            "torch/bfloat16/value",
            "torch/float16/derivative",
            "torch/bfloat16/derivative",
        ),
    ),
]


def accuracy_markdown(reports: list, specs: list[ActivationSpec], command: str) -> str:
    """docs/accuracy.md: worst measured error per activation, path and dtype (``actlab check --markdown``)."""
    lines = [
        "# Measured accuracy",
        "",
        f"Written by `{command} --markdown docs/accuracy.md`: the worst error over every tested point and",
        "parameter set, against 50-digit mpmath references. float64 columns: error relative to the local",
        "scale max(|f(x)|, |f(x±h)|), h = min(|x|, 1)/100 (the bar is 1e-12). Other columns: ulps of the",
        'dtype at that scale. NumPy, and torch under `actlab.precision("exact")`, evaluate in float64 and',
        'round once (bar: 1 ulp); torch under the default precision "fast" evaluates in the input dtype',
        "(float32 for half types); `budget` is the float32 ulp budget the tests enforce on that path.",
        "",
        "| name | " + " | ".join(c for c, _ in _ACC_COLUMNS) + " | budget | status |",
        "|---|" + "---|" * (len(_ACC_COLUMNS) + 2),
    ]
    for rep, s in zip(reports, specs):
        cells = []
        for _, labels in _ACC_COLUMNS:
            vals = [rep.worst[lab][0] for lab in labels if lab in rep.worst]
            if not vals:
                cells.append("—")
            elif "float64" in labels[0]:
                cells.append(f"{max(vals):.2g}")
            else:
                cells.append(f"{max(vals):.2f}")
        status = "ok" if rep.ok else f"{len(rep.failures)} failure(s)"
        lines.append(f"| `{s.name}` | " + " | ".join(cells) + f" | {s.float32_ulp} | {status} |")
    why = [f"- `{s.name}` ({s.float32_ulp} ulp): {s.float32_ulp_why}" for s in specs if s.float32_ulp_why]
    if why:
        lines += ["", "Why some float32 budgets exceed 4 ulp:", ""] + why
    return "\n".join(lines) + "\n"
