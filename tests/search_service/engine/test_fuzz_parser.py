"""Hypothesis over the query parser, the analysis pipeline, search and snippets: arbitrary
Unicode up to 1,000 characters, lone surrogates and query syntax included."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.analysis import default_pipeline
from search_service.engine.errors import QueryError
from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.query import parse_query
from search_service.engine.search import search
from search_service.engine.snippets import highlight, snippet
from tests.hostile import may_be_refused

SYNTAX = ["(", ")", '"', "*", "-", ":", " AND ", " OR ", " NOT ", "title:", "topics:", "~2",
          "^3", "[", "]", "{", "}", " ", "A&E", "COVID-19", "£12,000", "falls", "sep", "’s"]
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"])
CHARS = st.one_of(st.characters(), SURROGATES, st.characters(max_codepoint=0x7F))
TEXT = st.lists(st.one_of(st.text(CHARS, max_size=8), st.sampled_from(SYNTAX)),
                max_size=120).map("".join).map(lambda s: s[:1000])
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAG = re.compile(r"<\s*/?\s*([a-zA-Z][^\s>/]*)")


def expand(field: str, prefix: str) -> list[str]:
    return [prefix + suffix for suffix in ("a", "b", "ing")]


@FUZZ
@given(TEXT)
def test_parser_returns_a_query_or_a_bound_error(text: str) -> None:
    try:
        parsed = parse_query(text, expand)
    except QueryError as exc:
        assert str(exc) and may_be_refused(text), text
        return
    assert all(isinstance(t, str) and t for t in parsed.terms)
    assert (parsed.query is None) == (parsed.text == "")  # anything typed becomes a query


@FUZZ
@given(TEXT)
def test_analysis_terms_point_into_the_text(text: str) -> None:
    for query in (False, True):
        for term in default_pipeline().terms(text, query=query):
            assert term.text and 0 <= term.start <= term.end <= len(text)


@FUZZ
@given(TEXT)
def test_search_never_fails_on_any_text(generation: Generation, text: str) -> None:
    try:
        page = search(generation, SearchParams(q=text))
    except QueryError:
        assert may_be_refused(text), text
        return
    for hit in page.hits:
        assert {t.lower() for t in TAG.findall(hit.snippet)} <= {"mark"}


@FUZZ
@given(TEXT, TEXT)
def test_snippets_and_highlights_are_escaped(text: str, query: str) -> None:
    terms = {t.text for t in default_pipeline().terms(query, query=True)}
    for html in (highlight(text, terms), snippet({"summary": text, "outcome": text}, terms)):
        assert {t.lower() for t in TAG.findall(html)} <= {"mark"}
        assert "<" not in re.sub(r"</?mark>", "", html)
