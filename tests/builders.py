"""Record and corpus builders shared by the tests (fixtures stay in conftest.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from indexer.facets import FACETS
from indexer.sources.corpus import load_vocabularies, organisation_key

__all__ = ["BASE_RECORD", "make_record", "write_corpus", "vocabulary_keys"]

BASE_RECORD: dict[str, Any] = {
    "id": "placeholder",
    "title": "Evidence review changes the falls bundle",
    "summary": "A literature search helped a ward change its falls prevention bundle.",
    "challenge": "Falls on the ward were rising and the team wanted current evidence.",
    "lks_contribution": "The librarian searched MEDLINE and CINAHL and wrote a summary.",
    "outcome": "The bundle changed and falls fell.",
    "impact_types": ["improved_the_quality_of_patient_care"],
    "group_impacted": "nursing_and_midwifery",
    "sector": "acute",
    "region": "north_west",
    "organisation": "Testford Hospitals NHS Trust",
    "service_types": ["expert_literature_search"],
    "purpose": "service_redesign",
    "topics": ["falls"],
    "submitted_date": "2020-05-01",
    "consent": {"named": True, "internal": True, "external": True},
}


def make_record(**changes: Any) -> dict[str, Any]:
    """A valid record with ``changes`` applied (``id`` is required)."""
    record = copy.deepcopy(BASE_RECORD)
    record.update(changes)
    return record


def write_corpus(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record in records:
        (folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def vocabulary_keys(*organisations: str) -> dict[str, list[str]]:
    """The keys each facet accepts, as a generation's columns would hold them: the bundled
    vocabularies, and ``organisations`` by name."""
    vocab = load_vocabularies()
    keys = {spec.name: list(vocab.tables[spec.vocabulary]) for spec in FACETS if spec.vocabulary}
    keys["organisation"] = [organisation_key(name) for name in organisations]
    return keys
