"""The index layer's exceptions. Each message says what to run or fix.

::

    IndexerError
     ├── InvalidCorpusError          the corpus has problems; nothing was built
     ├── BuildLockedError            another build holds the index folder's lock
     ├── EmptyCorpusError            no records, or none that may be published (also a
     │                               FileNotFoundError, like a corpus folder that is missing)
     └── IndexProblem                an index generation cannot be opened or served
          ├── IndexMissingError      no generation yet
          ├── IndexFormatError       built by another format version: rebuild
          └── DamagedGenerationError a file changed since it was built
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.sources.corpus import Problem

__all__ = [
    "IndexerError", "InvalidCorpusError", "EmptyCorpusError", "BuildLockedError", "IndexProblem",
    "IndexMissingError",
    "IndexFormatError", "DamagedGenerationError",
]


class IndexerError(Exception):
    """Base of every error the index layer raises on purpose."""


class InvalidCorpusError(IndexerError):
    """The corpus failed validation; :attr:`problems` lists every one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(problems)} problem(s) in the corpus")


class BuildLockedError(IndexerError):
    """Another build is writing into the same index folder (and we were told not to wait)."""


class EmptyCorpusError(IndexerError, FileNotFoundError):
    """Nothing to index: the folder holds no record files, or no record may be published.

    A FileNotFoundError too, so that whatever reports a missing corpus folder reports this.
    """


class IndexProblem(IndexerError):
    """Base of the errors of opening or serving an index generation."""


class IndexMissingError(IndexProblem):
    pass


class IndexFormatError(IndexProblem):
    pass


class DamagedGenerationError(IndexProblem):
    """A file of a generation is missing, extra, truncated or changed since it was built."""
