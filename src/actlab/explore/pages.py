"""HTML of the gallery and the compare page, and the frame every page shares."""

from __future__ import annotations

import json
from html import escape
from typing import Any, Sequence

from ..naming import class_name
from ..spec import ActivationSpec

__all__ = ["compare_page", "gallery_page", "layout", "yes_no_select"]

_NAV = (("index.html", "Gallery"), ("compare.html", "Compare"), ("guide.html", "Choosing an activation"))


def layout(
    title: str,
    body: str,
    *,
    root: str = "",
    scripts: Sequence[str] = (),
    styles: Sequence[str] = (),
    current: str = "",
) -> str:
    """A page: ``root`` is the relative path back to the site's top ("" or "../"), so every link
    works from file:// as well as from a server."""
    here = ' aria-current="page"'
    nav = " ".join(
        f'<a href="{root}{href}"{here if href == current else ""}>{label}</a>' for href, label in _NAV
    )
    css = "".join(f'<link rel="stylesheet" href="{root}{s}">' for s in ("static/site.css", *styles))
    js = "".join(f'<script src="{root}{s}"></script>' for s in scripts)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — actlab explorer</title>{css}</head>"
        f'<body><header class="top"><a class="brand" href="{root}index.html">actlab explorer</a>'
        f'<nav aria-label="site">{nav}</nav></header><main id="main">{body}</main>'
        "<footer>Built by <code>actlab explore</code> from the catalog specs: every number on these pages "
        "is computed from the spec through actlab's NumPy API, or read from the lab results file the page "
        f"names.</footer>{js}</body></html>\n"
    )


def yes_no_select(key: str, label: str) -> str:
    return (
        f'<label>{escape(label)} <select data-filter="{key}" id="filter-{key}">'
        '<option value="">any</option><option value="yes">yes</option><option value="no">no</option>'
        "</select></label>"
    )


def _yn(v: bool) -> str:
    return "yes" if v else "no"


def gallery_page(
    specs: Sequence[ActivationSpec], facts: dict[str, dict[str, Any]], thumbs: dict[str, str]
) -> str:
    families = sorted({f["family"] for f in facts.values()})
    kinds = sorted({f["kind"] for f in facts.values()})
    cards = []
    for s in specs:
        f = facts[s.name]
        search = " ".join([s.name, class_name(s.name), *s.aliases]).lower()
        tags = [
            t
            for t, on in (
                ("learnable", f["learnable"]),
                ("bounded", f["bounded"]),
                ("monotonic", f["monotonic"]),
                ("smooth", f["smooth"]),
                ("zero-centred", f["zero_centred"]),
            )
            if on
        ]
        aliases = f'<p class="aliases">aka {escape(", ".join(s.aliases))}</p>' if s.aliases else ""
        cards.append(
            f'<li class="card" data-name="{s.name}" data-search="{escape(search)}" '
            f'data-family="{f["family"]}" '
            f'data-kind="{f["kind"]}" data-learnable="{_yn(f["learnable"])}" '
            f'data-bounded="{_yn(f["bounded"])}" '
            f'data-monotonic="{_yn(f["monotonic"])}" data-smooth="{_yn(f["smooth"])}" '
            f'data-zero_centred="{_yn(f["zero_centred"])}">'
            f'<a href="f/{s.name}.html"><h2>{escape(s.name)}</h2>{thumbs[s.name]}</a>{aliases}'
            f'<p class="meta">{escape(f["family"])} · {f["kind"]} · range {escape(f["range"])}</p>'
            f'<p class="tags">{" ".join(f"<span>{t}</span>" for t in tags)}</p>'
            f'<p class="summary">{escape(s.summary)}</p></li>'
        )
    fam = "".join(f'<option value="{escape(x)}">{escape(x)}</option>' for x in families)
    kin = "".join(f'<option value="{x}">{x}</option>' for x in kinds)
    body = (
        "<h1>Every activation in the catalog</h1>"
        f"<p>{len(specs)} functions, each with its exact definition and derivative. Thumbnails: f solid, "
        "f' dashed, x from −5 to 5; properties at default parameters. Open a card for the interactive "
        'plot, parameters, properties, usage and what the guides and the lab say; or <a href="compare.html">'
        "compare</a> up to four.</p>"
        '<form class="filters" role="search" onsubmit="return false">'
        '<label>Search <input type="search" id="search" placeholder="name or alias" '
        'autocomplete="off"></label>'
        f'<label>Family <select data-filter="family" id="filter-family"><option value="">any</option>{fam}'
        "</select></label>"
        f'<label>Kind <select data-filter="kind" id="filter-kind"><option value="">any</option>{kin}</select>'
        "</label>"
        + "".join(
            yes_no_select(k, lab)
            for k, lab in (
                ("learnable", "Learnable"),
                ("bounded", "Bounded"),
                ("monotonic", "Monotonic"),
                ("smooth", "Smooth (C^∞)"),
                ("zero_centred", "Zero-centred"),
            )
        )
        + "</form>"
        f'<p id="count" aria-live="polite">{len(specs)} of {len(specs)} functions</p>'
        f'<ul class="gallery" id="gallery">{"".join(cards)}</ul>'
        '<p id="none" hidden>No function matches these filters.</p>'
    )
    return layout("Gallery", body, scripts=["static/gallery.js"], current="index.html")


def compare_page(specs: Sequence[ActivationSpec]) -> str:
    options = "".join(f'<option value="{s.name}">{escape(s.name)}</option>' for s in specs)
    pickers = "".join(
        f'<label>Function {i + 1} <select class="pick" id="pick-{i}"><option value="">—</option>{options}'
        "</select></label>"
        for i in range(4)
    )
    names = json.dumps([s.name for s in specs])
    body = (
        "<h1>Compare activations</h1>"
        "<p>Up to four functions at their default parameters, f and f' overlaid (vector kinds: output 0 of "
        "f([x, 0]); gated kinds: a = 1, over b). The selection is kept in the address "
        "(<code>compare.html?f=relu,gelu</code>), so a comparison can be bookmarked or shared.</p>"
        f'<form class="filters" onsubmit="return false">{pickers}</form>'
        '<p id="status" aria-live="polite"></p>'
        '<div class="pair"><figure><figcaption>f(x)</figcaption><div id="plot-f" class="plot"></div></figure>'
        '<figure><figcaption>f\'(x)</figcaption><div id="plot-d" class="plot"></div></figure></div>'
        '<p class="hint">Drag across a plot to zoom in; double-click to zoom out.</p>'
        '<div class="scroll"><table id="props" class="props"></table></div>'
        f"<script>window.ACTLAB_NAMES = {names};</script>"
    )
    return layout(
        "Compare",
        body,
        scripts=["static/uPlot.iife.min.js", "static/plot.js", "static/compare.js"],
        styles=["static/uPlot.min.css"],
        current="compare.html",
    )
