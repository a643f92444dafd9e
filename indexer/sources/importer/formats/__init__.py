"""Format readers: bytes of one file in, :class:`~indexer.sources.importer.text.Extracted` out.

The file name's extension says which reader runs, unless the bytes say otherwise (a PDF saved
with a .doc name, a .docx renamed .doc): the content wins, with a warning. Other word-processor
files (.doc, .odt, .rtf...) are converted to .docx by LibreOffice (:mod:`.convert`); scanned
PDFs and page images are read by OCR (:mod:`.ocr`). Formats that cannot be read get the
conversion to use.
"""

from __future__ import annotations

from pathlib import PurePath

from indexer.sources.importer.errors import CONVERT_HINT, UnsupportedFormat
from indexer.sources.importer.formats.convert import CONVERTED
from indexer.sources.importer.limits import Limits, check_size, is_encrypted, is_ole
from indexer.sources.importer.text import Extracted

__all__ = ["SUPPORTED", "read_extracted", "format_of"]

_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp"}
SUPPORTED = (".docx", ".pdf", ".html", ".htm", ".txt", ".md", ".markdown",
             *sorted(CONVERTED), *sorted(_IMAGES))
_OTHERS = {".pages", ".xps", ".pptx", ".ppt", ".odp", ".heic"}  # named in the error
_KIND = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt",
         ".md": "md", ".markdown": "md"}


def _sniff(data: bytes) -> str | None:
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if is_ole(data) and not is_encrypted(data):  # Word 97-2003 (an encrypted .docx is OLE too)
        return "doc"
    return None


def _named(suffix: str) -> str | None:
    """The reader a file's extension names, or None."""
    if suffix in _KIND:
        return _KIND[suffix]
    if suffix in CONVERTED:
        return CONVERTED[suffix]
    return "image" if suffix in _IMAGES else None


def format_of(filename: str, data: bytes | None = None) -> str:
    """The reader for this file (``docx``, ``pdf``, ``html``, ``txt``, ``md``), or raise."""
    suffix = PurePath(filename).suffix.lower()
    kind = (_sniff(data) if data is not None else None) or _named(suffix)  # the content wins
    if kind is not None:
        return kind
    if suffix in _OTHERS:
        raise UnsupportedFormat(f"{suffix} files cannot be read; {CONVERT_HINT}")
    shown = suffix or "a file without an extension"
    raise UnsupportedFormat(
        f"{shown} is not a format the import reads (.docx, .pdf, .doc, .odt, .rtf, .html, "
        f".txt, .md, or a page image); {CONVERT_HINT}"
    )


def _read_pdf(data: bytes, limits: Limits) -> Extracted:
    from indexer.sources.importer.formats.pdf import Scanned, read_pdf

    try:
        return read_pdf(data, limits)
    except Scanned as scan:
        from indexer.sources.importer.formats.ocr import ocr_pdf

        return ocr_pdf(data, scan.pages, limits.ocr_pages)


def _converted(data: bytes, filename: str, kind: str, limits: Limits) -> Extracted:
    from indexer.sources.importer.formats.convert import to_docx
    from indexer.sources.importer.formats.docx import read_docx

    suffix = PurePath(filename).suffix.lower()
    extracted = read_docx(to_docx(data, suffix if suffix in CONVERTED else f".{kind}"), limits)
    extracted.format = kind
    extracted.warnings.append(f"converted from {kind} to .docx by LibreOffice before reading")
    return extracted


def read_extracted(data: bytes, filename: str, limits: Limits) -> Extracted:
    kind = format_of(filename, data)
    check_size(data, limits)
    if kind == "docx":
        from indexer.sources.importer.formats.docx import read_docx

        extracted = read_docx(data, limits)
    elif kind == "pdf":
        extracted = _read_pdf(data, limits)
    elif kind in CONVERTED.values():
        extracted = _converted(data, filename, kind, limits)
    elif kind == "image":
        from indexer.sources.importer.formats.ocr import ocr_image

        extracted = ocr_image(data)
    elif kind == "html":
        from indexer.sources.importer.formats.html import read_html

        extracted = read_html(data)
    else:
        from indexer.sources.importer.formats.plain import read_plain

        extracted = read_plain(data, markdown=kind == "md")
    suffix = PurePath(filename).suffix.lower()
    if _named(suffix) != kind:
        extracted.warnings.append(f"read as {kind}: the file's content is {kind}, "
                                  f"whatever its {suffix or 'missing'} extension says")
    return extracted
