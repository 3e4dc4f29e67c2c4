"""A missing optional package is one MissingDependencyError naming the pip command; the command
line prints it (and usage errors) as one line, no traceback."""

from __future__ import annotations

import sys

import pytest

from actlab.cli import main
from actlab.errors import ActlabError, MissingDependencyError, UsageError


@pytest.mark.parametrize(
    "runner, module, command",
    [("dask", "dask.distributed", "pip install 'actlab[dask]'"), ("ray", "ray", "pip install 'actlab[ray]'")],
)
def test_a_missing_runner_package_names_the_pip_command(monkeypatch, runner, module, command):
    from actlab.lab.runners import make_runner

    monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    with pytest.raises(MissingDependencyError) as e:
        make_runner(runner, 1)
    assert command in str(e.value) and module in str(e.value)
    assert isinstance(e.value, ImportError) and isinstance(e.value, ActlabError)
    assert e.value.install == command


def test_the_command_line_prints_a_missing_package_cleanly(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    rc = main(["claims", "dying_relu", "--runner", "dask", "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("actlab: error:") and "Traceback" not in err
    assert "pip install 'actlab[dask]'" in err


def test_a_usage_error_is_a_value_error_and_prints_cleanly(tmp_path, capsys):
    assert issubclass(UsageError, ValueError) and issubclass(UsageError, ActlabError)
    rc = main(["claims", "--address", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "--runner dask" in err and "Traceback" not in err
