"""One entry point from a layout to the bytes of its file."""

from __future__ import annotations

from search_service.cards.design import CardLayout
from search_service.cards.raster import paint_png

__all__ = ["render"]


def render(layout: CardLayout) -> bytes:
    if layout.format.raster:
        return paint_png(layout)
    # fpdf2 (and fontTools' subsetter) load on the first PDF, not when a worker starts.
    from search_service.cards.pdf import paint_pdf

    return paint_pdf(layout)
