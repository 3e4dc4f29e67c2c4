"""Report helpers: self-contained HTML (inline plots, escaped text), JSON and CSV, environment.

Every string that reaches HTML goes through :func:`html.escape`; plots are embedded as base64
PNG (or inline SVG) so a report is one file that opens anywhere without network access.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import html
import io
import json
import math
import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import ActlabError, ParameterError
from .jsonable import jsonable
from .output_errors import OutputError, output_error

__all__ = [
    "Html",
    "OutputError",
    "check_writable_dir",
    "environment_info",
    "esc",
    "figure_html",
    "html_page",
    "jsonable",
    "table_html",
    "write_csv",
    "write_json",
    "write_text",
]

_PACKAGES = (
    "actlab",
    "torch",
    "numpy",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "tqdm",
    "dask",
    "distributed",
    "ray",
)


def check_writable_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and prove it writable by writing a byte into it; else raise
    :class:`OutputError` naming it. Called before training, so an hour of trials is not lost
    to a directory that cannot take the report."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p, prefix=".actlab-write-check-")
        try:
            os.write(fd, b"x")
            os.fsync(fd)  # a full disk may only say so when the byte reaches it
        finally:
            os.close(fd)
            os.unlink(tmp)
    except OSError as e:
        raise output_error(p, e, "write to the output directory") from e
    return p


def esc(value: Any) -> str:
    """HTML-escaped text of any value (quotes included, so it is safe in attributes too)."""
    return html.escape(str(value), quote=True)


def figure_html(fig: Any, *, fmt: str = "png", dpi: int = 100, alt: str = "", close: bool = True) -> str:
    """An inline ``<img>`` (base64 PNG) or ``<svg>`` element for a matplotlib figure."""
    if fmt not in ("png", "svg"):
        raise ParameterError(f"figure format must be 'png' or 'svg', got {fmt!r}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight")
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    if fmt == "svg":
        text = buf.getvalue().decode("utf-8")
        start = text.find("<svg")  # drop the XML prolog and DOCTYPE: not allowed inside HTML
        return f'<figure class="plot">{text[start:]}</figure>'
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<figure class="plot"><img alt="{esc(alt)}" src="data:image/png;base64,{b64}"></figure>'


class Html(str):
    """Markup the caller built (with :func:`esc` for every piece of text in it):
    :func:`table_html` puts it in a cell as it is instead of escaping it."""


def _cell(v: Any) -> str:
    if isinstance(v, Html):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "–"
        return f"{v:.4g}"
    return esc(v)


def table_html(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
    cls: str = "",
) -> str:
    """An HTML table; every header and cell is escaped (floats shown with 4 significant digits)
    except cells that are :class:`Html`. It sits in a box that scrolls sideways only if it
    cannot fit (the CSS wraps its cells first); ``cls`` adds classes to the table."""
    out = ['<div class="scroll">', f'<table class="{esc(("data " + cls).strip())}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
div.scroll{max-width:100%;overflow-x:auto}
table.data{border-collapse:collapse;margin:.8em 0;font-size:.9em;max-width:100%}
table.data th,table.data td{border:1px solid #ccc;padding:.25em .5em;text-align:right;vertical-align:top}
table.data th{background:#f3f3f3;vertical-align:bottom;font-weight:600}
table.data td:first-child,table.data th:first-child{text-align:left;overflow-wrap:anywhere}
table.data .est{white-space:nowrap}
table.data .ci{display:block;white-space:nowrap;font-size:.8em;color:#555}
table.details{font-size:.82em}
caption{caption-side:top;text-align:left;font-weight:normal;padding:.3em 0;color:#333}
figure.plot{margin:1em 0}figure.plot img,figure.plot svg{max-width:100%;height:auto}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em .8em}
.meta td{font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
"""


def html_page(title: str, sections: Sequence[tuple[str, str]], meta: Mapping[str, Any] | None = None) -> str:
    """A complete, self-contained HTML document.

    ``sections`` are (heading, body HTML) pairs: headings are escaped here; bodies are HTML
    that the caller built with :func:`esc`, :func:`table_html` and :func:`figure_html`.
    ``meta`` (environment, settings) is rendered as an escaped key/value table at the end.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for heading, body in sections:
        parts.append(f"<section><h2>{esc(heading)}</h2>\n{body}\n</section>")
    if meta:
        rows = [
            (k, v if isinstance(v, str) else json.dumps(jsonable(v), sort_keys=True)) for k, v in meta.items()
        ]
        parts.append(
            '<section class="meta"><h2>Run details</h2>' + table_html(["key", "value"], rows) + "</section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def environment_info(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Package versions, torch threads, Python, platform, CPU count, command line and time."""
    versions: dict[str, str] = {}
    for p in _PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            continue
    info: dict[str, Any] = {
        "packages": versions,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "command": " ".join(argv if argv is not None else [Path(sys.argv[0]).name, *sys.argv[1:]]),
        "time_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    try:
        import torch

        info["torch_threads_main"] = torch.get_num_threads()
        info["torch_threads_per_trial"] = 1  # every trial sets it (actlab.lab.train.train_trial)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    return info


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError as e:
        raise output_error(path, e) from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report gets the usual mode
        os.replace(tmp, path)
    except BaseException as e:
        if os.path.exists(tmp):
            os.unlink(tmp)  # a half-written temporary must not fill the disk further
        if isinstance(e, OSError) and not isinstance(e, ActlabError):
            raise output_error(path, e) from e
        raise


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` atomically (a reader never sees half a file)."""
    p = Path(path)
    _atomic_write(p, text)
    return p


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as strict JSON (see :func:`jsonable`), atomically."""
    p = Path(path)
    _atomic_write(p, json.dumps(jsonable(obj), indent=2, sort_keys=False, allow_nan=False) + "\n")
    return p


def write_csv(
    path: str | os.PathLike,
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    comments: Sequence[str] = (),
) -> Path:
    """Write a plain CSV (a header row, then rows: what any CSV reader expects) and, when there are
    ``comments`` (metadata: settings, versions, timing), a text file beside it holding them, named
    ``<name>.about.txt``: a spreadsheet or ``csv.reader`` would take leading ``#`` lines for data."""
    p = Path(path)
    if comments:
        _atomic_write(p.with_name(p.name + ".about.txt"), "".join(f"{c}\n" for c in comments))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if (isinstance(v, float) and not math.isfinite(v)) else v for v in r])
    _atomic_write(p, buf.getvalue())
    return p
