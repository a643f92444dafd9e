"""The bundled typeface: shipped with its licence, what it can draw, and how text is cleaned."""

from __future__ import annotations

from search_service.cards.typeface import FONT_DIR, Face, clean, coverage, font_path, undrawable


def test_the_fonts_ship_with_their_licence() -> None:
    for face in Face:
        assert font_path(face).stat().st_size > 100_000
    licence = (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Liberation" in licence


def test_the_typeface_draws_the_characters_cards_use() -> None:
    assert all(ord(c) in coverage() for c in "£€“”‘’…—–·#é ÁßøŁ")


def test_clean_drops_invisible_and_direction_changing_characters() -> None:
    hostile = "Dr\u202e Evil\u202c \u2066Name\u2069\u200b\u200d\ufeff\x00\x07\n\n\tHere"
    assert clean(hostile) == "Dr Evil Name Here"


def test_clean_keeps_markup_as_text_and_drops_what_it_cannot_draw() -> None:
    assert clean("<b>Bold</b> & 😀 done ✓") == "<b>Bold</b> & done"
    assert clean("<b>Bold</b> 😀", drop_undrawable=False) == "<b>Bold</b> 😀"


def test_undrawable_lists_each_missing_character_once_in_order() -> None:
    assert undrawable("ok 😀 then 🎉 and 😀 again \u202e") == ["😀", "🎉"]
    assert undrawable("Plain £62,000 “quoted” text") == []
