"""Array evaluation of queries: match sets against Whoosh and set arithmetic, scores against
the stored impacts, ranking order, feedback, and the cost guard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from indexer.analysis import Pipeline, default_pipeline
from indexer.fulltext import TEXT_FIELDS
from search_service.engine.errors import QueryError
from search_service.engine.feedback import (
    FEEDBACK_TERMS,
    QUERY_WEIGHT,
    RELATED_FILL,
    expand,
    free_word_weights,
)
from search_service.engine.live import Generation, LiveIndex
from search_service.engine.params import SearchParams
from search_service.engine.query import ParsedQuery, parse_query
from search_service.engine.ranking import (
    check_cost,
    prefix_expander,
    rank_fulltext,
    rank_query,
    ranked,
)
from search_service.engine.scoring import TEXT, Postings, evaluate
from search_service.engine.search import matching_mask, search


def _parse(generation: Generation, text: str) -> ParsedQuery:
    return parse_query(text, prefix_expander(generation.texts))


def _whoosh(generation: Generation, query: wq.Query) -> set[int]:
    found = generation.fulltext.searcher.docs_for_query(query)
    return {int(generation.fulltext.docnum_to_ord[d]) for d in found}


def _word(generation: Generation, term: str) -> set[int]:
    return {int(o) for o in generation.impacts.column(term)[0]}


@pytest.mark.parametrize(("text", "whoosh"), [
    ("title:delirium", wq.Term("title", "delirium")),
    ("topics:falls", wq.Term("topics", "fall")),
    ('"literature search"', wq.Or([wq.Phrase(f, ["literatur", "search"])
                                   for f in TEXT_FIELDS])),
    ('title:"care home"', wq.Phrase("title", ["care", "home"])),
])
def test_field_and_phrase_matches_equal_whoosh(generation: Generation, text: str,
                                               whoosh: wq.Query) -> None:
    matched, scores = evaluate(generation.texts, _parse(generation, text).query)
    expected = _whoosh(generation, whoosh)
    assert set(np.flatnonzero(matched).tolist()) == expected and expected
    # Scored by the words' one-field impacts, only where they match.
    words = [whoosh.text] if isinstance(whoosh, wq.Term) else list(
        next(iter(whoosh.leaves())).words)
    reference = generation.impacts.scores(dict.fromkeys(words, 1.0))
    assert np.allclose(scores, np.where(matched, reference, 0.0))


def test_plain_words_are_the_sum_of_their_stored_impacts(generation: Generation) -> None:
    matched, scores = evaluate(generation.texts, _parse(generation, "falls sepsis").query)
    assert set(np.flatnonzero(matched).tolist()) == _word(generation, "fall") | _word(
        generation, "sepsi")
    assert np.allclose(scores, generation.impacts.scores({"fall": 1.0, "sepsi": 1.0}))


@pytest.mark.parametrize(("text", "positive", "negative"), [
    ("falls -care", "falls", "care"),
    ("evidence -\"care home\"", "evidence", '"care home"'),
    ("training NOT sepsis", "training", "sepsis"),
    ("(frailty OR dementia) AND training", "(frailty OR dementia) AND training", ""),
])
def test_exclusion_removes_every_document_with_the_word(
        generation: Generation, text: str, positive: str, negative: str) -> None:
    def docs(q: str) -> set[int]:
        return set(np.flatnonzero(matching_mask(generation, _parse(generation, q))).tolist())

    expected = docs(positive) - (docs(negative) if negative else set())
    assert docs(text) == expected and expected
    if not negative:  # AND: every part matches
        assert expected <= docs("training") & (docs("frailty") | docs("dementia"))


def test_rank_orders_by_score_then_ordinal(generation: Generation) -> None:
    parsed = _parse(generation, "falls prevention older people")
    ranking = rank_query(generation.texts, parsed)
    everything = rank_fulltext(generation.texts, parsed, None, 1000)
    assert len(everything) == int(ranking.matched.sum()) >= RELATED_FILL
    keys = [(-s, o) for o, s in everything]
    assert keys == sorted(keys)
    assert rank_fulltext(generation.texts, parsed, None, 7) == everything[:7]


def test_rank_keeps_only_allowed(generation: Generation) -> None:
    parsed = _parse(generation, "evidence")
    allowed = np.zeros(generation.columns.size, dtype=bool)
    allowed[::3] = True
    found = rank_fulltext(generation.texts, parsed, allowed, 1000)
    everything = rank_fulltext(generation.texts, parsed, None, 1000)
    assert [o for o, _ in found] == [o for o, _ in everything if allowed[o]]


def test_search_total_is_the_filtered_match_count(generation: Generation) -> None:
    params = SearchParams.from_args({"q": ["training"], "region": ["london"]},
                                    generation.columns.keys)
    page = search(generation, params)
    mask = matching_mask(generation, _parse(generation, "training"))
    region = generation.columns.index_of("region")["london"]
    assert page.total == int((mask & (generation.columns.codes["region"] == region)).sum())
    assert all(h.fields["region"]["key"] == "london" for h in page.hits)


@pytest.mark.parametrize(("text", "free"), [
    ("falls", True), ("falls older people", True), ("send", True),
    ('"care home"', False), ("title:falls", False), ("falls -care", False),
    ("falls AND sepsis", False), ("falls OR sepsis", False), ("diab*", False),
])
def test_only_free_words_get_feedback(generation: Generation, text: str, free: bool) -> None:
    parsed = _parse(generation, text)
    assert (free_word_weights(parsed.query) is not None) == free
    assert rank_query(generation.texts, parsed).related == free


def test_feedback_reorders_matches_and_weights_the_typed_words(generation: Generation) -> None:
    parsed = _parse(generation, "falls")
    first = evaluate(generation.texts, parsed.query)
    weights = expand(generation.texts, {"fall": 1.0}, first[1])
    assert 1 < len(weights) <= FEEDBACK_TERMS + 1 and sum(weights.values()) == pytest.approx(1)
    assert weights["fall"] >= QUERY_WEIGHT
    ranking = rank_query(generation.texts, parsed)
    assert np.array_equal(ranking.matched, first[0])  # feedback never changes the match set
    assert np.allclose(ranking.scores, generation.impacts.scores(weights))


def test_related_documents_come_only_after_few_matches(generation: Generation) -> None:
    few = rank_query(generation.texts, _parse(generation, "lymphoedema"))
    hits, related = ranked(few, None, 50)
    matches = int(few.matched.sum())
    assert 0 < matches < RELATED_FILL and related == RELATED_FILL - matches == len(hits) - matches
    assert all(few.matched[o] for o, _ in hits[:matches])
    assert not any(few.matched[o] for o, _ in hits[matches:])
    many = rank_query(generation.texts, _parse(generation, "evidence"))
    assert ranked(many, None, 50)[1] == 0


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
        assert any("_" in t.text for t in terms)  # a synonym did match


def test_postings_cache_stays_within_its_budget(generation: Generation) -> None:
    small = Postings(generation.fulltext, budget=60)
    full = Postings(generation.fulltext)
    for word in ("fall", "sepsi", "evid", "librari", "care", "fall"):
        assert np.array_equal(small.positions("body", word), full.positions("body", word))
        assert np.array_equal(small.ordinals("title", word), full.ordinals("title", word))
        assert small.size <= max(60, len(full.positions("body", word)))
    assert len(small.positions("body", "zzzznotaword")) == 0
    assert len(small.ordinals("nofield", "fall")) == 0


def test_cost_guard_counts_phrases_and_fields_but_never_plain_words(
        index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_service.engine import ranking

    live = LiveIndex(index_dir)  # a fresh searcher: nothing cached yet
    generation = live.current()
    monkeypatch.setattr(ranking, "MAX_POSTINGS", 5)
    words = " ".join(["evidence library care patient staff team service"] * 4)
    check_cost(generation.texts, _parse(generation, words))  # stored scores: never refused
    for text in ('"patient safety"', "title:evidence"):
        with pytest.raises(QueryError, match="the limit is 5"):
            check_cost(generation.texts, _parse(generation, text))
    monkeypatch.setattr(ranking, "MAX_POSTINGS", 300_000)
    search(generation, SearchParams(q='"patient safety" title:evidence'))
    monkeypatch.setattr(ranking, "MAX_POSTINGS", 5)  # what was read once costs nothing more
    check_cost(generation.texts, _parse(generation, '"patient safety" title:evidence'))
    live.close()
    assert TEXT not in TEXT_FIELDS
