"""Real Word files (python-docx), the PDFs LibreOffice makes of them, web pages and text:
each shape read into the same fields, whatever the format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from indexer.sources.importer import ImportedDocument, read_document
from tests.indexer.sources.importer.samples import (
    SHAPES,
    case_html,
    columns_docx,
    docx_bytes,
    to_pdf,
)

FORMATS = ("docx", "pdf")


def _read(shape: str, fmt: str, pdfs: dict[str, bytes]) -> ImportedDocument:
    data = SHAPES[shape]() if fmt == "docx" else pdfs[shape]
    return read_document(data, f"{shape}.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_template_with_heading_styles(fmt: str, sample_pdfs: dict[str, bytes]) -> None:
    doc = _read("template", fmt, sample_pdfs)
    r: dict[str, Any] = doc.record
    assert r["title"] == "Pressure ulcer mattresses: evidence steers a procurement"
    assert r["challenge"].startswith("The tissue viability team")
    assert "expert literature search" in r["lks_contribution"]
    assert "Appraised two trials" in r["lks_contribution"]  # the bullet list stays
    assert r["outcome"].startswith("The trust bought hybrid mattresses")
    assert r["patient_benefit"] == "Fewer patients developed pressure ulcers."
    assert r["savings"]["money_gbp"] == 62_000  # the saving, not the £400,000 tender
    assert r["savings"]["staff_hours"] == 15  # 2 days saved x 7.5 h
    assert r["quote"] == {
        "text": "The evidence summary gave us the confidence to change our mattresses across "
                "the trust.", "name": "Dr Priya Raman", "role": "Consultant Nurse",
        "organisation": "Westmere Hospitals NHS Foundation Trust"}
    assert r["organisation"] == "Westmere Hospitals NHS Foundation Trust"
    assert doc.origins["savings.money_gbp"].origin == "read"  # the labelled savings section
    assert doc.origins["organisation"].origin == "inferred"
    assert "Impact case study" not in r["title"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_column_form(fmt: str, sample_pdfs: dict[str, bytes]) -> None:
    doc = _read("form", fmt, sample_pdfs)
    r = doc.record
    assert r["title"] == "Sepsis screening in the emergency department"
    assert (r["organisation"], r["region"], r["sector"]) == ("Barts Health NHS Trust",
                                                             "london", "acute")
    assert r["submitted_date"] == "2021-03-12"
    assert doc.origins["region"] == doc.origins["region"].read("document", "labelled 'Region'")
    assert r["challenge"] == ("The emergency department wanted to know whether NEWS2 screening "
                              "at triage finds sepsis earlier.")
    assert r["lks_contribution"] == "A literature search with critical appraisal of 14 studies."
    assert r["savings"]["money_gbp"] == 12_500
    assert r["savings"]["staff_hours"] == 22.5
    assert r["quote"]["name"] == "Tom Okafor"
    assert r["quote"]["role"] == "Emergency Department Matron"
    assert "search_with_critical_appraisal" in r["service_types"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_prose_with_bold_headline_and_two_person_quote(fmt: str,
                                                       sample_pdfs: dict[str, bytes]) -> None:
    doc = _read("prose", fmt, sample_pdfs)
    r = doc.record
    assert r["title"] == "Evidence review saves £1.2m on wound dressings"
    assert "challenge" not in r and "silver dressings" in r["body"]  # no sections: the body
    assert r["savings"]["money_gbp"] == 1_200_000  # not the £3m spent
    assert doc.origins["savings.money_gbp"].origin == "inferred"
    assert r["quote"]["name"] == "Dr Anne Lewis and Sam Patel"
    assert r["quote"]["role"] == "Consultant Dermatologist and Tissue Viability Lead"
    assert "Jo Bloggs" in doc.people and "Jo Bloggs" not in r["quote"]["name"]
    spent = [f for f in doc.figures if f.amount == 3_000_000]
    assert spent and spent[0].role == "cost"


@pytest.mark.parametrize("fmt", FORMATS)
def test_map_story_format(fmt: str, sample_pdfs: dict[str, bytes]) -> None:
    doc = _read("map", fmt, sample_pdfs)
    r = doc.record
    assert r["title"] == "Falls prevention on older people's wards"
    assert r["lks_contribution"] == "Two hours of librarian time a week for three months."
    for words in ("Kim Lee", "rewrote the falls bundle", "NHS Long Term Plan",
                  "Three new teams"):
        assert words in r["body"]
    assert r["summary"].startswith("Falls on the older people's wards")
    assert r["savings"]["staff_hours"] == 40
    assert "falls" in r["topics"]


def test_web_page_main_content_only() -> None:
    doc = read_document(case_html(), "lithium.html")
    r = doc.record
    assert r["title"] == "Lithium monitoring in primary care"
    assert r["challenge"].startswith("GP practices in Fenmarsh")
    assert r["savings"]["money_gbp"] == 8_000
    assert r["quote"]["role"] == "Practice Pharmacist"
    text = " ".join(str(v) for v in r.values())
    assert "Accessibility statement" not in text and "tracking" not in text


@pytest.mark.parametrize(("name", "data"), [
    ("story.md", b"# Sepsis screening\n\n**Challenge:** Triage missed sepsis.\n\n## Outcome\n"
                 b"- Screening with NEWS2 now.\n- Saved \xc2\xa35,000.\n"),
    ("story.txt", b"Sepsis screening\n\nChallenge\nTriage missed sepsis.\n\nOutcome\nScreening "
                  b"with NEWS2 now. Saved \xc2\xa35,000.\n"),
])
def test_text_and_markdown(name: str, data: bytes) -> None:
    r = read_document(data, name).record
    assert r["title"] == "Sepsis screening"
    assert r["challenge"] == "Triage missed sepsis."
    assert "NEWS2" in r["outcome"]
    assert r["savings"]["money_gbp"] == 5_000


def test_reading_is_pure_and_repeatable() -> None:
    data = SHAPES["template"]()
    first, second = read_document(data, "a.docx"), read_document(data, "a.docx")
    assert first.record == second.record and first.origins == second.origins


def test_web_page_in_its_declared_charset() -> None:
    page = ('<html><head><meta charset="windows-1252"><title>Café</title></head><body>'
            '<h1>Café evidence</h1><p>The change saved £500 a year.</p></body></html>')
    doc = read_document(page.encode("cp1252"), "cafe.htm")
    assert doc.record["title"] == "Café evidence"
    assert doc.record["savings"]["money_gbp"] == 500


def test_pdf_in_two_columns_reads_each_column_whole(tmp_path: Path) -> None:
    pdf = to_pdf({"columns": columns_docx()}, tmp_path)["columns"]
    record = read_document(pdf, "columns.pdf").record
    body = " ".join(f"{record.get('title', '')} {record.get('body', '')}".split())
    first = "The left column tells the challenge: the antimicrobial stewardship team wanted"
    assert first in body
    # The first sentence is whole: the right column's words do not cut into it.
    assert "to know whether shorter courses of antibiotics for pneumonia were as safe" in body
    assert body.index("The left column") < body.index("The right column")


def test_a_bold_masthead_is_not_the_title() -> None:
    document = docx.Document()
    document.add_paragraph().add_run("Northmoor NHS Foundation Trust").bold = True
    document.add_paragraph().add_run("Library and Knowledge Service").bold = True
    document.add_paragraph().add_run("Delirium screening on the stroke unit").bold = True
    document.add_paragraph("The stroke unit asked for evidence on 4AT delirium screening.")
    assert read_document(docx_bytes(document), "d.docx").record["title"] == (
        "Delirium screening on the stroke unit")
