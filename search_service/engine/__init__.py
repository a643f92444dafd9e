"""The query side of the service, Flask-free: read an open index generation, answer a request.

Rule: nothing in this package imports Flask or Werkzeug or reads request globals (a test
enforces it), so the JSON API, the HTML pages, the widget, the CLI and the benchmarks call the
same functions and cannot disagree. Every entry takes the :class:`~.live.Generation` the
caller took once for the request, and returns a typed result with ``to_json()``:

==========  =============================================  =========================
operation   entry                                          result
==========  =============================================  =========================
search      :func:`.search.search` (generation, params)    :class:`.search.SearchPage`
similar     :func:`.similar.similar_to_case` / ``_text``   :class:`.similar.SimilarPage`
lookup      :func:`.browse.lookup` (generation, case id)   :class:`.browse.CaseStudy`
suggest     :func:`.browse.suggest` (generation, text)     :class:`.browse.Suggestions`
insights    :func:`.insights.insights` (gen, params)       :class:`.insights.Insights`
export      :func:`.exports.export_records`, ``*_lines``   CSV, RIS, JSON Lines text
feed        :func:`.exports.atom_feed` (gen, params, …)    Atom 1.0 bytes
==========  =============================================  =========================

A search runs through the pipeline in this order: :mod:`.params` reads and bounds the request
(every problem a :class:`~.errors.ParameterError`); :mod:`.query` parses what the person typed
into a Whoosh query tree (bounds raise :class:`~.errors.QueryError`, unreadable syntax falls
back to plain words); :mod:`.scoring` scores the tree over NumPy arrays; :mod:`.search` filters
and counts facets over the generation's columns, orders and pages; :mod:`.snippets` highlights
the hits. :mod:`.live` opens generations and follows rebuilds; :mod:`.evaluation` measures
ranking on a BEIR collection through the same path. The exception tree is in :mod:`.errors`.

:mod:`.selection` gives :mod:`.insights` and :mod:`.exports` the whole match set of a search
(built from :mod:`.search`'s own functions, so its total is the search's) and its order
without the 1,000-result cap of pages.
"""

from __future__ import annotations

__all__ = ["browse", "errors", "evaluation", "exports", "insights", "live", "params", "query",
           "scoring", "search", "selection", "similar", "snippets"]
