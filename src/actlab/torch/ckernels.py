"""Fused CPU kernels for elementwise functions, compiled from the specs on first use and cached.

Eager torch writes every intermediate of a closed form to memory; a fused loop reads x once and
writes f(x) once. For each elementwise function (with its fixed parameters) ``cgen`` writes C
from the spec's own ``forward``, ``derivative`` and ``derivative_from_output``; gcc compiles it
(``-O3 -march=native``, transcendental functions vectorized through glibc's libmvec) into a
shared library under the cache directory (``$ACTLAB_CACHE``, else ``~/.cache/actlab``), named by
a hash of the source, the compiler and the CPU, so every later process loads it in milliseconds.
The first call of a function in a fresh cache compiles (about 0.5 s).

Safe by construction: no C compiler, a failed compile or load, a closed form that is not pure
elementwise arithmetic, a non-CPU or non-contiguous tensor — each falls back to the eager torch
path (the first failure of the toolchain warns once). ``ACTLAB_CKERNELS=0`` (or
``use_ckernels(False)``) turns the kernels off.

Tensors from 16K elements are split across ``torch.get_num_threads()`` threads. The kernels are
built with ``-fopenmp`` and each has a ``par_`` form whose OpenMP team is torch's own (libgomp.so.1
is loaded once per process, by torch): those threads are awake after torch's ops, so a split
starts in microseconds. Where OpenMP is missing, or in a forked child (libgomp's team does not
survive a fork), large calls (from 128K elements) are cut into chunks on a small Python thread
pool instead (ctypes releases the GIL).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple, Sequence, TypeVar

import torch

from .._lru import LRU
from ..spec import ActivationSpec
from .cgen import gated_source, kernel_source, mask_source, param_grad_source

_K = TypeVar("_K")  # what a cache entry holds: _Kernels, ParamKernels

__all__ = [
    "ckernels_enabled",
    "gated_kernels_for",
    "kernels_for",
    "mask_kernels_for",
    "run_gated",
    "use_ckernels",
]

_STATE: dict[str, Any] = {"on": os.environ.get("ACTLAB_CKERNELS", "1") not in ("0", ""), "broken": None}
_LOCK = threading.RLock()
# bounded: each distinct parameter value of a functional call has its own kernel (a loaded library)
_LIBS: dict[tuple, Any] = LRU(256)
_PARALLEL_FROM = 1 << 17  # below this a call is ~50 us: splitting it in Python costs more than it saves
# an OpenMP split (par_ kernels) costs a few microseconds: from 16K elements (~8 us of gelu) on
_OMP_FROM = 1 << 14


def use_ckernels(flag: bool = True) -> None:
    """Use the fused kernels (default) or always the eager torch ops (``False``)."""
    _STATE["on"] = bool(flag)


def ckernels_enabled() -> bool:
    return bool(_STATE["on"]) and _STATE["broken"] is None


def _cache_dir() -> Path:
    root = os.environ.get("ACTLAB_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "actlab")
    return Path(root) / "kernels"


def _cpu_id() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((ln for ln in f if ln.startswith(("flags", "Features"))), "")
    except OSError:
        flags = ""
    return platform.machine() + flags


_COMPILER: dict[str, Any] = {}


def _compiler() -> tuple[str, str] | None:
    if "cc" not in _COMPILER:
        cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
        version = ""
        if cc:
            try:
                version = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=60).stdout
            except (OSError, subprocess.SubprocessError):
                cc = None
        _COMPILER["cc"] = (cc, version) if cc else None
    return _COMPILER["cc"]


# -ffp-contract=off: no fused multiply-adds, so each operation rounds as it does in eager torch
# (some closed forms rely on an exactly rounded product)
_FLAGS = [
    "-O3",
    "-march=native",
    "-fopenmp",  # the par_ kernels; the omp simd pragmas vectorize either way (see _build)
    "-fno-math-errno",
    "-fno-trapping-math",
    "-ffp-contract=off",
    # gcc merges sin(v) and cos(v) into one sincos call, which libmvec has no vector form of for
    # these declarations: the loop then calls scalar sincosf per element (snake's f' ran 4x slower)
    "-fno-builtin-sin",
    "-fno-builtin-cos",
    "-fno-builtin-sinf",
    "-fno-builtin-cosf",
    "-fPIC",
    "-shared",
]
# Where the CPU has AVX-512, each kernel is built twice, with 512- and 256-bit vectors, and the
# faster on this CPU is kept: glibc's vector functions differ by function and by CPU (on the AMD
# EPYC CPUs measured, gelu's forward was 25% faster with AVX2's erfcf, mish's 2x faster with
# AVX-512's log1pf and tanhf). 512 bits are asked for explicitly: gcc's tuning for Intel server
# CPUs otherwise keeps 256-bit vectors even with AVX-512 on (on an Ice Lake Xeon, libmvec's expf
# ran 0.50 ns per element with 512-bit vectors and 0.83 with 256).
_VARIANTS: tuple[tuple[str, ...], ...] = ((),)
if platform.machine().lower() in ("x86_64", "amd64") and " avx512f" in _cpu_id():
    _VARIANTS = (("-mprefer-vector-width=512",), ("-mno-avx512f",))


class _NoCompiler(OSError):
    pass


def _warn(msg: str) -> None:
    warnings.warn(f"actlab: {msg}", RuntimeWarning, stacklevel=5)


def _build(source: str, extra: tuple[str, ...] = ()) -> Path:
    cc = _compiler()
    if cc is None:
        raise _NoCompiler("no C compiler (gcc or cc) on PATH")
    flags = [*_FLAGS, *extra]
    key = hashlib.sha256("\0".join([source, cc[1], _cpu_id(), " ".join(flags)]).encode()).hexdigest()[:24]
    d = _cache_dir()
    lib = d / f"actlab_{key}.so"
    if lib.exists():
        return lib
    d.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        src = Path(tmp) / "k.c"
        src.write_text(source)
        out = Path(tmp) / "k.so"
        libs = ["-lmvec", "-lm"] if platform.system() == "Linux" else ["-lm"]
        # libmvec may be missing (not glibc): scalar libm still gives correct kernels; OpenMP may
        # be missing (no libgomp): then the kernels have no par_ form and calls split in Python
        no_omp = ["-fopenmp-simd" if f == "-fopenmp" else f for f in flags]
        for fl, lb in ((flags, libs), (flags, ["-lm"]), (no_omp, libs), (no_omp, ["-lm"])):
            r = subprocess.run([cc[0], *fl, "-o", str(out), str(src), *lb], capture_output=True, text=True)
            if r.returncode == 0:
                break
        if r.returncode != 0:
            raise OSError(f"{cc[0]} failed: {r.stderr.strip()[-400:]}")
        os.replace(out, lib)  # atomic: a concurrent process sees the whole file or none
    return lib


_DTYPE_TAGS = (
    (torch.float32, "f32"),
    (torch.float64, "f64"),
    (torch.bfloat16, "bf16"),
    (torch.float16, "f16"),
)


class PerChunk(NamedTuple):
    """The size of an argument that gives each chunk of a split call its own slot."""

    nbytes: int


class _Kernels:
    """The compiled functions of one (spec, parameters): ``fn(kind, dtype)`` -> ctypes function."""

    def __init__(self, lib: ctypes.CDLL, kinds: Mapping[str, int]):
        self._fns: dict[tuple[str, torch.dtype], Any] = {}
        self._par: dict[tuple[str, torch.dtype], Any] = {}
        for kind, nargs in kinds.items():
            counts = [ctypes.c_int64] * (2 if kind in _GATED_ARGS else 1)  # outer, inner: or n
            for dtype, tag in _DTYPE_TAGS:
                try:
                    f = getattr(lib, f"{kind}_{tag}")
                except AttributeError:
                    if dtype in (torch.float32, torch.float64):
                        raise
                    continue  # half types: only where the kernel kind and the compiler have them
                f.argtypes = [ctypes.c_void_p] * nargs + counts
                f.restype = None
                self._fns[(kind, dtype)] = f
                par = getattr(lib, f"par_{kind}_{tag}", None)  # absent: built without OpenMP
                if par is not None:
                    par.argtypes = [ctypes.c_void_p] * nargs + counts + [ctypes.c_int64]
                    par.restype = None
                    self._par[(kind, dtype)] = par
        self.kinds = frozenset(kinds)

    def takes(self, kind: str, dtype: torch.dtype) -> bool:
        return (kind, dtype) in self._fns

    def run(self, kind: str, out: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
        """``out = kind(*inputs)`` elementwise; all tensors contiguous, of ``out``'s dtype."""
        self.call(kind, out.dtype, out.numel(), [(t, t.element_size()) for t in (*inputs, out)])
        return out

    def elementwise(self, kind: str, out: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
        """``run`` for element arrays of one dtype, with the fewest Python steps (the per-call
        path of small tensors): the same kernels and the same split as ``call``."""
        n = out.numel()
        key = (kind, out.dtype)
        if n >= _OMP_FROM and not _STATE.get("forked"):
            par = self._par.get(key)
            threads = torch.get_num_threads()
            if par is not None and threads >= 2:
                par(*[t.data_ptr() for t in inputs], out.data_ptr(), n, threads)
                return out
            if threads >= 2 and n >= _PARALLEL_FROM:
                return self.run(kind, out, *inputs)  # no OpenMP: chunks on the Python pool
        self._fns[key](*[t.data_ptr() for t in inputs], out.data_ptr(), n)
        return out

    def call(
        self,
        kind: str,
        dtype: torch.dtype,
        n: int,
        args: Sequence[tuple[torch.Tensor, float | PerChunk]],
        tail: tuple[int, ...] = (),
        align: int = 512,
        work: int | None = None,
        max_chunks: int = 1 << 30,
    ) -> None:
        """Run ``kind`` over ``n`` units, split across threads where ``work`` (elements, default
        ``n``) is large. ``args`` are (tensor, bytes per unit) in the C function's order (a packed
        mask has 1/8 byte per element; parameter values 0: every chunk reads the same; a
        ``PerChunk`` size gives chunk k its own slot, for partial sums); ``tail`` follows the
        count (the gated kernels' ``inner``); chunks hold a multiple of ``align`` units (whole
        vectors and whole blocks of a mask); at most ``max_chunks`` of them."""
        f = self._fns[(kind, dtype)]
        ptrs = [t.data_ptr() for t, _ in args]
        threads = min(torch.get_num_threads(), max_chunks)
        work = n if work is None else work
        par = self._par.get((kind, dtype))
        if (
            par is not None
            and threads >= 2
            and work >= _OMP_FROM
            and not tail
            and not _STATE.get("forked")
            # element arrays, shared values (0) and packed masks (1/8: the par_ kernels offset them)
            and all(
                not isinstance(sz, PerChunk) and (float(sz).is_integer() or sz == 0.125) for _, sz in args
            )
        ):
            par(*ptrs, n, threads)  # OpenMP threads (every argument an element array or shared)
            return
        if work < _PARALLEL_FROM or threads < 2 or n < threads:
            f(*ptrs, n, *tail)
            return
        step = -(-n // threads)
        step += (-step) % align
        futures = []
        pool = _pool(torch.get_num_threads() - 1)
        for chunk, start in enumerate(range(step, n, step), 1):
            shifted = [
                p + (size.nbytes * chunk if isinstance(size, PerChunk) else int(start * size))
                for p, (_, size) in zip(ptrs, args)
            ]
            chunk_args = (*shifted, min(step, n - start), *tail)
            futures.append(pool.submit(f, *chunk_args))
        f(*ptrs, min(step, n), *tail)
        for fut in futures:
            fut.result()


_POOL: dict[str, Any] = {}


def _after_fork_in_child() -> None:
    # a forked child inherits the pool object but not its threads: work submitted to it would wait
    # forever; start afresh (and with a lock no thread of the parent can be holding). libgomp's
    # thread team does not survive a fork either (the child would hang in its next parallel
    # region): a forked child splits calls in Python only
    global _LOCK
    _POOL.clear()
    _LOCK = threading.RLock()
    _STATE["forked"] = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _pool(workers: int) -> ThreadPoolExecutor:
    pool = _POOL.get("pool")
    if pool is None or _POOL.get("workers") != workers:
        if pool is not None:
            pool.shutdown(wait=False)
        pool = _POOL["pool"] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="actlab-kernel")
        _POOL["workers"] = workers
    return pool


def _bodies(s: ActivationSpec) -> dict[str, tuple[Callable, tuple[str, ...]]]:
    assert s.derivative is not None  # registration requires it of elementwise kinds
    b: dict[str, tuple[Callable, tuple[str, ...]]] = {
        "fwd": (s.forward, ("x",)),
        "dx_grad": (s.derivative, ("x",)),
    }
    if s.derivative_from_output is not None:
        b["dy_grad"] = (s.derivative_from_output, ("y",))
    return b


def mask_kernels_for(s: ActivationSpec, params: Mapping[str, Any], runs: tuple, low: float, high: float):
    """The lean tier's kernels (``bits_fwd``: f and the packed mask; ``bits_bwd``) or None."""
    if not ckernels_enabled() or s.kind != "elementwise" or s.stochastic:
        return None
    return _cached(
        ("bits", s, params, runs, low, high),
        lambda: _load(s.name, lambda: mask_source(s.name, s.forward, params, runs, low, high), _MASK_ARGS),
    )


def _cached(key: tuple, load: Callable[[], _K | None]) -> _K | None:
    """``load()`` once per key (spec, parameters, ...): None where the parameters do not hash."""
    kind, s, params, *rest = key
    try:
        k = (kind, id(s), s.name, tuple(sorted(params.items())), *rest)
        hash(k)
    except TypeError:
        return None
    found = _LIBS.get(k, _MISSING)
    if found is _MISSING:
        with _LOCK:
            found = _LIBS.get(k, _MISSING)
            if found is _MISSING:
                found = _LIBS[k] = load()
    return found


_MISSING = object()


_MASK_ARGS = {"fwd": 2, "bits_fwd": 3, "bits_bwd": 3}
_ARGS1 = {"fwd": 2, "dx_grad": 3, "dy_grad": 3}  # pointers per kernel: inputs (and g), then the output


def gated_kernels_for(s: ActivationSpec, params: Mapping[str, Any]) -> "_Kernels | None":
    """Fused ``gfwd``/``gbwd`` of a gated unit a * gate(b), or None. They are used only where the
    gate's own elementwise kernels passed the accuracy gate (the unit adds one product)."""
    partials = s.partials
    if not ckernels_enabled() or s.kind != "gated" or s.gate is None or partials is None:
        return None
    from ..registry import spec as _spec

    if kernels_for(_spec(s.gate), params) is None:
        return None
    return _cached(
        ("gated", s, params),
        lambda: _load(s.name, lambda: gated_source(s.name, s.forward, partials, params), _GATED_ARGS),
    )


_GATED_ARGS = {"gfwd": 2, "gbwd": 3}


def run_gated(
    ks: "_Kernels", kind: str, out: torch.Tensor, outer: int, inner: int, *inputs: torch.Tensor
) -> None:
    """``kind`` over ``outer`` blocks of halves of ``inner`` elements, blocks split across threads."""
    size = out.element_size()
    # elements per block of each pointer: x and the input gradient hold both halves
    per = [2 * inner] + ([inner] if kind == "gbwd" else []) + [2 * inner if kind == "gbwd" else inner]
    args = [(t, e * size) for t, e in zip((*inputs, out), per)]
    ks.call(kind, out.dtype, outer, args, tail=(inner,), align=1, work=outer * inner)


def _run_elementwise(ks: "_Kernels", x: torch.Tensor, out: torch.Tensor, g: torch.Tensor) -> None:
    for kind in ks.kinds & _ARGS1.keys():  # the elementwise kernels (the lean tier's: fwd)
        ts = [x, g] if kind.endswith("_grad") else [x]
        # one thread: the choice is about one core's arithmetic, and a split would time the
        # other threads' availability as well
        ks.call(kind, out.dtype, out.numel(), [(t, t.element_size()) for t in (*ts, out)], max_chunks=1)


def _load(
    name: str,
    source: Callable[[], str],
    nargs: Mapping[str, int],
    verify: Callable[["_Kernels"], str | None] | None = None,
    bench: Callable[..., None] = _run_elementwise,
) -> "_Kernels | None":
    try:
        text = source()
    except Exception:  # Unsupported, or a closed form that does more than elementwise arithmetic
        return None
    try:
        lib, ks = _fastest(text, nargs, bench)
        return ks if verify is None or _verified(name, lib, lambda: verify(ks)) else None
    except _NoCompiler as e:
        _STATE["broken"] = e
        _warn(
            f"fused CPU kernels are not available ({e}); using eager torch ops. Install gcc "
            f"to enable them, or set ACTLAB_CKERNELS=0 to silence this."
        )
    except Exception as e:  # noqa: BLE001 - whatever goes wrong, eager torch is always correct
        _warn(
            f"the fused kernel for {name} did not build ({type(e).__name__}: {str(e)[:300]}); "
            f"using eager torch ops for it."
        )
    return None


def _fastest(
    text: str, nargs: Mapping[str, int], bench: Callable[..., None] = _run_elementwise
) -> tuple[Path, "_Kernels"]:
    """The build of ``text`` that runs fastest here (timed once with ``bench(ks, x, out, g)``;
    the choice is kept on disk)."""
    libs = [_build(text, v) for v in _VARIANTS]
    if len(libs) == 1:
        return libs[0], _Kernels(ctypes.CDLL(str(libs[0])), nargs)
    choice = libs[0].with_suffix(".fastest")
    if choice.exists():
        i = int(choice.read_text() or 0) % len(libs)
        return libs[i], _Kernels(ctypes.CDLL(str(libs[i])), nargs)
    loaded = [_Kernels(ctypes.CDLL(str(p)), nargs) for p in libs]
    x = torch.randn(1 << 16, generator=torch.Generator().manual_seed(0))
    out, g = torch.empty_like(x), torch.ones_like(x)
    times: list[list[float]] = [[] for _ in loaded]
    for _ in range(7):  # interleaved, so a slow spell of the machine is shared
        for k, ks in enumerate(loaded):
            t0 = time.perf_counter()
            bench(ks, x, out, g)
            times[k].append(time.perf_counter() - t0)
    # the least time of each: a run slowed by other work on the machine says nothing about the build
    i = min(range(len(loaded)), key=lambda k: min(times[k]))
    tmp = choice.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(str(i))
    os.replace(tmp, choice)
    return libs[i], loaded[i]


REJECTED: dict[str, str] = {}  # function name -> why its fused kernel missed the budget


def _verified(name: str, lib: Path, verify: Callable[[], str | None]) -> bool:
    """Run ``verify`` once per built library (its verdict is kept beside it for other processes)."""
    ok, bad = lib.with_suffix(".ok"), lib.with_suffix(".bad")
    if ok.exists():
        return True
    if bad.exists():
        REJECTED[name] = bad.read_text()
        return False
    why = verify()
    tmp = lib.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(why or "")
    os.replace(tmp, bad if why else ok)
    if why:
        REJECTED[name] = why
    return why is None


def check_kernels(s: ActivationSpec, params: Mapping[str, Any], ks: "_Kernels") -> str | None:
    """Why the fused kernels of ``s`` miss the spec's accuracy budget, or None if they meet it."""
    return _check(
        s,
        params,
        lambda x: ks.run("fwd", torch.empty_like(x), x),
        lambda x: ks.run("dx_grad", torch.empty_like(x), x, torch.ones_like(x)),
    )


def _check(
    s: ActivationSpec,
    params: Mapping[str, Any],
    fwd: Callable[[torch.Tensor], torch.Tensor],
    dx: Callable[[torch.Tensor], torch.Tensor],
) -> str | None:
    """Why ``fwd`` (f) and ``dx`` (f') miss the spec's accuracy budget at ``params``, or None.

    A kernel enters the default path only if it passes what ``actlab check`` asks of the torch
    path: values and closed-form derivatives at the checker's points, against the 50-digit
    references, within the float32 budget and 1e-12 in float64 (libmvec's vectorized functions
    are a few ulp less accurate than torch's; where that matters, the eager ops run instead)."""
    import math

    import numpy as np

    from ..reference import RTOL64, points, ref_derivative, ref_value, ulp_error
    from ..reference import local_scale as _local_scale

    xs = points(s, params)
    for dtype, name, budget in (
        (torch.float32, "float32", s.float32_ulp or 4),
        (torch.float64, "float64", RTOL64 / 2.0**-52),
    ):
        x = torch.tensor(xs, dtype=torch.float64).to(dtype)
        x = x[torch.isfinite(x)].unique()
        got_f, got_d = fwd(x), dx(x)
        kinks = {k.at_for(params) for k in s.kinks_for(params)}
        for which, got, ref in (("value", got_f, ref_value), ("derivative", got_d, ref_derivative)):
            for xv, gv in zip(x.double().tolist(), got.double().tolist()):
                if which == "derivative" and xv in kinks:
                    continue  # conventions at kinks: compared with the eager path by the tests
                exact = ref(s, params, xv)
                err = ulp_error(gv, exact, _local_scale(s, params, xv, which, exact), name)
                if not err <= budget or (math.isnan(gv) and not np.isnan(float(exact))):
                    return f"{name} {which} at x={xv!r}: {err:.3g} ulp (budget {budget:g})"
    return None


def kernels_for(s: ActivationSpec, params: Mapping[str, Any]) -> _Kernels | None:
    """The fused kernels of ``s`` with these fixed (number or string) parameters, or None."""
    if not ckernels_enabled() or s.kind != "elementwise" or s.stochastic:
        return None
    return _cached(("elementwise", s, params), lambda: _load_elementwise(s, params))


def _load_elementwise(s: ActivationSpec, params: Mapping[str, Any]) -> "_Kernels | None":
    bodies = _bodies(s)
    return _load(
        s.name,
        lambda: kernel_source(s.name, bodies, params),
        {k: _ARGS1[k] for k in bodies},
        lambda ks: check_kernels(s, params, ks),
    )


# --------------------------------------------------------------------------- runtime parameters
_PARAM_ARGS = {"fwd": 3, "dx_grad": 4, "dp_grad": 5}  # x, (g,) out, P, (acc)


class ParamKernels(NamedTuple):
    """Kernels of ``s`` whose tensor parameters ``runtime`` are arguments (values change per call:
    learnable parameters), with ``dp_grad`` giving their gradients in the backward's pass."""

    ks: _Kernels
    runtime: tuple[str, ...]
    # values per parameter: 1, or S for a parameter with a leading axis of S (APL's hinges)
    widths: tuple[int, ...]

    @property
    def slots(self) -> int:
        return sum(self.widths)

    @staticmethod
    def values(tensors: Any) -> torch.Tensor:
        """The parameters' values as the kernels' ``P_`` argument (doubles, in order)."""
        return torch.cat([t.detach().reshape(-1) for t in tensors]).to(torch.float64)

    def param_grads(self, sums: torch.Tensor | None, tensors: Any, wanted: Any) -> list:
        """``backward``'s sums cut into one gradient per parameter tensor (None where not wanted)."""
        out: list = []
        start = 0
        for t, want, w in zip(tensors, wanted, self.widths):
            out.append(
                sums[start : start + w].to(t.dtype).reshape(t.shape) if want and sums is not None else None
            )
            start += w
        return out

    def forward(self, x: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        self.ks.call(
            "fwd", x.dtype, x.numel(), [(x, x.element_size()), (out, out.element_size()), (values, 0)]
        )
        return out

    def backward(
        self, x: torch.Tensor, g: torch.Tensor, values: torch.Tensor, params: bool
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(g f'(x), and with ``params`` the sums of g df/dp per parameter, float64)."""
        out = torch.empty_like(x)
        size = x.element_size()
        args: list[tuple[torch.Tensor, float | PerChunk]] = [(x, size), (g, size), (out, size), (values, 0)]
        if not params:
            self.ks.call("dx_grad", x.dtype, x.numel(), args)
            return out, None
        chunks = max(1, torch.get_num_threads())
        acc = torch.zeros(chunks, self.slots, dtype=torch.float64)
        args.append((acc, PerChunk(acc.stride(0) * acc.element_size())))
        self.ks.call("dp_grad", x.dtype, x.numel(), args, max_chunks=chunks)
        return out, acc.sum(0)

    def takes(self, dtype: torch.dtype) -> bool:
        return self.ks.takes("dp_grad", dtype) and self.ks.takes("fwd", dtype)


def param_kernels_for(
    s: ActivationSpec, fixed: Mapping[str, Any], runtime: tuple[str, ...]
) -> ParamKernels | None:
    """Fused kernels of an elementwise ``s`` with the tensor parameters ``runtime`` passed at run
    time (the others fixed), or None: each one value, or S values where the parameter has a leading
    axis (APL's hinges: S = the fixed ``hinges``). They enter the default path after meeting the
    accuracy budget at the parameters' defaults and test values."""
    derivative = s.derivative
    if not ckernels_enabled() or s.kind != "elementwise" or s.stochastic or derivative is None:
        return None
    if not runtime or any(n not in s.param_derivatives for n in runtime):
        return None
    pd = {n: s.param_derivatives[n] for n in runtime}
    leading = {n: s.param(n).leading for n in runtime}
    try:
        widths = tuple(int(fixed[lead]) if lead else 1 for lead in leading.values())
    except (KeyError, TypeError, ValueError):
        return None
    cruntime = tuple((n, w) if s.param(n).leading else n for n, w in zip(runtime, widths))

    def source() -> str:
        bodies = {"fwd": (s.forward, ("x",)), "dx_grad": (derivative, ("x",))}
        return kernel_source(s.name, bodies, fixed, cruntime) + param_grad_source(
            s.name, derivative, pd, fixed, cruntime
        )

    def load() -> ParamKernels | None:
        ks = _load(
            s.name,
            source,
            _PARAM_ARGS,
            lambda k: _check_runtime(s, fixed, ParamKernels(k, runtime, widths)),
            lambda k, x, out, g: _bench_runtime(ParamKernels(k, runtime, widths), x, g),
        )
        return None if ks is None else ParamKernels(ks, runtime, widths)

    return _cached(("runtime", s, fixed, runtime), load)


def _bench_runtime(pk: ParamKernels, x: torch.Tensor, g: torch.Tensor) -> None:
    values = torch.ones(pk.slots, dtype=torch.float64)
    pk.forward(x, values)
    pk.backward(x, g, values, True)


def _check_runtime(s: ActivationSpec, fixed: Mapping[str, Any], pk: ParamKernels) -> str | None:
    """The accuracy gate at the defaults and at each parameter's test values."""
    settings = [dict(s.defaults())]
    for n in pk.runtime:
        for v in s.param(n).test_values:
            settings.append({**s.defaults(), n: v})
    for p in settings:
        p.update(fixed)
        values = torch.tensor(
            [float(p[n]) for n, w in zip(pk.runtime, pk.widths) for _ in range(w)], dtype=torch.float64
        )
        if s.constraint is not None and s.constraint(p):
            continue  # a combination the spec refuses
        why = _check(
            s,
            p,
            lambda x: pk.forward(x, values),
            lambda x: pk.backward(x, torch.ones_like(x), values, False)[0],
        )
        if why:
            return f"{why} with {p}"
    return None
