"""Build the explorer into one folder (and serve it): every page and its data are files, so the site
works from file://, offline, zipped or published as is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import ParameterError
from ..registry import all_specs
from . import netview
from .data import HI, LO, function_data, gallery_facts
from .fnpage import function_page
from .guidepage import guide_page
from .pages import compare_page, gallery_page
from .svg import thumbnail
from .verdicts import load_verdicts

__all__ = ["MARKER", "STATIC", "build_site", "serve"]

STATIC = Path(__file__).with_name("static")
MARKER = ".actlab-explorer"  # names a folder as an explorer build, which a rebuild may replace


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {str(out)!r} is a file; give a folder (e.g. --out actlab-explorer)")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ParameterError(
            f"--out {str(out)!r} is a folder with other files in it, not an earlier explorer build "
            "(it has no "
            f"{MARKER} file); refusing to overwrite it. Give a new or empty folder, e.g. --out "
            "actlab-explorer"
        )


def _js(var: str, key: str, value: Any) -> str:
    """A data file as a script: file:// pages cannot fetch JSON, but they can load a script."""
    payload = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return f"(window.{var}=window.{var}||{{}})[{json.dumps(key)}]={payload};\n"


def build_site(
    out: str | Path, results: Sequence[str | Path] = (), progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Write the site into ``out`` (replacing an earlier build there); returns what was written."""
    out = Path(out)
    _check_out(out)
    verdicts = load_verdicts(results)  # before touching out: a bad --results leaves it alone
    specs = all_specs()
    net_data, net_missing = netview.load()
    if out.exists():
        shutil.rmtree(out)
    (out / "f").mkdir(parents=True)
    (out / "data").mkdir()
    (out / "net").mkdir()
    shutil.copytree(STATIC, out / "static")
    facts, thumbs = {}, {}
    for s in specs:
        if progress:
            progress(s.name)
        data = function_data(s)
        combo = data["combos"][data["default"]]
        x = combo.get("x", data["x"])
        step = 1 if "x" in combo else 4  # kinks off the grid: keep every point so they stay sharp
        thumbs[s.name] = thumbnail(
            s.name, x[::step], _nan(combo["f"][::step]), _nan(combo["d"][::step]), LO, HI
        )
        facts[s.name] = gallery_facts(s)
        (out / "data" / f"{s.name}.js").write_text(_js("ACTLAB_DATA", s.name, data), encoding="utf-8")
        entry, why = netview.network_entry(net_data, s.name)
        if entry is not None:
            (out / "net" / f"{s.name}.js").write_text(_js("ACTLAB_NET", s.name, entry), encoding="utf-8")
        page = function_page(s, data, verdicts, (entry, why or net_missing))
        (out / "f" / f"{s.name}.html").write_text(page, encoding="utf-8")
    (out / "index.html").write_text(gallery_page(specs, facts, thumbs), encoding="utf-8")
    (out / "compare.html").write_text(compare_page(specs), encoding="utf-8")
    (out / "guide.html").write_text(guide_page(verdicts), encoding="utf-8")
    (out / MARKER).write_text(
        json.dumps({"built_by": "actlab explore", "functions": len(specs), "verdicts": verdicts.origin})
        + "\n",
        encoding="utf-8",
    )
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {
        "out": out,
        "functions": len(specs),
        "bytes": size,
        "verdicts": verdicts.origin,
        "network": net_missing or "included",
    }


def _nan(v: list) -> list[float]:
    return [float("nan") if x is None else x for x in v]


def serve(folder: str | Path, port: int = 0, ready: Callable[[str], None] = print) -> None:
    """Serve ``folder`` on 127.0.0.1 (a free port by default) until Ctrl-C."""
    import functools
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # one line per request would bury the URL
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        host, real_port = httpd.server_address[:2]
        assert isinstance(host, str)  # an IPv4 address, bound above
        ready(f"http://{host}:{real_port}/index.html")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
