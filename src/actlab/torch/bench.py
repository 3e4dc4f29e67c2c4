"""``actlab bench``: speed and memory of the torch path against torch's kernels and naive composites.

Everything is measured in one process, so the ratios compare like with like: per function, the
median time of inference forward and of forward+backward for

- ``actlab``: the default path, nothing switched on (torch's kernel, a repaired kernel, or the
  Function with fused C kernels);
- ``actlab lean``: the same with ``memory="lean"``, for the piecewise-linear functions (a packed
  1-bit mask saved for backward);
- ``torch``: torch's own kernel for the function, where torch has one (used by actlab or not);
- ``naive``: the spec's forward written with torch ops under plain autograd (``impl="autograd"``),
  i.e. what ``x * torch.tanh(F.softplus(x))``-style code costs;
- ``textbook``: for functions torch lacks, the one-line formula a user would write by hand
  (``textbook.TEXTBOOK``: ``(x + torch.sqrt(x * x + 4)) / 2`` for squareplus), under plain
  autograd — cheaper than the spec's forward where the spec pays for its tails;
- ``actlab+compile`` (``--compile``): the Function with ``use_compiled(True)`` (torch.compile);

plus bytes saved for backward per element, the peak resident memory above the baseline during
one forward+backward (sampled), and the memory-bandwidth roofline of this machine measured in the
same run (a large copy), against which the achieved bandwidth is reported.

Timing discipline: fixed thread count, warm-up runs, medians over repeats taken round the
columns (each repeat times every column once; a timed run is as many back-to-back calls as last
about ``BATCH_MS``, the same count for every column of a row); the CLI sets
``THP_MEM_ALLOC_ENABLE=1`` before torch is imported so large outputs do not pay page faults.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

import torch
from torch.autograd.graph import saved_tensors_hooks

from ..registry import all_specs
from ..registry import spec as get_spec
from ..spec import ActivationSpec
from .ckernels import gated_kernels_for, kernels_for, param_kernels_for, use_ckernels
from .fixed_kernels import HAND_WRITTEN
from .function import Saved, plan_for, use_compiled
from .modules import create
from .native import TORCH_KERNELS, native_kernel
from .repair import repaired_kernel
from .textbook import TEXTBOOK

__all__ = [
    "IMPL_COLUMNS",
    "BenchResult",
    "BenchRow",
    "bench",
    "format_csv",
    "format_table",
    "markdown",
    "roofline_gbps",
]

IMPL_COLUMNS = ("actlab", "actlab lean", "torch", "naive", "textbook", "actlab+compile")


@dataclass
class BenchRow:
    name: str
    path: str  # what the default path does: "torch kernel", or the Function's saving plan
    forward_ms: dict[str, float] = field(default_factory=dict)
    train_ms: dict[str, float] = field(default_factory=dict)  # forward + backward
    saved_bytes_per_element: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    achieved_gbps: float = float("nan")  # actlab+compile forward+backward, nominal traffic
    roofline_fraction: float = float("nan")

    def ratio(self, num: str, den: str, which: str = "train_ms") -> float:
        d = getattr(self, which)
        if num not in d or den not in d or d[den] == 0:
            return float("nan")
        return d[num] / d[den]


@dataclass
class BenchResult:
    rows: list[BenchRow]
    numel: int
    dtype: str
    threads: int
    roofline_gbps: float
    torch_version: str
    compiled: bool
    seconds: float
    command: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


BATCH_MS = 5.0


def _time_ms(fn: Callable[[], Any], calls: int = 1) -> float:
    """ms per call of ``calls`` back-to-back calls of ``fn``."""
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) * 1e3 / calls


def calls_per_run(fn: Callable[[], Any]) -> int:
    """How many back-to-back calls make one timed run of about ``BATCH_MS``: a single call of a
    small tensor (tens of microseconds) is timed with the clock's and the thread pool's wake-up
    in it, which moved 64K-element ratios by 2x between runs; a batch averages them out."""
    return max(1, int(BATCH_MS / max(_time_ms(fn), 1e-6)))


def _median_ms(fn: Callable[[], Any], repeats: int, warmup: int) -> float:
    for _ in range(warmup):
        fn()
    return statistics.median(_time_ms(fn) for _ in range(repeats))


def roofline_gbps(numel: int, dtype: torch.dtype, repeats: int = 7) -> float:
    """Copy bandwidth (read + write) of a preallocated ``numel``-element buffer, GB/s."""
    src = torch.randn(numel).to(dtype)
    dst = torch.empty_like(src)
    ms = _median_ms(lambda: dst.copy_(src), repeats, 2)
    return 2 * numel * src.element_size() / (ms * 1e-3) / 1e9


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_mb(fn: Callable[[], Any]) -> float:
    """Peak resident memory above the starting level while ``fn`` runs (sampled every ~0.2 ms)."""
    if not os.path.exists("/proc/self/statm"):
        return float("nan")
    base = _rss_bytes()
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.0002)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    try:
        fn()
    finally:
        done.set()
        th.join()
    return max(0, peak[0] - base) / 2**20


def _input(s: ActivationSpec, numel: int, dtype: torch.dtype) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(numel, generator=g).mul_(3).to(dtype)
    if s.kind != "elementwise":
        x = x.reshape(-1, 1024)
    return x


def _callables(s: ActivationSpec, dtype: torch.dtype) -> dict[str, tuple[Callable, list[torch.Tensor]]]:
    """impl column -> (f(x), learnable tensors)."""
    out: dict[str, tuple[Callable, list[torch.Tensor]]] = {}
    for col, impl in (("actlab", "auto"), ("naive", "autograd")):
        m = create(s.name, impl=impl, dtype=dtype).eval()
        out[col] = (m, list(m.parameters()))
    if s.kind == "elementwise" and plan_for(s, s.defaults()).strategy is Saved.MASK:
        m = create(s.name, memory="lean", dtype=dtype).eval()
        out["actlab lean"] = (m, list(m.parameters()))
    by_hand = TEXTBOOK.get(s.name)
    if by_hand is not None:
        d = s.defaults()
        tensors = {
            p.name: torch.full((1,), float(d[p.name]), dtype=dtype, requires_grad=True)
            for p in s.params
            if p.learnable
        }
        fixed = {k: v for k, v in d.items() if k not in tensors}
        out["textbook"] = (lambda x, f=by_hand, p=fixed, t=tensors: f(x, **p, **t), list(tensors.values()))
    peer = TORCH_KERNELS.get(s.name)
    if peer is not None:
        kernel, accepts = peer
        params = _peer_params(s, accepts)
        if params is not None:
            learn = [p for p in s.params if p.learnable]
            tensors = {
                p.name: torch.full((1,), float(params[p.name]), dtype=dtype, requires_grad=True)
                for p in learn
            }
            fixed = {k: v for k, v in params.items() if k not in tensors}
            dim = None if s.kind == "elementwise" else -1
            out["torch"] = (
                lambda x, k=kernel, f=fixed, t=tensors, d=dim: k(x, d, **f, **t),
                list(tensors.values()),
            )
    return out


def _peer_params(s: ActivationSpec, accepts) -> dict[str, Any] | None:
    d = s.defaults()
    candidates = [d] + [{**d, p.name: v} for p in s.params for v in p.test_values]
    return next((c for c in candidates if accepts(c)), None)


def _saved_bytes(f: Callable, x: torch.Tensor, params: list[torch.Tensor]) -> float:
    total = [0]

    def pack(t):
        if not any(t is p for p in params):
            total[0] += t.numel() * t.element_size()
        return t

    xx = x.detach().requires_grad_(True)
    with saved_tensors_hooks(pack, lambda t: t):
        f(xx)
    return total[0] / x.numel()


def _path(s: ActivationSpec) -> str:
    """What the default path does for ``s`` with its default parameters (on the CPU)."""
    d = s.defaults()
    if native_kernel(s.name, d) is not None:
        return "torch kernel"
    if repaired_kernel(s.name, d) is not None:
        return "torch kernel + repair"
    strategy = Saved.INPUT if s.learnable else plan_for(s, d).strategy
    fixed = {k: v for k, v in d.items() if not s.param(k).learnable}
    if s.name in HAND_WRITTEN:
        return f"hand-written C ({strategy})"
    if s.learnable:
        # a module's shared learnable values go to the fused kernels as run-time arguments
        learn = tuple(p.name for p in s.params if p.learnable)
        fused = (
            all(n in s.param_derivatives for n in learn) and param_kernels_for(s, fixed, learn) is not None
        )
    else:
        fused = strategy in (Saved.INPUT, Saved.OUTPUT) and (
            (kernels_for(s, fixed) if s.kind != "gated" else gated_kernels_for(s, fixed)) is not None
        )
    return f"{'fused C' if fused else 'Function'} ({strategy})"


def bench_one(
    s: ActivationSpec,
    *,
    numel: int,
    dtype: torch.dtype,
    repeats: int,
    warmup: int,
    compiled: bool,
    roofline: float,
) -> BenchRow:
    row = BenchRow(s.name, _path(s))
    x = _input(s, numel, dtype)
    calls = _callables(s, dtype)
    columns = [c for c in IMPL_COLUMNS if c in calls or (c == "actlab+compile" and compiled)]
    if "actlab+compile" in columns and s.learnable:
        columns.remove("actlab+compile")
    with torch.no_grad():
        y = calls["actlab"][0](x)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(1)).to(dtype)
    del y
    timed: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {}
    for col in columns:
        f, params = calls["actlab" if col == "actlab+compile" else col]
        xx = x.detach().requires_grad_(True)

        def switched(fn, on=col == "actlab+compile"):
            def run():
                if not on:
                    return fn()
                use_compiled(True)
                use_ckernels(False)
                try:
                    return fn()
                finally:
                    use_compiled(False)
                    use_ckernels(True)

            return run

        def forward(f=f):
            with torch.no_grad():
                f(x)

        def train(f=f, xx=xx, params=params):
            y = f(xx)
            torch.autograd.grad(y, [xx, *params], g)

        timed[col] = (switched(forward), switched(train))
        # compile (first call per function/shape) happens in the warm-up
        for _ in range(warmup + (2 if col == "actlab+compile" else 0)):
            timed[col][0]()
            timed[col][1]()
    # Repeats go round the columns, so a slow spell of the machine (this VM stalls for 100 ms
    # at times) is shared by all columns instead of inflating one of them.
    # one batch size per row (from actlab's step), so every column is timed the same way
    batch = calls_per_run(timed["actlab"][1])
    fwd: dict[str, list[float]] = {c: [] for c in columns}
    trn: dict[str, list[float]] = {c: [] for c in columns}
    for _ in range(repeats):
        for col in columns:
            fwd[col].append(_time_ms(timed[col][0], batch))
            trn[col].append(_time_ms(timed[col][1], batch))
    for col in columns:
        f, params = calls["actlab" if col == "actlab+compile" else col]
        row.forward_ms[col] = statistics.median(fwd[col])
        row.train_ms[col] = statistics.median(trn[col])
        row.saved_bytes_per_element[col] = _saved_bytes(f, x, params)
        row.peak_mb[col] = _peak_mb(timed[col][1])
    nominal = 5 * x.numel() * x.element_size()  # fwd: read x, write y; bwd: read g, saved, write dx
    row.achieved_gbps = nominal / (row.train_ms["actlab"] * 1e-3) / 1e9
    row.roofline_fraction = row.achieved_gbps / roofline
    return row


def bench(
    names: Sequence[str] | None = None,
    *,
    numel: int = 16 * 2**20,
    dtype: str = "float32",
    threads: int = 2,
    repeats: int = 7,
    warmup: int = 3,
    compiled: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BenchResult:
    """Benchmark ``names`` (default: the whole catalog). See the module docstring."""
    from ..errors import ParameterError

    dts = {
        "float32": torch.float32,
        "float64": torch.float64,
        "bfloat16": torch.bfloat16,
        "float16": torch.float16,
    }
    dt = dts.get(dtype)
    if dt is None:
        raise ParameterError(f"dtype {dtype!r} is not one of {', '.join(dts)}")
    if numel < 2048 or numel % 2048:
        raise ParameterError(
            f"numel={numel} must be a positive multiple of 2048 (rows of 1024 for vector kinds), "
            f"e.g. 64K, 1M or 16M"
        )
    if threads < 1:
        raise ParameterError(f"threads={threads} must be at least 1")
    torch.set_num_threads(threads)
    specs = [get_spec(n) for n in names] if names else all_specs()
    t0 = time.perf_counter()
    roof = roofline_gbps(numel, dt)
    rows = []
    for s in specs:
        if progress:
            progress(s.name)
        rows.append(
            bench_one(
                s, numel=numel, dtype=dt, repeats=repeats, warmup=warmup, compiled=compiled, roofline=roof
            )
        )
    return BenchResult(
        rows, numel, dtype, threads, roof, torch.__version__, compiled, time.perf_counter() - t0
    )


# --------------------------------------------------------------------------- formatting
_HEAD = (
    "function",
    "default path",
    "fwd+bwd ms actlab",
    "lean",
    "torch",
    "naive",
    "textbook",
    "actlab/torch",
    "lean/torch",
    "naive/actlab",
    "actlab/textbook",
    "fwd ms actlab",
    "torch",
    "actlab/torch",
    "saved B/elt actlab",
    "lean",
    "torch",
    "naive",
    "peak MB actlab",
    "torch",
    "naive",
    "GB/s",
    "roofline",
)


def _cells(r: BenchRow) -> list[str]:
    def ms(d, k):
        return f"{d[k]:.1f}" if k in d else "-"

    def ratio(a, b, which="train_ms"):
        v = r.ratio(a, b, which)
        return "-" if v != v else f"{v:.2f}x"

    def b(k):
        v = r.saved_bytes_per_element.get(k)
        return "-" if v is None else f"{v:.2f}"

    def mb(k):
        v = r.peak_mb.get(k)
        return "-" if v is None or v != v else f"{v:.0f}"

    return [
        r.name,
        r.path,
        ms(r.train_ms, "actlab"),
        ms(r.train_ms, "actlab lean"),
        ms(r.train_ms, "torch"),
        ms(r.train_ms, "naive"),
        ms(r.train_ms, "textbook"),
        ratio("actlab", "torch"),
        ratio("actlab lean", "torch"),
        ratio("naive", "actlab"),
        ratio("actlab", "textbook"),
        ms(r.forward_ms, "actlab"),
        ms(r.forward_ms, "torch"),
        ratio("actlab", "torch", "forward_ms"),
        b("actlab"),
        b("actlab lean"),
        b("torch"),
        b("naive"),
        mb("actlab"),
        mb("torch"),
        mb("naive"),
        f"{r.achieved_gbps:.1f}",
        f"{100 * r.roofline_fraction:.0f}%",
    ]


def format_table(res: BenchResult) -> str:
    rows = [list(_HEAD)] + [_cells(r) for r in res.rows]
    w = [max(len(row[i]) for row in rows) for i in range(len(_HEAD))]
    lines = [_header_line(res)]
    for k, row in enumerate(rows):
        lines.append("  ".join(c.rjust(w[i]) if i > 1 else c.ljust(w[i]) for i, c in enumerate(row)))
        if k == 0:
            lines.append("  ".join("-" * n for n in w))
    return "\n".join(lines)


def format_csv(res: BenchResult) -> str:
    import csv
    import io

    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(
        ["function", "default_path", "impl", "forward_ms", "train_ms", "saved_bytes_per_element", "peak_mb"]
    )
    for r in res.rows:
        for col in IMPL_COLUMNS:
            if col in r.train_ms:
                wr.writerow(
                    [
                        r.name,
                        r.path,
                        col,
                        f"{r.forward_ms[col]:.4f}",
                        f"{r.train_ms[col]:.4f}",
                        f"{r.saved_bytes_per_element[col]:.4f}",
                        f"{r.peak_mb[col]:.2f}",
                    ]
                )
    return buf.getvalue()


def _header_line(res: BenchResult) -> str:
    return (
        f"{res.numel:,} elements, {res.dtype}, {res.threads} thread(s), torch {res.torch_version}; "
        f"copy roofline {res.roofline_gbps:.1f} GB/s; {res.seconds:.0f} s"
    )


def markdown(res: BenchResult, command: str) -> str:
    head = "| " + " | ".join(_HEAD) + " |"
    sep = "|" + "|".join("---" if i < 2 else "---:" for i in range(len(_HEAD))) + "|"
    body = "\n".join("| " + " | ".join(_cells(r)) + " |" for r in res.rows)
    return f"{_header_line(res)}\n\nCommand: `{command}`\n\n{head}\n{sep}\n{body}\n"
