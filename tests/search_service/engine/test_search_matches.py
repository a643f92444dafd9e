"""One walk of Whoosh's matcher gives the match set and the scores: check both against Whoosh."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.analysis import Pipeline, default_pipeline
from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.query import parse_query
from search_service.engine.scoring import TermScores
from search_service.engine.search import (
    fulltext_expander,
    matching_mask,
    rank_fulltext,
    scored_matches,
    search,
)

QUERIES = ["falls", "sepsis screening", '"literature search"', "A&E", "diab*", "title:delirium",
           "paediatric asthma", "(frailty OR dementia) AND training", '"care home" falls']


def _parse(generation: Generation, text: str):  # type: ignore[no-untyped-def]
    return parse_query(text, fulltext_expander(generation.fulltext))


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_equal_whoosh(generation: Generation, text: str) -> None:
    parsed = _parse(generation, text)
    ordinals, scores = scored_matches(generation.fulltext, parsed.query)
    searcher = generation.fulltext.searcher
    expected = {int(generation.fulltext.docnum_to_ord[d])
                for d in searcher.docs_for_query(parsed.query)}
    assert set(ordinals.tolist()) == expected and len(ordinals) == len(expected) > 0
    # Whoosh's unlimited search scores every match without skipping blocks.
    results = searcher.search(parsed.query, limit=None)
    whoosh = {int(generation.fulltext.docnum_to_ord[d]): s for d, s in results.items()}
    ours = dict(zip(ordinals.tolist(), scores.tolist(), strict=True))
    assert ours == pytest.approx(whoosh)


def _docs(generation: Generation, text: str) -> set[int]:
    searcher = generation.fulltext.searcher
    return {int(generation.fulltext.docnum_to_ord[d])
            for d in searcher.docs_for_query(_parse(generation, text).query)}


@pytest.mark.parametrize(("text", "positive", "negative"), [
    ("falls -care", "falls", "care"),
    ("evidence -\"care home\"", "evidence", '"care home"'),
    ("training NOT sepsis", "training", "sepsis"),
])
def test_exclusion_removes_every_document_with_the_word(
        generation: Generation, text: str, positive: str, negative: str) -> None:
    # Whoosh 2.7.4's AndNot over a nested union kept a document containing "care" for
    # "falls -care"; the array evaluation is checked against plain set difference.
    ordinals, _ = scored_matches(generation.fulltext, _parse(generation, text).query)
    expected = _docs(generation, positive) - _docs(generation, negative)
    assert set(ordinals.tolist()) == expected and expected


def test_rank_orders_by_score_then_index_order(generation: Generation) -> None:
    parsed = _parse(generation, "falls prevention older people")
    ranked = rank_fulltext(generation.fulltext, parsed, None, 1000)
    ordinals, scores = scored_matches(generation.fulltext, parsed.query)
    assert len(ranked) == len(ordinals)
    docnums = generation.fulltext.ord_to_docnum
    keys = [(-s, int(docnums[o])) for o, s in ranked]
    assert keys == sorted(keys)


def test_rank_keeps_only_allowed(generation: Generation) -> None:
    parsed = _parse(generation, "evidence")
    allowed = np.zeros(generation.columns.size, dtype=bool)
    allowed[::3] = True
    ranked = rank_fulltext(generation.fulltext, parsed, allowed, 1000)
    everything = rank_fulltext(generation.fulltext, parsed, None, 1000)
    assert [o for o, _ in ranked] == [o for o, _ in everything if allowed[o]]


def test_search_total_is_the_filtered_match_count(generation: Generation) -> None:
    params = SearchParams.from_args({"q": ["training"], "region": ["london"]},
                                    generation.columns.keys)
    page = search(generation, params)
    mask = matching_mask(generation, _parse(generation, "training"))
    region = generation.columns.index_of("region")["london"]
    assert page.total == int((mask & (generation.columns.codes["region"] == region)).sum())
    assert all(h.fields["region"]["key"] == "london" for h in page.hits)


class _Everything(frozenset[str]):
    def __contains__(self, item: object) -> bool:
        return True


def test_synonym_shortcut_changes_no_term() -> None:
    # The shortcut skips synonym matching for tokens that start no synonym; with the shortcut
    # switched off (every token "starts" a synonym) the pipeline must give the same terms.
    pipeline = default_pipeline()
    text = ("The A&E team and the emergency department at Northmoor; paediatric haemorrhage, "
            "COVID-19 wards, £12,000 saved, 24/7 cover, nice guidance and NICE guidance.")
    reference = Pipeline(pipeline.synonyms, pipeline.stopwords)
    reference._first_exact = reference._first_folded = reference._first_query = _Everything()
    for query in (False, True):
        terms = pipeline.terms(text, query=query)
        assert terms == reference.terms(text, query=query)
        assert any("_" in t.text or t.text == "ed" for t in terms)  # a synonym did match


def test_term_cache_stays_within_its_budget_and_gives_the_same_scores(
        generation: Generation) -> None:
    searcher = generation.fulltext.searcher
    small = TermScores(searcher, budget=60)
    full = TermScores(searcher)
    for word in ("fall", "sepsi", "evid", "librari", "care", "fall"):
        docnums, scores = small.get("body", word)
        expected = full.get("body", word)
        assert np.array_equal(docnums, expected[0]) and np.allclose(scores, expected[1])
        assert small.size <= max(60, len(docnums))
    assert len(small.get("body", "zzzznotaword")[0]) == 0
    assert len(small.get("nofield", "fall")[0]) == 0
