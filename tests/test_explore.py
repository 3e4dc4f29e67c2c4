"""actlab explore: the built site's content against the library, offline-ness, size, the --out
rules, the verdict sources, the network section and the usage snippets (which are run)."""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import actlab
from actlab.cli import main
from actlab.errors import ParameterError
from actlab.explore import MARKER, build_site, netview
from actlab.explore.fnpage import function_page, maths
from actlab.explore.guides import ADVICE, SEEDS, STATEMENTS, claim_functions
from actlab.explore.usage import snippets
from actlab.explore.verdicts import SUMMARY, load_verdicts, summary_from_claims_md
from actlab.registry import all_specs
from actlab.registry import spec as get_spec

ROOT = Path(__file__).resolve().parents[1]
SIZE_CAP = 8_000_000  # bytes; docs/explorer.md states the measured size


def read_data(site: Path, name: str, folder: str = "data") -> dict:
    text = (site / folder / f"{name}.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("]=") + 2 :].rstrip().rstrip(";"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explorer") / "site"
    info = build_site(out)
    assert info["functions"] == len(all_specs())
    return out


def test_every_catalog_function_has_a_page_data_and_a_card(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    names = [s.name for s in all_specs()]
    assert len(names) >= 62
    for n in names:
        page = site / "f" / f"{n}.html"
        assert page.is_file(), n
        assert f'data-name="{n}"' in index
        assert read_data(site, n)["name"] == n
    assert index.count('class="card"') == len(names)
    assert (site / "compare.html").is_file() and (site / "guide.html").is_file()


def test_known_values_by_hand(site):
    def at(name, x, key=None):
        d = read_data(site, name)
        c = d["combos"][key or d["default"]]
        xs = c.get("x", d["x"])
        i = xs.index(x)
        return c["f"][i], c["d"][i]

    assert at("relu", -1.0)[0] == 0.0 and at("relu", 2.0) == (2.0, 1.0)
    assert at("tanh", 0.0) == (0.0, 1.0)
    assert at("sigmoid", 0.0) == (0.5, 0.25)
    assert at("hardtanh", 3.0)[0] == 1.0
    # elu with alpha = 2 at x = -1: 2 (e^-1 - 1) = -1.264241...
    elu = read_data(site, "elu")
    k = str(elu["params"][0]["labels"].index("2"))
    assert at("elu", -1.0, k)[0] == pytest.approx(-1.26424, abs=1e-5)
    # relu's kink: f' is a gap in the line and the convention (0) is a dot
    relu = read_data(site, "relu")["combos"]["0"]
    assert relu["d"][relu.get("x", read_data(site, "relu")["x"]).index(0.0)] is None
    assert relu["kinks"] == [{"at": 0.0, "d": 0.0, "why": relu["kinks"][0]["why"], "jump": False}]
    assert read_data(site, "relu")["combos"]["1"]["kinks"][0]["d"] == 1.0  # grad_at_zero = 1


@pytest.mark.parametrize("name", ["elu", "hardtanh", "softplus", "gelu", "softmax", "swiglu", "leaky_relu"])
def test_precomputed_curves_equal_the_numpy_api_on_every_combination(site, name):
    d = read_data(site, name)
    s = get_spec(name)
    checked = 0
    for key, c in d["combos"].items():
        if "error" in c:
            continue
        idx = [int(i) for i in key.split(",")] if key else []
        params = {}
        for p, i in zip(d["params"], idx):
            v = s.param(p["name"]).choices[i] if s.param(p["name"]).choices else p["values"][i]
            params[p["name"]] = math.inf if v == "inf" else v
        x = np.array(c.get("x", d["x"]), dtype=float)
        act = actlab.get(name, **params)
        if s.kind == "elementwise":
            f, df = act(x), act.derivative(x)
        elif s.kind == "gated":
            xx = np.stack([np.ones_like(x), x], axis=1)
            f, df = act(xx)[:, 0], act.derivative(xx)[:, 1]
        else:
            xx = np.stack([x, np.zeros_like(x)], axis=1)
            f, df = act(xx)[:, 0], act.derivative(xx)[:, 0, 0]
        got_f = np.array([np.nan if v is None else v for v in c["f"]])
        got_d = np.array([np.nan if v is None else v for v in c["d"]])
        fin = np.isfinite(got_f)
        np.testing.assert_allclose(got_f[fin], f[fin], rtol=1e-5, atol=1e-12, err_msg=f"{name} {params}")
        fin = np.isfinite(got_d)
        np.testing.assert_allclose(got_d[fin], df[fin], rtol=1e-5, atol=1e-12, err_msg=f"{name} {params}")
        # gaps only at kinks
        gaps = {x[i] for i in np.flatnonzero(~fin)}
        assert gaps <= {k["at"] for k in c["kinks"]}, (name, params, gaps)
        checked += 1
    assert checked == len(d["combos"]) - sum("error" in c for c in d["combos"].values()) >= 1


def test_hardtanh_refuses_min_above_max_and_the_page_data_say_why(site):
    d = read_data(site, "hardtanh")
    bad = [c for c in d["combos"].values() if "error" in c]
    assert bad and all("min_val" in c["error"] for c in bad)


def test_saturation_intervals_cover_where_the_derivative_is_small(site):
    c = read_data(site, "sigmoid")["combos"][""]
    assert c["sat"] and c["sat"][0][0] == -5.0 and c["sat"][-1][1] == 5.0  # both tails of sigma'
    assert all(not (a <= 0.0 <= b) for a, b in c["sat"])  # sigma'(0) = 1/4 is not saturated
    assert read_data(site, "identity")["combos"][""]["sat"] == []


def test_properties_come_from_the_library(site):
    from actlab.properties import init_gain

    relu = dict(read_data(site, "relu")["combos"]["0"]["props"])
    assert relu["range"] == "[0, inf)" and relu["monotonic"] == "yes" and relu["zero-centred"] == "no"
    assert read_data(site, "relu")["combos"]["0"]["gain"] == pytest.approx(math.sqrt(2), rel=1e-5)
    assert dict(read_data(site, "tanh")["combos"][""]["props"])["zero-centred"] == "yes"
    assert read_data(site, "elu")["combos"][read_data(site, "elu")["default"]]["gain"] == pytest.approx(
        init_gain("elu"), rel=1e-5
    )


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href"):
            self.resources.append(a["href"])


def test_offline_no_remote_resources_no_fetch(site):
    for page in site.rglob("*.html"):
        p = _Refs()
        p.feed(page.read_text(encoding="utf-8"))
        assert p.resources, page
        for r in p.resources:
            assert not re.match(r"(https?:)?//", r), (page, r)
            assert (page.parent / r).resolve().is_file(), (page, r)
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css
    for js in (site / "static").glob("*.js"):
        if js.name.startswith("uPlot"):
            continue
        text = js.read_text(encoding="utf-8")
        assert "fetch(" not in text and "XMLHttpRequest" not in text and "http" not in text, js


def test_site_size_under_the_cap_and_gallery_needs_no_chart_library(site):
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert 1_000_000 < size < SIZE_CAP
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "uPlot" not in index and index.count("<svg") == len(all_specs())


def test_every_formula_converts_to_mathml():
    for s in all_specs():
        for tex in (s.formula, s.derivative_formula):
            m = maths(tex)
            assert m.startswith("<math") and "merror" not in m, (s.name, tex)
    assert "<mtable>" in maths(get_spec("relu").derivative_formula)  # \begin{cases} becomes a table


def test_out_rules(tmp_path, site):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(ParameterError, match="refusing to overwrite"):
        build_site(other)
    assert (other / "notes.txt").read_text() == "keep me"
    afile = tmp_path / "f.txt"
    afile.write_text("x")
    with pytest.raises(ParameterError, match="is a file"):
        build_site(afile)
    # an earlier build is replaced: a stray file in it goes away
    again = tmp_path / "again"
    build_site(again)
    (again / "stray.txt").write_text("old")
    build_site(again)
    assert (again / MARKER).is_file() and not (again / "stray.txt").exists()


def test_cli_explore_and_its_errors(tmp_path, capsys):
    other = tmp_path / "busy"
    other.mkdir()
    (other / "a").write_text("a")
    assert main(["explore", "--out", str(other)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["explore", "--out", str(tmp_path / "s"), "--results", str(tmp_path / "none.json")]) == 2
    assert "--results" in capsys.readouterr().err and not (tmp_path / "s").exists()
    assert main(["explore", "--out", str(tmp_path / "s")]) == 0
    assert "62 functions" in capsys.readouterr().out or len(all_specs()) != 62


def test_serve_prints_a_url_serves_the_site_and_stops_on_ctrl_c(site):
    proc = subprocess.Popen(
        [sys.executable, "-c", "from actlab.explore import serve; import sys; serve(sys.argv[1])", str(site)],
        stdout=subprocess.PIPE,
        text=True,
        # a child inherits an ignored SIGINT (as a test runner's worker may have it), and Python
        # then installs no KeyboardInterrupt for it: Ctrl-C as a user's terminal delivers it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/index.html")
        with urllib.request.urlopen(url, timeout=10) as r:
            assert b'class="gallery"' in r.read()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0  # a guard against a hang, not a deadline
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_committed_summary_matches_docs_claims_md():
    md = ROOT / "docs" / "claims.md"
    assert json.loads(SUMMARY.read_text(encoding="utf-8")) == summary_from_claims_md(
        md.read_text(encoding="utf-8")
    ), "src/actlab/explore/claims_summary.json is stale: run python -m actlab.explore.verdicts docs/claims.md"
    v = load_verdicts()
    assert v.verdict("relu_speed") == "held in part" and v.verdict("sigmoid_gradient") == "held"
    assert v.task_verdict("output_activation", "binary") == "held"
    assert len(v.claims["dying_relu"]["table"]["rows"]) == 24


def test_results_file_overrides_and_is_named_on_the_guide(tmp_path):
    doc = {
        "settings": {"dataset": "digits", "quick": True},
        "environment": {"command": "actlab claims --quick --out X", "time_utc": "2030-01-01T00:00:00+00:00"},
        "claims": [{"key": "relu_speed", "verdict": "held", "statement": "s", "numbers": {}, "table": None}],
    }
    p = tmp_path / "results.json"
    p.write_text(json.dumps(doc))
    out = build_site(tmp_path / "site", results=[p])
    guide = (out["out"] / "guide.html").read_text(encoding="utf-8")
    assert "actlab claims --quick --out X" in guide and "2030-01-01" in guide
    relu = (out["out"] / "f" / "relu.html").read_text(encoding="utf-8")
    assert (
        'claim <a href="../guide.html#claim-relu_speed"><code>relu_speed</code></a>: <span '
        'class="verdict v-held">' in relu
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(ParameterError, match="no 'claims' list"):
        load_verdicts([bad])


def test_guide_data_name_real_functions_claims_and_seeds():
    names = {s.name for s in all_specs()}
    summary = load_verdicts().claims
    for st in STATEMENTS + ADVICE:
        assert set(st.functions) <= names, st
        assert set(st.seeds) <= set(SEEDS), st
        assert st.evidence in ("claim", "check", "monitor", "bench", "none"), st
        if st.evidence == "claim":
            assert st.ref in summary, st
    assert set(claim_functions()) == set(summary)
    seeds_dir = ROOT.parent / "shared" / "seeds"
    if seeds_dir.is_dir():
        for fname, _ in SEEDS.values():
            assert (seeds_dir / fname).is_file(), fname


def test_guide_page_shows_map_cells_and_advice(site):
    g = (site / "guide.html").read_text(encoding="utf-8")
    for topic in ("advice-hidden", "advice-binary", "advice-multi-class", "advice-regression"):
        assert f'id="{topic}"' in g
    # dying_relu's map: as many held cells in its own section as docs/claims.md's summary names
    md = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    row = next(ln for ln in md.splitlines() if ln.startswith("| 6 | ReLU units die"))
    held = int(re.search(r"held in (\d+) of 24 cells", row).group(1))
    start = g.index('id="claim-dying_relu"')
    end = g.find('id="claim-', start + 1)
    assert held > 0 and g[start : end if end > 0 else len(g)].count('<td class="v-held">held</td>') == held
    # a map judged per task (output_activation): its task column and coloured per-task verdicts
    start = g.index('id="claim-output_activation"')
    sec = g[start : g.find('id="claim-', start + 1)]
    tasks = [
        ln
        for ln in md.splitlines()
        if re.match(r"\| (adam|sgd\+momentum) \| [0-9.e-]+ \| (binary|multi-class|regression) \|", ln)
    ]
    assert "<th>task</th>" in sec and "<th>task verdict</th>" in sec and len(tasks) >= 3
    assert sec.count('<td class="v-held">held</td>') == sum(
        ln.rstrip(" |").endswith("| held") for ln in tasks
    )


def _fixture_network(n_layers=100, frames=3, size=8):
    import base64

    depth = {
        init: {
            "layers": list(range(1, n_layers + 1)),
            "signal_std": [0.9**i for i in range(n_layers)],
            "grad_rms": [1.1**-i for i in range(n_layers)],
        }
        for init in ("he", "xavier", "lecun", "actlab")
    }
    frame = base64.b64encode(bytes(range(size * size))).decode()
    return {
        "version": 1,
        "settings": {"width": 64, "note": "fixture, not a run"},
        "functions": {
            "relu": {
                "depth": depth,
                "training": {
                    "epochs": [0, 1, 2],
                    "train_acc": [0.5, 0.8, 0.9],
                    "test_acc": [0.5, 0.7, 0.85],
                    "dead_share": [0.0, 0.1, 0.2],
                    "saturated_share": [0.0, 0.0, 0.0],
                },
                "spirals": {
                    "extent": [-1, 1, -1, 1],
                    "n": size,
                    "epochs": list(range(frames)),
                    "frames": [frame] * frames,
                    "points": {"x": [0.1, -0.2], "y": [0.3, 0.4], "label": [0, 1]},
                },
            },
            "softmax": {"skipped": "a vector function cannot be a hidden layer's activation"},
        },
    }


def test_network_section_from_fixture_missing_and_skipped():
    data = _fixture_network()
    v = load_verdicts()
    from actlab.explore.data import function_data

    entry, why = netview.network_entry(data, "relu")
    assert why == "" and set(entry) == {"settings", "depth", "training", "spirals"}
    page = function_page(get_spec("relu"), function_data(get_spec("relu")), v, (entry, why))
    assert 'id="net-depth"' in page and 'id="net-spirals"' in page and "net/relu.js" in page
    assert "fixture, not a run" in page
    entry, why = netview.network_entry(data, "softmax")
    assert entry is None and "cannot be a hidden layer" in why
    page = function_page(get_spec("softmax"), function_data(get_spec("softmax")), v, (entry, why))
    assert 'id="network-missing"' in page and "net/softmax.js" not in page
    entry, why = netview.network_entry(data, "tanh")
    assert entry is None and "no entry for tanh" in why


def test_network_data_written_when_present(tmp_path, monkeypatch):
    monkeypatch.setattr(netview, "load", lambda: (_fixture_network(), ""))
    out = build_site(tmp_path / "site")["out"]
    got = read_data(out, "relu", folder="net")
    assert got["depth"]["he"]["layers"][-1] == 100 and len(got["spirals"]["frames"]) == 3
    assert not (out / "net" / "softmax.js").exists()
    assert "No network data: the network data have no entry for tanh" in (out / "f" / "tanh.html").read_text()


def test_network_absent_module_is_tolerated(monkeypatch):
    monkeypatch.setitem(sys.modules, "actlab.explore.network", None)  # import raises ImportError
    data, why = netview.load()
    assert data is None and "not available" in why


@pytest.mark.parametrize("lang", ["NumPy", "PyTorch"])
def test_usage_snippets_run_for_every_function(lang):
    pytest.importorskip("torch")
    for s in all_specs():
        code = snippets(s)[lang]
        ns: dict = {}
        exec(compile(code, f"<{lang} snippet of {s.name}>", "exec"), ns)
        assert "y" in ns, s.name
        if lang == "NumPy":
            x = ns["x"]
            want = actlab.get(s.name, **s.defaults())(x)
            np.testing.assert_array_equal(ns["y"], want)


def test_usage_snippets_jax_run_for_a_sample():
    pytest.importorskip("jax")
    for name in ("elu", "softmax", "swiglu", "prelu"):
        ns: dict = {}
        exec(snippets(get_spec(name))["JAX"], ns)
        assert ns["g"].shape == ns["x"].shape
