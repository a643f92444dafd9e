"""Endorsement cards: a senior leader's quotation about a library and knowledge service.

:func:`read_endorsement` checks what the form sent and either returns an
:class:`Endorsement` or raises :class:`InvalidEndorsement` with one message per problem, each
saying what to do. Nothing is made unless the person has confirmed the statement of how the
card will be used. Typed text is bounded, cleaned of invisible characters (bidirectional
overrides, zero-width joiners) and refused when the card's typeface cannot draw it (emoji), so
a card never shows empty boxes. Markup is just text on a card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image

from search_service.cards import palette
from search_service.cards.design import HASHTAG, CardFormat, CardLayout, Panel, Picture
from search_service.cards.layout import Box, Style, fit, stack
from search_service.cards.photo import PhotoError, fit_photo, read_photo
from search_service.cards.typeface import Face, clean, undrawable

__all__ = ["Endorsement", "InvalidEndorsement", "read_endorsement", "endorsement_layout",
           "FIELDS", "DEFAULT_USAGE", "ENDORSEMENT_KICKER"]

ENDORSEMENT_KICKER = "Why our library and knowledge service matters"
DEFAULT_USAGE = (
    "Our library and knowledge service will share this card and quotation on our social media "
    "accounts, website and intranet, in presentations and reports to our board and staff, and "
    "on printed posters, as part of the A Million Decisions campaign. We will not use it for "
    "anything else without asking again."
)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    limit: int
    required: bool = True


FIELDS: tuple[Field, ...] = (
    Field("quote", "the quotation", 400),
    Field("name", "the name", 80),
    Field("job_title", "the job title", 120),
    Field("organisation", "the organisation", 150),
    Field("usage", "the statement of how the card will be used", 800),
)


@dataclass(frozen=True)
class Endorsement:
    quote: str
    name: str
    job_title: str
    organisation: str
    usage: str
    photo: Image.Image | None = None


class InvalidEndorsement(ValueError):
    """What is wrong with a submitted form: (field name, message) pairs, in form order."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def _check_text(field: Field, raw: str) -> tuple[str, str | None]:
    if len(raw) > field.limit * 4:  # far over the bound: say so without cleaning it all
        return "", (f"Shorten {field.label}: it can be at most {field.limit:,} characters "
                    f"(this has {len(raw):,}).")
    text = clean(raw, drop_undrawable=False)
    if field.required and not text:
        return text, f"Enter {field.label}."
    if len(text) > field.limit:
        return text, (f"Shorten {field.label}: it can be at most {field.limit:,} characters "
                      f"(this has {len(text):,}).")
    bad = undrawable(text)
    if bad:
        shown = " ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        return text, (f"Remove the characters the card cannot show from {field.label}: "
                      f"{shown} (emoji and some symbols are not in the card's typeface).")
    return text, None


def read_endorsement(form: Mapping[str, str], confirmed: bool,
                     photo: bytes | None) -> Endorsement:
    """The checked endorsement, or :class:`InvalidEndorsement` listing every problem."""
    values: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for field in FIELDS:
        values[field.name], problem = _check_text(field, form.get(field.name, "") or "")
        if problem:
            problems.append((field.name, problem))
    if not confirmed:
        who = values.get("name") or "the person quoted"
        problems.append(("confirm", f"Confirm that {who} has agreed to the card and quotation "
                                    "being used as the statement says."))
    image = None
    if photo:
        try:
            image = read_photo(photo)
        except PhotoError as problem:
            problems.append(("photo", str(problem)))
    if problems:
        raise InvalidEndorsement(problems)
    return Endorsement(values["quote"], values["name"], values["job_title"],
                       values["organisation"], values["usage"], image)


# --- Layout ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Frame:
    margin: float
    photo: float  # side of the square photo
    quote: tuple[float, float]  # largest and smallest quotation size
    name: tuple[float, float]
    detail: tuple[float, float]  # job title and organisation
    top: tuple[float, float]  # kicker and hashtag
    print_page: bool  # A4: white paper, the usage statement in small print


_FRAMES = {
    CardFormat.LANDSCAPE: _Frame(56, 168, (46, 22), (30, 18), (24, 15), (22, 15), False),
    CardFormat.SQUARE: _Frame(64, 232, (58, 26), (36, 20), (28, 17), (26, 16), False),
    CardFormat.A4: _Frame(48, 150, (40, 13), (22, 11), (16, 9), (13, 9), True),
}


def endorsement_layout(e: Endorsement, card: CardFormat) -> CardLayout:
    f = _FRAMES[card]
    raster = card.raster
    step = 1.0 if raster else 0.5
    paper = palette.WHITE if f.print_page else palette.NHS_DARK_BLUE
    ink = palette.NHS_DARK_BLUE if f.print_page else palette.WHITE
    detail_ink = palette.SECONDARY_TEXT if f.print_page else palette.WHITE

    def style(face: Face, sizes: tuple[float, float], colour: str, lines: int = 1_000,
              leading: float = 1.25, align: str = "left") -> Style:
        return Style(face, sizes[0], sizes[1], colour, lines, leading, align, step)

    layout = CardLayout(card, f"Endorsement from {e.name}, {e.job_title}", paper)
    m, w, h = f.margin, card.width, card.height
    top_h = style(Face.BOLD, f.top, ink).line_height(f.top[0])
    top = m * 0.75
    if f.print_page:
        band = top + top_h + m * 0.5
        layout.panels.append(Panel(Box(0, 0, w, band), palette.NHS_BLUE))
        top_ink = palette.WHITE
    else:
        band = top + top_h + m * 0.25
        top_ink = palette.WHITE
    tag = fit(HASHTAG, Box(m, top, w - 2 * m, top_h),
              style(Face.BOLD, f.top, top_ink, 1, align="right"), card.measure)
    kicker = fit(ENDORSEMENT_KICKER, Box(m, top, tag.bounds.x - m - m / 2, top_h),
                 style(Face.BOLD, f.top, top_ink, 1), card.measure)
    layout.blocks += [tag, kicker]
    accent = band + m * 0.25
    layout.panels.append(Panel(Box(m, accent, m * 1.5, max(4.0, m / 10)), palette.WARM_YELLOW))

    footer = 0.0
    if f.print_page:
        small = style(Face.REGULAR, (9, 7), palette.SECONDARY_TEXT, 6, 1.3)
        text = f"How this card will be used: {e.usage}"
        room = 6 * small.line_height(9)
        statement = fit(text, Box(m, h - m - room, w - 2 * m, room), small, card.measure)
        used = statement.bottom - statement.area.y  # then sit it on the bottom margin
        statement = fit(text, Box(m, h - m - used, w - 2 * m, used), small, card.measure)
        layout.blocks.append(statement)
        footer = used + m / 2

    row_y = h - m - footer - f.photo
    quote_box = Box(m, accent + m * 0.75, w - 2 * m, row_y - m * 0.75 - accent - m * 0.75)
    layout.blocks.append(fit(f"“{e.quote}”", quote_box,
                             style(Face.REGULAR, f.quote, ink, leading=1.3), card.measure,
                             closing="”"))
    x = m
    if e.photo is not None:
        scale = 1 if raster else 3  # print: about 216 dots per inch
        side = int(f.photo * scale)
        layout.picture = Picture(Box(m, row_y, f.photo, f.photo), fit_photo(e.photo, side, side))
        x = m + f.photo + m / 2
    people = stack([(e.name, style(Face.BOLD, f.name, ink, 2)),
                    (e.job_title, style(Face.REGULAR, f.detail, detail_ink, 2)),
                    (e.organisation, style(Face.REGULAR, f.detail, detail_ink, 2))],
                   Box(x, row_y, w - m - x, f.photo), card.measure, f.detail[1] * 0.3)
    layout.blocks += people
    return layout
