"""Colours meet WCAG AA: the contrast formula checked against known ratios, then every piece
of text on every card measured against the colour actually behind it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from search_service.cards import palette
from search_service.cards.design import CardFormat, CardLayout
from search_service.cards.endorsement import Endorsement, endorsement_layout
from search_service.cards.vignette import Vignette, vignette_layout
from tests.search_service.cards.records import LONGEST, NAMED, NO_QUOTE


@pytest.mark.parametrize(("one", "two", "ratio"), [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
    ("#777777", "#ffffff", 4.48),  # and the first that fails
    ("#ff0000", "#ffffff", 4.0),  # pure red on white, the textbook example
])
def test_the_contrast_formula_gives_the_published_ratios(one: str, two: str,
                                                         ratio: float) -> None:
    assert palette.contrast(one, two) == pytest.approx(ratio, abs=0.01)
    assert palette.contrast(two, one) == palette.contrast(one, two)


def _photo() -> Image.Image:
    return Image.new("RGB", (300, 300), (120, 90, 60))


def _layouts(case_json: Any) -> list[tuple[str, CardLayout]]:
    found = []
    for card in CardFormat:
        for case in (NAMED, LONGEST, NO_QUOTE):
            vignette = Vignette.from_case(case_json(case), f"https://x.nhs.uk/cases/{case}")
            found.append((f"{case} {card.name}", vignette_layout(vignette, card)))
        for photo in (None, _photo()):
            endorsement = Endorsement("Evidence matters.", "A Name", "Chief Nurse",
                                      "A Trust", "Social media.", photo)
            found.append((f"endorsement {card.name} photo={photo is not None}",
                          endorsement_layout(endorsement, card)))
    return found


def test_every_text_on_every_card_has_aa_contrast_with_what_is_behind_it(
        case_json: Any) -> None:
    checked = 0
    for name, layout in _layouts(case_json):
        for block in layout.blocks:
            if not block.lines:
                continue
            bounds = block.bounds
            for panel in layout.panels:  # text sits wholly on one panel or off it
                assert panel.box.contains(bounds) or not panel.box.overlaps(bounds), \
                    f"{name}: {block.text[:30]!r} straddles a panel's edge"
            behind = layout.background_of(bounds)
            ratio = palette.contrast(block.style.colour, behind)
            assert ratio >= palette.AA_TEXT, \
                f"{name}: {block.text[:30]!r} {block.style.colour} on {behind}: {ratio:.2f}"
            checked += 1
        if layout.qr is not None:
            assert palette.contrast(layout.qr.dark, layout.qr.light) >= 7
    assert checked > 100


def test_the_painted_pixels_use_the_layout_colours(case_json: Any) -> None:
    """The painter draws what the layout says: the background behind the headline is the
    layout's, so the ratios above are the ones on the image."""
    from search_service.cards.render import render

    vignette = Vignette.from_case(case_json(NAMED), "https://x.nhs.uk/cases/a")
    layout = vignette_layout(vignette, CardFormat.LANDSCAPE)
    image = Image.open(io.BytesIO(render(layout))).convert("RGB")
    for block in layout.blocks:
        box = block.bounds
        corner = image.getpixel((int(box.x) - 2, int(box.y) + 1))
        assert corner == palette.rgb(layout.background_of(box)), block.text[:30]
