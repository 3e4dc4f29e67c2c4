"""Peak memory of a training step on the default path: at most torch's for the same function.

The peak is tracked deterministically: after every aten operation (forward and backward, which
run on this thread for CPU tensors) the bytes glibc's malloc has handed out and not taken back
(``mallinfo2``: heap in use plus mmapped chunks) are read, and the highest value kept. The fused C
kernels allocate their outputs through torch, so every allocation of the step happens inside an
operation and is seen.
"""

from __future__ import annotations

import ctypes
import platform

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import actlab
import actlab.torch as at
from actlab.torch.bench import _peer_params
from actlab.torch.native import TORCH_KERNELS

from .conftest import ALL

if platform.system() != "Linux":  # pragma: no cover - glibc's malloc statistics
    pytest.skip("mallinfo2 is glibc's", allow_module_level=True)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (n, ctypes.c_size_t)
        for n in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_LIBC = ctypes.CDLL(None)
_LIBC.mallinfo2.restype = _MallInfo2


def _in_use() -> int:
    m = _LIBC.mallinfo2()
    return m.uordblks + m.hblkhd


class _Peak(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.peak = _in_use()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.peak = max(self.peak, _in_use())
        return out


def peak_bytes(f, x: torch.Tensor, g: torch.Tensor) -> int:
    """Bytes above the starting level at the peak of ``f(x).backward(g)`` (after a warm-up)."""
    for _ in range(2):  # first calls build plans, kernels, autograd's engine state
        x.grad = None
        with _Peak():
            f(x).backward(g)
    x.grad = None
    base = _in_use()
    with _Peak() as p:
        y = f(x)
        y.backward(g)
        del y
    return p.peak - base


def _inputs(name: str, n: int = 1 << 20):
    s = actlab.spec(name)
    gen = torch.Generator().manual_seed(0)
    x = (torch.randn(n, generator=gen) * 3).reshape((-1, 1024) if s.kind != "elementwise" else (-1,))
    x.requires_grad_(True)
    out_shape = list(x.shape)
    if s.kind == "gated":
        out_shape[-1] //= 2
    return x, torch.randn(out_shape, generator=gen)


WITH_KERNEL = [n for n in ALL if n in TORCH_KERNELS]


@pytest.mark.parametrize("name", WITH_KERNEL)
def test_default_path_peaks_no_higher_than_torchs_kernel(name):
    s = actlab.spec(name)
    params = _peer_params(s, TORCH_KERNELS[name][1])
    assert params is not None
    kernel = TORCH_KERNELS[name][0]
    dim = None if s.kind == "elementwise" else -1
    learn = {p.name for p in s.params if p.learnable}
    fixed = {k: v for k, v in params.items() if k not in learn}
    tensors = {k: torch.full((1,), float(params[k])) for k in learn}
    x, g = _inputs(name)
    ours = at.create(name, **fixed, **{k: float(v) for k, v in params.items() if k in learn}).train(False)
    theirs = lambda t: kernel(t, dim, **fixed, **tensors)  # noqa: E731
    mine, torchs = peak_bytes(ours, x, g), peak_bytes(theirs, x, g)
    assert mine <= torchs + (64 << 10), (
        f"{name}: {mine / 2**20:.2f} MB against torch's {torchs / 2**20:.2f} MB"
    )


@pytest.mark.parametrize("name", [n for n in ALL if n not in TORCH_KERNELS])
def test_functions_torch_lacks_peak_at_output_plus_gradient(name):
    """The rest: the output, the input gradient, at most a 1-byte mask and 1 MB of block-sized
    temporaries (plain autograd of the definitions keeps every intermediate: several times that)."""
    x, g = _inputs(name)
    mine = peak_bytes(at.create(name), x, g)
    bound = (g.numel() + x.numel()) * 4 + x.numel() + (1 << 20)
    assert mine <= bound, f"{name}: {mine / 2**20:.2f} MB (bound {bound / 2**20:.2f} MB)"
