"""Old Word, OpenDocument and RTF files read through LibreOffice; scanned PDFs and page images
read by OCR (Tesseract): the same case study gives the same record as its .docx."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from indexer.sources.importer import (
    CorruptFile,
    ImportProblem,
    Limits,
    NoText,
    UnsupportedFormat,
    read_document,
)
from indexer.sources.importer.formats import convert, ocr
from tests.indexer.sources.importer.samples import convert as convert_docx
from tests.indexer.sources.importer.samples import scanned, template_docx

# What the template case study says, read from its .docx.
FIELDS = ("title", "challenge", "lks_contribution", "outcome", "patient_benefit", "savings",
          "quote", "topics")


def _tool(name: str) -> None:
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} is not installed")


@pytest.fixture(scope="module")
def original() -> dict[str, Any]:
    return dict(read_document(template_docx(), "case.docx").record)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The template as LibreOffice saves it in each format, and a scan of its PDF."""
    _tool("soffice")
    _tool("pdftoppm")
    folder = tmp_path_factory.mktemp("converted")
    files = {kind: convert_docx({"case": template_docx()}, folder / kind, kind)["case"]
             for kind in ("doc", "odt", "rtf", "pdf")}
    files["scan"] = scanned(files["pdf"], folder / "scan")
    return files


def _problem(data: bytes, name: str) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        read_document(data, name)
    return caught.value


@pytest.mark.parametrize("kind", ["doc", "odt", "rtf"])
def test_other_word_processor_files_give_the_same_record_as_the_docx(
        made: dict[str, bytes], original: dict[str, Any], kind: str) -> None:
    document = read_document(made[kind], f"case.{kind}")
    assert {f: document.record.get(f) for f in FIELDS} == {f: original.get(f) for f in FIELDS}
    assert document.record["savings"]["money_gbp"] == 62_000
    assert document.format == kind
    assert any("converted from" in warning and "LibreOffice" in warning
               for warning in document.warnings)


def test_an_old_doc_saved_with_a_docx_name_is_converted_with_a_warning(
        made: dict[str, bytes], original: dict[str, Any]) -> None:
    document = read_document(made["doc"], "case.docx")
    assert document.record["title"] == original["title"]
    assert any("read as doc" in warning for warning in document.warnings)


@pytest.mark.parametrize(("data", "name"), [
    (b"\xd0\xcf\x11\xe0 not really an OLE file", "old.doc"),
    (b"plain words, not rich text", "case.rtf"),
    (b"PK\x03\x04 a zip with something else in it", "case.odt"),
])
def test_a_file_that_is_not_what_its_name_says_is_refused_before_libreoffice(
        data: bytes, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice opens anything it does not recognise as plain text: without this check,
    garbage would become a case study titled with its bytes."""
    monkeypatch.setattr(convert, "_run", lambda *args: pytest.fail("LibreOffice was started"))
    problem = _problem(data, name)
    assert isinstance(problem, CorruptFile) and "not a real" in str(problem)
    assert "save it as .docx" in str(problem)


def test_without_libreoffice_the_error_says_what_to_install(
        made: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "converter", lambda: None)
    problem = _problem(made["doc"], "case.doc")
    assert isinstance(problem, UnsupportedFormat)
    assert "apt-get install libreoffice-writer-nogui" in str(problem)


def test_a_conversion_that_hangs_is_stopped_with_its_processes(
        made: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for a LibreOffice that hangs, and has started a helper process that holds
    its output open, as soffice.bin does: both must be gone when the bound is reached."""
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 61.25 &\nsleep 61.25\n", encoding="utf-8")
    hanging.chmod(0o755)
    monkeypatch.setattr(convert, "converter", lambda: str(hanging))
    started = time.monotonic()
    with pytest.raises(CorruptFile, match="was stopped"):
        convert.to_docx(made["doc"], ".doc", timeout=0.5)
    assert time.monotonic() - started < 10  # not the helper's 61 s
    left = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if b"61.25" in (process / "cmdline").read_bytes():
                left.append(process.name)
        except OSError:  # gone meanwhile
            continue
    assert left == []  # the whole process group was killed, the helper included


def test_a_scanned_pdf_is_read_by_ocr(made: dict[str, bytes], original: dict[str, Any]) -> None:
    _tool("tesseract")
    document = read_document(made["scan"], "scan.pdf")
    # Headings are told from the body by the height of their letters on the page, lines
    # that wrapped are joined, and bullets OCR reads as "e" are bullets again.
    assert {f: document.record.get(f) for f in FIELDS} == {f: original.get(f) for f in FIELDS}
    assert document.record["savings"]["money_gbp"] == 62_000
    assert document.format == "pdf"
    assert ocr.OCR_WARNING in document.warnings


@pytest.fixture(scope="module")
def first_page(made: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Page 1 of the template as a 200 dots per inch greyscale PNG."""
    folder = tmp_path_factory.mktemp("page")
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "1", "-",
                    str(folder / "page")], input=made["pdf"], check=True, timeout=60)
    return next(folder.glob("page*.png")).read_bytes()


def test_a_page_saved_as_an_image_is_read_by_ocr(first_page: bytes) -> None:
    _tool("tesseract")
    document = read_document(first_page, "vignette.PNG")
    assert document.format == "image" and ocr.OCR_WARNING in document.warnings
    assert "Westmere Hospitals NHS Foundation Trust" in document.record["challenge"]


def test_only_the_first_pages_are_read_and_the_rest_reported(first_page: bytes) -> None:
    _tool("tesseract")
    blank = [Image.new("L", (1654, 2339), 255) for _ in range(2)]
    out = io.BytesIO()
    Image.open(io.BytesIO(first_page)).save(out, "PDF", save_all=True, append_images=blank,
                                            resolution=200)
    document = read_document(out.getvalue(), "scan.pdf", Limits(ocr_pages=1))
    assert "only the first 1 of 3 pages were read by OCR" in document.warnings


def test_a_blank_scan_has_no_words() -> None:
    _tool("tesseract")
    out = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(out, "PDF", resolution=150)
    problem = _problem(out.getvalue(), "blank.pdf")
    assert isinstance(problem, NoText) and "no words were found" in str(problem)


def test_without_tesseract_a_scan_gets_an_error_that_says_what_to_install(
        made: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(ocr.shutil, "which",
                        lambda name: None if name == "tesseract" else real(name))
    problem = _problem(made["scan"], "scan.pdf")
    assert isinstance(problem, UnsupportedFormat)
    assert "apt-get install tesseract-ocr" in str(problem)


@pytest.mark.parametrize(("data", "message"), [
    (b"not an image at all", "not an image that can be read"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not an image that can be read"),
])
def test_bad_images_are_refused(data: bytes, message: str) -> None:
    problem = _problem(data, "page.png")
    assert isinstance(problem, CorruptFile) and message in str(problem)


def test_an_image_bigger_than_any_page_is_refused_from_its_header() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", 9_000, 9_000, 8, 0, 0, 0, 0)  # 81 megapixels
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
    problem = _problem(bomb, "page.png")
    assert isinstance(problem, CorruptFile) and "more than a scanned page" in str(problem)


def test_a_scan_declaring_a_huge_page_is_drawn_at_page_size(
        first_page: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page 200 inches across would be 3.6 gigapixels at 300 dots per inch."""
    _tool("tesseract")
    drawn: list[tuple[int, int]] = []
    read = ocr._read_pages

    def measured(images: list[Path], folder: Path) -> Any:
        for image in images:
            with Image.open(image) as page:
                drawn.append(page.size)
        return read(images, folder)

    monkeypatch.setattr(ocr, "_read_pages", measured)
    out = io.BytesIO()
    Image.open(io.BytesIO(first_page)).save(out, "PDF", resolution=8)  # 207 x 292 inches
    document = read_document(out.getvalue(), "poster.pdf")
    assert max(drawn[0]) == ocr.PAGE_PIXELS
    assert "Westmere Hospitals NHS Foundation Trust" in document.record["challenge"]
