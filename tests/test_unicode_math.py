"""``actlab show`` prints formulas as Unicode text a terminal reads, not raw LaTeX."""

from __future__ import annotations

import re

import pytest

from actlab.docs import show_text
from actlab.registry import all_specs, spec
from actlab.unicode_math import to_unicode


@pytest.mark.parametrize(
    "latex,want",
    [
        (r"f(x) = \frac{x}{1 + |x|}", "f(x) = x/(1 + |x|)"),
        (r"f(x) = \frac{x + \sqrt{x^2 + b}}{2}", "f(x) = (x + √(x² + b))/2"),
        (r"f(x) = e^{-x^2}", "f(x) = e^(-x²)"),
        (r"\frac{\partial f}{\partial \alpha} = 1", "∂f/∂α = 1"),
        (r"f(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}", "f(x)ᵢ = (e^xᵢ)/(Σⱼ e^xⱼ)"),
        (r"f(x) = \max(0, x) + a \min(0, x)", "f(x) = max(0, x) + a min(0, x)"),
    ],
)
def test_hand_checked_conversions(latex, want):
    assert to_unicode(latex) == want


def test_cases_become_aligned_lines():
    got = to_unicode(r"f(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}")
    lines = got.splitlines()
    assert lines[0] == "f(x) ="
    assert lines[1].strip().startswith("x") and lines[1].endswith("if x > 0")
    assert lines[2].strip().startswith("α (eˣ - 1)") and lines[2].endswith("if x ≤ 0")
    assert lines[1].index("if") == lines[2].index("if")  # aligned


@pytest.mark.parametrize("name", [s.name for s in all_specs()])
def test_no_latex_left_in_what_show_prints(name):
    s = spec(name)
    for f in (s.formula, s.derivative_formula):
        text = to_unicode(f)
        assert not re.search(r"[\\{}]|\b(frac|sqrt|begin|end|cases|partial|alpha|sigma)\b", text), text
    shown = show_text(s)
    assert to_unicode(s.formula).splitlines()[0] in shown
    if s.examples:  # worked examples come before parameters and properties
        assert shown.index("worked examples:") < shown.index("properties:")


def test_zero_centred_is_the_mean_output_under_a_normal_input():
    """The textbook sense: tanh is zero-centred, sigmoid and ReLU are not; functions that only take
    both signs (leaky ReLU, ELU, GELU, SiLU) are not either; SELU is, by its construction."""
    from actlab.properties import zero_centred

    yes = ["tanh", "softsign", "selu", "identity", "arctan", "hardtanh", "star_relu", "glu", "swiglu"]
    no = ["sigmoid", "relu", "leaky_relu", "elu", "gelu", "silu", "mish", "softplus", "softmax", "sinc"]
    assert all(zero_centred(n) for n in yes), [n for n in yes if not zero_centred(n)]
    assert not any(zero_centred(n) for n in no), [n for n in no if zero_centred(n)]
    assert zero_centred("swish", beta=0.0) and not zero_centred("swish", beta=1.0)  # x/2 vs SiLU
    assert not zero_centred("hardtanh", min_val=-2.5, max_val=1.0)  # takes both signs, mean < 0
    from actlab import list_activations

    assert set(yes[:8]) <= set(list_activations(zero_centered=True))
    assert "elu" in list_activations(zero_centered=False)
