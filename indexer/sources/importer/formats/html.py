"""Web pages (a case study saved from a site): lxml's HTML parser, the page's main content only.

Navigation, headers, footers, forms, scripts and styles are dropped; when the page marks its
content (``<main>``, ``<article>``, ``role="main"``) only that is read. Headings, paragraphs,
list items, table rows and block quotes become blocks; a leading ``<strong>``/``<b>`` is a
label, as in Word.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from indexer.sources.importer.errors import CorruptFile
from indexer.sources.importer.formats.plain import decode_text
from indexer.sources.importer.text import Block, Extracted, clean_chars, squash

__all__ = ["read_html"]

# Page furniture; a header or footer inside the article is kept (it often holds the title).
_DROP = tuple(f"//{t}" for t in ("script", "style", "noscript", "template", "nav", "form",
                                  "button", "svg", "iframe", "select", "head")) + tuple(
    f"//{t}[not(ancestor::article or ancestor::main)]" for t in ("header", "footer", "aside"))
_BLOCKS = {"p", "li", "dd", "dt", "blockquote", "pre", "caption", "figcaption", "address",
           "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "section", "article", "main",
           "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "body", "td", "th", "figure"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _text(element: Any) -> str:
    return squash(clean_chars(element.text_content())[0])


def _normalise_space(root: Any) -> None:
    # Source line breaks are layout, not text; <br> is a real line break.
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag == "pre":
            continue
        if element.text:
            element.text = re.sub(r"\s+", " ", element.text)
        if element.tail:
            element.tail = re.sub(r"\s+", " ", element.tail)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def _inline_label(self, element: Any) -> str:
        first = next((c for c in element if isinstance(c.tag, str)), None)
        if (first is not None and first.tag in ("strong", "b")
                and not (element.text or "").strip()):
            label = _text(first).rstrip(":-–— ")
            return label if len(label.split()) <= 12 else ""
        return ""

    def _emit(self, element: Any, kind: str) -> None:
        text = _text(element)
        if not text:
            return
        tag = element.tag
        if tag in _HEADINGS:
            self.blocks.append(Block(text, "heading", level=_HEADINGS[tag]))
            return
        label = self._inline_label(element)
        bold = label != "" and label == text.rstrip(":-–— ")
        if kind == "item":
            self.blocks.append(Block(text, "item", label="" if bold else label))
        else:
            self.blocks.append(Block(text, "paragraph", label="" if bold else label, bold=bold))

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "tr":
            cells = tuple(t for t in (_text(c) for c in element if c.tag in ("td", "th")) if t)
            if len(cells) == 1:
                self.blocks.append(Block(cells[0], "paragraph"))
            elif cells:
                self.blocks.append(Block(" | ".join(cells), "row", cells=cells))
            return
        if tag in _HEADINGS or tag in ("p", "blockquote", "pre", "dt", "dd", "caption",
                                       "figcaption", "address"):
            self._emit(element, "paragraph")
            return
        if tag == "li" and not any(c.tag in ("ul", "ol", "p", "div") for c in element):
            self._emit(element, "item")
            return
        # A container: its loose text is a paragraph of its own, between its block children.
        loose: list[str] = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str) and child.tag in _BLOCKS | set(_HEADINGS):
                self._loose(loose)
                self.walk(child)
                loose = [child.tail or ""]
            else:
                loose.append(etree.tostring(child, method="text", encoding="unicode",
                                            with_tail=True) if isinstance(child.tag, str)
                             else child.tail or "")
        self._loose(loose)

    def _loose(self, parts: list[str]) -> None:
        text = squash(clean_chars(" ".join(parts))[0])
        if text:
            self.blocks.append(Block(text, "paragraph"))


def read_html(data: bytes) -> Extracted:
    text = decode_text(data, html=True)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise CorruptFile(f"cannot read this web page ({exc}); save it again as HTML") from None
    title_el = root.find(".//title")
    title = _text(title_el) if title_el is not None else ""
    _normalise_space(root)
    for element in root.xpath("|".join(_DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    main = root.xpath("//main|//article|//*[@role='main']")
    walker = _Walker()
    for part in main[:1] or [root]:
        walker.walk(part)
    return Extracted(walker.blocks, "html", title=title)
