"""Record and corpus builders shared by the tests (fixtures stay in conftest.py)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from indexer.facets import FACETS
from indexer.sources.corpus import load_vocabularies, organisation_key

__all__ = ["BASE_RECORD", "make_record", "write_corpus", "vocabulary_keys", "word_case_study",
           "WORD_SECTIONS", "national_value_lists", "TINY_DOCS", "tiny_records"]

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


def national_value_lists() -> dict[str, Any]:
    """The national database's value lists, from ``shared/domain`` beside the checkout.

    CI lays ``shared/`` beside the checkout, so there a missing file fails the test (like a
    missing browser or redis-server); elsewhere the test skips and says why.
    """
    for parent in Path(__file__).resolve().parents:
        path = parent / "shared" / "domain" / "hee-value-lists.json"
        if path.exists():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    if os.environ.get("CI"):
        pytest.fail("../shared/domain/hee-value-lists.json is missing; CI lays shared/ beside "
                    "the checkout")
    pytest.skip("../shared/domain is not beside this checkout")


# A corpus small enough that the right answer to a query is obvious: id -> (title, summary,
# topics). The engine tests' ``tiny`` fixture indexes it.
TINY_DOCS = {
    "sepsis-screen": ("Sepsis screening in the emergency department",
                      "Nurses screened for sepsis with NEWS2 in A&E.", ["sepsis"]),
    "falls-wards": ("Falls prevention on older people's wards",
                    "A falls bundle with lying and standing blood pressure.", ["falls"]),
    "falls-sepsis": ("Falls and sepsis in care homes",
                     "Care home staff learned to spot sepsis and prevent falls.", ["care homes"]),
    "pressure-ulcer": ("Pressure ulcer prevention",
                       "A pressure ulcer bundle for community nurses.", ["pressure ulcers"]),
    "ulcer-pressure": ("Leg ulcer clinic",
                       "An ulcer clinic relieved pressure on district nurses.", ["leg ulcers"]),
    "diabetes-foot": ("Diabetic foot service", "Diabetes podiatry reduced amputations.",
                      ["diabetic foot"]),
}


def tiny_records() -> list[dict[str, Any]]:
    neutral = {"challenge": "The team asked the library for help.",
               "lks_contribution": "The librarian searched the literature.",
               "outcome": "The service changed."}
    return [make_record(id=i, title=t, summary=s, topics=topics, **neutral)
            for i, (t, s, topics) in TINY_DOCS.items()]


WORD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("The challenge", "Delirium on the older people's wards was often missed at night and "
     "the ward team asked the library for evidence on screening."),
    ("What the library did", "The clinical librarian joined the ward rounds, searched "
     "MEDLINE and CINAHL for delirium screening studies and wrote a two-page summary."),
    ("The outcome", "The wards adopted the 4AT screening tool on admission and trained "
     "every nurse; missed delirium fell by half within three months."),
)


def word_case_study(title: str = "Quillwort ward rounds cut delirium",
                    sections: tuple[tuple[str, str], ...] = WORD_SECTIONS) -> bytes:
    """A case study written from the template in Word (python-docx), as a librarian uploads:
    a heading and a paragraph per section."""
    import io

    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for heading, text in sections:
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
