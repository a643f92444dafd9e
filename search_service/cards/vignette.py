"""Impact vignette cards: what a published case study's card says, and how each format lays
it out.

The content comes only from the *public* record (:func:`indexer.corpus.public_record` has
already removed a quoted person's name unless they consented to be named), so a card can show
no more than the case page does: the attribution is built from whatever the public quote
holds, and nothing here ever looks for a name anywhere else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from importlib.metadata import version
from typing import Any

from search_service.cards import palette
from search_service.cards.design import HASHTAG, CardFormat, CardLayout, Panel, make_qr
from search_service.cards.layout import Box, Style, fit, stack
from search_service.cards.typeface import Face, clean
from search_service.page_models import headline as case_headline

__all__ = ["Vignette", "vignette_layout", "KICKER", "DESIGN_VERSION", "ALT_TEXT_MAX"]

KICKER = "NHS library and knowledge services: impact"
DESIGN_VERSION = "1"  # change with any change to what a card looks like: it is in the ETag
ALT_TEXT_MAX = 1000  # social networks take 1,000 characters or more of image description


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True)
class Vignette:
    case_id: str
    headline: str
    title: str
    summary: str
    quote: str  # "" when the case study has no quote
    attribution: str  # name (only with consent), job title, organisation
    organisation: str
    impact_types: tuple[str, ...]
    address: str  # the case study's absolute URL

    @classmethod
    def from_case(cls, case: dict[str, Any], address: str) -> Vignette:
        """From :func:`search_service.browse.get_case`'s public record with facet labels."""
        quote = case.get("quote") or {}
        who = [quote.get("name"), quote.get("role"), quote.get("organisation")]
        facets = case.get("facets") or {}
        return cls(
            case_id=str(case["id"]),
            headline=clean(case_headline(case)),
            title=clean(case.get("title")),
            summary=clean(case.get("summary")),
            quote=clean(quote.get("text")),
            attribution=clean(", ".join(str(part) for part in who if part)),
            organisation=clean(case.get("organisation")),
            impact_types=tuple(clean(t["label"]) for t in facets.get("impact_types", [])),
            address=address,
        )

    @property
    def impact_line(self) -> str:
        return "Impact: " + " · ".join(self.impact_types) if self.impact_types else ""

    def alt_text(self) -> str:
        """A description of the card for people who cannot see it, ready to paste."""
        parts = [f"Impact card: {self.headline}.", f"{self.title}.",
                 f"From the library and knowledge service at {self.organisation}."]
        if self.quote:
            parts.append(f"Quote: “{self.quote}” ({self.attribution}).")
        if self.impact_types:
            parts.append(f"Impact: {', '.join(self.impact_types)}.")
        parts.append(f"{HASHTAG}. A QR code links to the case study at {self.address}")
        text = " ".join(parts)
        if len(text) > ALT_TEXT_MAX and self.quote:
            room = len(self.quote) - (len(text) - ALT_TEXT_MAX)
            parts[3] = f"Quote: “{_shorten(self.quote, max(40, room))}” ({self.attribution})."
            text = " ".join(parts)
        return _shorten(text, ALT_TEXT_MAX)

    def fingerprint(self, card: CardFormat) -> str:
        """Same content, format, design and libraries: same bytes, so this is the ETag."""
        payload = {"content": asdict(self), "format": card.name, "design": DESIGN_VERSION,
                   "libraries": [version(name) for name in ("pillow", "fpdf2", "segno")]}
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:32]


def _styles(unit: float, frame: float, raster: bool) -> dict[str, Style]:
    """Text styles: the column's scale with ``unit``, the frame's (band, footer) with ``frame``."""
    step = 1.0 if raster else 0.5

    def style(scale: float, face: Face, big: float, small: float, colour: str,
              lines: int = 1_000, leading: float = 1.25, align: str = "left") -> Style:
        def size(value: float) -> float:
            return float(round(value * scale)) if raster else round(value * scale * 2) / 2
        return Style(face, size(big), size(small), colour, lines, leading, align, step)

    return {
        "kicker": style(frame, Face.BOLD, 24, 15, palette.WHITE, 1),
        "hashtag": style(frame, Face.BOLD, 24, 15, palette.WHITE, 1, align="right"),
        "impact": style(frame, Face.REGULAR, 18, 13, palette.TEXT, 4),
        "address": style(frame, Face.REGULAR, 16, 11, palette.SECONDARY_TEXT, 5, 1.2),
        "organisation": style(unit, Face.BOLD, 26, 16, palette.NHS_DARK_BLUE, 2),
        "headline": style(unit, Face.BOLD, 56, 26, palette.NHS_BLUE, 3, 1.15),
        "title": style(unit, Face.REGULAR, 28, 18, palette.TEXT, 3),
        "summary": style(unit, Face.REGULAR, 22, 16, palette.SECONDARY_TEXT, 5),
        "quote": style(unit, Face.REGULAR, 24, 16, palette.TEXT),
        "attribution": style(unit, Face.BOLD, 18, 14, palette.SECONDARY_TEXT, 2),
    }


def _quote(card: CardLayout, text: str, attribution: str, area: Box, styles: dict[str, Style],
           unit: float) -> None:
    """The quotation on a pale panel with an NHS blue bar, as much of it as fits in ``area``."""
    bar, pad = 8 * unit, 16 * unit
    inner = Box(area.x + bar + pad, area.y + pad, area.width - bar - 2 * pad,
                area.height - 2 * pad)
    measure = card.format.measure
    by = styles["attribution"]
    room = Box(inner.x, inner.y, inner.width, inner.height - by.reserve() - pad / 2)
    said = fit(f"“{text}”", room, styles["quote"], measure, closing="”")
    who = fit(f"— {attribution}", Box(inner.x, said.bottom + pad / 2, inner.width,
                                      inner.bottom - said.bottom - pad / 2), by, measure)
    height = who.bottom + pad - area.y
    card.panels += [Panel(Box(area.x, area.y, area.width, height), palette.PALE_GREY),
                    Panel(Box(area.x, area.y, bar, height), palette.NHS_BLUE)]
    card.blocks += [said, who]


def _column(card: CardLayout, v: Vignette, area: Box, styles: dict[str, Style],
            unit: float) -> None:
    """Organisation, headline, title, summary and quote, top to bottom in ``area``."""
    gap = 12 * unit
    quote_room = (styles["quote"].reserve() * 2 + styles["attribution"].reserve()
                  + 48 * unit) if v.quote else 0.0
    top = Box(area.x, area.y, area.width, area.height - quote_room)
    blocks = stack([(v.organisation, styles["organisation"]), (v.headline, styles["headline"]),
                    (v.title, styles["title"]), (v.summary, styles["summary"])],
                   top, card.format.measure, gap)
    card.blocks += blocks
    if v.quote:
        y = (blocks[-1].bottom if blocks else area.y) + gap * 1.5
        _quote(card, v.quote, v.attribution, Box(area.x, y, area.width, area.bottom - y),
               styles, unit)


def _band(card: CardLayout, height: float, styles: dict[str, Style], margin: float) -> None:
    width = card.format.width
    card.panels.append(Panel(Box(0, 0, width, height), palette.NHS_BLUE))
    line = styles["kicker"].line_height(styles["kicker"].size)
    row = Box(margin, (height - line) / 2, width - 2 * margin, line)
    tag = fit(HASHTAG, row, styles["hashtag"], card.format.measure)
    room = Box(row.x, row.y, tag.bounds.x - row.x - margin / 2, row.height)
    card.blocks += [fit(KICKER, room, styles["kicker"], card.format.measure), tag]


def _footer(card: CardLayout, v: Vignette, text_area: Box, qr_box: Box,
            styles: dict[str, Style], unit: float) -> None:
    """Impact types and the address beside a QR code that links to the case study."""
    measure = card.format.measure
    blocks = stack([(v.impact_line, styles["impact"]), (v.address, styles["address"])],
                   text_area, measure, 10 * unit)
    card.blocks += blocks
    card.qr = make_qr(v.address, qr_box, palette.TEXT, palette.WHITE, card.format.raster)


@dataclass(frozen=True)
class _Stacked:
    """A card with the column above a pale footer of impact types, address and QR code."""

    frame: float  # scale of the band and footer text
    raster: bool
    band: float  # height of the blue band
    foot: float  # height of the pale footer
    qr: float  # side of the QR code's square
    gap: float  # space above the column and inside the footer


def _stacked(layout: CardLayout, v: Vignette, unit: float, shape: _Stacked) -> None:
    card, margin = layout.format, 48.0
    styles = _styles(unit, shape.frame, shape.raster)
    _band(layout, shape.band, styles, margin)
    foot = card.height - shape.foot
    layout.panels.append(Panel(Box(0, foot, card.width, shape.foot), palette.PALE_GREY))
    top = shape.band + shape.gap + 4
    _column(layout, v, Box(margin, top, card.width - 2 * margin, foot - shape.gap - top),
            styles, unit)
    qr = Box(card.width - margin - shape.qr, foot + shape.gap, shape.qr, shape.qr)
    _footer(layout, v, Box(margin, foot + shape.gap, qr.x - margin - shape.gap,
                           shape.foot - 2 * shape.gap), qr, styles, unit)


def _a4(layout: CardLayout, v: Vignette, unit: float) -> None:
    _stacked(layout, v, unit, _Stacked(0.6, False, band=56, foot=200, qr=152, gap=24))


def _square(layout: CardLayout, v: Vignette, unit: float) -> None:
    _stacked(layout, v, unit, _Stacked(1.1, True, band=80, foot=296, qr=248, gap=28))


def _landscape(layout: CardLayout, v: Vignette, unit: float) -> None:
    card, margin = layout.format, 48.0
    styles = _styles(unit, 1.0, raster=True)
    _band(layout, 72, styles, margin)
    foot = card.height - 72
    layout.panels.append(Panel(Box(0, foot, card.width, 72), palette.PALE_GREY))
    qr = Box(card.width - margin - 232, 96, 232, 232)
    _column(layout, v, Box(margin, 96, qr.x - 40 - margin, foot - 24 - 96), styles, unit)
    layout.blocks.append(fit(v.impact_line, Box(margin, foot + 10, card.width - 2 * margin, 52),
                             styles["impact"], card.measure))
    address = Box(qr.x, qr.bottom + 8, qr.width, foot - 16 - qr.bottom - 8)
    layout.blocks.append(fit(v.address, address, styles["address"], card.measure))
    layout.qr = make_qr(v.address, qr, palette.TEXT, palette.WHITE, raster=True)


# Each format's design at its base scale, and the larger scales tried first: a short case study
# gets larger type, a long one keeps the base scale and its text shrinks or is cut.
_DESIGNS = {
    CardFormat.LANDSCAPE: (_landscape, (1.15, 1.0)),
    CardFormat.SQUARE: (_square, (1.4, 1.25, 1.1)),
    CardFormat.A4: (_a4, (0.9, 0.75, 0.6)),
}


def vignette_layout(v: Vignette, card: CardFormat) -> CardLayout:
    design, units = _DESIGNS[card]
    for unit in units:
        layout = CardLayout(card, v.title, palette.WHITE)
        design(layout, v, unit)
        if not any(block.truncated for block in layout.blocks):
            break
    return layout
