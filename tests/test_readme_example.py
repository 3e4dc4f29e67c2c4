"""The README's "adding an activation" block works as written: one block gives everything."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch

import actlab
import actlab.torch as at
from actlab.catalog import _common
from actlab.catalog._piecewise import clipped, piecewise_spec
from actlab.check import check_spec
from actlab.piecewise import Line
from actlab.torch.function import plan_for

README = Path(__file__).resolve().parents[1] / "README.md"


def _block() -> str:
    text = README.read_text()
    section = text[text.index("## Adding an activation") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_block_adds_a_complete_activation(scratch_spec):
    captured = []
    ns = {name: getattr(_common, name) for name in _common.__all__}
    ns.update(
        Line=Line,
        clipped=clipped,
        piecewise_linear=lambda pieces, **fields: captured.append(piecewise_spec(pieces, **fields)),
    )
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
        # derived from the pieces: kinks, range, and the 1-byte mask saved for training
        d = {"n": 6.0}
        assert [(k.at_for(d), k.derivative_for(d)) for k in spec.kinks_for(d)] == [(0.0, 0.0), (6.0, 0.0)]
        assert str(spec.range_for(d)) == "[0, 6]" and spec.monotonic_for(d)
        assert plan_for(spec, d).strategy == "mask"
