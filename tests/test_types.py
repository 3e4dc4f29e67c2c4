"""src/actlab type-checks clean under mypy, with the configuration in pyproject.toml ([tool.mypy])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_reports_no_errors():
    # a hang guard, not a speed target: a cold run over the package takes a minute or two
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "src/actlab"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # (mypy comes with the dev extra, as CI installs it: pip install -e '.[dev]')
    assert proc.returncode == 0, f"mypy found errors:\n{proc.stdout}{proc.stderr}"
