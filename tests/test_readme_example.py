"""The README's "adding an activation" block works as written: one block gives everything."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch

import actlab
import actlab.torch as at
from actlab.catalog import _common
from actlab.check import check_spec
from actlab.spec import ActivationSpec

README = Path(__file__).resolve().parents[1] / "README.md"


def _block() -> str:
    text = README.read_text()
    section = text[text.index("## Adding an activation") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_block_adds_a_complete_activation(scratch_spec):
    captured = []
    ns = {name: getattr(_common, name) for name in _common.__all__}
    ns.update(ActivationSpec=ActivationSpec, register=captured.append)
    exec(compile(_block(), "README.md", "exec"), ns)
    (spec,) = captured
    with scratch_spec(spec):
        rep = check_spec(spec)
        assert rep.ok, "\n".join(map(str, rep.failures[:10]))
        y = actlab.get("relu_n", n=2.0)(np.array([-1.0, 1.0, 3.0]))
        np.testing.assert_array_equal(y, [0.0, 1.0, 2.0])
        m = at.create("relu_n")
        assert type(m).__name__ == "ReLUN" and "ReLU capped at n" in type(m).__doc__
        assert torch.equal(m(torch.tensor([7.0])), torch.tensor([6.0]))
        assert "relu_n" in actlab.list_activations("relu*")
