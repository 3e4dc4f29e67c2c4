"""Python-level cost of one activation call: Python function calls per call (cProfile) and
microseconds per call on a tiny input, for the entry points users meet.

    python scripts/call_overhead.py

Function calls are counted on the second call (caches warm); times are the median of 5
batches of 2,000 calls on an 8-element input, where the kernel costs almost nothing.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time

import numpy as np
import torch

import actlab
import actlab.torch as at

torch.set_num_threads(1)


def _calls(fn) -> int:
    fn()
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    return pstats.Stats(prof).total_calls


def _micros(fn, n: int = 2000) -> float:
    fn()
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(runs)


def main() -> None:
    xn = np.linspace(-3, 3, 8)
    xt = torch.linspace(-3, 3, 8)
    xg = torch.linspace(-3, 3, 8, requires_grad=True)
    gelu_np = actlab.get("gelu")
    elu_np = actlab.get("elu", alpha=0.5)
    mish = at.create("mish")
    prelu = at.create("prelu")
    glu = at.create("glu")

    def step(m):
        return lambda: m(xg).sum().backward()

    cases = {
        "numpy  actlab.get('gelu')(x)": lambda: gelu_np(xn),
        "numpy  actlab.get('elu', alpha=0.5)(x)": lambda: elu_np(xn),
        "numpy  .derivative(x), gelu": lambda: gelu_np.derivative(xn),
        "torch  functional.mish(x)": lambda: at.functional.mish(xt),
        "torch  functional.elu(x, alpha=0.5)": lambda: at.functional.elu(xt, alpha=0.5),
        "torch  functional.softmax(x)": lambda: at.functional.softmax(xt),
        "torch  Mish()(x), fwd+bwd": step(mish),
        "torch  PReLU()(x), fwd+bwd": step(prelu),
        "torch  GLU()(x), fwd+bwd": step(glu),
    }
    print(f"| call | Python calls per call | us per call (8 elements) |\n|---|---:|---:|")
    for label, fn in cases.items():
        print(f"| `{label}` | {_calls(fn)} | {_micros(fn):.1f} |")


if __name__ == "__main__":
    main()
