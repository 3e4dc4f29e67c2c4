"""The documentation site: ``mkdocs build --strict`` succeeds, and the API pages carry the
docstrings generated from the specs; the hook that adds the explorer behaves with and without it."""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

# the docs extra is part of dev, which the test command needs: a missing package is a failure here
import material  # noqa: E402, F401
import mkdocs  # noqa: E402, F401
import mkdocstrings_handlers.python  # noqa: E402, F401
import pytest

import actlab  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _text(page: Path) -> str:
    """The visible text of a built page, tags removed, entities decoded, whitespace collapsed."""
    s = page.read_text(encoding="utf-8")
    s = re.sub(r"<script.*?</script>", " ", s, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s)))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("ACTLAB_DOCS_EXPLORER", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    return out, log


def test_strict_build_has_no_warnings_and_every_page(site):
    out, log = site
    assert "WARNING" not in log, log[-4000:]
    # the command line is never run by collecting the API (griffe would import actlab.__main__)
    assert "usage: actlab" not in log
    # use_directory_urls is off (the site works from file://): page.md -> page.html
    for page in ("index", "torch", "frameworks", "accuracy", "benchmarks", "claims", "guide-coverage",
                 "activations", "explorer"):  # fmt: skip
        assert (out / f"{page}.html").is_file(), page
    for page in ("index", "core", "torch", "torch-modules", "torch-functional", "keras", "jax", "lab"):
        assert (out / "api" / f"{page}.html").is_file(), page


def test_api_pages_carry_the_generated_docstrings(site):
    out, _ = site
    gelu = actlab.spec("gelu")
    approximate = next(p for p in gelu.params if p.name == "approximate")
    modules = _text(out / "api" / "torch-modules.html")
    assert "actlab.torch.GELU" in modules
    # the parameter's description comes from the spec, through the generated docstring
    assert approximate.doc and approximate.doc.split(";")[0].strip() in modules
    from actlab.torch import module_classes

    ids = set(
        re.findall(r'id="actlab\.torch\.([A-Za-z0-9_]+)"', (out / "api/torch-modules.html").read_text())
    )
    assert ids >= set(module_classes())

    core = _text(out / "api" / "core.html")
    assert "actlab.get" in core and "list_activations" in core and "ActivationSpec" in core

    # the adapters document each function once, under its canonical name, not once per alias
    jax_ids = set(re.findall(r'id="actlab\.jax\.([A-Za-z0-9_]+)"', (out / "api/jax.html").read_text()))
    assert {s.name for s in actlab.registry.all_specs()} <= jax_ids
    assert "swish_1" not in jax_ids and "logistic" not in jax_ids

    lab = (out / "api" / "lab.html").read_text(encoding="utf-8")
    for obj in (
        "propagation.propagate",
        "propagation.PropagationResult",
        "train.train_trial",
        "data.load_dataset",
    ):
        assert f'id="actlab.lab.{obj}"' in lab, obj


def test_explorer_is_linked_when_it_can_be_built(site):
    out, _ = site
    page = (out / "explorer.html").read_text(encoding="utf-8")
    try:
        from actlab.explore import build_site  # noqa: F401
    except (ImportError, AttributeError):
        assert "The explorer is not part of this build" in page
    else:
        assert (out / "explorer" / "index.html").is_file()
        assert 'href="explorer/index.html"' in page
        assert "The explorer is not part of this build" not in page


# ------------------------------------------------------------------ the hook, without a build
@pytest.fixture
def hooks(monkeypatch):
    spec = importlib.util.spec_from_file_location("actlab_docs_hooks", ROOT / "docs" / "hooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _explorer_page():
    return SimpleNamespace(file=SimpleNamespace(src_uri="explorer.md"))


def test_hook_says_how_to_build_the_explorer_when_it_is_switched_off(hooks, monkeypatch):
    monkeypatch.setenv("ACTLAB_DOCS_EXPLORER", "0")
    md = "# The explorer\n\nText.\n"
    out = hooks.on_page_markdown(md, _explorer_page(), {}, None)
    assert hooks.EXPLORER_LINK not in out and "ACTLAB_DOCS_EXPLORER=0" in out
    assert "actlab explore --out site/explorer" in out
    # under the title, and the page's own text is kept
    assert out.index("# The explorer") < out.index("not part of this build") < out.index("Text.")


def test_hook_adds_the_built_explorer_to_the_site(hooks, monkeypatch, tmp_path):
    from mkdocs.structure.files import Files

    import actlab.explore as explore

    def fake_build_site(out):
        out = Path(out)
        (out / "f").mkdir(parents=True)
        (out / "index.html").write_text("<p>gallery</p>")
        (out / "f" / "relu.html").write_text("<p>relu</p>")

    monkeypatch.delenv("ACTLAB_DOCS_EXPLORER", raising=False)
    monkeypatch.setattr(explore, "build_site", fake_build_site, raising=False)
    config = {"site_dir": str(tmp_path / "site"), "use_directory_urls": True}
    files = hooks.on_files(Files([]), config)
    uris = {f.src_uri for f in files}
    assert uris == {"explorer/index.html", "explorer/f/relu.html"}
    md = hooks.on_page_markdown("# The explorer\n\nText.\n", _explorer_page(), config, files)
    # built: the page links to it (and a --strict build checks that link like any other)
    assert hooks.EXPLORER_LINK in md and "not part of this build" not in md


def test_hook_lists_members_from_all_and_one_block_per_module_class(hooks):
    from actlab.torch import module_classes

    md = hooks.on_page_markdown(
        "<!-- actlab:members actlab.torch.functional -->\n<!-- actlab:torch-modules -->",
        SimpleNamespace(file=SimpleNamespace(src_uri="api/x.md")),
        {},
        None,
    )
    import actlab.torch.functional as F

    listed = re.findall(r"^        - (\w+)$", md, flags=re.M)
    assert sorted(listed) == sorted(F.__all__)
    assert md.count("::: actlab.torch.") == len(module_classes()) + 1
