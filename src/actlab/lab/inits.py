"""The weight inits of the lab, named once; modules that support fewer take a subset of these.

Torch-free, so that the command line can offer the names without importing torch. What each
init draws is done in :func:`actlab.lab.models.init_weights` (its module docstring has the table
with the sources).
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import ParameterError

__all__ = ["INITS", "INIT_ALIASES", "FAN_SCALED_INITS", "PROPAGATION_INITS", "init_meaning"]


class _Init(NamedTuple):
    name: str
    meaning: str
    # the weights' std follows from the layer's fan-in/fan-out (and a gain): the inits that
    # signal-propagation theory is about
    fan_scaled: bool


_TABLE = (
    _Init("default", "torch's own (Kaiming-uniform, a=sqrt(5); biases uniform)", False),
    _Init("he", "std sqrt(2 / fan_in) (He et al. 2015)", True),
    _Init("xavier", "std sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio 2010)", True),
    _Init("lecun", "std sqrt(1 / fan_in) (LeCun 1998)", True),
    _Init("actlab", "std g / sqrt(fan_in) with each activation's gain g = 1/sqrt(E[f(z)^2])", True),
    _Init("normal0.01", "std 0.01 whatever the fan-in (AlexNet's weights)", False),
    _Init("alexnet", "std 0.01 and biases 1 in the hidden layers after the first (AlexNet)", False),
)

# every init name the lab's models accept, in the order the command line lists them
INITS: tuple[str, ...] = tuple(i.name for i in _TABLE)
# other names of the same draw
INIT_ALIASES: dict[str, str] = {"glorot": "xavier"}
FAN_SCALED_INITS: tuple[str, ...] = tuple(i.name for i in _TABLE if i.fan_scaled)
# what actlab.lab.propagation draws: the fan-scaled inits (aliases after their target) and, last,
# torch's default as the baseline
PROPAGATION_INITS: tuple[str, ...] = tuple(
    n for i in FAN_SCALED_INITS for n in (i, *(a for a, t in INIT_ALIASES.items() if t == i))
) + ("default",)


def init_meaning(name: str) -> str:
    """What ``name`` (an init or an alias) draws, in words."""
    target = INIT_ALIASES.get(name, name)
    for i in _TABLE:
        if i.name == target:
            return i.meaning
    raise ParameterError(f"unknown init {name!r}; valid: {', '.join([*INITS, *INIT_ALIASES])}")
