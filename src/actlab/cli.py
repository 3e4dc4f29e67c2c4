"""Command line: thin argparse over the catalog, the checker, plots and docs. ``main(argv) -> int``."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Sequence

from .errors import ActlabError

__all__ = ["main"]


def _cmd_list(a: argparse.Namespace) -> int:
    from .docs import properties_text
    from .registry import list_activations, spec

    names = list_activations(
        a.pattern,
        family=a.family,
        learnable=True if a.learnable else None,
        monotonic=True if a.monotonic else None,
        bounded=True if a.bounded else None,
        smooth=True if a.smooth else None,
    )
    if a.format == "json":
        out = []
        for n in names:
            s = spec(n)
            d = s.defaults()
            out.append(
                {
                    "name": n,
                    "aliases": list(s.aliases),
                    "family": s.family,
                    "kind": s.kind,
                    "params": {p.name: p.default for p in s.params},
                    "learnable": [p.name for p in s.params if p.learnable],
                    "range": str(s.range_for(d)),
                    "monotonic": s.monotonic_for(d),
                    "smoothness": s.smoothness_for(d) if math.isfinite(s.smoothness_for(d)) else "inf",
                    "summary": s.summary,
                }
            )
        print(json.dumps(out, indent=2))
        return 0
    if not names:
        print("no activation matches", file=sys.stderr)
        return 1
    w = max(len(n) for n in names)
    wf = max(len(spec(n).family) for n in names)
    for n in names:
        s = spec(n)
        props = ", ".join(properties_text(s)[:3])
        learn = " [learnable]" if s.learnable else ""
        print(f"{n:<{w}}  {s.family:<{wf}}  {props}{learn}")
    print(f"\n{len(names)} activation(s)")
    return 0


def _cmd_show(a: argparse.Namespace) -> int:
    from .docs import show_text
    from .registry import spec

    for i, n in enumerate(a.names):
        if i:
            print("\n" + "-" * 72 + "\n")
        print(show_text(spec(n)))
    return 0


def _cmd_check(a: argparse.Namespace) -> int:
    from .check import check_spec
    from .registry import all_specs, spec

    specs = [spec(n) for n in a.names] if a.names else all_specs()
    dtypes = ("float64",) if a.quick else ("float64", "float32", "float16", "bfloat16")
    t0 = time.perf_counter()
    bad = 0
    worst_all: dict[str, tuple[float, str, float]] = {}
    reports = []
    for s in specs:
        rep = check_spec(s, dtypes=dtypes)
        reports.append(rep)
        for label, (err, x) in rep.worst.items():
            if label not in worst_all or err > worst_all[label][0]:
                worst_all[label] = (err, s.name, x)
        if rep.ok:
            print(f"ok    {s.name}")
        else:
            bad += 1
            print(f"FAIL  {s.name}: {len(rep.failures)} failure(s)")
            for f in rep.failures[: a.max_failures]:
                print(f"        {f}")
    print(
        f"\n{len(specs) - bad}/{len(specs)} activations verified in {time.perf_counter() - t0:.1f} s "
        f"against {50}-digit mpmath references."
    )
    print("worst error per path/dtype (float64: relative to the local scale; others: ulps):")
    for label in sorted(worst_all):
        err, name, x = worst_all[label]
        if err == 0:
            print(f"  {label:<32} 0            (equal to the rounded reference at every point)")
            continue
        shown = f"{err:.3g}" if "float64" in label else f"{err:.3g} ulp"
        print(f"  {label:<32} {shown:<12} ({name} at x={x:.6g})")
    if a.markdown:
        from .docs import accuracy_markdown

        Path(a.markdown).parent.mkdir(parents=True, exist_ok=True)
        cmd = "actlab check" + (" --quick" if a.quick else "") + (" " + " ".join(a.names) if a.names else "")
        Path(a.markdown).write_text(accuracy_markdown(reports, specs, cmd))
        print(f"wrote {a.markdown}")
    return 1 if bad else 0


def _cmd_plot(a: argparse.Namespace) -> int:
    from .plot import plot_functions

    out = plot_functions(a.names, a.output, lo=a.xmin, hi=a.xmax)
    print(f"wrote {out}")
    return 0


def _cmd_docs(a: argparse.Namespace) -> int:
    from .docs import activations_markdown
    from .registry import all_specs

    text = activations_markdown(all_specs())
    path = Path(a.output)
    if a.check:
        current = path.read_text() if path.exists() else ""
        if current != text:
            print(f"{path} is stale; regenerate with: actlab docs -o {path}", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {path} ({len(all_specs())} activations)")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="actlab", description="Activation functions, defined once and exactly.")
    sub = p.add_subparsers(dest="cmd", required=True)

    q = sub.add_parser("list", help="list activations (optionally matching a glob pattern)")
    q.add_argument("pattern", nargs="?", default=None, help="glob over names and aliases, e.g. '*relu*'")
    q.add_argument("--format", choices=("table", "json"), default="table")
    q.add_argument("--family", default=None)
    q.add_argument("--learnable", action="store_true", help="only those with learnable parameters")
    q.add_argument("--monotonic", action="store_true")
    q.add_argument("--bounded", action="store_true")
    q.add_argument("--smooth", action="store_true")
    q.set_defaults(fn=_cmd_list)

    q = sub.add_parser("show", help="formula, derivative, parameters, properties, kinks, references")
    q.add_argument("names", nargs="+")
    q.set_defaults(fn=_cmd_show)

    q = sub.add_parser("check", help="verify specs against 50-digit references; exit 1 on any failure")
    q.add_argument("names", nargs="*")
    q.add_argument("--quick", action="store_true", help="float64 only")
    q.add_argument("--max-failures", type=int, default=5)
    q.add_argument(
        "--markdown", default=None, metavar="PATH", help="also write the per-function accuracy table"
    )
    q.set_defaults(fn=_cmd_check)

    q = sub.add_parser("plot", help="plot f and f' side by side")
    q.add_argument("names", nargs="+")
    q.add_argument("-o", "--output", default="activations.png", help="output file (.png, .svg, .pdf)")
    q.add_argument("--xmin", type=float, default=-5.0)
    q.add_argument("--xmax", type=float, default=5.0)
    q.set_defaults(fn=_cmd_plot)

    q = sub.add_parser("docs", help="write docs/activations.md from the specs")
    q.add_argument("-o", "--output", default="docs/activations.md")
    q.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    q.set_defaults(fn=_cmd_docs)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except ActlabError as e:
        print(f"actlab: error: {e}", file=sys.stderr)
        return 2
