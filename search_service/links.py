"""The addresses that carry one search to its other forms: the results page, the insights page
and its JSON twin, the downloads and the feed. Each keeps the search's query and filters
(``page`` and ``per_page`` are dropped: these forms cover every result), so moving between
them never changes what is counted. Flask-free; the templates reach it as ``result_links``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from indexer.facets import FACETS, FacetColumns
from search_service.engine.params import Filters, SearchParams
from search_service.page_models import DEFAULT_PER_PAGE, search_url

__all__ = ["ResultLinks", "result_links", "describe_filters"]


@dataclass(frozen=True)
class ResultLinks:
    search: str
    insights: str
    insights_json: str
    csv: str
    ris: str
    jsonl: str
    feed: str


def result_links(params: SearchParams) -> ResultLinks:
    whole = replace(params, page=1, per_page=DEFAULT_PER_PAGE)
    return ResultLinks(
        search=search_url(whole),
        insights=search_url(whole, "/insights"),
        insights_json=search_url(whole, "/api/v1/insights"),
        csv=search_url(whole, "/search.csv"),
        ris=search_url(whole, "/search.ris"),
        jsonl=search_url(whole, "/search.jsonl"),
        feed=search_url(replace(whole, sort="relevance"), "/feed.atom"),
    )


def describe_filters(filters: Filters, columns: FacetColumns) -> list[str]:
    """The filters in words, as the search page's tags name them ("Region: London")."""
    found = [f"{spec.title}: {columns.label(spec.name, key)}"
             for spec in FACETS for key in filters.facets.get(spec.name, ())]
    if filters.year_from is not None:
        found.append(f"From {filters.year_from}")
    if filters.year_to is not None:
        found.append(f"To {filters.year_to}")
    if filters.has_savings:
        found.append("Has a quantified saving")
    return found
