"""actlab.keras on Keras 3: activations, layers, serialization, training, names, errors.

This process runs Keras on KERAS_BACKEND (torch unless set); ``test_other_backend`` runs this
same file on the other backend (torch <-> jax) in one subprocess, so both are tested in one run.
Values and derivatives of every entry on both backends against NumPy: tests/test_parity.py.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported (xdist imports all modules)

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

import actlab  # noqa: E402
import actlab.keras as ak  # noqa: E402
from actlab import InputTypeError, ParameterError, ShapeError, UnknownActivationError  # noqa: E402
from actlab.check import param_sets  # noqa: E402
from actlab.naming import class_name  # noqa: E402
from actlab.ops import numpy as onp  # noqa: E402

from .conftest import ALL  # noqa: E402

BACKEND = keras.backend.backend()
# Keras's torch backend converts tensors with np.array(x) inside predict(), which NumPy 2 warns about
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
K = keras.ops
LEARNABLE = actlab.list_activations(learnable=True)
NOT_GATED = [n for n in ALL if actlab.spec(n).kind != "gated"]
GATED = actlab.list_activations(kind="gated")
RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 16)).astype("float32") * 3


def _np(t) -> np.ndarray:
    if hasattr(t, "detach"):  # torch: skips keras's conversion, which warns under NumPy 2
        return t.detach().cpu().numpy()
    return np.asarray(K.convert_to_numpy(t))


def _grads(fn, x, weights, upstream):
    """d sum(upstream * fn(x)) / d(x, *weights) by this backend's autodiff."""
    if BACKEND == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        ws = [w.value for w in weights]
        out = torch.autograd.grad((fn(xt) * torch.tensor(upstream)).sum(), [xt, *ws])
        return [o.detach().numpy() for o in out]
    import jax

    def loss(xv, wv):
        for w, v in zip(weights, wv):
            w.assign(v)
        return (fn(xv) * upstream).sum()

    vals = [w.value for w in weights]
    gx, gw = jax.grad(loss, argnums=(0, 1))(x, vals)
    for w, v in zip(weights, vals):
        w.assign(v)
    return [np.asarray(gx), *[np.asarray(g) for g in gw]]


def _dense(units: int, **kw) -> keras.layers.Dense:
    d = keras.layers.Dense(units, **kw)
    d.build((None, X.shape[1]))
    d.set_weights([RNG.normal(size=(X.shape[1], units)).astype("float32"), np.zeros(units, "float32")])
    return d


# ----------------------------------------------------------------------------- the seeds' snippet
def test_seed_snippet_activation_layer_equals_dense_activation():
    from keras.layers import Activation, Dense

    model = keras.Sequential()
    model.add(keras.Input((16,)))
    model.add(Dense(64))
    model.add(Activation("tanh"))
    # is equivalent to
    model2 = keras.Sequential([keras.Input((16,)), Dense(64, activation="tanh")])
    # and an element-wise backend function can be passed too (K.tanh in Keras 2; keras.ops.tanh now):
    model3 = keras.Sequential([keras.Input((16,)), Dense(64, activation=K.tanh)])
    for m in (model2, model3):
        m.layers[0].set_weights(model.layers[0].get_weights())
    y = model.predict(X, verbose=0)
    np.testing.assert_array_equal(model2.predict(X, verbose=0), y)
    np.testing.assert_array_equal(model3.predict(X, verbose=0), y)
    # and actlab's tanh is the same function
    np.testing.assert_allclose(_np(ak.tanh(model.layers[0](X))), y, rtol=2e-7, atol=0)


@pytest.mark.parametrize("name", NOT_GATED)
def test_activation_layer_equals_dense_activation_for_actlab_activations(name):
    d = _dense(8)
    z = d(X)
    y_layer = _np(keras.layers.Activation(ak.get(name))(z))
    for act in (ak.get(name), getattr(ak, name)):
        d2 = _dense(8, activation=act)
        d2.set_weights(d.get_weights())
        np.testing.assert_array_equal(_np(d2(X)), y_layer)
    # and both are actlab's function (NumPy evaluates in float64, rounded once)
    want = actlab.get(name)(_np(z).astype(np.float64)).astype(np.float32)
    s = actlab.spec(name)
    tol = max(s.float32_ulp, 4) * 2.0**-23
    scale = np.abs(want) if s.kind == "elementwise" else np.max(np.abs(want), axis=-1, keepdims=True)
    assert (np.abs(y_layer - want) <= tol * np.maximum(scale, 1e-30) + 1e-37).all()


@pytest.mark.parametrize("name", GATED)
def test_gated_units_halve_the_last_axis_as_layers(name):
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8), ak.create(name)])
    assert model.output_shape == (None, 4)
    z = model.layers[0](X)
    np.testing.assert_allclose(
        model.predict(X, verbose=0), actlab.get(name)(_np(z).astype(np.float64)), rtol=1e-5, atol=1e-6
    )


# ----------------------------------------------------------------------------- serialization
def _config_params(name: str) -> list[dict]:
    # every parameter set the checker uses, restricted to JSON-able constants
    return [
        {k: v for k, v in p.items() if v != actlab.spec(name).defaults()[k]}
        for p in param_sets(actlab.spec(name))
    ]


@pytest.mark.parametrize("name", ALL)
def test_every_entry_is_registered_and_round_trips_its_config(name):
    s = actlab.spec(name)
    f = getattr(ak, name)
    assert keras.saving.get_registered_object(f"actlab>{name}") is f
    assert keras.activations.deserialize(keras.activations.serialize(f)) is f
    cls = getattr(ak, class_name(name))
    assert keras.saving.get_registered_object(f"actlab>{class_name(name)}") is cls
    for params in _config_params(name):
        act = ak.get(name, **params)
        back = keras.activations.deserialize(keras.activations.serialize(act))
        assert back == act and back.params == act.params
        fixed = {k: v for k, v in params.items() if not s.param(k).learnable or isinstance(v, float)}
        layer = cls(**fixed)
        again = keras.layers.deserialize(keras.layers.serialize(layer))
        assert type(again) is cls and again.get_config() == layer.get_config()
        assert again._fixed == layer._fixed


def test_saved_model_loads_with_identical_predictions(tmp_path):
    inp = keras.Input((6, 4))
    h = keras.layers.Dense(8, activation=ak.get("elu", alpha=0.5))(inp)
    h = keras.layers.Activation(ak.mish)(h)
    h = keras.layers.Dense(8, activation=ak.get("srelu"))(h)
    h = ak.PReLU(shared_axes=[1], weight=0.1)(h)
    h = ak.SReLU()(h)
    h = ak.APL(hinges=2, a=0.1, b=-0.5)(h)
    h = ak.Swish(shared_axes="all", beta=1.5)(h)
    h = ak.RReLU(seed=3)(h)
    h = ak.Softplus(beta=2.0, threshold=20.0)(h)
    h = ak.SwiGLU()(h)
    h = keras.layers.Dense(3)(h)
    out = keras.layers.Activation(ak.get("softmax", axis=-1))(h)
    model = keras.Model(inp, out)
    model.compile("adam", "mse")
    x = RNG.normal(size=(32, 6, 4)).astype("float32")
    model.fit(x, RNG.random((32, 6, 3)).astype("float32"), epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(_np(a), _np(b))
    layers = {type(layer).__name__: layer for layer in loaded.layers}
    assert layers["APL"].a.shape == (2, 6, 8) and layers["Swish"].beta.shape == ()
    assert layers["PReLU"].weight.shape == (1, 8) and layers["Softplus"]._fixed["threshold"] == 20.0
    assert loaded.layers[1].activation == ak.get("elu", alpha=0.5)


def test_direct_calls_on_functional_inputs_are_one_serializable_node(tmp_path):
    inp = keras.Input((4,))
    model = keras.Model(inp, ak.get("swiglu")(ak.softplus(inp)))
    assert model.output_shape == (None, 2)
    assert [type(op).__name__ for op in model.operations[1:]] == ["ActivationCall"] * 2
    x = np.array([[0.0, -1.0, 2.0, 0.0], [0.5, 0.0, -3.0, 1.0]], "float32")
    path = tmp_path / "f.keras"
    model.save(path)
    np.testing.assert_array_equal(
        keras.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0)
    )
    # the node differentiates with the closed form: softplus'(0) = 1/2 (autodiff of the stable
    # form max(x, 0) + log1p(exp(-|x|)) gives 0 there on the torch backend)
    sp = keras.Model(inp, ak.softplus(inp))
    (g,) = _grads(sp, x, [], np.ones_like(x))
    np.testing.assert_allclose(g, actlab.get("softplus").derivative(x.astype(np.float64)), rtol=1e-6)
    assert g[0, 0] == 0.5


# ----------------------------------------------------------------------------- learnable layers
def _layer_input(name: str) -> np.ndarray:
    x = RNG.normal(size=(4, 3, 5)) * 2
    x[0, 0, :3] = 0.0  # kinks at 0 (relu-like pieces), where the derivative convention shows
    return x.astype("float32")


@pytest.mark.parametrize("name", LEARNABLE)
def test_layer_gradients_are_the_closed_forms(name):
    s = actlab.spec(name)
    x = _layer_input(name)
    layer = ak.create(name, shared_axes=[1])
    layer.build(x.shape)
    rng = np.random.default_rng(1)
    for w in layer.weights:  # non-default values, inside the bounds (>= 0.1 where needed)
        w.assign(np.abs(_np(w)) + 0.1 + 0.2 * rng.random(w.shape).astype("float32"))
    up = rng.normal(size=x.shape).astype("float32")
    got = _grads(layer, x, layer.weights, up)
    x64 = x.astype(np.float64)
    p = {**layer._fixed, **{n: _np(getattr(layer, n)).astype(np.float64) for n in layer._learn}}
    np.testing.assert_allclose(got[0], s.derivative(x64, onp, **p) * up, rtol=2e-5, atol=1e-6)
    for w, g in zip(layer.weights, got[1:]):
        pname = w.path.split("/")[-1]
        lead = 1 if s.param(pname).leading else 0
        dp = s.param_derivatives[pname](x64, onp, **p) * (up[None] if lead else up)
        # sum over the axes the weight is broadcast along: leading ones (batch), and shared ones
        want = dp.sum(axis=tuple(range(lead, lead + dp.ndim - g.ndim))) if g.ndim < dp.ndim else dp
        want = want.sum(axis=tuple(i for i, n in enumerate(g.shape) if n == 1), keepdims=True)
        assert g.shape == w.shape
        np.testing.assert_allclose(g, want.reshape(g.shape), rtol=2e-4, atol=1e-4, err_msg=pname)


@pytest.mark.parametrize("name", LEARNABLE)
def test_fit_moves_learnable_weights(name):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    # one shared value per parameter ("all"): it gets gradient from every unit, whereas a
    # per-unit SReLU knot at 1.0 may see no input beyond it in a small batch
    layer = ak.create(name, shared_axes="all")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4), layer, keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    before = [_np(w).copy() for w in layer.weights]
    assert before and all(w.trainable for w in layer.weights)
    x = rng.normal(size=(32, 4)).astype("float32")
    model.fit(x, rng.normal(size=(32, 1)).astype("float32"), epochs=2, batch_size=8, verbose=0)
    for w, b in zip(layer.weights, before):
        assert np.isfinite(_np(w)).all() and np.abs(_np(w) - b).max() > 1e-6, f"{w.path}: {b} -> {_np(w)}"
    frozen = ak.create(name, trainable=False)
    frozen.build((None, 4))
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == len(before)


def test_shared_axes_sets_the_weight_shapes_like_keras_prelu():
    shape = (None, 5, 6, 3)
    for axes, want in ((None, (5, 6, 3)), ([1, 2], (1, 1, 3)), (1, (1, 6, 3)), ("all", ())):
        layer = ak.PReLU(shared_axes=axes)
        layer.build(shape)
        assert layer.weight.shape == want
        keras_prelu = keras.layers.PReLU(shared_axes=axes) if axes != "all" else None
        if keras_prelu is not None:
            keras_prelu.build(shape)
            assert keras_prelu.alpha.shape == want
    apl = ak.APL(hinges=3, shared_axes=[1, 2])
    apl.build(shape)
    assert apl.a.shape == apl.b.shape == (3, 1, 1, 3)
    star = ak.StarReLU()
    star.build(shape)
    assert star.scale.shape == star.bias.shape == ()  # scalar by the spec
    with pytest.raises(ShapeError, match="unknown size"):
        ak.PReLU().build((None, None, 3))
    ak.PReLU(shared_axes=[1]).build((None, None, 3))  # a shared unknown axis is fine
    with pytest.raises(ShapeError, match="does not exist"):
        ak.PReLU(shared_axes=[3]).build((None, 4))
    with pytest.raises(ParameterError, match="shared_axes"):
        ak.PReLU(shared_axes=[0])


def test_rrelu_layer_follows_the_training_flag():
    layer = ak.RReLU(seed=7)
    x = -np.linspace(0.5, 3.0, 256).astype("float32").reshape(2, 128)
    y1, y2 = _np(layer(x, training=True)), _np(layer(x, training=True))
    slope = y1 / x
    assert ((slope >= 1 / 8 - 1e-7) & (slope <= 1 / 3 + 1e-7)).all() and np.unique(slope).size > 100
    assert not np.array_equal(y1, y2)  # fresh draws per call
    np.testing.assert_allclose(_np(layer(x)), x * 11 / 48, rtol=1e-6)  # evaluation: the mean slope
    np.testing.assert_allclose(_np(layer(x, training=False)), x * 11 / 48, rtol=1e-6)
    model = keras.Sequential([keras.Input((128,)), ak.RReLU(seed=1), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, np.ones((2, 1), "float32"), epochs=1, verbose=0)  # traced under jit on JAX
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


# ----------------------------------------------------------------------------- names
def test_keras_strings_stay_keras_builtins_and_defaults_differ_as_documented():
    # Keras resolves strings only to its own built-ins; importing actlab.keras changes nothing
    with pytest.raises(ValueError, match="srelu"):
        keras.activations.get("srelu")
    with pytest.raises(ValueError):
        keras.activations.get("actlab>srelu")
    assert keras.activations.get("gelu") is keras.activations.gelu
    x = np.array([-2.0, -0.5, 0.5, 3.0], dtype="float32")

    # This checks conventions, not rounding. Keras evaluates in float32 with its own formulas,
    # some of which cancel (gelu's 1 + erf(x/sqrt 2) at x = -2 keeps 1/22 of float32's relative
    # precision; the error differs between CPUs: 3.7e-6 seen on one), while the conventions told
    # apart here differ by 2e-3 relative or more (gelu exact vs tanh at -2, slopes 0.2 vs 0.3,
    # hard sigmoid forms; asserted below), so 1e-4 separates them with room on both sides.
    rtol = 1e-4

    def same(a, b):
        np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=1e-6)

    # leaky ReLU: Keras's function 0.2, Keras's layer 0.3, actlab 0.01 (torch)
    same(keras.layers.Activation("leaky_relu")(x), ak.get("leaky_relu", negative_slope=0.2)(x))
    same(keras.layers.LeakyReLU()(x), ak.get("leaky_relu", negative_slope=0.3)(x))
    np.testing.assert_allclose(_np(ak.get("leaky_relu")(x))[:2], [-0.02, -0.005], rtol=1e-6)
    # GELU: the string (keras.activations.gelu) is exact like actlab's; keras.ops.gelu is the tanh form
    same(keras.layers.Activation("gelu")(x), ak.gelu(x))
    same(K.gelu(x), ak.get("gelu", approximate="tanh")(x))
    assert (np.abs(_np(K.gelu(x)) - _np(ak.gelu(x))) / np.abs(_np(ak.gelu(x)))).max() > 10 * rtol
    assert np.abs(_np(ak.get("leaky_relu", negative_slope=0.2)(x))[0] / -0.6 - 1) > 10 * rtol
    # hard sigmoid: Keras 3 and actlab both relu6(x + 3) / 6; Keras 2's 0.2 x + 0.5 by parameters
    same(keras.layers.Activation("hard_sigmoid")(x), ak.hardsigmoid(x))
    same(np.clip(0.2 * x + 0.5, 0, 1), ak.get("hardsigmoid", slope=0.2, offset=0.5)(x))
    # the names both libraries define alike (docs/frameworks.md lists them)
    x2 = np.array([[-3.0, -0.5, 0.25, 0.5], [0.75, 2.0, -1.0, 4.0]], dtype="float32")
    alike = (
        "elu celu selu softplus softsign squareplus hard_silu:hardswish hard_swish:hardswish "
        "hard_tanh:hardtanh hard_shrink:hardshrink soft_shrink:softshrink glu softmax log_softmax "
        "silu swish mish relu6 sigmoid tanh"
    )
    for theirs, _, ours in (pair.partition(":") for pair in alike.split()):
        ours = ours or theirs
        same(keras.layers.Activation(theirs)(x2), ak.get(ours)(x2))
    # sparsemax is the projection onto the simplex: sums to 1 (Keras 3.15's does not whenever its
    # support has two or more entries, e.g. here it gives [0, 0, 0.125, 0.375])
    np.testing.assert_allclose(_np(ak.sparsemax(x2))[0], [0.0, 0.0, 0.375, 0.625], rtol=1e-6)
    # PReLU's initial slope: Keras 0, actlab 0.25 (torch)
    layer, ours = keras.layers.PReLU(), ak.PReLU()
    layer.build((None, 4))
    ours.build((None, 4))
    assert float(_np(layer.alpha)[0]) == 0.0 and float(_np(ours.weight)[0]) == 0.25


# ----------------------------------------------------------------------------- errors
def test_bad_names_parameters_and_inputs_give_clear_errors():
    with pytest.raises(UnknownActivationError, match="srelu"):
        ak.get("srleu")
    with pytest.raises(ParameterError, match="Did you mean 'alpha'"):
        ak.get("elu", alhpa=0.5)
    with pytest.raises(ParameterError, match="Did you mean 'weight'"):
        ak.PReLU(wieght=0.1)
    with pytest.raises(ParameterError, match="initial value"):
        ak.PReLU(weight=[0.1, 0.2])
    with pytest.raises(ParameterError, match="out of bounds"):
        ak.Snake(alpha=-1.0)
    with pytest.raises(InputTypeError, match="complex64"):  # integers are promoted to floatx()
        ak.relu(np.array([1, 2], dtype="complex64"))
    with pytest.raises(ShapeError, match="odd size 3"):
        ak.glu(np.ones((2, 3), "float32"))
    with pytest.raises(ShapeError, match="out of range"):
        ak.softmax(np.ones((2, 3), "float32"), axis=2)


@pytest.mark.parametrize(
    "config, match",
    [
        ({"name": {"a": 1}}, r"'name' must be a string .* got dict"),
        ({"name": ["elu"]}, r"'name' must be a string .* got list"),
        ({"name": "elu", "params": [("alpha", 0.5)]}, r"'params' must be a dict"),
        ({"name": "elu", "params": {"alpha": True}}, r"alpha must be a number, got bool"),
        ({"name": "elu", "params": {"alpha": [0.5, 1.0]}}, r"alpha takes one number"),
        ({"name": "elu", "params": {"alpha": 10**400}}, r"too large to be a float64"),
        ({"name": "softmax", "axis": "1"}, r"axis must be an integer, got str"),
        ({"name": "softmax", "axis": True}, r"axis must be an integer, got bool"),
    ],
)
def test_untrusted_function_configs_are_checked(config, match):
    with pytest.raises(ParameterError, match=match):
        ak.ActivationFunction.from_config(config)


def test_untrusted_layer_configs_are_checked():
    for key, value in (("trainable", "false"), ("trainable", 0), ("autocast", "no")):
        with pytest.raises(ParameterError, match=rf"PReLU: {key} must be True or False"):
            ak.PReLU.from_config({key: value})
    with pytest.raises(ParameterError, match=r"Softmax: axis must be an integer, got float"):
        ak.Softmax.from_config({"axis": 1.0})
    with pytest.raises(ParameterError, match=r"RReLU: seed must be an integer, got str"):
        ak.RReLU.from_config({"seed": "7"})
    with pytest.raises(ParameterError, match=r"ActivationCall\('elu'\): 'training' must be True or False"):
        ak.ActivationCall("elu", {}, training="false")


def test_number_types_are_saved_as_plain_numbers():
    from decimal import Decimal
    from fractions import Fraction

    f = ak.get("elu", alpha=Fraction(1, 4))
    assert f.get_config() == {"name": "elu", "params": {"alpha": 0.25}}
    assert type(f.get_config()["params"]["alpha"]) is float
    layer = ak.ELU(alpha=Decimal("0.25"))
    assert layer.get_config()["alpha"] == 0.25 and type(layer.get_config()["alpha"]) is float


def test_aliases_give_the_canonical_class_and_function():
    assert ak.layer_class("swish_1") is ak.layer_class("silu") is ak.SiLU
    assert ak.function("Swish-1") is ak.function("silu")
    assert isinstance(ak.create("sigmoid linear unit"), ak.SiLU)


def test_import_without_keras_names_the_extra():
    code = "import sys; sys.modules['keras'] = None\nimport actlab.keras"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0 and "pip install 'actlab[keras]'" in proc.stderr, proc.stderr[-2000:]


def test_missing_backend_says_to_set_keras_backend():
    # tensorflow is Keras's default backend; blocked here, as on a machine without it
    code = "import sys; sys.modules['tensorflow'] = None\nimport actlab.keras"
    env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode != 0 and "KERAS_BACKEND=torch" in proc.stderr, proc.stderr[-2000:]


# ----------------------------------------------------------------------------- the other backend
# Backend-independent tests (configs, Keras's names and defaults, import errors) and the registry-wide Dense
# equivalence are not repeated there (JAX compiles every new shape, so each repeated test costs
# ~10x what it costs on torch); test_parity.py's registry-wide values and derivatives are.
_ONLY_HERE = (
    "other_backend",
    "every_entry",
    "activation_layer_equals",
    "keras_strings",
    "import_without",
    "missing_backend",
)

# XLA compile time dominates eager JAX; these flags cut it by ~20% and change no result here
# (backend code generation only; the numbers are checked against NumPy either way).
FAST_XLA = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"


def test_other_backend():
    """This file's backend-dependent tests and tests/test_parity.py on the other Keras backend
    (torch <-> jax), in one subprocess."""
    pytest.importorskip("jax")
    pytest.importorskip("torch")
    other = {"torch": "jax", "jax": "torch"}[BACKEND]
    env = {**os.environ, "KERAS_BACKEND": other, "OMP_NUM_THREADS": "1", "XLA_FLAGS": FAST_XLA}
    here = Path(__file__).resolve()
    cmd = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "addopts=",
        str(here), str(here.with_name("test_parity.py")), "-k", " and ".join(f"not {k}" for k in _ONLY_HERE),
    ]  # fmt: skip
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=here.parent.parent)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    tail = proc.stdout.strip().splitlines()[-1]
    assert " passed" in tail and "skipped" not in tail and "deselected" in tail, tail
    n = int(tail.split(" passed")[0].split()[-1])
    assert n >= len(ALL) + len(LEARNABLE), f"too few tests ran on {other}: {tail}"


def test_a_few_activations_through_dense_on_every_backend():
    # the registry-wide version (test_activation_layer_equals_dense_activation_...) runs on this
    # process's backend; this one also runs in test_other_backend
    for name in ("elu", "mish", "softmax", "srelu", "rrelu", "threshold"):
        test_activation_layer_equals_dense_activation_for_actlab_activations(name)
