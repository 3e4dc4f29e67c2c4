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


_STYLES = ("-", "--", "-.", ":")


def _item(item) -> tuple[str, dict]:
    return (item, {}) if isinstance(item, str) else (item[0], dict(item[1]))


def plot_functions(names: Sequence, output: str | Path, lo: float = -5.0, hi: float = 5.0) -> Path:
    """f and f' of each activation (a name, or (name, params)) side by side, written to ``output``.

    Curves that lie on top of each other stay visible: each activation has its own line style, and
    a curve equal to an earlier one over the whole range says so in the legend."""
    if not lo < hi:
        raise ParameterError(f"plot range needs xmin < xmax, got {lo} and {hi}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(output)
    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    kinds = fig.canvas.get_supported_filetypes()
    ext = out.suffix.lower().lstrip(".")
    if ext not in kinds:
        plt.close(fig)
        raise ParameterError(
            f"cannot write a plot to {str(out)!r}: the file type {'.' + ext if ext else '(none)'} is not one "
            f"of {', '.join('.' + k for k in sorted(kinds))}; e.g. -o {out.with_suffix('.png').name}"
        )
    drawn: list[tuple[str, np.ndarray, np.ndarray]] = []
    for k, item in enumerate(names):
        name, params = _item(item)
        s = get_spec(name)
        p = {**s.defaults(), **params}
        x, f, d = curves(name, lo, hi, **params)
        label = class_name(s.name) + {"vector": " (x, 0)[0]", "gated": " (a=1)"}.get(s.kind, "")
        if params:
            label += "(" + ", ".join(f"{n}={v}" for n, v in params.items()) + ")"
        same = next(
            (
                lab
                for lab, f2, d2 in drawn
                if np.allclose(f, f2, equal_nan=True) and np.allclose(d, d2, equal_nan=True)
            ),
            None,
        )
        drawn.append((label, f, d))
        if same is not None:
            label += f" (same curves as {same} here)"
        # break the lines at kinks, so a jump in f or f' is not drawn as a vertical segment
        kinks = s.kinks_for(p) if s.kind == "elementwise" else ()
        for kk in kinks:
            i = int(np.searchsorted(x, kk.at_for(p)))
            if 0 < i < len(x):
                x, f, d = (np.insert(v, i, np.nan) for v in (x, f, d))
        style = dict(lw=2.2 if k == 0 else 1.8, ls=_STYLES[k % len(_STYLES)], label=label, zorder=2 + k)
        ax_f.plot(x, f, **style)
        ax_d.plot(x, d, **style)
        for kk in kinks:
            a = kk.at_for(p)
            if lo <= a <= hi:
                ax_d.plot([a], [kk.derivative_for(p)], "o", ms=5, color=ax_d.lines[-1].get_color(), zorder=10)
    for ax, title in ((ax_f, "f(x)"), (ax_d, "f'(x)  (dots: value used at kinks)")):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.grid(alpha=0.3)
        ax.set_title(title)
        ax.set_xlabel("x")
    ax_f.legend(loc="best", fontsize=9)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(out, dpi=110)
    except OSError as e:
        raise ParameterError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        plt.close(fig)
    return out
