"""One entry point from a layout to the bytes of its file."""

from __future__ import annotations

from search_service.cards.design import CardLayout
from search_service.cards.pdf import paint_pdf
from search_service.cards.raster import paint_png

__all__ = ["render"]


def render(layout: CardLayout) -> bytes:
    return paint_png(layout) if layout.format.raster else paint_pdf(layout)
