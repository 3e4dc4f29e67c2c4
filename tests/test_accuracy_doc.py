"""docs/accuracy.md is written by ``actlab check --markdown docs/accuracy.md`` (minutes): too slow to
regenerate in a test, so this checks what goes stale cheaply. Every catalog function has a row, each
row's float32 budget is the spec's, every row says ok, and each budget above 4 ulp has its reason."""

from __future__ import annotations

import re
from pathlib import Path

import actlab

from .conftest import ALL

DOC = Path(__file__).resolve().parents[1] / "docs" / "accuracy.md"
FIX = "docs/accuracy.md is stale; run `actlab check --markdown docs/accuracy.md`"
ROW = re.compile(r"^\| `(?P<name>[a-z0-9_]+)` \|(?P<cells>.*)\| (?P<budget>\d+) \| (?P<status>[^|]+) \|$")
WHY = re.compile(r"^- `(?P<name>[a-z0-9_]+)` \((?P<budget>\d+) ulp\): ")


def _rows() -> dict[str, tuple[int, str]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        m = ROW.match(line)
        if m:
            assert m["name"] not in rows, f"{m['name']} has two rows; {FIX}"
            rows[m["name"]] = (int(m["budget"]), m["status"].strip())
    return rows


def test_every_function_has_a_row_and_no_other():
    rows = _rows()
    missing, extra = sorted(set(ALL) - set(rows)), sorted(set(rows) - set(ALL))
    assert not missing and not extra, f"missing rows {missing}, rows of no function {extra}; {FIX}"


def test_each_rows_budget_is_the_specs():
    wrong = {n: (b, actlab.spec(n).float32_ulp) for n, (b, _) in _rows().items() if n in ALL}
    wrong = {n: v for n, v in wrong.items() if v[0] != v[1]}
    assert not wrong, f"(budget in the doc, in the spec): {wrong}; {FIX}"


def test_every_row_passed():
    failed = {n: st for n, (_, st) in _rows().items() if st != "ok"}
    assert not failed, f"{failed}: fix the function, then {FIX}"


def test_each_budget_above_4_ulp_has_its_reason():
    listed = {}
    for line in DOC.read_text().splitlines():
        m = WHY.match(line)
        if m:
            listed[m["name"]] = int(m["budget"])
    want = {n: actlab.spec(n).float32_ulp for n in ALL if actlab.spec(n).float32_ulp_why}
    assert listed == want, f"reasons listed (name: budget) {listed}, specs {want}; {FIX}"
