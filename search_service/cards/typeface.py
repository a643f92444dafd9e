"""The one typeface every card uses, what it can draw, and how wide text is in it.

Liberation Sans 2 (SIL Open Font License 1.1, ``fonts/OFL.txt``) ships inside the package, so a
card has the same glyphs and the same line breaks on every machine; it has Arial's metrics,
the NHS.UK design system's fallback for Frutiger. Text is cleaned before layout: control and
formatting characters (bidirectional overrides, zero-width joiners) are dropped, whitespace is
folded, and characters the typeface has no glyph for are either reported (:func:`undrawable`,
for text a person types) or dropped (:func:`clean` with ``drop_undrawable``, for published
records).

Widths are additive per character: for the raster cards each character's width is Pillow's own
(hinted) advance at that pixel size, for the PDF it is fpdf2's width table, so a measured line
is the width the painter will draw (kerning pairs in this font only ever narrow a line).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from pathlib import Path

from bidi import get_display
from fontTools.ttLib import TTFont
from PIL import ImageFont

__all__ = ["Face", "FONT_DIR", "font_path", "coverage", "clean", "undrawable", "pillow_font",
           "raster_width", "pdf_width", "ASCENT", "DESCENT", "Measure", "visual"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"

Measure = Callable[[str, "Face", float], float]


class Face(Enum):
    REGULAR = "LiberationSans-Regular.ttf"
    BOLD = "LiberationSans-Bold.ttf"

    @property
    def pdf_style(self) -> str:
        return "B" if self is Face.BOLD else ""


def font_path(face: Face) -> Path:
    return FONT_DIR / face.value


def _metrics() -> tuple[float, float]:
    font = TTFont(font_path(Face.REGULAR), lazy=True)
    try:
        upm = font["head"].unitsPerEm
        return font["hhea"].ascent / upm, -font["hhea"].descent / upm
    finally:
        font.close()


# Ascent and descent as fractions of the font size (the same for both faces of this family):
# a line's baseline sits ASCENT below the top of its glyph box, in PNG and PDF alike.
ASCENT, DESCENT = _metrics()


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Code points that every face can draw."""
    found: frozenset[int] | None = None
    for face in Face:
        font = TTFont(font_path(face), lazy=True)
        try:
            points = frozenset(font.getBestCmap())
        finally:
            font.close()
        found = points if found is None else found & points
    assert found is not None
    return found


_SPACES = {"Zs", "Zl", "Zp"}
_DROPPED = {"Cc", "Cf", "Co", "Cs", "Cn"}  # controls, formatting (bidi, zero-width), private


def _visible(text: str) -> str:
    """NFC text with whitespace folded to single spaces and invisible characters removed."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category in _SPACES or char in "\t\n\r\f\v":
            out.append(" ")
        elif category not in _DROPPED:
            out.append(char)
    return " ".join("".join(out).split())


def undrawable(text: str) -> list[str]:
    """The distinct visible characters of ``text`` that the typeface cannot draw, in order."""
    drawable = coverage()
    seen: dict[str, None] = {}
    for char in _visible(text):
        if ord(char) not in drawable:
            seen.setdefault(char, None)
    return list(seen)


def clean(text: str | None, drop_undrawable: bool = True) -> str:
    """``text`` as a card draws it: visible characters only, whitespace folded."""
    visible = _visible(text or "")
    if not drop_undrawable:
        return visible
    drawable = coverage()
    return " ".join("".join(c for c in visible if ord(c) in drawable).split())


# Right-to-left scripts the typeface has (Hebrew), and those it has not, which never get here.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def visual(line: str) -> str:
    """A laid-out line in the order its characters are drawn, left to right.

    Text is stored, measured and wrapped in reading order; neither painter reorders it (Pillow's
    basic layout and fpdf2 without text shaping draw characters as they come), so a Hebrew name
    would come out backwards. The Unicode bidirectional algorithm (python-bidi) gives the order
    to draw. Widths add up per character, so the line's measured width does not change.
    """
    return str(get_display(line)) if _RIGHT_TO_LEFT.search(line) else line


# --- Measuring -------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def pillow_font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no dependence on whether this machine's Pillow has libraqm.
    return ImageFont.truetype(str(font_path(face)), size, layout_engine=ImageFont.Layout.BASIC)


_raster_lock = threading.Lock()
_raster_widths: dict[tuple[Face, int], dict[str, float]] = {}


def raster_width(text: str, face: Face, size: float) -> float:
    """Width in pixels of ``text`` drawn by Pillow at ``size`` pixels (a whole number)."""
    pixels = int(size)
    table = _raster_widths.get((face, pixels))
    if table is None:
        with _raster_lock:
            table = _raster_widths.setdefault((face, pixels), {})
    total = 0.0
    for char in text:
        width = table.get(char)
        if width is None:
            width = table[char] = pillow_font(face, pixels).getlength(char)
        total += width
    return total


@lru_cache(maxsize=2)
def _pdf_widths(face: Face) -> dict[int, int]:
    """fpdf2's own width table for the face (thousandths of the font size, by code point)."""
    # fpdf2 loads with the first PDF, not when a worker starts; the face it reads is the one
    # every PDF copies (read once per process).
    from search_service.cards.pdffaces import widths

    return widths(face)


def pdf_width(text: str, face: Face, size: float) -> float:
    """Width in points of ``text`` set by fpdf2 at ``size`` points."""
    table = _pdf_widths(face)
    return sum(table.get(ord(char), 0) for char in text) * size * 0.001
