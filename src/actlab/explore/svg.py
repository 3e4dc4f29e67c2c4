"""The gallery's thumbnails: f and f' as inline SVG paths, drawn here so the gallery needs no script."""

from __future__ import annotations

import math
from html import escape

import numpy as np

__all__ = ["thumbnail"]

W, H, PAD = 160, 96, 6


def _path(x: np.ndarray, y: np.ndarray, lo: float, hi: float, ylo: float, yhi: float) -> str:
    parts, pen_down = [], False
    for xi, yi in zip(x, y):
        if not math.isfinite(yi):
            pen_down = False
            continue
        px = PAD + (xi - lo) / (hi - lo) * (W - 2 * PAD)
        py = H - PAD - (min(max(yi, ylo), yhi) - ylo) / (yhi - ylo) * (H - 2 * PAD)
        parts.append(f"{'L' if pen_down else 'M'}{px:.1f} {py:.1f}")
        pen_down = True
    return "".join(parts)


def thumbnail(name: str, x, f, d, lo: float, hi: float) -> str:
    """A small plot of f (solid) and f' (dashed) over [lo, hi]; y spans both, clipped to [-6, 6]."""
    x, f, d = (np.asarray(v, dtype=float) for v in (x, f, d))
    both = np.concatenate([f[np.isfinite(f)], d[np.isfinite(d)]])
    ylo, yhi = max(float(both.min()), -6.0), min(float(both.max()), 6.0)
    if yhi - ylo < 1e-9:
        ylo, yhi = ylo - 1, yhi + 1
    pad = 0.08 * (yhi - ylo)
    ylo, yhi = ylo - pad, yhi + pad
    axes = []
    if ylo < 0 < yhi:
        y0 = H - PAD - (0 - ylo) / (yhi - ylo) * (H - 2 * PAD)
        axes.append(f'<line x1="0" x2="{W}" y1="{y0:.1f}" y2="{y0:.1f}" class="ax"/>')
    x0 = PAD + (0 - lo) / (hi - lo) * (W - 2 * PAD)
    axes.append(f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="0" y2="{H}" class="ax"/>')
    label = escape(f"{name}: f (solid) and f' (dashed) for x from {lo:g} to {hi:g}")
    return (
        f'<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{label}">'
        f"<title>{label}</title>{''.join(axes)}"
        f'<path d="{_path(x, d, lo, hi, ylo, yhi)}" class="df"/>'
        f'<path d="{_path(x, f, lo, hi, ylo, yhi)}" class="fn"/></svg>'
    )
