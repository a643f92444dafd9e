"""'Similar impact' against brute force: cosine recomputed from the analysed text."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from indexer.analysis import analyze
from indexer.documents import from_case
from indexer.similarity import PARAMS
from indexer.sources.corpus import public_record, publishable
from search_service.engine.errors import NotFound, ParameterError
from search_service.engine.live import Generation
from search_service.engine.params import Filters
from search_service.engine.similar import similar_to_case, similar_to_text

Records = list[dict[str, Any]]


@pytest.fixture(scope="module")
def vectors(bundled_records: Records) -> tuple[list[str], list[dict[str, float]]]:
    """TF-IDF by hand (smooth idf, sublinear tf, L2), one dict per published document."""
    records = sorted((public_record(r) for r in publishable(bundled_records)),
                     key=lambda r: r["id"])
    docs = [Counter(analyze(from_case(r).similarity_text)) for r in records]
    n = len(docs)
    df = Counter(t for d in docs for t in d)
    idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
    out = []
    for d in docs:
        v = {t: (1 + math.log(c)) * idf[t] for t, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        out.append({t: x / norm for t, x in v.items()})
    return [r["id"] for r in records], out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(x * b.get(t, 0.0) for t, x in a.items())


@pytest.mark.parametrize("case_id", [
    "falls-bundle-evidence-review-northmoor", "sepsis-screening-tool-emergency-department-bromcote",
    "wound-dressing-formulary-review-penhallow-csu", "mmr-uptake-interventions-wansdale"])
def test_similar_by_id_equals_brute_force_cosine(generation: Generation, vectors: Any,
                                                 case_id: str) -> None:
    ids, vecs = vectors
    me = vecs[ids.index(case_id)]
    expected = sorted(((cosine(me, v), i) for i, v in zip(ids, vecs, strict=True)
                       if i != case_id), key=lambda s: (-s[0], s[1]))[:10]
    page = similar_to_case(generation, case_id, 10)
    assert [h.id for h in page.hits] == [i for _, i in expected]
    assert [h.score for h in page.hits] == pytest.approx([s for s, _ in expected], abs=1e-4)
    assert case_id not in [h.id for h in page.hits]


def test_draft_vector_equals_sklearn_transform(generation: Generation, vectors: Any,
                                               bundled_records: Records) -> None:
    records = sorted((public_record(r) for r in publishable(bundled_records)),
                     key=lambda r: r["id"])
    fitted = TfidfVectorizer(analyzer=analyze, **PARAMS).fit(
        [from_case(r).similarity_text for r in records])
    draft = "Our ward wanted evidence on falls prevention for older people with delirium."
    ours = generation.similarity.vectorize(draft).toarray().ravel()
    theirs = fitted.transform([draft]).toarray().ravel()
    order = [generation.similarity.vocabulary[t] for t in fitted.get_feature_names_out()]
    assert np.allclose(ours[order], theirs, atol=1e-6)


def test_draft_finds_its_precedents_with_readable_reasons(generation: Generation) -> None:
    draft = ("Inpatient falls prevention bundle. Falls with harm were rising on our older "
             "people's wards, so the librarian searched the library's databases for evidence "
             "on bed rails, sensor alarms and lying and standing blood pressure. Evidence!")
    page = similar_to_text(generation, draft, 5)
    assert page.hits and page.source is None
    top = page.hits[0]
    assert "fall" in top.title.lower()
    assert "falls" in top.reasons["terms"]  # a readable word, not the stem "fall"
    # words in most case studies explain nothing, so they are not offered as reasons
    assert not {"evidence", "library", "librarian"} & {
        t for h in page.hits for t in h.reasons["terms"]}


def test_reasons_list_shared_facets(generation: Generation) -> None:
    page = similar_to_case(generation, "falls-bundle-evidence-review-northmoor", 5)
    for hit in page.hits:
        for shared in hit.reasons["shared"]:
            value = hit.fields[shared["facet"] if shared["facet"] not in
                               ("impact_type", "service_type") else shared["facet"] + "s"]
            keys = [v["key"] for v in value] if isinstance(value, list) else [value["key"]]
            assert shared["key"] in keys


def test_filters_restrict_similar(generation: Generation) -> None:
    filters = Filters(facets={"region": ("london",)})
    page = similar_to_case(generation, "falls-bundle-evidence-review-northmoor", 5, filters)
    assert page.hits and all(h.fields["region"]["key"] == "london" for h in page.hits)


def test_unknown_case_and_bad_k(generation: Generation) -> None:
    with pytest.raises(NotFound):
        similar_to_case(generation, "no-such-case")
    with pytest.raises(ParameterError, match="k"):
        similar_to_case(generation, "falls-bundle-evidence-review-northmoor", 0)
    with pytest.raises(ParameterError, match="20,000"):
        similar_to_text(generation, "x" * 20_001)


def test_bare_numbers_are_not_offered_as_reasons(generation: Generation) -> None:
    terms = {t for case_id in ("falls-bundle-evidence-review-northmoor",
                               "delirium-4at-screening-older-people-wards-ashbourne-vale")
             for h in similar_to_case(generation, case_id, 10).hits
             for t in h.reasons["terms"]}
    assert terms and all(any(c.isalpha() for c in t) for t in terms)
