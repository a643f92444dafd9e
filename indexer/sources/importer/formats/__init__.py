"""Format readers: bytes of one file in, :class:`~indexer.sources.importer.text.Extracted` out.

The file name's extension says which reader runs, unless the bytes say otherwise (a PDF saved
with a .doc name, a .docx renamed .doc): the content wins, with a warning. Formats that cannot
be read get the conversion to use.
"""

from __future__ import annotations

from pathlib import PurePath

from indexer.sources.importer.errors import CONVERT_HINT, UnsupportedFormat
from indexer.sources.importer.limits import Limits, check_size
from indexer.sources.importer.text import Extracted

__all__ = ["SUPPORTED", "read_extracted", "format_of"]

SUPPORTED = (".docx", ".pdf", ".html", ".htm", ".txt", ".md", ".markdown")
_WORD_LIKE = {".doc", ".odt", ".rtf", ".docm", ".dotx", ".dot", ".wpd", ".pages", ".wps",
              ".fodt", ".ott", ".xps", ".pptx", ".ppt", ".odp"}
_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".webp"}
_KIND = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt",
         ".md": "md", ".markdown": "md"}


def _sniff(data: bytes) -> str | None:
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    return None


def format_of(filename: str, data: bytes | None = None) -> str:
    """The reader for this file (``docx``, ``pdf``, ``html``, ``txt``, ``md``), or raise."""
    suffix = PurePath(filename).suffix.lower()
    sniffed = _sniff(data) if data is not None else None
    if suffix in _KIND and (sniffed is None or sniffed == _KIND[suffix]):
        return _KIND[suffix]
    if sniffed is not None:
        return sniffed
    if suffix in _KIND:
        return _KIND[suffix]
    if suffix in _IMAGES:
        raise UnsupportedFormat(
            f"{suffix} is an image: its words cannot be read (OCR is not supported); "
            f"{CONVERT_HINT}, with the text typed or pasted in"
        )
    if suffix in _WORD_LIKE:
        raise UnsupportedFormat(f"{suffix} files cannot be read; {CONVERT_HINT}")
    shown = suffix or "a file without an extension"
    raise UnsupportedFormat(
        f"{shown} is not a format the import reads (.docx, .pdf, .html, .txt, .md); "
        f"{CONVERT_HINT}"
    )


def read_extracted(data: bytes, filename: str, limits: Limits) -> Extracted:
    kind = format_of(filename, data)
    check_size(data, limits)
    if kind == "docx":
        from indexer.sources.importer.formats.docx import read_docx

        extracted = read_docx(data, limits)
    elif kind == "pdf":
        from indexer.sources.importer.formats.pdf import read_pdf

        extracted = read_pdf(data, limits)
    elif kind == "html":
        from indexer.sources.importer.formats.html import read_html

        extracted = read_html(data)
    else:
        from indexer.sources.importer.formats.plain import read_plain

        extracted = read_plain(data, markdown=kind == "md")
    suffix = PurePath(filename).suffix.lower()
    if _KIND.get(suffix) != kind:
        extracted.warnings.append(f"read as {kind}: the file's content is {kind}, "
                                  f"whatever its {suffix or 'missing'} extension says")
    return extracted
