"""Display and class names derived from canonical names (ReLU, LeakyReLU, SiLU, SwiGLU, ...)."""

from __future__ import annotations

from typing import Any, Callable, MutableMapping

from .registry import all_specs, python_names
from .spec import ActivationSpec

__all__ = ["class_name", "export_functions"]

# Tokens whose conventional spelling is not str.capitalize(); everything else is capitalised.
_TOKENS = {
    "relu": "ReLU",
    "relu6": "ReLU6",
    "prelu": "PReLU",
    "rrelu": "RReLU",
    "srelu": "SReLU",
    "elu": "ELU",
    "selu": "SELU",
    "celu": "CELU",
    "pelu": "PELU",
    "isrlu": "ISRLU",
    "isru": "ISRU",
    "gelu": "GELU",
    "silu": "SiLU",
    "glu": "GLU",
    "reglu": "ReGLU",
    "geglu": "GeGLU",
    "swiglu": "SwiGLU",
    "apl": "APL",
    "sqnl": "SQNL",
    "smht": "SMHT",
    "lisht": "LiSHT",
    "elish": "ELiSH",
    "lecun": "LeCun",
    "serf": "SERF",
}


def class_name(name: str) -> str:
    """``leaky_relu`` -> ``LeakyReLU``; ``log_softmax`` -> ``LogSoftmax``; ``hardtanh`` -> ``Hardtanh``."""
    return "".join(_TOKENS.get(t, t.capitalize()) for t in name.split("_"))


def export_functions(
    namespace: MutableMapping[str, Any], exported: list[str], make: Callable[[ActivationSpec], Any]
) -> None:
    """Put ``make(spec)`` in a module's ``namespace`` under every catalog name, exported by its
    canonical name and reachable by each alias that is a Python identifier (``actlab.torch.
    functional.swish`` is ``silu``); an adapter module calls this once, on import."""
    for s in all_specs():
        f = make(s)
        namespace[s.name] = f
        exported.append(s.name)
        for key in python_names(s)[1:]:
            namespace.setdefault(key, f)
