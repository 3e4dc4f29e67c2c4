"""One guide statement with its lab evidence, as HTML: the claim's verdict from the results file, or
the checked property's value from the spec (so the page never states a fact of its own)."""

from __future__ import annotations

from html import escape

from ..docs import smoothness_text
from ..properties import zero_centred
from ..registry import spec as get_spec
from .guides import SEEDS, TASK_OF_TOPIC, Statement
from .verdicts import Verdicts

__all__ = ["badge", "check_fact", "seed_refs", "statement_html"]

_GUIDE_CHECKS = {
    "stays linear": "3 stacked dense layers of it equal their product map",
    "tanh-sigmoid identity": "tanh(x) = 2 sigmoid(2x) - 1",
    "odd symmetry": "f(-x) = -f(x)",
    "sums to one": "the outputs sum to 1 along every axis",
}


def badge(verdict: str | None) -> str:
    if verdict is None:
        return '<span class="verdict v-none">no verdict in this results file</span>'
    cls = {"held": "v-held", "not held": "v-not", "inconclusive": "v-inc"}.get(verdict, "v-other")
    return f'<span class="verdict {cls}">{escape(verdict)}</span>'


def check_fact(ref: str, name: str) -> str:
    """The spec's value of a property ``actlab check`` verifies, for the function ``name``."""
    s = get_spec(name)
    d = s.defaults()
    facts = []
    for part in (p.strip() for p in ref.split(",")):
        if part == "range":
            facts.append(f"range {s.range_for(d)}")
        elif part == "derivative range":
            facts.append(f"f' in {s.derivative_range_for(d)}")
        elif part == "zero-centred":
            facts.append("zero-centred" if zero_centred(name, **d) else "not zero-centred")
        elif part == "smoothness":
            facts.append(smoothness_text(s.smoothness_for(d)))
        elif part == "monotonic":
            facts.append("monotonic" if s.monotonic_for(d) else "not monotonic")
        elif part == "worked examples":
            ex = [e for e in s.examples if e.of == "value"][:3]
            facts.append("worked examples " + ", ".join(f"f({e.x:g}) = {e.expected:g}" for e in ex))
        elif part == "derivative":
            facts.append("f' checked against the 50-digit reference")
        elif part in _GUIDE_CHECKS:
            facts.append(_GUIDE_CHECKS[part])
        else:
            facts.append(part)
    return "; ".join(facts)


def seed_refs(seeds: tuple[str, ...]) -> str:
    if not seeds:
        return "—"
    return ", ".join(f'<abbr title="seeds/{SEEDS[k][0]}: {escape(SEEDS[k][1])}">{k}</abbr>' for k in seeds)


def statement_html(st: Statement, verdicts: Verdicts, name: str | None = None, root: str = "") -> str:
    """An <li>: the quote, its sources, and the evidence with its verdict (or why there is none)."""
    subject = name or st.functions[0]
    if st.evidence == "claim":
        task = st.task or TASK_OF_TOPIC.get(st.stance)
        v = verdicts.task_verdict(st.ref, task) if task else None
        v = v or verdicts.verdict(st.ref)
        where = f" ({task} task)" if task and verdicts.task_verdict(st.ref, task) else ""
        ev = f'claim <a href="{root}guide.html#claim-{st.ref}"><code>{st.ref}</code></a>{where}: {badge(v)}'
    elif st.evidence == "check":
        ev = f"checked by <code>actlab check</code>: {escape(check_fact(st.ref, subject))}"
    elif st.evidence == "monitor":
        ev = f"measured by the lab's monitors ({escape(st.ref)}); not judged"
    elif st.evidence == "bench":
        ev = f"benchmarks: {escape(st.ref)}; measured, not judged"
    else:
        ev = '<span class="verdict v-none">no lab test</span>'
    note = f' <span class="note">{escape(st.note)}</span>' if st.note else ""
    row = f' <span class="note">(guide-coverage row {st.row})</span>' if st.row else ""
    return (
        f'<li><q>{escape(st.quote)}</q> <span class="src">— seeds {seed_refs(st.seeds)}</span>'
        f'<div class="ev">{ev}{note}{row}</div></li>'
    )
