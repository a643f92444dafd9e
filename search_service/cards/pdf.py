"""Paint a :class:`~search_service.cards.design.CardLayout` as a one-page PDF with fpdf2.

Text stays text (selectable, searchable, read aloud), set in the bundled typeface, which fpdf2
embeds as a subset (the faces are read once per process:
:mod:`~search_service.cards.pdffaces`). The document carries a title and language but no
timestamps and no file identifier, so the same layout gives the same bytes every time.
"""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer, PDFInfo

from search_service.cards.design import CardLayout, QrCode
from search_service.cards.palette import rgb
from search_service.cards.pdffaces import FAMILY, add_faces
from search_service.cards.typeface import visual

__all__ = ["paint_pdf", "close_fonts"]


class _Undated(OutputProducer):
    """fpdf2's writer without the /CreationDate it otherwise stamps into the document info."""

    def _add_info(self) -> PDFInfo:
        info = super()._add_info()
        info.creation_date = None  # type: ignore[assignment]  # None entries are left out
        return info


class _CardPDF(FPDF):
    def file_id(self) -> Any:
        return None  # fpdf2's default identifier hashes in the current time


def _fill(pdf: FPDF, colour: str) -> None:
    pdf.set_fill_color(*rgb(colour))


def _qr(pdf: FPDF, qr: QrCode) -> None:
    _fill(pdf, qr.light)
    pdf.rect(qr.box.x, qr.box.y, qr.box.width, qr.box.height, style="F")
    _fill(pdf, qr.dark)
    x0, y0 = qr.origin
    size = qr.module
    for r, row in enumerate(qr.modules):
        c = 0
        while c < len(row):  # one rectangle per run of dark modules
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x0 + start * size, y0 + r * size, (c - start) * size, size, style="F")


def paint_pdf(layout: CardLayout) -> bytes:
    card = layout.format
    pdf = _CardPDF(unit="pt", format=(card.width, card.height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(layout.title)
    pdf.set_lang("en-GB")
    add_faces(pdf)
    pdf.add_page()
    _fill(pdf, layout.background)
    pdf.rect(0, 0, card.width, card.height, style="F")
    for panel in layout.panels:
        _fill(pdf, panel.colour)
        pdf.rect(panel.box.x, panel.box.y, panel.box.width, panel.box.height, style="F")
    if layout.picture is not None:
        box = layout.picture.box
        pdf.image(layout.picture.image, box.x, box.y, box.width, box.height)
    if layout.qr is not None:
        _qr(pdf, layout.qr)
    for block in layout.blocks:
        pdf.set_text_color(*rgb(block.style.colour))
        for line in block.lines:
            pdf.set_font(FAMILY, block.style.face.pdf_style, line.size)
            pdf.text(line.x, line.baseline, visual(line.text))
    try:
        return bytes(pdf.output(output_producer_class=_Undated))
    finally:
        close_fonts(pdf)


def close_fonts(pdf: FPDF) -> None:
    """fpdf2 keeps each font file open until its font object is closed."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()
