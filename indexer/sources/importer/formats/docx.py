"""Word .docx: python-docx opens the package and resolves styles; the body is walked in order.

The walk goes over the body's XML itself rather than ``Document.paragraphs`` because real
templates keep text where that list does not look: content controls (``w:sdt``, the grey
"click here to enter text" boxes of forms), text boxes (pull quotes), tables nested in
tables, and tracked insertions. Deleted text and the fallback copy of every text box
(``mc:Fallback``) are skipped, so nothing is read twice.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from indexer.sources.importer.errors import CorruptFile
from indexer.sources.importer.limits import Limits, check_zip
from indexer.sources.importer.text import Block, Extracted, clean_chars, squash

__all__ = ["read_docx"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {f"{W}del", f"{W}txbxContent", _MC_FALLBACK, f"{W}instrText", f"{W}delText",
         f"{W}footnoteReference", f"{W}endnoteReference", f"{W}commentReference"}
_HEADING_NAME = re.compile(r"^(?:heading|überschrift|titre|kop)\s*(\d)$", re.IGNORECASE)
_OFF = {"0", "false", "off", "none"}


@dataclass(frozen=True)
class _Style:
    level: int | None  # heading level, 0 for Title
    bold: bool
    listing: bool  # a list paragraph style


def _on(element: Any) -> bool:
    return element is not None and element.get(f"{W}val", "true").lower() not in _OFF


def _style_table(document: Any) -> dict[str, _Style]:
    table: dict[str, _Style] = {}
    for style in document.styles:
        element = style.element
        name = (style.name or "").strip()
        level: int | None = None
        match = _HEADING_NAME.match(name)
        if match:
            level = int(match.group(1))
        elif name.lower() in ("title", "subtitle"):
            level = 0 if name.lower() == "title" else 1
        else:
            outline = element.find(f"{W}pPr/{W}outlineLvl")
            if outline is not None and outline.get(f"{W}val", "9").isdigit():
                value = int(outline.get(f"{W}val", "9"))
                level = value + 1 if value < 9 else None
        bold = _on(element.find(f"{W}rPr/{W}b"))
        table[style.style_id] = _Style(level, bold, name.lower().startswith("list"))
    return table


def _walk_text(element: Any, boxes: list[Any]) -> Iterator[tuple[str, Any]]:
    """(text, run) pieces of a paragraph in order; text boxes are set aside in ``boxes``."""
    for child in element:
        tag = child.tag
        if tag == f"{W}txbxContent":
            boxes.append(child)
            continue
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == f"{W}t":
            yield child.text or "", child.getparent()
        elif tag == f"{W}tab":
            yield " ", child.getparent()
        elif tag in (f"{W}br", f"{W}cr"):
            yield "\n", child.getparent()
        elif tag == f"{W}noBreakHyphen":
            yield "-", child.getparent()
        else:
            yield from _walk_text(child, boxes)


class _Reader:
    def __init__(self, document: Any) -> None:
        self.styles = _style_table(document)
        self.blocks: list[Block] = []
        self.unreadable = 0

    def _run_bold(self, run: Any, para_bold: bool) -> bool:
        props = run.find(f"{W}rPr") if run is not None else None
        if props is not None:
            direct = props.find(f"{W}b")
            if direct is not None:
                return _on(direct)
            style = props.find(f"{W}rStyle")
            if style is not None and self.styles.get(style.get(f"{W}val", "")):
                if self.styles[style.get(f"{W}val", "")].bold:
                    return True
        return para_bold

    def paragraph(self, p: Any) -> None:
        props = p.find(f"{W}pPr")
        style_id = ""
        numbered = False
        if props is not None:
            style_el = props.find(f"{W}pStyle")
            style_id = style_el.get(f"{W}val", "") if style_el is not None else ""
            numbered = props.find(f"{W}numPr") is not None
        style = self.styles.get(style_id) or _Style(None, False, False)
        boxes: list[Any] = []
        pieces = [(text, self._run_bold(run, style.bold)) for text, run in _walk_text(p, boxes)]
        self._emit(pieces, style, numbered)
        for box in boxes:
            self.container(box)

    def _emit(self, pieces: list[tuple[str, bool]], style: _Style, numbered: bool) -> None:
        raw = "".join(t for t, _ in pieces)
        cleaned, dropped = clean_chars(raw)
        self.unreadable += dropped
        text = squash(cleaned)
        if not text:
            return
        lead = ""
        for piece, bold in pieces:
            if not bold and piece.strip():
                break
            lead += piece
        whole_bold = bool(pieces) and all(b for t, b in pieces if t.strip())
        label = ""
        if lead.strip() and not whole_bold and len(lead.split()) <= 12:
            label = squash(clean_chars(lead)[0]).rstrip(":-–— ").strip()
        if style.level is not None:
            self.blocks.append(Block(text, "heading", level=style.level, bold=whole_bold))
        elif numbered or style.listing:
            self.blocks.append(Block(text, "item", label=label, bold=whole_bold))
        else:
            self.blocks.append(Block(text, "paragraph", label=label, bold=whole_bold))

    def _cell_blocks(self, cell: Any) -> list[Block]:
        inner = _Reader.__new__(_Reader)
        inner.styles, inner.blocks, inner.unreadable = self.styles, [], 0
        inner.container(cell)
        self.unreadable += inner.unreadable
        return inner.blocks

    def table(self, tbl: Any) -> None:
        rows = tbl.findall(f"{W}tr") + tbl.findall(f"{W}sdt/{W}sdtContent/{W}tr")
        for row in rows:
            cells: list[list[Block]] = []
            for cell in row.findall(f"{W}tc") + row.findall(f"{W}sdt/{W}sdtContent/{W}tc"):
                blocks = self._cell_blocks(cell)
                if blocks:
                    cells.append(blocks)
            if len(cells) == 1:
                # A one-cell row is paragraphs (a heading, when its text says so).
                self.blocks.extend(cells[0])
            elif cells:
                texts = tuple(dict.fromkeys("\n".join(b.text for b in c) for c in cells))
                self.blocks.append(Block(" | ".join(texts), "row", cells=texts))

    def container(self, element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child)
            elif tag == f"{W}tbl":
                self.table(child)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}tc", f"{W}customXml",
                         f"{W}smartTag", f"{W}ins"):
                self.container(child)


def _furniture(document: Any) -> list[str]:
    seen: list[str] = []
    for section in document.sections:
        for part in (section.header, section.footer):
            try:
                text = squash(clean_chars(" ".join(p.text for p in part.paragraphs))[0])
            except (KeyError, ValueError):
                continue
            if text and text not in seen:
                seen.append(text)
    return seen


def read_docx(data: bytes, limits: Limits) -> Extracted:
    archive = check_zip(data, limits, ".docx")
    if "word/document.xml" not in archive.namelist():
        raise CorruptFile("not a Word document (it has no word/document.xml); check the file "
                          "type, or open it in Word and save it as .docx")
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _Reader(document)
        reader.container(document.element.body)
        furniture = _furniture(document)
        props = document.core_properties
        title = (props.title or "").strip()
        modified = props.modified.date().isoformat() if props.modified else ""
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
            zipfile.BadZipFile, EOFError, AttributeError) as exc:
        raise CorruptFile(
            f"corrupt .docx file ({type(exc).__name__}: {str(exc)[:120]}); open it in Word "
            "and save it again, or ask for a fresh copy"
        ) from None
    title = re.sub(r"^Microsoft Word - |\.docx?$", "", title)
    return Extracted(reader.blocks, "docx", title=title, modified=modified,
                     furniture=furniture, unreadable=reader.unreadable)
