"""Hand-written C kernels that are not generated from a spec: the scan that decides whether a
repaired torch kernel needs its repair, and the few-bit tiers' packing and unpacking.

They are built, cached and loaded like the generated kernels (``ckernels._build``: gcc, on first
use, one shared library per source, compiler and CPU), split across torch's OpenMP threads from
16K elements, and every entry point returns None where it does not apply (no compiler, another
device or dtype, a non-contiguous tensor): the caller then uses torch's ops.
"""

from __future__ import annotations

import ctypes
from typing import Any

import torch

from .cgen import HALF_HELPERS
from .ckernels import _OMP_FROM, _STATE, _build

__all__ = [
    "HAND_WRITTEN",
    "fewbit_pack",
    "fewbit_unpack",
    "outside",
    "sparsemax_backward",
    "sparsemax_forward",
]

_SOURCE = r"""
#include <stdint.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#define BLOCK 65536
HALF_HELPERS

#define SAME(v) (v)
/* whether any element is below b, +inf or NaN (half types compared as the floats they hold) */
#define SCAN(T, C, tag, LOAD) \
int32_t outside_##tag(const T* restrict x, int64_t n, double below) { \
  const C b = (C)below; int32_t any = 0; \
  _Pragma("omp simd reduction(|:any)") \
  for (int64_t i = 0; i < n; i++) { \
    C v = LOAD(x[i]); any |= (v < b) | (v == (C)__builtin_inf()) | (v != v); \
  } \
  return any; \
} \
int32_t par_outside_##tag(const T* restrict x, int64_t n, double below, int64_t threads) { \
  int32_t any = 0; int64_t blocks = (n + BLOCK - 1) / BLOCK; \
  _Pragma("omp parallel for reduction(|:any) num_threads(threads) schedule(static)") \
  for (int64_t k = 0; k < blocks; k++) { \
    int64_t lo = k * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n; \
    any |= outside_##tag(x + lo, hi - lo, below); \
  } \
  return any; \
}
SCAN(float, float, f32, SAME)
SCAN(double, double, f64, SAME)
SCAN(uint16_t, float, bf16, bf16_to_f)
SCAN(uint16_t, float, f16, f16_to_f)

/* few-bit codes: code = number of edges below x (NaN: all of them), as torch.bucketize gives for
   x in float32; bit q of element e is bit e % 8 of byte e / 8 of plane q (planes `stride` bytes
   apart). Blocks of 64 elements: the codes in a vectorized loop, then per plane the 64 bits as
   bytes, gathered 8 to a byte by one multiply per word (as torch/bits.py does; little-endian). */
#define FEWBIT(T, tag) \
static inline __attribute__((always_inline)) void pack_block_##tag( \
    const T* restrict x, uint8_t* restrict planes, int64_t lo, int64_t hi, \
                             const float* restrict edges, int64_t ne, int64_t bits, int64_t stride) { \
  for (int64_t s = lo; s < hi; s += 64) { \
    int32_t code[64]; int64_t m = hi - s < 64 ? hi - s : 64; \
    for (int64_t i = 0; i < 64; i++) code[i] = 0; \
    _Pragma("omp simd") \
    for (int64_t i = 0; i < m; i++) { \
      float v = (float)x[s + i]; int32_t c = 0; \
      for (int64_t k = 0; k < ne; k++) c += edges[k] < v; \
      code[i] = v != v ? (int32_t)ne : c; \
    } \
    for (int64_t q = 0; q < bits; q++) { \
      uint8_t bit[64]; uint64_t w[8]; \
      _Pragma("omp simd") \
      for (int64_t i = 0; i < 64; i++) bit[i] = (uint8_t)((code[i] >> q) & 1); \
      memcpy(w, bit, 64); /* little-endian: element 8j + i is byte i of word j */ \
      for (int64_t j = 0; j < (m + 7) / 8; j++) \
        planes[q * stride + s / 8 + j] = (uint8_t)((w[j] * 0x0102040810204080ull) >> 56); \
    } \
  } \
} \
void fewbit_pack_##tag(const T* restrict x, uint8_t* restrict planes, int64_t n, \
                       const float* restrict edges, int64_t ne, int64_t bits, int64_t threads) { \
  int64_t stride = (n + 7) / 8, blocks = (n + BLOCK - 1) / BLOCK; \
  _Pragma("omp parallel for num_threads(threads) schedule(static) if(threads > 1)") \
  for (int64_t k = 0; k < blocks; k++) { \
    int64_t lo = k * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n; \
    /* a constant edge count lets the code loop vectorize (4.8x faster for 7 edges) */ \
    if (ne == 3) pack_block_##tag(x, planes, lo, hi, edges, 3, bits, stride); \
    else if (ne == 7) pack_block_##tag(x, planes, lo, hi, edges, 7, bits, stride); \
    else if (ne == 15) pack_block_##tag(x, planes, lo, hi, edges, 15, bits, stride); \
    else pack_block_##tag(x, planes, lo, hi, edges, ne, bits, stride); \
  } \
} \
static inline __attribute__((always_inline)) void unpack_range_##tag( \
    const uint8_t* restrict planes, const T* restrict g, T* restrict out, int64_t lo, int64_t hi, \
    int64_t stride, const T* restrict levels, int64_t bits) { \
  _Pragma("omp simd") \
  for (int64_t e = lo; e < hi; e++) { \
    int32_t c = 0; \
    for (int64_t q = 0; q < bits; q++) c |= ((planes[q * stride + e / 8] >> (e % 8)) & 1) << q; \
    out[e] = g[e] * levels[c]; \
  } \
} \
void fewbit_unpack_##tag(const uint8_t* restrict planes, const T* restrict g, T* restrict out, int64_t n, \
                         const T* restrict levels, int64_t bits, int64_t threads) { \
  int64_t stride = (n + 7) / 8, blocks = (n + BLOCK - 1) / BLOCK; \
  _Pragma("omp parallel for num_threads(threads) schedule(static) if(threads > 1)") \
  for (int64_t k = 0; k < blocks; k++) { \
    int64_t lo = k * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n; \
    if (bits == 2) unpack_range_##tag(planes, g, out, lo, hi, stride, levels, 2); \
    else if (bits == 3) unpack_range_##tag(planes, g, out, lo, hi, stride, levels, 3); \
    else if (bits == 4) unpack_range_##tag(planes, g, out, lo, hi, stride, levels, 4); \
    else unpack_range_##tag(planes, g, out, lo, hi, stride, levels, bits); \
  } \
}
FEWBIT(float, f32)
FEWBIT(double, f64)

/* sparsemax along rows of d contiguous elements: tau by Michelot's iteration (tau = (sum of the
   support - 1) / its size, the support {z > tau} re-taken until it stops changing; tau rises
   monotonically and the last support is the exact one), sums in double. A row holding a NaN or
   an infinity is left to the caller (the return value counts them; its output is not written). */
#define SPARSEMAX(T, tag) \
int64_t sparsemax_fwd_##tag(const T* restrict x, T* restrict y, int64_t rows, int64_t d, int64_t threads) { \
  int64_t bad = 0; \
  _Pragma("omp parallel for reduction(+:bad) num_threads(threads) schedule(static) if(threads > 1)") \
  for (int64_t r = 0; r < rows; r++) { \
    const T* restrict xr = x + r * d; T* restrict yr = y + r * d; \
    T m = xr[0]; int32_t odd = 0; \
    _Pragma("omp simd reduction(max:m) reduction(|:odd)") \
    for (int64_t i = 0; i < d; i++) { \
      m = xr[i] > m ? xr[i] : m; odd |= (xr[i] != xr[i]) | (xr[i] - xr[i] != 0); \
    } \
    if (odd) { bad++; continue; } \
    double s = 0; \
    _Pragma("omp simd reduction(+:s)") \
    for (int64_t i = 0; i < d; i++) s += (double)(T)(xr[i] - m); \
    int64_t k = d; double tau = (s - 1.0) / (double)d; \
    for (;;) { \
      double s2 = 0; int64_t k2 = 0; \
      _Pragma("omp simd reduction(+:s2, k2)") \
      for (int64_t i = 0; i < d; i++) { \
        double z = (double)(T)(xr[i] - m); int64_t in = z > tau; s2 += in ? z : 0.0; k2 += in; \
      } \
      tau = (s2 - 1.0) / (double)k2; \
      if (k2 == k) break; \
      k = k2; \
    } \
    _Pragma("omp simd") \
    for (int64_t i = 0; i < d; i++) { \
      double v = (double)(T)(xr[i] - m) - tau; yr[i] = (T)(v > 0 ? v : 0.0); \
    } \
  } \
  return bad; \
} \
/* the gradient from the output p: s (g - sum(s g) / sum(s)), s = [p > 0] */ \
void sparsemax_bwd_##tag(const T* restrict p, const T* restrict g, T* restrict out, int64_t rows, int64_t d, \
                         int64_t threads) { \
  _Pragma("omp parallel for num_threads(threads) schedule(static) if(threads > 1)") \
  for (int64_t r = 0; r < rows; r++) { \
    const T* restrict pr = p + r * d; const T* restrict gr = g + r * d; T* restrict o = out + r * d; \
    double sg = 0, n = 0; \
    _Pragma("omp simd reduction(+:sg, n)") \
    for (int64_t i = 0; i < d; i++) { int64_t in = pr[i] > 0; sg += in ? (double)gr[i] : 0.0; n += in; } \
    const T v = (T)(sg / n); \
    _Pragma("omp simd") \
    for (int64_t i = 0; i < d; i++) o[i] = pr[i] > 0 ? gr[i] - v : (T)0; \
  } \
}
SPARSEMAX(float, f32)
SPARSEMAX(double, f64)
""".replace("HALF_HELPERS", "\n".join(HALF_HELPERS))

_LIB: dict[str, Any] = {}
_P, _I = ctypes.c_void_p, ctypes.c_int64


def _fns() -> dict[str, Any] | None:
    """The library's functions by name (built and loaded once), or None where it cannot be built."""
    if "fns" not in _LIB:
        fns: dict[str, Any] | None = None
        try:
            lib = ctypes.CDLL(str(_build(_SOURCE)))
            fns = {}
            for tag in ("f32", "f64", "bf16", "f16"):
                for name, args, res in (
                    (f"outside_{tag}", [_P, _I, ctypes.c_double], ctypes.c_int32),
                    (f"fewbit_pack_{tag}", [_P, _P, _I, _P, _I, _I, _I], None),
                    (f"fewbit_unpack_{tag}", [_P, _P, _P, _I, _P, _I, _I], None),
                    (f"sparsemax_fwd_{tag}", [_P, _P, _I, _I, _I], ctypes.c_int64),
                    (f"sparsemax_bwd_{tag}", [_P, _P, _P, _I, _I, _I], None),
                ):
                    f = getattr(lib, name, None)  # the few-bit kernels: float32 and float64 only
                    if f is not None:
                        f.argtypes, f.restype = args, res
                        fns[name] = f
                par = getattr(lib, f"par_outside_{tag}", None)  # absent without OpenMP
                if par is not None:
                    par.argtypes, par.restype = [_P, _I, ctypes.c_double, _I], ctypes.c_int32
                    fns[f"par_outside_{tag}"] = par
        except Exception:  # noqa: BLE001 - no compiler, ...: the callers use torch's ops
            fns = None
        _LIB["fns"] = fns
    return _LIB["fns"]


_TAGS = {torch.float32: "f32", torch.float64: "f64", torch.bfloat16: "bf16", torch.float16: "f16"}


def _usable(*ts: torch.Tensor) -> dict[str, Any] | None:
    fns = _LIB["fns"] if "fns" in _LIB else _fns()
    if fns is None or not _STATE["on"]:
        return None
    if not all(t.dtype in _TAGS and t.is_cpu and t.is_contiguous() for t in ts):
        return None
    return fns


def _threads(n: int, start: int = _OMP_FROM) -> int:
    threads = torch.get_num_threads()
    return threads if n >= start and threads >= 2 and not _STATE.get("forked") else 1


# The scan does one compare per element, so a thread team pays for itself later than in the
# kernels: 64K float32 elements took 7.3 us on one core and 8.9 us split over two, 128K 14.4 us
# and 10.0 us (measured on a 2-core Xeon VM).
_SCAN_PAR_FROM = 1 << 17


def outside(x: torch.Tensor, below: float) -> bool | None:
    """Whether a contiguous CPU floating ``x`` has an element < ``below``, +inf or NaN; None
    where the scan does not apply (the caller then asks torch). One read of x at memory speed:
    torch's aminmax, which it replaces, cost about half a silu kernel on one core (308 us against
    655 us for 1M float32 elements on one Xeon core, measured)."""
    scans = _SCANS.get(x.dtype)
    if scans is None:
        scans = _scans_for(x.dtype)
    if not scans or not x.is_cpu or not x.is_contiguous() or not _STATE["on"]:
        return None
    serial, par = scans
    n = x.numel()
    threads = _threads(n, _SCAN_PAR_FROM) if par is not None else 1
    if threads > 1:
        return bool(par(x.data_ptr(), n, below, threads))
    return bool(serial(x.data_ptr(), n, below))


# dtype -> (serial scan, OpenMP scan or None), or () where there is none; looked up once per dtype
# because the scan runs on every call of a repaired kernel (a 64K-element call is ~10 us)
_SCANS: dict[torch.dtype, tuple] = {}


def _scans_for(dtype: torch.dtype) -> tuple:
    fns = _fns()
    tag = _TAGS.get(dtype)
    scans: tuple = ()
    if fns is not None and tag is not None and f"outside_{tag}" in fns:
        scans = (fns[f"outside_{tag}"], fns.get(f"par_outside_{tag}"))
    _SCANS[dtype] = scans
    return scans


def fewbit_pack(x: torch.Tensor, edges: torch.Tensor, bits: int) -> torch.Tensor | None:
    """The ``bits`` bit planes of x's codes against the float32 ``edges`` (as ``torch.bucketize``
    of x in float32), one uint8 tensor of shape (bits, ceil(n / 8)); None where it does not apply."""
    fns = _usable(x)
    pack = fns.get(f"fewbit_pack_{_TAGS[x.dtype]}") if fns else None
    if pack is None or edges.dtype != torch.float32 or not edges.is_contiguous():
        return None
    n = x.numel()
    planes = torch.empty((bits, (n + 7) // 8), dtype=torch.uint8)
    pack(x.data_ptr(), planes.data_ptr(), n, edges.data_ptr(), edges.numel(), bits, _threads(n))
    return planes


def fewbit_unpack(planes: torch.Tensor, g: torch.Tensor, levels: torch.Tensor) -> torch.Tensor | None:
    """g times the level of each element's code in ``planes`` (from ``fewbit_pack``); None where it
    does not apply."""
    fns = _usable(g, levels)
    unpack = fns.get(f"fewbit_unpack_{_TAGS[g.dtype]}") if fns else None
    if unpack is None or levels.dtype != g.dtype or planes.dtype != torch.uint8:
        return None
    n = g.numel()
    out = torch.empty_like(g)
    unpack(
        planes.data_ptr(), g.data_ptr(), out.data_ptr(), n, levels.data_ptr(), planes.shape[0], _threads(n)
    )
    return out


def _rows(x: torch.Tensor) -> tuple[int, int]:
    d = x.shape[-1] if x.dim() else 1
    return (x.numel() // d if d else 0), d


def sparsemax_forward(x: torch.Tensor) -> torch.Tensor | None:
    """sparsemax along the last dimension of a contiguous float32/float64 CPU ``x``; None where the
    kernel does not apply, or where a row holds a NaN or an infinity (the spec's limits for those
    are the general path's)."""
    fns = _usable(x)
    f = fns.get(f"sparsemax_fwd_{_TAGS[x.dtype]}") if fns else None
    rows, d = _rows(x)
    if f is None or d == 0 or rows == 0:
        return None
    y = torch.empty_like(x)
    bad = f(x.data_ptr(), y.data_ptr(), rows, d, _threads(x.numel()))
    return None if bad else y


def sparsemax_backward(p: torch.Tensor, g: torch.Tensor) -> torch.Tensor | None:
    """The input gradient from sparsemax's output ``p`` (last dimension) and the upstream ``g``."""
    fns = _usable(p, g)
    f = fns.get(f"sparsemax_bwd_{_TAGS[p.dtype]}") if fns else None
    rows, d = _rows(p)
    if f is None or g.dtype != p.dtype or g.shape != p.shape or d == 0 or rows == 0:
        return None
    out = torch.empty_like(p)
    f(p.data_ptr(), g.data_ptr(), out.data_ptr(), rows, d, _threads(p.numel()))
    return out


# vector functions with hand-written kernels along the last dimension: (forward, backward from the
# output), each returning None where it does not apply
HAND_WRITTEN = {"sparsemax": (sparsemax_forward, sparsemax_backward)}
