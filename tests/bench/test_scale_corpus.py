"""The benchmark corpus generator writes valid, deterministic, realistic records."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bench.scale_corpus import WORDS, main
from indexer.sources.corpus import SUMMARY_MAX_WORDS, load_vocabularies
from search_service.cli import main as cli

TEXT = ("title", "summary", "challenge", "lks_contribution", "outcome", "patient_benefit")


def _words(record: dict[str, object]) -> int:
    quote = record.get("quote")
    quoted = len(quote["text"].split()) if isinstance(quote, dict) else 0
    return sum(len(str(record.get(f, "")).split()) for f in TEXT) + quoted


def _generate(folder: Path, size: int, seed: int = 0) -> list[dict[str, object]]:
    main(["--size", str(size), "--out", str(folder), "--seed", str(seed)])
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def test_generated_corpus_passes_validate(tmp_path: Path) -> None:
    records = _generate(tmp_path / "cases", 60)
    assert len(records) == 60
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "cases")])
    assert result.exit_code == 0, result.output
    assert "60 files, all valid" in result.output


def test_same_seed_same_bytes_other_seed_other_text(tmp_path: Path) -> None:
    _generate(tmp_path / "a", 15, seed=4)
    _generate(tmp_path / "b", 15, seed=4)
    _generate(tmp_path / "c", 15, seed=5)
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert a == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a != {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}


def test_length_and_facets_look_like_real_case_studies(tmp_path: Path) -> None:
    records = _generate(tmp_path / "cases", 200)
    assert all(WORDS[0] <= _words(r) <= WORDS[1] for r in records)
    assert all(len(str(r["summary"]).split()) <= SUMMARY_MAX_WORDS for r in records)
    vocab = load_vocabularies()
    regions = {r["region"] for r in records}
    assert len(regions) >= 6 and regions <= set(vocab.tables["region"])
    organisations = [r["organisation"] for r in records]
    assert 20 <= len(set(organisations)) < len(organisations)  # repeat writers, long tail
    assert 0.1 < sum("savings" in r for r in records) / len(records) < 0.7
    assert len({r["id"] for r in records}) == len(records)
