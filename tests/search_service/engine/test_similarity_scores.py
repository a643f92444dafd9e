"""The similarity scores equal a brute-force cosine over the stored TF-IDF rows."""

from __future__ import annotations

import numpy as np
import pytest

from search_service.engine.live import Generation
from search_service.engine.similar import similar_to_case, similar_to_text


def _brute_cosine(generation: Generation, row: np.ndarray) -> np.ndarray:
    matrix = generation.similarity.matrix.toarray().astype(np.float64)
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(row)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, matrix @ row / norms, 0.0)


@pytest.mark.parametrize("ordinal", [0, 17, 99])
def test_scores_of_a_case_equal_brute_force_cosine(generation: Generation, ordinal: int) -> None:
    vector = generation.similarity.row(ordinal)
    expected = _brute_cosine(generation, vector.toarray().ravel().astype(np.float64))
    assert generation.similarity.scores(vector) == pytest.approx(expected, abs=1e-6)
    case_id = generation.store.get(ordinal)["id"]
    page = similar_to_case(generation, case_id, k=5)
    expected[ordinal] = -1
    best = np.lexsort((np.arange(len(expected)), -expected))[:5]
    assert [h.id for h in page.hits] == [generation.store.get(int(o))["id"] for o in best]


def test_draft_scores_equal_brute_force_cosine(generation: Generation) -> None:
    text = "Sepsis screening in the emergency department: a literature search for the nurses."
    vector = generation.similarity.vectorize(text)
    expected = _brute_cosine(generation, vector.toarray().ravel().astype(np.float64))
    assert generation.similarity.scores(vector) == pytest.approx(expected, abs=1e-6)
    page = similar_to_text(generation, text, k=3)
    assert [h.score for h in page.hits] == sorted((h.score for h in page.hits), reverse=True)
    assert page.hits[0].score == pytest.approx(float(expected.max()), abs=1e-4)
