"""The README's counts are the code's: the catalog, torch's kernel table, the default activations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actlab.lab.compare import DEFAULT_ACTIVATIONS
from actlab.registry import all_specs
from actlab.torch.native import NATIVE, TORCH_KERNELS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _counts(pattern: str) -> set[int]:
    return {int(m) for m in re.findall(pattern, README)}


def test_catalog_size_everywhere_the_readme_states_it():
    n = len(all_specs())
    stated = (
        _counts(r"\ball (\d+)\b")
        | _counts(r"\b(\d+) canonical names")
        | _counts(r"\b(\d+) functions\b(?! torch)")
    )
    stated -= {len(NATIVE), len(TORCH_KERNELS), n - len(TORCH_KERNELS), 4}  # the torch-kernel counts below
    assert stated == {n}, f"README states {sorted(stated)}; the catalog has {n}"


def test_torch_kernel_counts():
    assert str(len(NATIVE)) + " functions:" in README  # the default path's torch kernels
    assert f"The {len(TORCH_KERNELS)} functions torch has" in README
    assert f"The {len(all_specs()) - len(TORCH_KERNELS)} functions torch lacks" in README


def test_main_job_activation_count():
    assert all(
        f"{len(DEFAULT_ACTIVATIONS)} activations" in ln for ln in README.splitlines() if "activations x" in ln
    )
    assert f"{len(DEFAULT_ACTIVATIONS)} activations (" in README


def test_test_count_is_the_suites_to_the_hundred(request):
    n, whole = getattr(request.config, "actlab_collected", (0, False))
    if not whole:
        pytest.skip("the suite's size is known only when the whole suite is collected")
    stated = {int(m.replace(",", "")) for m in re.findall(r"about ([\d,]+) tests", README)}
    assert stated == {round(n, -2)}, f"README states {sorted(stated)} tests; the suite has {n}"


def test_claim_count():
    from actlab.lab.claims import CLAIMS

    n = len(CLAIMS)
    assert f"{n} claims from the literature" in README and f"runs the {n} on digits" in README
    assert f"checks {n} textbook claims" in README
