"""One function's page: maths, the interactive plot with its sliders, properties, conventions,
usage, the guides' pros and cons with their evidence, the lab's claims, papers and the network."""

from __future__ import annotations

import json
import math
from html import escape
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml

from ..docs import PROPERTY_TERMS
from ..naming import class_name
from ..spec import ActivationSpec
from .evidence import badge, statement_html
from .guides import claim_functions, for_function
from .netview import section_html
from .pages import layout
from .usage import snippets
from .verdicts import Verdicts

__all__ = ["function_page", "maths"]


def maths(latex: str) -> str:
    """LaTeX to MathML at build time: browsers render MathML natively, so no maths script ships."""
    return latex_to_mathml(latex, display="block")


def _sliders(data: dict[str, Any]) -> str:
    out = []
    for p in data["params"]:
        pid = f"p-{p['name']}"
        n = len(p["values"])
        tag = " (learnable)" if p["learnable"] else ""
        if n == 1:
            out.append(
                f'<div class="slider"><span class="pname">{escape(p["name"])}</span> = '
                f"{escape(p['labels'][0])}"
                f' <span class="note">{escape(p.get("fixed", ""))}</span></div>'
            )
            continue
        out.append(
            f'<div class="slider"><label for="{pid}" class="pname">{escape(p["name"])}{tag}</label>'
            f'<input type="range" id="{pid}" data-param="{escape(p["name"])}" min="0" max="{n - 1}" step="1" '
            f'value="{p["default_index"]}" aria-valuetext="{escape(p["labels"][p["default_index"]])}">'
            f'<output for="{pid}" id="{pid}-out">{escape(p["labels"][p["default_index"]])}</output>'
            f'<span class="note">{escape(p["doc"])}</span></div>'
        )
    if not out:
        return '<p class="note">No parameters.</p>'
    return (
        '<div id="sliders">'
        + "".join(out)
        + '</div><p class="note">Each slider steps through the values whose curves were computed when '
        'the site was built; the others stay where they are. <button type="button" id="reset">Defaults'
        '</button></p><p id="combo-error" class="missing" hidden></p>'
    )


def _props_table(combo: dict[str, Any]) -> str:
    rows = [(k, v) for k, v in combo.get("props", [])]
    for key, label in (("f0", "f(0)"), ("d0", "f'(0)"), ("gain", "init gain")):
        if key in combo:
            rows.append((label, f"{combo[key]:.6g}" if combo[key] is not None else "inf"))
    body = "".join(
        f'<tr><th scope="row"><abbr title="{escape(PROPERTY_TERMS.get(k, PROPERTY_TERMS.get("kink", "")))}">'
        f"{escape(k)}</abbr></th><td>{escape(v)}</td></tr>"
        if k in PROPERTY_TERMS
        else f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>'
        for k, v in rows
    )
    return f'<table class="props" id="props"><tbody>{body}</tbody></table>'


def _kinks_table(combo: dict[str, Any]) -> str:
    if not combo.get("kinks"):
        return '<p id="kinks">No kinks: f\' is defined everywhere.</p>'
    rows = "".join(
        f"<tr><td>{k['at']:g}{' (jump)' if k['jump'] else ''}</td><td>{k['d']:g}</td>"
        f"<td>{escape(k['why'])}</td></tr>"
        for k in combo["kinks"]
    )
    return (
        '<table id="kinks" class="grid"><thead><tr><th>x</th><th>f\' used there</th><th>why</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _examples(s: ActivationSpec) -> str:
    if not s.examples:
        return "<p>The spec has no worked examples for this function.</p>"
    rows = []
    for e in s.examples:
        ps = ", ".join(f"{k}={v}" for k, v in e.params.items())
        fn = "f" if e.of == "value" else "f'"
        shown = "" if -5 <= e.x <= 5 else " (outside the plotted range)"
        rows.append(
            f"<tr><td>{fn}({e.x:g}{', ' + escape(ps) if ps else ''}) = {e.expected:g}{shown}</td>"
            f"<td>{escape(e.source)}</td></tr>"
        )
    return (
        "<p>Checked by <code>actlab check</code> against the 50-digit reference; marked on the plot (rings) "
        "when their parameters are the ones shown.</p>"
        f'<table class="grid" id="examples"><tbody>{"".join(rows)}</tbody></table>'
    )


def _fmt(v: Any) -> str:
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.10g}" if isinstance(v, float) else str(v)


def _params_table(s: ActivationSpec) -> str:
    if not s.params:
        return "<p>No parameters, so no conventions to differ on.</p>"
    rows = []
    for p in s.params:
        valid = (
            str(p.bounds) if p.bounds is not None else (", ".join(map(str, p.choices)) if p.choices else "")
        )
        elsewhere = "<br>".join(escape(e) for e in p.elsewhere) or "—"
        rows.append(
            f"<tr><td><code>{escape(p.name)}</code></td><td>{escape(_fmt(p.default))}</td><td>{escape(valid)}</td>"
            f"<td>{'yes' if p.learnable else 'no'}</td><td>{elsewhere}</td></tr>"
        )
    return (
        "<p>Defaults follow PyTorch where it has the function, else the paper; what other libraries use is "
        "recorded in the spec (<code>Param.elsewhere</code>).</p>"
        '<table class="grid" id="conventions"><thead><tr><th>parameter</th><th>default '
        "here</th><th>valid</th>"
        "<th>learnable</th><th>torch / Keras / JAX / others</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _usage(s: ActivationSpec) -> str:
    out = []
    for lang, code in snippets(s).items():
        slug = lang.lower()
        out.append(
            f'<div class="code"><h3>{lang}</h3><button type="button" class="copy" data-copy="use-{slug}">Copy'
            f'</button><pre><code id="use-{slug}">{escape(code)}</code></pre></div>'
        )
    return "".join(out)


def _guides(s: ActivationSpec, verdicts: Verdicts) -> str:
    sts = for_function(s.name)
    if not sts:
        return "<p>The guides (seeds 000–004) say nothing specific about this function.</p>"
    groups = []
    for stance, title in (("pro", "Pros"), ("con", "Cons"), ("fact", "Stated facts")):
        items = [statement_html(st, verdicts, s.name, "../") for st in sts if st.stance == stance]
        if items:
            groups.append(f'<h3>{title}</h3><ul class="statements">{"".join(items)}</ul>')
    advice = [
        statement_html(st, verdicts, s.name, "../") for st in sts if st.stance not in ("pro", "con", "fact")
    ]
    if advice:
        groups.append(f'<h3>Advice</h3><ul class="statements">{"".join(advice)}</ul>')
    return "".join(groups)


def _lab(s: ActivationSpec, verdicts: Verdicts) -> str:
    keys = [k for k, names in claim_functions().items() if s.name in names]
    if not keys:
        return "<p>No claim of <code>actlab claims</code> involves this function yet.</p>"
    items = []
    for k in keys:
        c = verdicts.claims.get(k, {})
        items.append(
            f'<li><a href="../guide.html#claim-{k}"><code>{k}</code></a>: {escape(c.get("statement", ""))} '
            f"{badge(c.get('verdict'))}</li>"
        )
    return f'<p class="note">Verdicts from {escape(verdicts.origin)}.</p><ul>{"".join(items)}</ul>'


def function_page(s: ActivationSpec, data: dict[str, Any], verdicts: Verdicts, net: tuple) -> str:
    entry, missing = net
    default = data["combos"][data["default"]]
    aliases = f" · aka {escape(', '.join(s.aliases))}" if s.aliases else ""
    plotted = f'<p class="plotted" id="plotted">{escape(data["plotted"])}</p>' if data["plotted"] else ""
    refs = "".join(
        f"<li>{escape(r.authors)} ({r.year}). {escape(r.title)}."
        + (f' <a href="{escape(r.url)}" rel="noopener">{escape(r.url)}</a>' if r.url else "")
        + "</li>"
        for r in s.references
    )
    note = f"<section><h2>In short</h2><p>{escape(s.note)}</p></section>" if s.note else ""
    body = (
        '<nav class="crumbs" aria-label="breadcrumb"><a href="../index.html">Gallery</a> › '
        f"{escape(s.name)}</nav>"
        f"<h1>{escape(s.name)} <small>{class_name(s.name)}</small></h1>"
        f'<p class="lead">{escape(s.summary)}</p>'
        f'<p class="meta">family {escape(s.family)} · {s.kind}{aliases} · '
        f'<a href="../compare.html?f={s.name}">compare with others</a></p>'
        f'<section id="definition"><h2>Definition</h2><div class="math">{maths(s.formula)}</div>'
        f'<div class="math">{maths(s.derivative_formula)}</div></section>'
        f'<section id="plot-section"><h2>f and f\'</h2>{plotted}'
        '<div id="plot" class="plot big" role="img" aria-label="interactive plot of f and its derivative; '
        'the readout below gives the values under the pointer"></div>'
        '<p id="readout" aria-live="polite">Point at the plot to read x, f(x) and f\'(x).</p>'
        "<p class=\"hint\">Solid: f. Dashed: f'. Shaded: saturation, where |f'| &lt; 0.01. Dots: "
        "the value of "
        "f' used at a kink. Rings: worked examples. Drag to zoom in; double-click to zoom out.</p>"
        f"{_sliders(data)}</section>"
        f'<section id="properties"><h2>Properties</h2>{_props_table(default)}'
        f"<h3>Kinks and the derivative used there</h3>{_kinks_table(default)}</section>"
        f'<section id="worked"><h2>Worked examples</h2>{_examples(s)}</section>'
        f'<section id="params"><h2>Parameters and other libraries\' defaults</h2>{_params_table(s)}</section>'
        f'<section id="usage"><h2>Usage</h2>{_usage(s)}</section>'
        f'<section id="guides"><h2>What the guides say, and what the lab found</h2>'
        f'<p class="note">Claim verdicts from {escape(verdicts.origin)}.</p>{_guides(s, verdicts)}</section>'
        f'<section id="lab"><h2>Lab claims involving {escape(s.name)}</h2>{_lab(s, verdicts)}</section>'
        f"{note}"
        f'<section id="papers"><h2>Papers</h2><ul>{refs or "<li>No reference recorded.</li>"}</ul></section>'
        f"{section_html(entry, missing)}"
        f"<script>window.ACTLAB_FN = {json.dumps(s.name)};</script>"
    )
    scripts = ["static/uPlot.iife.min.js", "static/plot.js", f"data/{s.name}.js"]
    if entry is not None:
        scripts += [f"net/{s.name}.js", "static/network.js"]
    scripts.append("static/fnpage.js")
    return layout(
        s.name, body, root="../", scripts=scripts, styles=["static/uPlot.min.css", "static/math.css"]
    )
