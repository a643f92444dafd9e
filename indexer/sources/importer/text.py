"""The text every format reader produces: a list of blocks, with its characters cleaned.

A :class:`Block` is a heading, a paragraph, a list item or a table row (its cells), in reading
order; :class:`Extracted` holds the blocks of one document with its file metadata. Cleaning
is the same for every format: Word, PDF and web pages carry non-breaking and zero-width spaces,
soft hyphens, ligatures and, from badly made PDFs, characters with no Unicode meaning. The
first are normalised; the last are counted, because a document made mostly of them cannot be
read (see :func:`check_clean`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from indexer.sources.importer.errors import NoText, UncleanText

__all__ = ["Block", "BlockKind", "Extracted", "clean_chars", "squash", "check_clean",
           "UNCLEAN_SHARE"]

BlockKind = Literal["heading", "paragraph", "item", "row"]

# More than this share of unreadable characters: the text layer is broken, not the prose.
UNCLEAN_SHARE = 0.02

_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\u180e]")
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff]")
# Symbol-font bullets that PDFs and Word map into the private use area.
_PUA_BULLETS = re.compile(r"[\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0e8\uf02d]")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_RUNS = re.compile(r"[ ]{2,}")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of a document in reading order.

    ``label`` is a leading bold run or ``Label:`` prefix (``"Outcome"``) when the format shows
    one; ``bold`` says the whole block is bold; ``cells`` are a table row's cells.
    """

    text: str
    kind: BlockKind = "paragraph"
    level: int = 0
    cells: tuple[str, ...] = ()
    label: str = ""
    bold: bool = False


@dataclass
class Extracted:
    """A document's blocks, with what its file says about itself (never trusted for names)."""

    blocks: list[Block]
    format: str
    title: str = ""  # the file's own title property
    modified: str = ""  # ISO date the file says it was last saved
    furniture: list[str] = field(default_factory=list)  # page headers and footers
    warnings: list[str] = field(default_factory=list)
    unreadable: int = 0  # characters dropped by clean_chars

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def clean_chars(text: str) -> tuple[str, int]:
    """``text`` with spaces normalised and unreadable characters removed, and their count."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _PUA_BULLETS.sub("•", _INVISIBLE.sub("", text).translate(_LIGATURES))
    text, dropped = _UNREADABLE.subn("", text)
    return _SPACES.sub(" ", text), dropped


def squash(text: str) -> str:
    """Single spaces, no space at either end of a line, no empty lines at the ends."""
    lines = (_RUNS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def check_clean(extracted: Extracted) -> None:
    """Refuse a document with no words, or one whose text is mostly unreadable characters."""
    total = sum(len(b.text) for b in extracted.blocks)
    letters = sum(ch.isalpha() for b in extracted.blocks for ch in b.text)
    if extracted.unreadable and extracted.unreadable > UNCLEAN_SHARE * (total + 1):
        share = 100 * extracted.unreadable / (total + extracted.unreadable)
        raise UncleanText(
            f"text is not clean UTF-8/Unicode ({share:.0f}% of its characters are control "
            "characters or have no Unicode meaning); open it in Word and save it again as "
            ".docx or PDF (for a PDF, export it again from the original document)"
        )
    if letters == 0:
        raise NoText("empty document: no text found; check it is the right file")
    if extracted.unreadable:
        extracted.warnings.append(
            f"{extracted.unreadable} unreadable characters removed from the text"
        )
