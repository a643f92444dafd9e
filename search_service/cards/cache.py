"""Finished card files, kept per index generation and bounded in bytes.

A card is a function of its content, so it is rendered once and served from here until the
index generation changes (a rebuild may change any case study) or the byte bound pushes it
out, least recently used first. One cache per worker process; thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["CardCache", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # about 300 cards


class CardCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._generation: str | None = None
        self._files: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _follow(self, generation: str) -> None:
        if generation != self._generation:
            self._files.clear()
            self._bytes = 0
            self._generation = generation

    def get(self, generation: str, key: str) -> bytes | None:
        with self._lock:
            self._follow(generation)
            data = self._files.get(key)
            if data is not None:
                self._files.move_to_end(key)
            return data

    def put(self, generation: str, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            self._follow(generation)
            old = self._files.pop(key, None)
            self._bytes -= len(old) if old is not None else 0
            self._files[key] = data
            self._bytes += len(data)
            while self._bytes > self.max_bytes:
                _, dropped = self._files.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._files)

    @property
    def size(self) -> int:
        return self._bytes
