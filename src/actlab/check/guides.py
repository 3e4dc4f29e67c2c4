"""Statements of the activation guides checked as properties: symmetry, identities between specs,
sums to one, stays linear (see docs/guide-coverage.md)."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..api import get
from ..registry import resolve_params
from ..spec import ActivationSpec
from .report import Failure, Report

__all__ = ["ODD", "EVEN", "SUMS_TO_ONE", "LINEAR", "IDENTITIES", "check_guide_properties"]

# Properties the activation guides state, checked for the functions they name (see
# docs/guide-coverage.md). Symmetry is checked at each function's default parameters (hardtanh
# with min_val != -max_val, say, is not odd).
ODD = (
    "tanh", "arctan", "softsign", "isru", "lecun_tanh", "sqnl", "smht", "hardtanh", "hardshrink",
    "softshrink", "tanhshrink", "sinusoid", "identity",
)  # fmt: skip
EVEN = ("gaussian", "lisht", "sinc")
# outputs that are probability distributions along the axis
SUMS_TO_ONE = ("softmax", "softmin", "sparsemax")
# functions under which a stack of dense layers stays one affine map
LINEAR = ("identity",)
# f(x) = g(other)(x) for every x: spec name -> (statement, other spec, g(other_fn, x))
IDENTITIES: dict[str, tuple[str, str, Any]] = {
    "tanh": ("tanh(x) = 2 sigmoid(2x) - 1", "sigmoid", lambda sig, x: 2.0 * sig(2.0 * x) - 1.0),
}
_SYM_X = np.concatenate([np.linspace(-30.0, 30.0, 6001), [-1e-8, 1e-8, -700.0, 700.0]])


def check_guide_properties(s: ActivationSpec, params: Mapping[str, Any], rep: Report) -> None:
    """The guides' statements about ``s`` (symmetry, identities, sums to one, stays linear) at
    ``params``; failures are added to ``rep``. Every check is in float64 to 1e-12 relative."""

    def fail(what: str, detail: str) -> None:
        rep.failures.append(Failure(s.name, params, what, detail))

    def close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.abs(a - b) <= 1e-12 * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))

    default = dict(params) == dict(resolve_params(s, {}))
    act = get(s.name, **params)
    if s.kind == "elementwise" and default and (s.name in ODD or s.name in EVEN):
        odd = s.name in ODD
        with np.errstate(all="ignore"):
            f = np.asarray(act(_SYM_X), dtype=np.float64)
            g = np.asarray(act(-_SYM_X), dtype=np.float64)
        bad = ~close(f, -g if odd else g) & np.isfinite(f)
        if bad.any():
            at = float(_SYM_X[np.argmax(bad)])
            fail(
                "odd symmetry" if odd else "even symmetry",
                f"f(x) = {'-' if odd else ''}f(-x) claimed, but f({at!r}) = {f[np.argmax(bad)]!r}, "
                f"f({-at!r}) = {g[np.argmax(bad)]!r}",
            )
    if s.name in IDENTITIES and default:
        text, other, build = IDENTITIES[s.name]
        o = get(other)
        with np.errstate(all="ignore"):
            f = np.asarray(act(_SYM_X), dtype=np.float64)
            g = np.asarray(build(lambda x: np.asarray(o(x), dtype=np.float64), _SYM_X), dtype=np.float64)
        # 2 sigmoid(2x) - 1 cancels near 0: compare on the scale of the terms (1), not of f
        bad = np.abs(f - g) > 1e-12 * np.maximum(1.0, np.abs(g))
        if bad.any():
            i = int(np.argmax(bad))
            fail("identity", f"{text}: at x={float(_SYM_X[i])!r} f = {f[i]!r}, the other side {g[i]!r}")
    if s.kind == "vector" and s.name in SUMS_TO_ONE:
        rng = np.random.default_rng(0)
        for scale in (1.0, 30.0, 1e3):
            x = rng.normal(size=(5, 7)) * scale
            for axis in (0, 1, -1):
                tot = np.asarray(act(x, axis=axis), dtype=np.float64).sum(axis=axis)
                if not np.all(np.abs(tot - 1.0) <= 1e-12):
                    fail(
                        "sums to one",
                        f"along axis {axis} (inputs of scale {scale:g}) the sums are {tot.tolist()}",
                    )
                    return
    if s.kind == "elementwise" and s.name in LINEAR:
        # a stack of dense layers with this activation is one affine map: W3 f(W2 f(W1 x + b1) + b2) + b3
        rng = np.random.default_rng(1)
        ws = [rng.normal(size=(8, 5)), rng.normal(size=(8, 8)), rng.normal(size=(3, 8))]
        bs = [rng.normal(size=8), rng.normal(size=8), rng.normal(size=3)]
        x = rng.normal(size=(5, 50)) * 10.0
        h = x
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = w @ h + b[:, None]
            if i < len(ws) - 1:
                h = np.asarray(act(h), dtype=np.float64)
        w_all, b_all = ws[2] @ ws[1] @ ws[0], ws[2] @ (ws[1] @ bs[0] + bs[1]) + bs[2]
        want = w_all @ x + b_all[:, None]
        err = np.abs(h - want) / np.maximum(1.0, np.abs(want))
        if not np.all(err <= 1e-10):
            fail(
                "stays linear",
                f"3 stacked layers differ from their product map by {float(err.max()):.3g} (relative)",
            )
