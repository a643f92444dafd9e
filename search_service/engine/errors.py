"""The engine's exceptions: one tree, each raised near its cause, each message for a person.

::

    EngineError
     ├── ParameterError (ValueError)   a request parameter is malformed or out of bounds -> 400
     ├── QueryError (ValueError)       a query over a bound (length, terms, wildcards)   -> 400
     └── NotFound (LookupError)        no published case study has that id             -> 404

The index layer's own tree (:mod:`indexer.errors`: ``IndexProblem`` when no generation can be
served -> 503) reaches the web layer unchanged. The web layer's one handler
(:mod:`search_service.errors`) maps these classes to statuses; nothing else does.
"""

from __future__ import annotations

__all__ = ["EngineError", "ParameterError", "QueryError", "NotFound"]


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class ParameterError(EngineError, ValueError):
    """A parameter that cannot be used; the message names it and says what is allowed."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class QueryError(EngineError, ValueError):
    """A query over a bound: the message says which bound and what to do."""

    def __init__(self, message: str, parameter: str = "q") -> None:
        super().__init__(message)
        self.parameter = parameter


class NotFound(EngineError, LookupError):
    """No published case study has the id asked for."""
