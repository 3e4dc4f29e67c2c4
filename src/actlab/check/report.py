"""What a check run returns: the failures found and the worst error seen per path/dtype."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Failure", "Report"]


@dataclass
class Failure:
    name: str
    params: Mapping[str, Any]
    what: str
    detail: str

    def __str__(self) -> str:
        ps = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({ps}): {self.what}: {self.detail}"


@dataclass
class Report:
    name: str
    failures: list[Failure] = field(default_factory=list)
    worst: dict[str, tuple[float, float]] = field(default_factory=dict)  # label -> (error, x)

    @property
    def ok(self) -> bool:
        return not self.failures

    def note(self, label: str, err: float, x: float) -> None:
        if label not in self.worst or err > self.worst[label][0]:
            self.worst[label] = (err, x)
