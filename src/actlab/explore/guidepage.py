"""'Choosing an activation': the guides' advice, each statement with the lab's verdict, and the
claims behind them with the per-cell results of map claims."""

from __future__ import annotations

from html import escape
from typing import Any

from .evidence import badge, statement_html
from .guides import ADVICE, SEEDS, STATEMENTS, TOPICS
from .pages import layout
from .verdicts import Verdicts

__all__ = ["guide_page"]

# the columns of a map claim's table worth a glance; the rest stay in the full report
_MAP_COLUMNS = (
    "optimizer", "depth", "init", "rate", "lr", "lr / stable", "in scope", "task",
    "ReLU dead [Wilson 95%, units]", "cell", "task verdict",
)  # fmt: skip


def _verdict_column(cols: list[str]) -> int | None:
    for name in ("cell", "task verdict"):
        if name in cols:
            return cols.index(name)
    return None


def _cell_class(v: str) -> str:
    return {"held": "v-held", "not held": "v-not", "inconclusive": "v-inc"}.get(v, "")


def map_table(table: dict[str, Any]) -> str:
    cols = table["columns"]
    keep = [i for i, c in enumerate(cols) if c in _MAP_COLUMNS or c.startswith("R = ")] or list(
        range(len(cols))
    )
    verdict_col = _verdict_column(cols)
    head = "".join(f"<th>{escape(cols[i])}</th>" for i in keep)
    rows = []
    for r in table["rows"]:
        cls = _cell_class(str(r[verdict_col])) if verdict_col is not None else ""
        tds = "".join(
            f'<td class="{cls}">{escape(str(r[i]))}</td>'
            if i == verdict_col
            else f"<td>{escape(str(r[i]))}</td>"
            for i in keep
        )
        rows.append(f"<tr>{tds}</tr>")
    return (
        f'<div class="scroll"><table class="grid map"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _claim(c: dict[str, Any]) -> str:
    key = c["key"]
    parts = [
        f'<article class="claim" id="claim-{escape(key)}"><h3><code>{escape(key)}</code> '
        f"{badge(c.get('verdict'))}</h3>",
        f"<p>{escape(c.get('statement', ''))}</p>",
    ]
    if c.get("source"):
        parts.append(f'<p class="note">Source: {escape(c["source"])}</p>')
    if c.get("setting"):
        parts.append(f"<details><summary>What was run</summary><p>{escape(c['setting'])}</p></details>")
    if c.get("scope"):
        parts.append(f"<p><strong>Where it holds:</strong> {escape(c['scope'])}</p>")
    if c.get("grid"):
        parts.append(f'<p class="note">Grid: {escape(c["grid"])}</p>')
    if c.get("table"):
        parts.append(map_table(c["table"]))
    if c.get("details"):
        parts.append(f"<details><summary>Result</summary><p>{escape(c['details'])}</p></details>")
    return "".join(parts) + "</article>"


def guide_page(verdicts: Verdicts) -> str:
    sections = []
    for topic, title in TOPICS.items():
        items = [statement_html(st, verdicts) for st in ADVICE if st.stance == topic]
        sections.append(
            f'<section id="advice-{topic}"><h2>{title}</h2><ul '
            f'class="statements">{"".join(items)}</ul></section>'
        )
    by_fn: dict[str, list] = {}
    for st in STATEMENTS:
        by_fn.setdefault(st.functions[0], []).append(st)
    fn_rows = "".join(
        f'<h3><a href="f/{name}.html">{escape(name)}</a></h3><ul class="statements">'
        + "".join(statement_html(st, verdicts, name) for st in sts)
        + "</ul>"
        for name, sts in by_fn.items()
    )
    seeds = "".join(
        f"<li><strong>{k}</strong> (<code>seeds/{escape(f)}</code>): {escape(t)}</li>"
        for k, (f, t) in SEEDS.items()
    )
    claims = "".join(_claim(c) for c in verdicts.claims.values())
    body = (
        "<h1>Choosing an activation</h1>"
        "<p>What the activation guides our users learn from advise, statement by statement, with "
        "what the lab "
        "measured. A verdict is the lab's, under the decision rule fixed before its run; a claim "
        "that does not "
        "hold is a finding. Statements without a test say why.</p>"
        f'<p class="note" id="origin">Verdicts from {escape(verdicts.origin)}.</p>'
        f"{''.join(sections)}"
        f'<section id="by-function"><h2>Every checkable statement, by function</h2>{fn_rows}</section>'
        f'<section id="claims"><h2>The lab\'s claims</h2>{claims}</section>'
        f'<section id="seeds"><h2>The guides</h2><p>Quotes are shortened.</p><ul>{seeds}</ul></section>'
    )
    return layout("Choosing an activation", body, current="guide.html")
