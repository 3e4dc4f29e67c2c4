"""A dict that keeps at most ``maxsize`` entries, dropping the least recently used.

Caches keyed by parameter values (plans, compiled kernels, compiled bodies) would otherwise grow by
one entry per distinct value a program ever passes: bounded, a long-running process that sweeps a
parameter keeps only the recent ones.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Hashable

__all__ = ["LRU"]


class LRU(OrderedDict):
    def __init__(self, maxsize: int):
        super().__init__()
        self.maxsize = maxsize

    def get(self, key: Hashable, default: Any = None) -> Any:
        try:
            value = self[key]
        except KeyError:
            return default
        self.move_to_end(key)
        return value

    def __setitem__(self, key: Hashable, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)
