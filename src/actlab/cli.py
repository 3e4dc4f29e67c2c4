"""Command line: thin argparse over the catalog, the checker, plots and docs. ``main(argv) -> int``."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Sequence

from .errors import ActlabError, ParameterError, UsageError

__all__ = ["main"]


def _cmd_list(a: argparse.Namespace) -> int:
    from .docs import properties_text
    from .listing import list_activations
    from .registry import spec

    if a.family is not None:
        from .registry import all_specs

        families = sorted({s.family for s in all_specs()})
        if a.family not in families:
            import difflib

            close = difflib.get_close_matches(a.family, families, n=1)
            hint = f"Did you mean {close[0]}? " if close else ""
            raise ParameterError(f"no family {a.family!r}. {hint}Families: {', '.join(families)}")
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
    from .docs import show_text, terms_text
    from .registry import spec

    for i, n in enumerate(a.names):
        if i:
            print("\n" + "-" * 72 + "\n")
        print(show_text(spec(n)))
    print("\n" + terms_text())
    return 0


def _cmd_check(a: argparse.Namespace) -> int:
    from .check import check_spec
    from .registry import all_specs, spec

    specs = [spec(n) for n in a.names] if a.names else all_specs()
    if a.suggest:  # measured metadata beside the declared; exit 1 where they differ
        from .check import suggest

        differ = 0
        for i, s in enumerate(specs):
            sg = suggest(s)
            ps = ", ".join(f"{k}={v}" for k, v in sg.params.items())
            print(("\n" if i else "") + f"{s.name}({ps}): measured at default parameters")
            for r in sg.rows:
                print(f"  {r.what:<29} declared: {r.declared}")
                print(f"  {'':<29} measured: {r.measured}  {r.verdict}")
            for note in sg.notes:
                print(f"  note: {note}")
            differ += not sg.ok
        return 1 if differ else 0
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
    import re

    from .lab.refs import parse_ref_list
    from .plot import plot_functions

    items = [(r.name, dict(r.params)) for r in parse_ref_list(",".join(a.names))]
    out = a.output
    if out is None:
        stem = "-".join(re.sub(r"[^A-Za-z0-9_.=]+", "_", n) for n in a.names)[:100]
        out = Path(f"{stem}.png")
        if out.exists():
            raise ParameterError(f"{out} exists; pass -o {out} to overwrite it, or -o another path")
    out = plot_functions(items, out, lo=a.xmin, hi=a.xmax)
    print(f"wrote {out}")
    return 0


def _cmd_explore(a: argparse.Namespace) -> int:
    from .explore import build_site, serve

    t0 = time.perf_counter()
    info = build_site(a.out, results=a.results or ())
    print(
        f"wrote {info['out']}/index.html: {info['functions']} functions, {info['bytes']:,} bytes in "
        f"{time.perf_counter() - t0:.1f} s; verdicts from {info['verdicts']}; network data: {info['network']}"
    )
    if a.serve:
        serve(
            info["out"], ready=lambda url: print(f"serving {info['out']} at {url} (Ctrl-C stops)", flush=True)
        )
    return 0


def _cmd_docs(a: argparse.Namespace) -> int:
    from .docs import activations_markdown
    from .registry import all_specs

    text = activations_markdown(all_specs())
    path = Path(a.output)
    if a.check:
        current = path.read_text() if path.exists() else ""
        if not path.exists():
            print(f"{path} does not exist; write it with: actlab docs -o {path}", file=sys.stderr)
            return 1
        if current != text:
            print(f"{path} is stale; regenerate with: actlab docs -o {path}", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {path} ({len(all_specs())} activations)")
    return 0


def _move_store_aside(store: Path) -> Path | None:
    """Rename ``store`` (with its -wal and -shm files, which hold committed rows not yet copied
    into it) to a fresh name beside it; None if there is none. Nothing is deleted."""
    if not store.exists():
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S")
    dest = store.with_name(f"{store.name}.old-{stamp}")
    n = 1
    while dest.exists():
        n += 1
        dest = store.with_name(f"{store.name}.old-{stamp}-{n}")
    try:
        for suffix in ("-wal", "-shm"):
            side = store.with_name(store.name + suffix)
            if side.exists():
                side.rename(dest.with_name(dest.name + suffix))
        store.rename(dest)
    except OSError as e:
        from .lab.report import output_error

        raise output_error(store, e, "move aside") from e
    return dest


def _cmd_compare(a: argparse.Namespace) -> int:
    from .lab.compare import compare
    from .lab.compare_config import from_namespace
    from .lab.compare_report import findings, text_table, write_compare_report
    from .lab.data import load_dataset
    from .lab.report import check_writable_dir
    from .lab.sweep import StoreWarning

    out = Path(a.out)
    store = out / "results.sqlite"
    # everything that can be checked is checked before anything trains
    config = from_namespace(a)
    check_writable_dir(out)
    if a.fresh:
        moved = _move_store_aside(store)
        if moved is not None:
            print(f"moved the previous store aside to {moved} (its rows are kept there)", file=sys.stderr)
    if a.download:
        load_dataset(a.dataset, data_dir=a.data_dir, download=True)
    try:
        with warnings.catch_warnings():
            # a store's malformed rows: one line on stderr, not a warning with a source location
            warnings.simplefilter("always", StoreWarning)
            shown = warnings.showwarning

            def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
                if issubclass(category, StoreWarning):
                    print(f"actlab: warning: {message}", file=sys.stderr)
                else:
                    shown(message, category, filename, lineno, file, line)

            warnings.showwarning = show
            res = compare(config, store=store, progress=not a.quiet)
    except KeyboardInterrupt:
        print(
            f"\ninterrupted; finished trials are kept in {store}; re-run the same command to resume",
            file=sys.stderr,
        )
        return 130
    if res.interrupted:
        print(
            f"\ninterrupted: {res.n_done} of {res.n_trials} trials finished and kept in {store}; "
            "re-run the same command to resume",
            file=sys.stderr,
        )
        return 130
    paths = write_compare_report(res, out)
    for line in text_table(res):
        print(line)
    print()
    for line in findings(res):
        print(line)

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    tiers = res.config.memory
    print(
        f"\n{n(res.n_done, 'trial')} ({n(len(res.config.activations), 'activation')} x "
        + (f"{len(tiers)} memory tiers x " if len(tiers) > 1 else "")
        + f"{n(len(res.config.seeds), 'seed')}) on "
        f"{res.config.dataset} in {res.wall_seconds:.1f} s with {res.config.runner}: "
        f"{res.n_run} run here, {res.n_from_store} read back from {store}, {res.n_by_others} run by "
        "another process sharing it"
    )
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _cmd_claims(a: argparse.Namespace) -> int:
    from .lab.claims import VERDICTS, coverage_summary, run_claims
    from .lab.claims.maps import parse_overrides

    given = list(a.keys or []) + ([k for k in a.only.split(",") if k.strip()] if a.only else [])
    keys = given or None  # None: every claim
    axes = ("optimizer", "lr", "lr_rel", "depth", "width", "init", "seeds", "epochs")
    overrides = parse_overrides(**{n: getattr(a, n) for n in axes})
    workers = a.workers if a.workers is not None else 2
    if workers < 1:
        raise UsageError(f"--workers must be a positive integer, got {workers}")
    # one worker: trials run in this process (no pool start-up, which matters for --quick)
    runner: Any = "local" if workers > 1 else None
    if a.runner != "local":
        from .lab.runners import make_runner

        runner = make_runner(a.runner, a.workers, address=a.address)  # fails here, before anything runs
    elif a.address is not None:
        raise UsageError("--address names a dask or ray scheduler: give --runner dask or --runner ray too")
    # the command as it reproduces this run (recorded in the reports)
    flags = [("--only", a.only), ("--dataset", a.dataset), ("--data-dir", a.data_dir), ("--out", a.out)]
    flags += [("--markdown", a.markdown), ("--workers", a.workers), ("--store", a.store)]
    flags += [("--runner", a.runner if a.runner != "local" else None), ("--address", a.address)]
    flags += [(f"--{n.replace('_', '-')}", getattr(a, n)) for n in axes]
    command = " ".join(
        ["actlab claims"]
        + list(a.keys or [])
        + (["--quick"] if a.quick else [])
        + [f"{k} {v}" for k, v in flags if v is not None]
    )
    if a.fresh:
        store = Path(a.store) if a.store else Path(a.out) / "claims.sqlite"
        moved = _move_store_aside(store)
        if moved is not None:
            print(f"moved the previous store aside to {moved} (its rows are kept there)", file=sys.stderr)

    def show(r) -> None:
        print(f"{r.label:<24}  {r.key:<18}  {r.seconds:6.1f} s  {r.statement}", flush=True)
        if r.scope:
            print(f"{'':<24}  {'':<18}  {'':>8}  where: {r.scope}", flush=True)

    t0 = time.perf_counter()
    try:
        results = run_claims(
            keys,
            quick=a.quick,
            dataset=a.dataset,
            data_dir=a.data_dir,
            out_dir=a.out,
            runner=runner,
            workers=workers,
            command=command,
            markdown=a.markdown,
            on_result=show,
            progress=not a.quiet,
            overrides=overrides,
            store=a.store,
        )
    except KeyboardInterrupt:
        print(f"\ninterrupted; the claims finished so far are reported in {a.out}", file=sys.stderr)
        return 130
    finally:
        if runner is not None and not isinstance(runner, str):
            runner.close()  # a dask/ray runner made here: its workers end with the command
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    print(
        f"\n{len(results)} claim(s) in {time.perf_counter() - t0:.1f} s"
        + (" (quick mode)" if a.quick else "")
        + ": "
        + ", ".join(f"{n} {v}" for v, n in counts.items() if n or v in ("held", "not held", "inconclusive"))
    )
    notes = coverage_summary(results)
    if notes:
        print("indicative (fewer than 5 seeds):\n" + "\n".join(f"  {n}" for n in notes))
    print(
        f"wrote {Path(a.out) / 'report.html'}, results.json, results.csv, claims.md"
        + (f", {a.markdown}" if a.markdown else "")
    )
    return 0


def _count(least: int):
    """An argparse type: an integer >= ``least``."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if v < least:
            raise argparse.ArgumentTypeError(f"{v} is below the smallest allowed value, {least}")
        return v

    return parse


def _numel(text: str) -> int:
    """'16M', '64K', '1048576' -> a count (K and M are powers of two)."""
    t = text.strip().upper()
    mult = {"K": 2**10, "M": 2**20, "G": 2**30}.get(t[-1:], 1)
    try:
        return int(float(t[:-1] if mult > 1 else t) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--numel {text!r}: give a count such as 16M, 64K or 1048576"
        ) from None


def _cmd_bench(a: argparse.Namespace) -> int:
    import os

    # large fresh outputs otherwise pay ~50 ms of page faults each; must precede torch's import
    os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")
    from .torch.bench import bench, format_csv, format_table, markdown

    def progress(name: str) -> None:
        if not a.quiet:
            print(f"  {name} ...", file=sys.stderr, flush=True)

    if a.e2e:
        return _bench_models(a, progress)

    res = bench(
        a.names or None,
        numel=a.numel,
        dtype=a.dtype,
        threads=a.threads,
        repeats=a.repeats,
        compiled=a.compile and not a.no_compile,
        progress=progress,
    )
    if a.format == "json":
        print(json.dumps(res.to_dict(), indent=2))
    elif a.format == "csv":
        print(format_csv(res), end="")
    else:
        print(format_table(res))
    if a.markdown:
        cmd = "actlab bench " + " ".join(sys.argv[2:]) if a.cmdline is None else a.cmdline
        Path(a.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(a.markdown).write_text(markdown(res, cmd))
        print(f"wrote {a.markdown}", file=sys.stderr)
    return 0


def _bench_models(a: argparse.Namespace, progress) -> int:
    from .torch.bench_models import DEFAULT_ACTIVATIONS, bench_models, markdown_models, to_dicts

    rows = bench_models(
        a.names or DEFAULT_ACTIVATIONS, threads=a.threads, repeats=max(a.repeats, 3), progress=progress
    )
    cmd = "actlab bench " + " ".join(sys.argv[2:]) if a.cmdline is None else a.cmdline
    if a.format == "json":
        print(json.dumps(to_dicts(rows), indent=2))
    else:
        print(markdown_models(rows, cmd), end="")
    if a.markdown:
        Path(a.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(a.markdown).write_text(markdown_models(rows, cmd))
        print(f"wrote {a.markdown}", file=sys.stderr)
    return 0


class _DefaultsFormatter(argparse.HelpFormatter):
    """Appends "(default: X)" to an option's help unless the help already states its default or
    there is none to state (None, False)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        d = action.default
        if d in (None, False, argparse.SUPPRESS) or "default" in text.lower() or not action.option_strings:
            return text
        return f"{text} (default: {d})"


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .lab.inits import INITS  # torch-free: parsing the command line does not import torch

    p = argparse.ArgumentParser(prog="actlab", description="Activation functions, defined once and exactly.")
    p.add_argument("--version", action="version", version=f"actlab {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    # every option's help ends with its default
    _add = sub.add_parser

    def add_parser(name, **kw):
        kw.setdefault("formatter_class", _DefaultsFormatter)
        return _add(name, **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    q = sub.add_parser("list", help="list activations (optionally matching a glob pattern)")
    q.add_argument("pattern", nargs="?", default=None, help="glob over names and aliases, e.g. '*relu*'")
    q.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    q.add_argument("--family", default=None, help="only this family (e.g. rectifier, sigmoidal, glu)")
    q.add_argument("--learnable", action="store_true", help="only those with learnable parameters")
    q.add_argument("--monotonic", action="store_true", help="only non-decreasing functions")
    q.add_argument("--bounded", action="store_true", help="only functions with a bounded range")
    q.add_argument("--smooth", action="store_true", help="only C-infinity functions (no kinks)")
    q.set_defaults(fn=_cmd_list)

    q = sub.add_parser("show", help="formula, derivative, parameters, properties, kinks, references")
    q.add_argument("names", nargs="+", help="activation names or aliases")
    q.set_defaults(fn=_cmd_show)

    q = sub.add_parser("check", help="verify specs against 50-digit references; exit 1 on any failure")
    q.add_argument("names", nargs="*", help="activations to check (default: all)")
    q.add_argument("--quick", action="store_true", help="float64 only")
    q.add_argument(
        "--max-failures", type=_count(0), default=5, help="failures printed per function (default 5)"
    )
    q.add_argument(
        "--markdown", default=None, metavar="PATH", help="also write the per-function accuracy table"
    )
    q.add_argument(
        "--suggest",
        action="store_true",
        help="print the metadata a spec declares, measured (range, monotonic, float32 error, ...), "
        "beside the declared values; exit 1 where they differ",
    )
    q.set_defaults(fn=_cmd_check)

    q = sub.add_parser("plot", help="plot f and f' side by side")
    q.add_argument(
        "names",
        nargs="+",
        help="activations, with parameters as in compare: relu elu:alpha=0.5 gelu:approximate=tanh",
    )
    q.add_argument(
        "-o",
        "--output",
        default=None,
        help="output file (.png, .svg, .pdf, ...; overwritten). Default: the names joined, e.g. relu-elu.png "
        "in the current directory, never overwriting an existing file",
    )
    q.add_argument("--xmin", type=float, default=-5.0, help="left end of the x range (default -5)")
    q.add_argument("--xmax", type=float, default=5.0, help="right end of the x range (default 5)")
    q.set_defaults(fn=_cmd_plot)

    q = sub.add_parser("explore", help="write a static, offline explorer site of the whole catalog")
    q.add_argument(
        "--out",
        type=Path,
        default=Path("actlab-explorer"),
        help="folder to write (default actlab-explorer); an earlier build there is replaced, any other "
        "non-empty folder is refused",
    )
    q.add_argument(
        "--serve", action="store_true", help="then serve the folder on 127.0.0.1 (a free port) until Ctrl-C"
    )
    q.add_argument(
        "--results",
        nargs="+",
        metavar="PATH",
        default=None,
        help="results.json of `actlab claims` runs for the verdicts (later files win per claim); default: "
        "the summary of docs/claims.md shipped with actlab",
    )
    q.set_defaults(fn=_cmd_explore)

    q = sub.add_parser("bench", help="torch speed and memory vs torch's kernels and naive composites")
    q.add_argument("names", nargs="*", help="activations (default: all)")
    q.add_argument("--numel", type=_numel, default=16 * 2**20, help="elements per tensor (default 16M)")
    q.add_argument(
        "--dtype",
        default="float32",
        choices=("float32", "float64", "bfloat16", "float16"),
        help="element type",
    )
    q.add_argument("--threads", type=_count(1), default=2, help="torch threads (default 2)")
    q.add_argument(
        "--repeats", type=_count(1), default=7, help="timed runs per measurement, median (default 7)"
    )
    q.add_argument(
        "--compile", action="store_true", help="add the actlab+compile column (torch.compile; slow to build)"
    )
    q.add_argument("--no-compile", action="store_true", help=argparse.SUPPRESS)  # the default now
    q.add_argument(
        "--e2e",
        action="store_true",
        help="whole training steps (MLP, CNN, transformer MLP block) with actlab vs torch.nn activations",
    )
    q.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format")
    q.add_argument("--markdown", default=None, metavar="PATH", help="also write a markdown table")
    q.add_argument("--quiet", action="store_true", help="no progress lines")
    q.set_defaults(fn=_cmd_bench, cmdline=None)

    q = sub.add_parser("docs", help="write docs/activations.md from the specs")
    q.add_argument("-o", "--output", default="docs/activations.md", help="the file to write or check")
    q.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    q.set_defaults(fn=_cmd_docs)

    q = sub.add_parser(
        "compare",
        help="train a model with several activations over seeds; write report.html, results.json/csv",
        description="Train the same model with each activation and several seeds, and report curves, final "
        "accuracy, epochs to a target training error and dead/saturated units with bootstrap 95% CIs. "
        "With no arguments: 10 activations x 5 seeds on scikit-learn's digits with a 2x128 MLP.",
    )
    from .lab.compare_config import CompareConfig, add_flags

    add_flags(q, CompareConfig)  # one flag per option of the config
    q.add_argument(
        "--download", action="store_true", help="download fashion-mnist/mnist if missing (network)"
    )
    q.add_argument("--out", default="actlab-compare", metavar="DIR", help="output directory")
    q.add_argument(
        "--fresh",
        action="store_true",
        help="start a new store in DIR; the old one is renamed results.sqlite.old-TIME, not deleted",
    )
    q.add_argument("--quiet", action="store_true", help="no progress bar")
    q.set_defaults(fn=_cmd_compare)

    q = sub.add_parser(
        "claims",
        help="check published claims about activations; write report.html, results.json/csv",
        description="Run one experiment per claim (ReLU vs tanh speed, vanishing sigmoid gradients, ELU "
        "means, SELU's fixed point, He vs Xavier, dying ReLU, output activations) and report each verdict "
        "(held / not held / inconclusive) with its numbers and 95% intervals. Map claims (dying_relu, ...) "
        "run "
        "over a grid of optimizer, learning rate (absolute or relative to each setup's measured largest "
        "stable rate), depth, width and init, and give a scoped verdict (held / held in part / not "
        "reproduced in the tested range / refuted); the grid flags below replace their default axes, e.g. "
        "actlab claims dying_relu --optimizer adam --lr 0.01,0.03 --depth 3,6",
    )
    q.add_argument("keys", nargs="*", metavar="CLAIM", help="claim keys or numbers (default: all)")
    q.add_argument(
        "--quick",
        action="store_true",
        help="small experiments (all claims: about 35 s on 2 cores; digits by default)",
    )
    q.add_argument(
        "--only", default=None, metavar="KEYS", help="comma-separated claim keys or numbers (as in the table)"
    )
    q.add_argument(
        "--optimizer", default=None, help="map claims: comma-separated sgd, sgd+momentum, adam, adamw"
    )
    q.add_argument(
        "--lr", default=None, metavar="LRS", help="map claims: absolute learning rates, e.g. 0.01,0.03"
    )
    q.add_argument(
        "--lr-rel",
        dest="lr_rel",
        default=None,
        metavar="FACTORS",
        help="map claims: rates as multiples of each setup's largest stable rate, e.g. 0.1,0.5,1",
    )
    q.add_argument("--depth", default=None, metavar="DEPTHS", help="map claims: hidden layers, e.g. 3,6")
    q.add_argument("--width", default=None, metavar="WIDTHS", help="map claims: units per hidden layer")
    q.add_argument(
        "--init",
        default=None,
        metavar="INITS",
        help=f"map claims: {', '.join(INITS)}",
    )
    q.add_argument("--seeds", default=None, metavar="N", help="map claims: seeds per cell")
    q.add_argument("--epochs", default=None, metavar="N", help="map claims: epochs per trial")
    q.add_argument(
        "--store",
        default=None,
        metavar="PATH",
        help="sweep store of the map claims' trials (default DIR/claims.sqlite); a rerun resumes from it",
    )
    q.add_argument(
        "--fresh", action="store_true", help="move the map store aside (renamed, not deleted) and start anew"
    )
    q.add_argument(
        "--dataset",
        default=None,
        help="fashion-mnist, mnist or digits (default: fashion-mnist if found, else digits; "
        "digits with --quick)",
    )
    q.add_argument("--data-dir", default=None, help="directory with the IDX files of fashion-mnist/mnist")
    q.add_argument("--out", default="actlab-claims", metavar="DIR", help="output directory")
    q.add_argument("--markdown", default=None, metavar="PATH", help="also write the Markdown report here")
    q.add_argument("--workers", type=int, default=None, help="parallel trials (default 2)")
    q.add_argument(
        "--runner",
        default="local",
        choices=("local", "dask", "ray"),
        help="where the map claims' trials run (dask/ray: pip install 'actlab[dask]' or 'actlab[ray]')",
    )
    q.add_argument("--address", default=None, help="scheduler address of a running dask/ray cluster")
    q.add_argument("--quiet", action="store_true", help="no progress bar")
    q.set_defaults(fn=_cmd_claims)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    try:
        code = int(args.fn(args))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except ActlabError as e:
        print(f"actlab: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (actlab list | head -2): nothing is wrong; the rest of the output
        # goes nowhere instead of raising again when Python flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("actlab: interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # an output path that cannot be written: a read-only or missing directory
        where = f": {e.filename}" if e.filename else ""
        print(f"actlab: error: {e.strerror or e}{where}", file=sys.stderr)
        return 2
