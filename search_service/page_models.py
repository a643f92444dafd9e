"""What the HTML pages show, computed from the same results the JSON API returns.

Flask-free: the search page's links (remove a filter, change page, clear all), the facet groups
as people see them (chosen values first, long lists folded), and a case study's headline. Every
link is built from the parsed :class:`SearchParams`, so a page's URLs are always canonical and
reproduce its state exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from indexer.facets import FACETS
from indexer.manifest import Manifest
from indexer.paths import corpus_dir
from indexer.sources.corpus import corpus_files, corpus_hash
from search_service.engine.params import BOOST_PREFIX, Filters, SearchParams
from search_service.engine.search import SearchPage

__all__ = ["query_pairs", "search_url", "FacetGroup", "ActiveFilter", "facet_groups",
           "active_filters", "pagination", "headline", "DEFAULT_PER_PAGE", "VISIBLE_VALUES",
           "clear_all_url", "filter_pairs", "serves_bundled_sample", "citation_meta"]

DEFAULT_PER_PAGE = 10
VISIBLE_VALUES = 6  # facet values shown before "show more"
FILTER_BOX_AT = 12  # a facet with more values than this gets a filter box
Pairs = list[tuple[str, str]]


def filter_pairs(filters: Filters) -> Pairs:
    pairs: Pairs = []
    for spec in FACETS:
        pairs += [(spec.name, key) for key in filters.facets.get(spec.name, ())]
    if filters.year_from is not None:
        pairs.append(("year_from", str(filters.year_from)))
    if filters.year_to is not None:
        pairs.append(("year_to", str(filters.year_to)))
    if filters.has_savings:
        pairs.append(("has_savings", "true"))
    return pairs


def query_pairs(params: SearchParams) -> Pairs:
    """The canonical GET parameters of ``params``: defaults left out, facets in facet order."""
    pairs: Pairs = [("q", params.q)] if params.q else []
    pairs += filter_pairs(params.filters)
    # The widget's "see all results" link carries its boost presets: keep them on every link.
    pairs += [(BOOST_PREFIX + name, key) for name, key in filter_pairs(params.boost)
              if name in params.boost.facets]
    if params.sort != "relevance":
        pairs.append(("sort", params.sort))
    if params.page != 1:
        pairs.append(("page", str(params.page)))
    if params.per_page != DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(params.per_page)))
    if params.exact:
        pairs.append(("exact", "true"))
    return pairs


def search_url(params: SearchParams, path: str = "/") -> str:
    query = urlencode(query_pairs(params))
    return f"{path}?{query}" if query else path


def _without(filters: Filters, facet: str, key: str) -> Filters:
    facets = dict(filters.facets)
    remaining = tuple(k for k in facets.get(facet, ()) if k != key)
    if remaining:
        facets[facet] = remaining
    else:
        facets.pop(facet, None)
    return replace(filters, facets=facets)


@dataclass
class ActiveFilter:
    label: str  # e.g. "Region: London"
    remove_url: str


def active_filters(page: SearchPage) -> list[ActiveFilter]:
    """One removable tag per chosen facet value, year bound and the savings filter."""
    params = page.params
    filters = params.filters
    titles = {spec.name: spec.title for spec in FACETS}
    labels = {(name, v["key"]): v["label"] for name, values in page.facets.items()
              for v in values}
    found = []
    for facet, keys in filters.facets.items():
        for key in keys:
            narrower = replace(params, filters=_without(filters, facet, key), page=1)
            found.append(ActiveFilter(f"{titles[facet]}: {labels.get((facet, key), key)}",
                                      search_url(narrower)))
    if filters.year_from is not None:
        found.append(ActiveFilter(f"From {filters.year_from}", search_url(replace(
            params, filters=replace(filters, year_from=None), page=1))))
    if filters.year_to is not None:
        found.append(ActiveFilter(f"To {filters.year_to}", search_url(replace(
            params, filters=replace(filters, year_to=None), page=1))))
    if filters.has_savings:
        found.append(ActiveFilter("Has a quantified saving", search_url(replace(
            params, filters=replace(filters, has_savings=False), page=1))))
    return found


def clear_all_url(params: SearchParams) -> str:
    return search_url(SearchParams(q=params.q, sort=params.sort, per_page=params.per_page,
                                   boost=params.boost))


@dataclass
class FacetGroup:
    name: str
    title: str
    visible: list[dict[str, Any]]
    more: list[dict[str, Any]] = field(default_factory=list)
    filter_box: bool = False

    @property
    def size(self) -> int:
        return len(self.visible) + len(self.more)


def facet_groups(page: SearchPage) -> list[FacetGroup]:
    """Facets in display order; chosen values first so they never hide under "show more"."""
    groups = []
    for spec in FACETS:
        values = page.facets.get(spec.name, [])
        if not values:
            continue
        ordered = sorted(values, key=lambda v: not v["selected"])  # stable: counts order kept
        shown = max(VISIBLE_VALUES, sum(1 for v in ordered if v["selected"]))
        if len(ordered) <= shown + 2:  # folding one or two values saves nothing
            shown = len(ordered)
        groups.append(FacetGroup(spec.name, spec.title, ordered[:shown], ordered[shown:],
                                 len(ordered) > FILTER_BOX_AT))
    return groups


def pagination(page: SearchPage) -> dict[str, Any] | None:
    """Parameters for the design system's numbered pagination, or None for a single page."""
    params = page.params
    last = page.pages
    if last <= 1:
        return None
    wanted = sorted({1, last, *range(max(1, params.page - 1), min(last, params.page + 1) + 1)})
    items: list[dict[str, Any]] = []
    for number in wanted:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "current": number == params.page,
                      "href": search_url(replace(params, page=number))})
    result: dict[str, Any] = {"items": items}
    if params.page > 1:
        result["previous"] = {"href": search_url(replace(params, page=params.page - 1))}
    if params.page < last:
        result["next"] = {"href": search_url(replace(params, page=params.page + 1))}
    return result


def _money(amount: float) -> str:
    return f"£{amount:,.0f}"


def headline(case: dict[str, Any]) -> str:
    """The vignette's headline: the money or time saved, else the outcome's first sentence."""
    savings = case.get("savings") or {}
    parts = []
    if savings.get("money_gbp"):
        parts.append(f"{_money(savings['money_gbp'])} saved")
    if savings.get("staff_hours"):
        parts.append(f"{savings['staff_hours']:,.0f} staff hours saved")
    if parts:
        return " and ".join(parts)
    if savings.get("other"):
        return str(savings["other"])
    text = str(case.get("outcome") or case.get("summary") or "").strip()
    return re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]


@lru_cache(maxsize=1)
def _bundled_sample_hash() -> str:
    return corpus_hash(corpus_files(corpus_dir() / "cases"))


def serves_bundled_sample(manifest: Manifest) -> bool:
    """Whether the index was built from the bundled sample corpus, unchanged (by its hash)."""
    return manifest.corpus_sha256 == _bundled_sample_hash()


def citation_meta(case: dict[str, Any], url: str) -> list[tuple[str, str]]:
    """``<meta name content>`` pairs that reference managers (Zotero, Mendeley) and Google
    Scholar read: Highwire ``citation_*`` tags, which make it a report by its institution, and
    Dublin Core. The author is the organisation: the people in a case study have not agreed
    to be cited."""
    organisation = str(case["facets"]["organisation"]["label"])
    date = str(case.get("submitted_date", ""))  # an imported case study may have none
    topics = [str(t) for t in case.get("topics", [])]
    pairs = [
        ("citation_title", str(case["title"])),
        ("citation_author", organisation),
        ("citation_publication_date", date.replace("-", "/")),
        ("citation_technical_report_institution", organisation),
        ("citation_abstract_html_url", url),
        ("citation_language", "en"),
        *(("citation_keywords", topic) for topic in topics),
        ("DC.title", str(case["title"])),
        ("DC.creator", organisation),
        ("DC.date", date),
        ("DC.type", "Text"),
        ("DC.description", str(case.get("summary", ""))),
        ("DC.identifier", url),
        ("DC.language", "en"),
        *(("DC.subject", topic) for topic in topics),
    ]
    return [(name, content) for name, content in pairs if content]
