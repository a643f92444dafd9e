"""Every kind of bad input is a named ImportProblem whose message says what to do."""

from __future__ import annotations

import io
import zipfile

import docx
import pypdf
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from indexer.sources.importer import (
    CorruptFile,
    ImportProblem,
    Limits,
    NoText,
    PasswordProtected,
    TooLarge,
    UncleanText,
    UnsupportedFormat,
    read_document,
)
from tests.indexer.sources.importer.samples import docx_bytes, template_docx


def _problem(data: bytes, name: str, limits: Limits | None = None) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        read_document(data, name, limits or Limits())
    return caught.value


def test_corrupt_docx() -> None:
    problem = _problem(b"this is not a zip archive at all", "case.docx")
    assert isinstance(problem, CorruptFile) and "save it again" in str(problem)


def test_truncated_docx() -> None:
    data = template_docx()
    problem = _problem(data[: len(data) // 2], "case.docx")
    assert isinstance(problem, CorruptFile) and "truncated" in str(problem)


def test_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    problem = _problem(buffer.getvalue(), "case.docx")
    assert isinstance(problem, CorruptFile) and "not a Word document" in str(problem)


def test_truncated_pdf(sample_pdfs: dict[str, bytes]) -> None:
    data = sample_pdfs["template"]
    problem = _problem(data[: int(len(data) * 0.6)], "case.pdf")
    assert isinstance(problem, CorruptFile) and "fresh copy" in str(problem)


def test_text_named_pdf() -> None:
    problem = _problem(b"Just some words, saved with the wrong name.", "case.pdf")
    assert isinstance(problem, CorruptFile) and "not a PDF" in str(problem)


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf(sample_pdfs: dict[str, bytes]) -> None:
    problem = _problem(_encrypted(sample_pdfs["template"], "secret"), "case.pdf")
    assert isinstance(problem, PasswordProtected) and "without a password" in str(problem)


def test_pdf_with_only_a_permissions_password_is_read(sample_pdfs: dict[str, bytes]) -> None:
    data = _encrypted(sample_pdfs["template"], "")
    assert read_document(data, "case.pdf").record["savings"]["money_gbp"] == 62_000


def test_password_protected_docx() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(template_docx())).encrypt("secret", encrypted)
    problem = _problem(encrypted.getvalue(), "case.docx")
    assert isinstance(problem, PasswordProtected) and "remove the password" in str(problem)


@pytest.mark.parametrize(("data", "name"), [
    (docx_bytes(docx.Document()), "empty.docx"),
    (b"", "empty.txt"),
    (b"   \n\n  ", "blank.md"),
    (b"<html><body><nav>Home</nav></body></html>", "empty.html"),
])
def test_empty_documents(data: bytes, name: str) -> None:
    problem = _problem(data, name)
    assert isinstance(problem, NoText) and "empty document" in str(problem)


def test_file_over_the_size_bound() -> None:
    problem = _problem(template_docx(), "case.docx", Limits(max_bytes=10_000))
    assert isinstance(problem, TooLarge) and "over the" in str(problem)


def test_docx_zip_bomb() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template_docx())) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("word/media/padding.bin", b"\0" * 60_000_000)
    assert len(buffer.getvalue()) < 1_000_000  # small on disk...
    problem = _problem(buffer.getvalue(), "case.docx")  # ...huge unpacked: default bounds
    assert isinstance(problem, TooLarge) and "zip bomb" in str(problem)


def test_text_that_is_not_utf8() -> None:
    problem = _problem("Café saved £500".encode("cp1252"), "notes.txt")
    assert isinstance(problem, UncleanText)
    assert "not UTF-8" in str(problem) and "save it as UTF-8" in str(problem)


def test_word_text_that_is_not_clean_unicode() -> None:
    document = docx.Document()
    document.add_paragraph("Outcome " + "\ue000\ue001\ue002" * 50 + " saved money")
    problem = _problem(docx_bytes(document), "case.docx")
    assert isinstance(problem, UncleanText) and "no Unicode meaning" in str(problem)


@pytest.mark.parametrize(("name", "kind", "says"), [
    ("case.doc", CorruptFile, "not a real .doc file"),
    ("case.odt", CorruptFile, "not a real .odt file"),
    ("case.rtf", CorruptFile, "not a real .rtf file"),
    ("case.pages", UnsupportedFormat, ".pages files cannot be read"),
    ("notes", UnsupportedFormat, "a file without an extension is not a format"),
])
def test_formats_to_convert(name: str, kind: type[ImportProblem], says: str) -> None:
    problem = _problem(b"some bytes", name)
    assert isinstance(problem, kind) and says in str(problem)
    assert "libreoffice --headless --convert-to docx FILE" in str(problem)


def test_a_docx_saved_with_a_doc_name_is_read_with_a_warning() -> None:
    doc = read_document(template_docx(), "case.doc")
    assert doc.record["savings"]["money_gbp"] == 62_000
    assert any("read as docx" in w for w in doc.warnings)
