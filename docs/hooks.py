"""MkDocs hooks for the actlab site (named in mkdocs.yml under ``hooks:``).

- Import-time setup: Keras needs its backend chosen before it is first imported, and the API
  pages import ``actlab.keras``; torch is the backend every actlab install has.
- ``on_page_markdown``: expands ``<!-- actlab:torch-modules -->`` into one mkdocstrings block
  per generated module class, and ``<!-- actlab:members MODULE -->`` into a block for MODULE
  listing the members of its ``__all__`` (the adapters also bind each function's aliases, which
  would otherwise be documented once per alias), so adding a function to the catalog adds it
  to these pages with no edit.
- ``on_files``: builds the explorer into ``explorer/`` of the site with
  ``actlab.explore.build_site(out_dir)`` when that function exists, and adds its files to the
  build, so links to it are checked like any other; the Explorer page (docs/explorer.md) gets a
  link to it under its title. Without it (not installed, or ``ACTLAB_DOCS_EXPLORER=0``) the page
  says instead how to build it.
"""

from __future__ import annotations

import atexit
import importlib
import os
import re
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")


def _skip_main_module() -> None:
    # The API pages are collected by importing actlab (its adapters' classes and functions exist
    # only at run time), and griffe imports every submodule, actlab.__main__ included, which would
    # run the actlab command with mkdocs's arguments. griffe skips modules whose (short) name starts
    # with a name in this set; no package's __main__ belongs in an API reference.
    try:
        from griffe import GriffeLoader
    except ImportError:  # mkdocstrings not installed: the build fails with its own message
        return
    GriffeLoader.ignored_modules.add("__main__")


_skip_main_module()

EXPLORER_DIR = "explorer"
EXPLORER_LINK = "[Open the explorer](explorer/index.html), built with this site from the same catalog."
EXPLORER_PAGE = "explorer.md"
MODULES_MARKER = "<!-- actlab:torch-modules -->"
MEMBERS_MARKER = re.compile(r"<!-- actlab:members ([\w.]+) -->")

# one explorer build per process: `mkdocs serve` rebuilds the site on every edit of a page
_explorer: dict[str, object] = {}


def _build_explorer() -> tuple[Path | None, str]:
    """(directory holding the built explorer, "") or (None, why it is not in this build)."""
    if "result" in _explorer:
        return _explorer["result"]  # type: ignore[return-value]
    if os.environ.get("ACTLAB_DOCS_EXPLORER", "1") == "0":
        result: tuple[Path | None, str] = (None, "this build was made with ACTLAB_DOCS_EXPLORER=0")
    else:
        try:
            from actlab.explore import build_site
        except (ImportError, AttributeError) as e:
            result = (None, f"actlab.explore.build_site is not available here ({e})")
        else:
            # a directory of its own, kept for the life of the process (MkDocs copies from it at
            # the end of the build, and `mkdocs serve` again after each edit)
            tmp = tempfile.mkdtemp(prefix="actlab-explorer-")
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
            out = Path(tmp) / EXPLORER_DIR
            build_site(out)
            result = (out, "")
    _explorer["result"] = result
    return result


def on_files(files, config):
    from mkdocs.structure.files import File

    out, _ = _build_explorer()
    if out is None:
        return files
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out.parent).as_posix()
        files.append(File(rel, str(out.parent), config["site_dir"], config["use_directory_urls"]))
    return files


def _torch_modules_markdown() -> str:
    from actlab.torch import module_classes

    blocks = []
    for cname in sorted(module_classes(), key=str.lower):
        blocks.append(
            f"::: actlab.torch.{cname}\n    options:\n      show_bases: false\n      members: false\n"
        )
    return "\n".join(blocks)


def _members_markdown(match: re.Match) -> str:
    module = match.group(1)
    names = importlib.import_module(module).__all__
    lines = [f"::: {module}", "    options:", "      show_submodules: false", "      members:"]
    lines += [f"        - {name}" for name in sorted(names, key=str.lower)]
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown, page, config, files):
    if MODULES_MARKER in markdown:
        markdown = markdown.replace(MODULES_MARKER, _torch_modules_markdown())
    markdown = MEMBERS_MARKER.sub(_members_markdown, markdown)
    if page.file.src_uri == EXPLORER_PAGE:
        out, why = _build_explorer()
        if out is not None:
            note = f"**{EXPLORER_LINK}**"
        else:
            note = (
                f'!!! note "The explorer is not part of this build"\n    {why}. Build it with '
                "`actlab explore --out site/explorer` and open `site/explorer/index.html`."
            )
        # under the page's title: the first thing a reader looking for the explorer needs
        lines = markdown.split("\n")
        at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
        markdown = "\n".join(lines[:at] + ["", note, ""] + lines[at:])
    return markdown
