"""Heading phrasings -> sections, and the shapes a heading comes in."""

from __future__ import annotations

import pytest

from indexer.sources.importer.sections import classify_heading, split_sections
from indexer.sources.importer.text import Block


@pytest.mark.parametrize(("heading", "section"), [
    ("The challenge", "challenge"),
    ("Challenge:", "challenge"),
    ("Background", "challenge"),
    ("The request", "challenge"),
    ("What was the challenge or question?", "challenge"),
    ("1. The question", "challenge"),
    ("Reason for request", "challenge"),
    ("Role of the library", "lks_contribution"),
    ("What the LKS did", "lks_contribution"),
    ("How did the library and knowledge service help?", "lks_contribution"),
    ("The intervention", "lks_contribution"),
    ("Resources required", "lks_contribution"),
    ("What we did", "lks_contribution"),
    ("Outcome", "outcome"),
    ("OUTCOMES", "outcome"),
    ("Impact", "outcome"),
    ("Key findings", "outcome"),
    ("What difference did it make?", "outcome"),
    ("Benefit to patients", "patient_benefit"),
    ("Impact on patient care", "patient_benefit"),
    ("Cost or time saved", "savings"),
    ("Did it save money or time?", "savings"),
    ("Financial savings", "savings"),
    ("Quote", "quote"),
    ("Testimonial", "quote"),
    ("What they said", "quote"),
    ("Working with", "people"),
    ("Project team", "people"),
    ("The story", "story"),
    ("Alignment to local, regional and national drivers", "drivers"),
    ("Impact for the Library", "library_impact"),
    ("Summary", "summary"),
    ("Title", "title"),
    ("Organisation", "organisation"),
    ("Region", "region"),
    ("Staff group impacted", "group_impacted"),
    ("Impact type(s)", "impact_types"),
    ("Date submitted", "submitted_date"),
    # Not headings of a section.
    ("Falls prevention: evidence saves £62k", None),
    ("Pressure ulcer mattresses on the older people's wards", None),
    ("Impact case study – page 1", None),
])
def test_heading_phrasings(heading: str, section: str | None) -> None:
    assert classify_heading(heading) == section


@pytest.mark.parametrize("block", [
    Block("Outcome", "heading", level=2),
    Block("Outcome", bold=True),
    Block("Outcome: Falls fell by a fifth.", label="Outcome"),
    Block("Outcome | Falls fell by a fifth.", "row", cells=("Outcome", "Falls fell by a fifth.")),
    Block("Outcome: Falls fell by a fifth."),
    Block("Outcome\nFalls fell by a fifth."),
])
def test_heading_shapes(block: Block) -> None:
    blocks = [block] if "fell" in block.text else [block, Block("Falls fell by a fifth.")]
    assert split_sections(blocks).text("outcome") == "Falls fell by a fifth."


def test_prose_lines_are_not_headings() -> None:
    blocks = [Block("“The evidence changed our practice across the whole trust\nand saved time.”"),
              Block("The outcome was good."), Block("Impact case study – page 1")]
    assert [p.key for p in split_sections(blocks).parts if p.texts] == ["preamble"]


def test_metadata_value_then_the_narrative_goes_on() -> None:
    sections = split_sections([Block("The challenge", "heading", level=1), Block("Falls rose."),
                               Block("Region: North West"), Block("Wards wanted evidence.")])
    assert sections.text("region") == "North West"
    assert sections.text("challenge") == "Falls rose.\nWards wanted evidence."
