"""What a finished card layout is: its format, coloured panels, fitted text, a QR code and an
optional picture. Designs (:mod:`~search_service.cards.vignette`,
:mod:`~search_service.cards.endorsement`) build a :class:`CardLayout`; painters
(:mod:`~search_service.cards.raster`, :mod:`~search_service.cards.pdf`) draw one exactly, and
tests check it: every line inside the card and its box, nothing overlapping, every colour pair
readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

import segno
from PIL import Image

from search_service.cards.layout import Block, Box
from search_service.cards.typeface import Measure, pdf_width, raster_width

__all__ = ["CardFormat", "Panel", "QrCode", "Picture", "CardLayout", "make_qr", "HASHTAG"]

HASHTAG = "#AMillionDecisions"
QUIET_MODULES = 4  # the light margin a QR code needs around it to scan


class CardFormat(Enum):
    """Each card comes in these three sizes: (width, height, media type, file suffix)."""

    LANDSCAPE = (1200, 675, "image/png", "png")  # pixels: social media posts
    SQUARE = (1080, 1080, "image/png", "png")  # pixels: square posts
    A4 = (595.28, 841.89, "application/pdf", "pdf")  # points: a printable page

    @property
    def width(self) -> float:
        return float(self.value[0])

    @property
    def height(self) -> float:
        return float(self.value[1])

    @property
    def media_type(self) -> str:
        return str(self.value[2])

    @property
    def suffix(self) -> str:
        return str(self.value[3])

    @property
    def raster(self) -> bool:
        return self.suffix == "png"

    @property
    def measure(self) -> Measure:
        return raster_width if self.raster else pdf_width

    @property
    def page(self) -> Box:
        return Box(0, 0, self.width, self.height)

    @property
    def description(self) -> str:
        if self.raster:
            return f"PNG image, {self.width} × {self.height} pixels"
        return "PDF, A4 page"


@dataclass(frozen=True)
class Panel:
    box: Box
    colour: str


@dataclass(frozen=True)
class QrCode:
    box: Box  # the square the code and its quiet zone occupy
    modules: tuple[tuple[bool, ...], ...]
    dark: str
    light: str
    text: str
    whole_modules: bool  # raster cards: whole pixels per module, so the code stays sharp

    @property
    def module(self) -> float:
        """Side of one module."""
        side = self.box.width / (len(self.modules) + 2 * QUIET_MODULES)
        return float(int(side)) if self.whole_modules and side >= 1 else side

    @property
    def origin(self) -> tuple[float, float]:
        """Top left of the first module, centring the code in its box."""
        drawn = self.module * len(self.modules)
        return (self.box.x + (self.box.width - drawn) / 2,
                self.box.y + (self.box.height - drawn) / 2)


@lru_cache(maxsize=512)
def _modules(text: str) -> tuple[tuple[bool, ...], ...]:
    # Choosing the QR mask is the slow part; a case's three cards share one code.
    code = segno.make_qr(text, error="m")
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)


def make_qr(text: str, box: Box, dark: str, light: str, raster: bool) -> QrCode:
    return QrCode(box, _modules(text), dark, light, text, whole_modules=raster)


@dataclass(frozen=True)
class Picture:
    box: Box
    image: Image.Image  # already cropped to the box's shape, RGB, no metadata


@dataclass
class CardLayout:
    format: CardFormat
    title: str  # the PDF's document title
    background: str
    panels: list[Panel] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    qr: QrCode | None = None
    picture: Picture | None = None

    def background_of(self, box: Box) -> str:
        """The colour behind ``box``: the last panel drawn that contains it, else the card's."""
        for panel in reversed(self.panels):
            if panel.box.contains(box):
                return panel.colour
        return self.background
