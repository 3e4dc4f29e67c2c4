"""The conventions the peers' own test suites expect, on every path (NumPy, torch functional and
module, JAX, Keras): empty and 0-d inputs, tuple axes, integer and bool inputs, in-place forms,
hardtanh with min_val == max_val. Expected values come from torch, Keras, JAX, NumPy and SciPy
themselves, or are worked by hand; none is produced by the code under test. The deliberate
differences that remain are in docs/frameworks.md and docs/torch.md; the tests at the end pin them.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported (xdist imports all modules)

import math  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.special  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import actlab  # noqa: E402
import actlab.jax as aj  # noqa: E402
import actlab.torch as at  # noqa: E402
from actlab import InputTypeError, ParameterError, ShapeError  # noqa: E402
from actlab.torch.function import plan_for  # noqa: E402

from .conftest import ALL, ELEMENTWISE  # noqa: E402

keras = pytest.importorskip("keras")
import actlab.keras as ak  # noqa: E402

K = keras.ops
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

VECTOR = ["softmax", "log_softmax", "softmin", "sparsemax"]
# torch's own functions for the softmax family (sparsemax has none: its 0-d value is worked by hand)
TORCH_VECTOR = {
    "softmax": lambda x, dim: F.softmax(x, dim=dim),
    "log_softmax": lambda x, dim: F.log_softmax(x, dim=dim),
    "softmin": lambda x, dim: F.softmin(x, dim=dim),
}
# a single entry is the whole distribution: softmax = softmin = sparsemax = 1, log_softmax = 0, and
# every derivative is 0 (f does not depend on x)
BY_HAND_0D = {"softmax": 1.0, "log_softmax": 0.0, "softmin": 1.0, "sparsemax": 1.0}
# fixed parameters: functions whose defaults are learnable still take numbers in the functional form
NO_TENSOR_PARAMS = [n for n in ELEMENTWISE]


def _np(t) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(t)) if not isinstance(t, np.ndarray) else t


# ----------------------------------------------------------------------------- 0-d vector inputs
@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("dim", [-1, 0])
def test_vector_kinds_on_a_0d_input_match_torch(name, dim):
    want = BY_HAND_0D[name]
    if name in TORCH_VECTOR:
        assert TORCH_VECTOR[name](torch.tensor(2.0), dim).item() == want  # torch agrees with the hand
    # NumPy: a Python number, a NumPy scalar and a 0-d array
    for x in (2.0, np.float64(2.0), np.array(2.0, dtype=np.float32)):
        y = actlab.get(name)(x, axis=dim)
        assert np.ndim(y) == 0 and float(y) == want
    assert actlab.get(name)(np.array(2.0, dtype=np.float32)).dtype == np.float32
    assert actlab.get(name).vjp(2.0, 3.0, axis=dim) == 0.0
    assert actlab.get(name).derivative(2.0, axis=dim) == 0.0  # the 1x1 Jacobian of a 0-d input
    # torch: functional (every impl), module, values and gradients against torch's own
    for impl in ("auto", "function", "autograd"):
        x = torch.tensor(2.0, requires_grad=True)
        y = getattr(at.functional, name)(x, dim=dim, impl=impl)
        assert y.shape == () and y.item() == want
        y.backward()
        assert x.grad.item() == 0.0
        if name in TORCH_VECTOR:
            x2 = torch.tensor(2.0, requires_grad=True)
            TORCH_VECTOR[name](x2, dim).backward()
            assert x.grad.item() == x2.grad.item()
    module = at.create(name, dim=dim)
    assert module(torch.tensor(2.0, dtype=torch.float64)).item() == want
    # JAX: value and grad (jax.grad of a 0-d function of a 0-d input)
    assert float(getattr(aj, name)(jnp.float32(2.0), axis=dim)) == want
    assert float(jax.grad(lambda t: getattr(aj, name)(t, axis=dim))(jnp.float32(2.0))) == 0.0
    # Keras: the function and the layer
    assert float(_np(getattr(ak, name)(K.convert_to_tensor(2.0), axis=dim))) == want
    assert float(_np(ak.create(name, axis=dim)(K.convert_to_tensor(2.0)))) == want


@pytest.mark.parametrize("name", VECTOR)
def test_vector_kinds_on_a_0d_input_refuse_other_axes(name):
    with pytest.raises(IndexError):
        F.softmax(torch.tensor(2.0), dim=1)  # torch: "expected to be in range of [-1, 0]"
    for call in (
        lambda: actlab.get(name)(2.0, axis=1),
        lambda: getattr(at.functional, name)(torch.tensor(2.0), dim=-2),
        lambda: getattr(aj, name)(jnp.float32(2.0), axis=1),
        lambda: getattr(ak, name)(K.convert_to_tensor(2.0), axis=1),
    ):
        with pytest.raises(ShapeError, match=r"out of range for a 0-d input .* -1 or 0"):
            call()


def test_gated_kinds_refuse_a_0d_input_as_torch_does():
    with pytest.raises(RuntimeError, match="scalars"):
        F.glu(torch.tensor(2.0))
    for call in (
        lambda: actlab.get("glu")(2.0),
        lambda: at.functional.glu(torch.tensor(2.0)),
        lambda: aj.glu(jnp.float32(2.0)),
        lambda: ak.glu(K.convert_to_tensor(2.0)),
    ):
        with pytest.raises(ShapeError, match="scalar"):
            call()


# ----------------------------------------------------------------------------- empty inputs
EMPTY_SHAPES = [(0,), (3, 0), (0, 3), (2, 0, 4)]


@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("shape", EMPTY_SHAPES)
def test_vector_kinds_on_empty_inputs_give_empty_outputs(name, shape):
    want = F.softmax(torch.empty(shape), dim=-1).shape  # torch: the input's shape, no elements
    assert tuple(want) == shape
    y = actlab.get(name)(np.empty(shape))
    assert y.shape == shape and y.dtype == np.float64
    assert actlab.get(name)(np.empty(shape, np.float32)).dtype == np.float32
    assert actlab.get(name).vjp(np.empty(shape), np.empty(shape)).shape == shape
    for impl in ("auto", "function", "autograd"):
        x = torch.empty(shape, requires_grad=True)
        y = getattr(at.functional, name)(x, impl=impl)
        assert y.shape == want and y.dtype == torch.float32
        y.sum().backward()  # on the graph, as torch's is
        assert x.grad.shape == want
    assert at.create(name)(torch.empty(shape)).shape == want
    assert getattr(aj, name)(jnp.zeros(shape)).shape == shape
    assert jax.grad(lambda t: getattr(aj, name)(t).sum())(jnp.zeros(shape)).shape == shape
    assert tuple(getattr(ak, name)(np.zeros(shape, "float32")).shape) == shape
    if name in ("softmax", "log_softmax"):
        # Keras's and JAX's own give the same empty shape
        kf = getattr(keras.activations, name)
        assert tuple(kf(np.zeros(shape, "float32")).shape) == shape
        assert getattr(jax.nn, name)(jnp.zeros(shape)).shape == shape


@pytest.mark.parametrize("name", ["glu", "swiglu", "reglu"])
@pytest.mark.parametrize("shape", [(0,), (0, 4), (3, 0)])
def test_gated_kinds_on_empty_inputs_halve_the_axis_as_torch(name, shape):
    want = tuple(F.glu(torch.empty(shape), dim=-1).shape)
    assert actlab.get(name)(np.empty(shape)).shape == want
    x = torch.empty(shape, requires_grad=True)
    y = getattr(at.functional, name)(x)
    assert tuple(y.shape) == want
    y.sum().backward()
    assert x.grad.shape == shape
    assert aj.get(name)(jnp.zeros(shape)).shape == want
    assert tuple(ak.get(name)(np.zeros(shape, "float32")).shape) == want


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_on_empty_and_0d_inputs_every_path(name):
    # the value at a 0-d input is the value at the same number in a 1-element array (NumPy)
    x0 = 0.75
    want = float(actlab.get(name)(np.array([x0]))[0])
    assert float(actlab.get(name)(np.float64(x0))) == want
    # other paths: the same number within float64 rounding (their formulas differ in the last ulp)
    same = lambda got: got == pytest.approx(want, rel=1e-13, abs=1e-300)  # noqa: E731
    assert actlab.get(name)(np.empty((0, 3))).shape == (0, 3)
    t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = getattr(at.functional, name)(t)
    assert y.shape == () and same(y.item())
    y.backward()
    e = torch.empty((0, 3), requires_grad=True)
    y = getattr(at.functional, name)(e)
    assert y.shape == (0, 3)
    y.sum().backward()
    assert e.grad.shape == (0, 3)
    m = at.create(name, dtype=torch.float64) if actlab.spec(name).learnable else at.create(name)
    assert m(torch.tensor(x0, dtype=torch.float64)).shape == ()
    assert m(torch.empty((0, 3))).shape == (0, 3)
    with jax.enable_x64(True):
        assert same(float(getattr(aj, name)(jnp.float64(x0))))
    assert getattr(aj, name)(jnp.zeros((0, 3))).shape == (0, 3)
    assert tuple(getattr(ak, name)(np.zeros((0, 3), "float32")).shape) == (0, 3)
    assert np.ndim(_np(getattr(ak, name)(K.convert_to_tensor(x0)))) == 0


# ----------------------------------------------------------------------------- tuple axes
XT = np.random.default_rng(1).normal(size=(2, 3, 4)) * 2


@pytest.mark.parametrize("axes", [(1, 2), (0, 2), (0, 1, 2), (-1, 0), (2,)])
def test_tuple_axes_softmax_family_numpy_against_scipy(axes):
    np.testing.assert_allclose(
        actlab.get("softmax")(XT, axis=axes), scipy.special.softmax(XT, axis=axes), rtol=1e-14
    )
    np.testing.assert_allclose(
        actlab.get("log_softmax")(XT, axis=axes), scipy.special.log_softmax(XT, axis=axes), rtol=1e-14
    )
    np.testing.assert_allclose(
        actlab.get("softmin")(XT, axis=axes), scipy.special.softmax(-XT, axis=axes), rtol=1e-14
    )
    # the vjp over merged axes: g - sum(g * p) over those axes, times p (worked by hand from p)
    g = np.cos(XT)
    p = scipy.special.softmax(XT, axis=axes)
    want = p * (g - np.sum(g * p, axis=axes, keepdims=True))
    np.testing.assert_allclose(actlab.get("softmax").vjp(XT, g, axis=axes), want, rtol=1e-12, atol=1e-15)


def test_tuple_axes_sparsemax_against_the_reference_on_merged_rows():
    s = actlab.spec("sparsemax")
    y = actlab.get("sparsemax")(XT, axis=(1, 2))
    for i in range(XT.shape[0]):
        want = [float(v) for v in s.reference(list(XT[i].reshape(-1)))]  # mpmath, written apart from forward
        np.testing.assert_allclose(y[i].reshape(-1), want, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(y.sum(axis=(1, 2)), 1.0, rtol=1e-14)


@pytest.mark.parametrize("axes", [(1, 2), (0, 2), (2, 0, 1)])
def test_tuple_axes_jax_against_jax_nn(axes):
    x = jnp.asarray(XT, jnp.float32)
    for ours, theirs in (
        (aj.softmax, jax.nn.softmax),
        (aj.log_softmax, jax.nn.log_softmax),
        (aj.softmin, lambda t, axis: jax.nn.softmax(-t, axis=axis)),
    ):
        np.testing.assert_allclose(ours(x, axis=axes), theirs(x, axis=axes), rtol=2e-6, atol=1e-7)
        w = jnp.cos(x)
        g1 = jax.jit(jax.grad(lambda t: (ours(t, axis=axes) * w).sum()))(x)  # noqa: B023
        g2 = jax.grad(lambda t: (theirs(t, axis=axes) * w).sum())(x)  # noqa: B023
        np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-6)
        _, t1 = jax.jvp(lambda t: ours(t, axis=axes), (x,), (w,))  # noqa: B023
        _, t2 = jax.jvp(lambda t: theirs(t, axis=axes), (x,), (w,))  # noqa: B023
        np.testing.assert_allclose(t1, t2, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("axes", [(1, 2), (0, 2), [1, 2]])
def test_tuple_axes_keras_against_keras_activations(axes):
    x = XT.astype("float32")
    for name in ("softmax", "log_softmax"):
        want = _np(getattr(keras.activations, name)(x, axis=tuple(axes)))
        np.testing.assert_allclose(_np(getattr(ak, name)(x, axis=axes)), want, rtol=2e-6, atol=1e-6)
        np.testing.assert_allclose(_np(ak.get(name, axis=axes)(x)), want, rtol=2e-6, atol=1e-6)
        np.testing.assert_allclose(_np(ak.create(name, axis=axes)(x)), want, rtol=2e-6, atol=1e-6)
    # configs hold a list (JSON) and load back; a functional-API call on a symbolic input works
    act = ak.get("softmax", axis=axes)
    assert act.get_config()["axis"] == list(axes)
    again = ak.ActivationFunction.from_config(act.get_config())
    np.testing.assert_array_equal(_np(again(x)), _np(act(x)))
    layer = ak.Softmax(axis=axes)
    assert type(layer).from_config(layer.get_config()).axis == tuple(axes)
    inp = keras.Input(x.shape[1:])
    model = keras.Model(inp, ak.softmax(inp, axis=tuple(a for a in axes)))
    np.testing.assert_allclose(
        _np(model(x)), _np(keras.activations.softmax(x, axis=tuple(axes))), rtol=2e-6, atol=1e-6
    )


def test_tuple_axes_keras_gradient_against_keras_autodiff():
    if keras.backend.backend() != "torch":
        pytest.skip("the gradient is read with torch autograd here (the torch backend)")
    x = torch.tensor(XT, dtype=torch.float32, requires_grad=True)
    w = torch.cos(x.detach())
    (ak.softmax(x, axis=(0, 2)) * w).sum().backward()
    x2 = x.detach().clone().requires_grad_(True)
    (keras.activations.softmax(x2, axis=(0, 2)) * w).sum().backward()
    torch.testing.assert_close(x.grad, x2.grad, rtol=1e-5, atol=1e-6)


def test_torch_dim_is_one_int_and_a_tuple_names_the_fix():
    with pytest.raises(TypeError):
        F.softmax(torch.ones(2, 3), dim=(0, 1))  # torch's own refusal
    with pytest.raises(ShapeError, match=r"dim=\(0, 1\): torch's dim is one int.*flatten"):
        at.functional.softmax(torch.ones(2, 3), dim=(0, 1))
    with pytest.raises(ShapeError, match="torch's dim is one int"):
        actlab.get("log_softmax")(torch.ones(2, 3), axis=(0, 1))
    with pytest.raises(ParameterError, match=r"dim=\(1, 2\): torch's dim is one int.*flatten"):
        at.Softmax(dim=(1, 2))


def test_out_of_range_and_repeated_axes_name_the_axis_and_ndim():
    x = np.ones((2, 3))
    for call, word in (
        (lambda: actlab.get("softmax")(x, axis=2), "axis"),
        (lambda: actlab.get("softmax")(x, axis=(0, 5)), "axis"),
        (lambda: actlab.get("glu")(x, axis=-3), "axis"),
        (lambda: at.functional.softmax(torch.ones(2, 3), dim=2), "dim"),
        (lambda: at.Softmax(dim=-3)(torch.ones(2, 3)), "dim"),
        (lambda: aj.softmax(jnp.ones((2, 3)), axis=(1, 2)), "axis"),
        (lambda: ak.softmax(x.astype("float32"), axis=(2, 0)), "axis"),
        (lambda: ak.glu(x.astype("float32"), axis=2), "axis"),
    ):
        with pytest.raises(ShapeError, match=rf"{word} -?\d is out of range for an input with 2 dimensions"):
            call()
    with pytest.raises(ShapeError, match="names the same axis twice"):
        actlab.get("softmax")(x, axis=(1, -1))
    with pytest.raises(ShapeError, match="names the same axis twice"):
        aj.softmax(jnp.ones((2, 3)), axis=(0, -2))
    with pytest.raises(ShapeError, match="one axis"):
        actlab.get("glu")(np.ones((2, 4)), axis=(0, 1))
    with pytest.raises(ShapeError, match="names no axis"):
        actlab.get("softmax")(x, axis=())
    with pytest.raises(ShapeError, match="Jacobian is along one axis"):
        actlab.get("softmax").derivative(x, axis=(0, 1))


# ----------------------------------------------------------------------------- integers and bools
INTS_TORCH = [torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool]


def test_torch_promotes_integers_like_torch_sigmoid():
    x = torch.tensor([-1, 0, 2])
    y = at.functional.gelu(x)
    assert y.dtype == torch.float32 == torch.sigmoid(x).dtype
    # the values of gelu at -1, 0, 2 (float64 torch, rounded), within a few float32 ulps: torch's
    # own float32 rounding is not the reference
    want = F.gelu(torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64)).float()
    torch.testing.assert_close(y, want, rtol=4 * 2**-23, atol=0)
    for dt in INTS_TORCH:
        xi = torch.tensor([1, 0, 1], dtype=dt)
        assert at.functional.tanh(xi).dtype == torch.tanh(xi).dtype == torch.get_default_dtype()
        torch.testing.assert_close(at.functional.tanh(xi), torch.tanh(xi), rtol=0, atol=0)
    # with another default dtype, as torch
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        y = at.functional.softplus(x)
        assert y.dtype == torch.float64 == torch.sigmoid(x).dtype
        torch.testing.assert_close(y, F.softplus(x.double()), rtol=1e-15, atol=0)
    finally:
        torch.set_default_dtype(before)


@pytest.mark.parametrize("name", ALL)
def test_torch_integer_input_equals_its_float_form(name):
    s = actlab.spec(name)
    x = torch.tensor([[-3, -1, 0, 1, 2, 5]] * 2)
    xf = x.to(torch.get_default_dtype())
    kw = {"dim": 0} if s.kind != "elementwise" else {}
    y = getattr(at.functional, name)(x, **kw)
    assert y.dtype == torch.get_default_dtype()
    torch.testing.assert_close(y, getattr(at.functional, name)(xf, **kw), rtol=0, atol=0, equal_nan=True)
    if s.kind == "elementwise" and not s.learnable:
        m = at.create(name).eval()  # rrelu: the evaluation slope
        torch.testing.assert_close(m(x), m(xf), rtol=0, atol=0, equal_nan=True)
    if s.kind == "elementwise":
        d = actlab.get(name).derivative(x)
        assert d.dtype == torch.get_default_dtype()
        torch.testing.assert_close(d, actlab.get(name).derivative(xf), rtol=0, atol=0, equal_nan=True)


def test_torch_integer_in_place_is_refused_as_torch_refuses():
    x = torch.tensor([-1, 0, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.sigmoid_(x.clone())
    with pytest.raises(InputTypeError, match="int64.*out of place"):
        at.functional.sigmoid(x.clone(), inplace=True)
    with pytest.raises(InputTypeError, match="int64"):
        at.ReLU(inplace=True)(x.clone())


NP_INTS = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64, np.uint64, np.bool_]


@pytest.mark.parametrize("dt", NP_INTS)
def test_numpy_promotes_integers_like_its_ufuncs(dt):
    x = np.array([0, 1, 1, 0], dtype=dt)
    want_dtype = np.tanh(x).dtype  # NumPy's own rule: float16 for 8-bit and bool, float32 for 16-bit
    for name in ("tanh", "softplus", "gelu", "relu"):
        y = actlab.get(name)(x)
        assert y.dtype == want_dtype, (name, dt)
        np.testing.assert_array_equal(y, actlab.get(name)(x.astype(np.float64)).astype(want_dtype))
    np.testing.assert_array_equal(actlab.get("tanh")(x), np.tanh(x))  # correctly rounded, as NumPy's
    assert actlab.get("sigmoid").derivative(x).dtype == want_dtype
    assert actlab.get("softmax")(x).dtype == want_dtype


def test_numpy_integer_scalars_and_lists():
    y = actlab.get("softplus")(np.int32(0))
    assert y.dtype == np.float64 == np.logaddexp(np.int32(0), 0).dtype and y == math.log(2.0)
    assert actlab.get("softplus")(0) == math.log(2.0)
    y = actlab.get("sigmoid")([1, 2])
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, scipy.special.expit([1.0, 2.0]), rtol=1e-15)


def test_jax_promotes_integers_to_the_default_float():
    y = aj.gelu(jnp.array(-1))
    assert y.dtype == jnp.tanh(jnp.array(-1)).dtype == jnp.float32
    np.testing.assert_allclose(float(y), float(jax.nn.gelu(jnp.float32(-1.0), approximate=False)), rtol=1e-6)
    assert aj.sigmoid(jnp.array([True, False])).dtype == jnp.float32
    assert aj.softmax(jnp.array([1, 2, 3])).dtype == jax.nn.softmax(jnp.array([1, 2, 3])).dtype
    np.testing.assert_allclose(
        aj.softmax(jnp.array([1, 2, 3])), jax.nn.softmax(jnp.array([1.0, 2.0, 3.0])), rtol=1e-6
    )
    assert aj.get("gelu").derivative(jnp.array([1, 2])).dtype == jnp.float32
    with jax.enable_x64(True):
        x = jnp.array([-1, 0, 2], dtype=jnp.int64)
        assert aj.elu(x).dtype == jnp.tanh(x).dtype == jnp.float64
        np.testing.assert_allclose(aj.elu(x), jax.nn.elu(x.astype(jnp.float64)), rtol=1e-15)
        assert aj.get("elu").derivative(x).dtype == jnp.float64


def test_keras_promotes_integers_to_floatx():
    x = np.array([-1, 0, 2], dtype="int32")
    y = ak.identity(x)  # Keras's `linear`
    # keras.ops.exp's rule (floatx); keras.ops.sigmoid gives float32 whatever floatx is
    assert K.dtype(y) == keras.config.floatx() == K.dtype(K.exp(x))
    np.testing.assert_array_equal(_np(y), [-1.0, 0.0, 2.0])
    np.testing.assert_allclose(_np(ak.gelu(x)), _np(keras.activations.gelu(x.astype("float32"))), rtol=1e-6)
    assert K.dtype(ak.tanh(np.array([True, False]))) == keras.config.floatx()
    assert K.dtype(ak.Mish()(x)) == keras.config.floatx()
    inp = keras.Input((3,), dtype="int32")
    model = keras.Model(inp, ak.relu(inp))
    assert K.dtype(model(x[None])) == keras.config.floatx()
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        if keras.backend.backend() == "jax" and not jax.config.jax_enable_x64:
            pytest.skip("float64 on Keras's JAX backend needs jax_enable_x64")
        assert K.dtype(ak.relu(x)) == "float64" == K.dtype(K.exp(x))
        np.testing.assert_array_equal(_np(ak.relu(x)), [0.0, 0.0, 2.0])
    finally:
        keras.config.set_floatx(before)


# ----------------------------------------------------------------------------- in place
GRID = torch.tensor([-30.0, -3.0, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 3.0, 30.0], dtype=torch.float64)


def _inplace_vs_out_of_place(ours, theirs=None):
    """Value and gradient of ours(h, inplace=True) on a computed tensor h, against ours out of
    place and (where given) torch's own in-place form."""
    leaf = GRID.clone().requires_grad_(True)
    h = leaf * 1.0
    ptr = h.data_ptr()
    y = ours(h, True)
    assert y.data_ptr() == ptr and h.data_ptr() == ptr  # the result lives in the input's storage
    g = torch.cos(GRID)
    (gi,) = torch.autograd.grad(y, leaf, g)
    x0 = GRID.clone().requires_grad_(True)
    y0 = ours(x0, False)
    (g0,) = torch.autograd.grad(y0, x0, g)
    torch.testing.assert_close(y.detach(), y0.detach(), rtol=1e-15, atol=0)
    # f' from the output (elu family) carries the output's rounding: an absolute error of an ulp of
    # alpha where f' is tiny (as torch's own in-place backward); from the input it is exact
    torch.testing.assert_close(gi, g0, rtol=1e-13, atol=1e-15)
    if theirs is not None:
        leaf2 = GRID.clone().requires_grad_(True)
        y2 = theirs(leaf2 * 1.0)
        (g2,) = torch.autograd.grad(y2, leaf2, g)
        torch.testing.assert_close(y.detach(), y2.detach(), rtol=1e-15, atol=1e-300)
        torch.testing.assert_close(gi, g2, rtol=1e-12, atol=1e-300)
    return y


@pytest.mark.parametrize(
    "name, params, theirs",
    [
        ("elu", {}, lambda t: F.elu(t, inplace=True)),
        ("elu", {"alpha": 0.5}, lambda t: F.elu(t, 0.5, inplace=True)),
        ("elu", {"alpha": 2.0}, lambda t: F.elu(t, 2.0, inplace=True)),
        ("celu", {}, lambda t: F.celu(t, inplace=True)),
        ("celu", {"alpha": 0.5}, lambda t: F.celu(t, 0.5, inplace=True)),
        ("selu", {}, lambda t: F.selu(t, inplace=True)),
    ],
)
def test_inplace_elu_family_saves_only_the_output(name, params, theirs):
    s = actlab.spec(name)
    # f' from the output (f + alpha below 0): in place keeps no copy of the input; out of place
    # the input is kept (f + alpha cancels in the far left tail)
    p = actlab.get(name, **params).params
    assert plan_for(s, p, inplace=True).strategy == "output"
    assert plan_for(s, p).strategy == "input"
    f = getattr(at.functional, name)
    _inplace_vs_out_of_place(lambda t, inplace: f(t, inplace=inplace, **params), theirs)
    # the module form too
    m = at.create(name, inplace=True, **params)
    assert m.inplace
    _inplace_vs_out_of_place(lambda t, inplace: (m if inplace else at.create(name, **params))(t), theirs)


def test_elu_derivative_from_output_is_torchs_in_place_formula():
    # torch's in-place elu backward: grad * (y + alpha) below 0 (is_result=True); worked by hand
    x = torch.tensor([-2.0, -0.5, 0.0], dtype=torch.float64)
    y = F.elu(x, 0.5)
    d = actlab.spec("elu").derivative_from_output(y, actlab.ops.torch, alpha=0.5)
    torch.testing.assert_close(d, 0.5 * torch.exp(x), rtol=0, atol=2e-16)
    y = F.celu(x, 0.5)
    d = actlab.spec("celu").derivative_from_output(y, actlab.ops.torch, alpha=0.5)
    torch.testing.assert_close(d, torch.exp(x / 0.5), rtol=0, atol=4e-16)
    y = F.selu(x)
    d = actlab.spec("selu").derivative_from_output(y, actlab.ops.torch)
    la = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717
    torch.testing.assert_close(
        d, torch.where(x > 0, 1.0507009873554805, la * torch.exp(x)), rtol=0, atol=4e-16
    )


@pytest.mark.parametrize(
    "name, theirs",
    [
        ("silu", lambda t: F.silu(t, inplace=True)),
        ("mish", lambda t: F.mish(t, inplace=True)),
        ("hardswish", lambda t: F.hardswish(t, inplace=True)),
        ("rrelu", lambda t: F.rrelu(t, inplace=True)),  # evaluation mode: the slope 11/48
    ],
)
def test_inplace_where_torch_keeps_a_copy_works_as_torchs(name, theirs):
    # torch's silu_/mish_/hardswish_/rrelu_ train (autograd keeps a copy of the input): so do ours
    f = getattr(at.functional, name)
    _inplace_vs_out_of_place(lambda t, inplace: f(t, inplace=inplace), theirs)
    m = at.create(name, inplace=True).eval()  # rrelu: the evaluation slope, as F.rrelu's default
    assert m.inplace
    _inplace_vs_out_of_place(lambda t, inplace: (m if inplace else at.create(name).eval())(t), theirs)


def test_inplace_rrelu_in_training_draws_like_out_of_place():
    leaf = GRID.clone().requires_grad_(True)
    h = leaf * 1.0
    y = at.functional.rrelu(h, training=True, generator=torch.Generator().manual_seed(5), inplace=True)
    assert y.data_ptr() == h.data_ptr()
    (gi,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    x0 = GRID.clone().requires_grad_(True)
    y0 = at.functional.rrelu(x0, training=True, generator=torch.Generator().manual_seed(5))
    (g0,) = torch.autograd.grad(y0, x0, torch.ones_like(y0))
    torch.testing.assert_close(y.detach(), y0.detach(), rtol=0, atol=0)
    torch.testing.assert_close(gi, g0, rtol=0, atol=0)
    neg = GRID < 0
    slopes = gi[neg]
    assert bool(((slopes >= 1 / 8) & (slopes <= 1 / 3)).all())  # torch's bounds, by hand
    torch.testing.assert_close(y.detach()[neg], GRID[neg] * slopes, rtol=1e-15, atol=0)
    # torch's own rrelu_ in training works under autograd too
    t = GRID.clone().requires_grad_(True)
    F.rrelu(t * 1.0, training=True, inplace=True).sum().backward()
    assert t.grad is not None


def test_inplace_modules_in_a_network_train_like_torchs():
    torch.manual_seed(0)
    lin = torch.nn.Linear(6, 6).double()
    head = torch.nn.Linear(6, 1).double()
    x = torch.randn(8, 6, dtype=torch.float64)
    for ours, theirs in (
        (at.SiLU(inplace=True), torch.nn.SiLU(inplace=True)),
        (at.ELU(alpha=0.5, inplace=True), torch.nn.ELU(alpha=0.5, inplace=True)),
        (at.Hardswish(inplace=True), torch.nn.Hardswish(inplace=True)),
    ):
        grads = []
        for act in (ours, theirs):
            lin.zero_grad()
            head(act(lin(x))).sum().backward()
            grads.append(lin.weight.grad.clone())
        torch.testing.assert_close(grads[0], grads[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if not actlab.spec(n).learnable])
@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
def test_inplace_without_autograd_works_for_every_elementwise_function(name, mode):
    f = getattr(at.functional, name)
    want = f(GRID)
    ctx = torch.no_grad() if mode == "no_grad" else torch.inference_mode()
    with ctx:
        # a leaf that requires grad may be overwritten where no graph is recorded, as torch allows
        x = GRID.clone().requires_grad_(mode == "no_grad")
        ptr = x.data_ptr()
        y = f(x, inplace=True)
    assert y.data_ptr() == ptr
    # where the out-of-place default is torch's kernel and the in-place one the spec's formula, the
    # two may differ in the last ulp
    torch.testing.assert_close(y.detach(), want, rtol=1e-15, atol=1e-300, equal_nan=True)
    with ctx:
        x32 = GRID.float()
        at.create(name, inplace=True).eval()(x32)  # rrelu: the evaluation slope
    torch.testing.assert_close(x32, f(GRID.float()), rtol=2.4e-7, atol=1e-38, equal_nan=True)


def test_inplace_on_a_leaf_that_requires_grad_is_refused_at_call_time():
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        F.silu(torch.ones(3, requires_grad=True), inplace=True)  # torch refuses too
    for name in ("silu", "elu", "relu", "mish"):
        with pytest.raises(ParameterError, match="leaf tensor that requires grad.*out of place"):
            getattr(at.functional, name)(torch.ones(3, requires_grad=True), inplace=True)


# ----------------------------------------------------------------------------- hardtanh a == b
X_HT = torch.tensor([-math.inf, -2.0, 0.0, 0.49, 0.5, 0.51, 2.0, math.inf, math.nan], dtype=torch.float64)


def test_hardtanh_with_equal_bounds_matches_torch_on_every_path():
    x = X_HT.clone().requires_grad_(True)
    want = F.hardtanh(x, 0.5, 0.5)
    want.sum().backward()
    want_g = x.grad.clone()
    # torch: constant 0.5 (NaN at NaN) and gradient 0 everywhere, x == 0.5 included; by hand too.
    # (At NaN torch's gradient is 1: the documented NaN difference, pinned below.)
    torch.testing.assert_close(
        want.detach(), torch.tensor([0.5] * 8 + [math.nan], dtype=torch.float64), equal_nan=True
    )
    assert bool((want_g[:-1] == 0).all())
    want_g = want_g[:-1]
    for impl in ("auto", "function", "autograd"):
        for memory in ("default", "lean"):
            x = X_HT.clone().requires_grad_(True)
            y = at.functional.hardtanh(x, 0.5, 0.5, impl=impl, memory=memory)
            y.sum().backward()
            torch.testing.assert_close(y.detach(), want.detach(), rtol=0, atol=0, equal_nan=True)
            torch.testing.assert_close(x.grad[:-1], want_g, rtol=0, atol=0)
    x = X_HT.clone().requires_grad_(True)
    at.functional.hardtanh(x, 0.5, 0.5).sum().backward()
    assert x.grad[-1].item() == 1.0  # the default path is torch's kernel, NaN included
    m = at.Hardtanh(min_val=0.5, max_val=0.5)
    torch.testing.assert_close(m(X_HT), want.detach(), rtol=0, atol=0, equal_nan=True)
    xn = X_HT.numpy()
    np.testing.assert_array_equal(actlab.get("hardtanh", min_val=0.5, max_val=0.5)(xn), want.detach().numpy())
    np.testing.assert_array_equal(
        actlab.get("hardtanh", min_val=0.5, max_val=0.5).derivative(xn[:-1]), want_g.numpy()
    )
    with jax.enable_x64(True):
        xj = jnp.asarray(xn)
        np.testing.assert_array_equal(aj.hardtanh(xj, 0.5, 0.5), want.detach().numpy())
        np.testing.assert_array_equal(
            jax.grad(lambda t: aj.hardtanh(t, 0.5, 0.5).sum())(xj)[:-1], want_g.numpy()
        )
    x32 = xn.astype("float32")
    np.testing.assert_array_equal(_np(ak.hardtanh(x32, 0.5, 0.5)), want.detach().numpy().astype("float32"))
    # in place too (a constant slope: nothing saved)
    leaf = X_HT[:-1].clone().requires_grad_(True)
    y = at.functional.hardtanh(leaf * 1.0, 0.5, 0.5, inplace=True)
    (g,) = torch.autograd.grad(y.sum(), leaf)
    assert bool((g == 0).all())


def test_hardtanh_with_min_above_max_is_refused_as_torch_refuses():
    with pytest.raises(ValueError, match="cannot be greater"):
        F.hardtanh(torch.ones(2), 1.0, 0.5)
    with pytest.raises(ParameterError, match="must not be greater than max_val"):
        actlab.get("hardtanh", min_val=1.0, max_val=0.5)
    with pytest.raises(ParameterError, match="must not be greater than max_val"):
        at.Hardtanh(min_val=1.0, max_val=0.5)


# ----------------------------------------------------------------------------- documented differences
def test_documented_difference_torch_kernels_give_a_slope_at_nan():
    # docs/torch.md: on torch's own kernels (the default path) f'(NaN) is torch's slope, not NaN
    for name, theirs in (("relu", F.relu), ("elu", F.elu), ("hardtanh", F.hardtanh)):
        x = torch.tensor([math.nan], dtype=torch.float64, requires_grad=True)
        getattr(at.functional, name)(x).sum().backward()
        x2 = torch.tensor([math.nan], dtype=torch.float64, requires_grad=True)
        theirs(x2).sum().backward()
        assert not math.isnan(x.grad.item()) and x.grad.item() == x2.grad.item()
        assert math.isnan(actlab.get(name).derivative(np.array([math.nan]))[0])  # NumPy: NaN


def test_documented_difference_softmax_with_inf_and_glu_with_a_vanished_gate():
    inf = math.inf
    x = torch.tensor([inf, 0.0], dtype=torch.float64)
    for name, theirs in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
        assert bool(getattr(at.functional, name)(x).isnan().all())  # torch's kernel: NaN
        assert bool(theirs(x, dim=-1).isnan().all())
    torch.testing.assert_close(
        at.functional.softmax(x, impl="function"), torch.tensor([1.0, 0.0], dtype=torch.float64)
    )
    np.testing.assert_array_equal(actlab.get("softmax")(np.array([inf, 0.0])), [1.0, 0.0])
    np.testing.assert_array_equal(aj.softmax(jnp.array([inf, 0.0])), [1.0, 0.0])
    np.testing.assert_array_equal(_np(ak.softmax(np.array([inf, 0.0], "float32"))), [1.0, 0.0])
    # glu(a = -inf, gate b = -inf): -inf * sigmoid(-inf); the limit is -0 (a e^b -> 0 from below)
    g = torch.tensor([-inf, -inf], dtype=torch.float64)
    assert math.isnan(at.functional.glu(g).item()) and math.isnan(F.glu(g).item())
    y = at.functional.glu(g, impl="function").item()
    assert y == 0.0 and math.copysign(1.0, y) == -1.0
    y = float(actlab.get("glu")(np.array([-inf, -inf]))[0])
    assert y == 0.0 and math.copysign(1.0, y) == -1.0


def test_documented_difference_integer_relu_gives_a_float():
    x = torch.tensor([-1, 0, 2])
    assert F.relu(x).dtype == torch.int64 and F.hardtanh(x).dtype == torch.int64  # torch keeps ints
    y = at.functional.relu(x)
    assert y.dtype == torch.get_default_dtype()  # actlab: the promoting rule, for every function
    torch.testing.assert_close(y, torch.tensor([0.0, 0.0, 2.0]), rtol=0, atol=0)
    assert (
        jax.nn.relu(jnp.array([-1, 2])).dtype == jnp.int32
        and aj.relu(jnp.array([-1, 2])).dtype == jnp.float32
    )
