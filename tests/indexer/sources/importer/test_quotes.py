"""Attribution shapes, the main quote, and the people a document names."""

from __future__ import annotations

import pytest

from indexer.sources.importer.quotes import find_quote, parse_attribution, people_in
from indexer.sources.importer.sections import split_sections
from indexer.sources.importer.text import Block


@pytest.mark.parametrize(("text", "names", "roles", "organisation"), [
    ("– Dr Jane Smith, Consultant Geriatrician, Northmoor NHS Trust",
     ["Dr Jane Smith"], ["Consultant Geriatrician"], "Northmoor NHS Trust"),
    ("Jane Smith (Matron)", ["Jane Smith"], ["Matron"], ""),
    ("Dr A Smith, Consultant, and B Jones, Ward Manager, Northmoor NHS Trust",
     ["Dr A Smith", "B Jones"], ["Consultant", "Ward Manager"], "Northmoor NHS Trust"),
    ("Jane Smith and John Brown, Physiotherapists", ["Jane Smith", "John Brown"],
     ["Physiotherapists"], ""),
    ("Head of Nursing and Quality, Kent and Medway NHS Trust", [],
     ["Head of Nursing and Quality"], "Kent and Medway NHS Trust"),
    ("Siobhán O’Neill, Clinical Librarian at Northmoor Library and Knowledge Service",
     ["Siobhán O’Neill"], ["Clinical Librarian"], "Northmoor Library and Knowledge Service"),
    ("Consultant Anaesthetist", [], ["Consultant Anaesthetist"], ""),
    ("Practice Pharmacist, Fenmarsh Primary Care Network", [], ["Practice Pharmacist"],
     "Fenmarsh Primary Care Network"),
    ("Mary-Jane Smith-Jones\nAdvanced Nurse Practitioner\nWestmere Hospitals NHS Trust",
     ["Mary-Jane Smith-Jones"], ["Advanced Nurse Practitioner"], "Westmere Hospitals NHS Trust"),
    ("said Prof. K. Adeyemi, Director of Research", ["Prof. K. Adeyemi"],
     ["Director of Research"], ""),
])
def test_attribution_shapes(text: str, names: list[str], roles: list[str],
                            organisation: str) -> None:
    found = parse_attribution(text)
    assert (found.names, found.roles, found.organisation) == (names, roles, organisation)


@pytest.mark.parametrize("blocks", [
    [Block("“The search changed our minds about sensors,” said Dr Jane Smith, Consultant.")],
    [Block("Dr Jane Smith, Consultant, said: “The search changed our minds about sensors.”")],
    [Block("“The search changed our minds about sensors.”"), Block("– Dr Jane Smith, Consultant")],
    [Block("\"The search changed our minds about sensors\" (Dr Jane Smith, Consultant)")],
    [Block("‘The search changed our minds about sensors’ – Dr Jane Smith, Consultant")],
    [Block("“The search changed our minds about sensors.”"), Block("Dr Jane Smith"),
     Block("Consultant")],
])
def test_quote_with_its_attribution(blocks: list[Block]) -> None:
    quote = find_quote(blocks, split_sections(blocks))
    assert quote is not None
    assert quote.text.rstrip(".,") == "The search changed our minds about sensors"
    assert (quote.attribution.names, quote.attribution.roles) == (["Dr Jane Smith"],
                                                                  ["Consultant"])


def test_working_with_block_is_not_the_quoted_person() -> None:
    blocks = [Block("“We would never have found these trials ourselves.”"),
              Block("Working with: Jo Bloggs, Clinical Librarian, Northmoor Library")]
    sections = split_sections(blocks)
    quote = find_quote(blocks, sections)
    assert quote is not None and quote.attribution.names == []
    assert people_in(sections, quote) == ["Jo Bloggs"]


def test_quote_section_without_quotation_marks() -> None:
    blocks = [Block("Quote", "heading", level=2),
              Block("The evidence gave us the confidence to change."),
              Block("– Priya Raman, Consultant Nurse")]
    quote = find_quote(blocks, split_sections(blocks))
    assert quote is not None
    assert quote.text == "The evidence gave us the confidence to change."
    assert quote.attribution.names == ["Priya Raman"]


def test_a_short_phrase_in_quotation_marks_is_not_a_quote() -> None:
    blocks = [Block("We followed the “Get It Right First Time” report.")]
    assert find_quote(blocks, split_sections(blocks)) is None
