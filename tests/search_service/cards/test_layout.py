"""Text always fits: shrink, then wrap, then cut, in that order; and on every card, for the
longest fields the schema allows, a 2,000-character quote or none, every measured line stays
inside its box and the card, and nothing overlaps."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PIL import Image, ImageDraw

from search_service.cards.design import CardFormat, CardLayout
from search_service.cards.layout import ELLIPSIS, Box, Style, fit, stack
from search_service.cards.typeface import Face, pdf_width, pillow_font, raster_width
from search_service.cards.vignette import Vignette, vignette_layout
from tests.search_service.cards.records import LONGEST, NAMED, NO_QUOTE, NO_SPACES, UNNAMED

STYLE = Style(Face.REGULAR, 40, 20, "#212b32", shrink_to=0.8)
SENTENCE = "Evidence from the library changed the decision"


def test_text_that_nearly_fits_is_shrunk_onto_one_line_before_it_is_wrapped() -> None:
    full = raster_width(SENTENCE, Face.REGULAR, 40)
    block = fit(SENTENCE, Box(0, 0, full * 0.9, 200), STYLE, raster_width)
    assert len(block.lines) == 1 and block.size < 40 and not block.truncated
    assert block.lines[0].width <= full * 0.9


def test_text_too_long_for_one_line_is_wrapped_at_the_largest_size_that_fits() -> None:
    full = raster_width(SENTENCE, Face.REGULAR, 40)
    block = fit(SENTENCE, Box(0, 0, full * 0.6, 200), STYLE, raster_width)
    assert len(block.lines) == 2 and block.size == 40 and not block.truncated
    assert block.shown == SENTENCE


def test_text_too_long_for_the_box_at_the_smallest_size_is_cut_with_an_ellipsis() -> None:
    text = " ".join(["evidence"] * 400)
    area = Box(10, 10, 300, 100)
    block = fit(text, area, STYLE, raster_width)
    assert block.truncated and block.size == STYLE.min_size
    assert block.lines[-1].text.endswith(ELLIPSIS)
    assert len(block.lines) == int(100 // STYLE.line_height(20))
    assert all(area.contains(line.box) for line in block.lines)


def test_a_cut_keeps_the_closing_mark_and_a_word_boundary() -> None:
    text = "“" + " ".join(["ward"] * 500) + "”"
    block = fit(text, Box(0, 0, 400, 60), STYLE, raster_width, closing="”")
    last = block.lines[-1].text
    assert last.endswith(ELLIPSIS + "”") and "war…" not in last and block.truncated


@pytest.mark.parametrize("measure", [raster_width, pdf_width])
def test_a_word_wider_than_the_box_breaks_inside_it_after_a_slash_where_it_can(
        measure: Any) -> None:
    url = "https://impact-search.example.nhs.uk/cases/" + "-".join(["falls"] * 10)
    block = fit(url, Box(0, 0, 240, 400), Style(Face.REGULAR, 16, 11, "#000"), measure)
    assert not block.truncated and "".join(line.text for line in block.lines) == url
    assert all(line.width <= 240 for line in block.lines)
    assert block.lines[0].text.endswith(("/", "-", "."))


def test_a_stack_keeps_room_for_every_later_piece() -> None:
    big = Style(Face.REGULAR, 30, 12, "#000")
    blocks = stack([(" ".join(["long"] * 2000), big), ("Organisation", big),
                    ("", big), ("Last words", big)], Box(0, 0, 400, 300), raster_width, 8)
    assert [b.text for b in blocks][1:] == ["Organisation", "Last words"]
    assert all(not b.truncated for b in blocks[1:]) and blocks[0].truncated
    assert blocks[-1].bottom <= 300
    for upper, lower in itertools.pairwise(blocks):
        assert upper.bottom <= lower.lines[0].y


CASES = [NAMED, UNNAMED, LONGEST, NO_QUOTE, NO_SPACES]


@pytest.fixture(scope="module")
def layouts(case_json: Any) -> dict[tuple[str, CardFormat], CardLayout]:
    return {(case, card): vignette_layout(Vignette.from_case(
        case_json(case), f"https://impact.example.nhs.uk/cases/{case}"), card)
        for case in CASES for card in CardFormat}


def check_fits(layout: CardLayout) -> None:
    page = layout.format.page
    for block in layout.blocks:
        assert page.contains(block.area), f"{block.text[:40]!r}: area leaves the card"
        for line in block.lines:
            assert line.width <= block.area.width + 0.01, f"{line.text[:40]!r} overflows"
            assert block.area.contains(line.box), f"{line.text[:40]!r} leaves its box"
    bounds = [b.bounds for b in layout.blocks if b.lines]
    others = [layout.qr.box] if layout.qr else []
    others += [layout.picture.box] if layout.picture else []
    for one, two in itertools.combinations(bounds + others, 2):
        assert not one.overlaps(two), f"{one} overlaps {two}"


@pytest.mark.parametrize("card", list(CardFormat), ids=lambda c: c.name)
@pytest.mark.parametrize("case", CASES)
def test_every_line_of_every_card_stays_inside_its_box_and_nothing_overlaps(
        layouts: dict[tuple[str, CardFormat], CardLayout], case: str, card: CardFormat) -> None:
    check_fits(layouts[(case, card)])


@pytest.mark.parametrize("card", [CardFormat.LANDSCAPE, CardFormat.SQUARE], ids=lambda c: c.name)
@pytest.mark.parametrize("case", [LONGEST, NO_SPACES])
def test_the_ink_pillow_draws_stays_on_the_card(
        layouts: dict[tuple[str, CardFormat], CardLayout], case: str, card: CardFormat) -> None:
    layout = layouts[(case, card)]
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for block in layout.blocks:
        for line in block.lines:
            left, top, right, bottom = draw.textbbox(
                (line.x, line.baseline), line.text, font=pillow_font(line_face(block), int(
                    line.size)), anchor="ls")
            assert 0 <= left and right <= card.width and 0 <= top and bottom <= card.height
            # Ink may overhang the advance width by a pixel or two, never more.
            assert right <= block.area.right + 2, line.text[:40]


def line_face(block: Any) -> Face:
    face: Face = block.style.face
    return face


@pytest.mark.parametrize("card", list(CardFormat), ids=lambda c: c.name)
def test_the_longest_case_study_is_cut_and_still_shows_every_part(
        layouts: dict[tuple[str, CardFormat], CardLayout], card: CardFormat,
        case_json: Any) -> None:
    layout = layouts[(LONGEST, card)]
    shown = [b.shown for b in layout.blocks]
    quote = next(b for b in layout.blocks if b.shown.startswith("“Q ward"))
    whole = "“" + case_json(LONGEST)["quote"]["text"] + "”"
    assert quote.shown.endswith(ELLIPSIS + "”") if quote.truncated else quote.shown == whole
    if card.raster:  # an A4 page has room for all 2,000 characters at its smallest size
        assert quote.truncated
    assert any(text.startswith("— Name Name") for text in shown)
    assert any("£123,456,789,012 saved" in text for text in shown)
    assert any(b.truncated for b in layout.blocks)


@pytest.mark.parametrize("card", list(CardFormat), ids=lambda c: c.name)
def test_a_case_study_without_a_quote_has_no_quote_panel(
        layouts: dict[tuple[str, CardFormat], CardLayout], card: CardFormat) -> None:
    layout = layouts[(NO_QUOTE, card)]
    assert not any(b.shown.startswith(("“", "—")) for b in layout.blocks)
    assert not any(b.truncated for b in layout.blocks)
    # The headline falls back to the outcome's first sentence.
    assert any(b.shown.startswith("The team changed its discharge checklist") and
               b.shown.endswith("fell on both wards.") for b in layout.blocks)
