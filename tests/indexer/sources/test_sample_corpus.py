"""The bundled sample corpus: it validates, covers the vocabularies, and its deliberate
precedents find each other."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from indexer.paths import corpus_dir
from indexer.sources.corpus import load_corpus, load_vocabularies
from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from search_service.engine.similar import similar_to_case
from tests.builders import national_value_lists

Records = list[dict[str, Any]]
TEXT_FIELDS = ("title", "summary", "challenge", "lks_contribution", "outcome", "patient_benefit")


def test_bundled_corpus_has_200_valid_case_studies() -> None:
    result = load_corpus(corpus_dir() / "cases")
    assert result.problems == []
    assert len(result.records) == 200


def _words(record: dict[str, Any]) -> int:
    quote = record.get("quote", {}).get("text", "")
    return sum(len(str(record.get(f, "")).split()) for f in TEXT_FIELDS) + len(quote.split())


def test_every_case_study_is_150_to_450_words(bundled_records: Records) -> None:
    lengths = {r["id"]: _words(r) for r in bundled_records}
    assert {k: n for k, n in lengths.items() if not 150 <= n <= 450} == {}


def test_coverage_minimums(bundled_records: Records) -> None:
    vocab = load_vocabularies()
    impact = Counter(k for r in bundled_records for k in r["impact_types"])
    assert set(impact) == set(vocab.tables["impact_types"])
    assert min(impact.values()) >= 10
    regions = Counter(vocab.region_facet(r["region"]) for r in bundled_records)
    assert set(regions) == set(vocab.tables["region_facets"])
    assert min(regions.values()) >= 15
    assert len({r["sector"] for r in bundled_records}) >= 14
    assert len({r["group_impacted"] for r in bundled_records}) >= 10
    services = Counter(k for r in bundled_records for k in r["service_types"])
    assert set(services) == set(vocab.tables["service_types"])
    assert min(services.values()) >= 5
    purposes = Counter(r["purpose"] for r in bundled_records)
    assert set(purposes) == set(vocab.tables["purpose"])
    assert min(purposes.values()) >= 5
    years = {int(r["submitted_date"][:4]) for r in bundled_records}
    assert years >= set(range(2016, 2027))


def test_savings_and_consent_minimums(bundled_records: Records) -> None:
    def savings(r: dict[str, Any]) -> dict[str, Any]:
        return r.get("savings", {})

    assert sum("money_gbp" in savings(r) for r in bundled_records) >= 60
    assert sum("staff_hours" in savings(r) for r in bundled_records) >= 60
    assert sum("quote" in r and not r["consent"]["named"] for r in bundled_records) >= 40
    assert sum(not r["consent"]["external"] for r in bundled_records) >= 10


def _real_organisations() -> set[str]:
    # The national list of 220 organisations: the sample corpus must use none of them.
    data = national_value_lists()
    return {i["label"].casefold() for i in data["organisation"]["items"]}


def test_organisations_are_fictional(bundled_records: Records) -> None:
    real = _real_organisations()
    named = {r["organisation"].casefold() for r in bundled_records}
    named |= {r["quote"]["organisation"].casefold() for r in bundled_records if "quote" in r}
    assert named & real == set()


def _precedents() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (corpus_dir() / "precedents.json").read_text(encoding="utf-8"))
    return data


def test_at_least_ten_precedent_groups_of_published_cases(bundled_records: Records) -> None:
    published = {r["id"] for r in bundled_records if r["consent"]["external"]}
    groups = _precedents()
    assert len(groups) >= 10
    for group in groups:
        assert len(group["ids"]) >= 2 and set(group["ids"]) <= published, group


@pytest.mark.parametrize("group", _precedents(), ids=lambda g: g["ids"][0])
def test_precedents_find_a_partner_in_their_top_5(generation: Generation,
                                                  group: dict[str, Any]) -> None:
    for case_id in group["ids"]:
        top = {h.id for h in similar_to_case(generation, case_id, 5).hits}
        assert top & (set(group["ids"]) - {case_id}), (case_id, top)


@pytest.mark.parametrize("word", ["falls", "sepsis", "discharge", "dressings", "dementia"])
def test_everyday_clinical_words_find_several_case_studies(generation: Generation,
                                                          word: str) -> None:
    page = search(generation, SearchParams(q=word))
    assert page.total >= 4
    stem = word[:5].lower()
    relevant = [h for h in page.hits[:3] if stem in (h.title + h.summary + h.snippet).lower()]
    assert len(relevant) == 3
