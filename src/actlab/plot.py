"""f and f' side by side, the picture every tutorial on activations shows."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .api import get
from .errors import ParameterError
from .naming import class_name
from .registry import spec as get_spec

__all__ = ["curves", "plot_functions"]


def curves(name: str, lo: float = -5.0, hi: float = 5.0, n: int = 1000, **params):
    """(x, f(x), f'(x)) on a grid. Vector kinds: component 0 of softmax-like f([x, 0]);
    gated kinds: f with the linear half a = 1, i.e. the gate g(b)."""
    s = get_spec(name)
    act = get(name, **params)
    x = np.linspace(lo, hi, n)
    if s.kind == "elementwise":
        return x, act(x), act.derivative(x)
    if s.kind == "gated":
        xx = np.concatenate([np.ones((n, 1)), x[:, None]], axis=1)
        return x, act(xx)[:, 0], act.derivative(xx)[:, 1]
    xx = np.stack([x, np.zeros(n)], axis=1)
    return x, act(xx)[:, 0], act.derivative(xx)[:, 0, 0]


def plot_functions(names: Sequence[str], output: str | Path, lo: float = -5.0, hi: float = 5.0) -> Path:
    if not lo < hi:
        raise ParameterError(f"plot range needs xmin < xmax, got {lo} and {hi}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for name in names:
        s = get_spec(name)
        x, f, d = curves(name, lo, hi)
        # break the lines at kinks, so a jump in f or f' is not drawn as a vertical segment
        if s.kind == "elementwise":
            for k in s.kinks_for(s.defaults()):
                i = int(np.searchsorted(x, k.at_for(s.defaults())))
                if 0 < i < len(x):
                    x, f, d = (np.insert(v, i, np.nan) for v in (x, f, d))
        label = class_name(s.name) + {"vector": " (x, 0)[0]", "gated": " (a=1)"}.get(s.kind, "")
        ax_f.plot(x, f, lw=2, label=label)
        ax_d.plot(x, d, lw=2, label=label)
        for k in s.kinks_for(s.defaults()):
            a = k.at_for(s.defaults())
            if lo <= a <= hi and s.kind == "elementwise":
                ax_d.plot([a], [k.derivative_for(s.defaults())], "o", ms=5, color=ax_d.lines[-1].get_color())
    for ax, title in ((ax_f, "f(x)"), (ax_d, "f'(x)  (dots: value used at kinks)")):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.grid(alpha=0.3)
        ax.set_title(title)
        ax.set_xlabel("x")
    ax_f.legend(loc="best", fontsize=9)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
