"""The claims: what guides and papers say about activations, each checked by its own experiment.

One module per claim; each has ``KEY``, ``STATEMENT``, ``SOURCE``, a docstring whose "Decision
rule" section was written before any result was seen, a pure ``decide(...)`` and
``run(quick, dataset, *, data_dir=None, runner=None) -> ClaimResult``. A verdict of "not held"
is a finding about the claim, not a failure of the code.

*Map claims* (a module with a ``DEFAULT`` :class:`~actlab.lab.claims.maps.MapSpec`) run over a
grid of conditions and give a scoped verdict; their ``run`` also takes ``overrides`` (axes of
the grid to replace), ``store`` (a sweep store, so a map resumes) and ``workers``.

>>> from actlab.lab.claims import run_claims
>>> results = run_claims(["sigmoid_gradient"], quick=True)
>>> results[0].verdict
'held'
"""

from __future__ import annotations

import importlib
import json
import math
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping, Sequence

from ...errors import ParameterError
from .base import VERDICTS, ClaimResult, data_settings, default_dataset, fmt, fmt_ci

__all__ = [
    "CLAIMS",
    "VERDICTS",
    "ClaimResult",
    "claim_module",
    "claims_markdown",
    "default_dataset",
    "is_map_claim",
    "map_claims",
    "resolve_keys",
    "run_claims",
    "write_claims_report",
]

# key -> module, in the order of the list (the CLI also accepts these numbers)
CLAIMS: dict[str, str] = {
    "relu_speed": "relu_speed",
    "sigmoid_gradient": "sigmoid_gradient",
    "elu_mean": "elu_mean",
    "selu_fixed_point": "selu_fixed_point",
    "he_vs_xavier": "he_vs_xavier",
    "dying_relu": "dying_relu",
    "output_activation": "output_activation",
    # the guides' statements (docs/guide-coverage.md rows 5, 6, 9, 16, 25, 30)
    "tanh_vs_sigmoid_speed": "tanh_vs_sigmoid_speed",
    "elu_accuracy": "elu_accuracy",
    "hidden_activation": "hidden_activation",
    "sigmoid_stalls": "sigmoid_stalls",
    "step_perceptron": "step_perceptron",
    "step_multiclass": "step_multiclass",
    # rows 11, 21 and 23 of docs/guide-coverage.md
    "sigmoid_centring": "sigmoid_centring",
    "born_dead": "born_dead",
    "leaky_recovery": "leaky_recovery",
}
_NEEDS_DATA = (
    "relu_speed", "elu_mean", "dying_relu", "output_activation",
    "tanh_vs_sigmoid_speed", "elu_accuracy", "hidden_activation", "sigmoid_stalls",
    "sigmoid_centring", "born_dead", "leaky_recovery",
)  # fmt: skip


def claim_module(key: str) -> ModuleType:
    """The module of claim ``key``."""
    (k,) = resolve_keys([key])
    return importlib.import_module(f"{__name__}.{CLAIMS[k]}")


def is_map_claim(key: str) -> bool:
    """Whether claim ``key`` runs as a condition map (and takes grid overrides)."""
    from .maps import MapSpec

    return isinstance(getattr(claim_module(key), "DEFAULT", None), MapSpec)


def map_claims() -> list[str]:
    """The keys of the claims that run as condition maps."""
    return [k for k in CLAIMS if is_map_claim(k)]


def resolve_keys(keys: Sequence[str | int] | None) -> list[str]:
    """Claim keys from keys or 1-based numbers (None or empty: all, in order)."""
    if not keys:
        return list(CLAIMS)
    names = list(CLAIMS)
    out: list[str] = []
    for k in keys:
        text = str(k).strip()
        if text.isdigit() and 1 <= int(text) <= len(names):
            key = names[int(text) - 1]
        elif text.replace("-", "_") in CLAIMS:
            key = text.replace("-", "_")
        else:
            raise ParameterError(
                f"unknown claim {k!r}; valid: {', '.join(f'{i}={n}' for i, n in enumerate(names, 1))}"
            )
        if key not in out:
            out.append(key)
    return out


def run_claims(
    keys: Sequence[str | int] | None = None,
    *,
    quick: bool = False,
    dataset: str | None = None,
    data_dir: str | None = None,
    out_dir: str | Path | None = None,
    runner: Any = None,
    workers: int | None = None,
    command: str | None = None,
    markdown: str | Path | None = None,
    on_result: Callable[[ClaimResult], None] | None = None,
    progress: bool = False,
    overrides: Mapping[str, Any] | None = None,
    store: str | Path | None = None,
) -> list[ClaimResult]:
    """Run the claims ``keys`` (default: all) and return their results, in order.

    Args:
        quick: smaller experiments (the training claims default to ``digits``); each result says so.
        dataset: dataset of the training claims (``fashion-mnist``, ``mnist`` or ``digits``);
            default: ``fashion-mnist`` when its files are found, else ``digits``; ``digits`` in quick mode.
        out_dir: when given, write ``report.html``, ``results.json``, ``results.csv`` and
            ``claims.md`` there (also after Ctrl-C, with the claims finished so far).
        runner: a :class:`~actlab.lab.runners.Runner`, or a runner name (``local``, ``dask``,
            ``ray``) built with ``workers``; None: trials one after another in this process.
        command: the command line recorded in the reports.
        markdown: also write the Markdown report to this path (e.g. ``docs/claims.md``).
        on_result: called with each result as it finishes (the CLI prints verdicts with it).
        progress: show a progress bar over the claims (stderr).
        overrides: grid axes for the map claims, e.g. ``{"optimizer": ["adam"], "lr": [0.01, 0.03],
            "depth": [3, 6]}`` (:meth:`~actlab.lab.claims.maps.MapSpec.override`); an error if
            a chosen claim is not a map claim.
        store: the sweep store of the map claims' trials (resumable); default
            ``out_dir/claims.sqlite`` when ``out_dir`` is given, else in memory.
    """
    ks = resolve_keys(keys)
    if overrides:
        from .maps import parse_overrides  # noqa: F401  (the axes are checked by MapSpec.override)

        plain = [k for k in ks if not is_map_claim(k)]
        if plain:
            raise ParameterError(
                f"grid overrides ({', '.join(sorted(overrides))}) apply to map claims only "
                f"({', '.join(map_claims())}); not to {', '.join(plain)}"
            )
        for k in ks:
            claim_module(k).DEFAULT.override(overrides)  # a bad axis or value fails before anything runs
    if store is None and out_dir is not None and any(is_map_claim(k) for k in ks):
        store = Path(out_dir) / "claims.sqlite"
    if dataset is not None and any(k in _NEEDS_DATA for k in ks):
        data_settings(dataset, quick, data_dir)  # fail on a bad name before anything runs
    ds_used = dataset if dataset is not None else default_dataset(quick, data_dir)
    own_runner = False
    if isinstance(runner, str):
        from ..runners import make_runner

        runner = make_runner(runner, workers)
        own_runner = True
    results: list[ClaimResult] = []
    t0 = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(ks), desc="claims", unit="claim", leave=False)
    interrupted = False
    try:
        for k in ks:
            if bar is not None:
                bar.set_postfix_str(k)
            mod = claim_module(k)
            if is_map_claim(k):
                r = mod.run(
                    quick=quick,
                    dataset=ds_used,
                    data_dir=data_dir,
                    runner=runner,
                    overrides=overrides,
                    store=store,
                    workers=1,
                )
            else:
                r = mod.run(quick=quick, dataset=ds_used, data_dir=data_dir, runner=runner)
            results.append(r)
            if on_result is not None:
                on_result(r)
            if bar is not None:
                bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
        if runner is not None:
            runner.stop()
        raise
    finally:
        if bar is not None:
            bar.close()
        if own_runner and runner is not None and not interrupted:
            runner.close()
        wall = time.perf_counter() - t0
        if out_dir is not None or markdown is not None:
            settings = {
                "quick": quick,
                "dataset": ds_used,
                "claims": ks,
                "runner": runner.describe() if hasattr(runner, "describe") else "in process, serial",
                "wall_seconds": round(wall, 1),
                "interrupted": interrupted,
                "overrides": {
                    k: list(v) if isinstance(v, (list, tuple)) else v for k, v in (overrides or {}).items()
                },
                "store": str(store) if store is not None else None,
            }
            from ..report import environment_info, write_text

            env = environment_info(command.split() if command else None)
            if out_dir is not None:
                write_claims_report(results, out_dir, settings=settings, env=env)
            if markdown is not None:
                write_text(markdown, claims_markdown(results, settings=settings, env=env))
    return results


# --------------------------------------------------------------------------- reports
def _main_ci(r: ClaimResult) -> tuple[str, tuple[float, float, float]] | None:
    return next(iter(r.ci.items()), None)


def _headline(r: ClaimResult) -> str:
    """What the summary tables show next to a verdict: a map claim's region, else its main interval."""
    if r.scope:
        return r.scope
    m = _main_ci(r)
    return f"{m[0]}: {fmt_ci(m[1])}" if m else ""


def coverage_summary(results: Sequence[ClaimResult]) -> list[str]:
    """What the intervals of the indicative claims (fewer than 5 seeds) can promise: one line per
    distinct note, naming its claims."""
    by_note: dict[str, list[str]] = {}
    for r in results:
        if r.indicative and r.coverage:
            by_note.setdefault(r.coverage, []).append(r.key)
    return [f"{', '.join(keys)}: {note}" for note, keys in by_note.items()]


def _scalar_numbers(r: ClaimResult) -> list[tuple[str, Any]]:
    out = []
    for k, v in r.numbers.items():
        if isinstance(v, bool) or v is None or isinstance(v, (int, float, str)):
            out.append((k, v))
        else:
            out.append((k, json.dumps(_round(v))))
    return out


def _round(v: Any) -> Any:
    if isinstance(v, float):
        return None if not math.isfinite(v) else float(f"{v:.4g}")
    if isinstance(v, (list, tuple)):
        return [_round(x) for x in v]
    if isinstance(v, dict):
        return {k: _round(x) for k, x in v.items()}
    return v


def write_claims_report(
    results: Sequence[ClaimResult],
    out_dir: str | Path,
    *,
    settings: dict[str, Any] | None = None,
    env: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Write ``report.html``, ``results.json``, ``results.csv`` and ``claims.md`` into ``out_dir``.

    ``env`` is the environment record (default: :func:`~actlab.lab.report.environment_info` now).
    """
    from ..report import (
        environment_info,
        esc,
        figure_html,
        html_page,
        table_html,
        write_csv,
        write_json,
        write_text,
    )

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = dict(settings or {})
    env = env if env is not None else environment_info()
    write_json(
        out / "results.json",
        {"settings": settings, "environment": env, "claims": [r.to_dict() for r in results]},
    )
    rows = []
    for r in results:
        for q, (est, lo, hi) in r.ci.items():
            rows.append(
                [
                    r.key,
                    r.verdict,
                    "ci95",
                    q,
                    est,
                    lo,
                    hi,
                    r.quick,
                    r.dataset or "",
                    len(r.seeds),
                    round(r.seconds, 2),
                ]
            )
        for q, v in _scalar_numbers(r):
            rows.append(
                [
                    r.key,
                    r.verdict,
                    "number",
                    q,
                    v,
                    "",
                    "",
                    r.quick,
                    r.dataset or "",
                    len(r.seeds),
                    round(r.seconds, 2),
                ]
            )
    comments = [
        f"actlab claims; command: {env.get('command', '')}",
        f"packages: {json.dumps(env.get('packages', {}), sort_keys=True)}",
        f"python {env.get('python')}, {env.get('platform')}, cpus {env.get('cpu_count')}, "
        f"torch threads per trial {env.get('torch_threads_per_trial', 1)}",
        f"settings: {json.dumps(settings, sort_keys=True)}",
    ]
    write_csv(
        out / "results.csv",
        rows,
        [
            "claim",
            "verdict",
            "kind",
            "quantity",
            "estimate",
            "low",
            "high",
            "quick",
            "dataset",
            "seeds",
            "seconds",
        ],
        comments=comments,
    )

    summary_rows = []
    for i, r in enumerate(results, 1):
        summary_rows.append([i, r.key, r.statement, r.label, _headline(r), f"{r.seconds:.1f}"])
    intro = (
        "<p>Each claim was checked by its own experiment; the decision rule of each was written down "
        "before any result was seen, and a claim that does not hold is reported as a finding. Intervals "
        "are bootstrap 95% confidence intervals over seeds.</p>"
    )
    if settings.get("quick"):
        intro += (
            '<p class="note">Quick mode: smaller data, fewer seeds and epochs. The verdicts are those of '
            "the quick experiments; run without --quick for the full ones.</p>"
        )
    if settings.get("interrupted"):
        intro += '<p class="note">Interrupted: only the claims listed finished.</p>'
    notes = coverage_summary(results)
    if notes:
        intro += (
            '<p class="note">Indicative verdicts (fewer than 5 seeds): '
            + " ".join(esc(n) for n in notes)
            + "</p>"
        )
    intro += (
        "<p>Map claims give a verdict with a scope: <i>held</i> (where the source says it applies), "
        "<i>held in part</i> (the region is named), <i>not reproduced in the tested range</i> (the "
        "source's own conditions were not in the grid), <i>refuted</i> (they were, and it failed).</p>"
    )
    sections = [
        (
            "Verdicts",
            intro
            + table_html(
                ["#", "claim", "statement", "verdict", "where / main interval", "seconds"], summary_rows
            ),
        )
    ]
    for i, r in enumerate(results, 1):
        body = [
            f"<p><b>Claim.</b> {esc(r.statement)}</p>",
            f"<p><b>Source.</b> {esc(r.source)}</p>",
            f"<p><b>What we ran.</b> {esc(r.setting)}</p>",
            f"<p><b>Decision rule</b> (fixed before the run). {esc(r.rule)}</p>",
            f"<p><b>Verdict: {esc(r.label)}.</b> {esc(r.details)}</p>",
        ]
        if r.grid:
            body.insert(3, f"<p><b>Grid.</b> {esc(r.grid)}</p>")
        if r.coverage:
            body.append(f'<p class="note">Seeds: {esc(r.coverage)}</p>')
        if r.amendments:
            body.append(f"<p><b>Amendments.</b> {esc(r.amendments)}</p>")
        if r.table:
            body.append(table_html(r.table["columns"], r.table["rows"], caption="The map, one row per cell"))
        if r.ci:
            body.append(
                table_html(
                    ["quantity", "estimate", "95% low", "95% high"],
                    [[q, *ci] for q, ci in r.ci.items()],
                    caption="Confidence intervals",
                )
            )
        body.append(table_html(["quantity", "value"], _scalar_numbers(r), caption="Numbers"))
        for caption, fig in r.figures:
            body.append(f"<p>{esc(caption)}</p>" + figure_html(fig, alt=caption))
        sections.append((f"{i}. {r.key}: {r.label}", "\n".join(body)))
    meta = {**{f"setting.{k}": v for k, v in settings.items()}, **env}
    write_text(out / "report.html", html_page("actlab claims", sections, meta))
    write_text(out / "claims.md", claims_markdown(results, settings=settings, env=env))
    return {
        "html": out / "report.html",
        "json": out / "results.json",
        "csv": out / "results.csv",
        "markdown": out / "claims.md",
    }


def _training_seconds(results: Sequence[ClaimResult]) -> float:
    """The claims' own training time: a map's trials' (stored with them), else the claim's run."""
    total = 0.0
    for r in results:
        v = r.numbers.get("trial_seconds", r.seconds)
        total += float(v) if isinstance(v, (int, float)) and math.isfinite(v) else 0.0
    return total


def _md(text: str) -> str:
    # table cells: a pipe would end the cell
    return str(text).replace("|", "\\|")


def claims_markdown(results: Sequence[ClaimResult], *, settings: dict[str, Any], env: dict[str, Any]) -> str:
    """The claims run as a Markdown page (what ``docs/claims.md`` holds)."""
    cmd = env.get("command", "actlab claims")
    pk = env.get("packages", {})
    lines = [
        "# Claims about activation functions, checked",
        "",
        "Generated by `actlab claims` from the run below; do not edit by hand. Each claim has its own "
        "experiment and a decision rule written down before any result was seen; a claim that does not "
        "hold is a finding, not a bug. Intervals are bootstrap 95% confidence intervals over seeds.",
        "",
        f"- command: `{cmd}`",
        f"- wall time: {settings.get('wall_seconds', float('nan')):.0f} s"
        f" ({env.get('cpu_count')} cores, {settings.get('runner', '')}, one torch thread per trial)",
        f"- the claims' own training time: {_training_seconds(results):.0f} s in all (map trials are kept in "
        "the sweep store, so a rerun reads them back and its wall time can be far shorter)",
        f"- training data: {settings.get('dataset')}"
        + (" (quick mode: smaller experiments)" if settings.get("quick") else ""),
        f"- python {env.get('python')}, torch {pk.get('torch', '?')}, numpy {pk.get('numpy', '?')}, "
        f"actlab {pk.get('actlab', '?')}; {env.get('time_utc', '')}",
        "",
        "To reproduce: `pip install -e .` (and Debian's `dataset-fashion-mnist`, or the IDX files in a "
        "directory given by `--data-dir`), then run the command above. Results are deterministic per seed "
        "on CPU; wall time depends on the machine.",
        "",
        "Map claims run over a grid of conditions and give a verdict with a scope: **held** (where the "
        "source says it applies), **held in part** (the region is named), **not reproduced in the tested "
        "range** (the source's own conditions were not in the grid), **refuted** (they were, and it failed).",
        "",
        "Which statement of the activation guides is tested where (a claim here, a property checked by "
        "`actlab check`, or why it is not testable): [guide-coverage.md](guide-coverage.md).",
        "",
    ]
    notes = coverage_summary(results)
    if notes:
        lines += ["Indicative verdicts (fewer than 5 seeds):", ""] + [f"- {n}" for n in notes] + [""]
    lines += [
        "| # | claim | verdict | where / main interval |",
        "|---|---|---|---|",
    ]
    for i, r in enumerate(results, 1):
        lines.append(f"| {i} | {_md(r.statement)} | **{r.label}** | {_md(_headline(r))} |")
    for i, r in enumerate(results, 1):
        lines += [
            "",
            f"## {i}. `{r.key}`: {r.label}",
            "",
            f"**Claim.** {r.statement}",
            "",
            f"**Source.** {r.source}",
            "",
            f"**What we ran.** {r.setting} ({r.seconds:.0f} s)",
            "",
            f"**Decision rule** (fixed before the run). {r.rule}",
            "",
            f"**Result.** {r.details}",
            "",
        ]
        if r.grid:
            lines[-4:-4] = [f"**Grid.** {r.grid}", ""]
        if r.coverage:
            lines += [f"**Seeds.** {r.coverage}", ""]
        if r.amendments:
            lines += [f"**Amendments.** {r.amendments}", ""]
        if r.table:
            cols = r.table["columns"]
            lines += ["| " + " | ".join(_md(c) for c in cols) + " |", "|" + "---|" * len(cols)]
            for row in r.table["rows"]:
                lines.append("| " + " | ".join(_md(x) for x in row) + " |")
            lines.append("")
        if r.ci:
            lines += ["| quantity | estimate | 95% CI |", "|---|---|---|"]
            for q, (est, lo, hi) in r.ci.items():
                band = "no spread over seeds" if lo == hi else f"[{fmt(lo)}, {fmt(hi)}]"
                lines.append(f"| {_md(q)} | {fmt(est)} | {band} |")
    return "\n".join(lines) + "\n"
