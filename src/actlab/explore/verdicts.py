"""The lab's verdicts on the claims, for the pages: from ``actlab claims``' results.json, or from the
summary committed beside this module.

The committed summary (claims_summary.json) is generated from docs/claims.md, the report of the
last full run, which is the source of truth; ``python -m actlab.explore.verdicts`` rewrites it and
a test fails when it no longer matches docs/claims.md. It has the results.json layout, reduced to
what the pages show.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..errors import ParameterError

__all__ = ["SUMMARY", "Verdicts", "load_verdicts", "summary_from_claims_md"]

SUMMARY = Path(__file__).with_name("claims_summary.json")
_TASK_VERDICT = re.compile(r"(binary|multi-class|regression) \([^;()]*; verdict ([a-z ]+)\)")


@dataclass(frozen=True)
class Verdicts:
    origin: str  # one line naming the run the verdicts come from
    claims: dict[str, dict[str, Any]]  # key -> the claim's entry in results.json

    def verdict(self, key: str) -> str | None:
        c = self.claims.get(key)
        return None if c is None else c.get("verdict")

    def task_verdict(self, key: str, task: str) -> str | None:
        """A per-task verdict of output_activation ("binary", "multi-class", "regression")."""
        c = self.claims.get(key) or {}
        v = (c.get("numbers") or {}).get(f"{task} verdict")
        return v if isinstance(v, str) else None


def _origin(doc: dict[str, Any], path: str) -> str:
    env = doc.get("environment") or {}
    st = doc.get("settings") or {}
    bits = [f"`{env.get('command', '?')}`", str(env.get("time_utc", "time unknown"))]
    if st.get("dataset"):
        bits.append(f"data {st['dataset']}")
    if st.get("quick"):
        bits.append("quick mode (indicative)")
    return f"{path}: " + ", ".join(bits)


def load_verdicts(paths: Sequence[str | Path] = ()) -> Verdicts:
    """Verdicts from results.json files (a claim in a later file replaces the same claim in an
    earlier one), or from the committed summary when none is given."""
    if not paths:
        doc = json.loads(SUMMARY.read_text(encoding="utf-8"))
        return Verdicts(_origin(doc, "docs/claims.md (committed summary)"), _by_key(doc))
    claims: dict[str, dict[str, Any]] = {}
    origins = []
    for p in paths:
        path = Path(p)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ParameterError(
                f"--results {str(path)!r}: cannot read it as JSON ({e}); give the results.json that "
                f"`actlab claims --out DIR` writes into DIR"
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list):
            raise ParameterError(
                f"--results {str(path)!r} has no 'claims' list: it is not a results.json of `actlab claims`"
            )
        claims.update(_by_key(doc))
        origins.append(_origin(doc, str(path)))
    return Verdicts("; ".join(origins), claims)


def _by_key(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in doc["claims"] if isinstance(c, dict) and "key" in c}


def _table(lines: list[str], start: int) -> tuple[dict[str, Any], int]:
    def cells(line: str) -> list[str]:
        # a cell's own pipes are escaped ("\\|", as the report writes them)
        inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
        return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]

    cols = cells(lines[start])
    rows = []
    i = start + 2
    while i < len(lines) and lines[i].startswith("|"):
        rows.append(cells(lines[i]))
        i += 1
    return {"columns": cols, "rows": rows}, i


def summary_from_claims_md(text: str) -> dict[str, Any]:
    """The results.json-shaped summary of docs/claims.md: per claim the statement, source, setting,
    verdict, scope, grid, result text, per-task verdicts and the map table of a map claim."""
    lines = text.splitlines()
    head = {m.group(1): m.group(2) for m in (re.match(r"- ([a-z ]+): (.*)", ln) for ln in lines[:12]) if m}
    env_line = next((ln for ln in lines[:12] if ln.startswith("- python")), "")
    command = head.get("command", "").strip("`")
    time_utc = env_line.rsplit("; ", 1)[-1] if "; " in env_line else ""
    scope: dict[int, str] = {}
    for ln in lines:
        m = re.match(r"\| \d+ \| .* \| \*\*([^*]+)\*\* \| (.*) \|$", ln)
        if m:
            scope[len(scope)] = m.group(2)
    claims: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        m = re.match(r"## \d+\. `([a-z0-9_]+)`: (.+)", lines[i])
        if not m:
            i += 1
            continue
        c: dict[str, Any] = {"key": m.group(1), "verdict": m.group(2), "numbers": {}, "table": None}
        i += 1
        while i < len(lines) and not lines[i].startswith("## "):
            ln = lines[i]
            for tag, field in (
                ("Claim", "statement"),
                ("Source", "source"),
                ("What we ran", "setting"),
                ("Grid", "grid"),
                ("Result", "details"),
            ):
                if ln.startswith(f"**{tag}.** "):
                    c[field] = ln[len(tag) + 6 :]
            # a map claim's per-cell table: the first table after its grid that is not the CI table
            in_map = "grid" in c and c["table"] is None
            if in_map and ln.startswith("| ") and not ln.startswith("| quantity"):
                c["table"], i = _table(lines, i)
                continue
            i += 1
        for task, v in _TASK_VERDICT.findall(c.get("details", "")):
            c["numbers"][f"{task} verdict"] = v.strip()
        c.setdefault("grid", "")
        # the summary table's last column is the scope only for map claims (those with a grid)
        c["scope"] = scope.get(len(claims), "") if c["grid"] else ""
        claims.append(c)
    return {
        "settings": {"dataset": head.get("training data", ""), "quick": False},
        "environment": {"command": command, "time_utc": time_utc},
        "claims": claims,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the committed summary from a claims report (default docs/claims.md)."""
    args = list(sys.argv[1:] if argv is None else argv)
    src = Path(args[0] if args else "docs/claims.md")
    doc = summary_from_claims_md(src.read_text(encoding="utf-8"))
    SUMMARY.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {SUMMARY} from {src}: {len(doc['claims'])} claims")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
