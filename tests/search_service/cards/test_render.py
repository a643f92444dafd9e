"""The card files: exact sizes, same bytes every time, no metadata, readable by real OCR and
by a PDF reader, and a quoted person's name only when they consented to be named."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from typing import Any

import pytest
from PIL import Image

from search_service.cards.design import CardFormat
from search_service.cards.render import render
from search_service.cards.vignette import Vignette, vignette_layout
from tests.search_service.cards.records import LONGEST, NAMED, ORGANISATION, SECRET_NAME, UNNAMED
from tests.search_service.cards.tools import ocr, pdf_fonts, pdf_info, pdf_text, png_chunks

SURNAME = SECRET_NAME.split()[-1]


@pytest.fixture(scope="module")
def card_bytes(case_json: Any) -> Any:
    made: dict[tuple[str, CardFormat], bytes] = {}

    def get(case: str, card: CardFormat) -> bytes:
        if (case, card) not in made:
            vignette = Vignette.from_case(case_json(case),
                                          f"https://impact.example.nhs.uk/cases/{case}")
            made[(case, card)] = render(vignette_layout(vignette, card))
        return made[(case, card)]

    return get


@pytest.mark.parametrize("card", [CardFormat.LANDSCAPE, CardFormat.SQUARE], ids=lambda c: c.name)
def test_png_cards_have_their_exact_pixel_size_and_no_metadata(card_bytes: Any,
                                                               card: CardFormat) -> None:
    data = card_bytes(LONGEST, card)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (card.width, card.height)
    assert image.mode == "RGB"
    assert png_chunks(data) == ["IHDR", *["IDAT"] * png_chunks(data).count("IDAT"), "IEND"]


def test_the_pdf_is_one_a4_page_with_a_title_and_no_timestamps(card_bytes: Any) -> None:
    data = card_bytes(NAMED, CardFormat.A4)
    info = pdf_info(data)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("595.28 x 841.89 pts (A4)")
    assert info["Title"] == "Evidence review changes the falls bundle"
    assert "CreationDate" not in info and "ModDate" not in info
    assert b"/CreationDate" not in data and b"/ModDate" not in data and b"/ID " not in data


@pytest.mark.parametrize("card", list(CardFormat), ids=lambda c: c.name)
def test_the_same_card_renders_to_the_same_bytes(case_json: Any, card: CardFormat) -> None:
    vignette = Vignette.from_case(case_json(NAMED), "https://impact.example.nhs.uk/cases/x")
    first = render(vignette_layout(vignette, card))
    assert render(vignette_layout(vignette, card)) == first
    # And a different address (so a different QR code) changes them.
    other = Vignette.from_case(case_json(NAMED), "https://impact.example.nhs.uk/cases/y")
    assert render(vignette_layout(other, card)) != first


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("card", [CardFormat.LANDSCAPE, CardFormat.SQUARE], ids=lambda c: c.name)
def test_ocr_reads_the_figure_and_organisation_but_never_an_unconsented_name(
        card_bytes: Any, card: CardFormat) -> None:
    unnamed = _squash(ocr(card_bytes(UNNAMED, card)))
    assert "£62,000 saved" in unnamed
    assert ORGANISATION in unnamed
    assert SURNAME not in unnamed and "Imogen" not in unnamed
    # The same case study whose person consented: the OCR does read names on this card.
    named = _squash(ocr(card_bytes(NAMED, card)))
    assert SURNAME in named and ORGANISATION in named


def test_the_pdf_text_has_the_figure_and_organisation_but_never_an_unconsented_name(
        card_bytes: Any) -> None:
    unnamed = _squash(pdf_text(card_bytes(UNNAMED, CardFormat.A4)))
    assert "£62,000 saved" in unnamed and ORGANISATION in unnamed
    assert "#AMillionDecisions" in unnamed
    assert "https://impact.example.nhs.uk/cases/quote-unnamed" in unnamed.replace(" ", "")
    assert SURNAME not in unnamed
    assert SURNAME in _squash(pdf_text(card_bytes(NAMED, CardFormat.A4)))


def test_the_alt_text_never_has_an_unconsented_name(case_json: Any) -> None:
    unnamed = Vignette.from_case(case_json(UNNAMED), "https://x/cases/a")
    assert SURNAME not in unnamed.alt_text() and unnamed.attribution == (
        f"Consultant Geriatrician, {ORGANISATION}")
    named = Vignette.from_case(case_json(NAMED), "https://x/cases/a")
    assert f"Dr {SECRET_NAME}, Consultant Geriatrician" in named.alt_text()


def test_the_alt_text_is_bounded_and_names_what_the_card_shows(case_json: Any) -> None:
    text = Vignette.from_case(case_json(LONGEST), "https://x/cases/longest").alt_text()
    assert len(text) <= 1000
    assert text.startswith("Impact card: £123,456,789,012 saved and 987,654,321 staff hours")
    assert "Quote: “Q ward ward" in text and "…" in text


def test_a_pdf_does_not_depend_on_the_cards_made_before_it(case_json: Any) -> None:
    """Each PDF gets its own copy of the faces read once per process (cards.pdffaces): a copy
    that shared what a document changes (its subset, widths, missing glyphs) would give the
    second card glyphs of the first, and different bytes."""
    vignette = Vignette.from_case(case_json(NAMED), "https://impact.example.nhs.uk/cases/x")
    other = Vignette.from_case(case_json(LONGEST), "https://impact.example.nhs.uk/cases/y")
    render(vignette_layout(other, CardFormat.A4))
    after_another = render(vignette_layout(vignette, CardFormat.A4))
    assert render(vignette_layout(vignette, CardFormat.A4)) == after_another
    # The same card made first thing in a new process (nothing rendered before it).
    script = ("import sys, json\n"
              "from search_service.cards.design import CardFormat\n"
              "from search_service.cards.render import render\n"
              "from search_service.cards.vignette import Vignette, vignette_layout\n"
              "case = json.load(sys.stdin)\n"
              "v = Vignette.from_case(case, 'https://impact.example.nhs.uk/cases/x')\n"
              "sys.stdout.buffer.write(render(vignette_layout(v, CardFormat.A4)))\n")
    fresh = subprocess.run([sys.executable, "-c", script],
                           input=json.dumps(case_json(NAMED)).encode(), capture_output=True,
                           check=True, timeout=120)
    assert fresh.stdout == after_another


def test_the_pdf_embeds_both_faces_as_subsets_with_their_text(card_bytes: Any) -> None:
    fonts = pdf_fonts(card_bytes(NAMED, CardFormat.A4))
    assert sorted(fonts) == ["LiberationSans", "LiberationSansBold"]
    assert all(font["embedded"] == "yes" and font["subset"] == "yes" for font in fonts.values())
    assert "£62,000" in pdf_text(card_bytes(NAMED, CardFormat.A4))
