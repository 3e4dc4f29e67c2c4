"""The memory-lean autograd Function: same numbers as plain autograd, fewer bytes saved."""

from __future__ import annotations

import pytest
import torch
from torch.autograd.graph import saved_tensors_hooks

import actlab
import actlab.torch as at
from actlab import ParameterError
from actlab.torch.function import inplace_supported, plan_for
from actlab.torch.native import NATIVE, TORCH_KERNELS, native_kernel

from .conftest import ALL

# Piecewise-linear functions the issue names: these must save at most one byte per element.
MASKED = ("relu", "leaky_relu", "relu6", "hardtanh", "threshold", "hardshrink", "softshrink", "binary_step")
TOL = {
    torch.float64: dict(rtol=1e-9, atol=1e-12),
    torch.float32: dict(rtol=2e-5, atol=1e-6),
}


def _grid(name: str, dtype, n: int = 256) -> torch.Tensor:
    """Random points plus the hard ones: every kink of the default parameters, 0 and the tails."""
    s = actlab.spec(name)
    d = s.defaults()
    g = torch.Generator().manual_seed(7)
    hard = [0.0, 1.0, -1.0, 30.0, -30.0] + [k.at_for(d) for k in s.kinks_for(d)]
    x = torch.cat([(torch.rand(n, generator=g, dtype=torch.float64) - 0.5) * 16, torch.tensor(hard)])
    if s.kind != "elementwise":
        x = x[: (x.numel() // 8) * 8].reshape(-1, 8)
    return x.to(dtype)


def _run(name: str, x: torch.Tensor, impl: str, num_parameters: int = 1, **params):
    """Output, input gradient and parameter gradients of the module with this impl."""
    s = actlab.spec(name)
    kw = {"num_parameters": num_parameters} if (s.learnable and num_parameters > 1) else {}
    kw.update(params)
    m = at.create(name, impl=impl, dtype=x.dtype, **kw).eval()
    for p in m.parameters():  # away from the defaults (e.g. apl's a = 0 hides the hinge terms)
        with torch.no_grad():
            p.add_(0.1 * torch.arange(p.numel(), dtype=p.dtype).reshape(p.shape) / max(p.numel(), 1) + 0.05)
    xx = x.clone().requires_grad_(True)
    y = m(xx)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(3), dtype=y.dtype)
    grads = torch.autograd.grad(y, [xx, *m.parameters()], g)
    return y.detach(), grads


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", ALL)
def test_function_equals_plain_autograd(name, dtype):
    x = _grid(name, dtype)
    y0, g0 = _run(name, x, "autograd")
    for impl in ("auto", "function"):
        y, gs = _run(name, x, impl)
        torch.testing.assert_close(y, y0, **TOL[dtype], msg=lambda m: f"{name} {impl} values: {m}")
        for i, (a, b) in enumerate(zip(gs, g0)):
            scale = max(1.0, float(b.abs().max()))
            tol = dict(rtol=TOL[dtype]["rtol"], atol=TOL[dtype]["atol"] * scale)
            torch.testing.assert_close(a, b, **tol, msg=lambda m: f"{name} {impl} grad #{i}: {m}")


@pytest.mark.parametrize("name", actlab.list_activations(learnable=True))
def test_per_channel_parameter_gradients_equal_plain_autograd(name):
    s = actlab.spec(name)
    g = torch.Generator().manual_seed(1)
    x = (
        ((torch.rand(4, 3, 5, generator=g, dtype=torch.float64) - 0.5) * 8)
        if s.kind == "elementwise"
        else None
    )
    y0, g0 = _run(name, x, "autograd", num_parameters=3)
    y, gs = _run(name, x, "function", num_parameters=3)
    torch.testing.assert_close(y, y0, **TOL[torch.float64])
    for a, b in zip(gs, g0):
        assert a.shape == b.shape
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-11 * max(1.0, float(b.abs().max())))


def _saved_bytes_per_element(name: str, impl: str, dtype=torch.float32, memory=None, kernel=None) -> float:
    x = _grid(name, dtype, n=4096)
    m = at.create(name, impl=impl, dtype=dtype, memory=memory).eval()
    total = [0]

    def pack(t):
        total[0] += t.numel() * t.element_size()
        return t

    h = x.clone().requires_grad_(True) * 1.0  # a non-leaf, as inside a network
    with saved_tensors_hooks(pack, lambda t: t):
        if kernel is None:
            m(h)
        else:
            kernel(h, -1, **actlab.spec(name).defaults())
    params = sum(p.numel() * p.element_size() for p in m.parameters())
    return (total[0] - (params if kernel is None else 0)) / x.numel()


@pytest.mark.parametrize("name", ALL)
def test_saves_at_most_one_element_per_element(name):
    assert _saved_bytes_per_element(name, "auto") <= 4.0


@pytest.mark.parametrize("name", sorted(n for n in TORCH_KERNELS if n in ALL))
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=["float32", "bfloat16"])
def test_default_saves_no_more_than_torch(name, dtype):
    kernel, accepts = TORCH_KERNELS[name]
    if not accepts(actlab.spec(name).defaults()):
        pytest.fail(f"{name}: torch's kernel does not take the default parameters")
    ours = _saved_bytes_per_element(name, "auto", dtype)
    theirs = _saved_bytes_per_element(name, "auto", dtype, kernel=kernel)
    assert ours <= theirs


@pytest.mark.parametrize("name", MASKED)
def test_lean_tier_saves_one_bit(name):
    # 1 bit per element, rounded up to whole bytes of the 4096 + kinks elements of the grid
    assert _saved_bytes_per_element(name, "auto", memory="lean") <= 0.126
    with at.memory("lean"):
        assert _saved_bytes_per_element(name, "auto") <= 0.126
    assert _saved_bytes_per_element(name, "auto") > 0.126 or name == "binary_step"


@pytest.mark.parametrize("name", MASKED + ("rrelu", "hardsigmoid", "sparse_sigmoid"))
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
def test_lean_tier_is_exact(name, dtype):
    x = _grid(name, dtype)
    y0, g0 = _run(name, x, "function")
    with at.memory("lean"):
        y1, g1 = _run(name, x, "auto")
    # values: the lean tier evaluates the spec's forward (fused), the Function torch's kernel,
    # which rounds hardsigmoid's x/6 + 1/2 differently; the gradients are the same numbers
    eps = torch.finfo(dtype).eps
    torch.testing.assert_close(y1, y0, rtol=2 * eps, atol=0)
    for a, b in zip(g1, g0):
        assert torch.equal(a, b)


def test_plain_autograd_saves_more_for_composites():
    # the point of the Function: a composite keeps its intermediates (mish: several per element)
    assert _saved_bytes_per_element("mish", "autograd") >= 3 * _saved_bytes_per_element("mish", "auto")


@pytest.mark.parametrize("name", sorted(NATIVE))
def test_native_kernels_equal_the_spec_path(name):
    """Where a torch kernel is used, it must give the spec's values and kink gradients."""
    s = actlab.spec(name)
    candidates = [s.defaults()] + [{**s.defaults(), **t} for t in s.test_params]
    candidates += [{**s.defaults(), q.name: v} for q in s.params for v in q.test_values]
    p = next((c for c in candidates if native_kernel(name, c) is not None), None)
    if p is None:
        pytest.fail(f"{name}: the native table accepts none of the parameter sets {candidates}")
    fixed = {k: v for k, v in p.items() if not s.param(k).learnable}
    x = _grid(name, torch.float64)
    y0, g0 = _run(name, x, "function", **fixed)
    y1, g1 = _run(name, x, "native", **fixed)
    torch.testing.assert_close(y1, y0, rtol=1e-13, atol=1e-15)
    # torch's float64 hardsigmoid backward multiplies by a float32 1/6 (relative error 3e-8);
    # the auto path never uses it (hardsigmoid takes the masked Function there).
    rtol = 1e-7 if name == "hardsigmoid" else 1e-13
    for a, b in zip(g1, g0):
        torch.testing.assert_close(a, b, rtol=rtol, atol=1e-15)


INPLACE = [
    n
    for n in ALL
    if not actlab.spec(n).learnable and inplace_supported(actlab.spec(n), actlab.spec(n).defaults())
]


def test_inplace_forms_exist_for_the_cheap_plans():
    assert {"relu", "leaky_relu", "hardtanh", "sigmoid", "tanh", "identity"} <= set(INPLACE)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_is_correct_under_autograd(name):
    x = _grid(name, torch.float64)
    leaf = x.clone().requires_grad_(True)
    h = leaf * 1.0
    storage = h.data_ptr()
    f = getattr(at.functional, name)
    y = f(h, inplace=True)
    assert y.data_ptr() == storage, "the result must live in the input's storage"
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(3), dtype=y.dtype)
    (gi,) = torch.autograd.grad(y, leaf, g)
    x0 = x.clone().requires_grad_(True)
    y0 = f(x0, impl="autograd")
    (g0,) = torch.autograd.grad(y0, x0, g)
    y0 = y0.detach()
    torch.testing.assert_close(y.detach(), y0, **TOL[torch.float64])
    torch.testing.assert_close(gi, g0, **TOL[torch.float64])


def test_inplace_refuses_leaves_that_require_grad():
    x = torch.randn(5, requires_grad=True)
    with pytest.raises(ParameterError, match="leaf tensor that requires grad"):
        at.functional.relu(x, inplace=True)


def test_inplace_refused_where_parameters_are_learned():
    # functions whose f' needs the input have an in-place form now (as torch's mish_; a copy of the
    # input is kept, tests/test_peer_conventions.py); learnable parameters and tensors still have none
    assert at.Mish(inplace=True).inplace
    with pytest.raises(ParameterError, match="no in-place form"):
        at.PReLU(inplace=True)
    with pytest.raises(ParameterError, match="no in-place form"):
        at.functional.prelu(torch.randn(2, 3) * 1.0, weight=torch.tensor([0.1, 0.2, 0.3]), inplace=True)


def test_inplace_module_in_a_network():
    torch.manual_seed(0)
    lin = torch.nn.Linear(6, 6)
    net = torch.nn.Sequential(lin, at.ReLU(inplace=True), torch.nn.Linear(6, 1))
    ref = torch.nn.Sequential(lin, torch.nn.ReLU(), net[2])
    x = torch.randn(8, 6)
    net(x).sum().backward()
    g1 = lin.weight.grad.clone()
    lin.weight.grad = None
    ref(x).sum().backward()
    torch.testing.assert_close(g1, lin.weight.grad)
    assert "inplace=True" in repr(net[1])


def test_plans():
    assert plan_for(actlab.spec("relu"), {"grad_at_zero": 0.0}).strategy == "mask"
    # one hinge at 1 with slope 1/4: f' is -1/4, 3/4 or 1, too many values for a 1-bit mask
    assert plan_for(actlab.spec("apl"), {"hinges": 1, "a": 0.25, "b": 1.0}).strategy == "input"
    assert plan_for(actlab.spec("identity"), {}).strategy == "constant"
    assert plan_for(actlab.spec("sigmoid"), {}).strategy == "output"
    assert plan_for(actlab.spec("mish"), {}).strategy == "input"
    hs = plan_for(actlab.spec("hardshrink"), {"lambd": 0.5})
    # f' = 1 outside [-0.5, 0.5] and 0 inside, kinks included (torch's convention)
    x = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0])
    from actlab.torch.function import _mask

    m = _mask(x, hs.runs)
    got = torch.where(m, torch.tensor(hs.high), torch.tensor(hs.low))
    assert got.tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]


def test_impl_errors_name_the_fix():
    with pytest.raises(ParameterError, match="impl='fastest' is not one of"):
        at.functional.relu(torch.randn(3), impl="fastest")
    with pytest.raises(ParameterError, match="torch has no kernel identical to mish"):
        at.functional.mish(torch.randn(3), impl="native")
    with pytest.raises(actlab.InputTypeError, match="apply to torch tensors"):
        actlab.get("relu")([1.0, 2.0], inplace=True)


def test_rrelu_training_draws_slopes_and_differentiates_them():
    x = torch.linspace(-3, 3, 101, dtype=torch.float64, requires_grad=True)
    y = at.functional.rrelu(x, training=True, generator=torch.Generator().manual_seed(0))
    (g,) = torch.autograd.grad(y.sum(), x)
    neg = x.detach() < 0
    slopes = y.detach()[neg] / x.detach()[neg]
    torch.testing.assert_close(g[neg], slopes)  # the gradient is the slope drawn for that element
    assert float(slopes.min()) >= 1 / 8 and float(slopes.max()) <= 1 / 3


def test_compiled_switch_gives_the_same_numbers():
    x = _grid("mish", torch.float32)
    y0, g0 = _run("mish", x, "function")
    at.use_compiled(True)
    try:
        y1, g1 = _run("mish", x, "function")
    finally:
        at.use_compiled(False)
    torch.testing.assert_close(y1, y0, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(g1[0], g0[0], rtol=1e-5, atol=1e-6)


def test_caches_keyed_by_parameter_values_are_bounded():
    from actlab._lru import LRU
    from actlab.torch import ckernels
    from actlab.torch import function as fn

    c = LRU(2)
    c["a"], c["b"] = 1, 2
    assert c.get("a") == 1  # a is now the most recent
    c["c"] = 3
    assert list(c) == ["a", "c"] and c.get("b") is None
    s = actlab.spec("elu")
    for k in range(fn._PLANS.maxsize + 50):
        fn.plan_for(s, {"alpha": 1.0 + k / 4096})
    assert len(fn._PLANS) == fn._PLANS.maxsize
    assert isinstance(ckernels._LIBS, LRU) and isinstance(fn._COMPILED_BODIES, LRU)
