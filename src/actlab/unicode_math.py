"""The catalog's LaTeX formulas as plain Unicode text, for a terminal (``actlab show``).

Covers the LaTeX the specs use: fractions, roots, powers and indices, cases, Greek letters,
operator names, relations, spacing and sizing commands. A fraction whose parts are single atoms
reads ``a/b``, otherwise ``(a)/(b)``; a case split becomes one line per case, aligned.
"""

from __future__ import annotations

import re

__all__ = ["to_unicode"]

_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "Phi": "Φ",
    "theta": "θ",
    "omega": "ω",
    "partial": "∂",
    "infty": "∞",
    "cdot": "·",
    "times": "×",
    "otimes": "⊗",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "sim": "~",
    "in": "∈",
    "sum": "Σ",
    "to": "→",
    "pm": "±",
    "quad": "  ",
    "qquad": "    ",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "_": "_",
    "\\": "\n",
    "lbrace": "{",
    "rbrace": "}",
    "{": "{",
    "}": "}",
}
_NAMES = (
    "arctan",
    "tanh",
    "sinh",
    "cosh",
    "sin",
    "cos",
    "exp",
    "log",
    "ln",
    "max",
    "min",
    "erf",
    "erfc",
    "sign",
)
_DROP = ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "textstyle", "displaystyle")


def _group(s: str, i: int) -> tuple[str, int]:
    """The argument starting at s[i]: a {...} group (its inside), a command, or one character."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1 : j], j + 1
            j += 1
        return s[i + 1 :], len(s)
    m = re.match(r"\\([A-Za-z]+|.)", s[i:]) if s[i] == "\\" else None
    if m is not None:  # a command (or an escaped character); a lone trailing backslash is a character
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _atomic(t: str) -> bool:
    if re.fullmatch(r"[\w.αβγδελμπστφΦθω∞∂⁰¹²³⁴⁵⁶⁷⁸⁹ᵢⱼₖ₀₁₂]+", t):
        return True
    if re.fullmatch(r"\|[^|]*\|", t):
        return True
    body = t[1:] if t.startswith("√") else t
    if re.fullmatch(r"[\w.]+", body):
        return True
    return body.startswith("(") and body.endswith(")") and _balanced_outer(body)


def _balanced_outer(t: str) -> bool:
    depth = 0
    for k, c in enumerate(t):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0 and k < len(t) - 1:
            return False
    return True


def _script(t: str, table: dict, mark: str) -> str:
    if t and all(c in table for c in t):
        return t.translate(str.maketrans(table))
    return f"{mark}{t}" if _atomic(t) else f"{mark}({t})"


_SUP_MAP = {k: v for k, v in zip("0123456789+-=()niTx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀˣ")}
_SUB_MAP = {k: v for k, v in zip("0123456789+-=()ijkrlsx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ᵢⱼₖᵣₗₛₓ")}


def _convert(s: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        # a command (or an escaped character); a lone trailing backslash is a character
        m = re.match(r"\\([A-Za-z]+|.)", s[i:]) if c == "\\" else None
        if m is not None:
            name = m.group(1)
            i += len(m.group(0))
            if name in ("frac", "dfrac", "tfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                a, b = (_convert(t).strip().replace("∂ ", "∂") for t in (a, b))
                out.append(f"{a if _atomic(a) else '(' + a + ')'}/{b if _atomic(b) else '(' + b + ')'}")
            elif name == "sqrt":
                a, i = _group(s, i)
                a = _convert(a).strip()
                out.append(f"√{a}" if _atomic(a) else f"√({a})")
            elif name in ("text", "mathrm", "operatorname", "mathbf", "mathit"):
                a, i = _group(s, i)
                out.append(_convert(a))
            elif name == "begin":
                env, i = _group(s, i)
                end = s.find(r"\end{" + env + "}", i)
                body, i = s[i:end], end + len(r"\end{" + env + "}")
                out.append(_cases(body) if env == "cases" else _convert(body))
            elif name in _DROP:
                continue
            elif name in _NAMES:
                out.append(name + (" " if s[i : i + 1] in ("\\", "{") else ""))
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            else:
                out.append(name)
        elif c in "^_":
            a, i = _group(s, i + 1)
            a = _convert(a).strip()
            out.append(_script(a, _SUP_MAP if c == "^" else _SUB_MAP, c))
        elif c in "{}":
            i += 1
        elif c == "&":
            out.append("  ")
            i += 1
        else:
            out.append(c)
            i += 1
    return re.sub(r"[ ]{3,}", "  ", "".join(out))


def _cases(body: str) -> str:
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    parts = []
    for r in rows:
        value, _, cond = r.partition("&")
        parts.append((_convert(value).strip(), _convert(cond).strip()))
    w = max(len(v) for v, _ in parts)
    # padded with figure spaces (U+2007), which the space-collapsing of the caller leaves alone
    lines = [
        v
        + "\u2007" * (w - len(v))
        + ("  if " + c if c and not c.startswith(("otherwise", "else")) else "  " + c)
        for v, c in parts
    ]
    return "\n" + "\n".join("    " + ln for ln in lines)


def to_unicode(latex: str) -> str:
    """``latex`` (one of the catalog's formulas) as Unicode text; cases on their own lines."""
    text = _convert(latex).replace("∂ ", "∂")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"(?<=\S) {2,}(?=[=,])", " ", text).strip()
