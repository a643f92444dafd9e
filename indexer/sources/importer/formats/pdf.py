"""PDF: pypdf's layout-mode text, rebuilt into paragraphs, table rows and list items.

Layout mode keeps where text sits on the page: a blank line marks a vertical gap (a new
paragraph) and a run of spaces a gap between table columns, which is how a two-column Word
form survives as a PDF. Page headers and footers (lines repeated at the top or bottom of
several pages, page numbers) are set aside as furniture.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pypdf
from pypdf.errors import DependencyError, PdfReadError

from indexer.sources.importer.errors import CorruptFile, NoText, PasswordProtected, TooLarge
from indexer.sources.importer.limits import Limits
from indexer.sources.importer.text import Block, BlockKind, Extracted, clean_chars, squash

__all__ = ["read_pdf", "Scanned", "blocks_from_lines", "line_key"]


class Scanned(NoText):
    """The PDF's pages are pictures with no text layer: read them by OCR (``pages`` of them)."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"no text: a scanned PDF of {pages} pages")
        self.pages = pages


_STYLED_PAGES = 12  # font sizes are read from the first pages only: headings, not a book
# pypdf reports recoverable damage on its logger; the import report says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_COLUMN_GAP = re.compile(r"\S(\s{3,})\S")
_BULLET = re.compile(r"^\s*(?:[•▪◦●○■□➢►✓✔\-*]|o(?=\s))\s+")  # not "–": attributions
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?\s*$|^\s*-\s*\d+\s*-\s*$|"
                          r"^(?:\S+\s+){0,6}(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?\s*$",
                          re.IGNORECASE)


def _open(data: bytes) -> Any:
    if b"%PDF-" not in data[:1024]:
        raise CorruptFile("not a PDF file (no %PDF header); check the file type")
    if b"%%EOF" not in data[-2048:]:
        raise CorruptFile("truncated PDF (its end marker is missing); the file was cut short "
                          "in copying or download: get a fresh copy")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                opened = pypdf.PasswordType.NOT_DECRYPTED
            if opened == pypdf.PasswordType.NOT_DECRYPTED:
                raise PasswordProtected(
                    "password-protected PDF; save or export it again without a password"
                )
        return reader
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise CorruptFile(f"corrupt PDF ({type(exc).__name__}: {str(exc)[:120]}); export it "
                          "again from the original document") from None


def _has_images(page: Any) -> bool:
    try:
        resources = page.get("/Resources") or {}
        objects = resources.get("/XObject") or {}
        return any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects)
    except (PdfReadError, KeyError, AttributeError, TypeError, ValueError):
        return False


def _date(meta: Any) -> Any:
    for name in ("modification_date", "creation_date"):
        try:
            value = getattr(meta, name) if meta else None
        except (ValueError, TypeError):  # a date string pypdf cannot read: no date
            continue
        if value:
            return value
    return None


@dataclass
class _Styles:
    """Which lines of the document are set large (headings) or bold, keyed without spaces."""

    size: dict[str, float] = field(default_factory=dict)
    bold: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # line key -> its bold first run
    body_size: float = 0.0


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _styles(pages: list[Any]) -> _Styles:
    # A second, cheap pass with pypdf's text visitor: font size and font name of each run,
    # grouped into lines by their baseline.
    lines: dict[tuple[int, int], list[tuple[float, bool, str]]] = {}
    for number, page in enumerate(pages):
        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, n: int = number) -> None:
            if not text.strip():
                return
            scale = abs(float(tm[3]) * float(cm[3])) or 1.0
            name = str(font.get("/BaseFont", "")).lower() if font else ""
            bold = any(w in name for w in ("bold", "black", "heavy", "semibold"))
            y = round(float(tm[5]) * float(cm[3]) + float(cm[5]))
            lines.setdefault((n, y), []).append((float(size) * scale, bold, text))
        page.extract_text(visitor_text=visit)
    weights: Counter[float] = Counter()
    for runs in lines.values():
        for size, _, text in runs:
            weights[round(size, 1)] += len(text)
    styles = _Styles(body_size=weights.most_common(1)[0][0] if weights else 0.0)
    for runs in lines.values():
        key = _key("".join(t for _, _, t in runs))
        styles.size[key] = min(size for size, _, _ in runs)
        if all(bold for _, bold, t in runs if t.strip()):
            styles.bold.add(key)
        elif runs[0][1] and len(runs) > 1:
            styles.labels[key] = runs[0][2].strip()
    return styles


def _page_lines(page: Any) -> list[str]:
    text = page.extract_text(extraction_mode="layout", layout_mode_space_vertically=True)
    return _columns(str(text).split("\n"))


_RIGHT = re.compile(r"\S(\s{3,})(?=\S)")


def _right_start(line: str) -> int | None:
    """Where the rightmost block of text after a wide gap starts, if there is one."""
    starts = [m.end(1) for m in _RIGHT.finditer(line)]
    return starts[-1] if starts else None


def _columns(lines: list[str]) -> list[str]:
    """A page set in two columns, read left column then right, not line across line.

    Layout mode puts both columns on each line. A run of at least six lines split at the same
    place, with at least three lines of prose (more than eight words) on the left, is a
    column layout; a two-column form has short labels on the left and is left alone.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        column = _right_start(lines[i])
        if column is None:
            out.append(lines[i])
            i += 1
            continue
        left: list[str] = []
        right: list[str] = []
        j = i
        while j < len(lines):
            line = lines[j]
            start = _right_start(line)
            indent = len(line) - len(line.lstrip())
            if not line.strip():
                left.append("")
                right.append("")
            elif start is not None and abs(start - column) <= 3:
                left.append(line[:start].rstrip())
                right.append(line[start:].strip())
            elif start is None and indent >= column - 3:
                left.append("")
                right.append(line.strip())
            elif start is None and len(line.rstrip()) < column:
                left.append(line.rstrip())
                right.append("")
            else:
                break
            j += 1
        if j - i >= 6 and sum(len(x.split()) > 8 for x in left) >= 3:
            out += [*left, "", *right]
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _edges(lines: list[str]) -> list[str]:
    filled = [line.strip() for line in lines if line.strip()]
    return filled[:2] + filled[-2:]


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of at least two pages, numbers ignored."""
    if len(pages) < 2:
        return set()
    counts = Counter(re.sub(r"\d+", "#", s) for page in pages for s in set(_edges(page)))
    return {k for k, n in counts.items() if n >= 2}


_CONNECTOR = re.compile(r"(?:\b(?:and|or|the|of|to|a|an|in|for|with|on|by|was|is)|[&,/-])$",
                        re.IGNORECASE)


def _new_row(row: list[list[str]], parts: list[str], indent: int, column: int) -> bool:
    """Does a line with a column gap start a new table row, or wrap the current one?"""
    if len(parts) < 2 or indent >= column - 2:
        return False
    left = row[0][-1] if row[0] else ""
    return parts[0][:1].isupper() and not _CONNECTOR.search(left.strip())


def blocks_from_lines(lines: list[str], sizes: dict[str, float], body_size: float
                      ) -> list[Block]:
    """Blocks of lines laid out as on a page ("" between paragraphs), with each line's size
    (by :func:`line_key`): how OCR'd pages become blocks, the same way a PDF's text does."""
    return _blocks(lines, _Styles(size=sizes, body_size=body_size))


def line_key(text: str) -> str:
    return _key(text)


def _blocks(lines: list[str], styles: _Styles) -> list[Block]:
    blocks: list[Block] = []
    heading: list[str] = []
    top = max(styles.size.values(), default=0.0)
    paragraph: list[str] = []
    row: list[list[str]] | None = None
    column = 0

    def flush() -> None:
        nonlocal row
        if heading:
            size = styles.size.get(_key(heading[0]), 0.0)
            level = 0 if size >= top else 1
            blocks.append(Block(squash(" ".join(heading)), "heading", level=level))
            heading.clear()
        if paragraph:
            kind: BlockKind = "item" if _BULLET.match(paragraph[0]) else "paragraph"
            first = _BULLET.sub("", paragraph[0]) if kind == "item" else paragraph[0]
            text = squash("\n".join([first, *paragraph[1:]]))
            keys = [_key(line) for line in paragraph]
            bold = all(k in styles.bold for k in keys) and len(text.split()) <= 16
            label = styles.labels.get(keys[0], "").rstrip(":-–— ")
            blocks.append(Block(text, kind, bold=bold, label=label if len(label.split()) <= 12
                                else ""))
            paragraph.clear()
        if row is not None:
            cells = tuple(squash(" ".join(c)) for c in row)
            blocks.append(Block(" | ".join(cells), "row", cells=cells))
            row = None

    for line in lines:
        if not line.strip():
            flush()
            continue
        size = styles.size.get(_key(line), 0.0)
        # A heading's next line continues it at (about: OCR measures) the same size.
        follows = bool(heading) and size >= styles.size.get(_key(heading[-1]), 0.0) * 0.9
        if styles.body_size and (size >= styles.body_size * 1.15 or follows) \
                and len(line.split()) <= 20:
            if not heading:
                flush()
            heading.append(line.strip())
            continue
        if heading:
            flush()
        key = _key(line)
        if key in styles.bold and (paragraph and _key(paragraph[-1]) not in styles.bold):
            flush()  # a bold line after plain text starts a block of its own
        elif paragraph and _key(paragraph[-1]) in styles.bold and key not in styles.bold:
            flush()
        indent = len(line) - len(line.lstrip())
        gap = _COLUMN_GAP.search(line)
        parts = re.split(r"\s{3,}", line.strip()) if gap else [line.strip()]
        if row is not None and not _new_row(row, parts, indent, column):
            if len(parts) > 1 and indent < column - 2:
                row[0].append(parts[0])
                row[-1].extend(parts[1:])
            elif indent >= column - 2:
                row[-1].append(line.strip())  # a wrapped line of the last cell
            else:
                row[0].append(line.strip())  # a wrapped line of the label
            continue
        if gap and len(line[: gap.start(1)].split()) <= 8 and not _BULLET.match(line):
            flush()
            row = [[p] for p in parts]
            column = line.rfind(parts[-1])
            continue
        if row is not None or _BULLET.match(line):
            flush()  # each bullet is an item of its own
        paragraph.append(line.strip())
    flush()
    return blocks


def read_pdf(data: bytes, limits: Limits) -> Extracted:
    reader = _open(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if len(reader.pages) > limits.max_pages:
                raise TooLarge(f"{len(reader.pages)} pages, over the bound of {limits.max_pages}; "
                               "a case study is a few pages: import it on its own")
            pages = [_page_lines(page) for page in reader.pages]
            styles = _styles(list(reader.pages)[:_STYLED_PAGES])
            images = any(_has_images(page) for page in reader.pages)
            meta = reader.metadata
            title = str(meta.title or "") if meta else ""
            date = _date(meta)
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError, OSError, ZeroDivisionError) as exc:
            raise CorruptFile(f"corrupt PDF ({type(exc).__name__}: {str(exc)[:120]}); export "
                              "it again from the original document") from None
    furniture_keys = _furniture(pages)
    furniture: list[str] = []
    lines: list[str] = []
    unreadable = 0
    for page in pages:
        edges = set(_edges(page))
        for line in page:
            cleaned, dropped = clean_chars(line)
            unreadable += dropped
            stripped = cleaned.strip()
            if stripped in edges and (re.sub(r"\d+", "#", stripped) in furniture_keys
                                      or _PAGE_NUMBER.match(stripped)):
                if stripped not in furniture:
                    furniture.append(stripped)
                continue
            lines.append(cleaned.rstrip())
        lines.append("")
    letters = sum(ch.isalpha() for line in lines for ch in line)
    if letters < 20 * len(pages) and images:
        raise Scanned(len(pages))
    if letters == 0:
        raise NoText("empty document: the PDF has no text; check it is the right file")
    return Extracted(_blocks(lines, styles), "pdf", title=title.strip(),
                     modified=date.date().isoformat() if date else "",
                     furniture=furniture, unreadable=unreadable)
