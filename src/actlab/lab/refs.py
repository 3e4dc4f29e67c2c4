"""A catalog activation with parameter values, as the lab and the command line name one.

Accepted forms, parsed in one place (:meth:`ActivationRef.parse`):

- a name: ``"elu"`` (an alias is accepted; the reference keeps the canonical name);
- text with parameters: ``"elu:alpha=0.5"``, ``"gelu:approximate=tanh:grad_at_zero=1"``; each
  value is read as the type its activation declares (a choice, an integer or a real number);
- a ``(name, params)`` pair: ``("elu", {"alpha": 0.5})``;
- a config dict: ``{"name": "elu", "params": {"alpha": 0.5}}`` (what :meth:`ActivationRef.to_dict`
  writes).

Every reference is checked against its spec when parsed (unknown names with close matches,
unknown parameter names with the valid ones, values outside their bounds), so a bad one fails
before anything trains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import ParameterError

__all__ = ["FORMS", "ActivationRef", "parse_ref_list"]

FORMS = (
    "a name ('elu'), name:key=value ('elu:alpha=0.5'), a (name, params) pair "
    "(('elu', {'alpha': 0.5})) or a dict {'name': 'elu', 'params': {'alpha': 0.5}}"
)


@dataclass(frozen=True)
class ActivationRef:
    """A catalog activation (canonical ``name``) and the ``params`` it is built with."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # read-only, so a reference shared by configs and summaries cannot change under them
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))

    def __reduce__(self) -> tuple[Any, ...]:  # a mapping proxy does not pickle; a dict does
        return (type(self), (self.name, dict(self.params)))

    @classmethod
    def parse(cls, ref: Any) -> ActivationRef:
        """``ref`` in any of the module's forms, checked against its spec."""
        from ..registry import resolve_params, spec

        if isinstance(ref, ActivationRef):
            return ref
        if isinstance(ref, str):
            name, params = _split_text(ref)
        elif isinstance(ref, (tuple, list)) and len(ref) == 2 and isinstance(ref[0], str):
            if not isinstance(ref[1], Mapping):
                raise ParameterError(f"an activation pair is (name, params dict), got {ref!r}; {_forms()}")
            name, params = ref[0], dict(ref[1])
        elif isinstance(ref, Mapping):
            if "name" not in ref:
                raise ParameterError(
                    f"an activation given as a dict needs a 'name' key, got {dict(ref)!r}; {_forms()}"
                )
            extra = set(ref) - {"name", "params"}
            if extra:
                raise ParameterError(
                    f"an activation dict has the keys 'name' and 'params'; {sorted(extra)} in {dict(ref)!r} "
                    "are not among them"
                )
            if not isinstance(ref["name"], str) or not isinstance(ref.get("params") or {}, Mapping):
                raise ParameterError(
                    f"an activation dict's name is a string, its params a dict: {dict(ref)!r}"
                )
            name, params = ref["name"], dict(ref.get("params") or {})
        else:
            raise ParameterError(f"an activation is {FORMS}; got {ref!r}")
        s = spec(name)  # an unknown name raises with close matches
        if isinstance(ref, str):
            params = {k: _param_value(s, k, v, ref) for k, v in params.items()}
        resolve_params(s, params)  # bounds and constraints, before anything runs
        return cls(s.name, params)

    @property
    def label(self) -> str:
        """``elu``, or ``elu(alpha=0.5)`` with the parameters sorted by name."""
        if not self.params:
            return self.name
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in sorted(self.params.items()))})"

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., "params": {...}}``, which :meth:`parse` reads back."""
        return {"name": self.name, "params": dict(self.params)}


def _forms() -> str:
    return f"an activation is {FORMS}"


def _split_text(text: str) -> tuple[str, dict[str, str]]:
    """``elu:alpha=0.5`` -> ("elu", {"alpha": "0.5"}); the values are typed by the caller."""
    name, *kvs = (t.strip() for t in text.split(":"))
    if not name:
        raise ParameterError(f"activation {text!r} has no name; {_forms()}")
    params: dict[str, str] = {}
    for kv in kvs:
        k, sep, v = kv.partition("=")
        k = k.strip()
        if not sep or not k:
            raise ParameterError(
                f"activation parameter {kv!r} in {text!r} is not key=value (e.g. elu:alpha=0.5)"
            )
        params[k] = v
    return name, params


def _param_value(s: Any, key: str, text: str, ref: str) -> Any:
    """``text`` as the type ``s`` declares for ``key``: one of its choices (strings or numbers),
    an integer, or a real number."""
    from ..registry import resolve_params

    if key not in {p.name for p in s.params}:
        resolve_params(s, {key: None})  # raises: unknown name, with the valid ones
    param = s.param(key)
    v = text.strip()
    if param.choices is not None:
        for c in param.choices:
            if isinstance(c, str):
                if v == c:
                    return c
            else:
                try:
                    if float(v) == float(c):
                        return c
                except ValueError:
                    pass
        raise ParameterError(
            f"{s.name}: {key}={v!r} is not allowed; choose one of {', '.join(map(str, param.choices))}"
        )
    try:
        x = float(v)
    except ValueError:
        kind = "an integer" if param.integer else "a number"
        raise ParameterError(
            f"{s.name}: {key}={v!r} is not {kind} (e.g. {s.name}:{key}={param.default})"
        ) from None
    return int(x) if param.integer and x.is_integer() else x


def parse_ref_list(text: str, option: str = "--activations") -> list[ActivationRef]:
    """``relu,elu:alpha=0.5,gelu:approximate=tanh`` (the value of ``option``) -> references."""
    items = [t.strip() for t in text.split(",")]
    if not any(items):
        raise ParameterError(
            f"{option} {text!r} names no activation; give names such as relu,gelu:approximate=tanh, "
            f"or leave {option} out for the default set"
        )
    for item in items:
        if not item.split(":")[0].strip():
            raise ParameterError(
                f"{option}: {item!r} has no activation name (a comma-separated list, e.g. relu,elu:alpha=0.5)"
            )
    return [ActivationRef.parse(item) for item in items]
