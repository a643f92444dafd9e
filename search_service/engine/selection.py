"""Every case study a search matches, as a mask and in the search's order, for the callers
that summarise or export a whole search rather than show a page of it (insights, exports,
feeds).

The set is built from the very functions :func:`~.search.search` uses (the same parser and
cost guard, the same match, the same :func:`~.search.filter_mask`), so a total here is the
search's total. Boost parameters (the widget's ``mode="boost"``) reorder a search but never
change what it matches, so they are ignored. Flask-free, like the rest of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.query import ParsedQuery, parse_query
from search_service.engine.ranking import (
    Ranking,
    check_cost,
    prefix_expander,
    rank_query,
    ranked,
)
from search_service.engine.search import filter_mask, matching_mask

__all__ = ["Selection", "select", "ordered"]


@dataclass(frozen=True)
class Selection:
    """What a search matches: ``mask[ordinal]`` is true for each matching case study."""

    params: SearchParams
    parsed: ParsedQuery
    mask: np.ndarray

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.mask))

    @property
    def sort(self) -> str:
        """The order the search page shows: with no words to rank by, relevance is newest."""
        if self.params.sort == "relevance" and self.parsed.query is None:
            return "newest"
        return self.params.sort


def select(generation: Generation, params: SearchParams) -> Selection:
    """The case studies ``params`` matches (its query and filters; page and sort ignored)."""
    with generation.fulltext.lock:
        parsed = parse_query(params.q, prefix_expander(generation.texts))
        check_cost(generation.texts, parsed)
        matched = matching_mask(generation, parsed)
    return Selection(params, parsed, matched & filter_mask(generation.columns, params.filters))


def ordered(generation: Generation, selection: Selection) -> np.ndarray:
    """Every selected ordinal in the search's order (page after page, without the 1,000 cap)."""
    if selection.sort == "relevance":
        with generation.fulltext.lock:
            scores = rank_query(generation.texts, selection.parsed).scores
        # The search page's order (feedback included), the matches only: no related ones.
        best, _ = ranked(Ranking(selection.mask, scores), None, selection.total)
        return np.fromiter((o for o, _ in best), dtype=np.int64, count=len(best))
    columns = generation.columns
    chosen = np.flatnonzero(selection.mask)
    titles = columns.title_rank[chosen]
    if selection.sort == "title":
        return chosen[np.argsort(titles, kind="stable")]
    dates = columns.date[chosen]
    return chosen[np.lexsort((titles, dates if selection.sort == "oldest" else -dates))]
