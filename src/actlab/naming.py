"""Display and class names derived from canonical names (ReLU, LeakyReLU, SiLU, SwiGLU, ...)."""

from __future__ import annotations

__all__ = ["class_name"]

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
