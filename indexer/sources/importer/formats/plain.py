"""Plain text and Markdown: UTF-8 (or UTF-16 with its byte-order mark) only.

A text file carries no encoding of its own, so guessing (Windows-1252? Latin-1?) would turn
``£`` into something else without a word: a file that is not UTF-8 is refused with how to
save it as UTF-8. Markdown's headings, ``**Label:**``, lists, quotes and tables become blocks.
"""

from __future__ import annotations

import codecs
import re

from indexer.sources.importer.errors import UncleanText
from indexer.sources.importer.text import Block, BlockKind, Extracted, clean_chars, squash

__all__ = ["decode_text", "read_plain"]

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+•▪◦●–]|\d{1,2}[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LABEL = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*")
_MD_INLINE = [(re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
              (re.compile(r"(\*\*|__|`)"), ""),
              (re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])"), r"\1")]


def decode_text(data: bytes, *, html: bool = False) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _META_CHARSET.search(data[:4096]) if html else None
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        line = data[: exc.start].count(b"\n") + 1
        raise UncleanText(
            f"text is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); save it as "
            "UTF-8 (in Notepad: File > Save as > Encoding: UTF-8) and import it again"
        ) from None


def _inline(text: str) -> str:
    for pattern, replacement in _MD_INLINE:
        text = pattern.sub(replacement, text)
    return text


def _flush(paragraph: list[str], blocks: list[Block], markdown: bool) -> None:
    lines = list(paragraph)
    paragraph.clear()
    if not lines:
        return
    first = lines[0]
    label = ""
    if markdown:
        match = _MD_LABEL.match(first)
        if match:
            label = _inline(match.group(1)).rstrip(":-–— ").strip()
            if not first[match.end():].strip() and len(lines) == 1:
                blocks.append(Block(squash(label), "paragraph", bold=True))
                return
        lines = [_inline(line) for line in lines]
        lines = [line[1:].lstrip() if line.startswith(">") else line for line in lines]
    kind: BlockKind = "item" if _BULLET.match(first) else "paragraph"
    if kind == "item":
        lines = [_BULLET.sub("", lines[0]), *lines[1:]]
    text = squash("\n".join(lines))
    if text:
        blocks.append(Block(text, kind, label=squash(label)))


def read_plain(data: bytes, markdown: bool) -> Extracted:
    text, dropped = clean_chars(decode_text(data))
    blocks: list[Block] = []
    paragraph: list[str] = []
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line) if markdown else None
        is_row = markdown and line.strip().startswith("|") and line.strip().endswith("|")
        if heading or is_row or not line.strip() or _BULLET.match(line):
            _flush(paragraph, blocks, markdown)
        if heading:
            level = len(heading.group(1))
            blocks.append(Block(squash(_inline(heading.group(2))), "heading", level=level))
        elif is_row:
            cells = tuple(squash(_inline(c)) for c in line.strip().strip("|").split("|"))
            if not all(re.fullmatch(r":?-{2,}:?|", c) for c in cells):
                cells = tuple(c for c in cells if c)
                blocks.append(Block(" | ".join(cells), "row", cells=cells))
        elif line.strip():
            paragraph.append(line)
    _flush(paragraph, blocks, markdown)
    return Extracted(blocks, "md" if markdown else "txt", unreadable=dropped)
