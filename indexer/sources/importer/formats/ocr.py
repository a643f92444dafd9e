"""Scanned case studies (a PDF of page images, a photographed or saved-as-image page) read by OCR.

Some services scan a signed, printed case study, or save a poster or vignette as an image. The
words are read by Debian's Tesseract (``tesseract-ocr``, English); a PDF's pages are first
drawn as greyscale images, A4 at 300 dots per inch, by poppler's ``pdftoppm``
(``poppler-utils``).
Both run as separate processes with a time bound per page, on at most ``Limits.ocr_pages``
pages (a case study is a few pages; a scanned report is not one), in a temporary folder removed
afterwards. The text becomes blocks as a plain-text file's would, and the result carries a
warning: OCR misreads figures and names, so a person must check them against the page.

Without Tesseract (or poppler for PDFs) the file gets an error that says what to install.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from indexer.sources.importer.errors import CONVERT_HINT, CorruptFile, NoText, UnsupportedFormat
from indexer.sources.importer.formats.pdf import blocks_from_lines, line_key
from indexer.sources.importer.text import Extracted, clean_chars

__all__ = ["ocr_pdf", "ocr_image", "OCR_WARNING", "IMAGE_PIXELS"]

PAGE_SECONDS = 60.0
# Pages are drawn with their longer side this many pixels: an A4 page at 300 dots per inch,
# which is what Tesseract reads best. A fixed size, not a resolution, so a PDF that declares a
# page 200 inches across (3.6 gigapixels at 300 dpi) cannot exhaust memory.
PAGE_PIXELS = 3508
IMAGE_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 MP; more is not a page
OCR_WARNING = ("read by OCR (the file has no text, only pictures of pages): check every "
               "figure, name and quotation against the original")
_IMAGE_FORMATS = ["PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP"]


def _program(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UnsupportedFormat(
            f"the file has no text, only pictures of pages, and reading them needs {name}, "
            f"which is not installed here (Debian: apt-get install {package}); or "
            f"{CONVERT_HINT}, with the text typed or pasted in")
    return path


def _run(command: list[str], timeout: float) -> None:
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired:
        raise CorruptFile(f"reading a page took over {timeout:.0f} s and was stopped; "
                          f"{CONVERT_HINT}, with the text typed or pasted in") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise CorruptFile(f"the pages could not be read ({detail[0][:120]}); "
                          f"{CONVERT_HINT}, with the text typed or pasted in")


@dataclass
class _Page:
    lines: list[str] = field(default_factory=list)  # "" between paragraphs
    heights: dict[str, list[int]] = field(default_factory=dict)  # line key -> line heights


def _page_lines(tsv: str, page: _Page) -> None:
    """Tesseract's TSV (one row per page, block, paragraph, line and word) -> lines of text,
    each with the height of its capital letters in pixels, which tells a heading from the body
    as a font size does (a line's own box grows with its descenders, so it cannot)."""
    words: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            words.setdefault(tuple(cells[1:5]), []).append((cells[11].strip(), int(cells[9])))
    paragraph: tuple[str, ...] | None = None
    for position, line_words in words.items():
        if paragraph is not None and position[:3] != paragraph:
            page.lines.append("")
        paragraph = position[:3]
        text = _BULLET_MISREAD.sub("• ", " ".join(word for word, _ in line_words))
        sizes = [_cap_height(word, height) for word, height in line_words]
        known = [size for size in sizes if size is not None]
        if known:
            page.heights.setdefault(line_key(text), []).append(int(statistics.median(known)))
        page.lines.append(text)
    page.lines.append("")


_LETTERS = re.compile(r"[A-Za-z0-9£]+[.:!?]?")
_TALL = re.compile(r"[A-Zbdfhklt0-9£]")  # up to the capital height (or near it)
_BELOW = re.compile(r"[gjpqy]")  # down past the line
# A word's box height -> the capital height of its font, by what its letters reach: in the
# sans-serif faces documents use, capitals are about 0.72 of the size, lower case 0.52 and
# descenders 0.21.
_TO_CAP = {(True, False): 1.0, (True, True): 0.72 / 0.93, (False, False): 0.72 / 0.52,
           (False, True): 0.72 / 0.73}


def _cap_height(word: str, height: int) -> float | None:
    """The capital height of the font ``word`` is set in, or None for punctuation."""
    if not _LETTERS.fullmatch(word):
        return None
    return height * _TO_CAP[(bool(_TALL.search(word)), bool(_BELOW.search(word)))]


# A bullet point that OCR read as a letter or sign ("e Searched three databases").
_BULLET_MISREAD = re.compile(r"^(?:[e©«¢°o*>]|\+)\s+(?=[A-Z0-9£])")


def _read_pages(images: list[Path], folder: Path) -> _Page:
    tesseract = _program("tesseract", "tesseract-ocr")
    page = _Page()
    for image in images:
        out = folder / f"{image.stem}-text"
        _run([tesseract, str(image), str(out), "-l", "eng", "tsv"], PAGE_SECONDS)
        _page_lines(Path(f"{out}.tsv").read_text(encoding="utf-8", errors="replace"), page)
    return page


def _extracted(page: _Page, kind: str, pages: int, total: int) -> Extracted:
    text, dropped = clean_chars("\n".join(page.lines))
    lines = text.split("\n")
    sizes = {key: float(statistics.median(found)) for key, found in page.heights.items()}
    body = [sizes.get(line_key(line), 0.0) for line in lines for _ in line.split()]
    extracted = Extracted(blocks_from_lines(lines, sizes, statistics.median(body or [0.0])),
                          kind, unreadable=dropped)
    if sum(ch.isalpha() for ch in extracted.text) < 20:
        raise NoText("no words were found on the pages by OCR; check it is the right file, "
                     "or scan it again at 300 dots per inch")
    extracted.warnings.append(OCR_WARNING)
    if total > pages:
        extracted.warnings.append(f"only the first {pages} of {total} pages were read by OCR")
    return extracted


def ocr_pdf(data: bytes, pages: int, most: int) -> Extracted:
    """The text of a PDF's first ``most`` pages (of ``pages``) by OCR."""
    pdftoppm = _program("pdftoppm", "poppler-utils")
    wanted = min(pages, most)
    with tempfile.TemporaryDirectory(prefix="impact-search-ocr-") as name:
        folder = Path(name)
        source = folder / "document.pdf"
        source.write_bytes(data)
        _run([pdftoppm, "-scale-to", str(PAGE_PIXELS), "-gray", "-png", "-f", "1",
              "-l", str(wanted), str(source), str(folder / "page")], PAGE_SECONDS * wanted)
        images = sorted(folder.glob("page*.png"))
        if not images:
            raise CorruptFile(f"the PDF's pages could not be drawn to be read; {CONVERT_HINT}")
        return _extracted(_read_pages(images, folder), "pdf", wanted, pages)


def ocr_image(data: bytes) -> Extracted:
    """The text of one page saved as an image (PNG, JPEG, TIFF...) by OCR."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS)
            if image.width * image.height > IMAGE_PIXELS:
                raise CorruptFile(f"the image is {image.width:,} x {image.height:,} pixels, "
                                  "more than a scanned page; scan it at 300 dots per inch")
            image.load()
            grey = image.convert("L")
        except (UnidentifiedImageError, Image.DecompressionBombWarning,
                Image.DecompressionBombError):
            raise CorruptFile("this is not an image that can be read (PNG, JPEG, TIFF, BMP, "
                              "GIF or WebP); save the page again as PNG or PDF") from None
        except (OSError, SyntaxError, ValueError):
            raise CorruptFile("the image is damaged or cut short; save the page again as "
                              "PNG or PDF") from None
    with tempfile.TemporaryDirectory(prefix="impact-search-ocr-") as name:
        folder = Path(name)
        page = folder / "page-1.png"
        grey.save(page, "PNG")
        return _extracted(_read_pages([page], folder), "image", 1, 1)
