"""replace_activations and create: swap activations in existing models (a CNN and a transformer block)."""

from __future__ import annotations

import copy
import inspect
import pickle

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import actlab
import actlab.torch as at
from actlab import ParameterError, UnknownActivationError


class Residual(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(x) + x)


class SmallCNN(nn.Module):
    """torch and actlab ReLUs in Sequential, ModuleList and attributes, plus look-alikes that must
    stay (ReLU6 is a Hardtanh, not a ReLU; PReLU is learnable)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1),
            at.ReLU(),
            nn.PReLU(16),
        )
        self.blocks = nn.ModuleList([Residual(16), Residual(16)])
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10), nn.ReLU6(), nn.Linear(10, 10)
        )

    def forward(self, x):
        x = self.features(x)
        for b in self.blocks:
            x = b(x)
        return self.head(x)


RELU_SITES = ["features.2", "features.4", "features.7", "blocks.0.act", "blocks.1.act"]


class Attention(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.softmax = nn.Softmax(dim=3)  # over keys of (batch, heads, queries, keys)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = self.softmax(q @ k.transpose(-2, -1) / (d // self.heads) ** 0.5)
        return self.proj((att @ v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    """A pre-norm transformer block: attention, then a GELU MLP."""

    def __init__(self, d: int = 16, heads: int = 2):
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class FunctionalNet(nn.Module):
    """Activations applied as functions: nothing for module surgery to find."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 8)
        self.fc2 = nn.Linear(8, 8)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.gelu(self.fc2(x))
        return torch.relu(x) + x.relu()


def _line_of(cls: type, text: str) -> int:
    """Line number of ``text`` in ``cls``'s source, found independently of the code under test."""
    lines, first = inspect.getsourcelines(cls)
    return first + next(i for i, line in enumerate(lines) if text in line)


def _x_img(dtype=torch.float32):
    return torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=dtype)


def _x_seq(dtype=torch.float32):
    return torch.randn(2, 5, 16, generator=torch.Generator().manual_seed(1), dtype=dtype)


def _set(model: nn.Module, qualified: str, module: nn.Module) -> None:
    parent_name, _, attr = qualified.rpartition(".")
    setattr(model.get_submodule(parent_name) if parent_name else model, attr, module)


# --------------------------------------------------------------------------- CNN
def test_cnn_relu_to_mish_replaces_every_relu_module_and_nothing_else():
    torch.manual_seed(0)
    model = SmallCNN().eval()
    expected = copy.deepcopy(model)
    for site in RELU_SITES:
        _set(expected, site, nn.Mish())  # torch's own Mish at the same places, by hand

    replaced = at.replace_activations(model, "relu", "mish")

    assert [name for name, _, _ in replaced] == RELU_SITES
    for name, old, new in replaced:
        assert isinstance(old, (nn.ReLU, at.ReLU)) and isinstance(new, at.Mish)
        assert model.get_submodule(name) is new
    kinds = [type(m) for m in model.modules()]
    assert nn.ReLU not in kinds and at.ReLU not in kinds
    assert nn.ReLU6 in kinds and nn.PReLU in kinds  # look-alikes stay
    x = _x_img()
    torch.testing.assert_close(model(x), expected(x), rtol=1e-6, atol=1e-6)


def test_cnn_float64_keeps_dtype_and_carries_channels():
    model = SmallCNN().double()
    replaced = at.replace_activations(model, "prelu", "srelu")  # nn.PReLU(16) is prelu
    ((name, old, new),) = replaced
    assert name == "features.8" and isinstance(old, nn.PReLU) and isinstance(new, at.SReLU)
    assert new.num_parameters == 16  # one value per channel, as the PReLU it replaces
    assert {p.dtype for p in new.parameters()} == {torch.float64}

    replaced = at.replace_activations(model, "relu", "prelu", init=0.1)
    for _, _, new in replaced:
        assert new.weight.dtype == torch.float64  # from the neighbouring conv: nn.ReLU owns no tensor
        assert new.weight.item() == pytest.approx(0.1)
    out = model(_x_img(torch.float64))
    assert out.dtype == torch.float64 and out.shape == (2, 10)
    out.sum().backward()  # the new learnable values are part of the model
    assert all(new.weight.grad is not None for _, _, new in replaced)
    assert sum(p is new.weight for p in model.parameters() for _, _, new in replaced) == len(replaced)


def test_device_is_kept():
    model = SmallCNN().to("meta")  # a device other than the default without a GPU
    for _, _, new in at.replace_activations(model, "relu", "pelu"):
        assert {p.device.type for p in new.parameters()} == {"meta"}


def test_train_and_eval_mode_are_kept():
    model = SmallCNN().eval()
    for _, _, new in at.replace_activations(model, "relu", "rrelu"):
        assert not new.training  # an RReLU in training mode would sample slopes at inference
    model.train()
    for _, _, new in at.replace_activations(model, "rrelu", "elu"):
        assert new.training


# --------------------------------------------------------------------------- transformer block
def test_block_gelu_to_actlab_gelu_tanh_and_softmax_to_sparsemax():
    torch.manual_seed(0)
    block = Block().eval()
    expected = copy.deepcopy(block)
    expected.mlp[1] = nn.GELU(approximate="tanh")

    ((name, old, new),) = at.replace_activations(block, "gelu", "gelu", approximate="tanh")
    assert name == "mlp.1" and type(old) is nn.GELU and isinstance(new, at.GELU)
    assert new.to_config() == {"name": "gelu", "params": {"approximate": "tanh"}}
    x = _x_seq()
    torch.testing.assert_close(block(x), expected(x), rtol=1e-6, atol=1e-6)

    ((name, old, new),) = at.replace_activations(block, "softmax", "sparsemax")
    assert name == "attn.softmax" and new.dim == 3  # the axis of nn.Softmax(dim=3) carries over
    y = block(x)
    assert y.shape == x.shape and torch.isfinite(y).all()
    # sparsemax gives exact zeros among the attention weights, softmax never does
    q = block.attn.qkv(block.norm1(x))[..., :16].reshape(2, 5, 2, 8).transpose(1, 2)
    k = block.attn.qkv(block.norm1(x))[..., 16:32].reshape(2, 5, 2, 8).transpose(1, 2)
    att = new(q @ k.transpose(-2, -1) / 8**0.5)
    torch.testing.assert_close(att.sum(-1), torch.ones(2, 2, 5))


def test_transformer_encoder_layer_fused_path_uses_the_new_activation():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, activation=nn.ReLU(), batch_first=True).eval()
    expected = copy.deepcopy(layer)
    expected.activation = nn.Mish()
    expected.activation_relu_or_gelu = 0
    at.replace_activations(layer, "relu", "mish")
    x = _x_seq()
    with torch.no_grad():  # eval + no_grad is where torch takes its fused relu/gelu kernel
        torch.testing.assert_close(layer(x), expected(x), rtol=1e-5, atol=1e-5)
        assert not torch.allclose(layer(x), _with_relu(layer)(x), atol=1e-3)


def _with_relu(layer):
    ref = copy.deepcopy(layer)
    ref.activation = nn.ReLU()
    ref.activation_relu_or_gelu = 1
    return ref


# --------------------------------------------------------------------------- forms of old and new
def test_old_as_alias_class_predicate_and_tuple():
    assert len(at.replace_activations(SmallCNN(), "rectifier", "tanh")) == 5  # alias of relu
    only_torch = at.replace_activations(SmallCNN(), nn.ReLU, "tanh")
    assert [n for n, _, _ in only_torch] == [s for s in RELU_SITES if s != "features.7"]
    only_ours = at.replace_activations(SmallCNN(), at.ReLU, "tanh")
    assert [n for n, _, _ in only_ours] == ["features.7"]
    inplace = at.replace_activations(SmallCNN(), lambda m: getattr(m, "inplace", False) is True, "tanh")
    assert [n for n, _, _ in inplace] == ["features.4"]
    both = at.replace_activations(SmallCNN(), ("relu", nn.ReLU6), "tanh")
    assert [n for n, _, _ in both] == RELU_SITES[:3] + ["blocks.0.act", "blocks.1.act", "head.3"]


def test_new_as_class_instance_callable_none_and_activation():
    m = SmallCNN()
    assert all(isinstance(n, nn.Tanh) for _, _, n in at.replace_activations(m, "relu", nn.Tanh))

    m = SmallCNN()
    proto = at.PReLU(init=0.3)
    news = [n for _, _, n in at.replace_activations(m, "relu", proto)]
    assert len({id(n) for n in news}) == 5 and all(n is not proto for n in news)  # one copy per site
    with torch.no_grad():
        news[0].weight.fill_(2.0)
    assert news[1].weight.item() == pytest.approx(0.3)  # sites do not share learned values

    m = SmallCNN()
    (_, _, fn) = at.replace_activations(m, "relu6", torch.tanh)[0]
    assert torch.equal(fn(torch.ones(3)), torch.tanh(torch.ones(3)))

    m = SmallCNN()
    assert all(isinstance(n, nn.Identity) for _, _, n in at.replace_activations(m, "relu", None))

    m = SmallCNN()
    news = [n for _, _, n in at.replace_activations(m, "relu", actlab.get("elu", alpha=0.5))]
    assert all(isinstance(n, at.ELU) and n.to_config()["params"] == {"alpha": 0.5} for n in news)


def test_a_module_registered_twice_becomes_one_new_module():
    shared = nn.ReLU()
    model = nn.Sequential(nn.Linear(3, 3), shared, nn.Linear(3, 3), shared)
    replaced = at.replace_activations(model, "relu", "snake")
    assert [n for n, _, _ in replaced] == ["1", "3"]
    assert model[1] is model[3] and isinstance(model[1], at.Snake)


# --------------------------------------------------------------------------- what surgery cannot see
def test_functional_calls_are_named_in_the_error():
    model = nn.Sequential(FunctionalNet())
    with pytest.raises(ParameterError) as info:
        at.replace_activations(model, "relu", "mish")
    msg = str(info.value)
    assert "no module of Sequential matched old='relu'" in msg
    calls = (("F.relu", "F.relu(self.fc1"), ("torch.relu", "torch.relu(x)"), ("x.relu", "x.relu()"))
    for call, text in calls:
        line = _line_of(FunctionalNet, text)
        assert f"FunctionalNet.forward (test_torch_surgery.py:{line}): {call}(...)" in msg
    assert "F.gelu" not in msg  # only calls of the activation asked for
    assert "self.act = nn.ReLU()" in msg and "actlab.torch.functional.mish" in msg  # the fixes

    with pytest.raises(ParameterError, match=r"FunctionalNet.forward \(test_torch_surgery.py:\d+\): F.gelu"):
        at.replace_activations(model, "gelu", "mish")


def test_transformer_layer_holding_a_function_is_named_in_the_error():
    layer = nn.TransformerEncoderLayer(16, 2, 32, activation="relu", batch_first=True)
    model = nn.TransformerEncoder(layer, 2)
    with pytest.raises(ParameterError) as info:
        at.replace_activations(model, "relu", "mish")
    msg = str(info.value)
    holds = "holds the function torch.nn.functional.relu"
    assert f"'layers.0'.activation of TransformerEncoderLayer {holds}" in msg
    assert "'layers.1'.activation" in msg
    assert "activation=<module>" in msg


def test_error_lists_the_activation_modules_present():
    with pytest.raises(ParameterError, match=r"Activation modules present: GELU x1, Softmax x1\."):
        at.replace_activations(Block(), "relu", "mish")


def test_partial_replacement_warns_about_the_functional_calls_left():
    class Mixed(nn.Module):
        def __init__(self):
            super().__init__()
            self.act = nn.ReLU()

        def forward(self, x):
            return F.relu(self.act(x))

    model = Mixed()
    with pytest.warns(UserWarning, match=r"Mixed.forward .*F\.relu"):
        replaced = at.replace_activations(model, "relu", "mish")
    assert [n for n, _, _ in replaced] == ["act"]


# --------------------------------------------------------------------------- bad input
def test_bad_arguments_give_clear_errors_and_leave_the_model_alone():
    model = SmallCNN()
    before = [type(m) for m in model.modules()]
    with pytest.raises(UnknownActivationError, match="Did you mean"):
        at.replace_activations(model, "reluu", "mish")
    with pytest.raises(UnknownActivationError, match="mish"):
        at.replace_activations(model, "relu", "mishh")
    with pytest.raises(ParameterError, match="give its class"):
        at.replace_activations(model, nn.ReLU(), "mish")
    with pytest.raises(ParameterError, match="returned Tensor"):
        at.replace_activations(model, lambda m: torch.tensor(True), "mish")
    with pytest.raises(ParameterError, match="give a name: old='relu'"):
        at.replace_activations(model, F.relu, "mish")
    with pytest.raises(ParameterError, match="not an nn.Module"):
        at.replace_activations(model, int, "mish")
    with pytest.raises(ParameterError, match="model itself"):
        at.replace_activations(nn.ReLU(), "relu", "mish")
    with pytest.raises(ParameterError, match="takes an nn.Module"):
        at.replace_activations(torch.zeros(3), "relu", "mish")
    assert [type(m) for m in model.modules()] == before


# --------------------------------------------------------------------------- create, timm-style
def test_create_accepts_what_timm_factory_accepts():
    assert isinstance(at.create(None), nn.Identity)  # a config switches the activation off
    assert at.create("relu", inplace=True).inplace  # an in-place form exists: used
    assert isinstance(at.create("mish", inplace=True), at.Mish)  # none exists: the hint is dropped
    assert at.create(nn.ReLU, inplace=True).inplace
    assert isinstance(at.create(nn.Tanh, inplace=True), nn.Tanh)  # takes no inplace: dropped
    elu = at.create(actlab.get("elu", alpha=0.5))
    assert isinstance(elu, at.ELU) and repr(elu) == "ELU(alpha=0.5)"
    assert pickle.loads(pickle.dumps(elu)).to_config() == elu.to_config()
    wrapped = at.create(F.leaky_relu, negative_slope=0.2)
    assert torch.equal(wrapped(-torch.ones(2)), torch.full((2,), -0.2))
    with pytest.raises(ParameterError, match="not an nn.Module"):
        at.create(dict)
    with pytest.raises(ParameterError, match="got int 3"):
        at.create(3)
    with pytest.raises(ParameterError, match="no parameter 'alpah'"):
        at.create("elu", inplace=True, alpah=0.5)  # a real mistake still raises with the hint given
