"""Request parameters, read and bounded once for the API, the pages and the widget.

Every problem raises :class:`ParameterError`, which names the parameter and says what is
allowed; the error handler turns it into a 400.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from indexer.facets import FACET_NAMES, FACETS
from search_service.engine.errors import ParameterError

__all__ = ["SearchParams", "Allowed", "Filters", "SORTS", "MAX_PER_PAGE", "MAX_RESULTS",
           "BOOST_PREFIX"]

SORTS = ("relevance", "newest", "oldest", "title")
MAX_PER_PAGE = 100
BOOST_PREFIX = "boost_"
MAX_RESULTS = 1000  # deepest result a page may reach: page * per_page
MAX_FACET_VALUES = 40  # facet values selected in one request, over all facets
YEAR_RANGE = (1990, 2100)


Args = Mapping[str, Sequence[str]]
# The keys each facet accepts, from the generation being served (``FacetColumns.keys``): the
# index, not the corpus folder, is the one source of the vocabularies a request is checked on.
Allowed = Mapping[str, Sequence[str]]


def _one(args: Args, name: str) -> str | None:
    values = args.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ParameterError(name, "give it once")
    return values[0]


def _int(args: Args, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = _one(args, name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParameterError(name, f"{raw[:40]!r} is not a whole number") from None
    if not low <= value <= high:
        raise ParameterError(name, f"must be between {low} and {high}")
    return value


@dataclass(frozen=True)
class Filters:
    """Facet selections (OR within a facet, AND across), a year range and 'has savings'."""

    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    has_savings: bool = False

    @classmethod
    def from_args(cls, args: Args, allowed: Allowed) -> Filters:
        """Read the filters; ``allowed`` is the served generation's keys per facet."""
        facets: dict[str, tuple[str, ...]] = {}
        total = 0
        for spec in FACETS:
            values = tuple(dict.fromkeys(v for v in args.get(spec.name, ()) if v != ""))
            if not values:
                continue
            total += len(values)
            if total > MAX_FACET_VALUES:
                raise ParameterError(spec.name, f"at most {MAX_FACET_VALUES} facet values in "
                                     "one request; remove some filters")
            known = set(allowed.get(spec.name, ()))
            unknown = [v for v in values if v not in known]
            if unknown:
                raise ParameterError(spec.name, f"unknown value {unknown[0][:80]!r}; see "
                                     "/api/v1/facets for the allowed values")
            facets[spec.name] = values
        year_from = _int(args, "year_from", None, *YEAR_RANGE)
        year_to = _int(args, "year_to", None, *YEAR_RANGE)
        if year_from is not None and year_to is not None and year_from > year_to:
            raise ParameterError("year_from", "must not be after year_to")
        savings = (_one(args, "has_savings") or "").lower()
        if savings not in ("", "true", "false", "1", "0", "on"):
            raise ParameterError("has_savings", "use true or false")
        return cls(facets, year_from, year_to, savings in ("true", "1", "on"))

    @classmethod
    def from_json(cls, data: Any, allowed: Allowed) -> Filters:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ParameterError("filters", "must be an object of facet -> list of keys")
        args: dict[str, list[str]] = {}
        for name, value in data.items():
            values = value if isinstance(value, list) else [value]
            args[str(name)] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
        return cls.from_args(args, allowed)

    def echo(self) -> dict[str, Any]:
        return {
            "filters": {k: list(v) for k, v in self.facets.items()},
            "year_from": self.year_from,
            "year_to": self.year_to,
            "has_savings": self.has_savings,
        }

    @property
    def active(self) -> bool:
        return bool(self.facets or self.year_from or self.year_to or self.has_savings)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    # Ranks documents matching these facets first, then the rest (the widget's mode="boost").
    boost: Filters = field(default_factory=Filters)
    # "Search instead for ...": the words as typed, never corrected.
    exact: bool = False

    @classmethod
    def from_args(cls, args: Args, allowed: Allowed) -> SearchParams:
        """Read a search request; ``allowed`` is the served generation's keys per facet."""
        q = _one(args, "q") or ""
        sort = _one(args, "sort") or "relevance"
        if sort not in SORTS:
            raise ParameterError("sort", f"use one of: {', '.join(SORTS)}")
        per_page = _int(args, "per_page", 10, 1, MAX_PER_PAGE) or 10
        page = _int(args, "page", 1, 1, MAX_RESULTS) or 1
        if page * per_page > MAX_RESULTS:
            raise ParameterError("page", f"results beyond the first {MAX_RESULTS} are not "
                                 "shown; narrow the search with filters")
        boost = _boost_filters(args, allowed)
        exact = (_one(args, "exact") or "").lower()
        if exact not in ("", "true", "false", "1", "0", "on"):
            raise ParameterError("exact", "use true or false")
        return cls(q, Filters.from_args(args, allowed), sort, page, per_page, boost,
                   exact in ("true", "1", "on"))

    def echo(self) -> dict[str, Any]:
        echo = {"q": self.q, "sort": self.sort, "page": self.page, "per_page": self.per_page,
                **self.filters.echo()}
        if self.boost.active:
            echo["boost"] = self.boost.echo()["filters"]
        if self.exact:
            echo["exact"] = True
        return echo


def _boost_filters(args: Args, allowed: Allowed) -> Filters:
    """``boost_<facet>`` parameters, read with the same rules and messages as the filters."""
    boost_args = {name: args.get(f"{BOOST_PREFIX}{name}", ()) for name in FACET_NAMES}
    try:
        return Filters.from_args(boost_args, allowed)
    except ParameterError as error:
        raise ParameterError(f"{BOOST_PREFIX}{error.parameter}",
                             str(error).split(": ", 1)[1]) from None
