"""The typeface as fpdf2 embeds it, read once per process instead of once per PDF.

fpdf2 reads a TrueType file afresh for every document (``add_font``: the character map, the
widths of all 2,600 glyphs) and then subsets it (``output``), and the subsetting edits the
parsed font in place, so a parsed font cannot simply be reused. That reading and subsetting
was most of an A4 card's time (about 45 of 65 ms on a quiet machine). Two things are done once
per process instead:

* Each face is prepared in memory without the OpenType layout tables (GDEF, GPOS, GSUB) and
  the other tables fpdf2 drops from every subset anyway (it does not shape text, and neither
  does the PNG painter). The subsetter no longer decodes those tables to throw them away. The
  file shipped in ``fonts/`` is not changed: the prepared copy exists only in memory.
* fpdf2's font object is built once (:func:`_read`; its widths are what layout measures); each
  document gets a copy that shares what is read-only (character map, glyph ids, descriptor) and
  has its own parsed font, width table and subset map, which are what a document changes.

A card made this way has the same glyphs, widths and text as one made with ``add_font``; tests
check that a PDF does not depend on what was rendered before it in the process.
"""

from __future__ import annotations

import copy
import io
import threading
from functools import lru_cache

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from search_service.cards.typeface import Face, font_path

__all__ = ["add_faces", "prepared_face", "widths", "UNUSED_TABLES"]

FAMILY = "card"  # the one family name every card's PDF uses

# Tables fpdf2 2.8 drops from every embedded subset (fpdf.output: options.drop_tables) that
# this typeface has; removing them first spares the subsetter from decoding them.
UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "hdmx")

_lock = threading.Lock()


@lru_cache(maxsize=len(Face))
def prepared_face(face: Face) -> bytes:
    """The face's TrueType bytes without :data:`UNUSED_TABLES`."""
    font = TTFont(font_path(face), recalcTimestamp=False)
    try:
        for tag in UNUSED_TABLES:
            if tag in font:
                del font[tag]
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    finally:
        font.close()


@lru_cache(maxsize=len(Face))
def _read(face: Face) -> TTFFont:
    pdf = FPDF(unit="pt")
    pdf.add_font(FAMILY, face.pdf_style, str(font_path(face)))
    font = pdf.fonts[f"{FAMILY}{face.pdf_style}"]
    assert isinstance(font, TTFFont)
    font.close()  # only its tables read at start are kept; each copy parses its own
    return font


def widths(face: Face) -> dict[int, int]:
    """fpdf2's width table for ``face`` (thousandths of the font size, by code point)."""
    with _lock:  # lru_cache may build twice under threads; build once
        template = _read(face)
    return {int(k): int(v) for k, v in template.cw.items()}


def _fresh(face: Face, index: int) -> TTFFont:
    with _lock:
        template, data = _read(face), prepared_face(face)
    font = copy.copy(template)
    font.i = index
    font.ttfont = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(template.cw)  # a defaultdict: looking up a missing character adds it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    return font


def add_faces(pdf: FPDF) -> None:
    """Make every :class:`Face` available to ``pdf`` as :data:`FAMILY` (as ``add_font`` would)."""
    for face in Face:
        pdf.fonts[f"{FAMILY}{face.pdf_style}"] = _fresh(face, len(pdf.fonts) + 1)
