"""Text that always fits: shrink, then wrap, then cut with an ellipsis, in that order.

A card is designed as boxes; :func:`fit` puts one piece of text into one box. Text that
nearly fits on one line is shrunk a little (to 80% of its size at most) to stay on one line;
otherwise it is wrapped at the largest size at which all of it fits the box; only when it
does not fit even at the smallest size is it cut, with an ellipsis. Words
longer than the box (a 200-character address, a string with no spaces) break inside the word,
after a ``/``, ``-`` or ``.`` where there is one. Every line carries its measured width, so
tests (and the painters) can check that nothing leaves its box. :func:`stack` lays pieces out top to
bottom, keeping room for the smallest size of each piece still to come.

Nothing here draws or imports a drawing library: widths come from a :data:`Measure`
(:mod:`search_service.cards.typeface`), so the PNG and the PDF cards share this code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from search_service.cards.typeface import ASCENT, DESCENT, Face, Measure

__all__ = ["Box", "Style", "Line", "Block", "fit", "stack", "ELLIPSIS"]

ELLIPSIS = "…"
_BREAK_AFTER = "/-."


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def contains(self, other: Box, tolerance: float = 0.01) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance
                and other.bottom <= self.bottom + tolerance)

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)


@dataclass(frozen=True)
class Style:
    face: Face
    size: float  # the largest size tried
    min_size: float  # below this the text is cut instead
    colour: str
    max_lines: int = 1_000
    leading: float = 1.25  # line height as a multiple of the size
    align: str = "left"  # "left" or "right"
    step: float = 1.0  # sizes tried: size, size - step, ... min_size
    shrink_to: float = 0.8  # to stay on one line, shrink to this fraction before wrapping

    def line_height(self, size: float) -> float:
        return size * self.leading

    def reserve(self) -> float:
        """Height kept free for this text while earlier pieces of a stack are fitted."""
        return self.line_height(self.min_size)


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    y: float  # top of the line box
    width: float  # measured
    size: float
    leading: float

    @property
    def baseline(self) -> float:
        # The glyph box (ascent + descent) is centred in the line box.
        return self.y + self.size * ((self.leading - ASCENT - DESCENT) / 2 + ASCENT)

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.width, self.size * self.leading)


@dataclass(frozen=True)
class Block:
    text: str  # what was asked for
    style: Style
    area: Box  # where it had to fit
    size: float  # the size chosen
    lines: tuple[Line, ...] = field(default_factory=tuple)
    truncated: bool = False

    @property
    def bottom(self) -> float:
        return self.lines[-1].box.bottom if self.lines else self.area.y

    @property
    def bounds(self) -> Box:
        """The smallest box holding every line."""
        if not self.lines:
            return Box(self.area.x, self.area.y, 0, 0)
        left = min(line.x for line in self.lines)
        right = max(line.x + line.width for line in self.lines)
        return Box(left, self.lines[0].y, right - left, self.bottom - self.lines[0].y)

    @property
    def shown(self) -> str:
        return " ".join(line.text for line in self.lines)


def _longest_prefix(word: str, width: float, measure: Measure, face: Face, size: float) -> int:
    """How many leading characters of ``word`` fit in ``width`` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle], face, size) <= width:
            low = middle
        else:
            high = middle - 1
    # Prefer breaking after a slash, hyphen or dot in the second half of what fits.
    for cut in range(low, max(1, low // 2), -1):
        if word[cut - 1] in _BREAK_AFTER:
            return cut
    return low


def _wrap(words: Sequence[str], width: float, measure: Measure, face: Face, size: float,
          limit: int) -> tuple[list[str], list[str]]:
    """Greedy line breaking into at most ``limit`` lines: (lines, the words left over)."""
    lines: list[str] = []
    current = ""
    pending = list(reversed(words))
    while pending:
        word = pending.pop()
        candidate = f"{current} {word}" if current else word
        if measure(candidate, face, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
            pending.append(word)
        else:  # a word wider than the box: break inside it
            cut = _longest_prefix(word, width, measure, face, size)
            lines.append(word[:cut])
            if cut < len(word):
                pending.append(word[cut:])
        if len(lines) == limit:
            return lines, list(reversed(pending))
    if current:
        if len(lines) == limit:
            return lines, current.split()
        lines.append(current)
    return lines, []


def _cut(text: str, width: float, measure: Measure, face: Face, size: float,
         closing: str) -> str:
    """The longest start of ``text`` that fits with an ellipsis (and ``closing``) after it,
    ending at a word boundary unless that would waste more than a third of the line."""
    def shown(n: int) -> str:
        return text[:n].rstrip(" ,;:.-") + ELLIPSIS + closing

    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(shown(middle), face, size) <= width:
            low = middle
        else:
            high = middle - 1
    space = text.rfind(" ", 0, low + 1)
    if 0 < space and low < len(text) and text[low] != " " and space >= low * 2 / 3:
        low = space
    if low == 0:
        return ELLIPSIS if measure(ELLIPSIS, face, size) <= width else ""
    return shown(low)


def _sizes(style: Style) -> list[float]:
    sizes = []
    size = style.size
    while size > style.min_size:
        sizes.append(size)
        size -= style.step
    sizes.append(style.min_size)
    return sizes


def _place(text: str, lines: list[str], area: Box, style: Style, size: float,
           measure: Measure, truncated: bool) -> Block:
    height = style.line_height(size)
    placed = []
    for number, content in enumerate(lines):
        width = measure(content, style.face, size)
        x = area.right - width if style.align == "right" else area.x
        placed.append(Line(content, x, area.y + number * height, width, size, style.leading))
    return Block(text, style, area, size, tuple(placed), truncated)


def fit(text: str, area: Box, style: Style, measure: Measure, closing: str = "") -> Block:
    """Lay ``text`` out in ``area``, trying in this order:

    1. shrink: one line, from the largest size down to ``style.shrink_to`` of it;
    2. wrap: the largest size at which the wrapped text fits whole;
    3. cut: the smallest size, its last line cut short by an ellipsis (then ``closing``, for
       example a closing quotation mark that must survive the cut).
    """
    words = text.split()
    if not words or area.width <= 0:
        return Block(text, style, area, style.size)
    sizes = _sizes(style)
    one_line_floor = max(style.min_size, style.size * style.shrink_to)
    for size in (s for s in sizes if s >= one_line_floor):
        if style.line_height(size) <= area.height and measure(" ".join(words), style.face,
                                                              size) <= area.width:
            return _place(text, [" ".join(words)], area, style, size, measure, False)
    for size in sizes:
        limit = min(style.max_lines, int(area.height // style.line_height(size)))
        if limit < 1:
            continue
        lines, rest = _wrap(words, area.width, measure, style.face, size, limit)
        if not rest:
            return _place(text, lines, area, style, size, measure, False)
    size = style.min_size
    limit = min(style.max_lines, int(area.height // style.line_height(size)))
    if limit < 1:
        return Block(text, style, area, size, truncated=True)
    lines, rest = _wrap(words, area.width, measure, style.face, size, limit - 1) \
        if limit > 1 else ([], list(words))
    lines.append(_cut(" ".join(rest), area.width, measure, style.face, size, closing))
    return _place(text, lines, area, style, size, measure, True)


def stack(pieces: Sequence[tuple[str, Style]], area: Box, measure: Measure,
          gap: float) -> list[Block]:
    """Fit ``pieces`` one under another in ``area``; empty pieces take no room. Each piece may
    use the height left after keeping one smallest-size line for every later piece."""
    blocks = []
    y = area.y
    wanted = [(text, style) for text, style in pieces if text.strip()]
    for number, (text, style) in enumerate(wanted):
        reserve = sum(gap + later.reserve() for _, later in wanted[number + 1:])
        room = Box(area.x, y, area.width, max(0.0, area.bottom - y - reserve))
        block = fit(text, room, style, measure)
        blocks.append(block)
        y = block.bottom + gap
    return blocks
