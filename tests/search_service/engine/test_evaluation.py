"""nDCG@10 and Recall@100 as trec_eval computes them, and `impact-search eval` end to end."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import pytrec_eval
from click.testing import CliRunner

from search_service.cli import main
from search_service.engine.evaluation import (
    Qrels,
    Run,
    bound_query,
    evaluate_run,
    paired_bootstrap,
)
from search_service.engine.query import MAX_QUERY_CHARS, MAX_TERMS


def _fixture(seed: int) -> tuple[Run, Qrels]:
    """Graded judgments, unjudged documents, ties in score and a query with no hits."""
    rng = random.Random(seed)
    docs = [f"d{i}" for i in range(40)]
    qrels: Qrels = {}
    run: Run = {}
    for q in range(12):
        judged = rng.sample(docs, 8)
        qrels[f"q{q}"] = {d: rng.choice([0, 1, 1, 2]) for d in judged}
        if q == 0:
            continue  # no hits at all
        ranked = rng.sample(docs, rng.randint(5, 30))
        run[f"q{q}"] = [(d, float(rng.randint(0, 6))) for d in ranked]  # many equal scores
    qrels["q0"]["d0"] = 2
    return run, qrels


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ndcg_and_recall_match_trec_eval(seed: int) -> None:
    run, qrels = _fixture(seed)
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100"})
    reference = evaluator.evaluate({q: dict(r) for q, r in run.items()})
    ours = evaluate_run(run, qrels)
    for q, scores in reference.items():
        assert ours.per_query_ndcg[q] == pytest.approx(scores["ndcg_cut_10"], abs=1e-9)
    # trec_eval leaves out queries without hits; the benchmark rules count them as 0.
    judged = [q for q, j in qrels.items() if any(g > 0 for g in j.values())]
    expected = sum(reference.get(q, {"ndcg_cut_10": 0.0})["ndcg_cut_10"] for q in judged)
    assert ours.ndcg_at_10 == pytest.approx(expected / len(judged), abs=1e-9)
    recall = sum(reference.get(q, {"recall_100": 0.0})["recall_100"] for q in judged)
    assert ours.recall_at_100 == pytest.approx(recall / len(judged), abs=1e-9)
    assert ours.no_hit_queries == 1


def test_paired_bootstrap_interval_contains_the_mean_difference() -> None:
    a = {f"q{i}": 0.5 + 0.01 * (i % 7) for i in range(50)}
    b = {f"q{i}": 0.4 + 0.02 * (i % 5) for i in range(50)}
    mean, low, high = paired_bootstrap(a, b, samples=2000)
    assert low < mean < high
    assert mean == pytest.approx(sum(a[q] - b[q] for q in a) / 50)
    assert paired_bootstrap(a, a, samples=200) == (0.0, 0.0, 0.0)


def test_long_queries_are_cut_to_the_bounds() -> None:
    text, cut = bound_query(" ".join(f"word{i}" for i in range(100)))
    assert cut and len(text.split()) == MAX_TERMS and len(text) <= MAX_QUERY_CHARS
    assert bound_query("vitamin D and bone health") == ("vitamin D and bone health", False)


def _write_beir(folder: Path) -> Path:
    corpus = [
        {"_id": "a", "title": "Vitamin D and bone health", "text": "Vitamin D supplements in "
         "older people reduce fractures."},
        {"_id": "b", "title": "Statins", "text": "Statins lower cholesterol and heart attacks."},
        {"_id": "c", "title": "Green tea", "text": "Green tea and cancer risk in cohort studies."},
        {"_id": "d", "title": "Bone density", "text": "Exercise and bone density in women."},
    ]
    queries = [{"_id": "q1", "text": "vitamin D bones"}, {"_id": "q2", "text": "cholesterol"},
               {"_id": "q3", "text": "zzzz unknownword"}, {"_id": "q4", "text": "unjudged"}]
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in corpus))
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(r) for r in queries))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\ta\t2\nq1\td\t1\nq2\tb\t1\nq3\tc\t1\n")
    return folder


def test_eval_cli_indexes_and_queries_like_the_service(tmp_path: Path) -> None:
    folder = _write_beir(tmp_path / "beir")
    result = CliRunner().invoke(main, ["eval", "--beir", str(folder), "--split", "test",
                                       "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["queries"] == 3 and figures["no_hit_queries"] == 1
    # q1 ranks a (gain 2) then d (gain 1): ideal; q2 finds b: ideal; q3 finds nothing.
    assert figures["ndcg_at_10"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["recall_at_100"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["mean_ms"] >= 0


def test_eval_cli_says_what_is_missing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "--beir", str(tmp_path), "--split", "dev"])
    assert result.exit_code != 0
    assert "not a BEIR folder" in result.output and "corpus.jsonl" in result.output
