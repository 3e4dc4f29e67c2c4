"""The one-line formulas a user writes by hand, for the functions torch has no kernel for.

``actlab bench`` times them beside actlab's default path: the exact form must not cost more than
what a user would otherwise type. Each is the textbook formula with torch ops under plain
autograd, using torch's fused helpers where a user would (``F.softplus``, ``F.silu``, ``F.gelu``);
none of them handles the tails, infinities or kinks the way the specs do — that is the point of
the comparison. Functions without a one-line formula (``binary_step``: no gradient to train
through; ``sparsemax``: a sort and a threshold search) have none.

Each entry takes ``(x, **params)`` with the spec's parameter names; learnable parameters arrive
as tensors.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
import torch.nn.functional as F

__all__ = ["TEXTBOOK"]


def _gated(x: torch.Tensor, gate: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """a * gate(b) for the halves a, b of x along the last dim."""
    a, b = x.chunk(2, dim=-1)
    return a * gate(b)


def _piecewise3(x, lo, mid, hi, a, b):
    return torch.where(x < a, lo, torch.where(x > b, hi, mid))


TEXTBOOK: dict[str, Callable[..., Any]] = {
    "apl": lambda x, hinges, a, b: F.relu(x) + a * F.relu(-x + b),
    "arctan": lambda x: torch.atan(x),
    "bent_identity": lambda x: (torch.sqrt(x * x + 1) - 1) / 2 + x,
    "bilinear": lambda x: _gated(x, lambda b: b),
    "elish": lambda x: torch.where(x >= 0, x * torch.sigmoid(x), (torch.exp(x) - 1) * torch.sigmoid(x)),
    "gaussian": lambda x: torch.exp(-x * x),
    "geglu": lambda x, approximate: _gated(x, lambda b: F.gelu(b, approximate=approximate)),
    "hard_mish": lambda x: 0.5 * x * torch.clamp(x + 2, 0, 2),
    "isrlu": lambda x, alpha: torch.where(x >= 0, x, x / torch.sqrt(1 + alpha * x * x)),
    "isru": lambda x, alpha: x / torch.sqrt(1 + alpha * x * x),
    "lecun_tanh": lambda x: 1.7159 * torch.tanh(2 / 3 * x),
    "lisht": lambda x: x * torch.tanh(x),
    "pelu": lambda x, a, b: torch.where(x >= 0, a / b * x, a * (torch.exp(x / b) - 1)),
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
    "reglu": lambda x, grad_at_zero: _gated(x, F.relu),
    "relu_squared": lambda x: F.relu(x) ** 2,
    "serf": lambda x: x * torch.erf(F.softplus(x)),
    "sinc": lambda x: torch.where(x == 0, 1.0, torch.sin(x) / x),
    "sinusoid": lambda x: torch.sin(x),
    "smht": lambda x, a, b, c, d: (
        (torch.exp(a * x) - torch.exp(-b * x)) / (torch.exp(c * x) + torch.exp(-d * x))
    ),
    "snake": lambda x, alpha: x + torch.sin(alpha * x) ** 2 / alpha,
    "soft_clipping": lambda x, alpha: (
        torch.log((1 + torch.exp(alpha * x)) / (1 + torch.exp(alpha * (x - 1)))) / alpha
    ),
    "softsign": lambda x: F.softsign(x),
    "sparse_plus": lambda x: _piecewise3(x, 0.0, (x + 1) ** 2 / 4, x, -1, 1),
    "sparse_sigmoid": lambda x: torch.clamp((x + 1) / 2, 0, 1),
    "sqnl": lambda x: _piecewise3(x, -1.0, torch.where(x >= 0, x - x * x / 4, x + x * x / 4), 1.0, -2, 2),
    "squareplus": lambda x, b: (x + torch.sqrt(x * x + b)) / 2,
    "srelu": lambda x, t_left, a_left, t_right, a_right: torch.where(
        x >= t_right,
        t_right + a_right * (x - t_right),
        torch.where(x <= t_left, t_left + a_left * (x - t_left), x),
    ),
    "star_relu": lambda x, scale, bias: scale * F.relu(x) ** 2 + bias,
    "swiglu": lambda x: _gated(x, F.silu),
    "swish": lambda x, beta: x * torch.sigmoid(beta * x),
    "tanh_exp": lambda x: x * torch.tanh(torch.exp(x)),
    "tanhshrink": lambda x: x - torch.tanh(x),
}
